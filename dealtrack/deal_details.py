"""A batch of deals' parties and notes, as they are now or as they were on a day.

Each takes a batch's deal ids and answers with a few queries, never one per deal. As of a day, a
roster is the fold of the created event's and the live party events that take effect by then, and
the notes are those of the events that do (however late they were recorded).
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, select, union
from sqlalchemy.orm import Session

from dealtrack.domain.fold import roster
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.vocabulary import ROLES

Record = dict[str, Any]


def _effective_on() -> ColumnElement[datetime.date]:
    """An event's effective date in SQL (a created event's is its deal's ``reported``); the
    query must join ``Deal``."""
    return case((Event.type == "created", Deal.reported), else_=Event.on)


NAME_BATCH = 512


def _party_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Names by party id, NAME_BATCH ids a query, each list padded to that length: an IN list of
    a new length is a new statement, which SQLite keeps compiled (see records.roster_names)."""
    ordered = sorted(ids)
    names: dict[int, str] = {}
    for first in range(0, len(ordered), NAME_BATCH):
        batch = ordered[first : first + NAME_BATCH]
        batch += [batch[-1]] * (NAME_BATCH - len(batch))
        names.update(session.execute(select(Party.id, Party.name).where(Party.id.in_(batch))).all())
    return names


def rosters_as_of(
    session: Session, ids: Sequence[int], day: datetime.date
) -> dict[int, list[tuple[int, str]]]:
    """Each deal's non-target (party id, role) pairs in force on ``day``: the fold of its
    created roster and the live party events that take effect by then."""
    rows = session.execute(
        select(Event.deal_id, Event.type, Event.voided, Event.parties, Event.action)
        .add_columns(Event.party_id, Event.role)
        .join(Deal, Deal.id == Event.deal_id)
        .where(Event.deal_id.in_(ids), Event.type.in_(("created", "party")))
        .where(_effective_on() <= day)
        .order_by(_effective_on(), Event.recorded_at, Event.id)
    ).all()
    by_deal: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_deal[row.deal_id].append(row)
    return {deal_id: list(roster(events)) for deal_id, events in by_deal.items()}


def _named_rosters_as_of(
    session: Session, ids: Sequence[int], day: datetime.date
) -> dict[int, list[tuple[str, str]]]:
    """``rosters_as_of`` with each party's name: (role, name) pairs."""
    pairs = rosters_as_of(session, ids, day)
    names = _party_names(session, {party for deal in pairs.values() for party, _ in deal})
    return {
        deal_id: [(role, names[party_id]) for party_id, role in deal_pairs]
        for deal_id, deal_pairs in pairs.items()
    }


def parties_of(
    session: Session, deals: Sequence[Any], as_of: datetime.date | None
) -> dict[int, list[Record]]:
    """Each deal's parties in role order (target first), then in the order they were added: as
    they are now, or (the target aside) as they were on ``as_of``."""
    # Both queries take the batch's deal ids, never a list of another length (see
    # events_with_party_names).
    ids = [d.id for d in deals]
    targets = dict(
        session.execute(
            select(Deal.id, Party.name)
            .join(Party, Party.id == Deal.target_id)
            .where(Deal.id.in_(ids))
        ).all()
    )
    others: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if as_of is not None:
        others.update(_named_rosters_as_of(session, ids, as_of))
    else:
        rows = session.execute(
            select(Participant.deal_id, Participant.role, Party.name)
            .join(Party, Party.id == Participant.party_id)
            .where(Participant.deal_id.in_(ids))
            .order_by(Participant.id)
        )
        for deal_id, role, name in rows:
            others[deal_id].append((role, name))
    result: dict[int, list[Record]] = {}
    for deal in deals:
        ordered = sorted(others[deal.id], key=lambda pair: ROLES.index(pair[0]))
        result[deal.id] = [{"name": targets[deal.id], "role": "target"}] + [
            {"name": name, "role": role} for role, name in ordered
        ]
    return result


def notes_of(
    session: Session, deal_ids: Sequence[int], as_of: datetime.date | None
) -> dict[int, list[str]]:
    """A deal's notes: its note events' text and the notes attached to its other live events
    (those that take effect on or before ``as_of``, when given)."""
    query = (
        select(Event.deal_id, Event.type, Event.text, Event.note)
        .where(Event.deal_id.in_(deal_ids), Event.voided.is_(False))
        .where((Event.type == "note") | Event.note.is_not(None))
        .order_by(Event.on, Event.recorded_at, Event.id)
    )
    if as_of is not None:
        query = query.join(Deal, Deal.id == Event.deal_id).where(_effective_on() <= as_of)
    rows = session.execute(query)
    notes: dict[int, list[str]] = defaultdict(list)
    for deal_id, kind, text, note in rows:
        for line in (text, note) if kind == "note" else (note,):
            if line:
                notes[deal_id].append(line)
    return notes


CHUNK = 500  # deals whose rosters are folded per query


def deals_naming_as_of(
    session: Session, party_ids: Sequence[int], role: str | None, day: datetime.date
) -> list[int]:
    """The deals whose parties in force on ``day`` include one of ``party_ids`` (in ``role``,
    or in any role but the target's). Only deals that name such a party now, or in a party
    event, can: their rosters are folded, a chunk at a time."""
    now = select(Participant.deal_id).where(Participant.party_id.in_(party_ids))
    changed = select(Event.deal_id).where(Event.type == "party", Event.party_id.in_(party_ids))
    if role is not None:
        now, changed = now.where(Participant.role == role), changed.where(Event.role == role)
    candidates = sorted(set(session.execute(union(now, changed)).scalars()))
    wanted = set(party_ids)
    found: list[int] = []
    for first in range(0, len(candidates), CHUNK):
        rosters = rosters_as_of(session, candidates[first : first + CHUNK], day)
        found += [
            deal_id
            for deal_id, pairs in rosters.items()
            if any(party in wanted and role in (None, held) for party, held in pairs)
        ]
    return found
