"""An import's rows, and the parties and keys it creates, kept on disk until they are written.

§5 merges the rows of one deal before comparing them with the ledger, so nothing can be written
until the whole file is read. Holding every row in memory until then made a million-row import
take gigabytes. Here each valid row waits in a private scratch database (``sqlite3.connect("")``:
a temporary file, created 0600 and deleted by SQLite itself, that lives in SQLite's page cache
until it outgrows it) with its key and natural key beside it. Only rows that share a key or a
natural key with another row, or that touch a deal already in the ledger, can need merging; those
go through the Matcher. Every other row is read back once, in file order, and written.
"""

import marshal
import sqlite3
from collections.abc import Iterator
from typing import Any

from dealtrack.names import first_free

BATCH = 5_000
RECENT = 20_000  # names remembered between lookups: the same acquirers recur thousands of times

_SCHEMA = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "CREATE TABLE row (seq INTEGER PRIMARY KEY, line INTEGER NOT NULL, key TEXT,"
    " natural_key TEXT, known INTEGER NOT NULL, cells BLOB NOT NULL, record BLOB)",
    "CREATE TABLE party (name_key TEXT PRIMARY KEY, id INTEGER NOT NULL, name TEXT NOT NULL)"
    " WITHOUT ROWID",
    "CREATE TABLE taken (key TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID",
)
# A row can meet another row only through a key or natural key they share; ``known`` rows match
# a deal in the ledger. These are the rows the Matcher has to see, in file order.
_MEETS = "known OR key IN (SELECT key FROM shared_key) OR natural_key IN (SELECT natural_key FROM shared_natural)"


class Stage:
    """The scratch database of one import; ``close`` (or the process ending) deletes it."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        for statement in _SCHEMA:
            self.db.execute(statement)
        self.pending: list[tuple[Any, ...]] = []
        self.recent_parties: dict[str, int] = {}

    def add_row(
        self,
        line: int,
        key: str | None,
        natural: str | None,
        known: bool,
        cells: dict[str, str],
        record: Any = None,
    ) -> None:
        """Keep one valid row: its cells as mapped (parsed again when it is used) and, for
        ``--rejects``, the record as read."""
        stored = None if record is None else marshal.dumps(record)
        self.pending.append((line, key, natural, known, marshal.dumps(cells), stored))
        if len(self.pending) >= BATCH:
            self._flush_rows()

    def _flush_rows(self) -> None:
        self.db.executemany(
            "INSERT INTO row (line, key, natural_key, known, cells, record) VALUES (?, ?, ?, ?, ?, ?)",
            self.pending,
        )
        self.pending = []

    def finish_reading(self) -> None:
        """Index what later lookups need, once every row is in."""
        self._flush_rows()
        self.db.execute("CREATE INDEX row_key ON row (key)")
        self.db.execute(
            "CREATE TABLE shared_key AS SELECT key FROM row WHERE key IS NOT NULL"
            " GROUP BY key HAVING count(*) > 1"
        )
        self.db.execute(
            "CREATE TABLE shared_natural AS SELECT natural_key FROM row"
            " WHERE natural_key IS NOT NULL GROUP BY natural_key HAVING count(*) > 1"
        )

    def rows_to_match(self) -> Iterator[tuple[int, int, dict[str, str], Any]]:
        """(seq, line, cells, record) of every row that may meet another row or a ledger deal;
        ``seq`` tells rows apart where ``line`` cannot (a JSON array on one line)."""
        query = f"SELECT seq, line, cells, record FROM row WHERE {_MEETS} ORDER BY seq"  # noqa: S608
        for seq, line, cells, record in self.db.execute(query):
            loaded = None if record is None else marshal.loads(record)
            yield seq, line, marshal.loads(cells), loaded

    def rows_in_order(self) -> Iterator[tuple[int, int, dict[str, str] | None, Any]]:
        """(seq, line, cells, record) of every row in file order; cells (and the record) only
        for the rows that meet no other row, which the Matcher never saw."""
        query = f"SELECT seq, line, {_MEETS}, cells, record FROM row ORDER BY seq"  # noqa: S608
        for seq, line, meets, cells, record in self.db.execute(query):
            if meets:
                yield seq, line, None, None
            else:
                loaded = None if record is None else marshal.loads(record)
                yield seq, line, marshal.loads(cells), loaded

    def new_party(self, key: str) -> int | None:
        """The id this import gave the party with name key ``key``, if it created one."""
        found = self.recent_parties.get(key)
        if found is None:
            row = self.db.execute("SELECT id FROM party WHERE name_key = ?", (key,)).fetchone()
            if row is None:
                return None
            found = self._remember(key, row[0])
        return found

    def add_party(self, key: str, party_id: int, name: str) -> None:
        self.db.execute("INSERT INTO party VALUES (?, ?, ?)", (key, party_id, name))
        self._remember(key, party_id)

    def _remember(self, key: str, party_id: int) -> int:
        if len(self.recent_parties) >= RECENT:
            self.recent_parties.clear()
        self.recent_parties[key] = party_id
        return party_id

    def new_parties(self) -> Iterator[tuple[str, int, str]]:
        """(name key, id, name) of every party this import created."""
        yield from self.db.execute("SELECT name_key, id, name FROM party")

    def free_key(self, wanted: str, ledger_keys: dict[str, int], deal_id: int) -> str:
        """``wanted``, or with -2, -3… if a ledger deal, a row of the file or a deal this import
        created already has it; taken for ``deal_id`` from then on."""

        def taken(key: str) -> bool:
            return (
                key in ledger_keys
                or self.db.execute("SELECT 1 FROM row WHERE key = ?", (key,)).fetchone() is not None
                or self.db.execute("SELECT 1 FROM taken WHERE key = ?", (key,)).fetchone()
                is not None
            )

        key = first_free(wanted, taken)
        self.take_key(key, deal_id)
        return key

    def take_key(self, key: str, deal_id: int) -> None:
        self.db.execute("INSERT INTO taken VALUES (?, ?)", (key, deal_id))

    def taken_keys(self) -> Iterator[tuple[str, int]]:
        """(key, id) of every deal this import created."""
        yield from self.db.execute("SELECT key, id FROM taken")

    def close(self) -> None:
        self.db.close()
