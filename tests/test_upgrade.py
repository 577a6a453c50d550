"""Upgrading a ledger from each earlier revision keeps every party, deal and event (issue 4).

The story ledger is recorded at head, taken back to the earlier revision with Alembic, then
upgraded by dealtrack: ``db upgrade`` on either backend, or any command on SQLite (which first
backs the file up).
"""

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from dealtrack.db import HEAD_REVISION
from dealtrack.migrate import KNOWN_REVISIONS
from tests.conftest import Invoke, LedgerUnderTest

EARLIER = KNOWN_REVISIONS[:-1]


def assert_sqlite_references_hold(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("revision", EARLIER)
def test_db_upgrade_from_an_earlier_revision_keeps_every_row(
    story: Invoke, ledger_db: LedgerUnderTest, revision: str
) -> None:
    before = story("export", "-f", "json").stdout
    counts = story("db", "status").stdout
    ledger_db.downgrade(revision)
    assert ledger_db.revision() == revision

    upgraded = story("db", "upgrade")
    assert (upgraded.exit_code, upgraded.stdout) == (0, "")
    notice = f"Upgraded the ledger from revision {revision} to {HEAD_REVISION}"
    if ledger_db.path is not None:
        notice += f"; a backup at revision {revision} is in {ledger_db.path}.bak-{revision}"
    assert upgraded.stderr == notice + "\n"
    again = story("db", "upgrade")
    assert again.stderr == f"Ledger is at revision {HEAD_REVISION}\n"
    assert ledger_db.revision() == HEAD_REVISION
    assert story("export", "-f", "json").stdout == before
    assert story("db", "status").stdout == counts
    checked = story("check")
    assert (checked.exit_code, checked.output) == (0, "")
    if ledger_db.path is not None:
        assert_sqlite_references_hold(ledger_db.path)


@pytest.mark.sqlite_only("backs up and upgrades a ledger file on first use")
@pytest.mark.parametrize("revision", EARLIER)
def test_first_command_on_an_older_ledger_file_backs_it_up_then_upgrades_it(
    story: Invoke, ledger_db: LedgerUnderTest, revision: str
) -> None:
    assert ledger_db.path is not None
    listed = story("list", "-f", "json").stdout
    ledger_db.downgrade(revision)

    again = story("list", "-f", "json")
    backup = Path(f"{ledger_db.path}.bak-{revision}")
    assert (again.exit_code, again.stdout) == (0, listed)
    assert again.stderr == (
        f"Upgraded the ledger from revision {revision} to {HEAD_REVISION}; "
        f"a backup at revision {revision} is in {backup}\n"
    )
    assert story("list", "-f", "json").stderr == ""
    assert ledger_db.revision() == HEAD_REVISION
    assert_sqlite_references_hold(ledger_db.path)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with closing(sqlite3.connect(backup)) as connection:
        assert connection.execute("SELECT version_num FROM dealtrack_version").fetchall() == [
            (revision,)
        ]
        assert connection.execute("SELECT count(*) FROM event").fetchone() == (14,)
