"""``fx set``, ``fx import`` and ``fx list``: the ledger's own exchange rates, on both backends."""

import json
import zipfile
from pathlib import Path

from tests.conftest import Invoke, LedgerUnderTest

RATES = (
    "date,currency,rate,base,source\n2020-08-31,INR,87.4685,,ECB\n2020-08-28,INR,0.0135,USD,RBI\n"
)


def test_fx_set_records_a_rate_once_and_replaces_that_days_rate(run: Invoke) -> None:
    first = run("fx", "set", "INR", "USD", "0.01350", "--on", "2020-08-28", "--source", "RBI")
    assert (first.exit_code, first.stdout, first.stderr) == (
        0,
        "",
        "Recorded rate: 1 INR = 0.0135 USD on 2020-08-28 (RBI)\n",
    )
    again = run("fx", "set", "inr", "usd", "0.0135", "--on", "2020-08-28", "--source", "RBI")
    assert again.stderr == (
        "Nothing recorded: the ledger already holds 1 INR = 0.0135 USD on 2020-08-28 (RBI)\n"
    )
    replaced = run("fx", "set", "INR", "USD", "0.0136", "--on", "2020-08-28")
    assert replaced.stderr == "Replaced the rate of that day: 1 INR = 0.0136 USD on 2020-08-28\n"
    listed = run("fx", "list", "-f", "json")
    assert json.loads(listed.stdout) == [
        {"on": "2020-08-28", "base": "INR", "currency": "USD", "rate": "0.0136", "source": None}
    ]


def test_fx_set_refuses_a_month_a_float_like_rate_and_one_currency(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    month = run("fx", "set", "INR", "USD", "0.0135", "--on", "2020-08")
    assert month.exit_code == 2
    assert month.stderr.endswith(
        "Error: Invalid value for '--on': '2020-08' is a month; a rate is dated to the day (YYYY-MM-DD)\n"
    )
    digits = run("fx", "set", "INR", "USD", "0.01350000000001", "--on", "2020-08-28")
    assert digits.exit_code == 2
    assert digits.stderr.endswith("has more than 12 significant digits; round it\n")
    same = run("fx", "set", "USD", "USD", "1", "--on", "2020-08-28")
    assert (same.exit_code, same.stderr) == (
        1,
        "Error: a rate needs two currencies; USD to USD is always 1\n",
    )
    assert not ledger_db.exists()


def test_fx_import_reads_rates_with_base_defaulting_to_eur_and_is_idempotent(
    run: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(RATES)
    first = run("fx", "import", str(path))
    assert (first.exit_code, first.stderr) == (
        0,
        "Imported 2 rates: 2 added, 0 updated, 0 unchanged\n",
    )
    again = run("fx", "import", str(path))
    assert again.stderr == "Imported 2 rates: 0 added, 0 updated, 2 unchanged\n"
    listed = run("fx", "list", "INR")
    assert listed.stdout == (
        "on          base    currency    rate     source\n"
        "----------  ------  ----------  -------  --------\n"
        "2020-08-28  USD     INR         0.0135   RBI\n"
        "2020-08-31  EUR     INR         87.4685  ECB\n"
    )


def test_fx_import_lists_every_bad_row_by_line_and_imports_nothing(
    run: Invoke, tmp_path: Path, ledger_db: LedgerUnderTest
) -> None:
    assert run("fx", "set", "EUR", "USD", "1.194", "--on", "2020-08-31").exit_code == 0
    before = ledger_db.contents()
    path = tmp_path / "rates.csv"
    path.write_text(RATES + "2020-08-31,ZZZ,1.1,,\n\n2020-13-01,USD,0,EUR,\n")
    result = run("fx", "import", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{path}:4: currency: 'ZZZ' is not an ISO 4217 currency code; use one such as USD, EUR or INR\n"
        f"{path}:6: date: '2020-13-01' is not a day; write YYYY-MM-DD\n"
        f"{path}:6: rate: '0' is not a rate; a rate is more than zero\n"
        f"Error: 3 problems in {path}; nothing imported\n"
    )
    assert ledger_db.contents() == before


def test_fx_import_names_an_unknown_column_on_the_header_line(run: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("day,currency,rate\n2020-08-31,USD,1.19\n")
    result = run("fx", "import", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"{path}:1: header: unknown column day; missing column date; the columns are "
        "date, currency, rate, base, source\n"
        f"Error: 1 problem in {path}; nothing imported\n",
    )


def test_fx_import_reads_json_lines_too(run: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "rates.jsonl"
    path.write_text(
        '{"date": "2020-08-31", "currency": "USD", "rate": "1.194"}\n'
        '{"date": "2020-08-31", "currency": "GBP", "rate": 0.89}\n'
    )
    result = run("fx", "import", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"{path}:2: rate: expected text, found float\n"
        f"Error: 1 problem in {path}; nothing imported\n",
    )


def test_fx_import_ecb_reads_the_ecbs_history_zip_and_skips_its_gaps(
    run: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "eurofxref-hist.csv",
            "Date,USD,JPY,CYP,\n2020-08-31,1.194,126.37,N/A,\n2020-08-28,1.1915,125.67,N/A,\n",
        )
    result = run("fx", "import", "--ecb", str(path))
    assert (result.exit_code, result.stderr) == (
        0,
        "Imported 4 rates: 4 added, 0 updated, 0 unchanged\n",
    )
    listed = run("fx", "list", "USD", "--since", "2020-08-29", "-f", "csv")
    assert listed.stdout == "on,base,currency,rate,source\n2020-08-31,EUR,USD,1.194,ECB\n"


def test_fx_import_ecb_refuses_another_file(run: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(RATES)
    result = run("fx", "import", "--ecb", str(path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {path} does not start with the ECB's header (Date,USD,JPY,…); "
        "expected eurofxref-hist.zip or eurofxref-hist.csv\n",
    )


def test_fx_list_on_a_missing_ledger_creates_nothing(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    result = run("fx", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no ledger at ")
    assert not ledger_db.exists()


def test_fx_list_built_in_adds_the_ecb_rates_after_the_ledgers_own_on_one_date(
    run: Invoke,
) -> None:
    assert (
        run("fx", "set", "INR", "USD", "0.0135", "--on", "2020-08-28", "--source", "RBI").exit_code
        == 0
    )
    listed = run(
        "fx", "list", "USD", "--built-in", "--since", "2020-08-27", "--until", "2020-08-31"
    )
    assert (listed.exit_code, listed.stderr) == (0, "")
    assert listed.stdout == (
        "on          base    currency    rate    source\n"
        "----------  ------  ----------  ------  --------\n"
        "2020-08-27  EUR     USD         1.1806  ECB\n"
        "2020-08-28  INR     USD         0.0135  RBI\n"
        "2020-08-28  EUR     USD         1.1915  ECB\n"
        "2020-08-31  EUR     USD         1.194   ECB\n"
    )
    day = run(
        "fx", "list", "--built-in", "--since", "2020-08-31", "--until", "2020-08-31", "-f", "jsonl"
    )
    assert day.stdout.splitlines()[0] == (
        '{"on":"2020-08-31","base":"EUR","currency":"AUD","rate":"1.6214","source":"ECB"}'
    )
    assert len(day.stdout.splitlines()) == 32  # every currency the ECB quoted that day


def test_fx_list_built_in_needs_a_currency_or_a_start_and_plain_list_points_to_it(
    run: Invoke,
) -> None:
    unbounded = run("fx", "list", "--built-in")
    assert unbounded.exit_code == 2
    assert unbounded.stderr.endswith(
        "Error: --built-in lists thousands of rates; name a currency or give --since\n"
    )
    assert run("fx", "set", "INR", "USD", "0.0135", "--on", "2020-08-28").exit_code == 0
    none = run("fx", "list", "GBP")
    assert (none.exit_code, none.stderr) == (
        0,
        "Note: no rates match\nNote: the built-in ECB rates are listed with --built-in\n",
    )
