"""The ledger document's ``fx_rates`` section: the ledger's own rates exported, and imported by the
code ``fx import`` uses (same checks, same messages), idempotent, atomic, on both backends."""

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack
from tests.conftest import Invoke, LedgerUnderTest, NewLedger

INR_USD = {
    "date": "2020-08-28",
    "base": "INR",
    "currency": "USD",
    "rate": "0.0135",
    "source": "RBI",
}
EUR_JPY = {"date": "2021-02-12", "base": "EUR", "currency": "JPY", "rate": "126.31", "source": None}
EUR_INR = {"date": "2020-08-31", "base": "EUR", "currency": "INR", "rate": "87.062", "source": None}


def ok(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def on(ledger: LedgerUnderTest, *args: str) -> Result:
    return CliRunner().invoke(dealtrack, ["--db", ledger.url, *args])


def with_rates(run: Invoke) -> None:
    ok(run, "fx", "set", "EUR", "JPY", "126.31", "--on", "2021-02-12")
    ok(run, "fx", "set", "INR", "USD", "0.0135", "--on", "2020-08-28", "--source", "RBI")
    ok(run, "fx", "set", "EUR", "INR", "87.062", "--on", "2020-08-31")


def document(tmp_path: Path, rates: Sequence[object], name: str = "ledger.json") -> Path:
    """A version 2 document with one rate object a line from line 7 on (line 7 + index)."""
    lines = [json.dumps(rate, ensure_ascii=False) for rate in rates]
    path = tmp_path / name
    path.write_text(
        '{\n  "format": "dealtrack",\n  "version": 2,\n  "parties": [],\n  "links": [],\n'
        '  "fx_rates": [\n' + ",\n".join(lines) + '\n  ],\n  "deals": []\n}\n',
        encoding="utf-8",
    )
    return path


SUMMARY = r"Imported {} rows?: {} added, {} updated, {} unchanged, {} rejected in \d+\.\d s\n"


def summary(*counts: int) -> str:
    return SUMMARY.format(*counts)


def test_export_writes_the_ledgers_own_rates_by_date_then_pair(run: Invoke) -> None:
    with_rates(run)
    assert json.loads(ok(run, "export"))["fx_rates"] == [INR_USD, EUR_INR, EUR_JPY]
    lines = ok(run, "export", "-f", "jsonl").splitlines()
    assert lines == [
        '{"type":"ledger","format":"dealtrack","version":2}',
        '{"type":"fx_rate","date":"2020-08-28","base":"INR","currency":"USD","rate":"0.0135","source":"RBI"}',
        '{"type":"fx_rate","date":"2020-08-31","base":"EUR","currency":"INR","rate":"87.062","source":null}',
        '{"type":"fx_rate","date":"2021-02-12","base":"EUR","currency":"JPY","rate":"126.31","source":null}',
    ]


def test_jsonl_writes_rates_after_links_and_before_deals(story: Invoke) -> None:
    with_rates(story)
    ok(story, "party", "link", "--backs", "SoftBank", "InMobi")
    types = [json.loads(line)["type"] for line in ok(story, "export", "-f", "jsonl").splitlines()]
    assert types == ["ledger"] + ["party"] * 8 + ["link"] + ["fx_rate"] * 3 + ["deal"] * 3


def test_built_in_rates_never_travel_in_the_document(story: Invoke) -> None:
    converted = json.loads(ok(story, "list", "--in", "EUR", "-f", "json"))
    assert converted[0]["value_in"]["rate_source"] == "ECB"  # the built-in rates were used
    assert json.loads(ok(story, "export"))["fx_rates"] == []


def test_an_as_of_export_holds_the_rates_up_to_its_date(run: Invoke) -> None:
    with_rates(run)
    assert json.loads(ok(run, "export", "--as-of", "2020-08-30"))["fx_rates"] == [INR_USD]
    assert json.loads(ok(run, "export", "--as-of", "2020"))["fx_rates"] == [INR_USD, EUR_INR]


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_rates_import_into_an_empty_ledger_exactly_and_a_reimport_changes_nothing(
    run: Invoke, new_ledger: NewLedger, tmp_path: Path, fmt: str
) -> None:
    with_rates(run)
    exported = tmp_path / f"ledger.{fmt}"
    exported.write_text(ok(run, "export", "-f", fmt), encoding="utf-8")
    copy = new_ledger(f"copy-{fmt}.db")
    first = on(copy, "import", str(exported))
    assert first.exit_code == 0, first.stderr
    assert re.fullmatch(summary(3, 3, 0, 0, 0), first.stderr)
    again = on(copy, "import", str(exported))
    assert re.fullmatch(summary(3, 0, 0, 3, 0), again.stderr)
    assert on(copy, "fx", "list").stdout == ok(run, "fx", "list")
    assert on(copy, "export", "-f", fmt).stdout == exported.read_text(encoding="utf-8")


def test_imported_rates_convert_as_the_ledgers_own(
    run: Invoke, new_ledger: NewLedger, tmp_path: Path
) -> None:
    ok(run, "add", "TikTok India", "--acquirer", "Reliance Jio", "--value", "INR 1000", "--on",
       "2020-08-28")  # fmt: skip
    ok(run, "fx", "set", "INR", "USD", "0.0135", "--on", "2020-08-28", "--source", "RBI")
    exported = tmp_path / "ledger.json"
    exported.write_text(ok(run, "export"), encoding="utf-8")
    copy = new_ledger("copy.db")
    assert on(copy, "import", str(exported)).exit_code == 0
    value_in = json.loads(on(copy, "list", "--in", "USD", "-f", "json").stdout)[0]["value_in"]
    assert (value_in["amount"], value_in["rate"], value_in["rate_source"]) == (
        "13.50",
        "0.0135",
        "RBI",
    )


def test_a_document_rate_replaces_the_ledgers_rate_of_that_pair_and_day(
    run: Invoke, tmp_path: Path
) -> None:
    ok(run, "fx", "set", "INR", "USD", "0.0136", "--on", "2020-08-28")
    result = run("import", str(document(tmp_path, [INR_USD, EUR_JPY])))
    assert re.fullmatch(summary(2, 1, 1, 0, 0), result.stderr)
    assert ok(run, "fx", "list", "INR") == (
        "on          base    currency    rate    source\n"
        "----------  ------  ----------  ------  --------\n"
        "2020-08-28  INR     USD         0.0135  RBI\n"
    )


BAD_RATES: list[dict[str, object]] = [
    {**INR_USD, "rate": "1.23456789012345"},
    {**INR_USD, "rate": 0.0135},
    {**INR_USD, "currency": "INR"},
    {**INR_USD, "date": "2020-02-30"},
    {**INR_USD, "stamp": "x"},
    {**INR_USD, "rate": "-1"},
]
BAD_PROBLEMS = [
    "7: rate: '1.23456789012345' has more than 12 significant digits; round it",
    "8: rate: expected text, found float",
    "9: currency: a rate needs two currencies; INR to INR is always 1",
    "10: date: '2020-02-30' is not a day; write YYYY-MM-DD",
    "11: row: unknown field stamp",
    "12: rate: '-1' is not a rate; write a positive decimal number, e.g. 1.1933",
]


def test_bad_rates_are_problems_by_line_and_nothing_is_imported(
    story: Invoke, tmp_path: Path
) -> None:
    with_rates(story)
    before = ok(story, "export")
    path = document(tmp_path, [EUR_JPY, *BAD_RATES])
    result = story("import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = [f"{path}:{int(p.split(':')[0]) + 1}:{p.split(':', 1)[1]}" for p in BAD_PROBLEMS]
    assert result.stderr == "\n".join(lines) + f"\nError: 6 problems in {path}; nothing imported\n"
    assert ok(story, "export") == before


def test_a_documents_rates_meet_the_very_checks_of_fx_import(run: Invoke, tmp_path: Path) -> None:
    """The same records, one a line, as an ``fx import`` file: the same problems, word for word."""
    rates = tmp_path / "rates.jsonl"
    rates.write_text("\n" * 6 + "\n".join(json.dumps(r) for r in BAD_RATES) + "\n", "utf-8")
    from_fx = run("fx", "import", str(rates))
    from_document = run("import", str(document(tmp_path, BAD_RATES)))
    assert from_fx.exit_code == from_document.exit_code == 1

    def problems(result: Result) -> list[str]:
        return [line.split(":", 1)[1] for line in result.stderr.splitlines()[:-1]]

    assert problems(from_fx) == problems(from_document) == BAD_PROBLEMS


def test_skip_invalid_keeps_the_good_rates_and_exits_3(run: Invoke, tmp_path: Path) -> None:
    path = document(tmp_path, [INR_USD, BAD_RATES[0], EUR_JPY])
    result = run("import", str(path), "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{path}:8: rate: ")
    assert re.search(summary(3, 2, 0, 0, 1), result.stderr)
    assert [r["date"] for r in json.loads(ok(run, "export"))["fx_rates"]] == [
        "2020-08-28",
        "2021-02-12",
    ]


def test_dry_run_plans_the_rates_and_writes_nothing(run: Invoke, tmp_path: Path) -> None:
    ok(run, "fx", "set", "INR", "USD", "0.0135", "--on", "2020-08-28", "--source", "RBI")
    result = run("import", str(document(tmp_path, [INR_USD, EUR_JPY])), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "unchanged\t2020-08-28 INR USD\nadd\t2021-02-12 EUR JPY\n"
    assert result.stderr == "Dry run: 2 rows: 1 to add, 0 to update, 1 unchanged, 0 rejected\n"
    assert json.loads(ok(run, "export"))["fx_rates"] == [INR_USD]


def test_rejects_holds_the_refused_rates_with_their_error(run: Invoke, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.json"
    path = document(tmp_path, [INR_USD, BAD_RATES[0]])
    result = run("import", str(path), "--skip-invalid", "--rejects", str(rejects))
    assert result.exit_code == 3
    error = "rate: '1.23456789012345' has more than 12 significant digits; round it"
    assert json.loads(rejects.read_text(encoding="utf-8")) == [{**BAD_RATES[0], "error": error}]
