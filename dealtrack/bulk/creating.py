"""Deals an import creates from flat rows, written as plain tuples (no ORM objects, no queries).

A new deal gets the history ``add`` would give it: one ``created`` event holding its opening
roster. When the row's ``date`` is after ``reported``, the deal is created rumored on ``reported``
and its status and value follow on ``date``.
"""

from typing import Any

from dealtrack.bulk.rows import FlatRow
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage
from dealtrack.bulk.writer import EVENT_COLUMNS, BulkWriter
from dealtrack.domain.fold import encode_roster
from dealtrack.names import derived_key, name_key
from dealtrack.vocabulary import ROLES

_ROLE_ORDER = ROLES[1:]


def source_of(row: FlatRow) -> tuple[str | None, str | None, str | None]:
    if row.outlet is None and row.url is None and row.attribution is None:
        return None, None, None
    return row.outlet, row.url, row.attribution or "unattributed"


def value_of(row: FlatRow) -> tuple[int | None, int | None, str | None, str | None]:
    if row.value is None:
        return None, None, None, None
    return row.value.low, row.value.high, row.value.currency, row.basis or "reported"


def default_title(target: str, acquirers: list[str]) -> str:
    return f"{target} / {', '.join(acquirers)}" if acquirers else target


class NewDeals:
    """Builds the rows of the deals (and parties) an import creates into the writer's buffers.

    The parties and keys it creates are looked up in the import's Stage, not kept in memory.
    """

    def __init__(
        self, snapshot: Snapshot, stage: Stage, writer: BulkWriter, recorded_at: str
    ) -> None:
        self.snapshot, self.stage, self.writer = snapshot, stage, writer
        self.recorded_at = recorded_at

    def party_id(self, display: str) -> int:
        """The id of a named party, created (with the next free id) when it is new."""
        key = name_key(display)
        found, new = self.stage.party(self.snapshot, key, display)
        if new:
            self.writer.parties.rows.append((found, display, key, "company"))
        return found

    def key_for(self, row: FlatRow, deal_id: int) -> str:
        """The row's key, else one derived from its parties, with -2, -3… if taken."""
        if row.key is not None and row.key not in self.snapshot.deal_keys:
            return row.key
        derived = derived_key(row.target or "", row.roles.get("acquirer", []))
        if not any(c.isalpha() for c in derived):
            derived = f"deal-{deal_id}"
        return self.stage.free_key(derived, self.snapshot.deal_keys)

    def create(self, row: FlatRow) -> str:
        """Append the tuples of one new deal to the writer's buffers; returns its key."""
        writer, snapshot, recorded_at = self.writer, self.snapshot, self.recorded_at
        assert row.target is not None and row.reported is not None  # checked when matched
        deal_id = snapshot.allocate_deal()
        key = self.key_for(row, deal_id)
        target_id = self.party_id(row.target)
        participants = [
            (deal_id, self.party_id(name), role)
            for role in _ROLE_ORDER
            for name in row.roles.get(role, ())
        ]
        reported, precision = row.reported.start, row.reported.precision.value
        date = row.date or row.reported
        later = date.start > reported
        status = row.status or "rumored"
        source = source_of(row)
        value = value_of(row)
        created = snapshot.allocate_events(1)
        # Created rumored on `reported` when the row's status and value take effect later.
        opening = (status, row.reason, *value) if not later else ("rumored",) + (None,) * 5
        roster = encode_roster(
            [(target_id, "target"), *((party_id, role) for _, party_id, role in participants)]
        )
        writer.created.rows.append(
            (created, deal_id, reported, precision, recorded_at, *opening, *source, roster)
        )
        later_events = _later_events(row, deal_id, later, status, value, source, recorded_at)
        if later_events:
            first = snapshot.allocate_events(len(later_events))
            writer.events.rows.extend((first + n, *event) for n, event in enumerate(later_events))
        updated = date if (later or row.notes is not None) else row.reported
        acquirers = row.roles.get("acquirer", [])
        title = (
            row.title if row.title and row.title != default_title(row.target, acquirers) else None
        )
        writer.deals.rows.append(
            (
                deal_id,
                key,
                title,
                row.kind or "acquisition",
                target_id,
                status,
                row.reason,
                *value,
                reported,
                precision,
                updated.start,
                updated.precision.value,
            )
        )
        writer.participants.rows.extend(participants)
        writer.counted(2 + len(participants) + len(later_events))
        return key


def _later_events(
    row: FlatRow,
    deal_id: int,
    later: bool,
    status: str,
    value: tuple[Any, ...],
    source: tuple[Any, ...],
    recorded_at: str,
) -> list[tuple[Any, ...]]:
    """Status, value and note events dated ``date`` (EVENT_COLUMNS order, without the id)."""
    assert row.reported is not None
    date = row.date or row.reported
    common = {
        "deal_id": deal_id, "on": date.start, "on_precision": date.precision.value,
        "recorded_at": recorded_at, "voided": False,
        "source_outlet": source[0], "source_url": source[1], "source_attribution": source[2],
    }  # fmt: skip
    events: list[dict[str, Any]] = []
    if later and row.status is not None:  # a restated rumor on `date` is kept too
        events.append({"type": "status", "status": status, "reason": row.reason})
    if later and row.value_given:
        amount, high, currency, basis = value
        events.append(
            {"type": "value", "amount": amount, "high": high, "currency": currency, "basis": basis}
        )
    if row.notes is not None:
        events.append({"type": "note", "text": row.notes})
    return [tuple((common | e).get(c) for c in EVENT_COLUMNS[1:]) for e in events]
