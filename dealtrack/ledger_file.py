"""An SQLite ledger file as the standard library opens it: the revision this dealtrack reads,
how a connection is made and prepared, and what a busy ledger is.

Kept free of SQLAlchemy: the engine (``dealtrack.db``) makes its connections here, and so does a
light read (``dealtrack.services.light_search``) that must not pay for importing SQLAlchemy, so
both open, prepare and check a ledger the same way.
"""

import os
import sqlite3
from pathlib import Path

from dealtrack.errors import LedgerUnavailable
from dealtrack.location import Location

HEAD_REVISION = "0013_search_text_beside_index"
VERSION_TABLE = "dealtrack_version"
REVISION_QUERY = f"SELECT version_num FROM {VERSION_TABLE}"  # noqa: S608 (a constant name)


def busy_timeout() -> float:
    raw = os.environ.get("DEALTRACK_BUSY_TIMEOUT", "60")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 60.0


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (dealtrack issues ``BEGIN`` itself), prepared."""
    # mode=rw: an existing ledger is never created by accident; new files are made by create_file.
    connection = sqlite3.connect(
        f"file:{path}?mode=rw",
        uri=True,
        timeout=busy_timeout(),
        isolation_level=None,
        check_same_thread=False,
    )
    prepare(connection)
    return connection


def _unicode_lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


def prepare(connection: sqlite3.Connection) -> None:
    """What every connection to a ledger needs before its first statement."""
    connection.execute("PRAGMA foreign_keys = ON")
    # SQLite's lower() folds ASCII only; PostgreSQL's folds every letter. Searches must
    # match alike on both (ÉVIAN for évian), so SQLite gets Python's.
    connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def is_busy(error: BaseException) -> bool:
    """Whether SQLite gave up waiting for another connection's lock."""
    return "locked" in str(error) or "busy" in str(error)


def busy(location: Location) -> LedgerUnavailable:
    return LedgerUnavailable(
        f"ledger busy: {location.display} stayed locked by another writer for "
        f"{busy_timeout():g} s (set DEALTRACK_BUSY_TIMEOUT to wait longer)"
    )
