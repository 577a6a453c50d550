"""Deals an import creates from flat rows, written as plain tuples (no ORM objects, no queries).

A new deal gets the history ``add`` would give it: one ``created`` event holding its opening
roster. When the row's ``date`` is after ``reported``, the deal is created rumored on ``reported``
and its status and value follow on ``date``.
"""

from collections.abc import Iterator, Sequence
from typing import Protocol

from dealtrack.bulk.rows import FlatRow
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage
from dealtrack.domain.new_deal import (
    DealRows,
    Opening,
    SourceColumns,
    derived_deal_key,
    new_deal_rows,
    source_columns,
    stored_title,
)
from dealtrack.names import name_key
from dealtrack.vocabulary import PARTICIPANT_ROLES


def source_of(row: FlatRow) -> SourceColumns:
    return source_columns(row.outlet, row.url, row.attribution)


def party_names(row: FlatRow) -> list[str]:
    """The names of a new deal's parties in the order ``create`` numbers them: the target, then
    each role's names in role order (so a name new to the ledger gets its id where it first
    appears in the file)."""
    assert row.target is not None  # checked when matched
    names = [row.target]
    for role in PARTICIPANT_ROLES:  # a loop: half the cost of a generator, twice for every deal
        found = row.roles.get(role)
        if found:
            names += found
    return names


def number_parties(
    stage: Stage, snapshot: Snapshot, names: list[str]
) -> tuple[list[int], list[tuple[int, str, str]]]:
    """``NewDeals.party_id`` of each name, for a process that numbers parties apart from the
    deals (``parsing``): the ids, and (id, name, name key) of the parties it created."""
    return stage.parties(snapshot, list(map(name_key, names)), names)


class DealSink(Protocol):
    """Where the rows of new deals go: the writer's buffers."""

    def add_party(self, party_id: int, name: str, key: str) -> None: ...

    def add_deal(self, rows: DealRows, names: Sequence[str] | None = None) -> None: ...


class NewDeals:
    """Builds the rows of the deals (and parties) an import creates and hands them to a sink.

    The parties and keys it creates are looked up in the import's Stage, not kept in memory.
    """

    def __init__(self, snapshot: Snapshot, stage: Stage, sink: DealSink, recorded_at: str) -> None:
        self.snapshot, self.stage, self.sink = snapshot, stage, sink
        self.recorded_at = recorded_at

    def party_id(self, display: str) -> int:
        """The id of a named party, created (with the next free id) when it is new."""
        key = name_key(display)
        found, new = self.stage.party(self.snapshot, key, display)
        if new:
            self.sink.add_party(found, display, key)
        return found

    def create(self, row: FlatRow, party_ids: Iterator[int] | None = None) -> str:
        """Hand the rows of one new deal to the sink; returns its key.

        ``party_ids``: the ids of ``party_names(row)``, when another process numbered them
        (``parsing``); the parties it created are then the caller's to hand to the sink.
        """
        assert row.target is not None and row.reported is not None  # checked when matched
        deal_id = self.snapshot.allocate_deal()
        acquirers = row.roles.get("acquirer", [])
        key = row.key
        if key is None or key in self.snapshot.deal_keys:
            derived = derived_deal_key(row.target, acquirers, deal_id)
            key = self.stage.free_key(derived, self.snapshot.deal_keys)
        # Ids in the order of party_names, numbered here on demand unless given.
        names = party_names(row)
        ids = map(self.party_id, names) if party_ids is None else party_ids
        target_id = next(ids)
        roster = [(next(ids), role) for role in PARTICIPANT_ROLES for _ in row.roles.get(role, ())]
        on_reported = row.date is None or row.date.start == row.reported.start
        opening = Opening(
            deal_id=deal_id,
            key=key,
            title=stored_title(row.title, row.target, acquirers),
            kind=row.kind or "acquisition",
            target_id=target_id,
            roster=roster,
            reported=row.reported,
            effective=row.date or row.reported,
            recorded_at=self.recorded_at,
            status=row.status,
            reason=row.reason,
            value=row.value,
            value_given=row.value_given,
            basis=row.basis,
            source=source_of(row),
            # A note reported with the deal is the created event's own note, as ``add --note``
            # records it; one that came later is a note event on its date.
            note=row.notes if on_reported else None,
            note_text=None if on_reported else row.notes,
        )
        rows = new_deal_rows(opening, self.snapshot.next_event_id)
        self.snapshot.allocate_events(1 + len(rows.following))
        self.sink.add_deal(rows, names)
        return key
