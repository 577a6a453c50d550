"""The duplicate rule: the same target and acquirers, reported in periods that overlap."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.dates import PartialDate, Precision
from dealtrack.domain.duplicates import is_duplicate, natural_key, reports_overlap

periods = st.builds(
    PartialDate,
    st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
    st.sampled_from(list(Precision)),
).map(lambda p: PartialDate(_first_day(p), p.precision))


def _first_day(period: PartialDate) -> datetime.date:
    if period.precision is Precision.YEAR:
        return period.start.replace(month=1, day=1)
    if period.precision is Precision.MONTH:
        return period.start.replace(day=1)
    return period.start


def month(text: str) -> PartialDate:
    year, number = map(int, text.split("-"))
    return PartialDate(datetime.date(year, number, 1), Precision.MONTH)


def test_a_day_overlaps_its_month_and_a_month_not_the_next() -> None:
    day = PartialDate(datetime.date(2022, 9, 16), Precision.DAY)
    assert reports_overlap(month("2022-09"), day)
    assert not reports_overlap(month("2022-08"), month("2022-09"))


@given(periods, periods)
def test_overlap_is_symmetric_and_holds_exactly_when_a_day_is_shared(
    a: PartialDate, b: PartialDate
) -> None:
    shared = max(a.start, b.start) <= min(a.last_day, b.last_day)
    assert reports_overlap(a, b) == reports_overlap(b, a) == shared


@given(periods, periods, st.frozensets(st.integers(1, 5)), st.frozensets(st.integers(1, 5)))
def test_a_duplicate_needs_the_same_target_and_acquirers_and_overlapping_reports(
    a: PartialDate, b: PartialDate, acquirers: frozenset[int], others: frozenset[int]
) -> None:
    wanted = natural_key(1, acquirers, a)
    assert is_duplicate(wanted, natural_key(1, acquirers, b)) == reports_overlap(a, b)
    assert not is_duplicate(wanted, natural_key(2, acquirers, b))
    assert is_duplicate(wanted, natural_key(1, others, a)) == (others == acquirers)
