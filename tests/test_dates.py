import contextlib
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.dates import (
    DateError,
    PartialDate,
    Precision,
    day_text,
    from_storage,
    parse_date,
    parse_effective_date,
)

TODAY = datetime.date(2026, 11, 27)
HOW = "write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2021-02-13) or 'today'"


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("2020", datetime.date(2020, 1, 1), Precision.YEAR),
        ("2020-08", datetime.date(2020, 8, 1), Precision.MONTH),
        ("2021-02-13", datetime.date(2021, 2, 13), Precision.DAY),
        (" 2021-02-13 ", datetime.date(2021, 2, 13), Precision.DAY),
        ("2024-02-29", datetime.date(2024, 2, 29), Precision.DAY),
        ("1000", datetime.date(1000, 1, 1), Precision.YEAR),
        ("9999-12-31", datetime.date(9999, 12, 31), Precision.DAY),
    ],
)
def test_parse_date_keeps_the_precision_given(
    text: str, start: datetime.date, precision: Precision
) -> None:
    assert parse_date(text) == PartialDate(start, precision)


@pytest.mark.parametrize("text", ["today", "TODAY", " Today "])
def test_today_is_the_given_day(text: str) -> None:
    assert parse_date(text, today=TODAY) == PartialDate(TODAY, Precision.DAY)


def test_today_defaults_to_the_local_date() -> None:
    assert parse_date("today").start == datetime.date.today()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2021-02-30",
            "'2021-02-30': there is no day 30 in February 2021; its days run from 01 to 28",
        ),
        (
            "2021-04-00",
            "'2021-04-00': there is no day 00 in April 2021; its days run from 01 to 30",
        ),
        ("2021-13", "'2021-13': there is no month 13; months run from 01 to 12"),
        ("2021-00-01", "'2021-00-01': there is no month 00; months run from 01 to 12"),
        ("0999", "'0999': year 0999 is out of range; use 1000 to 9999"),
        ("2021-2-3", f"'2021-2-3' is not a date; {HOW}"),
        ("13/02/2021", f"'13/02/2021' is not a date; {HOW}"),
        ("21", f"'21' is not a date; {HOW}"),
        ("20210213", f"'20210213' is not a date; {HOW}"),
        ("", f"'' is not a date; {HOW}"),
        ("2021-02-13\nx", f"'2021-02-13\\nx' is not a date; {HOW}"),
        ("٢٠٢١", f"'٢٠٢١' is not a date; {HOW}"),
    ],
)
def test_bad_dates_are_refused_saying_why(text: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("2020", datetime.date(2020, 12, 31)),
        ("2024-02", datetime.date(2024, 2, 29)),
        ("2023-02", datetime.date(2023, 2, 28)),
        ("2021-02-13", datetime.date(2021, 2, 13)),
    ],
)
def test_last_day_ends_the_period(text: str, last: datetime.date) -> None:
    assert parse_date(text).last_day == last


@pytest.mark.parametrize("text", ["2020", "2020-08", "2021-02-13"])
def test_str_shows_the_date_as_given(text: str) -> None:
    assert str(parse_date(text)) == text


def test_partial_dates_sort_by_start_then_coarser_first() -> None:
    dates = [parse_date(t) for t in ["2021-01-01", "2020-08", "2021", "2021-01"]]
    assert [str(d) for d in sorted(dates)] == ["2020-08", "2021", "2021-01", "2021-01-01"]


def test_effective_date_may_be_today_or_a_period_begun_by_today() -> None:
    assert parse_effective_date("2026-11-27", today=TODAY).start == TODAY
    assert parse_effective_date("2026-11", today=TODAY).precision is Precision.MONTH
    assert parse_effective_date("2026", today=TODAY).precision is Precision.YEAR
    assert parse_effective_date("today", today=TODAY).start == TODAY


@pytest.mark.parametrize("text", ["2027-01-05", "2026-12", "2027", "2026-11-28"])
def test_effective_date_after_today_is_refused(text: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_effective_date(text, today=TODAY)
    assert str(caught.value) == (
        f"'{text}' is after today (2026-11-27); effective dates cannot be in the future"
    )


def test_effective_date_reports_malformed_text_first() -> None:
    with pytest.raises(DateError, match="is not a date"):
        parse_effective_date("soon", today=TODAY)


@pytest.mark.parametrize(
    ("start", "precision"),
    [
        (datetime.date(2020, 1, 1), "year"),
        (datetime.date(2020, 8, 1), "month"),
        (datetime.date(2020, 8, 17), "day"),
    ],
)
def test_from_storage_rebuilds_the_date(start: datetime.date, precision: str) -> None:
    assert from_storage(start, precision) == PartialDate(start, Precision(precision))


def test_from_storage_refuses_an_unknown_precision() -> None:
    with pytest.raises(DateError) as caught:
        from_storage(datetime.date(2020, 1, 1), "week")
    assert str(caught.value) == "'week' is not a date precision; use one of: year, month, day"


@pytest.mark.parametrize(
    ("start", "precision"),
    [
        (datetime.date(2020, 8, 1), "year"),
        (datetime.date(2020, 8, 2), "month"),
        (datetime.date(999, 1, 1), "year"),
    ],
)
def test_from_storage_refuses_a_start_that_is_not_a_first_day(
    start: datetime.date, precision: str
) -> None:
    with pytest.raises(DateError) as caught:
        from_storage(start, precision)
    assert str(caught.value) == (
        f"{start.isoformat()} is not the first day of a {precision} from 1000 to 9999; "
        "store the period's first day"
    )


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    day = draw(st.dates(min_value=datetime.date(1000, 1, 1)))
    precision = draw(st.sampled_from(Precision))
    if precision is Precision.YEAR:
        day = day.replace(month=1, day=1)
    elif precision is Precision.MONTH:
        day = day.replace(day=1)
    return PartialDate(day, precision)


@given(partial_dates())
def test_str_round_trips(date: PartialDate) -> None:
    assert parse_date(str(date)) == date
    assert from_storage(date.start, date.precision.value) == date


@given(partial_dates())
def test_period_contains_its_start(date: PartialDate) -> None:
    assert date.start <= date.last_day


@given(st.text())
def test_parse_date_raises_only_date_error(text: str) -> None:
    with contextlib.suppress(DateError):
        parse_date(text, today=TODAY)


@given(st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True))
def test_well_shaped_dates_parse_or_raise_date_error(text: str) -> None:
    with contextlib.suppress(DateError):
        parse_effective_date(text, today=TODAY)


@given(st.dates())
def test_a_day_is_bound_as_the_iso_text_it_is_read_back_from(day: datetime.date) -> None:
    assert day_text(day) == day.isoformat()
    assert datetime.date.fromisoformat(day_text(day)) == day


def test_a_day_before_the_year_1000_keeps_four_digits() -> None:
    assert day_text(datetime.date(999, 1, 2)) == "0999-01-02"
