"""``import --links FILE`` and the ledger document's ``links`` section: links in bulk, recorded
as ``party link`` records them, atomic, line-numbered, idempotent, and round-tripped exactly."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack
from tests.conftest import Invoke, LedgerUnderTest, NewLedger
from tests.import_files import SUMMARY, write

HEADER = "holder,kind,party,stake,since,until,source,url,attribution,note\n"
LINKS = HEADER + (
    "SoftBank,backs,InMobi,,,,Bloomberg,,,\n"
    "SoftBank,backs,ByteDance,,,,Bloomberg,,,\n"
    "Fox,owns,Sky,39,2018,,Reuters,https://example.com/fox,official,a toehold\n"
    "Peter Thiel,leads,Mithril Capital,,,,,,,\n"
)


def counts(result: Any) -> tuple[int, ...]:
    assert result.exit_code == 0, result.stderr
    found = SUMMARY.fullmatch(result.stderr)
    assert found is not None, result.stderr
    return tuple(int(n) for n in found.groups())


def described(run: Invoke) -> list[str]:
    """The ledger's link events as the history feed says them."""
    result = run("history", "--fields", "id,on,type,what,source,note", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()[1:]


def refused(
    run: Invoke, ledger_db: LedgerUnderTest, path: str, *problems: str, args: tuple[str, ...] = ()
) -> None:
    """The import fails with exactly these problem lines, and the ledger is as it was."""
    before = ledger_db.contents()
    result = run("import", "--links", path, *args)
    noun = "problem" if len(problems) == 1 else "problems"
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "".join(f"{path}:{p}\n" for p in problems) + (
        f"Error: {len(problems)} {noun} in {path}; nothing imported\n"
    )
    assert ledger_db.contents() == before


def test_import_links_records_each_row_as_party_link_would(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "links.csv", LINKS)
    assert counts(run("import", "--links", path)) == (4, 4, 0, 0, 0)
    assert described(run) == [
        "1\t\tlink\tSoftBank backs InMobi\tBloomberg\t",
        "2\t\tlink\tSoftBank backs ByteDance\tBloomberg\t",
        "4\t\tlink\tPeter Thiel leads Mithril Capital\t\t",
        "3\t2018\tlink\tFox owns 39% of Sky\tReuters (official)\ta toehold",
    ]
    shown = json.loads(run("party", "show", "Sky", "-f", "json").stdout)["links"]
    assert shown == [
        {"direction": "held_by", "kind": "owns", "party": "Fox", "stake": "39.00",
         "since": "2018", "until": None, "via": None},
    ]  # fmt: skip


def test_importing_the_same_links_twice_records_them_once(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "links.csv", LINKS)
    counts(run("import", "--links", path))
    first = run("export").stdout
    assert counts(run("import", "--links", path)) == (4, 0, 0, 4, 0)
    repeated = write(tmp_path, "twice.csv", HEADER + "A,backs,B,,,,,,,\nA,backs,B,,,,,,,\n")
    assert counts(run("import", "--links", repeated)) == (2, 1, 0, 1, 0)
    assert run("export").stdout.count('"holder": "A"') == 2  # the link object and its one event
    assert first != run("export").stdout


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("links.tsv", "holder\tkind\tparty\tstake\nFox\towns\tSky\t39.5\n"),
        ("links.json", '[{"holder": "Fox", "kind": "owns", "party": "Sky", "stake": "39.5"}]'),
        ("links.jsonl", '{"Holder": "Fox", "kind": "OWNS", "party": "Sky", "stake": "39.5%"}\n'),
    ],
)
def test_links_import_from_tsv_json_and_json_lines(
    run: Invoke, tmp_path: Path, name: str, content: str
) -> None:
    assert counts(run("import", "--links", write(tmp_path, name, content))) == (1, 1, 0, 0, 0)
    assert described(run) == ["1\t\tlink\tFox owns 39.5% of Sky\t\t"]


def test_bad_link_rows_are_listed_by_line_and_nothing_is_imported(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    run("party", "add", "Keep")
    path = write(
        tmp_path,
        "bad.csv",
        HEADER
        + "Acme,holds,Beta,,,,,,,\n"
        + "Acme,backs,Acme,,,,,,,\n"
        + "Acme,owns,Beta,150,2020,2019,,,sure,\n"
        + "Acme,backs,Beta,10,,,,,,\n"
        + ",owns,,,,,,,,\n"
        + "Acme,owns,Gamma,,2999,,,,,\n"
        + "Acme,owns,Beta,60,,,,,,\n",
    )
    result = run("import", "--links", path)
    assert (result.exit_code, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    today = re.search(r"after today \((\d{4}-\d\d-\d\d)\)", result.stderr)
    assert today is not None
    assert lines == [
        f"{path}:2: kind: 'holds' is not a link kind; use one of: owns, backs, leads",
        f'{path}:3: party: "Acme" cannot back itself',
        f"{path}:4: stake: '150' is not a stake; a stake is above 0 and at most 100 percent",
        f"{path}:4: until: until 2019 is not after since 2020",
        f"{path}:4: attribution: 'sure' is not an attribution; use one of: official, on-record, "
        "anonymous, unattributed",
        f"{path}:5: stake: a stake goes with owns, not backs",
        f"{path}:6: holder: required",
        f"{path}:6: party: required",
        f"{path}:7: since: '2999' is after today ({today.group(1)}); effective dates cannot be "
        "in the future",
        f"Error: 9 problems in {path}; nothing imported",
    ]
    assert [p["name"] for p in json.loads(run("party", "list", "-f", "json").stdout)] == ["Keep"]


def test_a_loop_of_control_is_refused_within_the_file_and_against_the_ledger(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    run("party", "add", "Unit", "--parent", "Group")
    path = write(tmp_path, "loop.csv", "holder,kind,party\nA,owns,B\nB,leads,C\nC,owns,A\n")
    refused(
        run, ledger_db, path,
        '4: party: "C" cannot own "A": that is a loop of control (A → C → B → A)',
    )  # fmt: skip
    parent = write(tmp_path, "parent.csv", "holder,kind,party,stake\nUnit,owns,Group,51\n")
    refused(
        run, ledger_db, parent,
        '2: party: "Unit" cannot own "Group": that is a loop of control (Group → Unit → Group)',
    )  # fmt: skip
    minority = write(tmp_path, "minority.csv", "holder,kind,party,stake\nUnit,owns,Group,50\n")
    assert counts(run("import", "--links", minority)) == (1, 1, 0, 0, 0)


def test_skip_invalid_records_the_good_rows_and_exits_3(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "some.csv", "holder,kind,party\nA,owns,B\nA,owns,A\nB,backs,C\n")
    result = run("import", "--links", path, "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        f'{path}:3: party: "A" cannot own itself\nImported 3 rows: 2 added, 0 updated, '
        "0 unchanged, 1 rejected in "
    )
    assert [line.split("\t")[3] for line in described(run)] == ["A owns B", "B backs C"]


def test_dry_run_prints_the_plan_and_writes_nothing(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    run("party", "link", "SoftBank", "--backs", "InMobi", "--source", "Bloomberg")
    before = ledger_db.contents()
    result = run("import", "--links", write(tmp_path, "links.csv", LINKS), "--dry-run")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "unchanged\tSoftBank backs InMobi\nadd\tSoftBank backs ByteDance\nadd\tFox owns Sky\n"
        "add\tPeter Thiel leads Mithril Capital\n",
        "Dry run: 4 rows: 3 to add, 0 to update, 1 unchanged, 0 rejected\n",
    )
    assert ledger_db.contents() == before


def test_a_links_header_with_unknown_or_missing_columns_is_one_problem_each(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    path = write(tmp_path, "h.csv", "holder,kind,partie\nA,owns,B\n")
    refused(
        run, ledger_db, path,
        '1: header: unknown column "partie"; the columns are holder, kind, party, stake, since, '
        "until, source, url, attribution, note",
        '1: header: no "party" column; every link needs one',
    )  # fmt: skip


def test_json_link_values_are_text_and_unknown_keys_are_refused(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    text = (
        '[\n{"holder": "A", "kind": "owns", "party": "B", "stake": 39},\n'
        '{"holder": "A", "kind": "owns", "party": "C", "since": 2020, "share": "x"}\n]\n'
    )
    refused(
        run, ledger_db, write(tmp_path, "l.json", text),
        "2: stake: expected text, found a number",
        '3: row: unknown key "share"; the keys are holder, kind, party, stake, since, until, '
        "source, url, attribution, note",
    )  # fmt: skip


def test_options_that_read_deals_are_refused_with_links(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "links.csv", LINKS)
    result = run("import", "--links", path, "--map", "target=x")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        "Error: --map reads deals, not --links",
    )


def test_a_ledger_document_is_imported_without_links(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "ledger.json", '{"format": "dealtrack", "version": 2, "links": []}\n')
    result = run("import", "--links", path)
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {path} is a ledger document, not a list of links; import it without --links\n",
    )


def on(ledger: LedgerUnderTest, *args: str) -> Result:
    return CliRunner(catch_exceptions=False).invoke(dealtrack, ["--db", ledger.url, *args])


def linked(run: Invoke) -> Invoke:
    """Links of every kind and event: dated, staked, ended, unlinked, voided, a void voided."""
    for args in (
        ("party", "add", "Unit", "--parent", "Group"),
        ("party", "link", "SoftBank", "--backs", "InMobi", "--source", "Bloomberg"),
        ("party", "link", "Fox", "--owns", "Sky", "--stake", "39", "--on", "2018", "--note", "x"),
        ("party", "link", "Fox", "--owns", "Sky", "--stake", "61", "--on", "2018-09-26"),
        ("party", "unlink", "Fox", "--owns", "Sky", "--on", "2019-03"),
        ("party", "link", "Group", "--leads", "Fund", "--on", "2010", "--until", "2015-06"),
        ("party", "link", "Ω Fund", "--backs", "Ünicode AG", "--url", "https://example.com"),
        ("add", "Sky", "--acquirer", "Comcast", "--on", "2018-09", "--status", "completed"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
    events = json.loads(run("history", "-f", "json").stdout)
    ids = {e["what"] if "what" in e else (e["holder"], e.get("stake")): e["id"] for e in events
           if e["type"] == "link"}  # fmt: skip
    for target in (ids[("SoftBank", None)], ids[("Fox", "61.00")]):
        assert run("void", str(target), "--reason", "misread").exit_code == 0
    voids = [
        e["id"] for e in json.loads(run("history", "-f", "json").stdout) if e["type"] == "void"
    ]
    assert run("void", str(voids[-1]), "--reason", "it was right").exit_code == 0
    return run


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_ledger_with_links_round_trips_byte_identical(
    run: Invoke, tmp_path: Path, new_ledger: NewLedger, fmt: str
) -> None:
    linked(run)
    first = run("export", "-f", fmt).stdout
    path = write(tmp_path, f"ledger.{fmt}", first)
    copy = new_ledger(f"copy-{fmt}.db")
    assert on(copy, "import", path).exit_code == 0
    assert on(copy, "export", "-f", fmt).stdout == first
    assert on(copy, "check").exit_code == 0
    assert on(copy, "history").stdout == run("history").stdout
    assert on(copy, "party", "show", "Sky").stdout == run("party", "show", "Sky").stdout
    result = run("import", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Imported 5 rows: 0 added, 0 updated, 5 unchanged, 0 rejected")
    assert run("export", "-f", fmt).stdout == first


def test_the_document_s_links_section_holds_each_link_with_its_events(run: Invoke) -> None:
    linked(run)
    links = json.loads(run("export").stdout)["links"]
    assert [(link["holder"], link["kind"], link["party"]) for link in links] == [
        ("SoftBank", "backs", "InMobi"), ("Fox", "owns", "Sky"), ("Group", "leads", "Fund"),
        ("Ω Fund", "backs", "Ünicode AG"),
    ]  # fmt: skip
    fox = links[1]["events"]
    assert [(e["id"], e["type"], e["on"], e.get("stake"), e.get("voids")) for e in fox] == [
        (2, "link", "2018", "39.00", None),
        (3, "link", "2018-09-26", "61.00", None),
        (4, "unlink", "2019-03", None, None),
        (fox[3]["id"], "void", fox[3]["on"], None, 3),
        (fox[4]["id"], "void", fox[4]["on"], None, fox[3]["id"]),
    ]
    assert list(fox[0]) == [
        "id", "deal", "type", "on", "recorded_at", "holder", "kind", "party", "stake", "until",
        "source", "note",
    ]  # fmt: skip
    lines = run("export", "-f", "jsonl").stdout.splitlines()
    kinds = [json.loads(line).get("type") for line in lines]
    assert kinds == ["ledger"] + ["party"] * 10 + ["link"] * 4 + ["deal"]


def test_an_as_of_export_holds_the_link_events_up_to_its_date(run: Invoke) -> None:
    linked(run)
    links = json.loads(run("export", "--as-of", "2018-12").stdout)["links"]
    fox = next(link for link in links if link["holder"] == "Fox")
    assert [(e["type"], e["on"]) for e in fox["events"]] == [
        ("link", "2018"),
        ("link", "2018-09-26"),
    ]


def test_a_document_link_that_loops_or_links_to_itself_is_refused(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    run("party", "add", "Unit", "--parent", "Group")
    event = {"id": 1, "type": "link", "on": None, "recorded_at": "2021-02-13T09:30:00.000000Z"}
    document = {
        "format": "dealtrack",
        "version": 2,
        "parties": [],
        "links": [
            {"holder": "Unit", "kind": "leads", "party": "Group", "events": [event]},
            {"holder": "Acme", "kind": "owns", "party": "ACME", "events": [event]},
            {"holder": "A;B", "kind": "owns", "party": "C", "events": [event]},
        ],
        "fx_rates": [],
        "deals": [],
    }
    path = write(tmp_path, "d.json", json.dumps(document, indent=2))
    refused_document = run("import", path)
    assert (refused_document.exit_code, refused_document.stderr) == (
        1,
        f'{path}:6: party: "Unit" cannot lead "Group": that is a loop of control '
        "(Group → Unit → Group)\n"
        f'{path}:19: party: "Acme" cannot own itself\n'
        f"{path}:32: holder: 'A;B' is not a valid party name: it may not contain ';', NUL or "
        "control characters\n"
        f"Error: 3 problems in {path}; nothing imported\n",
    )
    assert [p["name"] for p in json.loads(run("party", "list", "-f", "json").stdout)] == [
        "Group",
        "Unit",
    ]


def test_a_document_link_that_backs_with_a_stake_is_refused_as_on_the_command_line(
    run: Invoke, tmp_path: Path
) -> None:
    assert run("party", "add", "Co").exit_code == 0
    event = {"id": 1, "type": "link", "on": None, "recorded_at": "2021-02-13T09:30:00.000000Z"}
    document = {
        "format": "dealtrack",
        "version": 2,
        "parties": [],
        "links": [
            {"holder": "Fund", "kind": "backs", "party": "Co", "events": [event | {"stake": "5"}]}
        ],
        "fx_rates": [],
        "deals": [],
    }
    path = write(tmp_path, "d.json", json.dumps(document, indent=2))
    refused = run("import", path)
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"{path}:6: events: a stake goes with owns, not backs\n"
        f"Error: 1 problem in {path}; nothing imported\n",
    )
    assert [p["name"] for p in json.loads(run("party", "list", "-f", "json").stdout)] == ["Co"]
