"""When two reports are one deal: the same target, the same set of acquirers and the same
reported period. ``add`` refuses such a duplicate (unless ``--new``) and an import row matches the
deal instead of creating another, both by this key."""

import datetime
from collections.abc import Iterable

from dealtrack.dates import PartialDate

NaturalKey = tuple[int, frozenset[int], datetime.date, str]


def natural_key(target_id: int, acquirer_ids: Iterable[int], reported: PartialDate) -> NaturalKey:
    """What identifies a deal besides its key, party names resolved to ids (aliases included)."""
    return target_id, frozenset(acquirer_ids), reported.start, reported.precision.value


def natural_text(key: NaturalKey) -> str:
    """The key as one short string, equal exactly when the keys are: what a large import keeps
    for each ledger deal (a tuple holding a set and a date took several times the memory)."""
    target, acquirers, start, precision = key
    return f"{target}|{','.join(map(str, sorted(acquirers)))}|{start.toordinal()}|{precision}"
