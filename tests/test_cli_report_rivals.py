"""``dealtrack report`` never adds rival bids: each set of rivals counts once, at its largest value."""

import json
from typing import Any

import pytest

from tests.conftest import BuiltLedger, Invoke
from tests.test_cli_report import total

FOX = (
    # Disney and Comcast bid for Fox at the same time: one company, two prices.
    ("add", "Fox", "--acquirer", "Disney", "--value", "$71.3bn", "--on", "2017-12-14"),
    ("status", "fox-disney", "agreed", "--on", "2018-06-20"),
    ("status", "fox-disney", "completed", "--on", "2019-03-20"),
    ("add", "Fox", "--acquirer", "Comcast", "--value", "$65bn", "--on", "2018-06-13"),
    ("status", "fox-comcast", "failed", "--on", "2018-07-19", "--reason", "outbid"),
    # Fox's stake in Sky beside Comcast's bid for the whole: a stake is never a rival.
    ("add", "Sky", "--acquirer", "Fox", "--kind", "stake", "--value", "$15bn", "--on", "2018-01"),
    ("add", "Sky", "--acquirer", "Comcast", "--value", "$39bn", "--on", "2018-02"),
    # Acme sold twice, five years apart: successive sales, both counted.
    ("add", "Acme", "--acquirer", "Alpha", "--value", "$1bn", "--on", "2010", "--status", "done"),
    ("add", "Acme", "--acquirer", "Beta", "--value", "$2bn", "--on", "2015-06", "--status", "done"),
)


@pytest.fixture
def fox(built_ledger: BuiltLedger) -> Invoke:
    return built_ledger(FOX)


def report(run: Invoke, *args: str) -> list[dict[str, Any]]:
    result = run("report", *args, "-f", "json")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    groups: list[dict[str, Any]] = json.loads(result.stdout)
    return groups


def by_group(run: Invoke, *args: str) -> dict[str, list[dict[str, Any]]]:
    return {g["group"]: g["totals"] for g in report(run, *args)}


def test_rival_bids_for_one_target_count_once_at_the_largest_value(fox: Invoke) -> None:
    assert report(fox, "--by", "target", "--target", "Fox") == [
        {"group": "Fox", "deals": 2, "totals": [total("USD", 2, "71300000000.00", folded=1)]}
    ]


def test_report_by_target_table_shows_the_folded_count(fox: Invoke) -> None:
    result = fox("report", "--by", "target")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "group    deals    total       folded\n"
        "-------  -------  ----------  --------\n"
        "Acme     2        USD 3bn\n"
        "Fox      2        USD 71.3bn  1\n"
        "Sky      2        USD 54bn\n"
    )


def test_flat_formats_count_the_folded_deals(fox: Invoke) -> None:
    result = fox("report", "--by", "kind", "-f", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "group,deals,currency,currency_deals,folded,amount,high\n"
        "acquisition,5,USD,5,1,113300000000.00,113300000000.00\n"
        "stake,1,USD,1,0,15000000000.00,15000000000.00\n"
    )


def test_stakes_and_successive_sales_are_never_folded(fox: Invoke) -> None:
    totals = by_group(fox, "--by", "target")
    assert totals["Sky"] == [total("USD", 2, "54000000000.00")]
    assert totals["Acme"] == [total("USD", 2, "3000000000.00")]


def test_rivals_fold_only_within_one_group(fox: Invoke) -> None:
    # Disney and Comcast each lead their own league-table row, and sit in different statuses.
    acquirers = by_group(fox, "--by", "acquirer")
    assert acquirers["Disney"] == [total("USD", 1, "71300000000.00")]
    assert acquirers["Comcast"] == [total("USD", 2, "104000000000.00")]
    statuses = by_group(fox, "--by", "status", "--target", "Fox")
    assert statuses == {
        "completed": [total("USD", 1, "71300000000.00")],
        "failed": [total("USD", 1, "65000000000.00")],
    }
    # Every group that holds both bids folds them: here the party Fox, target and acquirer.
    assert by_group(fox, "--by", "party")["Fox"] == [total("USD", 3, "86300000000.00", folded=1)]


def test_as_of_a_date_before_the_second_bid_folds_nothing(fox: Invoke) -> None:
    assert by_group(fox, "--by", "target", "--as-of", "2018-05")["Fox"] == [
        total("USD", 1, "71300000000.00")
    ]
    assert by_group(fox, "--by", "target", "--as-of", "2018-07")["Fox"] == [
        total("USD", 2, "71300000000.00", folded=1)
    ]


def test_a_bid_reported_after_its_rival_ended_is_not_its_rival(run: Invoke) -> None:
    for args in (
        ("add", "Gaia", "--acquirer", "One", "--value", "$5bn", "--on", "2020-01-10"),
        ("status", "gaia-one", "failed", "--on", "2020-03"),
        ("add", "Gaia", "--acquirer", "Two", "--value", "$4bn", "--on", "2020-04-01"),
    ):
        assert run(*args).exit_code == 0
    assert by_group(run, "--by", "target") == {"Gaia": [total("USD", 2, "9000000000.00")]}
    # A bid reported within the month its rival failed in overlaps it: a month is a period.
    # And a bid that overlaps both joins all three in one set of rivals.
    added = run("add", "Gaia", "--acquirer", "Three", "--value", "$6bn", "--on", "2020-03-31")
    assert added.exit_code == 0
    assert by_group(run, "--by", "target") == {"Gaia": [total("USD", 3, "6000000000.00", folded=2)]}


def test_ranges_add_the_largest_low_end_and_the_largest_upper_end(run: Invoke) -> None:
    run("add", "Orbit", "--acquirer", "One", "--value", "$10-20bn", "--on", "2021-05")
    run("add", "Orbit", "--acquirer", "Two", "--value", "$15bn", "--on", "2021-06")
    assert by_group(run, "--by", "target") == {
        "Orbit": [total("USD", 2, "15000000000.00", "20000000000.00", folded=1)]
    }


def test_rivals_in_other_currencies_are_totalled_apart(run: Invoke) -> None:
    run("add", "Vesta", "--acquirer", "One", "--value", "$10bn", "--on", "2021-05")
    run("add", "Vesta", "--acquirer", "Two", "--value", "€9bn", "--on", "2021-06")
    run("add", "Vesta", "--acquirer", "Three", "--on", "2021-06")  # undisclosed: nothing to fold
    assert by_group(run, "--by", "target") == {
        "Vesta": [total("EUR", 1, "9000000000.00"), total("USD", 1, "10000000000.00")]
    }


def test_rivals_reported_in_one_month_fold_in_that_month_s_group(run: Invoke) -> None:
    run("add", "Nyx", "--acquirer", "One", "--value", "$2bn", "--on", "2021-05-03")
    run("add", "Nyx", "--acquirer", "Two", "--value", "$3bn", "--on", "2021-05-20")
    run("add", "Nyx", "--acquirer", "Three", "--value", "$4bn", "--on", "2021")
    assert by_group(run, "--by", "month") == {
        "2021": [total("USD", 1, "4000000000.00")],
        "2021-05": [total("USD", 2, "3000000000.00", folded=1)],
    }
    assert by_group(run, "--by", "year") == {"2021": [total("USD", 3, "4000000000.00", folded=2)]}
