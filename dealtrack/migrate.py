"""Schema upgrades with Alembic, and online backups.

Alembic is imported only here, only when a ledger actually needs migrating: opening a ledger at head
costs one query. The Config is built in code, so no ``alembic.ini`` is needed at run time.
"""

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, select

if TYPE_CHECKING:
    from alembic.config import Config

from dealtrack.db import HEAD_REVISION, WRITE_LOCK_KEY, Ledger, busy_timeout, create_file
from dealtrack.errors import LedgerUnavailable

KNOWN_REVISIONS = (
    "0001_initial",
    "0002_deal_status_value_index",
    "0003_deal_status_index_again",
    "0004_keys_in_code_point_order",
    "0005_roster_in_created_event",
    "0006_updated_ignores_corrections",
    "0007_links",
    "0008_party_events",
    "0009_fx_rates",
    "0010_search",
    "0011_fx_report_indexes",
    "0012_deal_value_index_by_date",
    "0013_search_text_beside_index",
)


def migrations_dir() -> Path:
    """The wheel ships migrations inside the package; an editable install uses the source tree's."""
    packaged = Path(__file__).parent / "migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "migrations"


def alembic_config(connection: Connection | None = None) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def upgrade_to_head(ledger: Ledger) -> None:
    """Run every pending migration in one transaction under the write lock.

    SQLite foreign keys go off first (batch mode copies tables, and a copy would cascade-delete
    child rows); ``PRAGMA foreign_key_check`` must come back empty before commit.
    """
    from alembic import command

    with ledger.engine.connect() as connection:
        if ledger.is_sqlite:
            _foreign_keys(connection, "OFF")
        try:
            with connection.execution_options(dealtrack_write=True).begin():
                if not ledger.is_sqlite:
                    connection.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))
                command.upgrade(alembic_config(connection), "head")
                if ledger.is_sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise LedgerUnavailable(
                            f"upgrade of {ledger.location.display} would break {len(broken)} "
                            "references; nothing was changed"
                        )
        finally:
            if ledger.is_sqlite:
                _foreign_keys(connection, "ON")


def _foreign_keys(connection: Connection, state: str) -> None:
    """Set SQLite foreign keys on the driver connection, outside any transaction.

    SQLite ignores this pragma inside a transaction, and going through SQLAlchemy would autobegin
    one (which would also make the migration's own ``begin()`` fail).
    """
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys = {state}")  # state is ON or OFF, never user input


def bring_to_head(ledger: Ledger, revision: str, server_upgrade: bool) -> None:
    """Upgrade an older ledger (SQLite: after a backup); refuse a newer or unknown one untouched."""
    location = ledger.location.display
    if revision not in KNOWN_REVISIONS:
        raise LedgerUnavailable(
            f"the ledger at {location} is at revision {revision}, newer than this dealtrack "
            f"({HEAD_REVISION}); upgrade dealtrack to use it"
        )
    if ledger.location.path is None:
        if not server_upgrade:
            raise LedgerUnavailable(
                f"the ledger at {location} is at revision {revision}; run dealtrack db upgrade"
            )
    else:
        backup(ledger, Path(f"{ledger.location.path}.bak-{revision}"), keep_existing=True)
    upgrade_to_head(ledger)


def backup(ledger: Ledger, destination: Path, keep_existing: bool = False) -> bool:
    """Copy a SQLite ledger online with the backup API into a new 0600 file.

    The copy is written to a hidden file beside ``destination`` and linked into place only when
    complete, so a backup killed halfway never leaves a partial file under the name asked for.
    Returns False when ``keep_existing`` and the destination already exists (an earlier backup of
    the same revision is never overwritten).
    """
    if ledger.location.path is None:
        raise LedgerUnavailable(
            "db backup works on SQLite ledgers; back up a server with its own tools"
        )
    if destination.exists() or destination.is_symlink():
        return _taken(destination, keep_existing)
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        create_file(partial, with_directory=True)
    except OSError as error:
        raise LedgerUnavailable(f"cannot create {destination}: {error.strerror}") from None
    try:
        _copy(ledger, partial)
        try:
            os.link(partial, destination)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            return _taken(destination, keep_existing)
        except OSError as error:
            raise LedgerUnavailable(f"cannot create {destination}: {error.strerror}") from None
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return True


def _taken(destination: Path, keep_existing: bool) -> bool:
    if keep_existing:
        return False
    raise LedgerUnavailable(f"{destination} already exists; choose a new file")


def _copy(ledger: Ledger, destination: Path) -> None:
    source = sqlite3.connect(
        f"file:{ledger.location.path}?mode=ro", uri=True, timeout=busy_timeout()
    )
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    except sqlite3.Error as error:
        raise LedgerUnavailable(f"backup of {ledger.location.display} failed: {error}") from None
    finally:
        source.close()
        target.close()
