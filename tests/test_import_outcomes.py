"""What an import reports and keeps: the plan, the counts, the problems and their summary line
(dealtrack.bulk.outcomes); ``import --skip-invalid``, ``--rejects`` and ``--dry-run``; an import
whose scratch file cannot grow."""

import io
import json
import os
import re
import resource
import signal
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path

from dealtrack.bulk.outcomes import ImportResult, Plan, Problems
from dealtrack.bulk.outcomes import summary as summary_line
from dealtrack.bulk.rejects import RejectWriter
from tests.cli_process import SCRIPT, requires_script, user_env
from tests.conftest import Invoke
from tests.import_files import STATUS_CHOICES, SUMMARY, write
from tests.ledger_json import deals
from tests.test_import_semantics import summary

MIXED = (
    "target,status,reported\n"
    "Good,rumored,2020\n"
    "Bad,zz,2020\n"
    '"Also, good",agreed,2020\n'
    "Later,rumored,2999\n"
)


def test_skip_invalid_commits_valid_rows_and_exits_3(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", MIXED)
    result = run("import", path, "--skip-invalid")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert SUMMARY.fullmatch(lines[-1] + "\n")
    assert lines[-1].startswith("Imported 4 rows: 2 added, 0 updated, 0 unchanged, 2 rejected in ")
    assert [(d["key"], d["status"]) for d in deals(run)] == [
        ("good", "rumored"),
        ("also-good", "agreed"),
    ]


def test_skip_invalid_with_no_bad_rows_exits_0(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,reported\nGood,2020\n")
    assert summary(run, path, "--skip-invalid") == (1, 1, 0, 0, 0)


def test_rejects_csv_holds_rejected_rows_with_an_error_column(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", MIXED)
    rejects = tmp_path / "rejects.csv"
    result = run("import", path, "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 3
    assert stat.S_IMODE(os.stat(rejects).st_mode) == 0o600
    text = rejects.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "target,status,reported,error"
    assert text.splitlines()[1] == f"Bad,zz,2020,\"status: 'zz' is not a status; {STATUS_CHOICES}\""
    assert text.splitlines()[2].startswith("Later,rumored,2999,reported: '2999' is after today")
    assert len(text.splitlines()) == 3


def test_rejects_include_rows_refused_against_the_ledger(run: Invoke, tmp_path: Path) -> None:
    run("add", "Acme", "--on", "2020", "--status", "completed")
    path = write(tmp_path, "d.csv", "key,status\nacme,rumored\n")
    rejects = tmp_path / "rejects.csv"
    result = run("import", path, "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 3
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "key,status,error"
    assert lines[1].startswith("acme,rumored,")


def test_rejects_jsonl_adds_an_error_key(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.jsonl",
        '{"target": "Good", "reported": "2020"}\n{"target": "Bad", "reported": "2020", "status": "zz"}\n',
    )
    rejects = tmp_path / "rejects.jsonl"
    result = run("import", path, "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 3
    assert stat.S_IMODE(os.stat(rejects).st_mode) == 0o600
    records = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert records == [
        {"target": "Bad", "reported": "2020", "status": "zz",
         "error": f"status: 'zz' is not a status; {STATUS_CHOICES}"},
    ]  # fmt: skip


def test_rejects_json_is_an_array(run: Invoke, tmp_path: Path) -> None:
    rows = [{"target": "Good", "reported": "2020"}, {"target": "Bad", "reported": "zz"}]
    path = write(tmp_path, "d.json", json.dumps(rows))
    rejects = tmp_path / "rejects.json"
    assert run("import", path, "--skip-invalid", "--rejects", str(rejects)).exit_code == 3
    rejected = json.loads(rejects.read_text(encoding="utf-8"))
    assert [r["target"] for r in rejected] == ["Bad"]
    assert rejected[0]["error"].startswith("reported: ")


def test_dry_run_into_a_missing_ledger_creates_nothing(
    run: Invoke, tmp_path: Path, db_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "target,acquirers,reported\nAcme,Big Co,2020\nZed,,2021\n")
    result = run("import", path, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "add\tacme-big-co\nadd\tzed\n"
    assert result.stderr == "Dry run: 2 rows: 2 to add, 0 to update, 0 unchanged, 0 rejected\n"
    assert not db_path.exists()
    assert not list(tmp_path.glob("ledger.db*"))


def test_dry_run_leaves_an_existing_ledger_byte_identical(
    story: Invoke, tmp_path: Path, db_path: Path
) -> None:
    before = db_path.read_bytes()
    path = write(
        tmp_path,
        "d.csv",
        "key,target,acquirers,status,reported,date\n"
        "tiktok-india-reliance-jio,,,failed,,2021-02-13\n"
        "tiktok-india-glance-digital-experience,,,agreed,,2021-03\n"
        ",Acme,,,2020,\n",
    )
    result = story("import", path, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "unchanged\ttiktok-india-reliance-jio\n"
        "update\ttiktok-india-glance-digital-experience\n"
        "add\tacme\n"
    )
    assert result.stderr == "Dry run: 3 rows: 1 to add, 1 to update, 1 unchanged, 0 rejected\n"
    assert db_path.read_bytes() == before


def test_dry_run_exits_as_the_real_run_would(run: Invoke, tmp_path: Path, db_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", "target,status,reported\nAcme,zz,2020\n")
    result = run("import", bad, "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{bad}:2: status: 'zz' is not a status; {STATUS_CHOICES}\n"
        f"Error: 1 problem in {bad}; nothing imported\n"
    )
    mixed = write(tmp_path, "mixed.csv", MIXED)
    result = run("import", mixed, "--dry-run", "--skip-invalid")
    assert result.exit_code == 3
    assert result.stdout == "add\tgood\nadd\talso-good\n"
    assert result.stderr.splitlines()[-1] == (
        "Dry run: 4 rows: 2 to add, 0 to update, 0 unchanged, 2 rejected"
    )
    assert not db_path.exists()


def test_skip_invalid_leaves_nothing_of_a_deal_object_with_a_bad_event(
    run: Invoke, tmp_path: Path
) -> None:
    good = {
        "target": "Kept Co",
        "reported": "2020",
        "parties": [{"name": "Kept Co", "role": "target"}],
    }
    bad = {
        "target": "Half Co",
        "reported": "2020",
        "parties": [
            {"name": "Half Co", "role": "target"},
            {"name": "Ghost Buyer", "role": "acquirer"},
        ],
        "events": [
            {"type": "created", "on": "2020", "recorded_at": "not a time", "status": "rumored"}
        ],
    }
    path = write(tmp_path, "d.jsonl", json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    result = run("import", path, "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        f"{path}:2: events: recorded_at 'not a time' is not RFC 3339 UTC with microseconds "
        "(2021-02-13T09:30:00.000000Z)"
    )
    names = [p["name"] for p in json.loads(run("party", "list", "-f", "json").stdout)]
    assert names == ["Kept Co"]


CREATED = {
    "type": "created",
    "on": "2020",
    "recorded_at": "2021-01-01T00:00:00.000000Z",
    "status": "rumored",
}


def deal_object(target: str, *events: Mapping[str, object], **fields: object) -> dict[str, object]:
    parties = [{"name": target, "role": "target"}]
    return {
        "target": target,
        "reported": "2020",
        "parties": parties,
        "events": [dict(event) for event in events],
    } | fields


def test_a_deal_object_repeated_later_in_the_file_adds_its_new_events_to_the_same_deal(
    run: Invoke, tmp_path: Path
) -> None:
    agreed = {
        "type": "status",
        "on": "2021",
        "recorded_at": "2021-06-01T00:00:00.000000Z",
        "status": "agreed",
    }
    first = deal_object("Twice Co", CREATED, key="twice")
    again = deal_object("Twice Co", CREATED, agreed, key="twice")
    path = write(tmp_path, "d.jsonl", json.dumps(first) + "\n" + json.dumps(again) + "\n")
    assert summary(run, path) == (2, 1, 1, 0, 0)
    [deal] = json.loads(run("export", "-f", "json").stdout)["deals"]
    assert (deal["key"], deal["status"]) == ("twice", "agreed")
    assert [(e["id"], e["type"]) for e in deal["events"]] == [(1, "created"), (2, "status")]
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_a_history_without_a_created_event_is_refused_and_writes_nothing(
    run: Invoke, tmp_path: Path
) -> None:
    headless = deal_object("Headless Co", {**CREATED, "type": "note", "text": "no beginning"})
    kept = deal_object("Kept Co", CREATED)
    path = write(tmp_path, "d.jsonl", json.dumps(headless) + "\n" + json.dumps(kept) + "\n")
    result = run("import", path, "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        f"{path}:1: events: a deal's history must start with a created event"
    )
    assert [d["target"] for d in deals(run)] == ["Kept Co"]


def test_a_party_record_whose_name_is_not_text_is_a_row_problem(
    run: Invoke, tmp_path: Path
) -> None:
    lines = [
        {"type": "ledger", "format": "dealtrack", "version": 1},
        {"type": "party", "name": 42, "kind": "company"},
        {"type": "party", "name": "Fine Co", "kind": "company"},
    ]
    path = write(tmp_path, "d.jsonl", "".join(json.dumps(line) + "\n" for line in lines))
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: name: expected text, found a number\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def at_most_a_megabyte_a_file() -> None:
    """In the child: writes past 1 MB fail (EFBIG) instead of killing it (SIGXFSZ)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


@requires_script
def test_a_scratch_file_that_cannot_grow_fails_the_import_with_one_line_and_no_ledger(
    tmp_path: Path,
) -> None:
    rows = "".join(f"Target {n},Buyer {n},2020\n" for n in range(20_000))
    path = write(tmp_path, "d.csv", "target,acquirers,reported\n" + rows)
    ledger = tmp_path / "new.db"
    result = subprocess.run(
        [str(SCRIPT), "--db", str(ledger), "import", path],
        capture_output=True,
        text=True,
        env=user_env(tmp_path),
        preexec_fn=at_most_a_megabyte_a_file,  # only sets limits; this process starts no threads
        check=False,
    )
    assert result.returncode == 1
    assert re.fullmatch(
        r"Error: the import's scratch file failed \([^)]+\); it needs free space of about "
        r"three times the file's size in SQLITE_TMPDIR, TMPDIR or /var/tmp \(set SQLITE_TMPDIR "
        r"to a folder with room\); nothing was imported\n",
        result.stderr,
    ), result.stderr
    assert not ledger.exists()


# The outcome of an import, unit by unit


def test_a_plan_past_a_megabyte_moves_to_disk_and_reads_back_in_order() -> None:
    plan = Plan()
    for n in range(60_000):
        plan.add(("added", "updated", "unchanged")[n % 3], f"deal-{n:07d}")
    assert plan.file._rolled  # type: ignore[attr-defined]  # on disk now
    listed = list(plan)
    assert len(listed) == 60_000
    assert listed[:3] == [
        ("add", "deal-0000000"),
        ("update", "deal-0000001"),
        ("unchanged", "deal-0000002"),
    ]
    assert listed[-1] == ("unchanged", "deal-0059999")


def test_a_merged_repeat_counts_as_updated_only_if_the_deal_changed() -> None:
    result = ImportResult()
    result.count("added", "a", [True, False])
    result.count("unchanged", "b", [True])
    assert (result.added, result.updated, result.unchanged) == (1, 1, 3)
    assert result.plan is not None
    assert list(result.plan) == [("add", "a"), ("unchanged", "b")]


def test_an_import_that_prints_no_plan_counts_without_keeping_one() -> None:
    result = ImportResult(plan=None)
    result.count_added("a")
    result.count("unchanged", "b", [False])
    assert (result.added, result.updated, result.unchanged) == (1, 0, 2)


def test_a_rejected_row_is_listed_and_written_with_all_its_problems() -> None:
    out = io.StringIO()
    problems = Problems("d.csv", RejectWriter(out, "csv"))
    problems.reject(7, {"target": "Acme", "status": "won"}, [("status", "bad"), ("value", "worse")])
    assert problems.shown() == ["d.csv:7: status: bad", "d.csv:7: value: worse"]
    assert problems.rejected_lines == {7}
    assert out.getvalue() == "target,status,error\nAcme,won,status: bad; value: worse\n"


def test_past_fifty_problems_the_rest_are_counted() -> None:
    problems = Problems("-")
    for line in range(2, 62):
        problems.add(line, "row", "unreadable")
    assert problems.shown()[-2:] == ["-:51: row: unreadable", "… and 10 more problems"]
    assert str(problems.error()) == "60 problems in -; nothing imported"


def test_the_summary_line_of_a_run_and_of_a_dry_run() -> None:
    result = ImportResult(rows=3, added=2, unchanged=1, seconds=0.04)
    assert summary_line(result, dry_run=False) == (
        "Imported 3 rows: 2 added, 0 updated, 1 unchanged, 0 rejected in 0.0 s"
    )
    assert summary_line(result, dry_run=True) == (
        "Dry run: 3 rows: 2 to add, 0 to update, 1 unchanged, 0 rejected"
    )


def test_problems_found_late_are_shown_in_file_order_and_the_earliest_fifty_kept() -> None:
    problems = Problems("d.csv")
    for line in range(100, 160):
        problems.add(line, "value", "bad")
    problems.add(3, "row", "matches 2 deals")
    problems.add(3, "target", "again")
    shown = problems.shown()
    assert shown[:3] == [
        "d.csv:3: row: matches 2 deals",
        "d.csv:3: target: again",
        "d.csv:100: value: bad",
    ]
    assert shown[-2:] == ["d.csv:147: value: bad", "… and 12 more problems"]
