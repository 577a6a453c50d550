"""``report --in CUR`` rounds each deal in the database exactly as ``Conversion.apply`` does:
the same figures from SQL as from Python, on a real ledger of either backend; amounts too large
for the database's integers are converted in Python instead, never approximated."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, create_engine, literal, select, text
from sqlalchemy.orm import Session

from dealtrack.db import open_ledger
from dealtrack.domain.fx import RateBook, table_of
from dealtrack.domain.rate_text import rate_text
from dealtrack.fx_reports import converting
from dealtrack.fx_sql import DAY_RATE, DayKeys, converted_totals, day_terms, half_even
from dealtrack.location import locate
from dealtrack.queries import Filters
from dealtrack.reports import _members
from dealtrack.services.parties import Notices
from tests.conftest import Invoke

D = datetime.date
DAY = D(2021, 2, 12)
stored_rates = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.integers(min_value=1, max_value=999_999_999_999),
    st.integers(min_value=-24, max_value=12),
)
Rows = list[tuple[D, str, str, str, str]]


def routes(route: str, first: str, second: str) -> Rows:
    return {
        "direct": [(DAY, "GBP", "USD", first, "Desk")],
        "inverse": [(DAY, "USD", "GBP", first, "Desk")],
        "through euro": [(DAY, "EUR", "USD", first, "ECB"), (DAY, "EUR", "GBP", second, "ECB")],
    }[route]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    rates=st.lists(stored_rates, min_size=2, max_size=2),
    route=st.sampled_from(["direct", "inverse", "through euro"]),
    amounts=st.lists(
        st.one_of(
            st.integers(min_value=0, max_value=10**6),
            st.integers(min_value=0, max_value=2**63 - 1),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_the_database_rounds_each_amount_as_the_conversion_does(
    run: Invoke, ledger_url: str, rates: list[Decimal], route: str, amounts: list[int]
) -> None:
    run("fx", "set", "EUR", "USD", "1.1", "--on", "2020-02-03")  # creates the ledger once
    rows = routes(route, *(rate_text(r) for r in rates))
    book = RateBook(table_of(rows), lambda: table_of([]))
    conversion = book.conversion("GBP", "USD", DAY)
    terms = day_terms(book, "GBP", "USD", [DAY.toordinal()]).get(DAY.toordinal())
    assert conversion is not None
    if terms is None:
        return
    twice_top, bottom, twice_bottom, most = terms
    ledger = open_ledger(locate(ledger_url), False)
    try:
        with ledger.session(False) as session:
            for amount in [0, most, *amounts]:
                if amount > most:
                    continue
                value = literal(amount, BigInteger)
                terms_in_sql = (literal(t, BigInteger) for t in (twice_top, bottom, twice_bottom))
                rounded = session.scalar(select(half_even(value, *terms_in_sql)))
                assert rounded == conversion.apply(amount)
    finally:
        ledger.close()


def totals(run: Invoke, *args: str) -> list[dict[str, object]]:
    result = run("report", "--by", "kind", "--in", "USD", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    return [{"group": g["group"], "totals": g["totals"]} for g in json.loads(result.stdout)]


def test_an_amount_too_large_for_the_database_is_converted_exactly_all_the_same(
    run: Invoke,
) -> None:
    # Twelve digits make a large fraction: EUR 1m × 1.23456789012 overflows 64 bits in SQL.
    for args in (
        ("fx", "set", "EUR", "USD", "1.23456789012", "--on", "2020-02-03"),
        ("add", "Large", "--kind", "stake", "--value", "EUR 1m", "--on", "2020-02-03"),
        ("add", "Small", "--kind", "stake", "--value", "EUR 100-200", "--on", "2020-02-03"),
    ):
        assert run(*args).exit_code == 0
    # 1,234,567.89012 → 1,234,567.89; 123.456789012 → 123.46; 246.913578024 → 246.91.
    assert totals(run) == [
        {
            "group": "stake",
            "totals": [
                {
                    "currency": "USD",
                    "deals": 2,
                    "folded": 0,
                    "amount": "1234691.35",
                    "high": "1234814.80",
                }
            ],
        }
    ]


def test_deals_on_every_day_of_their_span_convert_as_deals_on_a_few_days_do(
    run: Invoke,
) -> None:
    # Three deals over three days: every day, month and year of the span gets its rate.
    for args in (
        ("fx", "set", "EUR", "USD", "1.1", "--on", "2020-02-03"),
        ("fx", "set", "EUR", "USD", "2", "--on", "2020-02-28"),
        ("add", "One", "--kind", "stake", "--value", "EUR 10", "--on", "2020-02-03"),
        ("add", "Two", "--kind", "stake", "--value", "EUR 10", "--on", "2020-02-03"),
        # A month converts on its last day, at 2.
        ("add", "Three", "--kind", "stake", "--value", "EUR 10", "--on", "2020-02"),
    ):
        assert run(*args).exit_code == 0
    assert totals(run)[0]["totals"] == [
        {"currency": "USD", "deals": 3, "folded": 0, "amount": "42.00", "high": "42.00"}
    ]


@pytest.mark.sqlite_only("query plans are SQLite's")
def test_the_conversion_by_status_seeks_the_covering_index_in_order_without_a_sort(
    run: Invoke, db_path: Path
) -> None:
    for args in (
        ("add", "One", "--value", "EUR 10", "--on", "2020-02-03"),
        ("add", "Two", "--value", "USD 10", "--on", "2020-02-03", "--status", "agreed"),
    ):
        assert run(*args).exit_code == 0
    engine = create_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        members = _members(session, "status", Filters(), Notices())
        DAY_RATE.create(session.connection())
        by = (members.c.grp, members.c.currency)
        kept = converting(members, "status", {"EUR": 1}, {"rumored", "agreed"})
        query = converted_totals(members, DayKeys(["EUR"]), by, by, kept)
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        steps = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]
    engine.dispose()
    # Each (status, currency) run of the index, in order: no temporary tree for the groups.
    assert steps == [
        "SEARCH deal USING COVERING INDEX ix_deal_status_value (status=? AND currency=?)",
        "SEARCH fx_day_rate USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN",
    ]


def test_a_deals_day_key_in_sql_is_the_one_its_rate_was_written_under(
    run: Invoke, ledger_url: str
) -> None:
    assert run("fx", "set", "EUR", "USD", "1.1", "--on", "2020-02-03").exit_code == 0
    keys = DayKeys(["JPY", "EUR", "GBP"])
    days = [D(1, 1, 1), D(1899, 12, 31), D(1900, 3, 1), D(2000, 2, 29), D(2021, 2, 13)]
    days.append(D(9999, 12, 31))
    wanted = {
        (currency, day, precision): keys.of(currency, day, precision)
        for currency in ("EUR", "GBP", "JPY")
        for day in days
        for precision in ("day", "month", "year")
    }
    ledger = open_ledger(locate(ledger_url), False)
    try:
        with ledger.session(False) as session:
            in_sql = {
                (currency, day, precision): session.scalar(
                    select(keys.column(literal(currency), literal(day), literal(precision)))
                )
                for currency, day, precision in wanted
            }
            unknown = session.scalar(select(keys.column(literal("INR"), literal(DAY), "day")))
    finally:
        ledger.close()
    assert in_sql == wanted
    assert len(set(wanted.values())) == len(wanted)
    assert unknown is None


def test_two_currencies_dated_a_day_a_month_and_a_year_from_one_date_convert_apart(
    run: Invoke,
) -> None:
    # A day converts on its own date, a month on its last day, a year on 31 December.
    for args in (
        ("fx", "set", "EUR", "USD", "1.1", "--on", "2020-02-01"),
        ("fx", "set", "EUR", "USD", "2", "--on", "2020-02-29"),
        ("fx", "set", "EUR", "USD", "3", "--on", "2020-12-31"),
        ("fx", "set", "GBP", "USD", "10", "--on", "2020-02-01"),
        ("fx", "set", "GBP", "USD", "20", "--on", "2020-02-29"),
        ("fx", "set", "GBP", "USD", "30", "--on", "2020-12-31"),
        ("add", "Day E", "--kind", "stake", "--value", "EUR 1", "--on", "2020-02-01"),
        ("add", "Month E", "--kind", "stake", "--value", "EUR 10", "--on", "2020-02"),
        ("add", "Year E", "--kind", "stake", "--value", "EUR 100", "--on", "2020"),
        ("add", "Day G", "--kind", "stake", "--value", "GBP 1000", "--on", "2020-02-01"),
        ("add", "Month G", "--kind", "stake", "--value", "GBP 10000", "--on", "2020-02"),
        ("add", "Year G", "--kind", "stake", "--value", "GBP 100000", "--on", "2020"),
    ):
        assert run(*args).exit_code == 0, args
    # 1.10 + 20 + 300 + 10,000 + 200,000 + 3,000,000
    assert totals(run)[0]["totals"] == [
        {"currency": "USD", "deals": 6, "folded": 0, "amount": "3210321.10", "high": "3210321.10"}
    ]
