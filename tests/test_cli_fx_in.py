"""``--in CUR`` on list, show and report: values converted at their own date's rate, with the
rate, its date and its source; what has no rate is said, never dropped. On both backends."""

import json

import pytest

from tests.conftest import BuiltLedger, Invoke

MARKET = (
    ("add", "Arm", "--acquirer", "Nvidia", "--value", "USD 40bn", "--on", "2020-09-13"),
    ("add", "Jio Platforms", "--acquirer", "Facebook", "--kind", "stake",
     "--value", "INR 43,574 crore", "--on", "2020-04-22"),
    ("add", "Careem", "--acquirer", "Uber", "--value", "AED 11bn", "--on", "2019-03"),
    ("add", "Jio Platforms", "--acquirer", "Google", "--kind", "stake",
     "--value", "INR 33,737 crore", "--on", "2020-07-15"),
    ("add", "Arm", "--acquirer", "SoftBank", "--value", "GBP 24bn", "--on", "2016-07-18",
     "--status", "completed"),
)  # fmt: skip


@pytest.fixture
def market(built_ledger: BuiltLedger) -> Invoke:
    return built_ledger(MARKET)


def ok(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return result.stdout


def test_list_in_usd_sorts_by_value_across_currencies_and_marks_estimates(market: Invoke) -> None:
    assert ok(market, "list", "--in", "USD", "--sort", "value", "--desc", "--fields",
              "key,value,value in USD") == (
        "key                     value         value in USD\n"
        "----------------------  ------------  --------------\n"
        "arm-nvidia              USD 40bn      ≈USD 40bn\n"
        "arm-softbank            GBP 24bn      ≈USD 31.82bn\n"
        "jio-platforms-facebook  INR 435.74bn  ≈USD 5.693bn\n"
        "jio-platforms-google    INR 337.37bn  ≈USD 4.491bn\n"
        "careem-uber             AED 11bn\n"
    )  # fmt: skip


def test_list_in_json_carries_the_rate_its_date_and_source(market: Invoke) -> None:
    deals = json.loads(ok(market, "list", "--in", "USD", "-f", "json"))
    assert list(deals[1])[8:11] == ["value", "value_in", "reported"]
    assert [d["value_in"] for d in deals] == [
        {"amount": "40000000000.00", "high": None, "currency": "USD", "rate": "1",
         "rate_on": None, "rate_source": None},
        {"amount": "5693485610.54", "high": None, "currency": "USD", "rate": "0.0130662450327",
         "rate_on": "2020-04-22", "rate_source": "ECB"},
        None,
        {"amount": "4490889113.77", "high": None, "currency": "USD", "rate": "0.0133114654942",
         "rate_on": "2020-07-15", "rate_source": "ECB"},
        {"amount": "31817876505.30", "high": None, "currency": "USD", "rate": "1.32574485439",
         "rate_on": "2016-07-18", "rate_source": "ECB"},
    ]  # fmt: skip


def test_min_value_with_in_compares_after_conversion(market: Invoke) -> None:
    assert ok(market, "list", "--in", "USD", "--min-value", "USD 5bn", "-f", "csv",
              "--fields", "key,in_amount") == (
        "key,in_amount\narm-nvidia,40000000000.00\njio-platforms-facebook,5693485610.54\n"
        "arm-softbank,31817876505.30\n"
    )  # fmt: skip


def test_a_bound_in_another_currency_than_in_is_a_usage_error(market: Invoke) -> None:
    result = market("list", "--min-value", "EUR 1bn", "--in", "USD")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--min-value': EUR with --in USD; give the bound in USD\n"
    )
    alone = market("list", "--fx-on", "latest")
    assert (alone.exit_code, alone.stderr.splitlines()[-1]) == (2, "Error: --fx-on needs --in CUR")


def test_report_in_usd_gives_one_total_a_group_and_lists_the_unconverted(market: Invoke) -> None:
    assert ok(market, "report", "--by", "kind", "--in", "USD") == (
        "group        deals    total         unconverted\n"
        "-----------  -------  ------------  -------------\n"
        "acquisition  3        ≈USD 71.82bn  AED 1\n"
        "stake        2        ≈USD 10.18bn\n"
    )
    groups = json.loads(ok(market, "report", "--by", "kind", "--in", "USD", "-f", "json"))
    assert groups == [
        {"group": "acquisition", "deals": 3,
         "totals": [{"currency": "USD", "deals": 2, "folded": 0, "amount": "71817876505.30",
                     "high": "71817876505.30"}],
         "unconverted": [{"currency": "AED", "deals": 1}]},
        {"group": "stake", "deals": 2,
         "totals": [{"currency": "USD", "deals": 2, "folded": 0, "amount": "10184374724.31",
                     "high": "10184374724.31"}],
         "unconverted": []},
    ]  # fmt: skip
    assert ok(market, "report", "--by", "kind", "--in", "USD", "-f", "csv") == (
        "group,deals,currency,currency_deals,folded,amount,high,unconverted\n"
        "acquisition,3,USD,2,0,71817876505.30,71817876505.30,AED 1\n"
        "stake,2,USD,2,0,10184374724.31,10184374724.31,\n"
    )


def test_the_ledgers_rate_comes_before_the_built_in_one(market: Invoke) -> None:
    said = market("fx", "set", "INR", "USD", "0.0135", "--on", "2020-04-22", "--source", "RBI")
    assert said.exit_code == 0
    deal = json.loads(ok(market, "show", "jio-platforms-facebook", "--in", "USD", "-f", "json"))
    assert deal["value_in"] == {
        "amount": "5882490000.00", "high": None, "currency": "USD", "rate": "0.0135",
        "rate_on": "2020-04-22", "rate_source": "RBI",
    }  # fmt: skip
    card = ok(market, "show", "jio-platforms-facebook", "--in", "USD").splitlines()
    assert (
        card[4] == "Value:    INR 435.74bn (reported)  ≈ USD 5.882bn at 0.0135 on 2020-04-22 (RBI)"
    )


def test_show_says_when_no_rate_is_near_the_values_date(market: Invoke) -> None:
    card = ok(market, "show", "careem-uber", "--in", "USD").splitlines()
    assert card[4] == "Value:    AED 11bn (reported)  no rate into USD near its date"


def test_fx_on_converts_everything_at_one_dates_rates(market: Invoke) -> None:
    assert ok(market, "list", "--in", "EUR", "--fx-on", "2020-08-31", "--currency", "GBP",
              "-f", "csv", "--fields", "key,in_amount,rate,rate_on") == (
        "key,in_amount,rate,rate_on\narm-softbank,26784219630.60,1.11600915128,2020-08-31\n"
    )  # fmt: skip
