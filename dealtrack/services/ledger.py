"""The event ledger in the database: loading a deal's events and storing its cached state.

The fold itself is pure (``dealtrack.domain.fold``); the deal row caches it, rewritten in the same
transaction as every event, and ``dealtrack check`` recomputes it to prove the cache honest.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from dealtrack.domain.fold import DealState, fold_state, in_order, roster
from dealtrack.models import Deal, Event, Participant
from dealtrack.search_index import reindex_deals


def recorded_now() -> str:
    """The current UTC time as RFC 3339 with microseconds and ``Z``; sorts as text."""
    now = datetime.datetime.now(datetime.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def deal_events(session: Session, deal: Deal) -> list[Event]:
    """All events of a deal (voided ones included) in ledger order."""
    return in_order(session.scalars(select(Event).where(Event.deal_id == deal.id)).all(), deal)


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
    session.flush()
    reindex_deals(session.connection(), [deal.id])
    return events


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
    reindex_deals(session.connection(), [deal.id])  # the roster's names are indexed


CHUNK = 500  # deals loaded per round of queries


class Loaded:
    """A deal with its events (in ledger order) and its participants.

    All are plain rows, read-only, with the same attribute names as Deal, Event and Participant:
    building ORM objects for every deal and event of a ledger took most of a re-import's time
    and of ``check``'s. A change loads the one Deal it writes (``session.get``). The events are
    read when first asked for, for the whole chunk at once: a re-import that finds a deal as its
    row says never needs them.
    """

    def __init__(self, deal: Any, participants: list[Any], chunk: "_ChunkEvents") -> None:
        self.deal, self.participants, self._chunk = deal, participants, chunk

    @functools.cached_property
    def events(self) -> list[Any]:
        return in_order(self._chunk.of(self.deal.id), self.deal)


class _ChunkEvents:
    """The events of a chunk of deals, read with one query when one of them is first asked for."""

    def __init__(self, connection: Connection, deal_ids: Sequence[int]) -> None:
        self.connection, self.deal_ids = connection, deal_ids
        self.by_deal: dict[int, list[Any]] | None = None

    def of(self, deal_id: int) -> list[Any]:
        if self.by_deal is None:
            self.by_deal = defaultdict(list)
            query = select(Event.__table__).where(Event.deal_id.in_(self.deal_ids))
            for event in self.connection.execute(query):
                self.by_deal[event.deal_id].append(event)
        return self.by_deal[deal_id]


def load_deals(session: Session, deal_ids: Sequence[int]) -> Iterator[Loaded]:
    """Deals with their events (in ledger order) and parties, a chunk at a time.

    At most three queries per chunk, never one per deal: imports and ``check`` walk whole ledgers.
    """
    connection = session.connection()  # Core rows: the ORM's row processing cost as much again
    for first in range(0, len(deal_ids), CHUNK):
        chunk = deal_ids[first : first + CHUNK]
        found = connection.execute(select(Deal.__table__).where(Deal.id.in_(chunk)))
        deals = {deal.id: deal for deal in found}
        participants: dict[int, list[Any]] = defaultdict(list)
        rows = select(Participant.__table__).where(Participant.deal_id.in_(chunk))
        for participant in connection.execute(rows.order_by(Participant.id)):
            participants[participant.deal_id].append(participant)
        events = _ChunkEvents(connection, chunk)
        for deal_id in chunk:
            yield Loaded(deals[deal_id], participants[deal_id], events)
