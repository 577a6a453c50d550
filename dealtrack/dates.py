"""Partial dates: a year, a month or a day, kept at the precision the source gave.

News reports often date a deal only to the month ("talks began in August 2020"), so a date is a
period: its first day plus a precision. It is shown exactly as given, filters cover the whole
period (``--until 2020`` includes 2020-12-31), and a report by year counts ``2020`` in 2020, not
in January.
"""

import calendar
import datetime
import enum
import functools
import re
from dataclasses import dataclass

from dealtrack.vocabulary import quote_input

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_MIN_YEAR = 1000  # four digits both ways, so the text form sorts and round-trips
# English on purpose: calendar.month_name follows the locale, and messages must not.
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_HOW = "write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2021-02-13) or 'today'"


class DateError(ValueError):
    """Text that is not a date dealtrack accepts; the message says how to write one."""


@functools.total_ordering
class Precision(enum.Enum):
    """How much of a date is known; ordered coarse to fine so PartialDate can be sorted."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Precision):
            return NotImplemented
        order = list(Precision)
        return order.index(self) < order.index(other)


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A period given as a year, month or day; ``start`` is its first day."""

    start: datetime.date
    precision: Precision

    @property
    def last_day(self) -> datetime.date:
        """The period's last day, the bound for ``--until`` and ``--as-of``."""
        if self.precision is Precision.YEAR:
            return datetime.date(self.start.year, 12, 31)
        if self.precision is Precision.MONTH:
            days = calendar.monthrange(self.start.year, self.start.month)[1]
            return datetime.date(self.start.year, self.start.month, days)
        return self.start

    def __str__(self) -> str:
        if self.precision is Precision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()


# Distinct days an import binds are few (thousands) against its rows (millions).
DAYS_KEPT = 8_192


@functools.lru_cache(maxsize=DAYS_KEPT)
def day_text(day: datetime.date) -> str:
    """A day as the ledger's rows bind it: its ISO text, which SQLite stores and PostgreSQL reads
    as a date. Cached: a new deal's rows carry it (the driver would look its adapter up for every
    date bound, several times this lookup: 0.07 s of every 100,000 deals' rows), and the writer's
    adapter for the dates other rows bind is this function."""
    return day.isoformat()


def parse_date(text: str, today: datetime.date | None = None) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``today`` (``today`` or the local date).

    Strict on purpose: ``2021-2-3`` or ``13/02/2021`` are refused rather than guessed at, since a
    misread date would silently reorder a deal's history.
    """
    stripped = text.strip()
    if stripped.lower() == "today":
        return PartialDate(today or datetime.date.today(), Precision.DAY)
    match = _DATE.fullmatch(stripped)
    if match is None:
        raise DateError(f"{quote_input(text)} is not a date; {_HOW}")
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    if year < _MIN_YEAR:
        raise DateError(f"{quote_input(text)}: year {year_text} is out of range; use 1000 to 9999")
    if month_text is None:
        return PartialDate(datetime.date(year, 1, 1), Precision.YEAR)
    month = int(month_text)
    if not 1 <= month <= 12:
        raise DateError(
            f"{quote_input(text)}: there is no month {month_text}; months run from 01 to 12"
        )
    if day_text is None:
        return PartialDate(datetime.date(year, month, 1), Precision.MONTH)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= int(day_text) <= days:
        raise DateError(
            f"{quote_input(text)}: there is no day {day_text} in {_MONTH_NAMES[month - 1]} "
            f"{year}; its days run from 01 to {days}"
        )
    return PartialDate(datetime.date(year, month, int(day_text)), Precision.DAY)


def parse_effective_date(text: str, today: datetime.date | None = None) -> PartialDate:
    """Parse a date something took effect on, refusing one that begins after today.

    A typo such as 2062 for 2026 would otherwise fix a deal's status for decades, because the
    status in force is that of the latest event.
    """
    today = today or datetime.date.today()
    return _not_in_future(parse_date(text, today), text, today)


def _not_in_future(date: PartialDate, text: str, today: datetime.date) -> PartialDate:
    if date.start > today:
        raise DateError(
            f"{quote_input(text)} is after today ({today.isoformat()}); "
            "effective dates cannot be in the future"
        )
    return date


def from_storage(start: datetime.date, precision: str) -> PartialDate:
    """Rebuild a PartialDate from its stored columns, refusing a row that could not be written.

    A start that is not the first day of its period would make filters and display disagree.
    """
    try:
        kind = Precision(precision)
    except ValueError:
        names = ", ".join(p.value for p in Precision)
        raise DateError(
            f"{quote_input(precision)} is not a date precision; use one of: {names}"
        ) from None
    aligned = {
        Precision.YEAR: (start.month, start.day) == (1, 1),
        Precision.MONTH: start.day == 1,
        Precision.DAY: True,
    }[kind]
    if not aligned or start.year < _MIN_YEAR:
        raise DateError(
            f"{start.isoformat()} is not the first day of a {kind.value} from 1000 to 9999; "
            "store the period's first day"
        )
    return PartialDate(start, kind)


# A date written day/month/year or month/day/year, which only the file's author can read.
_FOREIGN = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}(?:[0-9]{2})?")
_FORMAT_PRECISIONS = (
    (("%d", "%j"), Precision.DAY),
    (("%m", "%b", "%B"), Precision.MONTH),
    (("%Y", "%y"), Precision.YEAR),
)


def check_date_format(date_format: str) -> str:
    """A strftime format a file's dates can be read with: it names a year, and a day only with
    its month (``%m/%d/%Y``, ``%d.%m.%Y``, ``%b %Y``)."""
    shown = quote_input(date_format)
    names = {p for directives, p in _FORMAT_PRECISIONS if any(d in date_format for d in directives)}
    if Precision.YEAR not in names:
        raise DateError(f"{shown} names no year; use %Y (2022) or %y (22), e.g. '%m/%d/%Y'")
    if Precision.DAY in names and Precision.MONTH not in names and "%j" not in date_format:
        raise DateError(f"{shown} names a day but no month; add %m, e.g. '%m/%d/%Y'")
    try:
        datetime.datetime.strptime(datetime.date(2021, 2, 13).strftime(date_format), date_format)
    except ValueError as error:
        raise DateError(f"{shown} is not a date format: {error}") from None
    return date_format


def parse_file_date(text: str, today: datetime.date, date_format: str | None = None) -> PartialDate:
    """An import's date cell: as parse_effective_date, or in ``date_format`` when the file
    writes its dates another way (a date dealtrack's own way is still read as that)."""
    if date_format is not None:
        try:
            moment = datetime.datetime.strptime(text.strip(), date_format)
        except ValueError:
            if _DATE.fullmatch(text.strip()) is None:
                example = datetime.date(2021, 2, 13).strftime(date_format)
                raise DateError(
                    f"{quote_input(text)} does not match --date-format {quote_input(date_format)} "
                    f"(which writes 2021-02-13 as {quote_input(example)})"
                ) from None
        else:
            precision = next(p for ds, p in _FORMAT_PRECISIONS if any(d in date_format for d in ds))
            start = moment.date()
            if precision is not Precision.DAY:
                start = start.replace(
                    day=1, month=start.month if precision is Precision.MONTH else 1
                )
            return _not_in_future(PartialDate(start, precision), text, today)
    try:
        return parse_effective_date(text, today)
    except DateError as error:
        if date_format is None and _FOREIGN.fullmatch(text.strip()):
            raise DateError(
                f"{error}; if the file writes its dates this way, say how with --date-format "
                "(e.g. '%m/%d/%Y' for 1/18/2022)"
            ) from None
        raise
