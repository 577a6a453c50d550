"""The search index in the database: its table, how it is rewritten, and how it is queried.

One row a deal, keyed by the deal's id, holding the folded words of five fields (what they hold
is ``search_rows``'). SQLite keeps the words in a plain table, ``deal_search_text``, and indexes
them with an FTS5 table that reads them from there (``unicode61`` over the already-folded words,
ranked by bm25 with titles and parties above notes); PostgreSQL in a plain table whose
``document`` column, generated from the same words under the ``simple`` configuration with a
weight per field, has a GIN index. It is written by the code that writes deals, never by
triggers: a command rewrites the rows of the deals it changed; an import writes its new deals'
rows with one statement for every ``writer.INDEX_CHUNK`` deals, and rewrites the deals it
changed with one more.

Why the words live beside the FTS5 table rather than in it: an FTS5 table that keeps its own copy
writes each row's text once more, into a table of its own, as it indexes it. An import already
writes the rows somewhere to let them go into the index in thousands (see ``pending_table``), so
on SQLite that place is the text table itself, and the index reads them from there: about a
fifth less work for the index of a 100,000-deal import. The price is that the FTS5 table has to
be told a row's old words to forget them (``_forget_sqlite``), which this module alone does, from
the text table; ``check`` has FTS5 compare its index with the text.
"""

import functools
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Float,
    Integer,
    Select,
    String,
    bindparam,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.sql.expression import TableClause, TextualSelect

from dealtrack.domain.search import Query, tsquery
from dealtrack.models import Deal, Event, Participant
from dealtrack.search_rows import FIELD_COLUMNS, FIELDS, folded_fields, indexed_words, ledger_texts
from dealtrack.search_sql import SEARCH_TABLE as SEARCH_TABLE  # imported from here elsewhere
from dealtrack.search_sql import match_parameters, matching_sql

PENDING_TABLE = "deal_search_pending"
TEXT_TABLE = f"{SEARCH_TABLE}_text"  # SQLite: the words the FTS5 table indexes
PARTIES_A_STATEMENT = 400  # twice over in one statement: within SQLite's oldest 999 bound values
WORDS_FUNCTION = "dealtrack_words"  # SQLite: indexed_words, called inside INSERT … SELECT
CHECKED_AT_ONCE = 2000  # deals whose index rows check compares in one round of queries

_SQLITE_DDL = (
    f"CREATE TABLE {TEXT_TABLE} (deal_id INTEGER NOT NULL PRIMARY KEY, "
    + ", ".join(f"{field} TEXT NOT NULL" for field in FIELDS)
    + ")",
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
    + ", ".join(FIELDS)
    + f", content = '{TEXT_TABLE}', content_rowid = 'deal_id'"
    + ", tokenize = 'unicode61 remove_diacritics 0')",
)
# Weights: A title, B parties, C sources, D notes and reasons (ts_rank_cd's 1.0, 0.4, 0.2, 0.1).
_DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, parties), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, sources), 'C') || "
    "setweight(to_tsvector('simple'::regconfig, notes || ' ' || reasons), 'D')"
)
_POSTGRESQL_DDL = (
    f"CREATE TABLE {SEARCH_TABLE} ("
    "deal_id INTEGER NOT NULL, "
    + " ".join(f"{field} TEXT NOT NULL," for field in FIELDS)
    + f" document tsvector GENERATED ALWAYS AS ({_DOCUMENT}) STORED, "
    f"CONSTRAINT pk_{SEARCH_TABLE} PRIMARY KEY (deal_id), "
    f"CONSTRAINT fk_{SEARCH_TABLE}_deal_id_deal FOREIGN KEY (deal_id) "
    "REFERENCES deal (id) ON DELETE CASCADE)",
    f"CREATE INDEX ix_{SEARCH_TABLE}_document ON {SEARCH_TABLE} USING gin (document)",
)


def search_table_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that create the index's table (the migration keeps its own copy)."""
    return _SQLITE_DDL if dialect == "sqlite" else _POSTGRESQL_DDL


def is_search_table(name: str) -> bool:
    """The index's tables (FTS5's shadow tables too), which the models do not describe, so
    that Alembic's autogenerate leaves them alone."""
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def create_search_table(connection: Connection) -> None:
    for statement in search_table_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


_PENDING = table(PENDING_TABLE, column("deal_id"), *(column(field) for field in FIELDS))
_TEXT = table(TEXT_TABLE, column("deal_id"), *(column(field) for field in FIELDS))
_CHOSEN = table(f"{SEARCH_TABLE}_chosen", column("id"))  # SQLite: the deals a reindex rewrites
# The FTS5 table as the target of its commands: a hidden column of the table's own name takes
# the command ('delete' with a row's id and old words, 'delete-all', 'integrity-check').
_COMMANDS = table(
    SEARCH_TABLE, column(SEARCH_TABLE), column("rank"), column("rowid"), *map(column, FIELDS)
)


def pending_table(connection: Connection) -> TableClause:
    """Where the index rows an import builds as it writes its deals wait to go into the index
    together (``move_pending``). Once an FTS5 table is written in a transaction, SQLite has it
    write out the words it holds at the start of every later statement that may need undoing:
    index rows sent with the deals, a few at a time, made a small segment at every batch and cost
    the importing process 7% more instructions a deal than the index itself. On SQLite they wait
    in the text table the index reads (they belong there anyway); on PostgreSQL in a temporary
    table (created unless it exists: an import that starts over keeps it)."""
    if connection.dialect.name == "sqlite":
        return _TEXT
    columns = ", ".join(f"{field} TEXT NOT NULL" for field in FIELDS)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {PENDING_TABLE} (deal_id INTEGER NOT NULL, "
        f"{columns}) ON COMMIT DROP"
    )
    return _PENDING


def move_pending(connection: Connection, first: int) -> None:
    """Index the rows of ``pending_table``, whose deal ids start at ``first``, in one statement."""
    if connection.dialect.name == "sqlite":
        _index_sqlite(connection, _TEXT.c.deal_id >= first)
        return
    _copy_pending(connection)
    connection.execute(delete(_PENDING))


def index_pending(connection: Connection, first: int | None) -> None:
    """``move_pending`` for the last rows (None: none wait); a temporary table goes with them."""
    if connection.dialect.name == "sqlite":
        if first is not None:
            _index_sqlite(connection, _TEXT.c.deal_id >= first)
        return
    _copy_pending(connection)
    connection.exec_driver_sql(f"DROP TABLE {PENDING_TABLE}")


def _copy_pending(connection: Connection) -> None:
    index = index_table(connection.dialect.name)
    connection.execute(insert(index).from_select([index.c[0].name, *FIELDS], select(*_PENDING.c)))


def _index_sqlite(connection: Connection, where: Any) -> None:
    """Have the FTS5 table index the text rows ``where`` picks (it holds none of them yet)."""
    texts = select(*_TEXT.c).where(where)
    connection.execute(insert(index_table("sqlite")).from_select(["rowid", *FIELDS], texts))


def _forget_sqlite(connection: Connection, where: Any) -> None:
    """Drop the text rows ``where`` picks, and their words from the index: FTS5 forgets a row's
    words only when told them (its 'delete' command), so they are read from the text table first."""
    told = select(literal_column("'delete'"), *_TEXT.c).where(where)
    connection.execute(insert(_COMMANDS).from_select([SEARCH_TABLE, "rowid", *FIELDS], told))
    connection.execute(delete(_TEXT).where(where))


@functools.cache
def index_table(dialect: str) -> TableClause:
    """One table object a dialect: two objects of one name would be two FROM items."""
    key = "rowid" if dialect == "sqlite" else "deal_id"
    return table(SEARCH_TABLE, column(key), *(column(field) for field in FIELDS))


def reindex(connection: Connection, chosen: Select[Any] | None) -> None:
    """Rewrite the index rows of the deals ``chosen`` selects (a select of deal ids; None:
    every deal, and nothing else). One statement each way on SQLite, where the folding
    runs inside the INSERT … SELECT; PostgreSQL folds here, in batches. A removed deal's row
    goes with ``forget``: looking for such rows on every change would read the whole index."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        _reindex_sqlite(connection, chosen)
        return
    index = index_table(dialect)
    key = index.c.deal_id
    connection.execute(delete(index) if chosen is None else delete(index).where(key.in_(chosen)))
    rows = connection.execute(ledger_texts(chosen).execution_options(yield_per=2000))
    add = insert(index).values({name: bindparam(name) for name in (key.name, *FIELDS)})
    for batch in rows.partitions():
        params = [
            dict(zip((key.name, *FIELDS), (row[0], *folded_fields(row)), strict=True))
            for row in batch
        ]
        connection.execute(add, params)


def _reindex_sqlite(connection: Connection, chosen: Select[Any] | None) -> None:
    if chosen is None:
        connection.execute(insert(_COMMANDS).values({SEARCH_TABLE: "delete-all"}))
        connection.execute(delete(_TEXT))
        picked: Any = true()
    else:
        # The deals are picked once (an import's pick reads every event it wrote), then looked up.
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_CHOSEN.name} (id INTEGER PRIMARY KEY)"
        )
        connection.execute(delete(_CHOSEN))
        picking = insert(_CHOSEN).prefix_with("OR IGNORE").from_select(["id"], chosen)
        if not connection.execute(picking).rowcount:
            return
        chosen = select(_CHOSEN.c.id)
        picked = _TEXT.c.deal_id.in_(chosen)
        _forget_sqlite(connection, picked)
    sqlite_functions(connection.connection.driver_connection)
    columns = ledger_texts(chosen).subquery()
    c = list(columns.c)
    words = getattr(func, WORDS_FUNCTION)
    folded = [words(*(c[1 + i] for i in group)) for group in FIELD_COLUMNS]
    connection.execute(insert(_TEXT).from_select(["deal_id", *FIELDS], select(c[0], *folded)))
    _index_sqlite(connection, picked)


def forget(connection: Connection, deal_id: int) -> None:
    """Drop a deal's row (``rm``); PostgreSQL's foreign key would, SQLite's FTS5 cannot."""
    if connection.dialect.name == "sqlite":
        _forget_sqlite(connection, _TEXT.c.deal_id == deal_id)
        return
    index = index_table(connection.dialect.name)
    connection.execute(delete(index).where(index.c.deal_id == deal_id))


def _matching(query: Query) -> tuple[Any, Any, Any]:
    """PostgreSQL: (the id column, the WHERE clause, the score) of the index rows a query matches."""
    index = index_table("postgresql")
    document: Any = literal_column(f"{SEARCH_TABLE}.document")
    ts = func.to_tsquery(
        literal_column("'simple'::regconfig"), bindparam("ts", tsquery(query), unique=True)
    )
    return index.c.deal_id, document.op("@@")(ts), func.ts_rank_cd(document, ts)


def _sqlite_matching(query: Query, ranked: bool) -> TextualSelect:
    """SQLite: ``search_sql``'s statement, the one a light search runs too; its MATCH strings
    bound under names of their own, as one statement may hold two searches."""
    parameters = match_parameters(query).items()
    columns = [column("deal_id", Integer), *([column("score", Float)] if ranked else [])]
    statement = sql_text(matching_sql(query, ranked))
    unique = [bindparam(name, value, String, unique=True) for name, value in parameters]
    return statement.bindparams(*unique).columns(*columns)


def matching_ids(dialect: str, query: Query) -> Select[Any] | TextualSelect | None:
    """Ids of the deals a query matches, for ``--search`` (None: the query has no words)."""
    if query.is_empty:
        return None
    if dialect == "sqlite":
        return _sqlite_matching(query, ranked=False)
    key, where, _ = _matching(query)
    return select(key).select_from(index_table(dialect)).where(where)


def ranked(dialect: str, query: Query) -> Select[Any] | TextualSelect:
    """(deal_id, score) of every deal a query matches, higher scores better."""
    if dialect == "sqlite":
        return _sqlite_matching(query, ranked=True)
    key, where, score = _matching(query)
    index = index_table(dialect)
    return select(key.label("deal_id"), score.label("score")).select_from(index).where(where)


def sqlite_functions(dbapi_connection: Any) -> None:
    """Register the folding function the SQLite INSERT … SELECT calls."""
    dbapi_connection.create_function(WORDS_FUNCTION, -1, indexed_words, deterministic=True)


def reindex_deals(connection: Connection, deal_ids: Sequence[int]) -> None:
    """Rewrite the index rows of a command's deals (in its transaction)."""
    if deal_ids:
        reindex(connection, select(Deal.id).where(Deal.id.in_(list(deal_ids))))


def reindex_party(connection: Connection, party_id: int) -> None:
    """Rewrite the rows of every deal that names a party whose names changed."""
    reindex_parties(connection, [party_id])


def reindex_parties(connection: Connection, party_ids: Sequence[int]) -> None:
    """Rewrite the rows of every deal that names one of these parties (an import's party records
    may add aliases to many), a bounded number of parties a statement."""
    for start in range(0, len(party_ids), PARTIES_A_STATEMENT):
        chunk = list(party_ids[start : start + PARTIES_A_STATEMENT])
        in_roster = select(Participant.deal_id).where(Participant.party_id.in_(chunk))
        named = select(Deal.id).where(Deal.target_id.in_(chunk) | Deal.id.in_(in_roster))
        reindex(connection, named)


def reindex_written_since(
    connection: Connection, first_event_id: int, indexed: range = range(0), indexed_events: int = 0
) -> None:
    """Rewrite the rows of the deals an import wrote events to (every event it wrote has an id
    from ``first_event_id`` on): one statement, after all the rows. The deals of ``indexed``
    had their rows written beside them (``new_deal_fields``) and are left alone unless they have
    events from ``indexed_events`` on."""
    earlier = select(Event.id).where(Event.id < first_event_id).limit(1)
    if not indexed and connection.scalar(earlier) is None:  # every deal, no lookup
        reindex(connection, None)
        return
    outside = (
        (Event.deal_id < indexed.start)
        | (Event.deal_id >= indexed.stop)
        | (Event.id >= indexed_events)
    )
    written = select(Event.deal_id).where(
        Event.id >= first_event_id, Event.deal_id.is_not(None), outside
    )
    reindex(connection, written)


def index_problems(connection: Connection) -> Iterator[str]:
    """The deals whose index row is missing or says other than their text, and rows of deals
    that are gone (``check``), a range of ids at a time so memory stays flat. Words are compared
    as sorted lists: the order in which a backend aggregates a deal's values may vary, the words
    may not."""
    index = index_table(connection.dialect.name)
    key = index.c.rowid if connection.dialect.name == "sqlite" else index.c.deal_id
    ids = list(connection.scalars(select(Deal.id).order_by(Deal.id)))
    for start in range(0, len(ids), CHECKED_AT_ONCE):
        low, high = ids[start], ids[min(start + CHECKED_AT_ONCE, len(ids)) - 1]
        keys = dict(
            connection.execute(select(Deal.id, Deal.key).where(Deal.id.between(low, high))).all()
        )
        held = select(key, *(index.c[f] for f in FIELDS)).where(key.between(low, high))
        stored = {row[0]: _words(row[1:]) for row in connection.execute(held)}
        for row in connection.execute(
            ledger_texts(select(Deal.id).where(Deal.id.between(low, high)))
        ):
            words = stored.get(row[0])
            if words is None:
                yield f'search: deal "{keys[row[0]]}" is missing from the index'
            elif words != _words(folded_fields(row)):
                yield f'search: deal "{keys[row[0]]}" has a stale index entry'
    orphans = select(key).where(key.not_in(select(Deal.id))).order_by(key)
    for deal_id in connection.scalars(orphans):
        yield f"search: the index holds deal id {deal_id}, which is not in the ledger"
    if connection.dialect.name == "sqlite" and not _index_matches_text(connection):
        yield "search: the index's words do not match the text it indexes"


def _index_matches_text(connection: Connection) -> bool:
    """FTS5's own comparison of its index with the text table (rank 1: with the text too),
    which says a mismatch as SQLite's "malformed" error. It is an INSERT that changes nothing,
    so it needs what a write needs: on a ledger this user may only read, or while another
    command writes (it would not wait its turn, as readers never do), it is left out and only
    the words are compared with the ledger."""
    check = insert(_COMMANDS).values({SEARCH_TABLE: "integrity-check", "rank": 1})
    waits = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
    connection.exec_driver_sql("PRAGMA busy_timeout = 0")
    try:
        with connection.begin_nested():
            connection.execute(check)
    except DatabaseError as error:
        code = getattr(error.orig, "sqlite_errorcode", 0) & 0xFF
        if code == sqlite3.SQLITE_CORRUPT:
            return False
        if code not in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_BUSY):
            raise
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(waits)}")
    return True


def _words(fields: Sequence[str]) -> tuple[list[str], ...]:
    return tuple(sorted(field.split()) for field in fields)
