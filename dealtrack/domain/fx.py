"""Which exchange rate converts a value, and the exact arithmetic of the conversion.

A conversion is an estimate shown beside the recorded value, so it must say how it was made: the
rate, the rate's date and its source travel with every converted figure. Rates are exact decimals
of at most 12 significant digits and nothing here ever touches a float.

The rule, for an amount in FROM on a day, into TO: the candidates are rates dated on or before the
day and at most ``WINDOW_DAYS`` older (weekends and holidays have none). Among them the newest date
wins; on one date the ledger's own rates come before the built-in ones; then the direct pair, its
inverse, and last the route through EUR (each leg the newest within the window; the route's date is
its older leg's). Through EUR the amount is multiplied by the target's rate and divided by the
source's in one Decimal expression, so only the converted amount is rounded: half-even, to
hundredths, once per deal. Totals add the rounded amounts.

Pure code: rates come in as plain tables (``RateTable``); where they come from is not its business.
"""

import bisect
import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

EURO = "EUR"
WINDOW_DAYS = 7
MAX_DIGITS = 12
BUILT_IN_SOURCE = "ECB"
OWN_SOURCE = "ledger"  # a rate set without --source
# 28 significant digits, the precision every conversion is worked in; rounding only at the end.
WORK = Context(prec=28, rounding=ROUND_HALF_EVEN)
SHOWN = Context(prec=MAX_DIGITS, rounding=ROUND_HALF_EVEN)
_RATE_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_ONE = Decimal(1)
# Below this (amount × rate's top, and the rate's bottom) integers round as Decimal does.
EXACT_BELOW = 10**27

# One pair's rates, oldest first: the days (proleptic ordinals, for bisect) and, at the same
# index, the rate as exact decimal text and its source.
PairRates = tuple[Sequence[int], Sequence[tuple[str, str]]]
# Rates by (base, currency): 1 base = rate currency.
RateTable = Mapping[tuple[str, str], PairRates]


class RateError(ValueError):
    """Text that is not a rate dealtrack can store; the message says how to write one."""


def parse_rate(text: str) -> Decimal:
    """A positive exact decimal of at most 12 significant digits (``0.0135``, ``87.062``)."""
    shown = text.strip()
    if not _RATE_TEXT.fullmatch(shown):
        raise RateError(f"'{text}' is not a rate; write a positive decimal number, e.g. 1.1933")
    rate = Decimal(shown)
    if rate == 0:
        raise RateError(f"'{text}' is not a rate; a rate is more than zero")
    if len(rate.normalize().as_tuple().digits) > MAX_DIGITS:
        raise RateError(f"'{text}' has more than {MAX_DIGITS} significant digits; round it")
    return rate.normalize()


def rate_text(rate: Decimal) -> str:
    """Exact text for storage and JSON, without exponent or trailing zeros (``120000``, ``0.0135``)."""
    return format(rate.normalize(), "f")


@dataclass(frozen=True, slots=True)
class Conversion:
    """How an amount in one currency becomes another: ``amount × numerator ÷ denominator``.

    ``rate`` is that quotient to 12 significant digits, shown to people but never used to convert;
    ``on`` is the rate's date (the older leg's through EUR), ``source`` its outlet(s).
    """

    numerator: Decimal
    denominator: Decimal
    rate: Decimal
    on: datetime.date | None
    source: str | None
    # The fraction as integers (2 × numerator, denominator, 2 × denominator) and the largest
    # amount whose integer rounding is the Decimal one's (see ``apply``); -1: none is.
    _twice_top: int = field(init=False, repr=False, compare=False)
    _bottom: int = field(init=False, repr=False, compare=False)
    _twice_bottom: int = field(init=False, repr=False, compare=False)
    _limit: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        top, bottom = integer_fraction(self.numerator, self.denominator)
        # The Decimal product is exact while it has at most 28 digits.
        exact_product = 10 ** (28 - len(self.numerator.as_tuple().digits)) - 1
        limit = min((EXACT_BELOW - 1) // top, exact_product) if bottom < EXACT_BELOW else -1
        object.__setattr__(self, "_twice_top", 2 * top)
        object.__setattr__(self, "_bottom", bottom)
        object.__setattr__(self, "_twice_bottom", 2 * bottom)
        object.__setattr__(self, "_limit", limit)

    def apply(self, hundredths: int) -> int | None:
        """The converted amount in hundredths, rounded half-even once; None past 28 digits.

        A report converts a million amounts, and Decimal costs microseconds each: for amounts
        up to ``_limit`` the same figure comes from integers (``apply_decimal``'s docstring
        says why it is the same), and only larger ones take the Decimal expression.
        """
        if 0 <= hundredths <= self._limit:
            # floor(amount × top ÷ bottom + ½), the half-way case taken back to the even one.
            quotient, rest = divmod(hundredths * self._twice_top + self._bottom, self._twice_bottom)
            return quotient - 1 if rest == 0 and quotient & 1 else quotient
        return self.apply_decimal(hundredths)

    def apply_decimal(self, hundredths: int) -> int | None:
        """``apply`` as one Decimal expression of 28 significant digits, rounded once.

        With the fraction top/bottom in integers, amount × top below 10²⁷, bottom below 10²⁷
        and amount × the numerator's digits below 10²⁸, this is exactly the half-even rounding
        of the true quotient: the product is exact; the quotient, rounded to 28 digits, keeps 28 − m
        decimals when its whole part has m digits, and a fraction r/bottom that is not ½ lies
        at least 1/(2 × bottom) from ½, more than half a unit of that last decimal
        (bottom × 10^m < 10 × amount × top ≤ 10²⁸): so the second rounding, to a whole number,
        goes the way the true quotient does.
        """
        exact = WORK.divide(WORK.multiply(Decimal(hundredths), self.numerator), self.denominator)
        try:
            return int(exact.quantize(_ONE, context=WORK))
        except InvalidOperation:
            return None


def integer_fraction(numerator: Decimal, denominator: Decimal) -> tuple[int, int]:
    """``numerator ÷ denominator`` as a fraction of whole numbers."""
    top, top_below = numerator.as_integer_ratio()
    bottom, bottom_below = denominator.as_integer_ratio()
    return top * bottom_below, top_below * bottom


IDENTITY = Conversion(_ONE, _ONE, _ONE, None, None)


@dataclass(frozen=True, slots=True)
class _Quote:
    """One candidate: its date, whether it is built in (1) or the ledger's (0), its route's rank
    (direct 0, inverse 1, through EUR 2), and its fraction."""

    day: int
    built_in: int
    route: int
    numerator: Decimal
    denominator: Decimal
    source: str

    def order(self) -> tuple[int, int, int]:
        return (-self.day, self.built_in, self.route)


class RateBook:
    """The ledger's rates and the built-in ones, and the choice of rate for each conversion.

    ``built_in`` is called the first time a conversion needs rates (the built-in data is large and
    most commands never convert). Choices are remembered: a report converts a million deals on a
    few thousand dates.
    """

    def __init__(self, own: RateTable, built_in: Callable[[], RateTable]) -> None:
        self._own = own
        self._load_built_in = built_in
        self._built_in: RateTable | None = None
        self._chosen: dict[tuple[str, str, int | None], Conversion | None] = {}
        # A report asks for tens of thousands of (currency, day) choices: each pair's rates are
        # looked up in the (lazy) tables once, and each euro leg is worked out once per day.
        self._pairs: dict[tuple[int, str, str], PairRates | None] = {}
        self._legs: dict[tuple[str, int, int], _Quote | None] = {}
        # Consecutive days mostly pick the same few rates: each rate read, each route through
        # the euro and each conversion is built once, whichever days pick it.
        self._routes: dict[tuple[str, str], list[tuple[int, int, PairRates]]] = {}
        self._quotes: dict[tuple[int, int, int], _Quote] = {}
        self._throughs: dict[tuple[int, int], _Quote] = {}
        self._made: dict[int, Conversion] = {}

    def _tables(self) -> tuple[RateTable, RateTable]:
        if self._built_in is None:
            self._built_in = self._load_built_in()
        return self._own, self._built_in

    def conversion(self, source: str, target: str, day: datetime.date | None) -> Conversion | None:
        """How to convert from ``source`` to ``target`` on ``day`` (None: at the newest rates,
        however old), or None when no rate is near enough."""
        if source == target:
            return IDENTITY
        key = (source, target, day.toordinal() if day is not None else None)
        if key not in self._chosen:
            self._chosen[key] = self._choose(source, target, key[2])
        return self._chosen[key]

    def reaches(self, source: str, target: str) -> bool:
        """Whether any rate, of any date, could convert ``source`` into ``target``: a report
        counts the deals of a currency that cannot as unconverted without looking at them."""
        if source == target:
            return True
        tables = list(enumerate(self._tables()))

        def paired(one: str, other: str) -> bool:
            return any(
                self._rates(built_in, table, a, b) is not None
                for built_in, table in tables
                for a, b in ((one, other), (other, one))
            )

        if paired(source, target):
            return True
        return EURO not in (source, target) and paired(EURO, source) and paired(EURO, target)

    def _choose(self, source: str, target: str, day: int | None) -> Conversion | None:
        last = day if day is not None else datetime.date.max.toordinal()
        first = last - WINDOW_DAYS if day is not None else 0
        quotes = self._pair(source, target, first, last)
        if EURO not in (source, target):
            through = self._through_euro(source, target, first, last)
            if through is not None:
                quotes.append(through)
        if not quotes:
            return None
        best = min(quotes, key=_Quote.order)
        made = self._made.get(id(best))  # quotes are kept, so their ids stay theirs
        if made is None:
            shown = SHOWN.divide(best.numerator, best.denominator)
            made = self._made[id(best)] = Conversion(
                best.numerator,
                best.denominator,
                shown.normalize(SHOWN),
                datetime.date.fromordinal(best.day),
                best.source,
            )
        return made

    def _leg(self, currency: str, first: int, last: int) -> _Quote | None:
        """Units of ``currency`` per euro: the newest rate, the ledger's first on one date."""
        key = (currency, first, last)
        if key not in self._legs:
            quotes = self._pair(EURO, currency, first, last)
            self._legs[key] = min(quotes, key=_Quote.order, default=None)
        return self._legs[key]

    def _rates(self, built_in: int, table: RateTable, source: str, target: str) -> PairRates | None:
        key = (built_in, source, target)
        if key not in self._pairs:
            self._pairs[key] = table.get((source, target))
        return self._pairs[key]

    def _pair(self, source: str, target: str, first: int, last: int) -> list[_Quote]:
        """The newest direct and inverse rate of the pair in each table, within the days."""
        key = (source, target)
        if key not in self._routes:
            self._routes[key] = [
                (built_in, route, rates)
                for built_in, table in enumerate(self._tables())
                for route, pair in ((0, (source, target)), (1, (target, source)))
                if (rates := self._rates(built_in, table, *pair)) is not None
            ]
        quotes = []
        for built_in, route, rates in self._routes[key]:
            days = rates[0]
            index = bisect.bisect_right(days, last) - 1
            if index >= 0 and days[index] >= first:
                quotes.append(self._quote(built_in, route, rates, index))
        return quotes

    def _quote(self, built_in: int, route: int, rates: PairRates, index: int) -> _Quote:
        """The pair's rate at ``index`` as a candidate: direct (route 0) or inverse (1)."""
        key = (id(rates), index, route)  # the tables are kept, so their ids stay theirs
        quote = self._quotes.get(key)
        if quote is None:
            text, source = rates[1][index]
            rate = Decimal(text)
            top, bottom = (rate, _ONE) if route == 0 else (_ONE, rate)
            quote = self._quotes[key] = _Quote(
                rates[0][index], built_in, route, top, bottom, source
            )
        return quote

    def _through_euro(self, source: str, target: str, first: int, last: int) -> _Quote | None:
        """amount × (target per euro) ÷ (source per euro), as one fraction."""
        out, into = self._leg(source, first, last), self._leg(target, first, last)
        if out is None or into is None:
            return None
        quote = self._throughs.get((id(out), id(into)))
        if quote is None:
            sources = list(dict.fromkeys((out.source, into.source)))
            quote = self._throughs[(id(out), id(into))] = _Quote(
                min(out.day, into.day),
                max(out.built_in, into.built_in),
                2,
                WORK.multiply(into.numerator, out.denominator),
                WORK.multiply(into.denominator, out.numerator),
                "+".join(sources),
            )
        return quote


def conversion_day(last_day: datetime.date, fx_on: datetime.date | None) -> datetime.date:
    """The day a value converts on: ``--fx-on``'s date when given, else the last day of the
    period its value event is dated (a month converts on its last day)."""
    return fx_on if fx_on is not None else last_day


def within(low: int, high: int | None, floor: int | None, ceiling: int | None) -> bool:
    """Whether a converted value (a range when ``high``) meets ``--min-value``/``--max-value``:
    a range matches if it overlaps the bounds."""
    top = high if high is not None else low
    if floor is not None and top < floor:
        return False
    return not (ceiling is not None and low > ceiling)


def table_of(rows: Sequence[tuple[datetime.date, str, str, str, str]]) -> RateTable:
    """A RateTable from rows of (day, base, currency, rate text, source), in any order."""
    by_pair: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for day, base, currency, rate, source in rows:
        by_pair.setdefault((base, currency), []).append((day.toordinal(), rate, source))
    table: dict[tuple[str, str], PairRates] = {}
    for pair, entries in by_pair.items():
        entries.sort()
        table[pair] = ([e[0] for e in entries], [(e[1], e[2]) for e in entries])
    return table
