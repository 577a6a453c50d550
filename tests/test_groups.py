"""``--group NAME``: the deals of a party, its units and what it controls on each deal's date;
``party show NAME --tree``; and ``check`` finding loops of control made of links."""

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import BuiltLedger, Invoke, LedgerUnderTest

GROUP = (
    ("party", "add", "Reliance Retail", "--parent", "Reliance Industries"),
    ("party", "add", "Reliance Fresh", "--parent", "Reliance Retail"),
    (
        "party", "link", "Reliance Industries", "--owns", "Jio Platforms",
        "--stake", "67.03", "--on", "2020-01-01",
    ),
    ("party", "link", "Reliance Industries", "--owns", "Network18", "--stake", "30"),
    ("party", "link", "Jio Platforms", "--leads", "Saavn"),
    ("add", "Future Retail", "--acquirer", "Reliance Retail", "--kind", "asset-sale",
     "--on", "2020-08-29"),
    ("add", "Milkbasket", "--acquirer", "Reliance Fresh", "--kind", "acquisition",
     "--on", "2021-05"),
    ("add", "Haptik", "--acquirer", "Jio Platforms", "--kind", "acquisition", "--on", "2019-04"),
    ("add", "Fynd", "--acquirer", "Jio Platforms", "--kind", "stake", "--on", "2020-06"),
    ("add", "Moneycontrol", "--seller", "Network18", "--on", "2020-03"),
    ("add", "Just Dial", "--acquirer", "Reliance Retail", "--kind", "acquisition",
     "--status", "completed", "--on", "2021-07-16"),
    ("add", "JD Mart", "--seller", "Just Dial", "--acquirer", "Tata", "--on", "2022-01"),
    ("add", "Old Listing", "--seller", "Just Dial", "--acquirer", "Tata", "--on", "2020-01"),
    ("add", "Saavn", "--acquirer", "Tata", "--on", "2023"),
)  # fmt: skip


def keys(run: Invoke, *args: str) -> list[str]:
    result = run(*args, "-f", "csv", "--fields", "key", "--no-headers")
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def test_group_finds_the_deals_of_units_and_of_what_the_party_controls_on_their_date(
    built_ledger: BuiltLedger,
) -> None:
    run = built_ledger(GROUP)
    # Not Haptik (2019: Reliance owned Jio from 2020), Moneycontrol (a 30% stake is no
    # control) or Old Listing (2020: Just Dial was bought in 2021).
    assert keys(run, "list", "--group", "Reliance Industries") == [
        "future-retail-reliance-retail",
        "milkbasket-reliance-fresh",
        "fynd-jio-platforms",
        "just-dial-reliance-retail",
        "jd-mart-tata",
        "saavn-tata",
    ]
    assert keys(run, "list", "--group", "Reliance Retail") == [
        "future-retail-reliance-retail",
        "milkbasket-reliance-fresh",
        "just-dial-reliance-retail",
        "jd-mart-tata",
    ]


def test_group_as_of_a_date_reaches_through_the_links_in_force_on_it(
    built_ledger: BuiltLedger,
) -> None:
    run = built_ledger(GROUP)
    assert keys(run, "list", "--group", "Reliance Industries", "--as-of", "2020-12-31") == [
        "future-retail-reliance-retail",
        "haptik-jio-platforms",
        "fynd-jio-platforms",
    ]
    assert keys(run, "list", "--group", "Reliance Industries", "--as-of", "2019-12-31") == []


def test_group_is_a_filter_of_report_history_export_and_conflicts(
    built_ledger: BuiltLedger,
) -> None:
    run = built_ledger(GROUP)
    report = run("report", "--group", "Jio Platforms", "-f", "json")
    assert report.exit_code == 0, report.stderr
    assert [(g["group"], g["deals"]) for g in json.loads(report.stdout)] == [("rumored", 3)]
    history = run("history", "--group", "Jio Platforms", "-f", "csv", "--fields", "deal,type")
    assert history.stdout.splitlines() == [
        "deal,type",
        "haptik-jio-platforms,created",
        "fynd-jio-platforms,created",
        "saavn-tata,created",
    ]
    exported = run("export", "--group", "Reliance Fresh")
    assert [d["key"] for d in json.loads(exported.stdout)["deals"]] == ["milkbasket-reliance-fresh"]
    conflicts = run("conflicts", "--group", "Reliance Fresh", "-f", "json")
    assert (conflicts.exit_code, conflicts.stdout, conflicts.stderr) == (
        0,
        "[]\n",
        "Note: no conflicts\n",
    )


def test_repeated_groups_are_ored_and_an_unknown_one_is_noted(built_ledger: BuiltLedger) -> None:
    run = built_ledger(GROUP)
    assert keys(run, "list", "--group", "Reliance Fresh", "--group", "Network18") == [
        "milkbasket-reliance-fresh",
        "moneycontrol",
    ]
    result = run("list", "--group", "Reliance Industrie")
    assert result.exit_code == 0
    assert result.stderr == (
        'Note: no deals match\nNote: no party named "Reliance Industrie"; it matches no deal'
        ' (did you mean "Reliance Industries"?)\n'
    )


def test_group_ends_on_a_loop_of_parents_in_imported_data(
    built_ledger: BuiltLedger, ledger_db: LedgerUnderTest
) -> None:
    run = built_ledger(GROUP)
    ledger_db.sql(
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Reliance Fresh') "
        "WHERE name = 'Reliance Industries'"
    )
    assert keys(run, "list", "--group", "Reliance Fresh") == [
        "future-retail-reliance-retail",
        "milkbasket-reliance-fresh",
        "fynd-jio-platforms",
        "just-dial-reliance-retail",
        "jd-mart-tata",
        "saavn-tata",
    ]


def test_party_show_tree_draws_what_the_party_controls_with_stakes_today_or_as_of(
    built_ledger: BuiltLedger,
) -> None:
    run = built_ledger(GROUP)
    result = run("party", "show", "Reliance Industries", "--tree")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Reliance Industries\n"
        "  Jio Platforms (owns 67.03%)\n"
        "    Saavn (leads)\n"
        "  Reliance Retail (unit)\n"
        "    Just Dial (owns via just-dial-reliance-retail)\n"
        "    Reliance Fresh (unit)\n"
    )
    before = run("party", "show", "Reliance Industries", "--tree", "--as-of", "2019")
    assert before.stdout == (
        "Reliance Industries\n  Reliance Retail (unit)\n    Reliance Fresh (unit)\n"
    )
    drawn = json.loads(run("party", "show", "Jio Platforms", "--tree", "-f", "json").stdout)
    assert drawn == {
        "party": "Jio Platforms",
        "controls": [
            {"party": "Saavn", "kind": "leads", "stake": None, "via": None, "controls": []}
        ],
    }


def test_party_show_tree_of_an_unknown_party_is_an_error(built_ledger: BuiltLedger) -> None:
    result = built_ledger(GROUP)("party", "show", "Reliance Industrie", "--tree")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith('Error: no party named "Reliance Industrie"')


def test_check_reports_a_loop_of_control_made_of_links_once(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    for holder, kind, party in (("Alpha", "--leads", "Beta"), ("Beta", "--owns", "Gamma")):
        assert run("party", "link", holder, kind, party).exit_code == 0
    assert run("check").exit_code == 0
    # Imported data (or raw SQL) can close the loop: Gamma becomes Alpha's parent.
    ledger_db.sql(
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Gamma') "
        "WHERE name = 'Alpha'"
    )
    result = run("check")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "party Alpha: its chain of control loops (Alpha → Gamma → Beta → Alpha)\n"
        "Error: 1 problem in the ledger; see above\n"
    )
    tree = run("party", "show", "Alpha", "--tree")
    assert tree.stdout == "Alpha\n  Beta (leads)\n    Gamma (owns)\n"


@pytest.mark.sqlite_only("query plans are SQLite's")
def test_the_walk_finds_edges_by_index_and_never_scans_links_deals_or_events(
    story: Invoke, db_path: Path
) -> None:
    from sqlalchemy import create_engine

    from dealtrack.graph import _walk_up

    compiled = _walk_up().compile(create_engine("sqlite://"))
    values = compiled.construct_params({"deal_id": 1, "day": "2021-01-01", "depth": 3})
    assert compiled.positiontup is not None
    with closing(sqlite3.connect(db_path)) as connection:
        plan = connection.execute(
            f"EXPLAIN QUERY PLAN {compiled}", [values[name] for name in compiled.positiontup]
        ).fetchall()
    steps = [row[-1] for row in plan]
    assert "SEARCH link_1 USING INDEX ix_link_party_id (party_id=?) LEFT-JOIN" in steps
    scans = [
        s
        for s in steps
        if s.startswith("SCAN") and s.split()[1] not in ("branch", "reach", "CONSTANT")
    ]
    assert scans == []
