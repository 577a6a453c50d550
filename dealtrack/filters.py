"""The FILTERS options as one value, kept free of SQLAlchemy so that a command can tell whether it
was given any before deciding how to read the ledger (``queries`` turns them into SQL)."""

from dataclasses import dataclass

from dealtrack.dates import PartialDate
from dealtrack.money import Amount


@dataclass(frozen=True)
class Filters:
    """The FILTERS options; repeats of one option are OR'ed, different options AND'ed."""

    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    acquirers: tuple[str, ...] = ()
    sellers: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None
    updated_since: PartialDate | None = None
    currencies: tuple[str, ...] = ()
    min_value: Amount | None = None
    max_value: Amount | None = None
    search: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # outlets, compared without regard to case
    attributions: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # parties, with their units and what they control
    as_of: PartialDate | None = None
