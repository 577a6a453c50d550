"""SIGKILL at random moments leaves the ledger as before or as after, never in between.

The installed command runs in a subprocess, the only way to kill it for real. Some kills come after
a random delay between 0.05 s and the duration of a complete run, measured once; they land in a
large import into an existing ledger, a large import creating a new ledger, ``db backup`` of a
large ledger, and ``db upgrade`` of that ledger taken back to the revision before head. Others aim
at a moment: an import still reading its file, one seen writing, one with a child process.

What the ledger holds afterwards is read in-process, through the same commands (CliRunner, with
the environment of a user): the ledger file is the same, and a process start-up per check is not.
"""

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from dealtrack.db import HEAD_REVISION
from dealtrack.migrate import KNOWN_REVISIONS, alembic_config
from tests.cli_process import (
    SCRIPT,
    assert_check_clean,
    assert_clean,
    clean_output,
    in_process,
    requires_script,
    user_env,
)
from tests.conftest import ON_POSTGRES, SQLITE_ONLY, STORY

# The random kills are spread over a whole run, so a smaller import keeps their spread and costs
# less; DEALTRACK_CRASH_ROWS=20000 makes the ledger (and every phase) bigger for a thorough run.
ROWS = int(os.environ.get("DEALTRACK_CRASH_ROWS", "5000"))
# The aimed kills stop an import early: a large file keeps it from finishing first, at no cost.
AIMED_ROWS = 30_000
OLDER = KNOWN_REVISIONS[-2]
SEED = int(os.environ.get("DEALTRACK_CRASH_SEED", "20210213"))
# Random kill moments per import and per upgrade; DEALTRACK_CRASH_TRIALS=20 tries more of them.
TRIALS = int(os.environ.get("DEALTRACK_CRASH_TRIALS", "6"))

pytestmark = [
    pytest.mark.slow,
    # Files killed mid-write: the PostgreSQL run would repeat the SQLite run's tests exactly.
    # (skipif, not sqlite_only: skipped before the module's reference ledgers are built)
    pytest.mark.skipif(
        ON_POSTGRES, reason=f"kills dealtrack over SQLite ledger files: {SQLITE_ONLY}"
    ),
    requires_script,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL needs a POSIX system"),
]


dealtrack = in_process
ok = clean_output


@dataclass(frozen=True)
class Reference:
    """A story ledger, and what it looks like before and after the large import."""

    before_db: Path
    before_export: str
    before_counts: str
    after_db: Path
    after_counts: str
    after_list: str
    csv: Path
    import_seconds: float
    backup_seconds: float
    older_db: Path
    upgrade_seconds: float


def counts(db: Path, home: Path) -> str:
    status = ok(dealtrack(db, "db", "status", home=home))
    return status.split("\n", 1)[1]  # without the ledger line, which names the file


def export(db: Path, home: Path) -> str:
    return ok(dealtrack(db, "export", "-f", "json", home=home))


def listing(db: Path, home: Path) -> str:
    return ok(dealtrack(db, "list", "-f", "json", home=home))


def timed(db: Path, home: Path, *args: str) -> float:
    """How long the installed command takes to run ``ARGS`` to the end, start-up included."""
    started = time.monotonic()
    assert_clean(
        subprocess.run(
            [str(SCRIPT), "--db", str(db), *args],
            capture_output=True,
            text=True,
            env=user_env(home),
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
    )
    return time.monotonic() - started


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    home = tmp_path_factory.mktemp("crash")
    csv = home / "deals.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write("target,acquirers,sellers,status,value,reported,notes\n")
        for i in range(ROWS):
            out.write(
                f"Target {i},Buyer {i % 977};Co {i % 31},Seller {i % 113},agreed,"
                f"$ {i + 1}m,2020-{i % 12 + 1:02d},note {i}\n"
            )
    before = home / "before.db"
    for args in STORY:
        ok(dealtrack(before, *args, home=home))
    after = home / "after.db"
    shutil.copy(before, after)
    import_seconds = timed(after, home, "import", str(csv))
    backup_seconds = timed(after, home, "db", "backup", str(home / "calibration-backup.db"))
    older = home / "older.db"
    shutil.copy(after, older)
    downgrade(older, OLDER)
    calibration = home / "calibration-upgrade.db"
    shutil.copy(older, calibration)
    upgrade_seconds = timed(calibration, home, "db", "upgrade")
    return Reference(
        before_db=before,
        before_export=export(before, home),
        before_counts=counts(before, home),
        after_db=after,
        after_counts=counts(after, home),
        after_list=listing(after, home),
        csv=csv,
        import_seconds=import_seconds,
        backup_seconds=backup_seconds,
        older_db=older,
        upgrade_seconds=upgrade_seconds,
    )


def downgrade(db: Path, revision: str) -> None:
    engine = create_engine(f"sqlite:///{db}", poolclass=NullPool)
    try:
        with engine.connect() as connection, connection.begin():
            command.downgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def revision_of(db: Path) -> str:
    connection = sqlite3.connect(db)
    try:
        return str(connection.execute("SELECT version_num FROM dealtrack_version").fetchone()[0])
    finally:
        connection.close()


def kill_after(delay: float, db: Path, home: Path, *args: str) -> int | None:
    """Start ``dealtrack --db DB ARGS``, SIGKILL it after ``delay``; None if it was killed."""
    process = subprocess.Popen(
        [str(SCRIPT), "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=user_env(home),
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)  # a no-op if it has just ended
    code = process.wait(timeout=30)
    # It may end between the sleep and the signal: then it finished, and says how.
    return None if code == -signal.SIGKILL else code


def integrity(path: Path) -> list[tuple[str, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def delay(trial: int, longest: float, salt: int) -> float:
    return random.Random(SEED * 1000 + salt * 100 + trial).uniform(0.05, max(0.06, longest))


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_import_into_a_ledger_leaves_it_as_before_or_as_after(
    trial: int, reference: Reference, tmp_path: Path
) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(reference.before_db, db)
    wait = delay(trial, reference.import_seconds, salt=1)
    finished = kill_after(wait, db, tmp_path, "import", str(reference.csv))

    assert integrity(db) == [("ok",)], f"killed after {wait:.3f} s"
    state = counts(db, tmp_path)
    print(f"import killed after {wait:.3f} of {reference.import_seconds:.3f} s: exit {finished}")
    if state == reference.before_counts:
        assert finished is None, f"the import exited {finished} but wrote nothing"
        assert export(db, tmp_path) == reference.before_export, f"killed after {wait:.3f} s"
    else:
        assert state == reference.after_counts, f"killed after {wait:.3f} s: half an import"
        assert listing(db, tmp_path) == reference.after_list
    assert_check_clean(db, tmp_path)


@pytest.mark.parametrize("trial", range(3))
def test_killed_import_creating_a_ledger_leaves_none_or_a_complete_one(
    trial: int, reference: Reference, tmp_path: Path
) -> None:
    db = tmp_path / "new.db"
    wait = delay(trial, reference.import_seconds, salt=2)
    finished = kill_after(wait, db, tmp_path, "import", str(reference.csv))

    print(
        f"new-ledger import killed after {wait:.3f} of {reference.import_seconds:.3f} s: exit {finished}"
    )
    exported = dealtrack(db, "list", "-f", "json", home=tmp_path)
    if exported.exit_code != 0:
        # Killed before the schema committed: reading commands find no ledger, and the next
        # recording command creates it as if nothing had happened.
        assert finished is None
        assert exported.stderr == f"Error: no ledger at {db} (record a deal or import one)\n"
        if db.exists():
            assert integrity(db) == [("ok",)]
        ok(dealtrack(db, "add", "Later", "--on", "2020-01", home=tmp_path))
        assert_check_clean(db, tmp_path)
        return
    assert integrity(db) == [("ok",)]
    # A complete import into an empty ledger: the story's deals are absent, the ROWS present.
    deals = exported.stdout.count('"key": ')
    assert deals == ROWS, f"killed after {wait:.3f} s: {deals} deals"
    assert_check_clean(db, tmp_path)


@pytest.mark.parametrize("trial", range(4))
def test_killed_backup_leaves_the_ledger_untouched_and_no_partial_backup(
    trial: int, reference: Reference, tmp_path: Path
) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(reference.after_db, db)
    destination = tmp_path / "backup.db"
    # Process start-up is most of a backup's time: aim the kills at its copying end.
    wait = delay(trial, reference.backup_seconds, salt=3)
    finished = kill_after(wait, db, tmp_path, "db", "backup", str(destination))

    print(f"backup killed after {wait:.3f} of {reference.backup_seconds:.3f} s: exit {finished}")
    assert integrity(db) == [("ok",)]
    assert counts(db, tmp_path) == reference.after_counts
    if destination.exists():
        assert integrity(destination) == [("ok",)], f"killed after {wait:.3f} s"
        assert counts(destination, tmp_path) == reference.after_counts
        assert oct(destination.stat().st_mode & 0o777) == "0o600"
    else:
        assert finished is None, f"backup exited {finished} without writing {destination}"
        ok(dealtrack(db, "db", "backup", str(destination), home=tmp_path))
        assert counts(destination, tmp_path) == reference.after_counts


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_upgrade_leaves_the_older_ledger_or_the_upgraded_one(
    trial: int, reference: Reference, tmp_path: Path
) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(reference.older_db, db)
    wait = delay(trial, reference.upgrade_seconds, salt=4)
    finished = kill_after(wait, db, tmp_path, "db", "upgrade")

    print(f"upgrade killed after {wait:.3f} of {reference.upgrade_seconds:.3f} s: exit {finished}")
    assert integrity(db) == [("ok",)], f"killed after {wait:.3f} s"
    revision = revision_of(db)
    assert revision in (OLDER, HEAD_REVISION)
    if revision == OLDER:
        assert finished is None, f"db upgrade exited {finished} but left {OLDER}"
    backup = Path(f"{db}.bak-{OLDER}")
    if backup.exists():
        assert integrity(backup) == [("ok",)], f"killed after {wait:.3f} s"
        assert revision_of(backup) == OLDER
    # Whichever it was, the next command finds (or upgrades to) every row at head.
    assert counts(db, tmp_path) == reference.after_counts
    assert listing(db, tmp_path) == reference.after_list
    assert_check_clean(db, tmp_path)


# Kills aimed at a moment of an import


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "deals.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("target,acquirers,sellers,advisers,status,value,reported,notes\n")
        for i in range(AIMED_ROWS):
            out.write(
                f"Target {i},Buyer {i % 977};Co {i % 31},Seller {i % 113},Adviser {i % 7},"
                f"agreed,$ {i + 1}m,2020-{i % 12 + 1:02d},note {i}\n"
            )
    return path


def start_import(db: Path, csv_path: Path, home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(SCRIPT), "--db", str(db), "import", str(csv_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=user_env(home),
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def assert_unchanged(db: Path, reference: Reference, home: Path) -> None:
    assert export(db, home) == reference.before_export
    assert_check_clean(db, home)


def test_sigkill_while_reading_leaves_an_existing_ledger_as_before(
    tmp_path: Path, reference: Reference, big_csv: Path
) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(reference.before_db, db)
    process = start_import(db, big_csv, tmp_path)
    time.sleep(0.7)
    if process.poll() is not None:
        pytest.skip("the import finished before it could be killed")
    kill(process)
    assert_unchanged(db, reference, tmp_path)


def test_sigkill_while_writing_leaves_an_existing_ledger_as_before(
    tmp_path: Path, reference: Reference, big_csv: Path
) -> None:
    db = tmp_path / "ledger.db"
    shutil.copy(reference.before_db, db)
    wal = db.with_name(db.name + "-wal")
    baseline = wal.stat().st_size if wal.exists() else 0
    process = start_import(db, big_csv, tmp_path)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > baseline + 64 * 1024:
            break  # the import's transaction is writing pages
        time.sleep(0.005)
    if process.poll() is not None:
        pytest.skip("the import finished before it was seen writing")
    kill(process)
    assert_unchanged(db, reference, tmp_path)


def test_sigkill_of_an_import_into_a_new_ledger_leaves_no_deals(
    tmp_path: Path, big_csv: Path
) -> None:
    db = tmp_path / "new.db"
    process = start_import(db, big_csv, tmp_path)
    time.sleep(0.7)
    if process.poll() is not None:
        pytest.skip("the import finished before it could be killed")
    kill(process)
    listed = dealtrack(db, "list", "-f", "json", home=tmp_path)
    if listed.exit_code == 1:
        assert listed.stderr == f"Error: no ledger at {db} (record a deal or import one)\n"
        return
    assert json.loads(ok(listed)) == []
    assert_check_clean(db, tmp_path)


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="lists processes through /proc")
def test_the_child_checking_rows_ends_with_a_killed_import(tmp_path: Path, big_csv: Path) -> None:
    db = tmp_path / "ledger.db"
    process = start_import(db, big_csv, tmp_path)
    deadline = time.monotonic() + 30
    children: list[int] = []
    while not children and process.poll() is None and time.monotonic() < deadline:
        children = _children_of(process.pid)
        time.sleep(0.01)
    if not children:
        pytest.skip("the import finished before its child could be seen")
    kill(process)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{c}").exists() for c in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [c for c in children if Path(f"/proc/{c}/stat").exists()]
    states = [Path(f"/proc/{c}/stat").read_text().rsplit(")", 1)[1].split()[0] for c in alive]
    assert all(state == "Z" for state in states)  # gone, or only waiting to be reaped
