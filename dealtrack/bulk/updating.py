"""Rows that match existing deals: compare with the state in force on the row's date, append events.

Deals are loaded in chunks (three queries per chunk, never one per row). Only what differs becomes
an event, so an import repeated on an unchanged ledger appends nothing.
"""

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from dealtrack.bulk.creating import source_of
from dealtrack.bulk.matching import Matcher, RowError, refuse_role_clashes
from dealtrack.bulk.rows import FlatRow
from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.changes import (
    RosterChange,
    apply_roster_change,
    changes_to_reach,
    event_fields,
)
from dealtrack.domain.fold import fold_state, in_order, roster, roster_in_force, state_on
from dealtrack.domain.new_deal import default_title, value_columns
from dealtrack.domain.status_changes import status_change_problem
from dealtrack.models import Deal, Event, Participant
from dealtrack.services.ledger import Loaded, store_state


def write_update(session: Session, loaded: Loaded, planned: "Planned") -> None:
    """Append the events ``planned_update`` planned for a deal, and bring its row and roster
    to them."""
    new, changes, roster_changes, date = planned
    session.add_all(new)
    written = session.get_one(Deal, loaded.deal.id)
    for name, (_, corrected) in changes.items():
        setattr(written, name, corrected)
    if roster_changes:
        _store_roster(session, loaded, roster_changes, new, date)
    store_state(written, fold_state(loaded.deal, in_order([*loaded.events, *new], loaded.deal)))


Planned = tuple[list[Event], dict[str, list[object]], list[RosterChange], PartialDate]


def planned_update(
    matcher: Matcher,
    row: FlatRow,
    loaded: Loaded,
    today: PartialDate,
    recorded_at: str,
    resolve: Callable[[str], int],
) -> Planned | None:
    """The events that bring the deal to the row, planned without writing them: the new events,
    the corrections, the roster changes and the row's date; None when the row changes nothing.
    Raises RowError for a row that cannot apply. ``resolve`` gives a party name's id (the
    importer's creates the party when it is new)."""
    deal = loaded.deal
    if row.target is not None and matcher.party_id(row.target) != deal.target_id:
        raise RowError(
            "target",
            f"deal {deal.key} is on another target; a deal's target changes only with dealtrack edit",
        )
    if row.roles:
        _check_roles(matcher, row, loaded)
    date = row.date or row.reported or today
    if date.start < deal.reported:
        raise RowError(
            "date",
            f"{date} is before deal {deal.key} was reported ({from_storage(deal.reported, deal.reported_precision)})",
        )
    source = source_of(row)
    state = state_on(deal, lambda: loaded.events, date.start)
    new: list[Event] = []

    def add(kind: str, on: PartialDate = date, **payload: Any) -> None:
        fields = event_fields(deal.id, kind, on, recorded_at, source, **payload)
        new.append(Event(id=matcher.snapshot.allocate_events(1), **fields))

    if row.status is not None and (
        row.status != state.status or (row.reason is not None and row.reason != state.reason)
    ):
        problem = status_change_problem(deal.key, deal, loaded.events, row.status, date)
        if problem is not None:
            raise RowError("status", problem)
        add("status", status=row.status, reason=row.reason)
    if row.value_given:
        amount, high, currency, basis = value_columns(row.value, row.basis)
        if (amount, high, currency, basis) != (
            state.amount,
            state.high,
            state.currency,
            state.basis,
        ):
            add("value", amount=amount, high=high, currency=currency, basis=basis)
    roster_changes = _party_changes(row, loaded, date, resolve)
    for action, party_id, role in roster_changes:
        add("party", action=action, party_id=party_id, role=role)
    if row.notes is not None and row.notes not in _notes(loaded):
        add("note", text=row.notes)
    changes = _field_changes(row, loaded, matcher)
    if changes:
        add("edit", on=today, changes=json.dumps(changes, ensure_ascii=False))
    return (new, changes, roster_changes, date) if new else None


def _notes(loaded: Loaded) -> set[str]:
    """The texts of a deal's live notes: note events and notes given with other events."""
    events = [e for e in loaded.events if not e.voided]
    return {e.text for e in events if e.type == "note"} | {e.note for e in events if e.note}


def _check_roles(matcher: Matcher, row: FlatRow, loaded: Loaded) -> None:
    """The roster the row leaves (its party columns replace those roles) must be one a deal may
    have; compared by party, before any party the row names is created."""
    named = [(role, matcher.party_id(n), n) for role, names in row.roles.items() for n in names]
    shown = {party: display for _, party, display in named}
    ledger_names = matcher.snapshot.party_names
    roster = [(p.role, p.party_id) for p in loaded.participants if p.role not in row.roles]
    roster += [(role, party) for role, party, _ in named]
    refuse_role_clashes(
        loaded.deal.target_id, roster, lambda party: ledger_names.get(party) or shown[party]
    )


def _party_changes(
    row: FlatRow, loaded: Loaded, date: PartialDate, resolve: Callable[[str], int]
) -> list[RosterChange]:
    """A non-empty party column is the complete set for its role on the row's date: the changes
    (party events dated then) that bring the roster in force on that date to it."""
    if not row.roles:
        return []
    deal = loaded.deal
    in_force = roster_in_force(deal, lambda: loaded.participants, lambda: loaded.events, date.start)
    changes: list[RosterChange] = []
    for role, names in row.roles.items():
        changes += changes_to_reach(in_force, role, [resolve(name) for name in names])
    return changes


def _store_roster(
    session: Session,
    loaded: Loaded,
    changes: list[RosterChange],
    new: list[Event],
    date: PartialDate,
) -> None:
    """Bring the deal's participants to its roster now: the changes applied to them when the row
    is its latest news, else the fold of all its events (a later party event may undo a change)."""
    deal = loaded.deal
    if deal.updated <= date.start:
        current = {(p.party_id, p.role): None for p in loaded.participants}
        for change in changes:
            apply_roster_change(current, change)
    else:
        current = roster(in_order([*loaded.events, *new], deal))
    present = {(p.party_id, p.role): p.id for p in loaded.participants}
    for pair, participant_id in present.items():
        if pair not in current:
            session.execute(delete(Participant).where(Participant.id == participant_id))
    for party_id, role in current:
        if (party_id, role) not in present:
            session.add(Participant(deal_id=deal.id, party_id=party_id, role=role))


def _field_changes(row: FlatRow, loaded: Loaded, matcher: Matcher) -> dict[str, list[object]]:
    """Kind and title given by a row that differ from the deal's are corrections (an edit event)."""
    deal = loaded.deal
    changes: dict[str, list[object]] = {}
    if row.kind is not None and row.kind != deal.kind:
        changes["kind"] = [deal.kind, row.kind]
    if row.title is not None and row.title != deal.title:
        names = matcher.snapshot.party_names
        acquirers = [names.get(p.party_id, "") for p in loaded.participants if p.role == "acquirer"]
        if deal.title is not None or row.title != default_title(
            names.get(deal.target_id, ""), acquirers
        ):
            changes["title"] = [deal.title, row.title]
    return changes
