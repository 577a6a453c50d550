"""What ``import`` reads: CSV and TSV files (columns, cells, encodings and line numbers), flat
JSON and JSON Lines records, stdin; the format from ``--format`` or the extension; the progress
line on a terminal."""

import json
import os
import pty
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli_process import SCRIPT, requires_script, user_env
from tests.conftest import Invoke
from tests.import_files import STATUS_CHOICES, write
from tests.ledger_json import deal, deals, events

HEADER_ERROR_HINT = (
    "map each to a field with --map FIELD=COLUMN, or skip it with --ignore COLUMN "
    "(or all with --ignore-extra)"
)


def imported(run: Invoke, *args: str, input: str | None = None) -> None:
    result = run("import", *args, input=input)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


def value_of(run: Invoke, key: str) -> Any:
    return deal(run, key)["value"]


def test_import_reads_every_column_of_a_row(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deals.csv",
        "key,title,kind,target,acquirers,sellers,advisers,backers,others,status,reason,value,"
        "currency,basis,reported,date,source,url,attribution,notes\n"
        "tiktok-jio,TikTok sale,asset-sale,TikTok India,Reliance Jio,ByteDance,Goldman Sachs,"
        "SoftBank,Google,in-negotiation,talks,$3 billion,,estimated,2020-08,2020-08,Bloomberg,"
        "https://example.com/a,anonymous,initial phase\n",
    )
    result = run("import", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert deal(run, "tiktok-jio") == {
        "id": 1,
        "key": "tiktok-jio",
        "title": "TikTok sale",
        "kind": "asset-sale",
        "status": "in-negotiation",
        "reason": "talks",
        "target": "TikTok India",
        "parties": [
            {"name": "TikTok India", "role": "target"},
            {"name": "Reliance Jio", "role": "acquirer"},
            {"name": "ByteDance", "role": "seller"},
            {"name": "Goldman Sachs", "role": "adviser"},
            {"name": "SoftBank", "role": "backer"},
            {"name": "Google", "role": "other"},
        ],
        "value": {
            "amount": "3000000000.00",
            "high": None,
            "currency": "USD",
            "basis": "estimated",
        },
        "reported": "2020-08",
        "updated": "2020-08",
        "notes": ["initial phase"],
    }
    history = events(run, "tiktok-jio")
    assert [(e["type"], e["note"]) for e in history] == [("created", "initial phase")]
    created = history[0]
    assert created["source"] == {
        "outlet": "Bloomberg",
        "url": "https://example.com/a",
        "attribution": "anonymous",
    }
    assert created["parties"] == deal(run, "tiktok-jio")["parties"]  # the opening roster


def test_import_headers_are_case_insensitive(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "TARGET,Acquirers,Status,REPORTED\nAcme,Big Co,Agreed,2020\n")
    imported(run, path)
    got = deal(run, "acme-big-co")
    assert (got["target"], got["status"], got["reported"]) == ("Acme", "agreed", "2020")


def test_party_columns_hold_names_separated_by_semicolons(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "target,acquirers,sellers,reported\nAcme, Big Co ; Mid Co;;Big Co ,Old Owner;Fund,2020\n",
    )
    imported(run, path)
    assert deal(run, "acme-big-co")["parties"] == [
        {"name": "Acme", "role": "target"},
        {"name": "Big Co", "role": "acquirer"},
        {"name": "Mid Co", "role": "acquirer"},
        {"name": "Old Owner", "role": "seller"},
        {"name": "Fund", "role": "seller"},
    ]


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("$3 billion", "", ("3000000000.00", None, "USD")),
        ("USD 145m", "", ("145000000.00", None, "USD")),
        ("INR 24,713 crore", "", ("247130000000.00", None, "INR")),
        ("€2-3bn", "", ("2000000000.00", "3000000000.00", "EUR")),
        ("$500 million to $1 billion", "", ("500000000.00", "1000000000.00", "USD")),
        ("3000000000 USD", "", ("3000000000.00", None, "USD")),
        ("$20–30 billion", "", ("20000000000.00", "30000000000.00", "USD")),
        ("£1.5k", "", ("1500.00", None, "GBP")),
        ("Rs 1,23,456", "", ("123456.00", None, "INR")),
        ("₹5 lakh", "", ("500000.00", None, "INR")),
        ("A$2 mn", "", ("2000000.00", None, "AUD")),
        ("C$7.25", "", ("7.25", None, "CAD")),
        ("70352 crore", "INR", ("703520000000.00", None, "INR")),
        ("2-3 bn", "eur", ("2000000000.00", "3000000000.00", "EUR")),
    ],
)
def test_value_cells_take_the_amount_grammar(
    run: Invoke, tmp_path: Path, value: str, currency: str, expected: tuple[Any, ...]
) -> None:
    path = write(
        tmp_path, "d.csv", f'target,value,currency,reported\nAcme,"{value}",{currency},2020\n'
    )
    imported(run, path)
    amount, high, code = expected
    assert value_of(run, "acme") == {
        "amount": amount,
        "high": high,
        "currency": code,
        "basis": "reported",
    }


def test_undisclosed_value_cell_records_no_value(run: Invoke, tmp_path: Path) -> None:
    imported(run, write(tmp_path, "d.csv", "target,value,reported\nAcme,undisclosed,2020\n"))
    assert value_of(run, "acme") is None


def test_value_without_any_currency_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,value,reported\nAcme,70352 crore,2020\n")
    result = run("import", path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:2: value: ")
    assert lines[1:] == [f"Error: 1 problem in {path}; nothing imported"]


def test_date_later_than_reported_creates_rumored_then_status_on_date(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "target,acquirers,status,value,reported,date\nAcme,Big Co,agreed,$2bn,2020-01,2020-06-30\n",
    )
    imported(run, path)
    history = events(run, "acme-big-co")
    assert [(e["type"], e["on"], e.get("status")) for e in history] == [
        ("created", "2020-01", "rumored"),
        ("status", "2020-06-30", "agreed"),
        ("value", "2020-06-30", None),
    ]
    assert history[0]["value"] is None
    assert history[0]["parties"] == [
        {"name": "Acme", "role": "target"},
        {"name": "Big Co", "role": "acquirer"},
    ]
    assert history[2]["value"]["amount"] == "2000000000.00"
    got = deal(run, "acme-big-co")
    assert (got["status"], got["reported"], got["updated"]) == ("agreed", "2020-01", "2020-06-30")


def test_date_equal_to_reported_puts_status_on_the_created_event(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "target,status,reported,date\nAcme,agreed,2020-01,2020-01\n")
    imported(run, path)
    history = events(run, "acme")
    assert [(e["type"], e["on"], e.get("status")) for e in history] == [
        ("created", "2020-01", "agreed"),
    ]
    assert history[0]["parties"] == [{"name": "Acme", "role": "target"}]


def test_date_before_reported_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,reported,date\nAcme,2020-05,2020-04\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: date: 2020-04 is before reported (2020-05)\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_unknown_columns_are_listed_and_create_no_ledger(
    run: Invoke, tmp_path: Path, db_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "target,reported,company_name,Foo\nAcme,2020,x,y\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f'{path}:1: header: unknown columns "company_name", "foo"\n'
        f"Error: 2 unknown columns in {path}; {HEADER_ERROR_HINT}\n"
    )
    assert not db_path.exists()


def test_one_unknown_column_is_named_in_the_singular(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,reported,extra\nAcme,2020,x\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f'{path}:1: header: unknown column "extra"\n'
        f"Error: 1 unknown column in {path}; {HEADER_ERROR_HINT}\n"
    )


CRUNCHBASE = (
    "acquisition_uuid,company_name,acquirer_name,price_amount,price_currency_code,acquired_at,"
    "acquisition_type\n"
    "c1,Beats Electronics,Apple,3000000000,USD,2014-05-28,acquisition\n"
    "c2,WhatsApp,Facebook,19000000000,USD,2014-02-19,acquisition\n"
    'c3,"Flipkart, Pvt",Walmart,16000000000,usd,2018-05-09,acquisition\n'
)
CRUNCHBASE_MAPS = (
    "--map", "target=company_name", "--map", "acquirers=acquirer_name",
    "--map", "value=price_amount", "--map", "currency=price_currency_code",
    "--map", "reported=acquired_at",
)  # fmt: skip


def test_map_set_and_ignore_extra_import_a_foreign_csv_unchanged(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "cb.csv", CRUNCHBASE)
    result = run("import", path, *CRUNCHBASE_MAPS, "--ignore-extra", "--set", "status=completed")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Imported 3 rows: 3 added, 0 updated, 0 unchanged, 0 rejected")
    got = [
        (d["key"], d["target"], d["status"], d["value"]["amount"], d["reported"])
        for d in deals(run)
    ]
    assert got == [
        (
            "beats-electronics-apple",
            "Beats Electronics",
            "completed",
            "3000000000.00",
            "2014-05-28",
        ),
        ("whatsapp-facebook", "WhatsApp", "completed", "19000000000.00", "2014-02-19"),
        ("flipkart-pvt-walmart", "Flipkart, Pvt", "completed", "16000000000.00", "2018-05-09"),
    ]


def test_ignore_names_each_foreign_column(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "cb.csv", CRUNCHBASE)
    result = run(
        "import", path, *CRUNCHBASE_MAPS, "--ignore", "acquisition_uuid",
        "--ignore", "ACQUISITION_TYPE", "--set", "status=completed",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert len(deals(run)) == 3


def test_ignore_leaving_a_column_unknown_still_fails(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "cb.csv", CRUNCHBASE)
    result = run("import", path, *CRUNCHBASE_MAPS, "--ignore", "acquisition_uuid")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f'{path}:1: header: unknown column "acquisition_type"'


def test_set_fills_empty_cells_but_not_given_ones(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,status,reported\nAcme,,2020\nZed,agreed,2020\n")
    imported(run, path, "--set", "status=failed")
    assert [(d["key"], d["status"]) for d in deals(run)] == [("acme", "failed"), ("zed", "agreed")]


def test_utf8_bom_and_crlf_are_fine(run: Invoke, tmp_path: Path) -> None:
    content = "\ufefftarget,acquirers,reported\r\nNestlé,Société Générale,2020\r\nZed,,2021\r\n"
    imported(run, write(tmp_path, "d.csv", content.encode("utf-8")))
    assert [(d["key"], d["target"]) for d in deals(run)] == [
        ("nestle-societe-generale", "Nestlé"),
        ("zed", "Zed"),
    ]


def test_quoted_fields_hold_commas_and_newlines(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        'target,notes,reported\n"Acme, Inc","line one\nline two, with comma",2020\nZed,,2021\n',
    )
    imported(run, path)
    assert deal(run, "acme-inc")["notes"] == ["line one\nline two, with comma"]
    assert deal(run, "zed")["target"] == "Zed"


def test_problem_line_is_where_a_multiline_record_starts(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        'target,notes,status,reported\nAcme,"a\nb\nc",agreed,2020\nZed,"x\ny",nonsense,2020\n',
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:5: status: 'nonsense' is not a status; {STATUS_CHOICES}\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_invalid_utf8_is_reported_with_its_line(run: Invoke, tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path, "d.csv", b"target,reported\nAcme,2020\nB\xffad,2020\nZed,2020\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:3: row: invalid UTF-8 on line 3; save the file as UTF-8\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    assert not db_path.exists()


def test_cell_over_one_megabyte_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path, "d.csv", "target,notes,reported\nAcme,ok,2020\nZed," + "x" * 1_000_001 + ",2020\n"
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:3: notes: cell is longer than 1,000,000 characters\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


@pytest.mark.parametrize(
    ("char", "shown"), [("\x00", "\\x00"), ("\x07", "\\x07"), ("\x1b", "\\x1b")]
)
def test_nul_and_control_characters_in_a_party_name_are_row_errors(
    run: Invoke, tmp_path: Path, char: str, shown: str
) -> None:
    path = write(tmp_path, "d.csv", f"target,acquirers,reported\nAcme,Big{char}Co,2020\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: acquirers: 'Big{shown}Co' is not a valid party name: "
        "it may not contain ';', NUL or control characters\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_row_with_more_cells_than_the_header_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,reported\nAcme,2020,extra\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: row: 3 cells but the header names 2 columns\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_every_problem_of_a_row_is_listed(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,kind,status,reported\nAcme,swap,zz,2020\n")
    result = run("import", path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines[:-1]] == ["kind", "status"]
    assert lines[-1] == f"Error: 2 problems in {path}; nothing imported"


def test_future_reported_date_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,reported\nAcme,2999-01-01\n")
    result = run("import", path)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:2: reported: '2999-01-01' is after today")


def test_blank_lines_are_skipped_and_keep_line_numbers(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "target,status,reported\n\nAcme,rumored,2020\n\nZed,zz,2020\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0] == f"{path}:5: status: 'zz' is not a status; {STATUS_CHOICES}"
    )


def test_rumored_status_dated_after_reported_is_kept_as_a_restatement(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "target,status,reported,date\nAcme,rumored,2020-01,2020-02\n")
    imported(run, path)
    assert [(e["type"], e["on"], e.get("status")) for e in events(run, "acme")] == [
        ("created", "2020-01", "rumored"),
        ("status", "2020-02", "rumored"),
    ]
    assert deal(run, "acme")["updated"] == "2020-02"


# Streams, formats and the progress line


def test_stdin_with_format_imports(run: Invoke) -> None:
    result = run("import", "-", "--format", "csv", input="target,reported\nAcme,2020\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "Imported 1 row: 1 added, 0 updated, 0 unchanged, 0 rejected in "
    )
    assert [d["key"] for d in deals(run)] == ["acme"]


def test_stdin_problems_name_stdin(run: Invoke) -> None:
    result = run("import", "-", "--format", "csv", input="target,status,reported\nAcme,zz,2020\n")
    assert result.exit_code == 1
    assert result.stderr == (
        f"<stdin>:2: status: 'zz' is not a status; {STATUS_CHOICES}\n"
        "Error: 1 problem in <stdin>; nothing imported\n"
    )


@requires_script
def test_a_csv_piped_to_the_command_is_read_in_its_reading_process(
    ledger_url: str, tmp_path: Path
) -> None:
    # A real process: the reading process is forked, and multiprocessing closes sys.stdin there.
    rows = "".join(f"Target {n},2020\n" for n in range(1, 2501))
    for _ in range(2):  # into an empty ledger, then into the ledger that holds the rows
        piped = subprocess.run(
            [str(SCRIPT), "--db", ledger_url, "import", "-", "--format", "csv"],
            input="target,reported\n" + rows,
            capture_output=True,
            text=True,
            env=user_env(tmp_path),
            check=False,
        )
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout == ""
    assert piped.stderr.startswith(
        "Imported 2500 rows: 0 added, 0 updated, 2500 unchanged, 0 rejected in "
    )


@requires_script
def test_a_repeated_key_the_ledger_refuses_while_reading_prints_only_the_summary(
    ledger_url: str, tmp_path: Path
) -> None:
    # A real process, whose stderr holds all a user sees: psycopg may log its cleanup of the
    # refused batch there (seen once on PostgreSQL before its logger got a handler).
    rows = [f"d-{n},Target {n},2020\n" for n in range(3000)]
    rows[1000] = "d-1,Target 1,2020\n"  # flushed with its batch long before the file's end
    path = write(tmp_path, "d.csv", "key,target,reported\n" + "".join(rows))
    done = subprocess.run(
        [str(SCRIPT), "--db", ledger_url, "import", path],
        capture_output=True,
        text=True,
        env=user_env(tmp_path),
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "")
    assert re.fullmatch(
        r"Imported 3000 rows: 2999 added, 0 updated, 1 unchanged, 0 rejected in [0-9.]+ s\n",
        done.stderr,
    )


def test_stdin_without_format_is_an_error(run: Invoke, db_path: Path) -> None:
    result = run("import", "-", input="target,reported\nAcme,2020\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: reading stdin needs --format csv, tsv, json or jsonl\n"
    assert not db_path.exists()


def test_tsv_is_read_by_extension_with_tabs(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.tsv",
        "target\tacquirers\tvalue\treported\nAcme, Inc\tBig Co;Mid Co\t$1,500 million\t2020\n",
    )
    imported(run, path)
    got = deal(run, "acme-inc-big-co")
    assert got["target"] == "Acme, Inc"
    assert [p["name"] for p in got["parties"]] == ["Acme, Inc", "Big Co", "Mid Co"]
    assert got["value"]["amount"] == "1500000000.00"


def test_format_option_overrides_the_extension(run: Invoke, tmp_path: Path) -> None:
    imported(run, write(tmp_path, "d.txt", "target\treported\nAcme\t2020\n"), "--format", "tsv")
    assert [d["key"] for d in deals(run)] == ["acme"]


def test_unknown_extension_without_format_is_an_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.txt", "target,reported\nAcme,2020\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot tell the format of {path} from its extension; "
        "give --format csv, tsv, json or jsonl\n"
    )


def test_export_of_a_csv_import_lists_the_same_deal(run: Invoke, tmp_path: Path) -> None:
    imported(run, write(tmp_path, "d.csv", "target,reported\nAcme,2020\n"))
    document = json.loads(run("export").stdout)
    assert [d["key"] for d in document["deals"]] == ["acme"]


def test_malformed_json_record_is_a_row_error_on_its_line(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.json",
        '[\n{"target": "A", "reported": "2020"},\n{"target": "B",\n "status": },\n'
        '{"target": "C", "reported": "2020"}\n]\n',
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:3: row: malformed JSON: Expecting value\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_malformed_jsonl_line_is_reported_on_that_line(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.jsonl",
        '{"target": "A", "reported": "2020"}\n{"target": "B"\n[1, 2]\n',
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: row: malformed JSON: Expecting ',' delimiter\n"
        f"{path}:3: row: expected a JSON object, found an array\n"
        f"Error: 2 problems in {path}; nothing imported\n"
    )


def test_deeply_nested_json_record_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    deep = "[" * 100 + "]" * 100
    path = write(
        tmp_path,
        "d.json",
        '[{"target": "A", "reported": "2020"},\n'
        f'{{"target": "B", "reported": "2020", "x": {deep}}},\n'
        '{"target": "C", "reported": "2020"}]\n',
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: row: JSON nested deeper than 64 levels\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    result = run("import", path, "--skip-invalid")
    assert result.exit_code == 3
    assert [d["key"] for d in deals(run)] == ["a", "c"]


def test_json_flat_records_take_map_set_and_lists(run: Invoke, tmp_path: Path) -> None:
    records = [
        {"company": "Acme", "buyers": ["Big Co", "Mid Co"], "reported": "2020", "uuid": "x"},
        {"company": "Zed", "buyers": "Big Co", "reported": "2021", "uuid": "y", "status": "agreed"},
    ]
    path = write(tmp_path, "d.json", json.dumps(records))
    imported(
        run, path, "--map", "target=company", "--map", "acquirers=buyers",
        "--ignore", "uuid", "--set", "status=completed",
    )  # fmt: skip
    assert [(d["key"], d["status"]) for d in deals(run)] == [
        ("acme-big-co", "completed"),
        ("zed-big-co", "agreed"),
    ]
    assert [p["name"] for p in deal(run, "acme-big-co")["parties"]] == ["Acme", "Big Co", "Mid Co"]


def test_unknown_keys_of_a_flat_json_record_are_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.jsonl", '{"Target": "Acme", "REPORTED": "2020", "uuid": "x"}\n')
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f'{path}:1: row: unknown key "uuid"; map each to a field with --map FIELD=KEY, '
        "or skip it with --ignore KEY (or all with --ignore-extra)\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    imported(run, path, "--ignore-extra")
    assert [d["key"] for d in deals(run)] == ["acme"]


def on_a_terminal(*args: str, home: Path) -> str:
    """Everything ``dealtrack ARGS…`` writes to a terminal (stdout and stderr are the same pty)."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        os.execve(SCRIPT, [str(SCRIPT), *args], user_env(home))
    chunks = []
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO: the command has ended and closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(terminal)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return b"".join(chunks).decode()


@requires_script
def test_a_terminal_sees_rows_read_then_rows_written_then_the_summary(
    ledger_url: str, tmp_path: Path
) -> None:
    rows = "".join(f"Target {n},Buyer,2020\n" for n in range(25_000))
    path = write(tmp_path, "d.csv", "target,acquirers,reported\n" + rows)
    shown = on_a_terminal("--db", ledger_url, "import", path, home=tmp_path).split("\r\033[K")
    assert shown[:-1] == [
        "",
        "Reading… 10,000 rows",
        "Reading… 20,000 rows",
        "Writing… 0 of 25,000 rows",
        "Writing… 10,000 of 25,000 rows",
        "Writing… 20,000 of 25,000 rows",
    ]
    assert shown[-1].startswith("Imported 25000 rows: 25000 added, 0 updated, 0 unchanged, 0 ")
