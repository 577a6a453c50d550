"""Batched inserts with Core: tuples through one compiled statement per table, executemany.

Building a dict (or an ORM object) per row costs more than SQLite's own work; a statement compiled
once for the current dialect and fed plain tuples is the cheapest way to write many rows.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

from dealtrack.models import Deal, Event, Participant, Party

PARTY_COLUMNS = ("id", "name", "name_key", "kind")
DEAL_COLUMNS = (
    "id",
    "key",
    "title",
    "kind",
    "target_id",
    "status",
    "reason",
    "amount",
    "high",
    "currency",
    "basis",
    "reported",
    "reported_precision",
    "updated",
    "updated_precision",
)
PARTICIPANT_COLUMNS = ("deal_id", "party_id", "role")
EVENT_COLUMNS = (
    "id",
    "deal_id",
    "type",
    "on",
    "on_precision",
    "recorded_at",
    "status",
    "reason",
    "amount",
    "high",
    "currency",
    "basis",
    "action",
    "party_id",
    "role",
    "text",
    "changes",
    "voids",
    "voided",
    "source_outlet",
    "source_url",
    "source_attribution",
    "note",
)
BATCH = 20_000


class _Buffer:
    def __init__(self, connection: Connection, table: Table, columns: Sequence[str]) -> None:
        self.connection, self.table, self.columns = connection, table, tuple(columns)
        self.rows: list[tuple[Any, ...]] = []
        compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
        self.positional = connection.dialect.paramstyle == "qmark" and list(
            compiled.positiontup or ()
        ) == list(columns)
        self.sql = str(compiled)

    def flush(self) -> None:
        if not self.rows:
            return
        if self.positional:
            self.connection.exec_driver_sql(self.sql, self.rows)
        else:
            self.connection.execute(
                insert(self.table), [dict(zip(self.columns, r, strict=True)) for r in self.rows]
            )
        self.rows = []


class BulkWriter:
    """Buffers for the four tables, flushed together parents first so foreign keys always hold."""

    def __init__(self, connection: Connection) -> None:
        self.parties = _Buffer(connection, Party.__table__, PARTY_COLUMNS)  # type: ignore[arg-type]
        self.deals = _Buffer(connection, Deal.__table__, DEAL_COLUMNS)  # type: ignore[arg-type]
        self.participants = _Buffer(connection, Participant.__table__, PARTICIPANT_COLUMNS)  # type: ignore[arg-type]
        self.events = _Buffer(connection, Event.__table__, EVENT_COLUMNS)  # type: ignore[arg-type]
        self.pending = 0

    def flush(self) -> None:
        for buffer in (self.parties, self.deals, self.participants, self.events):
            buffer.flush()
        self.pending = 0

    def counted(self, added: int) -> None:
        """Call after appending ``added`` rows to the buffers' ``rows`` lists."""
        self.pending += added
        if self.pending >= BATCH:
            self.flush()
