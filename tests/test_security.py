"""Who may read what: private files, masked passwords, clear errors on locked ledgers (issue 4).

Files dealtrack creates are 0600 and folders 0700 whatever the umask; no URL password
appears in any output or error; an unreadable or read-only ledger gives one clear ``Error:`` line.
The last is tested as the unprivileged user ``nobody`` (via ``setpriv``), which needs root.
"""

import json
import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import dealtrack as dealtrack_package
from dealtrack.cli import dealtrack as dealtrack_cli
from tests.cli_process import (
    SCRIPT,
    assert_one_error,
    clean_output,
    in_process,
    pg_url,
    requires_script,
    user_env,
)

__all__ = ["pg_url"]  # the fixture, for the PostgreSQL case

SECRET = "s3cret"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_with_umask(db: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """The installed command under umask 000: modes must come from dealtrack, not the umask."""
    return subprocess.run(
        [str(SCRIPT), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=user_env(home),
        umask=0,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


# Files and folders dealtrack creates


@requires_script
def test_a_new_ledger_and_its_new_folders_are_private_whatever_the_umask(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    added = subprocess.run(
        [str(SCRIPT), "add", "Acme", "--on", "2020-01"],
        capture_output=True,
        text=True,
        env=user_env(tmp_path),  # the default ledger, under $XDG_DATA_HOME (tmp_path/xdg)
        umask=0,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert added.returncode == 0, added.stderr
    db = tmp_path / "xdg" / "dealtrack" / "dealtrack.db"
    assert (mode(db), mode(db.parent), mode(db.parent.parent)) == (0o600, 0o700, 0o700)
    assert mode(tmp_path) == 0o755  # a folder it did not create keeps its mode


@requires_script
def test_an_import_creating_a_ledger_makes_it_0600(tmp_path: Path) -> None:
    source = tmp_path / "deals.csv"
    source.write_text("target,reported\nAcme,2020-01\n", encoding="utf-8")
    db = tmp_path / "imported.db"
    imported = run_with_umask(db, "import", str(source), home=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert mode(db) == 0o600


@requires_script
def test_backups_exports_and_rejects_are_0600_and_the_ledgers_own_mode_is_kept(
    tmp_path: Path,
) -> None:
    db = tmp_path / "ledger.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("target,reported\nGood,2020-01\nBad,2021-02-30\n", encoding="utf-8")
    imported = run_with_umask(
        db, "import", str(bad), "--skip-invalid", "--rejects", str(tmp_path / "rejects.csv"),
        home=tmp_path,
    )  # fmt: skip
    assert imported.returncode == 3, imported.stderr
    db.chmod(0o640)  # the user's choice for a file that exists: never changed
    for args in (
        ("db", "backup", str(tmp_path / "copies" / "backup.db")),
        ("export", "-o", str(tmp_path / "export.json")),
        ("export", "-o", str(tmp_path / "export.csv")),
    ):
        result = run_with_umask(db, *args, home=tmp_path)
        assert result.returncode == 0, result.stderr
    assert {
        name: mode(tmp_path / name)
        for name in ("copies/backup.db", "copies", "export.json", "export.csv", "rejects.csv")
    } == {
        "copies/backup.db": 0o600, "copies": 0o700, "export.json": 0o600, "export.csv": 0o600,
        "rejects.csv": 0o600,
    }  # fmt: skip
    assert mode(db) == 0o640
    leftovers = sorted(p.name for p in (tmp_path / "copies").iterdir())
    assert leftovers == ["backup.db"]  # no partial file left beside the backup


@requires_script
def test_the_wal_and_shm_files_of_a_ledger_in_use_are_0600(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    assert run_with_umask(db, "add", "Acme", "--on", "2020-01", home=tmp_path).returncode == 0
    reader = sqlite3.connect(db)  # an open reader keeps -wal and -shm in place
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM deal").fetchone()
        added = run_with_umask(db, "add", "Bolt", "--on", "2020-01", home=tmp_path)
        assert added.returncode == 0, added.stderr
        assert (mode(Path(f"{db}-wal")), mode(Path(f"{db}-shm"))) == (0o600, 0o600)
    finally:
        reader.close()


# No password in any output


URLS = (
    f"postgresql://analyst:{SECRET}@127.0.0.1:1/deals",
    f"postgres://analyst:{SECRET}@127.0.0.1:1/deals?sslmode=disable",
    f"postgresql://analyst@127.0.0.1:1/deals?password={SECRET}",
    f"postgresql://analyst:{SECRET}@127.0.0.1:notaport/deals",
    f"postgresql+psycopg2://analyst:{SECRET}@127.0.0.1:1/deals",
)
COMMANDS = (
    ("list",), ("list", "-f", "json"), ("show", "acme"), ("history",), ("report",),
    ("export", "-f", "json"), ("check",), ("db", "status"), ("db", "upgrade"),
    ("db", "backup", "copy.db"), ("party", "list"),
    ("add", "Acme", "--acquirer", "Bolt", "--on", "2020-01"),
    ("status", "acme", "agreed", "--on", "2020-02"),
    ("import", "-", "--format", "csv"),
)  # fmt: skip


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner(catch_exceptions=False).invoke(
        dealtrack_cli, args, input="target,reported\nAcme,2020-01\n", env=env
    )


@pytest.mark.parametrize("url", URLS)
def test_db_path_masks_the_password(url: str) -> None:
    for result in (
        invoke(["--db", url, "db", "path"]),
        invoke(["db", "path"], {"DEALTRACK_DB": url}),
    ):
        assert (result.exit_code, result.stderr) == (0, "")
        assert SECRET not in result.stdout
        assert "***" in result.stdout


@pytest.mark.parametrize("url", URLS)
def test_no_command_shows_the_password_of_an_unreachable_server(url: str) -> None:
    for args in COMMANDS:
        for result in (invoke(["--db", url, *args]), invoke(list(args), {"DEALTRACK_DB": url})):
            assert SECRET not in result.stdout + result.stderr, (args, result.stderr)
            assert (result.exit_code, result.stdout) == (1, ""), (args, result.stderr)
            assert_one_error(result.stderr)
            assert "***" in result.stderr or "db backup works on SQLite" in result.stderr


def test_a_working_server_ledger_never_shows_its_password(pg_url: str) -> None:
    # The test server trusts local users, so it ignores the password: it must still never show.
    url = pg_url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@", 1)
    assert SECRET in url
    outputs = []
    for args in (
        ("add", "Acme", "--acquirer", "Bolt", "--on", "2020-01"),
        ("status", "acme-bolt", "agreed", "--on", "2020-02"),
        ("import", "-", "--format", "csv"),
        ("list",), ("show", "acme-bolt"), ("db", "path"), ("db", "status"), ("db", "upgrade"),
        ("check",), ("export", "-f", "jsonl"), ("show", "no-such-deal"),
        ("status", "acme-bolt", "rumored"), ("db", "backup", "copy.db"),
    ):  # fmt: skip
        result = invoke(["--db", url, *args])
        assert result.exit_code in (0, 1), (args, result.stderr)
        if result.exit_code:
            assert_one_error(result.stderr)
        outputs.append(result.stdout + result.stderr)
    assert not [text for text in outputs if SECRET in text]
    assert "ledger: postgresql+psycopg://postgres:***@127.0.0.1" in "".join(outputs)


# Unreadable and read-only ledgers, as the unprivileged user nobody


@cache
def as_nobody() -> tuple[str, ...]:
    """The command line that runs dealtrack as ``nobody``; skips the test when impossible."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("switching to the unprivileged user nobody needs root")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("there is no user nobody")
    drop = (setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--")
    if SCRIPT.exists() and _works((*drop, str(SCRIPT))):
        return (*drop, str(SCRIPT))
    # The console script's interpreter may live where nobody cannot go (pyenv under /root).
    # The system interpreter of the same version can run the same code and libraries.
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    source = str(Path(dealtrack_package.__file__).parent.parent)
    search_path = os.pathsep.join([source, *sorted(paths)])
    fallback = (*drop, "/usr/bin/env", f"PYTHONPATH={search_path}", str(system), "-m", "dealtrack")
    if system.exists() and _works(fallback):
        return fallback
    pytest.skip(f"nobody cannot run {SCRIPT} (its interpreter is out of reach) nor {system}")


def _works(command: tuple[str, ...]) -> bool:
    probe = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    return probe.returncode == 0


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder nobody can reach (tmp_path's parents are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="dealtrack-security-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def nobody(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"}
    env["XDG_DATA_HOME"] = str(db.parent / "xdg")
    return subprocess.run(
        [*as_nobody(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def ledger_in(folder: Path, file_mode: int) -> tuple[Path, str]:
    """A ledger made by root with one deal, its mode set; returns it and root's JSON export.

    Root's own commands run in-process; only the other user's need a process of their own.
    """
    db = folder / "ledger.db"
    clean_output(
        in_process(db, "add", "Acme", "--acquirer", "Bolt", "--on", "2020-01", home=folder)
    )
    db.chmod(file_mode)
    return db, clean_output(in_process(db, "export", "-f", "json", home=folder))


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")


@requires_script
def test_an_unreadable_ledger_gives_one_clear_error_line(shared: Path) -> None:
    db, before = ledger_in(shared, 0o600)
    for args in (("list",), ("export", "-f", "json"), ("add", "Other", "--on", "2020-01")):
        assert_refused(nobody(db, *args), f"cannot open the ledger at {db}: Permission denied")
    assert clean_output(in_process(db, "export", "-f", "json", home=shared)) == before


@requires_script
def test_a_ledger_in_a_folder_the_user_cannot_enter_gives_one_clear_error_line(
    shared: Path,
) -> None:
    private = shared / "private"
    private.mkdir(mode=0o700)
    db, _ = ledger_in(private, 0o644)
    for args in (("list",), ("add", "Other", "--on", "2020-01")):
        assert_refused(nobody(db, *args), f"cannot open the ledger at {db}: Permission denied")
    new = private / "new" / "ledger.db"
    assert_refused(
        nobody(new, "add", "Other", "--on", "2020-01"),
        f"cannot open the ledger at {new}: Permission denied",
    )


@requires_script
def test_a_read_only_ledger_in_a_writable_folder_reads_but_refuses_writes(shared: Path) -> None:
    shared.chmod(0o1777)  # like /tmp: anyone may create files (SQLite's -shm) but not replace ours
    db, before = ledger_in(shared, 0o644)
    listed = nobody(db, "list", "-f", "json")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert [deal["key"] for deal in json.loads(listed.stdout)] == ["acme-bolt"]
    exported = nobody(db, "export", "-f", "json")
    assert (exported.returncode, exported.stdout) == (0, before)
    assert nobody(db, "check").returncode == 0
    refusal = (
        f"cannot write to the ledger at {db}: it is read-only for you; ask for write access or "
        "work on a copy"
    )
    assert_refused(nobody(db, "add", "Other", "--on", "2020-01"), refusal)
    assert_refused(nobody(db, "status", "acme-bolt", "agreed", "--on", "2020-02"), refusal)
    assert clean_output(in_process(db, "export", "-f", "json", home=shared)) == before


@requires_script
def test_a_read_only_ledger_in_a_read_only_folder_gives_one_clear_error_line(
    shared: Path,
) -> None:
    db, before = ledger_in(shared, 0o644)  # nobody can read the file but create nothing beside it
    message = (
        f"cannot open the ledger at {db}: it is read-only for you and so is its folder, where "
        "reading it needs to create ledger.db-shm; ask for write access to the folder or work "
        "on a copy"
    )
    for args in (("list",), ("add", "Other", "--on", "2020-01")):
        assert_refused(nobody(db, *args), message)
    assert clean_output(in_process(db, "export", "-f", "json", home=shared)) == before


@requires_script
def test_a_backup_into_a_folder_the_user_cannot_write_fails_clearly(shared: Path) -> None:
    shared.chmod(0o1777)
    db, _ = ledger_in(shared, 0o644)
    locked = shared / "locked"
    locked.mkdir(mode=0o755)
    target = locked / "backup.db"
    assert_refused(
        nobody(db, "db", "backup", str(target)),
        f"cannot create {target}: Permission denied",
    )
    assert not target.exists()
