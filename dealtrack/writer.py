"""Batched inserts with Core: tuples through one compiled statement per table, executemany.

Building a dict (or an ORM object) per row costs more than SQLite's own work; a statement compiled
once for the current dialect and fed plain tuples is the cheapest way to write many rows. On
SQLite the statement inserts up to ``ROWS_PER_STATEMENT`` rows at once (``VALUES (…), (…), …``): the
driver's work for each execution (reset, step, its checks) then comes once per group rather than
once per row, which took about a third off the cost of writing an import's rows.
"""

import datetime
import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, false, insert, literal_column
from sqlalchemy.sql.expression import TableClause

from dealtrack.dates import day_text
from dealtrack.domain.new_deal import (
    CREATED_FIELDS,
    DEAL_FIELDS,
    FOLLOWING_FIELDS,
    PARTICIPANT_FIELDS,
    DealRows,
)
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.search_index import index_pending, move_pending, pending_table
from dealtrack.search_rows import FIELDS, new_deal_fields

PARTY_COLUMNS = ("id", "name", "name_key", "kind")
# Every column of the event table, in its own order (the order full event tuples are built in).
EVENT_COLUMNS = tuple(column.name for column in Event.__table__.columns)
# Rows buffered before a flush. An import's reading process waits while this one flushes; smaller,
# more frequent flushes kept the two working side by side (5,000 took about 4% off a 100,000-deal
# import against 20,000).
BATCH = 5_000
# Rows one SQLite statement inserts: more saved nothing measurable. SQLite before 3.32 takes at
# most 999 parameters a statement, so wide rows go fewer to a statement.
ROWS_PER_STATEMENT = 50
MAX_PARAMETERS = 999
# New deals whose index rows wait (``search_index.pending_table``) before they go into the index
# together. Sent as the deals are written, the index takes its share of an import while the
# reading process still has rows to check, rather than all of it at the end on one core: about
# 0.3 s of a 100,000-deal import's 4.6 s. 5,000 and 10,000 measured alike; 25,000 slower.
INDEX_CHUNK = 10_000


def rows_per_statement(width: int) -> int:
    """How many rows of ``width`` values one statement inserts."""
    return max(1, min(ROWS_PER_STATEMENT, MAX_PARAMETERS // max(width, 1)))


def in_groups(rows: Sequence[tuple[Any, ...]], per: int) -> tuple[list[tuple[Any, ...]], int]:
    """The parameters of the statements that insert ``per`` rows each (one flat tuple each), and
    how many rows they cover; the rest go one a statement."""
    grouped = len(rows) - len(rows) % per
    flat = [tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, grouped, per)]
    return flat, grouped


# SQLite stores a date as its ISO text. The driver's own adapter does the same through a Python
# function called for every date bound; ``dates.day_text`` is that text from a bounded cache (C),
# as ``isoformat`` formats through sprintf (about 3,000 instructions). A new deal's rows carry
# the text already (``domain.new_deal``); other writes bind dates, through the same cache.
sqlite3.register_adapter(datetime.date, day_text)
# The driver binds an int, float or str as it is, but looks every other value up as something
# to adapt; for None, bytes and bool, which have no adapter, that lookup fails through two attribute
# searches, one of which formats an error message it then drops: about a microsecond for each
# NULL or blob bound, a sixth of the importing process's work. Registered, each costs a dictionary
# lookup and a call of a C function that hands it back unchanged (``{}.get`` gives None).
sqlite3.register_adapter(type(None), cast("Callable[[None], None]", {}.get))
sqlite3.register_adapter(bytes, bytes)
sqlite3.register_adapter(bool, int)  # stored as 0 and 1, as the driver stores them anyway


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


class _Buffer:
    """Rows for one INSERT statement, compiled once; ``fixed`` columns take constant values."""

    def __init__(
        self,
        connection: Connection,
        table: TableClause,
        columns: Sequence[str],
        fixed: dict[str, Any] | None = None,
    ) -> None:
        self.connection, self.columns = connection, tuple(columns)
        self.rows: list[tuple[Any, ...]] = []
        # A statement of many rows that may fail on a constraint (every table here has UNIQUE or
        # CHECK ones) would make SQLite keep a statement journal, so as to undo that statement
        # alone: each page it changes that existed when it began is first copied to a temporary
        # file, two system calls for nearly every row of an import. OR FAIL stops at the failing
        # row and keeps no such journal; every caller undoes more than the statement anyway (a
        # failed write fails its command's transaction, or rolls back an import's savepoint).
        bound = {c: bindparam(c) for c in columns} | (fixed or {})
        self.statement = insert(table).prefix_with("OR FAIL", dialect="sqlite").values(bound)
        compiled = self.statement.compile(dialect=connection.dialect)
        self.positional = (
            connection.dialect.paramstyle == "qmark"
            and tuple(compiled.positiontup or ()) == self.columns
        )
        self.sql = str(compiled)
        head, values = self.sql.split(" VALUES ", 1)
        self.per = rows_per_statement(len(self.columns))
        self.group_sql = f"{head} VALUES {', '.join([values] * self.per)}"

    def flush(self) -> None:
        if not self.rows:
            return
        if self.positional:
            groups, grouped = in_groups(self.rows, self.per)
            if groups:
                self.connection.exec_driver_sql(self.group_sql, groups)
            if grouped < len(self.rows):
                self.connection.exec_driver_sql(self.sql, self.rows[grouped:])
        else:
            self.connection.execute(
                self.statement, [dict(zip(self.columns, r, strict=True)) for r in self.rows]
            )
        self.rows = []


class BulkWriter:
    """Buffers for the tables a change writes, flushed together parents first (foreign keys
    hold). ``add`` writes one new deal, an import a million, through the same statements.

    With ``indexing``, a new deal given with its parties' names gets its search index row too
    (``search_rows.new_deal_fields``), kept in ``search_index.pending_table`` and moved into the
    index every INDEX_CHUNK deals and by ``store_index_rows``: an import into a ledger whose
    parties have no aliases builds the rows while it reads, instead of reading every deal back
    at its end."""

    def __init__(self, connection: Connection, indexing: bool = False) -> None:
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
        self.search = (
            _Buffer(connection, pending_table(connection), ("deal_id", *FIELDS))
            if indexing
            else None
        )
        self.pending = 0
        self.index_rows_waiting = 0
        self.first_waiting = 0  # the deal id of the first index row waiting

    def add_party(self, party_id: int, name: str, key: str) -> None:
        """Buffer a party the change creates (a company, until someone says otherwise)."""
        self.parties.rows.append((party_id, name, key, "company"))

    def add_deal(self, rows: DealRows, names: Sequence[str] | None = None) -> None:
        """Buffer the rows of one new deal (``dealtrack.domain.new_deal``), and its index row
        when indexing and given its parties' names, the target's first."""
        self.deals.rows.append(rows.deal)
        self.created.rows.append(rows.created)
        self.following.rows.extend(rows.following)
        self.participants.rows.extend(rows.participants)
        if self.search is not None and names is not None:
            self.search.rows.append((rows.deal[0], *new_deal_fields(rows, names)))
            if not self.index_rows_waiting:
                self.first_waiting = rows.deal[0]
            self.index_rows_waiting += 1
        self.counted(3 + len(rows.following) + len(rows.participants))

    @property
    def indexing(self) -> bool:
        return self.search is not None

    def store_index_rows(self) -> None:
        """Move the index rows built so far into the index, and build no more."""
        self.flush()
        waiting = self.first_waiting if self.index_rows_waiting else None
        index_pending(self.parties.connection, waiting)
        self.search = None

    def flush(self) -> None:
        buffers = (
            self.parties, self.deals, self.participants, self.created, self.following,
            self.events, self.search,
        )  # fmt: skip
        for buffer in buffers:
            if buffer is not None:
                buffer.flush()
        self.pending = 0
        if self.index_rows_waiting >= INDEX_CHUNK:
            move_pending(self.parties.connection, self.first_waiting)
            self.index_rows_waiting = 0

    def counted(self, added: int) -> None:
        """Call after appending ``added`` rows to the buffers' ``rows`` lists."""
        self.pending += added
        if self.pending >= BATCH:
            self.flush()
