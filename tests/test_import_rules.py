"""The party and input rules the command line keeps, kept alike by every import path.

Flat rows arrive as CSV, a JSON array or JSON Lines; ledger documents as JSON or JSON Lines. Each
rule is tried through each path that can break it: roles that cannot combine, parents that loop,
country codes, JSON types, and the head of a ledger document.
"""

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dealtrack.cli import dealtrack
from tests.conftest import BuiltLedger, Invoke, LedgerUnderTest, NewLedger
from tests.import_files import write
from tests.ledger_json import deal, events, party

FLAT = ("csv", "json", "jsonl")
DOCUMENTS = ("json", "jsonl")
COUNTRY_RULE = "is not an ISO 3166 alpha-2 country code; write e.g. IN or US"


def flat_file(tmp_path: Path, fmt: str, rows: list[dict[str, Any]]) -> tuple[str, list[int]]:
    """The rows as a file of that format, and the line each row starts on."""
    if fmt == "csv":
        columns = list(dict.fromkeys(c for row in rows for c in row))
        lines = [",".join(columns)]
        lines += [",".join(_cell(row.get(c)) for c in columns) for row in rows]
        return write(tmp_path, "rows.csv", "\n".join(lines) + "\n"), [
            2 + n for n in range(len(rows))
        ]
    if fmt == "json":
        body = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
        return write(tmp_path, "rows.json", f"[\n{body}\n]\n"), [2 + n for n in range(len(rows))]
    body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return write(tmp_path, "rows.jsonl", body), [1 + n for n in range(len(rows))]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = ";".join(value) if isinstance(value, list) else str(value)
    return f'"{text}"' if "," in text else text


def document(
    tmp_path: Path,
    fmt: str,
    parties: list[dict[str, Any]] | None = None,
    deals: list[dict[str, Any]] | None = None,
    **head: Any,
) -> tuple[str, list[int]]:
    """A ledger document (head, parties, then deals), one record a line, and the line of each."""
    head = {"format": "dealtrack", "version": 1} | head
    parties, deals = parties or [], deals or []
    if fmt == "jsonl":
        lines = [json.dumps({"type": "ledger", **head})]
        lines += [json.dumps({"type": "party", **p}, ensure_ascii=False) for p in parties]
        lines += [json.dumps({"type": "deal", **d}, ensure_ascii=False) for d in deals]
        numbers = list(range(2, len(lines) + 1))
    else:
        lines = ["{", *(f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items())]
        numbers = []
        for name, records in (("parties", parties), ("deals", deals)):
            lines.append(f'  "{name}": [')
            for n, record in enumerate(records):
                comma = "," if n < len(records) - 1 else ""
                lines.append("    " + json.dumps(record, ensure_ascii=False) + comma)
                numbers.append(len(lines))
            lines.append("  ]," if name == "parties" else "  ]")
        lines.append("}")
    return write(tmp_path, f"ledger.{fmt}", "\n".join(lines) + "\n"), numbers


def deal_object(target: str, *parties: tuple[str, object], **fields: Any) -> dict[str, Any]:
    named = [{"name": target, "role": "target"}, *({"name": n, "role": r} for r, n in parties)]
    return {"target": target, "reported": "2020", "parties": named} | fields


def refused(
    run: Invoke, ledger_db: LedgerUnderTest, path: str, *problems: str, args: tuple[str, ...] = ()
) -> None:
    """The import fails with exactly these problem lines, and the ledger is as it was."""
    before = ledger_db.contents()
    result = run("import", path, *args)
    noun = "problem" if len(problems) == 1 else "problems"
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "".join(f"{path}:{p}\n" for p in problems) + (
        f"Error: {len(problems)} {noun} in {path}; nothing imported\n"
    )
    assert ledger_db.contents() == before


def links_line(path: str) -> int:
    """The line of a document's first link record."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if "SoftBank" in line)


def refused_whole(run: Invoke, ledger_db: LedgerUnderTest, path: str, message: str) -> None:
    before = ledger_db.contents()
    result = run("import", path)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {path} {message}\n")
    assert ledger_db.contents() == before


ONE_DEAL = (
    ("party", "add", "Glance Digital Experience", "--alias", "Glance"),
    ("add", "TikTok India", "--seller", "ByteDance", "--acquirer", "Reliance Jio",
     "--on", "2020-08"),
)  # fmt: skip


@pytest.fixture
def ledger(built_ledger: BuiltLedger) -> Invoke:
    """A ledger with one deal (TikTok India sold by ByteDance to Reliance Jio) and an alias."""
    return built_ledger(ONE_DEAL)


# Roles that cannot combine


@pytest.mark.parametrize("fmt", FLAT)
def test_import_refuses_a_row_whose_target_holds_another_role(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    path, lines = flat_file(tmp_path, fmt, [
        {"target": "Fine Co", "acquirers": "Big Co", "reported": "2020"},
        {"target": "Acme", "acquirers": "ACME", "reported": "2020"},
        {"target": "Widget", "advisers": "Bank", "others": " widget ", "reported": "2020"},
    ])  # fmt: skip
    refused(
        ledger, ledger_db, path,
        f'{lines[1]}: acquirers: "Acme" is the target of this deal and cannot also be its acquirer',
        f'{lines[2]}: others: "Widget" is the target of this deal and cannot also be its other',
    )  # fmt: skip


@pytest.mark.parametrize("fmt", FLAT)
def test_import_refuses_a_row_with_a_party_both_acquirer_and_seller(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    row = {"target": "Widget", "acquirers": "Acme;Big Co", "sellers": "acme", "reported": "2020"}
    path, lines = flat_file(tmp_path, fmt, [row])
    refused(
        ledger, ledger_db, path, f'{lines[0]}: sellers: "Acme" cannot be both acquirer and seller'
    )


@pytest.mark.parametrize("fmt", FLAT)
def test_import_compares_a_row_s_parties_after_resolving_aliases(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    row = {"target": "Glance Digital Experience", "acquirers": "Glance", "reported": "2021"}
    path, lines = flat_file(tmp_path, fmt, [row])
    refused(
        ledger, ledger_db, path,
        f'{lines[0]}: acquirers: "Glance Digital Experience" is the target of this deal and '
        "cannot also be its acquirer",
    )  # fmt: skip


@pytest.mark.parametrize("fmt", FLAT)
def test_import_refuses_rows_of_one_deal_whose_merged_parties_clash(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    path, lines = flat_file(tmp_path, fmt, [
        {"key": "widget-acme", "target": "Widget", "acquirers": "Acme", "reported": "2020"},
        {"key": "widget-acme", "sellers": "Acme"},
    ])  # fmt: skip
    refused(
        ledger, ledger_db, path, f'{lines[1]}: sellers: "Acme" cannot be both acquirer and seller'
    )


@pytest.mark.parametrize("fmt", FLAT)
def test_import_refuses_an_update_that_leaves_a_deal_with_clashing_roles(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    key = "tiktok-india-reliance-jio"
    path, lines = flat_file(tmp_path, fmt, [
        {"key": key, "acquirers": "Reliance Jio;Bytedance"},
        {"key": key, "advisers": "TikTok India"},
    ])  # fmt: skip
    refused(
        ledger, ledger_db, path,
        f'{lines[0]}: acquirers: "ByteDance" cannot be both acquirer and seller',
        f'{lines[1]}: acquirers: "ByteDance" cannot be both acquirer and seller',
    )  # fmt: skip
    path, lines = flat_file(tmp_path, fmt, [{"key": key, "advisers": "TikTok India"}])
    refused(
        ledger, ledger_db, path,
        f'{lines[0]}: advisers: "TikTok India" is the target of this deal and cannot also be its '
        "adviser",
    )  # fmt: skip


@pytest.mark.parametrize("fmt", FLAT)
def test_an_update_that_replaces_a_role_may_move_a_party_across(
    ledger: Invoke, tmp_path: Path, fmt: str
) -> None:
    """The row's columns are the complete set for their roles: ByteDance stops being the seller
    in the same row that makes it the acquirer."""
    key = "tiktok-india-reliance-jio"
    row = {"key": key, "acquirers": "ByteDance", "sellers": "Reliance Jio", "date": "2020-09"}
    path, _ = flat_file(tmp_path, fmt, [row])
    result = ledger("import", path)
    assert result.exit_code == 0, result.stderr
    assert deal(ledger, key)["parties"] == [
        {"name": "TikTok India", "role": "target"},
        {"name": "ByteDance", "role": "acquirer"},
        {"name": "Reliance Jio", "role": "seller"},
    ]


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_import_refuses_a_deal_object_whose_parties_clash(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    path, lines = document(tmp_path, fmt, deals=[
        deal_object("Fine Co", ("acquirer", "Big Co")),
        deal_object("Acme", ("acquirer", "Acme")),
        deal_object("Widget", ("acquirer", "Acme"), ("seller", "ACME")),
        deal_object("Glance", ("backer", "Glance Digital Experience")),
    ])  # fmt: skip
    refused(
        ledger, ledger_db, path,
        f'{lines[1]}: parties: "Acme" is the target of this deal and cannot also be its acquirer',
        f'{lines[2]}: parties: "Acme" cannot be both acquirer and seller',
        f'{lines[3]}: parties: "Glance Digital Experience" is the target of this deal and cannot '
        "also be its backer",
    )  # fmt: skip


# Parents that loop


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_import_refuses_parents_that_loop(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    path, lines = document(tmp_path, fmt, parties=[
        {"name": "Alpha", "parent": "Beta"},
        {"name": "Gamma", "parent": "Alpha"},
        {"name": "Beta", "parent": "Gamma"},
        {"name": "Delta", "parent": "Delta"},
    ])  # fmt: skip
    refused(
        ledger, ledger_db, path,
        f'{lines[2]}: parent: "Gamma" cannot be the parent of "Beta": that is a cycle '
        "(Beta → Gamma → Alpha → Beta)",
        f'{lines[3]}: parent: "Delta" cannot be the parent of "Delta": that is a cycle '
        "(Delta → Delta)",
    )  # fmt: skip


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_skip_invalid_keeps_the_parents_that_do_not_close_a_loop(
    ledger: Invoke, tmp_path: Path, fmt: str
) -> None:
    path, lines = document(tmp_path, fmt, parties=[
        {"name": "Alpha", "parent": "Beta"},
        {"name": "Beta", "parent": "Alpha", "country": "IN"},
    ])  # fmt: skip
    result = ledger("import", path, "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        f'{path}:{lines[1]}: parent: "Alpha" cannot be the parent of "Beta": that is a cycle '
        "(Beta → Alpha → Beta)"
    )
    assert party(ledger, "Alpha")["parent"] == "Beta"
    assert (party(ledger, "Beta")["parent"], party(ledger, "Beta")["country"]) == (None, None)


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_import_refuses_a_parent_that_loops_through_the_ledger_s_parents(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    assert ledger("party", "add", "Unit", "--parent", "Group").exit_code == 0
    path, lines = document(tmp_path, fmt, parties=[{"name": "Group", "parent": "Unit"}])
    refused(
        ledger, ledger_db, path,
        f'{lines[0]}: parent: "Unit" cannot be the parent of "Group": that is a cycle '
        "(Group → Unit → Group)",
    )  # fmt: skip


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_import_refuses_a_parent_whose_chain_already_loops_in_the_ledger(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    for name in ("Alpha", "Beta"):
        assert ledger("party", "add", name).exit_code == 0
    ledger_db.sql(
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Beta') WHERE name = 'Alpha'",
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Alpha') WHERE name = 'Beta'",
    )  # fmt: skip
    path, lines = document(tmp_path, fmt, parties=[{"name": "Gamma", "parent": "Beta"}])
    refused(
        ledger, ledger_db, path,
        f'{lines[0]}: parent: "Beta" cannot be the parent of "Gamma": the parent chain of "Beta" '
        "already loops (Beta → Alpha → Beta); give one of those parties another parent first",
    )  # fmt: skip


# Country


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_import_refuses_a_country_that_is_not_two_ascii_letters(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    path, lines = document(tmp_path, fmt, parties=[
        {"name": "Fine Co", "country": "in"},
        {"name": "Umlaut Co", "country": "ÄÖ"},
        {"name": "Three Co", "country": "IND"},
        {"name": "Number Co", "country": 49},
    ])  # fmt: skip
    refused(
        ledger, ledger_db, path,
        f"{lines[1]}: country: 'ÄÖ' {COUNTRY_RULE}",
        f"{lines[2]}: country: 'IND' {COUNTRY_RULE}",
        f"{lines[3]}: country: expected text, found a number",
    )  # fmt: skip


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_import_upper_cases_a_country_as_the_command_line_does(
    ledger: Invoke, tmp_path: Path, fmt: str
) -> None:
    path, _ = document(tmp_path, fmt, parties=[{"name": "Fine Co", "country": " in "}])
    assert ledger("import", path).exit_code == 0
    assert party(ledger, "Fine Co")["country"] == "IN"


# JSON types


@pytest.mark.parametrize("fmt", ("json", "jsonl"))
def test_import_refuses_json_values_that_are_not_text_where_text_is_due(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    path, lines = flat_file(tmp_path, fmt, [
        {"target": {"a": 1}, "reported": "2020"},
        {"target": "Acme", "acquirers": [1, 2], "reported": "2020"},
        {"target": "Acme", "status": True, "notes": ["a", "b"], "value": 3000000, "reported": "2020"},
        {"target": "Acme", "acquirers": ["Big Co", "Mid;Co"], "reported": 2020.5},
        {"target": "Acme", "key": 7, "currency": None, "sellers": {"name": "X"}, "reported": "2020"},
    ])  # fmt: skip
    refused(
        ledger, ledger_db, path,
        f"{lines[0]}: target: expected text, found an object",
        f"{lines[1]}: acquirers: item 1: expected text, found a number",
        f"{lines[2]}: status: expected text, found a boolean",
        f"{lines[2]}: value: expected text, found a number",
        f"{lines[2]}: notes: expected text, found an array",
        f"{lines[3]}: acquirers: 'Mid;Co' is not a valid party name: it may not contain ';', NUL "
        "or control characters",
        f"{lines[3]}: reported: expected a date as text (or a year as a number), found a number",
        f"{lines[4]}: key: expected text, found a number",
        f"{lines[4]}: sellers: expected text, found an object",
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ("json", "jsonl"))
def test_import_takes_lists_of_names_and_integer_years_from_json(
    ledger: Invoke, tmp_path: Path, fmt: str
) -> None:
    row = {"target": "Acme", "acquirers": ["Big Co", "Mid Co"], "status": "agreed",
           "reported": 2021, "date": 2022}  # fmt: skip
    path, _ = flat_file(tmp_path, fmt, [row])
    assert ledger("import", path).exit_code == 0
    got = deal(ledger, "acme-big-co")
    assert (got["reported"], [p["name"] for p in got["parties"]]) == (
        "2021",
        ["Acme", "Big Co", "Mid Co"],
    )
    assert [(e["type"], e["on"]) for e in events(ledger, "acme-big-co")][-1] == ("status", "2022")


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_import_refuses_deal_objects_and_party_records_with_values_of_the_wrong_type(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    usd = {"amount": "3000000000.00", "high": None, "currency": "USD", "basis": "reported"}
    path, lines = document(
        tmp_path, fmt,
        parties=[
            {"name": "Alias Co", "aliases": ["AC", 2]},
            {"name": "Other Co", "aliases": "OC"},
            {"name": "Kind Co", "kind": ["company"]},
        ],
        deals=[
            deal_object("Fine Co", value=usd, reported=2020),
            deal_object("Amount Co", value=usd | {"amount": 3000000000}),
            deal_object("Currency Co", value=usd | {"currency": 840}),
            deal_object("High Co", value=usd | {"high": 4e9}),
            deal_object("Basis Co", value=usd | {"basis": True}),
            deal_object("Name Co", ("acquirer", "Big Co")) | {"parties": [{"name": 5, "role": "target"}]},
            deal_object("Title Co", title={"text": "t"}),
        ],
    )  # fmt: skip
    refused(
        ledger, ledger_db, path,
        f"{lines[0]}: aliases: item 2: expected text, found a number",
        f"{lines[1]}: aliases: expected an array of names, found text",
        f"{lines[2]}: kind: expected text, found an array",
        f'{lines[4]}: value: amount: expected text such as "3000000000.00", found a number',
        f"{lines[5]}: value: currency: expected text, found a number",
        f'{lines[6]}: value: high: expected text such as "3000000000.00", found a number',
        f"{lines[7]}: value: basis: expected text, found a boolean",
        f"{lines[8]}: name: expected text, found a number",
        f"{lines[9]}: title: expected text, found an object",
    )  # fmt: skip


# The head of a ledger document


@pytest.mark.parametrize("fmt", DOCUMENTS)
@pytest.mark.parametrize(
    ("head", "message"),
    [
        ({"format": "not-dealtrack"}, 'is a "not-dealtrack" document, not a dealtrack ledger; nothing imported'),
        ({"format": 3}, 'says "format": 3; it is not a dealtrack ledger; nothing imported'),
        ({"version": 99}, "is a dealtrack ledger document of version 99; this dealtrack reads "
                          "versions 1 and 2 (upgrade dealtrack)"),
        ({"version": "2"}, 'is a dealtrack ledger document of version "2"; this dealtrack reads '
                           "versions 1 and 2"),
        ({"version": 0}, "is a dealtrack ledger document of version 0; this dealtrack reads "
                         "versions 1 and 2"),
        ({"version": None}, "is a dealtrack ledger document without a version; this dealtrack "
                            "reads versions 1 and 2"),
    ],
)  # fmt: skip
def test_import_refuses_a_document_that_is_not_a_ledger_this_dealtrack_reads(
    ledger: Invoke,
    ledger_db: LedgerUnderTest,
    tmp_path: Path,
    fmt: str,
    head: dict[str, Any],
    message: str,
) -> None:
    path, _ = document(
        tmp_path, fmt, parties=[{"name": "New Co"}], deals=[deal_object("Acme", ("acquirer", 1))],
        **head,
    )  # fmt: skip
    refused_whole(ledger, ledger_db, path, message)


def test_import_refuses_a_json_object_that_does_not_say_it_is_a_ledger(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.json", json.dumps({"deals": [deal_object("Acme")]}))
    message = 'does not say "format": "dealtrack"; it is not a dealtrack ledger; nothing imported'
    refused_whole(ledger, ledger_db, path, message)


def test_a_head_written_after_the_records_is_checked_all_the_same(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    text = json.dumps({"deals": [deal_object("Acme")], "format": "dealtrack", "version": 3})
    path = write(tmp_path, "d.json", text)
    message = (
        "is a dealtrack ledger document of version 3; this dealtrack reads versions 1 and 2 "
        "(upgrade dealtrack)"
    )
    refused_whole(ledger, ledger_db, path, message)


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_bad_rates_and_bad_links_in_a_version_2_document_are_row_problems_not_dropped(
    ledger: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, fmt: str
) -> None:
    later: dict[str, Any] = {"links": [], "fx_rates": []}
    if fmt == "json":
        path, _ = document(tmp_path, fmt, deals=[deal_object("Acme")], version=2, **later)
        text = Path(path).read_text().replace('"links": []', '"links": [{"holder": "SoftBank"}]')
        Path(path).write_text(text)
    else:
        path, _ = document(tmp_path, fmt, deals=[deal_object("Acme")], version=2)
        link = {"type": "link", "holder": "SoftBank", "kind": "backs", "party": "InMobi"}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(link) + "\n" + json.dumps({"type": "fx_rate", "rate": "1"}) + "\n")
    if fmt == "json":
        refused(ledger, ledger_db, path, f"{links_line(path)}: kind: required")
    else:
        lines = len(Path(path).read_text().splitlines())
        links = "events: expected a list of the link's events"
        date = "date: '' is not a day; write YYYY-MM-DD"
        currency = "currency: '' is not an ISO 4217 currency code; use one such as USD, EUR or INR"
        refused(
            ledger,
            ledger_db,
            path,
            f"{lines - 1}: {links}",
            f"{lines}: {date}",
            f"{lines}: {currency}",
        )


def test_an_exported_ledger_still_imports(
    ledger: Invoke, tmp_path: Path, new_ledger: NewLedger
) -> None:
    for fmt in DOCUMENTS:
        exported = ledger("export", "-f", fmt)
        assert exported.exit_code == 0, exported.stderr
        path = write(tmp_path, f"export.{fmt}", exported.stdout)
        copy = new_ledger(f"copy-{fmt}.db")
        result = CliRunner().invoke(dealtrack, ["--db", copy.url, "import", path])
        assert result.exit_code == 0, result.stderr


def test_import_takes_the_trade_press_words_and_keeps_a_failure_s_word_as_its_reason(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "words.csv",
        "target,acquirers,status,reason,reported\n"
        "Q,R,Abandoned,,2020\n"
        "W,R,terminated,antitrust,2020\n"
        "E,R,in talks,,2020\n",
    )
    assert run("import", path).exit_code == 0
    listed = run("list", "-f", "csv", "--fields", "key,status,reason")
    assert listed.stdout == (
        "key,status,reason\nq-r,failed,abandoned\nw-r,failed,antitrust\ne-r,in-negotiation,\n"
    )


def test_header_problems_are_told_once_before_any_row(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    path = write(tmp_path, "foreign.csv", "company_name,acquired_at\nT,2020\nU,2021\nV,2022\n")
    refused(
        run, ledger_db, path,
        "1: header: --map key=deal_id: the file has no column \"deal_id\"",
        "1: header: --map target=company: the file has no column \"company\"",
        "1: header: no target or key column, so no row can find or create a deal; map one with "
        "--map target=COLUMN (or key=COLUMN), or give one with --set",
        args=("--map", "target=company", "--map", "key=deal_id", "--map", "reported=acquired_at",
              "--ignore", "company_name"),
    )  # fmt: skip


def test_a_set_target_is_enough_to_find_deals(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "rows.csv", "acquirers,reported\nA,2020\n")
    result = run("import", path, "--set", "target=T")
    assert (result.exit_code, result.stderr.split(" in ")[0]) == (
        0,
        "Imported 1 row: 1 added, 0 updated, 0 unchanged, 0 rejected",
    )


def test_a_value_naming_another_currency_than_the_currency_cell_is_a_row_problem(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "values.csv",
        "target,acquirers,value,currency,reported\nT,A,$44bn,EUR,2020\nU,A,EUR 3bn,eur,2020\n",
    )
    refused(
        run, ledger_db, path,
        "2: value: '$44bn' is in USD but the currency column says EUR; make them agree, or leave "
        "one of them empty",
    )  # fmt: skip
