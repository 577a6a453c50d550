"""An import's rows, and the parties and deals it creates, kept on disk until they are written.

An import merges the rows of one deal before comparing them with the ledger, so nothing can be
written until the whole file is read. Holding every row in memory until then made a million-row import
take gigabytes. Here each valid row waits in a private scratch database (``sqlite3.connect("")``:
a temporary file, created 0600 and deleted by SQLite itself, that lives in SQLite's page cache
until it outgrows it) with its key and natural key beside it. Only rows that share a key or a
natural key with another row, or that touch a deal already in the ledger, can need merging; those
go through the Matcher. Every other row is read back once, in file order, and written. Deal
objects and party records of a ledger document wait here too, and the parties, keys and deals
an import creates are looked up here rather than kept in memory.
"""

import datetime
import functools
import marshal
import sqlite3
from collections.abc import Iterator
from typing import Any

from dealtrack.bulk.rows import CACHED, FlatRow
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.dates import PartialDate, Precision
from dealtrack.domain.duplicates import NaturalKey, natural_text
from dealtrack.money import Amount
from dealtrack.names import first_free
from dealtrack.writer import in_groups, rows_per_statement

BATCH = 5_000
_FILTER_BYTES = 1 << 21  # 16 million bits, a few per name key even for millions of parties
_FILTER_MASK = (_FILTER_BYTES << 3) - 1
RECENT = 20_000  # names remembered between lookups: the same acquirers recur thousands of times

_SCHEMA = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "CREATE TABLE row (seq INTEGER PRIMARY KEY, key TEXT, natural_key TEXT,"
    " known INTEGER NOT NULL, data BLOB NOT NULL, record BLOB)",
    # Parties and deal objects this import created (flat rows' deals are written as they go).
    "CREATE TABLE party (name_key TEXT PRIMARY KEY, id INTEGER NOT NULL, name TEXT NOT NULL)"
    " WITHOUT ROWID",
    "CREATE TABLE new_deal (key TEXT PRIMARY KEY, id INTEGER NOT NULL, natural_key TEXT NOT NULL)"
    " WITHOUT ROWID",
    "CREATE INDEX new_deal_natural ON new_deal (natural_key)",
    # Keys derived for new deals; a row's own key is in ``row`` already.
    "CREATE TABLE taken (key TEXT PRIMARY KEY) WITHOUT ROWID",
    # Party records and deal objects (``kind`` party or deal), applied after the flat rows.
    "CREATE TABLE document (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, line INTEGER NOT NULL,"
    " record BLOB NOT NULL)",
)
# A row can meet another row only through a key or natural key they share; ``known`` rows match
# a deal in the ledger. These are the rows the Matcher has to see, in file order.
_MEETS = (
    "known OR key IN (SELECT key FROM shared_key)"
    " OR natural_key IN (SELECT natural_key FROM shared_natural)"
)


class Stage:
    """The scratch database of one import; ``close`` (or the process ending) deletes it."""

    def __init__(self) -> None:
        # Used by one thread at a time; the importer indexes it from a helper thread.
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        for statement in _SCHEMA:
            self.db.execute(statement)
        self.pending: list[tuple[Any, ...]] = []
        self.pending_documents: list[tuple[str, int, bytes]] = []
        self.rows = 0
        # Names looked up or created lately, in two generations: a full ``recent`` becomes
        # ``older``, so the names a file keeps repeating (acquirers, advisers) stay at hand
        # while the one-off ones (each deal's target) fall out.
        self.recent_parties: dict[str, int] = {}
        self.older_parties: dict[str, int] = {}
        # New parties wait here to be inserted in batches; a lookup looks here first.
        self.pending_parties: dict[str, tuple[int, str]] = {}
        # Most names a large import meets are new (each deal's target): a fixed-size filter of
        # the name keys created so far answers "not created here" without a query, and a rare
        # false "maybe" costs only the query it saves otherwise.
        self.created_keys = bytearray(_FILTER_BYTES)

    def add_row(self, row: FlatRow, natural: str | None, known: bool, record: Any = None) -> None:
        """Keep one valid row and, for ``--rejects``, the record as read."""
        self.add_packed(row.key, natural, known, pack(row), record)

    def add_packed(
        self, key: str | None, natural: str | None, known: bool, data: bytes, record: Any = None
    ) -> None:
        """``add_row`` of a row packed already (by ``pack``)."""
        stored = None if record is None else marshal.dumps(record)
        self.rows += 1
        self.pending.append((key, natural, known, data, stored))
        if len(self.pending) >= BATCH:
            self._flush_rows()

    def _flush_rows(self) -> None:
        _insert(self.db, "row (key, natural_key, known, data, record)", 5, self.pending)
        self.pending = []

    def add_document(self, kind: str, line: int, record: dict[str, Any]) -> None:
        """Keep a party record (``kind`` "party") or a deal object ("deal") as read."""
        self.pending_documents.append((kind, line, marshal.dumps(record)))
        if len(self.pending_documents) >= BATCH:
            self._flush_documents()

    def _flush_documents(self) -> None:
        self.db.executemany("INSERT INTO document (kind, line, record) VALUES (?, ?, ?)",
                            self.pending_documents)  # fmt: skip
        self.pending_documents = []

    def documents(self, kind: str, size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
        """(line, record) of every party record or deal object, in file order, ``size`` at a
        time (each chunk's ledger rows are then loaded with one round of queries)."""
        query = "SELECT line, record FROM document WHERE kind = ? ORDER BY seq"
        rows = self.db.execute(query, (kind,))
        while chunk := rows.fetchmany(size):
            yield [(line, marshal.loads(record)) for line, record in chunk]

    def finish_reading(self) -> None:
        """Index what later lookups need, once every row is in."""
        self._flush_rows()
        self._flush_documents()
        self.db.execute("CREATE INDEX row_key ON row (key)")
        self.db.execute(
            "CREATE TABLE shared_key AS SELECT key FROM row WHERE key IS NOT NULL"
            " GROUP BY key HAVING count(*) > 1"
        )
        self.db.execute(
            "CREATE TABLE shared_natural AS SELECT natural_key FROM row"
            " WHERE natural_key IS NOT NULL GROUP BY natural_key HAVING count(*) > 1"
        )

    def rows_to_match(self) -> Iterator[tuple[int, bytes, Any]]:
        """(seq, packed row, record) of every row that may meet another row or a ledger deal;
        ``seq`` tells rows apart where their lines cannot (a JSON array on one line)."""
        query = f"SELECT seq, data, record FROM row WHERE {_MEETS} ORDER BY seq"  # noqa: S608
        for seq, data, record in self.db.execute(query):
            yield seq, data, None if record is None else marshal.loads(record)

    def row_at(self, seq: int) -> FlatRow:
        """The row staged as ``seq``."""
        return self.rows_at([seq])[seq]

    def rows_at(self, seqs: list[int]) -> dict[int, FlatRow]:
        """The rows staged as ``seqs``, by seq, with one query (``seqs`` kept short)."""
        return {seq: unpack(data) for seq, data in self.packed_at(seqs).items()}

    def packed_at(self, seqs: list[int]) -> dict[int, bytes]:
        """``rows_at``, the rows still packed (``pack``)."""
        marks = ", ".join("?" * len(seqs))
        query = f"SELECT seq, data FROM row WHERE seq IN ({marks})"  # noqa: S608 (only marks)
        return dict(self.db.execute(query, seqs).fetchall())

    def any_meets(self, last: int) -> bool:
        """Whether a row up to ``last`` (in file order) meets another row or a ledger deal."""
        query = f"SELECT 1 FROM row WHERE seq <= ? AND ({_MEETS}) LIMIT 1"  # noqa: S608
        return self.db.execute(query, (last,)).fetchone() is not None

    def rows_in_order(self, after: int = 0) -> Iterator[tuple[int, FlatRow | None, Any]]:
        """(seq, row, record) of every row after the first ``after`` in file order; the row (and
        its record) only for the rows that meet no other row, which the Matcher never saw."""
        query = f"SELECT seq, {_MEETS}, data, record FROM row WHERE seq > ? ORDER BY seq"  # noqa: S608
        for seq, meets, data, record in self.db.execute(query, (after,)):
            if meets:
                yield seq, None, None
            else:
                yield seq, unpack(data), None if record is None else marshal.loads(record)

    def party(self, snapshot: Snapshot, key: str, display: str) -> tuple[int, bool]:
        """The id of the party a name key names, in the ledger or created by this import, and
        whether it is new: then its id is allocated here, and the caller writes it."""
        ids, created = self.parties(snapshot, [key], [display])
        return ids[0], bool(created)

    def parties(
        self, snapshot: Snapshot, keys: list[str], names: list[str]
    ) -> tuple[list[int], list[tuple[int, str, str]]]:
        """``party`` of each (name key, name), in order: the ids, and (id, name, name key) of the
        parties created here. One call for a deal's names, as a large import asks for millions;
        a name this import created lately is looked up first (the ledger cannot have it).
        """
        ids: list[int] = []
        created: list[tuple[int, str, str]] = []
        recent, ledger = self.recent_parties, snapshot.party_ids
        for key, display in zip(keys, names, strict=True):
            found = recent.get(key)
            if found is None:
                found = ledger.get(key) if ledger else None
                if found is None:
                    found = self.new_party(key)
                    if found is None:
                        found = snapshot.next_party_id
                        snapshot.next_party_id += 1
                        self.add_party(key, found, display)
                        created.append((found, display, key))
            ids.append(found)
        return ids, created

    def new_party(self, key: str) -> int | None:
        """The id this import gave the party with name key ``key``, if it created one."""
        found = self.recent_parties.get(key)
        if found is not None:
            return found
        found = self.older_parties.get(key)
        if found is not None:
            return self._remember(key, found)
        bit = hash(key) & _FILTER_MASK
        if not self.created_keys[bit >> 3] & (1 << (bit & 7)):
            return None
        pending = self.pending_parties.get(key)
        if pending is not None:
            return pending[0]
        row = self.db.execute("SELECT id FROM party WHERE name_key = ?", (key,)).fetchone()
        return None if row is None else self._remember(key, row[0])

    def add_party(self, key: str, party_id: int, name: str) -> None:
        bit = hash(key) & _FILTER_MASK
        self.created_keys[bit >> 3] |= 1 << (bit & 7)
        self.pending_parties[key] = (party_id, name)
        if len(self.pending_parties) >= BATCH:
            self._flush_parties()
        self._remember(key, party_id)

    def _flush_parties(self) -> None:
        pending = [(key, party_id, name) for key, (party_id, name) in self.pending_parties.items()]
        _insert(self.db, "party", 3, pending)
        self.pending_parties = {}

    def party_name(self, party_id: int) -> str | None:
        """The name of a party this import created (asked only by ledger documents, so the
        index is built when first needed rather than kept up by every import)."""
        self._flush_parties()
        self.db.execute("CREATE INDEX IF NOT EXISTS party_id ON party (id)")
        found = self.db.execute("SELECT name FROM party WHERE id = ?", (party_id,)).fetchone()
        return None if found is None else str(found[0])

    def add_deal(self, key: str, deal_id: int, natural: NaturalKey) -> None:
        """Note a deal a deal object created, for the deal objects after it."""
        self.db.execute(
            "INSERT INTO new_deal VALUES (?, ?, ?)", (key, deal_id, natural_text(natural))
        )

    def deal_id(self, key: str) -> int | None:
        """The id of the deal a deal object created under ``key``."""
        found = self.db.execute("SELECT id FROM new_deal WHERE key = ?", (key,)).fetchone()
        return None if found is None else int(found[0])

    def deals_on(self, natural: NaturalKey) -> list[int]:
        """The ids of the deals deal objects created on a natural key."""
        query = "SELECT id FROM new_deal WHERE natural_key = ? ORDER BY id"
        return [int(r[0]) for r in self.db.execute(query, (natural_text(natural),))]

    def _remember(self, key: str, party_id: int) -> int:
        if len(self.recent_parties) >= RECENT:
            self.older_parties, self.recent_parties = self.recent_parties, {}
        self.recent_parties[key] = party_id
        return party_id

    def free_key(self, wanted: str, ledger_keys: dict[str, int]) -> str:
        """``wanted``, or with -2, -3… if a ledger deal, a row of the file or a key this import
        derived before already has it; taken from then on."""

        def taken(key: str) -> bool:
            return (
                key in ledger_keys
                or self.db.execute("SELECT 1 FROM row WHERE key = ?", (key,)).fetchone() is not None
                or self.db.execute("SELECT 1 FROM taken WHERE key = ?", (key,)).fetchone()
                is not None
            )

        key = first_free(wanted, taken)
        self.db.execute("INSERT INTO taken VALUES (?)", (key,))
        return key

    def forget_parties(self) -> None:
        """Forget the parties created so far, whose rows were rolled back."""
        self.db.execute("DELETE FROM party")
        self.pending_parties, self.recent_parties, self.older_parties = {}, {}, {}
        self.created_keys = bytearray(_FILTER_BYTES)

    def close(self) -> None:
        self.db.close()


def _insert(db: sqlite3.Connection, into: str, width: int, rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` of ``width`` values, several to a statement (see ``writer``)."""
    one = f"({', '.join('?' * width)})"
    per = rows_per_statement(width)
    groups, grouped = in_groups(rows, per)
    if groups:
        db.executemany(f"INSERT INTO {into} VALUES {', '.join([one] * per)}", groups)  # noqa: S608
    if grouped < len(rows):
        db.executemany(f"INSERT INTO {into} VALUES {one}", rows[grouped:])  # noqa: S608


_PRECISIONS = {p.value: p for p in Precision}


def pack(row: FlatRow) -> bytes:
    """A validated row as bytes: marshal of plain values, several times cheaper than validating
    the row again or pickling it."""
    value = row.value
    return marshal.dumps(
        (
            row.line, row.key, row.title, row.kind, row.target, row.roles, row.status,
            row.reason, None if value is None else (value.low, value.high, value.currency),
            row.value_given, row.basis, _packed_date(row.reported), _packed_date(row.date),
            row.outlet, row.url, row.attribution, row.notes,
        )
    )  # fmt: skip


def unpack(data: bytes) -> FlatRow:
    """The row ``pack`` was given."""
    (line, key, title, kind, target, roles, status, reason, value, given, basis, reported, date,
     outlet, url, attribution, notes) = marshal.loads(data)  # fmt: skip
    return FlatRow(
        line, key, title, kind, target, roles, status, reason,
        None if value is None else Amount(*value), given, basis, _date(reported), _date(date),
        outlet, url, attribution, notes,
    )  # fmt: skip


def _packed_date(date: PartialDate | None) -> tuple[int, str] | None:
    return None if date is None else (date.start.toordinal(), date.precision._value_)


def _date(packed: tuple[int, str] | None) -> PartialDate | None:
    return None if packed is None else _unpacked_date(packed)


# Rows repeat a few thousand dates: one (immutable) PartialDate each, made once, in a bounded cache.
@functools.lru_cache(maxsize=CACHED)
def _unpacked_date(packed: tuple[int, str]) -> PartialDate:
    return PartialDate(datetime.date.fromordinal(packed[0]), _PRECISIONS[packed[1]])


class IdSet:
    """A set of positive ids, one bit each: a million deals' events in a megabyte or so, where a
    set of ints held about 60 bytes an id. Ids far past the others (a file may ask for any id)
    go to a plain set, so one huge id cannot make the bitmap huge."""

    _REACH = 1 << 16  # bytes the bitmap may grow by at once

    def __init__(self) -> None:
        self.bits = bytearray()
        self.far: set[int] = set()

    def add(self, value: int) -> None:
        index = value >> 3
        if index >= len(self.bits):
            if index >= len(self.bits) + self._REACH:
                self.far.add(value)
                return
            self.bits.extend(bytes(index + 1 - len(self.bits) + len(self.bits) // 2))
        self.bits[index] |= 1 << (value & 7)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        index = value >> 3
        if 0 <= index < len(self.bits) and self.bits[index] & (1 << (value & 7)):
            return True
        return value in self.far
