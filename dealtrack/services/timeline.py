"""The deals a timeline draws: the FILTERS' deals with the events that shaped their lives.

One query selects the deals (the same one ``list`` runs, so every filter and ``--as-of`` mean the
same here), read a batch at a time; each batch's status and value events come in one more query.
"""

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dealtrack.dates import from_storage
from dealtrack.domain.fold import effective_on
from dealtrack.domain.new_deal import default_title
from dealtrack.domain.timeline import DealLife, life_of
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.queries import Filters, select_deals
from dealtrack.services.parties import Notices

BATCH = 500
# The events a life is drawn from: those that set a status or a value.
_DRAWN_TYPES = ("created", "status", "value")


def deal_lives(session: Session, filters: Filters, notices: Notices) -> Iterator[DealLife]:
    """Each deal FILTERS select, as its life was on ``--as-of`` (or now), target by target."""
    target = aliased(Party)  # its own alias: the filters' subqueries correlate on Party
    query = (
        select_deals(session, filters, notices)
        .add_columns(target.name.label("target_name"))
        .join(target, target.id == Deal.target_id)
        .order_by(None)
        .order_by(target.name_key, Deal.reported, Deal.id)
    )
    rows = iter(session.execute(query.execution_options(yield_per=BATCH)))
    last_day = filters.as_of.last_day if filters.as_of is not None else None
    while batch := list(islice(rows, BATCH)):
        ids = [row.id for row in batch]
        events = _events_of(session, ids + [ids[-1]] * (BATCH - len(ids)))
        titles = _default_titles(session, [row.id for row in batch if not row.title])
        for row in batch:
            drawn = [
                e for e in events[row.id] if last_day is None or effective_on(e, row) <= last_day
            ]
            yield life_of(
                row.key,
                row.title or default_title(row.target_name, titles[row.id]),
                row.target_name,
                row,
                drawn,
                from_storage(row.updated, row.updated_precision),
            )


def _events_of(session: Session, ids: list[int]) -> dict[int, list[Any]]:
    """The status and value events of these deals (a list of one length, padded: SQLite keeps
    each statement it compiles, and an IN list of a new length is a new statement)."""
    query = select(Event.__table__).where(Event.deal_id.in_(ids), Event.type.in_(_DRAWN_TYPES))
    events: dict[int, list[Any]] = defaultdict(list)
    for event in session.execute(query):
        events[event.deal_id].append(event)
    return events


def _default_titles(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """The acquirers' names of deals without a title of their own, for their default title."""
    acquirers: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return acquirers
    rows = session.execute(
        select(Participant.deal_id, Party.name)
        .join(Party, Party.id == Participant.party_id)
        .where(Participant.deal_id.in_(ids), Participant.role == "acquirer")
        .order_by(Participant.id)
    )
    for deal_id, name in rows:
        acquirers[deal_id].append(name)
    return acquirers
