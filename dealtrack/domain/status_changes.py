"""Whether a status change is legal at its date: from the status in force on that date, and into
the next status recorded after it (a backdated change must not strand a later one).

``status`` commands and import rows that update a deal both ask here, so they refuse alike.
"""

from collections.abc import Sequence
from typing import Any

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.fold import DealDates, effective_on, live
from dealtrack.statuses import describe_changes, is_legal_change
from dealtrack.vocabulary import STATUS_TYPES


def status_change_problem(
    key: str, deal: DealDates, events: Sequence[Any], status: str, on: PartialDate
) -> str | None:
    """Why giving deal ``key`` (its events in ledger order) ``status`` on ``on`` is refused, or
    None when it is legal."""
    statuses = live(events, STATUS_TYPES)
    before = [e for e in statuses if effective_on(e, deal) <= on.start]
    after = [e for e in statuses if effective_on(e, deal) > on.start]
    in_force = (before or statuses)[-1].status or "rumored"
    if not is_legal_change(in_force, status):
        return f'deal "{key}" is {in_force} on {on}; {describe_changes(in_force)}'
    if after and not is_legal_change(status, after[0].status or "rumored"):
        later = after[0]
        later_on = from_storage(effective_on(later, deal), later.on_precision)
        return f'deal "{key}" becomes {later.status} on {later_on}, which cannot follow {status}'
    return None
