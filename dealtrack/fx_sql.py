"""``report --in CUR`` converted in the database: each deal rounded at its own day's rate.

A million deals read back one by one cost seconds; summed in SQL they cost a scan of an index.
Each (currency, value date) the deals may hold gets one row in a temporary table: the day's
conversion as a fraction of whole numbers ``top / bottom`` (``RateBook.exact_terms``), and the
largest amount that fraction may convert there (``most``): up to it, amount × top fits in a
64-bit integer, and the half-even rounding of amount × top ÷ bottom in integers is exactly the
figure ``Conversion.apply`` gives. The deals join their day's row, and each group adds its
rounded amounts. The row is found by one whole number (``DayKeys``) worked out from the deal's
currency, date and precision: SQLite finds a table's integer key in a fraction of the time a
key of three text columns takes, the lookup a million deals each pay. A deal past ``most`` (SQLite would silently turn the product into a float) is
left out of the sums and converted in Python instead; so is a deal whose value a ``value``
event changed (its value date is not its ``reported`` date).
"""

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    Subquery,
    Table,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from dealtrack.dates import Precision, from_storage
from dealtrack.domain.fx import RateBook

# The largest integer both SQLite and PostgreSQL hold exactly (64 bits, signed).
LARGEST = 2**63 - 1

DAY_RATE = Table(
    "fx_day_rate",
    MetaData(),
    # INTEGER, not BIGINT, on SQLite: only then is the key the table's own rowid (64 bits all
    # the same), found without a separate index.
    Column(
        "day_key",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("twice_top", BigInteger, nullable=False),
    Column("bottom", BigInteger, nullable=False),
    Column("twice_bottom", BigInteger, nullable=False),
    Column("most", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)

# Julian day numbers: the day number of 0001-01-01 (ordinal 1) is 1,721,425; 9999-12-31's is
# below DAYS, so a period's precision and currency can take the places above it.
JULIAN_OFFSET = 1_721_424
DAYS = 10**7
# The finest precision, the common one, first.
PRECISION_PLACES = {p.value: n for n, p in enumerate(sorted(Precision, reverse=True))}


class DayNumber(FunctionElement[int]):
    """A stored date's Julian day number (``toordinal() + JULIAN_OFFSET``), in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(DayNumber, "sqlite")
def _sqlite_day_number(element: DayNumber, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() is a whole day number plus ½ at midnight, exact in a double: the cast drops
    # the ½.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(DayNumber, "postgresql")
def _postgresql_day_number(element: DayNumber, compiler: SQLCompiler, **kw: Any) -> str:
    # A date less 0001-01-01 is its ordinal less one.
    return f"({compiler.process(element.clauses, **kw)} - DATE '0001-01-01' + {JULIAN_OFFSET + 1})"


class DayKeys:
    """The day table's key of a (currency, period): worked out here for the rows written and
    in SQL for each deal, from one layout: the day number, plus the precision's place × DAYS,
    plus the currency's place among ``currencies`` × 3 × DAYS."""

    def __init__(self, currencies: Sequence[str]) -> None:
        self.currencies = sorted(currencies)
        self._bases = {c: n * len(PRECISION_PLACES) * DAYS for n, c in enumerate(self.currencies)}

    def of(self, currency: str, start: datetime.date, precision: str) -> int:
        place = PRECISION_PLACES[precision] * DAYS
        return self._bases[currency] + place + start.toordinal() + JULIAN_OFFSET

    def column(self, currency: Any, start: Any, precision: Any) -> ColumnElement[int]:
        """The same key of a deal's columns; NULL for a currency not among ``currencies``."""
        bases = case({c: literal(b) for c, b in self._bases.items()}, value=currency)
        places = case({p: literal(n * DAYS) for p, n in PRECISION_PLACES.items()}, value=precision)
        return bases + places + DayNumber(start)


# A period a deal may be dated: its stored date (the first day), its precision, and the
# ordinal of its last day, the day it converts on.
Period = tuple[datetime.date, str, int]


def half_even(amount: Any, twice_top: Any, bottom: Any, twice_bottom: Any) -> ColumnElement[Any]:
    """amount × top ÷ bottom rounded half-even to a whole number, as ``Conversion.apply``
    rounds: floor((2 × amount × top + bottom) ÷ (2 × bottom)), taken back to the even number
    when it falls exactly half-way; for amounts ≥ 0 whose terms fit the database's integers."""
    shifted = amount * twice_top + bottom
    quotient = shifted // twice_bottom
    rounded: ColumnElement[Any] = quotient - case(
        (shifted % twice_bottom == 0, quotient % 2), else_=0
    )
    return rounded


def day_terms(
    book: RateBook, currency: str, target: str, days: Sequence[int]
) -> dict[int, tuple[int, int, int, int]]:
    """``(2 × top, bottom, 2 × bottom, most)`` of each of ``days`` (ordinals, ascending) that
    has a rate: ``half_even``'s terms, all fitting 64 bits up to the amount ``most``."""
    # 2 × amount × top + bottom, and 2 × bottom, must fit too.
    terms = book.exact_terms(currency, target, days, LARGEST // 4)
    return {
        day: (2 * term[0], term[1], 2 * term[1], term[2])
        for day, term in zip(days, terms, strict=True)
        if term is not None and term[2] >= 0
    }


def day_rows(
    book: RateBook, target: str, keys: DayKeys, periods: dict[str, list[Period]]
) -> list[tuple[int, int, int, int, int]]:
    """The day table's rows for each currency's periods: each converts on its period's last
    day; a period without a rate near that day gets no row."""
    rows = []
    for currency, held in periods.items():
        found = day_terms(book, currency, target, sorted({last for _, _, last in held}))
        for start, kind, last in held:
            term = found.get(last)
            if term is not None:
                rows.append((keys.of(currency, start, kind), *term))
    return rows


def span_periods(first: datetime.date, last: datetime.date) -> list[Period]:
    """Every period a deal dated from ``first`` to ``last`` can be dated: each day, month and
    year."""
    start, end = first.toordinal(), last.toordinal()
    days = [datetime.date.fromordinal(n) for n in range(start, end + 1)]
    periods = [(day, "day", day.toordinal()) for day in days]
    for day in days:
        if day.day == 1 or day == first:
            month = from_storage(day.replace(day=1), "month")
            periods.append((month.start, "month", month.last_day.toordinal()))
    for year in range(first.year, last.year + 1):
        whole = from_storage(datetime.date(year, 1, 1), "year")
        periods.append((whole.start, "year", whole.last_day.toordinal()))
    return periods


def held_periods(
    session: Session, members: Subquery, currencies: Sequence[str]
) -> dict[str, list[Period]]:
    """The periods the deals of each currency are dated (a small ledger's few)."""
    query = (
        select(members.c.currency, members.c.reported, members.c.reported_precision)
        .where(members.c.currency.in_(currencies))
        .distinct()
    )
    periods: dict[str, list[Period]] = {currency: [] for currency in currencies}
    for currency, day, kind in session.execute(query):
        periods[currency].append((day, kind, from_storage(day, kind).last_day.toordinal()))
    return periods


def date_span(session: Session) -> tuple[datetime.date, datetime.date] | None:
    """The first and last ``reported`` of the ledger (each read off its index alone)."""
    from dealtrack.models import Deal

    first = session.scalar(select(func.min(Deal.reported)))
    last = session.scalar(select(func.max(Deal.reported)))
    return (first, last) if first is not None and last is not None else None


def fill_day_rates(
    session: Session,
    members: Subquery,
    book: RateBook,
    counts: dict[str, int],
    target: str,
) -> DayKeys:
    """Create the day table for the currencies of ``counts`` (deals by currency) and fill it:
    every period of the ledger's span when there are deals enough to be dated on most of
    them, else only the periods the deals are dated. The keys its rows were written under."""
    connection = session.connection()
    DAY_RATE.drop(connection, checkfirst=True)
    DAY_RATE.create(connection)
    keys = DayKeys(list(counts))
    span = date_span(session)
    if span is None:
        return keys
    # As many rows as deals at most: a small ledger's deals are asked which days they hold.
    if sum(counts.values()) >= ((span[1] - span[0]).days + 1) * len(keys.currencies):
        every = span_periods(*span)
        periods = {currency: every for currency in keys.currencies}
    else:
        periods = held_periods(session, members, keys.currencies)
    rows = day_rows(book, target, keys, periods)
    if not rows:
        return keys
    if connection.dialect.name == "sqlite":
        # The driver's own executemany: tens of thousands of rows through SQLAlchemy's per-row
        # processing cost a tenth of a second more.
        connection.exec_driver_sql("INSERT INTO fx_day_rate VALUES (?, ?, ?, ?, ?)", rows)
        return keys
    names = ("day_key", "twice_top", "bottom", "twice_bottom", "most")
    session.execute(DAY_RATE.insert(), [dict(zip(names, row, strict=True)) for row in rows])
    return keys


def drop_day_rates(session: Session) -> None:
    DAY_RATE.drop(session.connection(), checkfirst=True)


def _joined(members: Subquery, keys: DayKeys) -> Any:
    deal = members.c
    return members.outerjoin(
        DAY_RATE,
        DAY_RATE.c.day_key == keys.column(deal.currency, deal.reported, deal.reported_precision),
    )


def _fits(members: Subquery) -> ColumnElement[bool]:
    most = DAY_RATE.c.most
    return and_(members.c.amount <= most, or_(members.c.high.is_(None), members.c.high <= most))


def converted_totals(
    members: Subquery,
    keys: DayKeys,
    head: Sequence[Any],
    group_by: Sequence[Any],
    where: Sequence[Any],
) -> Select[Any]:
    """Per group and currency: ``head`` (group, month, currency), the deals, those with a rate,
    those converted here, and the sums of their rounded amounts and (beyond them) of their
    rounded high ends."""
    rate = DAY_RATE.c
    terms = (rate.twice_top, rate.bottom, rate.twice_bottom)
    fits = _fits(members)
    low = half_even(members.c.amount, *terms)
    # A range's high end beyond its low one; a single value counts as both ends.
    wider = half_even(members.c.high, *terms) - low
    return (
        select(
            *head,
            func.count(),
            func.count(rate.bottom),
            func.count(case((fits, 1))),
            func.sum(case((fits, low))),
            # The high end is rare: tested first, the rest is not worked out for most deals.
            func.sum(case((and_(members.c.high.is_not(None), fits), wider))),
        )
        .select_from(_joined(members, keys))
        .where(*where)
        .group_by(*group_by)
    )


def beyond_limit(
    members: Subquery, keys: DayKeys, columns: Sequence[Any], where: Sequence[Any]
) -> Select[Any]:
    """The deals with a rate whose amounts are past what the database may convert."""
    return (
        select(*columns)
        .select_from(_joined(members, keys))
        .where(*where, DAY_RATE.c.bottom.is_not(None), ~_fits(members))
    )
