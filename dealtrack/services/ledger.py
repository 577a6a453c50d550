"""The append-only event ledger: ordering, identical-event detection and the cached deal state.

A deal's current status, reason, value and ``updated`` are folds over its non-void events in ledger
order (``on``, then ``recorded_at``, then id). The deal row caches the fold, rewritten in the same
transaction as every event, and ``dealtrack check`` recomputes it to prove the cache honest.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.models import Deal, Event, Participant

STATUS_TYPES = ("created", "status")
VALUE_TYPES = ("created", "value")


def recorded_now() -> str:
    """The current UTC time as RFC 3339 with microseconds and ``Z``; sorts as text."""
    now = datetime.datetime.now(datetime.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def effective_on(event: Event, deal: Deal) -> datetime.date:
    """A created event takes effect on the deal's ``reported`` date, even after ``edit --reported``."""
    return deal.reported if event.type == "created" else event.on


def in_order(events: Sequence[Event], deal: Deal) -> list[Event]:
    """A deal's events in ledger order."""
    return sorted(events, key=lambda e: (effective_on(e, deal), e.recorded_at, e.id))


def deal_events(session: Session, deal: Deal) -> list[Event]:
    """All events of a deal (voided ones included) in ledger order."""
    return in_order(session.scalars(select(Event).where(Event.deal_id == deal.id)).all(), deal)


def live(events: Sequence[Event], types: tuple[str, ...]) -> list[Event]:
    return [e for e in events if e.type in types and not e.voided]


@dataclass(frozen=True, slots=True)
class DealState:
    """What a deal's events say at some moment: the cached columns of the deal row."""

    status: str
    reason: str | None
    amount: int | None
    high: int | None
    currency: str | None
    basis: str | None
    updated: PartialDate


def fold_state(
    deal: Deal, events: Sequence[Event], as_of: datetime.date | None = None
) -> DealState:
    """The state the deal's non-void events imply, counting only those on or before ``as_of``."""
    in_force = [e for e in events if as_of is None or effective_on(e, deal) <= as_of] or list(
        events[:1]
    )
    status_event = live(in_force, STATUS_TYPES)[-1]
    values = live(in_force, VALUE_TYPES)
    value_event = values[-1] if values else None
    dated = [e for e in in_force if not e.voided and e.type != "void"]
    latest = dated[-1] if dated else status_event
    updated_on = effective_on(latest, deal)
    precision = deal.reported_precision if latest.type == "created" else latest.on_precision
    return DealState(
        status=status_event.status or "rumored",
        reason=status_event.reason,
        amount=value_event.amount if value_event else None,
        high=value_event.high if value_event else None,
        currency=value_event.currency if value_event else None,
        basis=value_event.basis if value_event else None,
        updated=from_storage(updated_on, precision),
    )


def store_state(deal: Deal, state: DealState) -> None:
    deal.status, deal.reason = state.status, state.reason
    deal.amount, deal.high, deal.currency, deal.basis = (
        state.amount,
        state.high,
        state.currency,
        state.basis,
    )
    deal.updated, deal.updated_precision = state.updated.start, state.updated.precision.value


def refresh(session: Session, deal: Deal) -> list[Event]:
    """Recompute and store the deal's cached state; returns its events in ledger order."""
    session.flush()
    events = deal_events(session, deal)
    store_state(deal, fold_state(deal, events))
    return events


# What an event says, beyond its type and date: every column but its identity, time and note.
_PAYLOAD = tuple(
    column.name
    for column in Event.__table__.columns
    if column.name
    not in ("id", "deal_id", "type", "on", "on_precision", "recorded_at", "voided", "note")
)


def identity(event: Event) -> tuple[object, ...]:
    """What makes two events the same report: type, date, payload and source (not the note)."""
    return (event.type, event.on, event.on_precision, *(getattr(event, f) for f in _PAYLOAD))


def find_identical(events: Sequence[Event], candidate: Event) -> Event | None:
    wanted = identity(candidate)
    return next((e for e in events if not e.voided and identity(e) == wanted), None)


def roster(events: Sequence[Event]) -> dict[tuple[int, str], None]:
    """A deal's non-target (party, role) pairs as its live party events leave them, in order."""
    pairs: dict[tuple[int, str], None] = {}
    for event in live(events, ("party",)):
        if event.role == "target" or event.party_id is None or event.role is None:
            continue
        pair = (event.party_id, event.role)
        if event.action == "added":
            pairs[pair] = None
        else:
            pairs.pop(pair, None)
    return pairs


def replay_participants(session: Session, deal: Deal, events: Sequence[Event]) -> None:
    """Rebuild a deal's non-target parties from its live party events (after a void)."""
    roster_now = roster(events)
    current = session.scalars(select(Participant).where(Participant.deal_id == deal.id)).all()
    for participant in current:
        if (participant.party_id, participant.role) not in roster_now:
            session.delete(participant)
        else:
            roster_now.pop((participant.party_id, participant.role))
    for party_id, role in roster_now:
        session.add(Participant(deal_id=deal.id, party_id=party_id, role=role))
    session.flush()


CHUNK = 500  # deals loaded per round of queries


@dataclass
class Loaded:
    """A deal with its events (in ledger order) and its participants.

    The events and participants are plain rows, read-only, with the same attribute names as
    Event and Participant: building ORM objects for every event of a ledger took half of a
    re-import's time and most of ``check``'s.
    """

    deal: Deal
    events: list[Any]
    participants: list[Any]


def load_deals(session: Session, deal_ids: Sequence[int]) -> Iterator[Loaded]:
    """Deals with their events (in ledger order) and parties, a chunk at a time.

    Three queries per chunk, never one per deal: imports and ``check`` walk whole ledgers.
    """
    for first in range(0, len(deal_ids), CHUNK):
        chunk = deal_ids[first : first + CHUNK]
        deals = {d.id: d for d in session.scalars(select(Deal).where(Deal.id.in_(chunk)))}
        events: dict[int, list[Any]] = defaultdict(list)
        for event in session.execute(select(Event.__table__).where(Event.deal_id.in_(chunk))):
            events[event.deal_id].append(event)
        participants: dict[int, list[Any]] = defaultdict(list)
        rows = select(Participant.__table__).where(Participant.deal_id.in_(chunk))
        for participant in session.execute(rows):
            participants[participant.deal_id].append(participant)
        for deal_id in chunk:
            deal = deals[deal_id]
            yield Loaded(deal, in_order(events[deal_id], deal), participants[deal_id])
