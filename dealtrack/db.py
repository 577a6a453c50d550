"""Opening a ledger: engine, pragmas, transactions, locks and the revision check.

SQLite's driver is put in autocommit mode and dealtrack issues ``BEGIN`` itself (SQLAlchemy's
documented pysqlite recipe): write transactions begin ``IMMEDIATE`` so concurrent writers queue on
the busy timeout instead of failing at their first write, and DDL becomes transactional. On
PostgreSQL every write transaction takes one advisory lock, so writers serialize the same way and the
cached deal state can never go stale.
"""

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from dealtrack.errors import LedgerUnavailable

# HEAD_REVISION, VERSION_TABLE and busy_timeout are imported from here by the migrations, the
# upgrade and the tests; they live in ledger_file, which a light read imports without SQLAlchemy.
from dealtrack.ledger_file import HEAD_REVISION as HEAD_REVISION
from dealtrack.ledger_file import REVISION_QUERY, busy, connect, is_busy
from dealtrack.ledger_file import VERSION_TABLE as VERSION_TABLE
from dealtrack.ledger_file import busy_timeout as busy_timeout
from dealtrack.location import Location, mask_password
from dealtrack.models import Base, add_postgresql_options
from dealtrack.search_index import create_search_table

WRITE_LOCK_KEY = 0x6465616C  # "deal": the one advisory lock all PostgreSQL writers share
_WRITE = "dealtrack_write"
# A bulk write that checks its references once, before commit, instead of row by row (SQLite).
_REFERENCES_AT_END = "dealtrack_references_at_end"
# Alembic's own version table, under dealtrack's name and with Alembic's constraint name, so a
# ledger created here and one created by migrations are alike; read without importing Alembic.
VERSION = Table(
    VERSION_TABLE,
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
)


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", creator=lambda: connect(path))

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        write = options.get(_WRITE, False)
        if write and options.get(_REFERENCES_AT_END, False):
            # Only possible outside a transaction; check_references runs the check instead.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys = ON")  # after a bulk write turned it off

    return engine


def _enable_wal(engine: Engine) -> None:
    """WAL is a property of the file, set once when it is created; it cannot change in a transaction."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA journal_mode=WAL")  # type: ignore[union-attr]
    finally:
        raw.close()


def create_file(path: Path, with_directory: bool = False) -> None:
    """Create an empty ledger file 0600 atomically (O_EXCL), and its missing directories 0700
    when ``with_directory``."""
    missing = [parent for parent in path.parents if not parent.exists()] if with_directory else []
    # Each one 0700: Path.mkdir(parents=True) would give the intermediate ones the default mode.
    for directory in reversed(missing):
        with suppress(FileExistsError):
            directory.mkdir(mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _create_schema(session: Session) -> None:
    """Create the schema at head, unless a concurrent first writer got there first."""
    connection = session.connection()
    Base.metadata.create_all(connection, checkfirst=True)
    VERSION.create(connection, checkfirst=True)
    if connection.execute(select(VERSION.c.version_num)).first() is None:
        create_search_table(connection)
        connection.execute(VERSION.insert().values(version_num=HEAD_REVISION))


def ledger_busy(error: DBAPIError) -> bool:
    return is_busy(error.orig) if error.orig is not None else False


def read_only(error: DBAPIError) -> bool:
    return "readonly database" in str(error.orig)


def ledger_moved(error: DBAPIError) -> bool:
    """SQLite refuses to write a file that was unlinked while it was open."""
    return getattr(error.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_READONLY_DBMOVED


@dataclass
class Ledger:
    """An open ledger: one engine per process, with sessions for reads and for writes."""

    location: Location
    engine: Engine
    created_file: bool = False
    needs_schema: bool = False
    upgraded_from: str | None = None  # the revision this command upgraded the ledger from

    def upgrade_notice(self) -> str | None:
        """What to tell the user when opening the ledger upgraded it (and where the backup is)."""
        if self.upgraded_from is None:
            return None
        notice = f"Upgraded the ledger from revision {self.upgraded_from} to {HEAD_REVISION}"
        if self.location.path is None:
            return notice
        # An earlier, interrupted upgrade may have left the backup: it is kept, never replaced.
        backup = f"{self.location.path}.bak-{self.upgraded_from}"
        return f"{notice}; a backup at revision {self.upgraded_from} is in {backup}"

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self, write: bool, references_at_end: bool = False) -> Iterator[Session]:
        """One transaction; a write one takes the ledger's write lock first.

        ``references_at_end``: on SQLite, foreign keys are not checked row by row; the writer
        must call ``check_references`` before the transaction commits.
        """
        options = {_WRITE: True, _REFERENCES_AT_END: references_at_end}
        bind = self.engine.execution_options(**options) if write else self.engine
        try:
            with Session(bind=bind, expire_on_commit=False) as session, session.begin():
                if write and not self.is_sqlite:
                    session.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))
                if write and self.needs_schema:
                    _create_schema(session)
                yield session
            if write and self.needs_schema:
                self._schema_created()
        except OperationalError as error:
            if ledger_busy(error):
                raise busy(self.location) from None
            if ledger_moved(error):
                raise LedgerUnavailable(
                    f"the new ledger at {self.location.display} was removed while this command "
                    "waited for it (a concurrent command that failed to create it cleaned up); "
                    "nothing was changed; run the command again"
                ) from None
            if read_only(error):
                raise LedgerUnavailable(
                    f"cannot write to the ledger at {self.location.display}: it is read-only for "
                    "you; ask for write access or work on a copy"
                ) from None
            raise

    def _schema_created(self) -> None:
        """Switch a new ledger to WAL once its schema is committed.

        Not before: a command that fails must leave an existing empty file as it found it. WAL
        only speeds readers up, so a ledger that stays locked meanwhile keeps its journal mode.
        """
        self.needs_schema = False
        if self.is_sqlite:
            with suppress(DBAPIError, sqlite3.Error):
                _enable_wal(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def discard_if_empty(self) -> None:
        """Close the ledger, and remove a file this process created if it still has no table.

        Called when a command fails; closing also lets SQLite remove the ``-wal``/``-shm`` files.
        """
        if not (self.created_file and self.location.path is not None):
            self.close()
            return
        try:
            with self.engine.connect() as connection:
                tables = connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        except DBAPIError:
            tables = 0
        self.close()
        if tables == 0:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with suppress(FileNotFoundError):
                    os.unlink(f"{self.location.path}{suffix}")


def _probe(engine: Engine, location: Location) -> str | None:
    """The ledger's revision, read with one query before anything writes; None when empty."""
    try:
        with engine.connect() as connection:
            try:
                return connection.exec_driver_sql(REVISION_QUERY).scalar()
            except DBAPIError as error:
                connection.rollback()
                if ledger_busy(error):
                    raise
                from sqlalchemy import inspect

                if inspect(connection).get_table_names():
                    # A concurrent first writer may have committed the schema (version table
                    # included, in one transaction) between the two queries: read it again.
                    revision = _revision_if_any(connection)
                    if revision is not None:
                        return revision
                    raise LedgerUnavailable(
                        f"{location.display} is not a dealtrack ledger (it has tables but no "
                        f"{VERSION_TABLE}); refusing to touch it"
                    ) from None
                return None
    except LedgerUnavailable:
        raise
    except DBAPIError as error:
        raise LedgerUnavailable(_unreadable(location, error)) from None


def _revision_if_any(connection: Connection) -> str | None:
    try:
        return connection.exec_driver_sql(REVISION_QUERY).scalar()
    except DBAPIError:
        connection.rollback()
        return None


def _unreadable(location: Location, error: DBAPIError) -> str:
    reason = str(error.orig).splitlines()[0] if error.orig else "cannot open it"
    if "not a database" in reason:
        return f"{location.display} is not a dealtrack ledger (not an SQLite database); refusing to touch it"
    path = location.path
    if path is not None and not os.access(path, os.R_OK):
        return f"cannot open the ledger at {location.display}: Permission denied"
    if path is not None and "readonly database" in reason:
        # Even a reader of a WAL ledger must create PATH-shm (and -wal) beside it.
        return (
            f"cannot open the ledger at {location.display}: it is read-only for you and so is its "
            f"folder, where reading it needs to create {path.name}-shm; ask for write access to "
            "the folder or work on a copy"
        )
    return f"cannot open the ledger at {location.display}: {mask_password(reason)}"


def _engine(location: Location) -> Engine:
    if location.path is not None:
        return _sqlite_engine(location.path)
    add_postgresql_options()
    # psycopg logs, as a warning, an error it meets while cleaning up after one it has already
    # raised (an import's refused batch ends its pipeline); dealtrack reports the first itself,
    # and Python's last-resort handler would print the second on stderr beside that report.
    psycopg_log = logging.getLogger("psycopg")
    if not psycopg_log.handlers:
        psycopg_log.addHandler(logging.NullHandler())
    try:
        return create_engine(location.url, pool_pre_ping=False)
    except Exception as error:  # a bad URL or a missing driver: both are the user's to fix
        if isinstance(error, ModuleNotFoundError) and error.name == "psycopg":
            raise LedgerUnavailable(
                f"a PostgreSQL ledger ({location.display}) needs psycopg; install it with "
                "pip install 'dealtrack[postgres]'"
            ) from None
        raise LedgerUnavailable(
            f"cannot use ledger URL {location.display}: {mask_password(str(error))}"
        ) from None


def _file_exists(location: Location) -> bool:
    """Whether the ledger file exists; a folder the user cannot search is a clear error."""
    assert location.path is not None
    try:
        return location.path.exists()
    except OSError as error:
        raise LedgerUnavailable(
            f"cannot open the ledger at {location.display}: {error.strerror}"
        ) from None


def no_ledger(location: Location) -> LedgerUnavailable:
    return LedgerUnavailable(f"no ledger at {location.display} (record a deal or import one)")


def open_ledger(location: Location, write: bool, upgrade: bool = False) -> Ledger:
    """Open the ledger for one command, creating it only for a recording command.

    A file is created 0600 with O_EXCL before SQLite sees it; its schema is created inside the
    command's own write transaction, so a command that fails leaves no ledger behind. An older
    SQLite ledger is backed up and upgraded on the way; a server one only when ``upgrade`` (the
    ``db upgrade`` command) asks.
    """
    created = False
    if location.path is not None and not _file_exists(location):
        if not write:
            raise no_ledger(location)
        if not location.default and not location.path.parent.is_dir():
            raise LedgerUnavailable(
                f"no directory {location.path.parent} for the ledger {location.path}; create it, "
                "or give --db a file in a directory that exists"
            )
        try:
            create_file(location.path, with_directory=location.default)
            created = True
        except FileExistsError:
            pass
        except OSError as error:
            raise LedgerUnavailable(
                f"cannot create the ledger at {location.display}: {error.strerror}"
            ) from None
    engine = _engine(location)
    ledger = Ledger(location, engine, created_file=created)
    try:
        revision = _probe(engine, location)
        if revision is None:
            if not write:
                raise no_ledger(location)
            ledger.needs_schema = True
        elif revision != HEAD_REVISION:
            from dealtrack.migrate import bring_to_head

            bring_to_head(ledger, revision, upgrade)
            ledger.upgraded_from = revision
    except BaseException:
        ledger.discard_if_empty()
        raise
    return ledger


def scratch_ledger(location: Location) -> Ledger:
    """An empty in-memory ledger for a dry run against a ledger that does not exist yet."""
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite://", poolclass=StaticPool)
    return Ledger(location, engine, needs_schema=True)


def open_for_dry_run(location: Location) -> Ledger:
    """The ledger as it is, opened without creating anything (a scratch one if there is none)."""
    try:
        return open_ledger(location, write=False)
    except LedgerUnavailable as error:
        if error.message != no_ledger(location).message:
            raise
        return scratch_ledger(location)
