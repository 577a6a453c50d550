"""The fold of a deal's events into its state, and the opening roster its ``created`` event holds.

Events here are anything with the event table's attribute names (ORM objects or plain rows): the
recording commands hold ORM objects, imports and ``check`` hold rows, and both must fold alike.
"""

import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from dealtrack.dates import PartialDate, from_storage
from dealtrack.vocabulary import ROLES, STATUS_TYPES, UPDATE_TYPES, VALUE_TYPES


class DealDates(Protocol):
    @property
    def reported(self) -> datetime.date: ...
    @property
    def reported_precision(self) -> str: ...


def effective_on(event: Any, deal: DealDates) -> datetime.date:
    """A created event takes effect on the deal's ``reported`` date, even after ``edit --reported``."""
    on: datetime.date = deal.reported if event.type == "created" else event.on
    return on


def in_order(events: Iterable[Any], deal: DealDates) -> list[Any]:
    """Events in ledger order: by effective date, then recorded time, then id."""
    return sorted(events, key=lambda e: (effective_on(e, deal), e.recorded_at, e.id))


def live(events: Sequence[Any], types: tuple[str, ...]) -> list[Any]:
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
    deal: DealDates, events: Sequence[Any], as_of: datetime.date | None = None
) -> DealState:
    """The state the deal's non-void events (in ledger order) imply, on or before ``as_of``.

    ``updated`` is the date of the latest news (a live created, status, value, party or note
    event): corrections, ``edit`` and ``void`` events, say nothing new about the deal.
    """
    in_force = [e for e in events if as_of is None or effective_on(e, deal) <= as_of] or list(
        events[:1]
    )
    status_event = live(in_force, STATUS_TYPES)[-1]
    values = live(in_force, VALUE_TYPES)
    value_event = values[-1] if values else None
    dated = [e for e in in_force if not e.voided and e.type in UPDATE_TYPES]
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


def state_on(deal: Any, events: Callable[[], Sequence[Any]], day: datetime.date) -> DealState:
    """The state in force on ``day``: the deal row's cached state when no event takes effect
    after ``day`` (its ``updated`` is on or before it), else the fold of its ``events()`` up to
    then (a callable, so that the cache answers without them being read).

    Corrections (edits, voids) do not move ``updated`` but change nothing a fold reads by date,
    so the cache answers for every later day; a re-import asks this of every deal it matches.
    """
    if deal.updated <= day:
        return DealState(
            status=deal.status,
            reason=deal.reason,
            amount=deal.amount,
            high=deal.high,
            currency=deal.currency,
            basis=deal.basis,
            updated=from_storage(deal.updated, deal.updated_precision),
        )
    return fold_state(deal, events(), as_of=day)


Roster = list[tuple[int, str]]  # (party id, role), target first, then in role order


def encode_roster(roster: Sequence[tuple[int, str]]) -> str:
    """The ``parties`` column of a created event: compact JSON of ``[[party_id, role], …]``.

    Ids, not names, so a renamed party stays the same party in every history.
    """
    # Written by hand, as json.dumps would write it: a role is a word of a fixed vocabulary and
    # an id an int (typed so, and checked by mypy), and this runs once for every deal an import
    # creates.
    return "[" + ",".join([f'[{party_id},"{role}"]' for party_id, role in roster]) + "]"


def decode_roster(text: str | None) -> Roster:
    return [(int(party_id), str(role)) for party_id, role in json.loads(text or "[]")]


def roster(events: Sequence[Any]) -> dict[tuple[int, str], None]:
    """A deal's non-target (party, role) pairs, in order: the opening roster of its created
    event, then its live party events' additions and removals."""
    pairs: dict[tuple[int, str], None] = {}
    for event in events:
        if event.voided:
            continue
        if event.type == "created":
            pairs.update(
                (pair, None) for pair in decode_roster(event.parties) if pair[1] != "target"
            )
        elif event.type == "party" and event.role != "target" and event.party_id is not None:
            pair = (event.party_id, event.role)
            if event.action == "added":
                pairs[pair] = None
            else:
                pairs.pop(pair, None)
    return pairs


def roster_on(
    deal: DealDates, events: Sequence[Any], day: datetime.date
) -> dict[tuple[int, str], None]:
    """The roster in force on ``day``: the created event's, changed by the live party events
    that take effect on or before it (whenever they were recorded). ``events`` in ledger order."""
    return roster([e for e in events if effective_on(e, deal) <= day])


def roster_in_force(
    deal: Any,
    participants: Callable[[], Iterable[Any]],
    events: Callable[[], Sequence[Any]],
    day: datetime.date,
) -> dict[tuple[int, str], None]:
    """The roster in force on ``day``: the deal's current ``participants()`` when no news takes
    effect after ``day`` (no live party event can, then), else the fold of its ``events()``.

    Callables, like ``state_on``'s, so that the common case reads no events.
    """
    if deal.updated <= day:
        return {(p.party_id, p.role): None for p in participants()}
    return roster_on(deal, events(), day)


# What an event says, beyond its type and date: every column but its identity, time and note.
PAYLOAD_COLUMNS = (
    "status", "reason", "amount", "high", "currency", "basis", "action", "party_id", "role",
    "text", "changes", "voids", "source_outlet", "source_url", "source_attribution", "parties",
)  # fmt: skip


def identity(event: Any) -> tuple[object, ...]:
    """What makes two events the same report: type, date, payload and source (not the note)."""
    return (event.type, event.on, event.on_precision, *(getattr(event, f) for f in PAYLOAD_COLUMNS))


def find_identical(events: Sequence[Any], candidate: Any) -> Any | None:
    wanted = identity(candidate)
    return next((e for e in events if not e.voided and identity(e) == wanted), None)


def fold_opening_roster(events: Sequence[Any]) -> list[Any]:
    """A history written before the roster moved into the created event, folded the same way
    as the schema upgrade folds it: the live ``added`` party events that share the created
    event's date, recorded time and source become its roster (in role order); voided ones, and
    later roster changes, stay party events. A created event that has a roster is left alone.
    """
    created = next((e for e in events if e.type == "created"), None)
    if created is None or created.parties is not None:
        return list(events)
    stamp = _stamp(created)
    opening = [
        e
        for e in events
        if e.type == "party" and e.action == "added" and not e.voided and _stamp(e) == stamp
    ]
    ordered = sorted(opening, key=lambda e: (ROLES.index(e.role), e.id))
    created.parties = encode_roster([(e.party_id, e.role) for e in ordered])
    folded = {id(e) for e in opening}
    return [e for e in events if id(e) not in folded]


def _stamp(event: Any) -> tuple[object, ...]:
    return (
        event.on,
        event.recorded_at,
        event.source_outlet,
        event.source_url,
        event.source_attribution,
    )
