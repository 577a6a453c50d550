"""What an import reports: the plan, the counts, the problems and their summary line."""

import io

from dealtrack.bulk.outcomes import ImportResult, Plan, Problems, summary
from dealtrack.bulk.rejects import RejectWriter


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
    assert list(result.plan) == [("add", "a"), ("unchanged", "b")]


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
    assert summary(result, dry_run=False) == (
        "Imported 3 rows: 2 added, 0 updated, 1 unchanged, 0 rejected in 0.0 s"
    )
    assert summary(result, dry_run=True) == (
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
