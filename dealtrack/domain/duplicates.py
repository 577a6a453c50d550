"""When two reports are one deal: the same target, the same set of acquirers and reported periods
that overlap. ``add`` refuses such a duplicate (unless ``--new``); an import row matches the deal
with the same key (the same reported period exactly) instead of creating another."""

import datetime
from collections.abc import Iterable

from dealtrack.dates import PartialDate, Precision

NaturalKey = tuple[int, frozenset[int], datetime.date, str]


def natural_key(target_id: int, acquirer_ids: Iterable[int], reported: PartialDate) -> NaturalKey:
    """What identifies a deal besides its key, party names resolved to ids (aliases included)."""
    return target_id, frozenset(acquirer_ids), reported.start, reported.precision.value


def natural_text(key: NaturalKey) -> str:
    """The key as one short string, equal exactly when the keys are: what a large import keeps
    for each ledger deal (a tuple holding a set and a date took several times the memory)."""
    target, acquirers, start, precision = key
    return f"{target}|{','.join(map(str, sorted(acquirers)))}|{start.toordinal()}|{precision}"


def reports_overlap(a: PartialDate, b: PartialDate) -> bool:
    """Whether two reported periods share a day: ``2022-09`` and ``2022-09-16`` do (a story
    dated to the month and one dated to the day), ``2022-08`` and ``2022-09`` do not."""
    return a.start <= b.last_day and b.start <= a.last_day


def is_duplicate(wanted: NaturalKey, existing: NaturalKey) -> bool:
    """Whether a new deal would record ``existing`` again: the same target and acquirers, and
    reported periods that overlap."""
    return wanted[:2] == existing[:2] and reports_overlap(_period(wanted), _period(existing))


def _period(key: NaturalKey) -> PartialDate:
    return PartialDate(key[2], Precision(key[3]))
