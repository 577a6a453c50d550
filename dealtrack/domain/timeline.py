"""The timeline chart as values: each deal's life laid out in columns of a time axis.

A deal's life is the run of statuses its events put in force, each from the date it took effect;
a chart maps those dates onto ``width`` columns, one row a deal, rows grouped by target so that
rival bids sit together. Renderers (the terminal's characters, an SVG's pixels) only draw what is
here: a column is one character in a terminal and one pixel in an SVG.

Pure code: values in, values out. The statuses in force come from the ledger's own fold, so the
chart can never disagree with ``show`` or ``list --as-of``.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dealtrack.dates import PartialDate, Precision, from_storage
from dealtrack.domain.fold import DealDates, effective_on, fold_state, in_order, live
from dealtrack.domain.rivals import ENDING_STATUSES
from dealtrack.vocabulary import STATUS_TYPES

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Period:
    """A status in force from ``start`` (the date it took effect, as precisely as it is known)."""

    status: str
    start: PartialDate


@dataclass(frozen=True, slots=True)
class DealLife:
    """What the chart draws of one deal: its statuses in order (never the same twice in a row),
    the dates its value changed, and ``updated`` (its latest news)."""

    key: str
    title: str
    target: str
    periods: tuple[Period, ...]
    value_changes: tuple[PartialDate, ...]
    updated: PartialDate

    @property
    def reported(self) -> PartialDate:
        return self.periods[0].start

    @property
    def is_open(self) -> bool:
        return self.periods[-1].status not in ENDING_STATUSES


def _date_of(event: Any, deal: DealDates) -> PartialDate:
    precision = deal.reported_precision if event.type == "created" else event.on_precision
    return from_storage(effective_on(event, deal), precision)


def life_of(
    key: str, title: str, target: str, deal: DealDates, events: Iterable[Any], updated: PartialDate
) -> DealLife:
    """A deal's life from its events (any order; those after an as-of date already left out).

    The status from each date on is the fold's answer for that date, so events recorded late,
    restatements and voids count exactly as they do everywhere else.
    """
    ordered = in_order(events, deal)
    by_day: dict[datetime.date, tuple[str, PartialDate]] = {}
    for event in live(ordered, STATUS_TYPES):
        day = effective_on(event, deal)  # the last word on a day is the status from that day
        by_day[day] = (fold_state(deal, ordered, as_of=day).status, _date_of(event, deal))
    periods: list[Period] = []
    for status, start in by_day.values():
        if not periods or periods[-1].status != status:  # a restatement continues its period
            periods.append(Period(status, start))
    values = tuple(_date_of(e, deal) for e in live(ordered, ("value",)))
    return DealLife(key, title, target, tuple(periods), values, updated)


@dataclass(frozen=True, slots=True)
class Axis:
    """Days ``first`` to ``last`` (both included) spread evenly over ``width`` columns."""

    first: datetime.date
    last: datetime.date
    width: int

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def column(self, day: datetime.date) -> int:
        """The column where ``day`` begins: 0 for ``first``, ``width`` for the day after ``last``
        (days outside the axis are held at its edges)."""
        offset = min(max((day - self.first).days, 0), self.days)
        return offset * self.width // self.days

    def holds(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def axis_for(
    lives: Sequence[DealLife],
    width: int,
    now: datetime.date,
    first: PartialDate | None = None,
    last: PartialDate | None = None,
) -> Axis:
    """The axis from the earliest ``reported`` to the latest ``updated`` (to ``now`` while a deal
    is open: today, or the as-of date), unless ``first``/``last`` (--from/--to) say otherwise."""
    start = min(life.reported.start for life in lives)
    end = max(min(life.updated.last_day, now) for life in lives)
    if any(life.is_open for life in lives):
        end = max(end, now)
    if first is not None:
        start, end = first.start, max(end, first.start)
    if last is not None:
        start, end = min(start, last.last_day), last.last_day
    return Axis(start, end, width)


@dataclass(frozen=True, slots=True)
class Segment:
    """A status drawn over columns ``start`` to ``end`` (excluded); its first ``edge`` columns
    are lighter when the date it began is known only to the month or year."""

    status: str
    start: int
    end: int
    edge: int


@dataclass(frozen=True, slots=True)
class Mark:
    """One column marked: where a deal ended (``completed``, ``failed``) or its value changed."""

    column: int
    kind: str


@dataclass(frozen=True, slots=True)
class Row:
    life: DealLife
    segments: tuple[Segment, ...]
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class Group:
    target: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    axis: Axis
    groups: tuple[Group, ...]
    as_of: datetime.date | None  # drawn as a line across the rows when on the axis

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def as_of_column(self) -> int | None:
        if self.as_of is None or not self.axis.holds(self.as_of):
            return None
        return min(self.axis.column(self.as_of), self.axis.width - 1)


def _edge(start: PartialDate, segment_start: int, segment_end: int, axis: Axis) -> int:
    """How many of a segment's first columns fall in its start's period, when that period is a
    month or a year: at least one, always leaving one column to show the status itself."""
    if start.precision is Precision.DAY or start.last_day < axis.first:
        return 0
    covered = axis.column(start.last_day + ONE_DAY) - segment_start
    return max(0, min(max(covered, 1), segment_end - segment_start - 1))


def chart_row(life: DealLife, axis: Axis, now: datetime.date) -> Row:
    """One deal's segments and marks. A status period runs until the next one begins (an open
    deal's last one until ``now``); a completed or failed deal ends in a mark on that day. A
    period too short for a column of its own yields it to the next, so segments never overlap."""
    segments: list[Segment] = []
    marks: list[Mark] = []
    for index, period in enumerate(life.periods):
        begins = period.start.start
        if period.status in ENDING_STATUSES:
            if axis.holds(begins):
                marks.append(Mark(min(axis.column(begins), axis.width - 1), period.status))
            continue
        ends = (
            life.periods[index + 1].start.start if index + 1 < len(life.periods) else now + ONE_DAY
        )
        start, end = axis.column(begins), axis.column(ends)
        if end > start and begins <= axis.last and ends > axis.first:
            segments.append(
                Segment(period.status, start, end, _edge(period.start, start, end, axis))
            )
    for changed in life.value_changes:
        if axis.holds(changed.start):
            marks.append(Mark(min(axis.column(changed.start), axis.width - 1), "value"))
    ends_at = {m.column for m in marks if m.kind != "value"}
    kept = [m for m in marks if m.kind != "value" or m.column not in ends_at]  # the end shows
    unique = {(m.column, m.kind): m for m in kept}
    return Row(life, tuple(segments), tuple(sorted(unique.values(), key=_mark_order)))


def _mark_order(mark: Mark) -> tuple[int, bool]:
    return (mark.column, mark.kind != "value")


def build_chart(
    lives: Iterable[DealLife],
    width: int,
    now: datetime.date,
    as_of: datetime.date | None = None,
    first: PartialDate | None = None,
    last: PartialDate | None = None,
) -> Chart | None:
    """The chart of these deals (None when there are none): groups by target in the order
    their first deal was reported, deals within a group by ``reported`` then key."""
    every = list(lives)
    if not every:
        return None
    axis = axis_for(every, width, now, first, last)
    by_target: dict[str, list[DealLife]] = {}
    for life in sorted(every, key=lambda life: (life.reported.start, life.key)):
        by_target.setdefault(life.target, []).append(life)
    groups = tuple(
        Group(target, tuple(chart_row(life, axis, now) for life in members))
        for target, members in by_target.items()
    )
    return Chart(axis, groups, as_of)


@dataclass(frozen=True, slots=True)
class Tick:
    column: int
    label: str


# Steps between ticks, finest first: days, then months, then years.
_DAY_STEPS = (1, 2, 5, 10, 15)
_MONTH_STEPS = (1, 2, 3, 6)
_YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)


_UNIT_DAYS = {"day": 1, "month": 28, "year": 365}


def _tick_days(axis: Axis, unit: str, step: int) -> Iterable[tuple[datetime.date, str]]:
    """The first day of each step-th day, month or year on the axis, with its label."""
    if axis.days // (step * _UNIT_DAYS[unit]) > 4 * axis.width + 8:
        return  # more ticks than columns: they cannot fit, so do not list them all
    if unit == "day":
        day = axis.first
        while day <= axis.last:
            if (day.day - 1) % step == 0 and day.day + step <= 32:  # 1, 11, 21 (not 31)
                yield day, day.isoformat()
            day += ONE_DAY
        return
    months = step * (12 if unit == "year" else 1)
    index = axis.first.year * 12 + axis.first.month - 1
    index += -index % months  # the first month on a step's boundary (January for years)
    while index < 10000 * 12:
        day = datetime.date(index // 12, index % 12 + 1, 1)
        if day > axis.last:
            return
        if day >= axis.first:
            yield day, (f"{day.year:04d}" if unit == "year" else f"{day:%Y-%m}")
        index += months


def ticks(axis: Axis, char_width: float = 1.0, gap: float = 1.0) -> list[Tick]:
    """Dates to label under the axis: the finest regular step (days, months or years) whose
    labels (``char_width`` columns a character, ``gap`` between them) fit without overlapping."""
    candidates = [
        *(("day", s) for s in _DAY_STEPS),
        *(("month", s) for s in _MONTH_STEPS),
        *(("year", s) for s in _YEAR_STEPS),
    ]
    for unit, step in candidates:
        found = _within(axis, unit, step, char_width)
        if len(found) >= 2 and _apart(found, char_width, gap):
            return found
    for unit, step in reversed(candidates):  # too narrow for two: the coarsest single label
        found = _within(axis, unit, step, char_width)
        if found:
            return found[:1]
    return []


def _within(axis: Axis, unit: str, step: int, char_width: float) -> list[Tick]:
    """The step's ticks whose labels end within the axis (a label is written from its tick on)."""
    found = [Tick(axis.column(day), label) for day, label in _tick_days(axis, unit, step)]
    return [t for t in found if t.column + len(t.label) * char_width <= axis.width]


def _apart(found: Sequence[Tick], char_width: float, gap: float) -> bool:
    ends = [t.column + len(t.label) * char_width for t in found]
    return all(end + gap <= after.column for end, after in zip(ends, found[1:], strict=False))
