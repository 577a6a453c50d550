"""Batched inserts with Core: tuples through one compiled statement per table, executemany.

Building a dict (or an ORM object) per row costs more than SQLite's own work; a statement compiled
once for the current dialect and fed plain tuples is the cheapest way to write many rows. On
SQLite the statement inserts ``ROWS_PER_STATEMENT`` rows at once (``VALUES (…), (…), …``): the
driver's work for each execution (reset, step, its checks) then comes once per group rather than
once per row, which took about a third off the cost of writing an import's rows.
"""

import datetime
import sqlite3
from collections.abc import Sequence
from itertools import chain
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, false, insert, literal_column

from dealtrack.domain.new_deal import (
    CREATED_FIELDS,
    DEAL_FIELDS,
    FOLLOWING_FIELDS,
    PARTICIPANT_FIELDS,
    DealRows,
)
from dealtrack.models import Deal, Event, Participant, Party

PARTY_COLUMNS = ("id", "name", "name_key", "kind")
# Every column of the event table, in its own order (the order full event tuples are built in).
EVENT_COLUMNS = tuple(column.name for column in Event.__table__.columns)
BATCH = 20_000
# Rows one SQLite statement inserts: 50 of the widest (24 columns) stay far below SQLite's limit
# of 32,766 parameters; more rows a statement saved nothing measurable.
ROWS_PER_STATEMENT = 50

# SQLite stores a date as its ISO text. The driver's own adapter does the same through a Python
# function called for every date bound; the C method itself is cheaper for a million deals.
sqlite3.register_adapter(datetime.date, datetime.date.isoformat)


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


class _Buffer:
    """Rows for one INSERT statement, compiled once; ``fixed`` columns take constant values."""

    def __init__(
        self,
        connection: Connection,
        table: Table,
        columns: Sequence[str],
        fixed: dict[str, Any] | None = None,
    ) -> None:
        self.connection, self.columns = connection, tuple(columns)
        self.rows: list[tuple[Any, ...]] = []
        self.statement = insert(table).values({c: bindparam(c) for c in columns} | (fixed or {}))
        compiled = self.statement.compile(dialect=connection.dialect)
        self.positional = (
            connection.dialect.paramstyle == "qmark"
            and tuple(compiled.positiontup or ()) == self.columns
        )
        self.sql = str(compiled)
        head, values = self.sql.split(" VALUES ", 1)
        self.group_sql = f"{head} VALUES {', '.join([values] * ROWS_PER_STATEMENT)}"

    def flush(self) -> None:
        if not self.rows:
            return
        if self.positional:
            rows, per = self.rows, ROWS_PER_STATEMENT
            grouped = len(rows) - len(rows) % per
            if grouped:
                groups = [
                    tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, grouped, per)
                ]
                self.connection.exec_driver_sql(self.group_sql, groups)
            if grouped < len(rows):
                self.connection.exec_driver_sql(self.sql, rows[grouped:])
        else:
            self.connection.execute(
                self.statement, [dict(zip(self.columns, r, strict=True)) for r in self.rows]
            )
        self.rows = []


class BulkWriter:
    """Buffers for the tables a change writes, flushed together parents first (foreign keys
    hold). ``add`` writes one new deal, an import a million, through the same statements."""

    def __init__(self, connection: Connection) -> None:
        self.parties = _Buffer(connection, _table(Party), PARTY_COLUMNS)
        self.deals = _Buffer(connection, _table(Deal), DEAL_FIELDS)
        self.participants = _Buffer(connection, _table(Participant), PARTICIPANT_FIELDS)
        # New deals' events get narrow statements: binding NULLs costs as much as values.
        self.created = _Buffer(
            connection,
            _table(Event),
            CREATED_FIELDS,
            {"type": literal_column("'created'"), "voided": false()},
        )
        self.following = _Buffer(connection, _table(Event), FOLLOWING_FIELDS, {"voided": false()})
        self.events = _Buffer(connection, _table(Event), EVENT_COLUMNS)
        self.pending = 0

    def add_party(self, party_id: int, name: str, key: str) -> None:
        """Buffer a party the change creates (a company, until someone says otherwise)."""
        self.parties.rows.append((party_id, name, key, "company"))

    def add_deal(self, rows: DealRows) -> None:
        """Buffer the rows of one new deal (``dealtrack.domain.new_deal``)."""
        self.deals.rows.append(rows.deal)
        self.created.rows.append(rows.created)
        self.following.rows.extend(rows.following)
        self.participants.rows.extend(rows.participants)
        self.counted(2 + len(rows.following) + len(rows.participants))

    def flush(self) -> None:
        buffers = (
            self.parties, self.deals, self.participants, self.created, self.following, self.events
        )  # fmt: skip
        for buffer in buffers:
            buffer.flush()
        self.pending = 0

    def counted(self, added: int) -> None:
        """Call after appending ``added`` rows to the buffers' ``rows`` lists."""
        self.pending += added
        if self.pending >= BATCH:
            self.flush()
