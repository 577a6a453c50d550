"""Opening, creating and refusing ledgers; db path/status/backup; check; the busy timeout.

Tests about the ledger file work on a real SQLite file in tmp_path and look at it with the sqlite3
module (skipped on PostgreSQL); the others run on whichever backend the suite runs on.
"""

import json
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack
from dealtrack.db import HEAD_REVISION
from tests.conftest import Invoke, LedgerUnderTest, raw_sql

READING_COMMANDS = (
    ("list",),
    ("show", "tiktok-india-reliance-jio"),
    ("history",),
    ("party", "list"),
    ("party", "show", "ByteDance"),
    ("report",),
    ("check",),
    ("db", "status"),
)
SIDE_FILES = ("-wal", "-shm", "-journal")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def files_beside(path: Path) -> list[str]:
    """The ledger file and any journal files SQLite left next to it."""
    return sorted(p.name for p in path.parent.glob(f"{path.name}*"))


def invoke(*args: str) -> Result:
    """Run dealtrack without ``--db``, so the environment decides where the ledger is."""
    return CliRunner(catch_exceptions=False).invoke(dealtrack, list(args))


def no_ledger(where: Path | str) -> str:
    return f"Error: no ledger at {where} (record a deal or import one)\n"


# Creating a ledger


@pytest.mark.sqlite_only("file modes and WAL")
def test_new_default_ledger_is_0600_in_a_0700_data_directory_and_uses_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEALTRACK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new" / "data"))
    path = tmp_path / "new" / "data" / "dealtrack" / "dealtrack.db"
    result = CliRunner().invoke(dealtrack, ["add", "TikTok India"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "tiktok-india\n"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()


def test_recording_command_never_changes_the_mode_of_a_file_it_did_not_create(
    run: Invoke, db_path: Path
) -> None:
    db_path.touch(mode=0o640)
    db_path.chmod(0o640)
    assert run("add", "TikTok India").exit_code == 0
    assert mode(db_path) == 0o640


@pytest.mark.parametrize("args", READING_COMMANDS, ids=" ".join)
def test_reading_command_on_a_missing_ledger_says_so_and_creates_nothing(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == no_ledger(ledger_db.display)
    assert not ledger_db.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.sqlite_only("directories of ledger files")
@pytest.mark.parametrize("given_by", ["--db", "DEALTRACK_DB"])
def test_a_recording_command_never_creates_the_directory_of_a_path_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given_by: str
) -> None:
    path = tmp_path / "absent" / "ledger.db"
    args = ["add", "TikTok India"]
    if given_by == "--db":
        args = ["--db", str(path), *args]
    else:
        monkeypatch.setenv("DEALTRACK_DB", str(path))
    result = CliRunner().invoke(dealtrack, args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: no directory {path.parent} for the ledger {path}; create it, or give --db a "
        "file in a directory that exists\n"
    )
    assert not path.parent.exists()


@pytest.mark.sqlite_only("directories of ledger files")
def test_reading_command_on_a_missing_directory_creates_no_directory(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "ledger.db"
    result = CliRunner().invoke(dealtrack, ["--db", str(path), "list"])
    assert result.exit_code == 1
    assert result.stderr == no_ledger(path)
    assert not path.parent.exists()


def test_failed_recording_command_on_a_missing_ledger_leaves_no_file(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    result = run("status", "nope", "failed")
    assert result.exit_code == 1
    assert result.stderr == 'Error: no deal "nope" (see dealtrack list)\n'
    assert not ledger_db.exists()


def test_failed_add_after_creating_the_schema_leaves_no_file(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    result = run("add", "Nobody", "--no-create")
    assert result.exit_code == 1
    assert result.stderr == 'Error: no party named "Nobody" (drop --no-create to create it)\n'
    assert not ledger_db.exists()


def test_empty_file_gets_the_schema_from_a_recording_command(run: Invoke, db_path: Path) -> None:
    db_path.touch()
    assert run("list").stderr == no_ledger(db_path)
    assert db_path.read_bytes() == b""
    result = run("add", "TikTok India")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "tiktok-india\n"
    assert run("db", "status").stdout == (
        f"ledger: {db_path}\nrevision: {HEAD_REVISION}\nparties: 1\ndeals: 1\nevents: 1\n"
    )


def test_tableless_sqlite_file_gets_the_schema_from_a_recording_command(
    run: Invoke, db_path: Path
) -> None:
    raw_sql(db_path, "PRAGMA user_version = 7")
    assert run("list").stderr == no_ledger(db_path)
    assert run("add", "TikTok India").exit_code == 0
    assert run("list", "-f", "csv", "--fields", "key").stdout == "key\ntiktok-india\n"


def test_failed_recording_command_leaves_an_empty_file_as_it_was(
    run: Invoke, db_path: Path
) -> None:
    db_path.touch()
    result = run("status", "nope", "failed")
    assert result.exit_code == 1
    assert result.stderr == 'Error: no deal "nope" (see dealtrack list)\n'
    assert db_path.read_bytes() == b""
    assert files_beside(db_path) == ["ledger.db"]


# Refusing files that are not dealtrack ledgers


@pytest.mark.parametrize("args", [("list",), ("add", "TikTok India")], ids=" ".join)
def test_file_that_is_not_sqlite_is_refused_untouched(
    run: Invoke, db_path: Path, args: tuple[str, ...]
) -> None:
    garbage = bytes(range(256)) * 64
    db_path.write_bytes(garbage)
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {db_path} is not a dealtrack ledger (not an SQLite database); "
        "refusing to touch it\n"
    )
    assert db_path.read_bytes() == garbage
    assert files_beside(db_path) == ["ledger.db"]


@pytest.mark.parametrize("args", [("list",), ("add", "TikTok India")], ids=" ".join)
def test_database_with_foreign_tables_is_refused_untouched(
    run: Invoke, ledger_db: LedgerUnderTest, args: tuple[str, ...]
) -> None:
    ledger_db.sql(
        "CREATE TABLE invoice (id INTEGER PRIMARY KEY, total TEXT)",
        "INSERT INTO invoice (id, total) VALUES (1, '12.50')",
    )
    before = ledger_db.contents()
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {ledger_db.display} is not a dealtrack ledger (it has tables but no "
        "dealtrack_version); refusing to touch it\n"
    )
    assert ledger_db.contents() == before
    if ledger_db.path is not None:
        assert files_beside(ledger_db.path) == ["ledger.db"]


@pytest.mark.parametrize("args", [("list",), ("db", "status"), ("note", "1", "x")], ids=" ".join)
def test_ledger_at_a_newer_revision_is_refused_untouched(
    story: Invoke, ledger_db: LedgerUnderTest, args: tuple[str, ...]
) -> None:
    ledger_db.sql("UPDATE dealtrack_version SET version_num = '0099_future'")
    before = ledger_db.contents()
    result = story(*args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the ledger at {ledger_db.display} is at revision 0099_future, newer than this "
        f"dealtrack ({HEAD_REVISION}); upgrade dealtrack to use it\n"
    )
    assert ledger_db.contents() == before
    if ledger_db.path is not None:
        assert files_beside(ledger_db.path) == ["ledger.db"]


# Where the ledger is


def test_db_path_prints_the_given_ledger_and_creates_nothing(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    result = run("db", "path")
    assert result.exit_code == 0
    assert result.stdout == f"{ledger_db.display}\n"
    assert not ledger_db.exists()


@pytest.mark.sqlite_only("ledger file locations")
def test_db_path_makes_a_relative_path_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("--db", "team.db", "db", "path").stdout == f"{tmp_path / 'team.db'}\n"


@pytest.mark.sqlite_only("ledger file locations")
def test_db_path_accepts_a_sqlite_url(tmp_path: Path) -> None:
    result = invoke("--db", f"sqlite:///{tmp_path}/team.db", "db", "path")
    assert result.stdout == f"{tmp_path / 'team.db'}\n"


def test_db_path_masks_a_url_password() -> None:
    result = invoke("--db", "postgresql://user:secret@host/db", "db", "path")
    assert result.exit_code == 0
    assert result.stdout == "postgresql+psycopg://user:***@host/db\n"
    assert "secret" not in result.output


def test_unreachable_server_error_never_shows_the_password() -> None:
    result = invoke("--db", "postgresql://user:secret@127.0.0.1:1/deals", "list")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert "user:***@127.0.0.1:1/deals" in result.stderr
    assert "secret" not in result.output


def test_dealtrack_db_variable_names_the_ledger(
    ledger_db: LedgerUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEALTRACK_DB", ledger_db.url)
    assert invoke("db", "path").stdout == f"{ledger_db.display}\n"
    assert invoke("add", "TikTok India").exit_code == 0
    assert ledger_db.exists()
    assert invoke("--db", str(tmp_path / "flag.db"), "db", "path").stdout == (
        f"{tmp_path / 'flag.db'}\n"
    )


@pytest.mark.sqlite_only("ledger file locations")
def test_default_ledger_lives_in_the_xdg_data_home(tmp_path: Path) -> None:
    path = tmp_path / "xdg" / "dealtrack" / "dealtrack.db"
    assert invoke("db", "path").stdout == f"{path}\n"
    assert invoke("list").stderr == no_ledger(path)
    assert not (tmp_path / "xdg").exists()
    assert invoke("add", "TikTok India").exit_code == 0
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


@pytest.mark.sqlite_only("ledger file locations")
def test_default_ledger_without_xdg_data_home_is_under_local_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    path = tmp_path / ".local" / "share" / "dealtrack" / "dealtrack.db"
    assert invoke("db", "path").stdout == f"{path}\n"


# db status and db backup


def test_db_status_prints_location_revision_and_counts(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    result = story("db", "status")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        f"ledger: {ledger_db.display}\nrevision: {HEAD_REVISION}\nparties: 8\ndeals: 3\nevents: 4\n"
    )


@pytest.mark.sqlite_only("db backup copies SQLite files")
def test_db_backup_writes_a_0600_copy_that_opens_as_the_same_ledger(
    story: Invoke, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    result = story("db", "backup", str(copy))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"Backed up {tmp_path / 'ledger.db'} to {copy}\n"
    assert mode(copy) == 0o600
    from_copy = CliRunner().invoke(dealtrack, ["--db", str(copy), "list", "-f", "json"])
    assert from_copy.exit_code == 0
    assert from_copy.stdout == story("list", "-f", "json").stdout
    keys = [deal["key"] for deal in json.loads(from_copy.stdout)]
    assert keys == [
        "tiktok-india-reliance-jio",
        "tiktok-india-glance-digital-experience",
        "glance-digital-experience-google",
    ]


@pytest.mark.sqlite_only("db backup copies SQLite files")
def test_db_backup_refuses_an_existing_file(story: Invoke, tmp_path: Path) -> None:
    existing = tmp_path / "copy.db"
    existing.write_bytes(b"keep me")
    result = story("db", "backup", str(existing))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {existing} already exists; choose a new file\n"
    assert existing.read_bytes() == b"keep me"


def test_db_backup_of_a_missing_ledger_creates_nothing(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    result = run("db", "backup", str(copy))
    assert result.exit_code == 1
    assert result.stderr == no_ledger(ledger_db.display)
    assert list(tmp_path.glob("*.db*")) == []


# check


def test_check_prints_nothing_on_a_clean_ledger(story: Invoke) -> None:
    result = story("check")
    assert result.exit_code == 0
    assert result.output == ""


def test_check_lists_a_stale_cached_status_then_one_error_line(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ledger_db.sql("UPDATE deal SET status = 'agreed' WHERE key = 'tiktok-india-reliance-jio'")
    result = story("check")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "deal tiktok-india-reliance-jio: cached status is 'agreed' but its events say 'failed'\n"
        "Error: 1 problem in the ledger; see above\n"
    )


def test_check_lists_every_problem_one_a_line(story: Invoke, ledger_db: LedgerUnderTest) -> None:
    ledger_db.sql(
        "UPDATE deal SET status = 'agreed' WHERE key = 'tiktok-india-reliance-jio'",
        "UPDATE deal SET reason = 'tax' WHERE key = 'glance-digital-experience-google'",
    )
    result = story("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "deal tiktok-india-reliance-jio: cached status is 'agreed' but its events say 'failed'\n"
        "deal glance-digital-experience-google: cached reason is 'tax' but its events say None\n"
        "Error: 2 problems in the ledger; see above\n"
    )


# Locking


def test_recording_command_fails_when_the_ledger_stays_busy(
    story: Invoke, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = story("db", "status").stdout
    monkeypatch.setenv("DEALTRACK_BUSY_TIMEOUT", "0.5")
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = story("note", "tiktok-india-reliance-jio", "a note that must wait")
        reading = story("list", "-f", "csv", "--fields", "key", "--no-headers")
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: ledger busy: {db_path} stayed locked by another writer for 0.5 s "
        "(set DEALTRACK_BUSY_TIMEOUT to wait longer)\n"
    )
    assert reading.exit_code == 0  # WAL: readers are not blocked by the writer
    assert reading.stdout.splitlines()[0] == "tiktok-india-reliance-jio"
    assert story("db", "status").stdout == before


# A team ledger on PostgreSQL


@pytest.mark.postgres
def test_db_backup_of_a_server_ledger_points_to_the_servers_own_tools(
    story: Invoke, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    result = story("db", "backup", str(copy))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: db backup works on SQLite ledgers; back up a server with its own tools\n"
    )
    assert not copy.exists()


@pytest.mark.postgres
def test_server_url_password_never_appears_in_output(ledger_db: LedgerUnderTest) -> None:
    # The test server trusts local connections, so any password is accepted and must be masked.
    scheme, rest = ledger_db.url.split("://", 1)
    user, host = rest.split("@", 1)
    url = f"{scheme}://{user.split(':')[0]}:s3cret-pw@{host}"
    shown = ledger_db.display.replace("@", ":***@", 1)
    outputs = [
        invoke("--db", url, "list"),
        invoke("--db", url, "add", "TikTok India"),
        invoke("--db", url, "db", "path"),
        invoke("--db", url, "db", "status"),
        invoke("--db", url, "db", "upgrade"),
        invoke("--db", url, "show", "nope"),
    ]
    assert [r.exit_code for r in outputs] == [1, 0, 0, 0, 0, 1]
    assert outputs[0].stderr == no_ledger(shown)
    assert outputs[2].stdout == f"{shown}\n"
    assert outputs[3].stdout.startswith(f"ledger: {shown}\n")
    assert not any("s3cret" in r.output for r in outputs)


# check: parent loops


def test_check_reports_each_parent_loop_once(run: Invoke, ledger_db: LedgerUnderTest) -> None:
    for args in (("Alpha",), ("Beta",), ("Gamma", "--parent", "Alpha"), ("Delta",), ("Omega",)):
        assert run("party", "add", *args).exit_code == 0
    ledger_db.sql(
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Beta') WHERE name = 'Alpha'",
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Alpha') WHERE name = 'Beta'",
        "UPDATE party SET parent_id = id WHERE name = 'Delta'",
    )  # fmt: skip
    result = run("check")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "party Alpha: its parent chain loops (Alpha → Beta → Alpha)\n"
        "party Delta: its parent chain loops (Delta → Delta)\n"
        "Error: 2 problems in the ledger; see above\n"
    )


def test_a_postgresql_url_without_psycopg_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were not installed
    result = CliRunner().invoke(dealtrack, ["--db", "postgresql://u:secret@127.0.0.1/x", "list"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: a PostgreSQL ledger (postgresql+psycopg://u:***@127.0.0.1/x) needs psycopg; "
        "install it with pip install 'dealtrack[postgres]'\n"
    )


@pytest.mark.postgres
def test_a_new_postgresql_ledger_gets_the_partial_indexes_with_their_conditions(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    from sqlalchemy import text

    assert run("party", "add", "Seed").exit_code == 0
    query = text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = :schema"
        " AND indexname IN ('ix_event_link', 'ix_event_value') ORDER BY indexname"
    )
    with ledger_db._connect() as connection:
        found = [tuple(row) for row in connection.execute(query, {"schema": ledger_db.schema})]
    where = [(name, definition.split(" WHERE ")[1]) for name, definition in found]
    assert where == [
        ("ix_event_link", "(holder_id IS NOT NULL)"),
        ("ix_event_value", "((type)::text = 'value'::text)"),
    ]
