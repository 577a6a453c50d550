"""``dealtrack report``: deal counts and value totals by group, one total per currency."""

import json
from typing import Any

import pytest

from tests.conftest import STORY, BuiltLedger, Invoke
from tests.test_cli_list import MARKET

EXTRA = (
    # Known only to the year: it counts in 2020, never in January.
    (
        "add",
        "Orion",
        "--acquirer",
        "Google",
        "--value",
        "$1-2bn",
        "--on",
        "2020",
        "--status",
        "rumored",
    ),
    # No acquirer and no seller: it goes under the empty group of those league tables.
    ("add", "Nova", "--value", "£500k", "--on", "2019-03", "--status", "completed"),
)
MAX = "USD 92,233,720,368,547,758.07"


@pytest.fixture
def ledger(built_ledger: BuiltLedger) -> Invoke:
    """The worked example, MARKET's four deals, Orion (id 8) and Nova (id 9)."""
    return built_ledger(STORY, MARKET, EXTRA)


def report(run: Invoke, *args: str) -> list[dict[str, Any]]:
    result = run("report", *args, "-f", "json")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    groups: list[dict[str, Any]] = json.loads(result.stdout)
    return groups


def total(
    currency: str, deals: int, amount: str, high: str | None = None, folded: int = 0
) -> dict[str, Any]:
    return {
        "currency": currency,
        "deals": deals,
        "folded": folded,
        "amount": amount,
        "high": high or amount,
    }


def counts(groups: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(g["group"], g["deals"]) for g in groups]


def test_report_defaults_to_status_in_lifecycle_order(story: Invoke) -> None:
    result = story("report")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "group           deals    total\n"
        "--------------  -------  --------\n"
        "in-negotiation  1\n"
        "completed       1        USD 145m\n"
        "failed          1        USD 3bn\n"
    )


def test_report_json_shape_by_status(ledger: Invoke) -> None:
    assert report(ledger, "--by", "status") == [
        {
            "group": "rumored",
            "deals": 2,
            "totals": [
                total("EUR", 1, "2000000000.00", "3000000000.00"),
                total("USD", 1, "1000000000.00", "2000000000.00"),
            ],
        },
        {"group": "in-negotiation", "deals": 1, "totals": []},
        {"group": "agreed", "deals": 1, "totals": [total("INR", 1, "247130000000.00")]},
        {
            "group": "completed",
            "deals": 3,
            "totals": [total("GBP", 1, "500000.00"), total("USD", 2, "19145000000.00")],
        },
        {"group": "failed", "deals": 2, "totals": [total("USD", 2, "43000000000.00")]},
    ]


def test_high_sums_upper_ends_counting_a_single_value_as_both(ledger: Invoke) -> None:
    [usd] = [g for g in report(ledger, "--by", "currency") if g["group"] == "USD"]
    # 3bn + 145m + 19bn + 40bn + (1 to 2bn): the single values count as both ends.
    assert usd["totals"] == [total("USD", 5, "63145000000.00", "64145000000.00")]


def test_totals_are_never_summed_across_currencies(ledger: Invoke) -> None:
    [acquisitions] = [g for g in report(ledger, "--by", "kind") if g["group"] == "acquisition"]
    assert acquisitions == {
        "group": "acquisition",
        "deals": 5,
        "totals": [
            total("GBP", 1, "500000.00"),
            total("INR", 1, "247130000000.00"),
            total("USD", 3, "60000000000.00", "61000000000.00"),
        ],
    }


def test_report_by_kind(ledger: Invoke) -> None:
    assert counts(report(ledger, "--by", "kind")) == [
        ("acquisition", 5),
        ("asset-sale", 2),
        ("stake", 1),
        ("investment", 1),
    ]


def test_report_by_year_is_chronological(ledger: Invoke) -> None:
    assert counts(report(ledger, "--by", "year")) == [
        ("2014", 1),
        ("2019", 1),
        ("2020", 6),
        ("2021", 1),
    ]


def test_report_by_month_counts_a_year_only_date_in_its_year(ledger: Invoke) -> None:
    groups = report(ledger, "--by", "month")
    assert counts(groups) == [
        ("2014-02", 1),
        ("2019-03", 1),
        ("2020", 1),
        ("2020-08", 2),
        ("2020-09", 1),
        ("2020-12", 2),
        ("2021-02", 1),
    ]
    assert groups[2]["totals"] == [total("USD", 1, "1000000000.00", "2000000000.00")]


def test_report_by_currency_puts_undisclosed_deals_in_an_empty_group(ledger: Invoke) -> None:
    assert counts(report(ledger, "--by", "currency")) == [
        ("", 1),
        ("EUR", 1),
        ("GBP", 1),
        ("INR", 1),
        ("USD", 5),
    ]


def test_acquirer_league_table_gives_full_credit_for_each_deal(ledger: Invoke) -> None:
    groups = {g["group"]: g for g in report(ledger, "--by", "acquirer")}
    assert groups["Google"] == {
        "group": "Google",
        "deals": 2,
        "totals": [total("USD", 2, "1145000000.00", "2145000000.00")],
    }
    assert groups["Mithril Capital"]["totals"] == [total("USD", 1, "145000000.00")]


def test_acquirer_league_table_orders_by_count_then_name(ledger: Invoke) -> None:
    assert counts(report(ledger, "--by", "acquirer")) == [
        ("Google", 2),
        ("Glance Digital Experience", 1),
        ("Meta Platforms", 1),
        ("Mithril Capital", 1),
        ("Nvidia", 1),
        ("Reliance Jio", 1),
        ("Reliance Retail", 1),
        ("Vivendi", 1),
        ("(none)", 1),
    ]


def test_deals_without_a_party_in_the_role_go_under_none_last(ledger: Invoke) -> None:
    [nobody] = [g for g in report(ledger, "--by", "acquirer") if g["group"] == "(none)"]
    assert nobody == {"group": "(none)", "deals": 1, "totals": [total("GBP", 1, "500000.00")]}
    assert counts(report(ledger, "--by", "seller")) == [
        ("ByteDance", 2),
        ("SoftBank", 1),
        ("(none)", 6),
    ]


def test_report_by_target(ledger: Invoke) -> None:
    groups = report(ledger, "--by", "target")
    assert groups[0] == {
        "group": "TikTok India",
        "deals": 2,
        "totals": [total("USD", 1, "3000000000.00")],
    }
    assert [g["group"] for g in groups[1:]] == [
        "Arm",
        "Future Retail",
        "Glance Digital Experience",
        "Mediaset",
        "Nova",
        "Orion",
        "WhatsApp",
    ]


def test_report_by_party_counts_every_role_once_per_deal(ledger: Invoke) -> None:
    groups = {g["group"]: g for g in report(ledger, "--by", "party")}
    assert groups["Glance Digital Experience"]["deals"] == 2  # acquirer once, target once
    assert groups["SoftBank"] == {
        "group": "SoftBank",
        "deals": 2,
        "totals": [total("USD", 1, "40000000000.00")],
    }
    assert "InMobi" not in groups  # a parent in no deal is in no group
    assert "" not in groups


def test_sort_count_puts_the_largest_groups_first(ledger: Invoke) -> None:
    assert counts(report(ledger, "--by", "status", "--sort", "count")) == [
        ("completed", 3),
        ("rumored", 2),
        ("failed", 2),
        ("in-negotiation", 1),
        ("agreed", 1),
    ]


def test_sort_value_orders_by_currency_then_largest_total(ledger: Invoke) -> None:
    assert counts(report(ledger, "--by", "acquirer", "--sort", "value")) == [
        ("Vivendi", 1),
        ("(none)", 1),
        ("Reliance Retail", 1),
        ("Nvidia", 1),
        ("Meta Platforms", 1),
        ("Reliance Jio", 1),
        ("Google", 2),
        ("Mithril Capital", 1),
        ("Glance Digital Experience", 1),
    ]


def test_limit_keeps_the_first_groups(ledger: Invoke) -> None:
    assert counts(report(ledger, "--by", "acquirer", "--limit", "2")) == [
        ("Google", 2),
        ("Glance Digital Experience", 1),
    ]
    assert report(ledger, "--limit", "0") == []


def test_filters_choose_the_deals_reported_on(ledger: Invoke) -> None:
    assert report(ledger, "--currency", "EUR") == [
        {
            "group": "rumored",
            "deals": 1,
            "totals": [total("EUR", 1, "2000000000.00", "3000000000.00")],
        }
    ]
    assert counts(report(ledger, "--by", "kind", "--party", "SoftBank")) == [
        ("acquisition", 1),
        ("asset-sale", 1),
    ]


def test_groups_with_no_deals_are_left_out(story: Invoke) -> None:
    assert counts(report(story, "--status", "failed")) == [("failed", 1)]
    result = story("report", "--party", "Nobody", "-f", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert result.stderr == 'Note: no party named "Nobody"; it matches no deal\n'


def test_report_as_of_counts_the_status_in_force_then(ledger: Invoke) -> None:
    assert report(ledger, "--as-of", "2020-12-31") == [
        {
            "group": "rumored",
            "deals": 2,
            "totals": [
                total("EUR", 1, "2000000000.00", "3000000000.00"),
                total("USD", 1, "1000000000.00", "2000000000.00"),
            ],
        },
        {"group": "in-negotiation", "deals": 1, "totals": [total("USD", 1, "3000000000.00")]},
        {
            "group": "agreed",
            "deals": 2,
            "totals": [total("INR", 1, "247130000000.00"), total("USD", 1, "40000000000.00")],
        },
        {
            "group": "completed",
            "deals": 3,
            "totals": [total("GBP", 1, "500000.00"), total("USD", 2, "19145000000.00")],
        },
    ]


def test_flat_formats_print_one_row_per_group_and_currency(ledger: Invoke) -> None:
    result = ledger("report", "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout == (
        "group,deals,currency,currency_deals,folded,amount,high\n"
        "rumored,2,EUR,1,0,2000000000.00,3000000000.00\n"
        "rumored,2,USD,1,0,1000000000.00,2000000000.00\n"
        "in-negotiation,1,,,,,\n"
        "agreed,1,INR,1,0,247130000000.00,247130000000.00\n"
        "completed,3,GBP,1,0,500000.00,500000.00\n"
        "completed,3,USD,2,0,19145000000.00,19145000000.00\n"
        "failed,2,USD,2,0,43000000000.00,43000000000.00\n"
    )


def test_report_table_shows_compact_totals_per_currency(ledger: Invoke) -> None:
    result = ledger("report")
    assert result.exit_code == 0
    assert result.stdout == (
        "group           deals    total\n"
        "--------------  -------  ------------\n"
        "rumored         2        EUR 2\u20133bn\n"
        "rumored         2        USD 1\u20132bn\n"
        "in-negotiation  1\n"
        "agreed          1        INR 247.13bn\n"
        "completed       3        GBP 500k\n"
        "completed       3        USD 19.145bn\n"
        "failed          2        USD 43bn\n"
    )


def test_report_jsonl_is_one_group_a_line(story: Invoke) -> None:
    result = story("report", "--by", "kind", "-f", "jsonl")
    assert result.exit_code == 0
    assert result.stdout == (
        '{"group":"asset-sale","deals":2,"totals":[{"currency":"USD","deals":1,"folded":0,'
        '"amount":"3000000000.00","high":"3000000000.00"}]}\n'
        '{"group":"investment","deals":1,"totals":[{"currency":"USD","deals":1,"folded":0,'
        '"amount":"145000000.00","high":"145000000.00"}]}\n'
    )


def test_sums_past_64_bits_fall_back_to_an_exact_sum(run: Invoke) -> None:
    for target in ("Gamma", "Delta", "Epsilon"):
        assert run("add", target, "--value", MAX, "--on", "2019").exit_code == 0
    assert report(run, "--by", "year") == [
        {"group": "2019", "deals": 3, "totals": [total("USD", 3, "276701161105643274.21")]}
    ]
    result = run("report", "--by", "currency")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "group    deals    total\n"
        "-------  -------  --------------\n"
        "USD      3        \u2248USD 276,700tn\n"
    )


def test_exact_sum_keeps_groups_and_ranges_apart(run: Invoke) -> None:
    run("add", "Gamma", "--value", MAX, "--on", "2019", "--status", "agreed")
    run("add", "Delta", "--value", MAX, "--on", "2019", "--status", "agreed")
    run("add", "Small", "--value", "$1-2m", "--on", "2019", "--status", "rumored")
    run("add", "Euro", "--value", "€5m", "--on", "2019", "--status", "agreed")
    assert report(run) == [
        {"group": "rumored", "deals": 1, "totals": [total("USD", 1, "1000000.00", "2000000.00")]},
        {
            "group": "agreed",
            "deals": 3,
            "totals": [total("EUR", 1, "5000000.00"), total("USD", 2, "184467440737095516.14")],
        },
    ]


def test_unknown_grouping_is_a_usage_error(story: Invoke) -> None:
    result = story("report", "--by", "planet")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '--by'" in result.stderr


def test_adviser_and_backer_league_tables_and_the_none_group(story: Invoke) -> None:
    assert counts(report(story, "--by", "backer")) == [("SoftBank", 1), ("(none)", 2)]
    assert counts(report(story, "--by", "adviser")) == [("(none)", 3)]


def test_report_by_country_groups_by_the_target_s_country(story: Invoke) -> None:
    result = story("report", "--by", "country", "-f", "csv")
    assert (result.exit_code, result.stdout) == (
        0,
        "group,deals,currency,currency_deals,folded,amount,high\n"
        "IN,2,USD,1,0,3000000000.00,3000000000.00\n"
        "(none),1,USD,1,0,145000000.00,145000000.00\n",
    )


def test_report_by_source_counts_a_deal_under_each_outlet_its_live_events_cite(
    story: Invoke,
) -> None:
    assert counts(report(story, "--by", "source")) == [("Bloomberg", 2), ("(none)", 1)]
    assert counts(report(story, "--by", "source", "--as-of", "2021-01")) == [("(none)", 2)]
