"""Long outputs stream, and tables on a terminal fit its width: run as users run them, in real
processes, through a pipe to ``head`` and in a pseudo-terminal."""

import csv
import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.cli_process import SCRIPT, in_process, requires_script, user_env
from tests.conftest import Invoke

pytestmark = requires_script
DEALS = 3000


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of 3,000 deals whose rows all have the same width (so one page sets the table's)."""
    folder = tmp_path_factory.mktemp("big")
    data = folder / "deals.csv"
    with data.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["key", "target", "acquirers", "status", "value", "reported"])
        for n in range(1, DEALS + 1):
            names = [f"Target {n:04d}", f"Acquirer {n % 100:02d}"]
            writer.writerow([f"deal-{n:04d}", *names, "completed", "USD 1bn", "2021-01-01"])
    ledger = folder / "big.db"
    imported = in_process(ledger, "import", str(data), home=folder)
    assert imported.exit_code == 0, imported.output
    return ledger


def test_history_piped_to_head_ends_at_once_without_a_traceback(
    big_ledger: Path, tmp_path: Path
) -> None:
    shell = f"set -o pipefail; '{SCRIPT}' --db '{big_ledger}' history | head -n 3"
    done = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, env=user_env(tmp_path), timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    what = "created completed with Target 0001 (target), Acquirer 01 (acquirer), valued at USD 1bn"
    assert done.stdout == (
        f"id    on          deal       type     {'what':<{len(what)}}  source    note\n"
        f"----  ----------  ---------  -------  {'-' * len(what)}  --------  ------\n"
        f"1     2021-01-01  deal-0001  created  {what}\n"
    )


def test_history_writes_its_first_rows_while_the_rest_are_still_being_read(
    big_ledger: Path, tmp_path: Path
) -> None:
    for fmt in ("table", "json", "csv"):
        process = subprocess.Popen(
            [str(SCRIPT), "--db", str(big_ledger), "history", "-f", fmt],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=user_env(tmp_path),
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        # Far more than a pipe holds is still to come: the command cannot have finished.
        assert process.poll() is None
        process.stdout.close()
        _, errors = process.communicate(timeout=60)
        assert (process.returncode, errors) == (0, b"")
        assert first.startswith({"table": b"id ", "json": b"[\n", "csv": b"id,"}[fmt])


def test_streamed_history_is_the_whole_history(big_ledger: Path, tmp_path: Path) -> None:
    whole = in_process(big_ledger, "history", "-f", "json", home=tmp_path)
    assert whole.exit_code == 0
    assert whole.stdout.count('"type": "created"') == DEALS
    table = in_process(big_ledger, "history", home=tmp_path).stdout.splitlines()
    assert len(table) == DEALS + 2
    assert len({len(line) for line in table[2:]}) == 1  # every page laid out like the first


def on_a_terminal(ledger_url: str, columns: int, *args: str, home: Path) -> str:
    """What ``dealtrack ARGS`` shows in a terminal ``columns`` wide (newlines as ``\\n``)."""
    main, secondary = pty.openpty()
    env = user_env(home) | {"COLUMNS": str(columns)}
    process = subprocess.Popen(
        [str(SCRIPT), "--db", ledger_url, *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed when the command ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    _, errors = process.communicate(timeout=60)
    assert (process.returncode, errors) == (0, b"")
    return shown.decode().replace("\r\n", "\n")


def test_a_table_on_a_terminal_cuts_its_text_columns_to_fit(
    story: Invoke, ledger_url: str, tmp_path: Path
) -> None:
    # Uncut, the table is 151 characters wide; keys, statuses, values and dates stay whole.
    assert on_a_terminal(ledger_url, 130, "list", home=tmp_path) == (
        "id    key                                     status          value        target"
        "          acquirers       reported    updated\n"
        "----  --------------------------------------  --------------  -----------  --------------"
        "  --------------  ----------  ----------\n"
        "1     tiktok-india-reliance-jio               failed          USD 3bn      TikTok India"
        "    Reliance Jio    2020-08     2021-02-13\n"
        "2     tiktok-india-glance-digital-experience  in negotiation  undisclosed  TikTok India"
        "    Glance Digita…  2021-02-13  2021-02-13\n"
        "3     glance-digital-experience-google        completed       USD 145m     Glance Digita…"
        "  Google; Mithr…  2020-12     2020-12\n"
    )
    history = on_a_terminal(
        ledger_url, 130, "history", "--fields", "id,deal,what,source", home=tmp_path
    )
    assert max(len(line) for line in history.splitlines()) == 130
    assert "created in negotiation with TikTok India (target), Reliance …\n" in history


def test_piped_output_is_never_cut_whatever_the_width(
    story: Invoke, ledger_url: str, tmp_path: Path
) -> None:
    piped = subprocess.run(
        [str(SCRIPT), "--db", ledger_url, "list"],
        capture_output=True,
        text=True,
        env=user_env(tmp_path) | {"COLUMNS": "40"},
        timeout=60,
    )
    assert piped.returncode == 0
    assert piped.stdout == story("list").stdout
    assert "Glance Digital Experience" in piped.stdout


def test_party_list_on_a_narrow_terminal_cuts_names_not_kinds_or_counts(
    story: Invoke, ledger_url: str, tmp_path: Path
) -> None:
    assert on_a_terminal(ledger_url, 60, "party", "list", home=tmp_path) == (
        "name       kind     country    parent     aliases    deals\n"
        "---------  -------  ---------  ---------  ---------  -------\n"
        "ByteDance  company                                   2\n"
        "Glance D…  company             InMobi     Glance     2\n"
        "Google     company                                   1\n"
        "InMobi     company                                   0\n"
        "Mithril …  company                                   1\n"
        "Reliance…  company                                   1\n"
        "SoftBank   company                                   1\n"
        "TikTok I…  unit     IN         ByteDance             2\n"
    )
