"""End to end: the installed ``dealtrack`` command runs examples/tiktok-india.sh as a user would.

The script records the worked example, as the ``story`` fixture's commands do; tests about what
happens after it start from that fixture's copy instead of running the script once more.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dealtrack.cli import dealtrack as dealtrack_command
from tests.conftest import Invoke

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "examples" / "tiktok-india.sh"
SOFTBANK = (
    "SoftBank — buy: backs InMobi, parent of Glance Digital Experience (acquirer); backer · "
    "sell: backs ByteDance, parent of TikTok India (target); backs ByteDance (seller)"
)
BIN = Path(sys.executable).parent
INSTALLED = BIN / "dealtrack"

pytestmark = [
    pytest.mark.skipif(
        not INSTALLED.is_file(),
        reason=f"no installed dealtrack command next to {sys.executable} (pip install -e . first)",
    ),
    pytest.mark.skipif(shutil.which("bash") is None, reason="examples/tiktok-india.sh needs bash"),
]


@pytest.fixture
def env(tmp_path: Path, ledger_url: str) -> dict[str, str]:
    """A user's environment: the venv's bin first on PATH, the ledger named by DEALTRACK_DB."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DEALTRACK_")}
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    environment["DEALTRACK_DB"] = ledger_url
    environment["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    return environment


def run_script(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )


def dealtrack(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(INSTALLED), *args], env=env, capture_output=True, text=True, timeout=60
    )


def read(env: dict[str, str], *args: str) -> str:
    """What a reading command prints, run in-process with the user's environment."""
    result = CliRunner().invoke(dealtrack_command, list(args), env=env)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def words(text: str) -> list[str]:
    """Output lines with runs of blanks folded, so column widths do not matter."""
    return [" ".join(line.split()) for line in text.splitlines()]


def deals_as_of(env: dict[str, str], date: str) -> dict[str, dict[str, Any]]:
    listed = dealtrack(env, "list", "--as-of", date, "-f", "json")
    assert listed.returncode == 0, listed.stderr
    return {deal["key"]: deal for deal in json.loads(listed.stdout)}


def test_example_script_records_the_story_and_prints_list_card_conflicts_and_report(
    env: dict[str, str], ledger_url: str
) -> None:
    done = run_script(env)
    assert done.returncode == 0, done.stderr
    lines = words(done.stdout)
    assert lines[:3] == [
        "tiktok-india-reliance-jio",
        "tiktok-india-glance-digital-experience",
        "glance-digital-experience-google",
    ]
    # dealtrack list --status failed
    assert "id key status value target acquirers reported updated" in lines
    assert (
        "1 tiktok-india-reliance-jio failed USD 3bn TikTok India Reliance Jio 2020-08 2021-02-13"
        in lines
    )
    assert not any(line.startswith("2 tiktok-india-glance") for line in lines)
    # dealtrack show tiktok-india-glance-digital-experience
    for line in (
        "Deal: tiktok-india-glance-digital-experience (#2)",
        "Target: TikTok India",
        "Acquirer: Glance Digital Experience",
        "Seller: ByteDance",
        "Backer: SoftBank",
        "Notes: initial phase of negotiations",
        "Sources: Bloomberg (anonymous)",
        f"Conflicts: {SOFTBANK}",
    ):
        assert line in lines
    # dealtrack conflicts tiktok-india-glance-digital-experience
    assert SOFTBANK in lines
    # dealtrack report --by status
    report = lines[lines.index("group deals total") :]
    assert report[2:5] == ["in-negotiation 1", "completed 1 USD 145m", "failed 1 USD 3bn"]
    # dealtrack timeline --target "TikTok India" (its axis runs to today: the Glance talks are open)
    chart = report[5:]
    assert chart[0] == "TikTok India"
    assert chart[1].startswith("tiktok-india-reliance-jio ┆▒") and chart[1].endswith("✕")
    assert chart[2].startswith("tiktok-india-glance-digital-… ") and chart[2].endswith("▒")
    assert chart[-2:] == [
        "░ rumored ▒ in negotiation ▓ agreed █ completed ✕ failed ◆ value changed",
        "┆ date known only to the month or year",
    ]
    assert done.stderr.splitlines()[0] == f"Recording into {ledger_url}"
    assert not any(line.startswith("Error:") for line in done.stderr.splitlines())


def test_running_the_example_twice_stops_at_its_first_line_and_changes_nothing(
    story: Invoke, env: dict[str, str], ledger_url: str
) -> None:
    listed = read(env, "list", "-f", "json")
    history = read(env, "history", "-f", "json")
    status = read(env, "db", "status")
    assert status.endswith("parties: 8\ndeals: 3\nevents: 4\n")

    again = run_script(env)
    assert again.returncode == 1
    assert again.stdout == ""
    assert again.stderr == (
        f"Recording into {ledger_url}\n"
        'Error: party "TikTok India" already exists; change it with dealtrack party edit\n'
    )
    assert read(env, "list", "-f", "json") == listed
    assert read(env, "history", "-f", "json") == history
    assert read(env, "db", "status") == status
    assert read(env, "check") == ""


def test_as_of_before_the_news_shows_the_jio_talks_in_negotiation(
    story: Invoke, env: dict[str, str]
) -> None:
    before = deals_as_of(env, "2020-12-31")
    assert sorted(before) == ["glance-digital-experience-google", "tiktok-india-reliance-jio"]
    jio = before["tiktok-india-reliance-jio"]
    assert (jio["status"], jio["reason"], jio["updated"]) == ("in-negotiation", None, "2020-08")
    assert jio["value"] == {
        "amount": "3000000000.00",
        "high": None,
        "currency": "USD",
        "basis": "reported",
    }
    assert before["glance-digital-experience-google"]["status"] == "completed"

    after = deals_as_of(env, "2021-02-13")
    assert after["tiktok-india-reliance-jio"]["status"] == "failed"
    assert after["tiktok-india-reliance-jio"]["reason"] == (
        "did not go through for undisclosed reasons"
    )
    assert after["tiktok-india-glance-digital-experience"]["status"] == "in-negotiation"


@pytest.mark.sqlite_only("the example's own fresh ledger is a file")
def test_example_without_dealtrack_db_records_into_a_fresh_ledger_it_names(
    env: dict[str, str],
) -> None:
    del env["DEALTRACK_DB"]
    done = run_script(env)
    assert done.returncode == 0, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("Recording into ") and first.endswith("/tiktok-india.db")
    ledger = Path(first.removeprefix("Recording into "))
    try:
        assert ledger.is_file()
        assert (ledger.stat().st_mode & 0o777) == 0o600
        assert not (Path(env["XDG_DATA_HOME"]) / "dealtrack").exists()
    finally:
        shutil.rmtree(ledger.parent)
