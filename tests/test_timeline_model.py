"""The timeline's model: deals' lives from their events, laid out in columns of an axis."""

import datetime
import itertools
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.dates import PartialDate, Precision, parse_date
from dealtrack.domain.timeline import (
    Axis,
    DealLife,
    Mark,
    Period,
    Segment,
    build_chart,
    chart_row,
    life_of,
    ticks,
)
from dealtrack.statuses import STATUSES

D = datetime.date


def day(text: str) -> PartialDate:
    return parse_date(text)


@dataclass
class FakeDeal:
    reported: D
    reported_precision: str


@dataclass
class FakeEvent:
    """An event as the fold reads it (the event table's attribute names)."""

    id: int
    type: str
    on: D
    on_precision: str = "day"
    status: str | None = None
    voided: bool = False
    recorded_at: str = "2026-01-01T00:00:00.000000Z"
    reason: str | None = None
    amount: int | None = None
    high: int | None = None
    currency: str | None = None
    basis: str | None = None


def life(*periods: tuple[str, str], values: tuple[str, ...] = (), updated: str = "") -> DealLife:
    starts = tuple(Period(status, day(on)) for status, on in periods)
    last = updated or periods[-1][1]
    return DealLife("k", "K", "T", starts, tuple(day(v) for v in values), day(last))


def test_a_life_takes_each_status_from_the_fold_and_merges_restatements() -> None:
    deal = FakeDeal(D(2020, 8, 1), "month")
    events = [
        FakeEvent(1, "created", D(2020, 8, 1), status="in-negotiation", amount=300),
        FakeEvent(2, "status", D(2020, 9, 1), status="in-negotiation"),  # a second source
        FakeEvent(3, "value", D(2020, 10, 1), "month", amount=400),
        FakeEvent(4, "status", D(2021, 2, 13), status="failed"),
    ]
    drawn = life_of("jio", "TikTok India / Reliance Jio", "TikTok India", deal, events, day("2021"))
    assert drawn.periods == (
        Period("in-negotiation", day("2020-08")),
        Period("failed", day("2021-02-13")),
    )
    assert drawn.value_changes == (day("2020-10"),)
    assert not drawn.is_open


def test_a_life_ignores_void_events_and_keeps_the_last_word_of_a_day() -> None:
    deal = FakeDeal(D(2020, 1, 1), "day")
    events = [
        FakeEvent(1, "created", D(2020, 1, 1), status="rumored"),
        FakeEvent(2, "status", D(2020, 3, 1), status="failed", voided=True),
        FakeEvent(3, "status", D(2020, 5, 1), status="in-negotiation"),
        FakeEvent(4, "status", D(2020, 5, 1), status="agreed", recorded_at="2026-02-01"),
        FakeEvent(5, "value", D(2020, 6, 1), amount=1, voided=True),
    ]
    drawn = life_of("k", "K", "T", deal, events, day("2020-05-01"))
    assert drawn.periods == (
        Period("rumored", day("2020-01-01")),
        Period("agreed", day("2020-05-01")),
    )
    assert drawn.value_changes == ()
    assert drawn.is_open


AXIS = Axis(D(2020, 1, 1), D(2020, 12, 31), 366)  # one column a day


def test_a_status_runs_until_the_next_and_an_end_is_a_mark() -> None:
    row = chart_row(
        life(("rumored", "2020-01-01"), ("agreed", "2020-02-01"), ("completed", "2020-03-01")),
        AXIS,
        D(2020, 12, 31),
    )
    assert row.segments == (Segment("rumored", 0, 31, 0), Segment("agreed", 31, 60, 0))
    assert row.marks == (Mark(60, "completed"),)


def test_an_open_deal_runs_to_now_and_a_value_change_is_marked() -> None:
    row = chart_row(
        life(("in-negotiation", "2020-07-01"), values=("2020-08-01",)), AXIS, D(2020, 9, 30)
    )
    assert row.segments == (Segment("in-negotiation", 182, 274, 0),)
    assert row.marks == (Mark(213, "value"),)


def test_a_date_known_to_the_month_starts_with_a_lighter_edge_of_that_month() -> None:
    row = chart_row(life(("rumored", "2020-03"), ("failed", "2020-06-01")), AXIS, D(2020, 12, 31))
    assert row.segments == (Segment("rumored", 60, 152, 31),)


def test_a_lighter_edge_always_leaves_the_status_a_column() -> None:
    narrow = Axis(D(2020, 1, 1), D(2020, 12, 31), 12)
    row = chart_row(life(("rumored", "2020"), ("failed", "2020-02-01")), narrow, D(2020, 12, 31))
    assert row.segments == (Segment("rumored", 0, 1, 0),)
    row = chart_row(life(("rumored", "2020"), ("failed", "2020-06-01")), narrow, D(2020, 12, 31))
    assert row.segments == (Segment("rumored", 0, 4, 3),)


def test_from_and_to_clip_the_periods_and_drop_marks_outside() -> None:
    lives = [life(("in-negotiation", "2020-08"), ("failed", "2021-02-13"))]
    chart = build_chart(lives, 10, D(2021, 6, 30), None, day("2020-10"), day("2020-12"))
    assert chart is not None
    assert (chart.axis.first, chart.axis.last) == (D(2020, 10, 1), D(2020, 12, 31))
    assert chart.rows[0].segments == (Segment("in-negotiation", 0, 10, 0),)
    assert chart.rows[0].marks == ()


def test_the_axis_runs_to_now_while_a_deal_is_open_else_to_the_latest_news() -> None:
    closed = life(("rumored", "2020-02"), ("failed", "2020-05-04"), updated="2020-06-01")
    chart = build_chart([closed], 50, D(2026, 1, 1))
    assert chart is not None
    assert (chart.axis.first, chart.axis.last) == (D(2020, 2, 1), D(2020, 6, 1))
    opened = life(("agreed", "2021"))
    chart = build_chart([closed, opened], 50, D(2026, 1, 1), as_of=D(2026, 1, 1))
    assert chart is not None
    assert (chart.axis.first, chart.axis.last) == (D(2020, 2, 1), D(2026, 1, 1))
    assert chart.as_of_column == 49


def test_rival_bids_sit_together_and_groups_follow_their_first_report() -> None:
    def bid(key: str, target: str, on: str) -> DealLife:
        return DealLife(key, key, target, (Period("rumored", day(on)),), (), day(on))

    lives = [bid("b1", "B", "2020-01"), bid("a1", "A", "2020-03"), bid("b2", "B", "2021-01")]
    chart = build_chart(lives, 40, D(2022, 1, 1))
    assert chart is not None
    assert [(g.target, [r.life.key for r in g.rows]) for g in chart.groups] == [
        ("B", ["b1", "b2"]),
        ("A", ["a1"]),
    ]
    assert build_chart([], 40, D(2022, 1, 1)) is None


def test_ticks_take_the_finest_step_whose_labels_fit() -> None:
    axis = Axis(D(2020, 8, 1), D(2021, 6, 30), 48)
    assert [(t.column, t.label) for t in ticks(axis, gap=2)] == [
        (8, "2020-10"),
        (21, "2021-01"),
        (34, "2021-04"),
    ]
    assert [t.label for t in ticks(Axis(D(2000, 1, 1), D(2019, 12, 31), 30))] == [
        "2000", "2005", "2010", "2015",
    ]  # fmt: skip
    assert [t.label for t in ticks(Axis(D(2021, 2, 13), D(2021, 2, 13), 20))] == ["2021-02-13"]


# Properties


@st.composite
def lives(draw: st.DrawFn) -> DealLife:
    start = draw(st.dates(D(1990, 1, 1), D(2030, 1, 1)))
    periods: list[Period] = []
    on = start
    for _ in range(draw(st.integers(1, 6))):
        precision = draw(st.sampled_from(list(Precision)))
        first = {
            Precision.DAY: on,
            Precision.MONTH: on.replace(day=1),
            Precision.YEAR: on.replace(month=1, day=1),
        }[precision]
        status = draw(st.sampled_from(STATUSES))
        if periods and periods[-1].status == status:
            continue
        if periods and first <= periods[-1].start.start:
            continue
        periods.append(Period(status, PartialDate(first, precision)))
        on += datetime.timedelta(days=draw(st.integers(1, 2000)))
    values = tuple(
        PartialDate(d, Precision.DAY)
        for d in draw(st.lists(st.dates(start, D(2035, 1, 1)), max_size=3))
    )
    return DealLife("k", "K", "T", tuple(periods), values, periods[-1].start)


@given(
    st.lists(lives(), min_size=1, max_size=5),
    st.integers(1, 300),
    st.dates(D(2000, 1, 1), D(2040, 1, 1)),
    st.one_of(st.none(), st.dates(D(1990, 1, 1), D(2040, 1, 1))),
)
def test_segments_never_overlap_stay_within_the_width_and_are_ordered(
    drawn: list[DealLife], width: int, now: D, first: D | None
) -> None:
    start = PartialDate(first, Precision.DAY) if first is not None else None
    chart = build_chart(drawn, width, now, now, start)
    assert chart is not None
    for row in chart.rows:
        edges = [(s.start, s.end) for s in row.segments]
        assert all(0 <= a < b <= width for a, b in edges)
        assert all(b <= c for (_, b), (c, _) in itertools.pairwise(edges))
        assert all(0 <= s.edge < s.end - s.start for s in row.segments)
        assert all(0 <= m.column < width for m in row.marks)
        assert [m.column for m in row.marks] == sorted(m.column for m in row.marks)
    column = chart.as_of_column
    assert column is None or 0 <= column < width


@given(
    st.dates(D(1000, 1, 1), D(9999, 1, 1)),
    st.integers(0, 40000),
    st.integers(1, 400),
    st.sampled_from([1.0, 7.3]),
)
def test_tick_labels_fit_the_width_in_order_without_overlapping(
    first: D, days: int, width: int, char: float
) -> None:
    last = min(first + datetime.timedelta(days=days), D(9999, 12, 31))
    found = ticks(Axis(first, last, width), char, 1)
    ends = [t.column + len(t.label) * char for t in found]
    assert all(end <= width for end in ends)
    assert all(end + 1 <= t.column for end, t in zip(ends, found[1:], strict=False))
