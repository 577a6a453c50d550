"""Shared fixtures: a real ledger for each test, driven through click's CliRunner.

By default the ledger is an SQLite file in tmp_path. With ``DEALTRACK_TEST_DB_URL`` set (e.g.
``postgresql://postgres@127.0.0.1/test``) every test that asks for a ledger gets a fresh PostgreSQL
schema instead, created before it and dropped (CASCADE) after it, and ``run`` passes that
schema-pinned URL as ``--db``.

Fixtures and markers (see also pyproject's ``markers``):

- ``ledger_db``: the test's ledger (:class:`LedgerUnderTest`): ``.url`` for ``--db``/``DEALTRACK_DB``,
  ``.display`` as dealtrack names it in messages, ``.exists()``, ``.contents()``, ``.sql(...)``.
- ``ledger_url``: just ``ledger_db.url``.
- ``built_ledger``: ``built_ledger(STORY, MORE)`` fills this test's (still empty) ledger with what
  those recording commands leave, and returns ``run``. The commands run once per session, into a
  template ledger; each test gets a copy (see :class:`LedgerTemplates`).
- ``story``: ``built_ledger(STORY)``, the worked example.
- ``new_ledger``: a factory for more fresh ledgers in the same test (an import target, say).
- ``db_path``: the SQLite file itself; tests about files (modes, WAL, raw sqlite3, bytes) use it and
  are skipped on PostgreSQL.
- ``@pytest.mark.sqlite_only(reason)``: skipped on PostgreSQL.
- ``@pytest.mark.slow``: crash, kill, concurrency and property tests. Every hypothesis test gets it
  here (:func:`pytest_collection_modifyitems`); ``python -m pytest -m "not slow"`` is the quick run.
- ``@pytest.mark.postgres``: needs PostgreSQL; skipped with a reason when ``DEALTRACK_TEST_DB_URL``
  is unset or the server is unreachable, unless ``DEALTRACK_REQUIRE_POSTGRES=1`` (CI) makes that a
  failure.
"""

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest
from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack
from dealtrack.location import locate

Invoke = Callable[..., Result]

TEST_DB_URL = os.environ.get("DEALTRACK_TEST_DB_URL", "").strip()
ON_POSTGRES = bool(TEST_DB_URL)
REQUIRE_POSTGRES = os.environ.get("DEALTRACK_REQUIRE_POSTGRES", "") not in ("", "0")
SQLITE_FILES = ("", "-wal", "-shm", "-journal")  # a ledger file and its journals
SQLITE_ONLY = "SQLite only, and this run is on PostgreSQL (DEALTRACK_TEST_DB_URL is set)"

STORY = (
    ("party", "add", "TikTok India", "--kind", "unit", "--parent", "ByteDance", "--country", "IN"),
    ("party", "add", "Glance Digital Experience", "--alias", "Glance", "--parent", "InMobi"),
    (
        "add",
        "TikTok India",
        "--seller",
        "ByteDance",
        "--acquirer",
        "Reliance Jio",
        "--kind",
        "asset-sale",
        "--status",
        "in-negotiation",
        "--value",
        "$3 billion",
        "--basis",
        "reported",
        "--on",
        "2020-08",
    ),
    (
        "status",
        "tiktok-india-reliance-jio",
        "failed",
        "--on",
        "2021-02-13",
        "--reason",
        "did not go through for undisclosed reasons",
        "--source",
        "Bloomberg",
    ),
    (
        "add",
        "TikTok India",
        "--seller",
        "ByteDance",
        "--acquirer",
        "Glance Digital Experience",
        "--backer",
        "SoftBank",
        "--kind",
        "asset-sale",
        "--status",
        "in-negotiation",
        "--on",
        "2021-02-13",
        "--source",
        "Bloomberg",
        "--attribution",
        "anonymous",
        "--note",
        "initial phase of negotiations",
    ),
    (
        "add",
        "Glance Digital Experience",
        "--kind",
        "investment",
        "--acquirer",
        "Google",
        "--acquirer",
        "Mithril Capital",
        "--value",
        "$145 million",
        "--status",
        "completed",
        "--on",
        "2020-12",
    ),
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Property tests (hypothesis) are slow tests, wherever they are written."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch the user's ledger; unexpected exceptions surface as test errors."""
    monkeypatch.delenv("DEALTRACK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DEALTRACK_DEBUG", "1")


# PostgreSQL


def _libpq_url(url: str) -> str:
    """The test server's URL as libpq (psycopg) takes it: no SQLAlchemy driver suffix."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme.lower().startswith("postgres") else url


@cache
def _server_problem() -> str | None:
    """Why the test server cannot be used, or None when it answers (asked once per session)."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install '.[postgres]')"
    try:
        with psycopg.connect(_libpq_url(TEST_DB_URL), connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at DEALTRACK_TEST_DB_URL is unreachable: {' '.join(str(error).split())}"
    return None


def _skip_or_fail(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"{reason} (DEALTRACK_REQUIRE_POSTGRES is set)", pytrace=False)
    pytest.skip(reason)


def _require_server() -> None:
    if not ON_POSTGRES:
        _skip_or_fail("needs PostgreSQL: set DEALTRACK_TEST_DB_URL=postgresql://user@host/db")
    problem = _server_problem()
    if problem:
        _skip_or_fail(problem)


def _schema_url(schema: str) -> str:
    """The test server's URL pinned to one schema with libpq's ``options=-csearch_path=…``."""
    parts = urlsplit(TEST_DB_URL)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def _admin(statement: Any, schema: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_libpq_url(TEST_DB_URL), autocommit=True) as connection:
        connection.execute("SET lock_timeout = '30s'")
        connection.execute(sql.SQL(statement).format(sql.Identifier(schema)))


def _create_schema() -> str:
    schema = f"dealtrack_test_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    _admin("CREATE SCHEMA {}", schema)
    return schema


def _drop_schema(schema: str) -> None:
    _admin("DROP SCHEMA IF EXISTS {} CASCADE", schema)


# The sequences behind serial columns, with the table and column that own them.
_OWNED_SEQUENCES = """
SELECT t.relname, a.attname, s.relname
FROM pg_depend d
JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_namespace n ON n.oid = s.relnamespace
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE n.nspname = :schema AND d.deptype = 'a'
"""


def _copy_schema(source: str, target: str) -> None:
    """Copy a dealtrack ledger between PostgreSQL schemas of the test server.

    The target's tables are made as dealtrack makes a new ledger's (the models' ``create_all`` and
    the version table, in one transaction), the rows copied table by table in the order of their
    references, and each serial sequence set to where the source's stands, so the next id is the
    same as it would be in the source.
    """
    from sqlalchemy import (
        Boolean,
        Integer,
        MetaData,
        column,
        create_engine,
        func,
        inspect,
        select,
        text,
    )
    from sqlalchemy import table as lightweight_table
    from sqlalchemy.pool import NullPool

    from dealtrack.db import VERSION
    from dealtrack.models import Base
    from dealtrack.search_index import SEARCH_TABLE, create_search_table
    from dealtrack.search_rows import FIELDS

    engine = create_engine(locate(_schema_url(target)).url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            Base.metadata.create_all(connection)
            VERSION.create(connection)
            create_search_table(connection)
            tables = [*Base.metadata.sorted_tables, VERSION]
            present = set(inspect(connection).get_table_names(schema=source))
            expected = {t.name for t in tables} | {SEARCH_TABLE}
            assert present == expected, f"{source} holds {sorted(present)}"
            copies = MetaData()
            for table in tables:
                original = table.to_metadata(copies, schema=source)
                connection.execute(table.insert().from_select(list(table.c), select(original)))
            # The document is generated from the text columns.
            names = ("deal_id", *FIELDS)
            found = lightweight_table(SEARCH_TABLE, *(column(n) for n in names), schema=source)
            index = lightweight_table(SEARCH_TABLE, *(column(n) for n in names))
            connection.execute(index.insert().from_select(list(names), select(found)))
            owned = connection.execute(text(_OWNED_SEQUENCES), {"schema": source}).all()
            for table_name, column_name, sequence in owned:
                state = select(column("last_value", Integer), column("is_called", Boolean))
                last, called = connection.execute(
                    state.select_from(lightweight_table(sequence, schema=source))
                ).one()
                serial = func.pg_get_serial_sequence(f'"{target}"."{table_name}"', column_name)
                connection.execute(select(func.setval(serial, last, called)))
    finally:
        engine.dispose()


# The ledger under test


def raw_sql(path: Path, *statements: str) -> None:
    """Run fixed SQL statements on an SQLite file with the sqlite3 module alone, bypassing dealtrack."""
    with closing(sqlite3.connect(path)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()


@dataclass
class LedgerUnderTest:
    """One test ledger: an SQLite file (``path``) or a PostgreSQL schema (``schema``)."""

    url: str
    path: Path | None = None
    schema: str | None = None
    _engine: Any = field(default=None, repr=False)

    @property
    def display(self) -> str:
        """The ledger as dealtrack names it in messages (a URL's password masked)."""
        return locate(self.url).display

    def __str__(self) -> str:
        return self.url

    def _connect(self) -> Any:
        from sqlalchemy import create_engine, func, select
        from sqlalchemy.pool import NullPool

        if self._engine is None:
            self._engine = create_engine(locate(self.url).url, poolclass=NullPool)
        connection = self._engine.connect()
        connection.execute(select(func.set_config("search_path", self.schema, False)))
        connection.commit()
        return connection

    def exists(self) -> bool:
        """Whether dealtrack left a ledger here: the file (or a journal of it), or any table."""
        if self.path is not None:
            return any(Path(f"{self.path}{side}").exists() for side in SQLITE_FILES)
        from sqlalchemy import inspect

        with self._connect() as connection:
            return bool(inspect(connection).get_table_names(schema=self.schema))

    def contents(self) -> object:
        """A snapshot to compare for "nothing changed": the file's bytes, or every table's rows."""
        if self.path is not None:
            return self.path.read_bytes() if self.path.exists() else None
        from sqlalchemy import MetaData, select

        metadata = MetaData()
        with self._connect() as connection:
            metadata.reflect(connection, schema=self.schema)
            return {
                table.name: connection.execute(select(table).order_by(*table.c)).all()
                for table in sorted(metadata.tables.values(), key=lambda t: t.name)
            }

    def sql(self, *statements: str) -> None:
        """Run fixed SQL statements against the ledger, bypassing dealtrack (to corrupt it)."""
        if self.path is not None:
            raw_sql(self.path, *statements)
            return
        from sqlalchemy import text

        with self._connect() as connection, connection.begin():
            for statement in statements:
                connection.execute(text(statement))

    def downgrade(self, revision: str) -> None:
        """Take the schema back to an earlier revision with Alembic, to test upgrading from it."""
        from alembic import command
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        from dealtrack.migrate import alembic_config

        if self.path is None:
            connection = self._connect()
        else:
            connection = create_engine(f"sqlite:///{self.path}", poolclass=NullPool).connect()
        with connection, connection.begin():
            command.downgrade(alembic_config(connection), revision)

    def revision(self) -> str:
        """The schema revision recorded in the ledger."""
        if self.path is not None:
            with closing(sqlite3.connect(self.path)) as connection:
                return str(
                    connection.execute("SELECT version_num FROM dealtrack_version").fetchone()[0]
                )
        from sqlalchemy import text

        with self._connect() as connection:
            return str(
                connection.execute(text("SELECT version_num FROM dealtrack_version")).scalar()
            )

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


NewLedger = Callable[[str], LedgerUnderTest]


@pytest.fixture
def new_ledger(tmp_path: Path) -> Iterator[NewLedger]:
    """Make fresh, empty ledgers: ``new_ledger("copy.db")`` is tmp_path/copy.db on SQLite and a
    new schema (dropped after the test) on PostgreSQL, where the name is only a label."""
    made: list[LedgerUnderTest] = []

    def make(name: str) -> LedgerUnderTest:
        if not ON_POSTGRES:
            ledger = LedgerUnderTest(url=str(tmp_path / name), path=tmp_path / name)
        else:
            _require_server()
            schema = _create_schema()
            ledger = LedgerUnderTest(url=_schema_url(schema), schema=schema)
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        ledger.close()
        if ledger.schema is not None:
            _drop_schema(ledger.schema)


@pytest.fixture
def ledger_db(new_ledger: NewLedger) -> LedgerUnderTest:
    """This test's ledger (not created yet: the first recording command or import creates it)."""
    return new_ledger("ledger.db")


@pytest.fixture
def ledger_url(ledger_db: LedgerUnderTest) -> str:
    """The address of this test's ledger, for ``--db`` or ``DEALTRACK_DB``."""
    return ledger_db.url


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The test's SQLite ledger file; a test that needs it is about files, so skips on PostgreSQL."""
    if ON_POSTGRES:
        pytest.skip(f"works on the ledger file itself: {SQLITE_ONLY}")
    return tmp_path / "ledger.db"


@pytest.fixture(autouse=True)
def _backend_markers(request: pytest.FixtureRequest) -> None:
    sqlite_only = request.node.get_closest_marker("sqlite_only")
    if sqlite_only is not None and ON_POSTGRES:
        why = sqlite_only.args[0] if sqlite_only.args else sqlite_only.kwargs.get("reason")
        pytest.skip(f"{why}: {SQLITE_ONLY}" if why else SQLITE_ONLY)
    if request.node.get_closest_marker("postgres") is not None:
        _require_server()


Commands = Sequence[tuple[str, ...]]


class LedgerTemplates:
    """Ledgers built once per session by recording commands, copied into the tests that need them.

    Many tests start from the same ledger (the worked example, say); replaying its commands for
    each of them cost most of their time. On SQLite a copy is the template's file, made 0600 like
    any new ledger (the template is closed first, so it has no journal to lose). On PostgreSQL the
    template is a schema of its own and :func:`_copy_schema` copies its rows into the test's schema.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._built: dict[tuple[tuple[str, ...], ...], LedgerUnderTest] = {}

    def _template(self, commands: tuple[tuple[str, ...], ...]) -> LedgerUnderTest:
        if commands in self._built:
            return self._built[commands]
        if ON_POSTGRES:
            _require_server()
            schema = _create_schema()
            template = LedgerUnderTest(url=_schema_url(schema), schema=schema)
        else:
            path = self._root / f"template-{len(self._built)}.db"
            template = LedgerUnderTest(url=str(path), path=path)
        self._built[commands] = template
        environment = {"DEALTRACK_DB": None, "DEALTRACK_DEBUG": "1"}
        environment["XDG_DATA_HOME"] = str(self._root / "xdg")
        for args in commands:
            result = CliRunner(catch_exceptions=False).invoke(
                dealtrack, ["--db", template.url, *args], env=environment
            )
            assert result.exit_code == 0, (args, result.output)
        if template.path is not None:
            leftovers = [
                side for side in SQLITE_FILES[1:] if Path(f"{template.path}{side}").exists()
            ]
            assert not leftovers, f"the template {template.path} is still open: {leftovers}"
        return template

    def copy(self, commands: Commands, ledger: LedgerUnderTest) -> None:
        """Fill ``ledger``, which must not exist yet, as ``commands`` would."""
        template = self._template(tuple(commands))
        if template.path is not None and ledger.path is not None:
            ledger.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(ledger.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with open(fd, "wb") as copy, template.path.open("rb") as original:
                shutil.copyfileobj(original, copy)
        else:
            assert template.schema is not None and ledger.schema is not None
            _copy_schema(template.schema, ledger.schema)

    def drop(self) -> None:
        for template in self._built.values():
            if template.schema is not None:
                _drop_schema(template.schema)


@pytest.fixture(scope="session")
def ledger_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerTemplates]:
    templates = LedgerTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.drop()


BuiltLedger = Callable[..., "Invoke"]


@pytest.fixture
def built_ledger(
    ledger_templates: LedgerTemplates, ledger_db: LedgerUnderTest, run: "Invoke"
) -> BuiltLedger:
    """``built_ledger(STORY, MARKET)``: this test's ledger as those commands leave it, and ``run``.

    A copy of a template built once per session: the same rows, ids and recorded times in every
    test that asks for the same commands.
    """

    def build(*parts: Commands) -> Invoke:
        ledger_templates.copy([args for part in parts for args in part], ledger_db)
        return run

    return build


@pytest.fixture
def run(ledger_url: str) -> Invoke:
    """Run ``dealtrack --db LEDGER ARGS…`` in-process; stdout and stderr are kept apart."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner(catch_exceptions=False).invoke(
            dealtrack, ["--db", ledger_url, *args], input=input
        )

    return invoke


@pytest.fixture
def story(built_ledger: BuiltLedger) -> Invoke:
    """A ledger holding the worked example (the TikTok India story of the README)."""
    return built_ledger(STORY)
