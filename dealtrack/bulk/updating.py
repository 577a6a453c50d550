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
from dealtrack.domain.changes import event_fields
from dealtrack.domain.fold import fold_state, in_order, state_on
from dealtrack.domain.new_deal import default_title, value_columns
from dealtrack.domain.status_changes import status_change_problem
from dealtrack.models import Deal, Event, Participant
from dealtrack.services.ledger import Loaded, store_state


def update_deal(
    session: Session,
    matcher: Matcher,
    row: FlatRow,
    loaded: Loaded,
    today: PartialDate,
    recorded_at: str,
    resolve: Callable[[str], int],
) -> bool:
    """Append the events that bring the deal to the row; True if anything was appended.

    ``resolve`` gives a party name's id, creating the party when it is new.
    """
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
    _party_changes(session, row, loaded, add, resolve)
    if row.notes is not None and row.notes not in _notes(loaded):
        add("note", text=row.notes)
    changes = _field_changes(row, loaded, matcher)
    if changes:
        add("edit", on=today, changes=json.dumps(changes, ensure_ascii=False))
    if not new:
        return False
    session.add_all(new)
    written = session.get_one(Deal, deal.id)
    for name, (_, corrected) in changes.items():
        setattr(written, name, corrected)
    store_state(written, fold_state(deal, in_order([*loaded.events, *new], deal)))
    return True


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
    session: Session,
    row: FlatRow,
    loaded: Loaded,
    add: Callable[..., None],
    resolve: Callable[[str], int],
) -> None:
    """A non-empty party column is the complete set for its role: add and remove to reach it."""
    for role, names in row.roles.items():
        wanted = [resolve(name) for name in names]
        present = [p for p in loaded.participants if p.role == role]  # loaded in id order
        for participant in present:
            if participant.party_id not in wanted:
                add("party", action="removed", party_id=participant.party_id, role=role)
                session.execute(delete(Participant).where(Participant.id == participant.id))
        have = {p.party_id for p in present}
        for party_id in wanted:
            if party_id not in have:
                add("party", action="added", party_id=party_id, role=role)
                session.add(Participant(deal_id=loaded.deal.id, party_id=party_id, role=role))


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
