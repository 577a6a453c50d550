"""``report --in CUR`` counts alike deals together and reads most value dates from the deal's own
row; none of that may change a figure: each deal's converted amount is still rounded half-even
once, totals add the rounded amounts, rivals fold after conversion, a value changed later
converts at its own date (or, ``--as-of`` an earlier day, the first value at its date), and the
deals without a rate are listed. On both backends."""

import json
from decimal import Decimal

import pytest

from tests.conftest import BuiltLedger, Invoke

REPEATS = (
    # Rates of the ledger's own, so every figure below can be worked by hand.
    ("fx", "set", "EUR", "USD", "1.1", "--on", "2020-02-03"),
    ("fx", "set", "EUR", "USD", "2", "--on", "2021-01-11"),
    ("fx", "set", "EUR", "USD", "1.5", "--on", "2020-03-31"),
    ("fx", "set", "GBP", "USD", "1.25", "--on", "2020-02-03"),
    # Three alike deals: EUR 1,000.05 × 1.1 = 1,100.055 rounds to 1,100.06 each (3,300.18),
    # where rounding their sum would give 3,300.16.
    ("add", "Alpha", "--acquirer", "One", "--kind", "stake", "--value", "EUR 1,000.05",
     "--on", "2020-02-03"),
    ("add", "Beta", "--acquirer", "One", "--kind", "stake", "--value", "EUR 1,000.05",
     "--on", "2020-02-03"),
    ("add", "Gamma", "--acquirer", "One", "--kind", "stake", "--value", "EUR 1,000.05",
     "--on", "2020-02-03"),
    # A month converts on its last day: EUR 10 × 1.5.
    ("add", "Delta", "--acquirer", "One", "--kind", "stake", "--value", "EUR 10", "--on", "2020-03"),
    # Revalued later: EUR 30 × 2 on 2021-01-11; as of 2020, EUR 1,000.05 × 1.1.
    ("add", "Epsilon", "--acquirer", "One", "--kind", "stake", "--value", "EUR 1,000.05",
     "--on", "2020-02-03"),
    ("value", "epsilon-one", "EUR 30", "--on", "2021-01-11"),
    # Rival bids for Zeta in two currencies: GBP 100 × 1.25 = 125 beats EUR 100 × 1.1 = 110.
    ("add", "Zeta", "--acquirer", "Two", "--value", "EUR 100", "--on", "2020-02-03"),
    ("add", "Zeta", "--acquirer", "Three", "--value", "GBP 100", "--on", "2020-02-03"),
    # No rate for dirhams; and a deal of unknown value.
    ("add", "Eta", "--acquirer", "Four", "--value", "AED 5m", "--on", "2020-02-03"),
    ("add", "Theta", "--acquirer", "Four", "--on", "2020-02-03"),
)  # fmt: skip


@pytest.fixture
def repeats(built_ledger: BuiltLedger) -> Invoke:
    return built_ledger(REPEATS)


def ok(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return result.stdout


def total(amount: str, deals: int, folded: int = 0) -> list[dict[str, object]]:
    return [{"currency": "USD", "deals": deals, "folded": folded, "amount": amount, "high": amount}]


def test_alike_deals_round_one_by_one_and_rivals_fold_after_conversion(repeats: Invoke) -> None:
    groups = json.loads(ok(repeats, "report", "--by", "kind", "--in", "USD", "-f", "json"))
    assert groups == [
        {"group": "acquisition", "deals": 4, "totals": total("125.00", 2, 1),
         "unconverted": [{"currency": "AED", "deals": 1}]},
        # 3 × 1,100.06 + 15.00 + 60.00
        {"group": "stake", "deals": 5, "totals": total("3375.18", 5), "unconverted": []},
    ]  # fmt: skip


def test_as_of_converts_the_value_then_in_force_at_its_own_date(repeats: Invoke) -> None:
    groups = json.loads(
        ok(repeats, "report", "--by", "kind", "--in", "USD", "--as-of", "2020-12", "-f", "json")
    )
    # 4 × 1,100.06 + 15.00: Epsilon's first value, dated 2020-02-03.
    assert groups[1] == {
        "group": "stake", "deals": 5, "totals": total("4415.24", 5), "unconverted": []
    }  # fmt: skip


def test_fx_on_converts_every_deal_at_that_dates_rates(repeats: Invoke) -> None:
    groups = json.loads(
        ok(repeats, "report", "--by", "kind", "--in", "USD", "--fx-on", "2021-01-11", "-f", "json")
    )
    # At 2 dollars a euro: 3 × 2,000.10 + 20.00 + 60.00.
    assert groups[1]["totals"] == total("6080.30", 5)


@pytest.mark.parametrize("as_of", [None, "2020-12"])
def test_report_totals_add_the_amounts_list_converts_deal_by_deal(
    repeats: Invoke, as_of: str | None
) -> None:
    when = ("--as-of", as_of) if as_of else ()
    deals = json.loads(ok(repeats, "list", "--kind", "stake", "--in", "USD", *when, "-f", "json"))
    by_deal = sum(Decimal(d["value_in"]["amount"]) for d in deals)
    groups = json.loads(
        ok(repeats, "report", "--by", "kind", "--kind", "stake", "--in", "USD", *when, "-f", "json")
    )
    assert Decimal(groups[0]["totals"][0]["amount"]) == by_deal


MIXED = (
    ("fx", "set", "EUR", "USD", "1.1", "--on", "2020-02-03"),
    ("fx", "set", "AED", "USD", "0.27", "--on", "2020-02-03"),
    # Already in dollars, a range: added as it is, both ends.
    ("add", "Iota", "--acquirer", "One", "--kind", "stake", "--value", "USD 2-3m",
     "--on", "2020-02-03"),
    # EUR 10 × 1.1 and AED 100 × 0.27.
    ("add", "Kappa", "--acquirer", "One", "--kind", "stake", "--value", "EUR 10",
     "--on", "2020-02-03"),
    ("add", "Lambda", "--acquirer", "One", "--kind", "stake", "--value", "AED 100",
     "--on", "2020-02-03"),
    # Dirhams have a rate, but none within 7 days of this one; naira have none at all.
    ("add", "Mu", "--acquirer", "One", "--kind", "stake", "--value", "AED 100",
     "--on", "2019-06-03"),
    ("add", "Nu", "--acquirer", "One", "--kind", "stake", "--value", "NGN 5m",
     "--on", "2020-02-03"),
    ("add", "Xi", "--acquirer", "One", "--kind", "stake", "--on", "2020-02-03"),
)  # fmt: skip


def test_values_in_the_reports_currency_add_as_they_are_and_the_rest_convert_or_are_listed(
    built_ledger: BuiltLedger,
) -> None:
    run = built_ledger(MIXED)
    groups = json.loads(ok(run, "report", "--by", "kind", "--in", "USD", "-f", "json"))
    assert groups == [
        {
            "group": "stake",
            "deals": 6,
            "totals": [
                {"currency": "USD", "deals": 3, "folded": 0,
                 "amount": "2000038.00", "high": "3000038.00"}
            ],
            "unconverted": [{"currency": "AED", "deals": 1}, {"currency": "NGN", "deals": 1}],
        }
    ]  # fmt: skip
