"""A SIGKILL in the middle of ``dealtrack import`` leaves the ledger as it was.

These run the installed console script in a subprocess, the only way to kill an import for real.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import STORY

SCRIPT = Path(sys.executable).parent / "dealtrack"
ROWS = 30_000

pytestmark = [
    pytest.mark.skipif(not SCRIPT.exists(), reason=f"console script {SCRIPT} is not installed"),
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL needs a POSIX system"),
]


def dealtrack(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "--db", str(db), *args], capture_output=True, text=True, env=_env(db)
    )


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEALTRACK_DB"}
    env["XDG_DATA_HOME"] = str(db.parent / "xdg")
    return env


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kill") / "deals.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("target,acquirers,sellers,advisers,status,value,reported,notes\n")
        for i in range(ROWS):
            out.write(
                f"Target {i},Buyer {i % 977};Co {i % 31},Seller {i % 113},Adviser {i % 7},"
                f"agreed,$ {i + 1}m,2020-{i % 12 + 1:02d},note {i}\n"
            )
    return path


def start_import(db: Path, csv_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(SCRIPT), "--db", str(db), "import", str(csv_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(db),
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def story_ledger(db: Path) -> str:
    for args in STORY:
        assert dealtrack(db, *args).returncode == 0
    exported = dealtrack(db, "export", "-f", "json")
    assert exported.returncode == 0, exported.stderr
    return exported.stdout


def assert_unchanged(db: Path, before: str) -> None:
    after = dealtrack(db, "export", "-f", "json")
    assert after.returncode == 0, after.stderr
    assert after.stdout == before
    checked = dealtrack(db, "check")
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")


def test_sigkill_while_reading_leaves_an_existing_ledger_as_before(
    tmp_path: Path, big_csv: Path
) -> None:
    db = tmp_path / "ledger.db"
    before = story_ledger(db)
    process = start_import(db, big_csv)
    time.sleep(0.7)
    if process.poll() is not None:
        pytest.skip("the import finished before it could be killed")
    kill(process)
    assert_unchanged(db, before)


def test_sigkill_while_writing_leaves_an_existing_ledger_as_before(
    tmp_path: Path, big_csv: Path
) -> None:
    db = tmp_path / "ledger.db"
    before = story_ledger(db)
    wal = db.with_name(db.name + "-wal")
    baseline = wal.stat().st_size if wal.exists() else 0
    process = start_import(db, big_csv)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > baseline + 64 * 1024:
            break  # the import's transaction is writing pages
        time.sleep(0.005)
    if process.poll() is not None:
        pytest.skip("the import finished before it was seen writing")
    kill(process)
    assert_unchanged(db, before)


def test_sigkill_of_an_import_into_a_new_ledger_leaves_no_deals(
    tmp_path: Path, big_csv: Path
) -> None:
    db = tmp_path / "new.db"
    process = start_import(db, big_csv)
    time.sleep(0.7)
    if process.poll() is not None:
        pytest.skip("the import finished before it could be killed")
    kill(process)
    listed = dealtrack(db, "list", "-f", "json")
    if listed.returncode == 1:
        assert listed.stderr == f"Error: no ledger at {db} (record a deal or import one)\n"
        return
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    checked = dealtrack(db, "check")
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")


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
    process = start_import(db, big_csv)
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
