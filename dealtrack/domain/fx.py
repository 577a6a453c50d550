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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import NamedTuple

from dealtrack.domain.fx_fractions import (
    EXACT_BELOW,
    exact_ratio,
    integer_fraction,
    limited_terms,
)
from dealtrack.domain.rate_text import MAX_DIGITS

EURO = "EUR"
WINDOW_DAYS = 7
BUILT_IN_SOURCE = "ECB"
OWN_SOURCE = "ledger"  # a rate set without --source
# 28 significant digits, the precision every conversion is worked in; rounding only at the end.
WORK = Context(prec=28, rounding=ROUND_HALF_EVEN)
SHOWN = Context(prec=MAX_DIGITS, rounding=ROUND_HALF_EVEN)
_ONE = Decimal(1)

# One pair's rates, oldest first: the days (proleptic ordinals, for bisect) and, at the same
# index, the rate as exact decimal text and its source.
PairRates = tuple[Sequence[int], Sequence[tuple[str, str]]]
# Rates by (base, currency): 1 base = rate currency.
RateTable = Mapping[tuple[str, str], PairRates]
# One pair's rates in one table, as a route: (built in 1 or the ledger's 0, direct 0 or
# inverse 1, the rates).
_Series = tuple[int, int, PairRates]


@dataclass(frozen=True, slots=True)
class Conversion:
    """How an amount in one currency becomes another: ``amount × numerator ÷ denominator``.

    ``on`` is the rate's date (the older leg's through EUR), ``source`` its outlet(s); ``rate``
    (the quotient shown to people) is worked out only when asked for: a report makes tens of
    thousands of conversions and shows none of their rates.
    """

    numerator: Decimal
    denominator: Decimal
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

    @property
    def rate(self) -> Decimal:
        """The quotient to 12 significant digits: shown, never used to convert."""
        return SHOWN.divide(self.numerator, self.denominator).normalize(SHOWN)

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


IDENTITY = Conversion(_ONE, _ONE, None, None)


class _Quote(NamedTuple):
    """One candidate rate (direct or inverse) and its fraction in integers; in Decimal only
    when a Conversion is made of it (a report reads tens of thousands and makes none)."""

    # Newest date first (-day), the ledger's before the built-in (0, 1), direct 0 before
    # inverse 1 before the route through the euro 2.
    order: tuple[int, int, int]
    rate: str  # the rate's exact text
    source: str
    top: int  # numerator ÷ denominator as whole numbers (not always in lowest terms)
    bottom: int
    digits: int  # significant digits of the numerator, and of the denominator
    below_digits: int

    def fraction(self) -> tuple[Decimal, Decimal]:
        """(numerator, denominator): the rate over 1, or (inverse) 1 over the rate."""
        rate = Decimal(self.rate)
        return (rate, _ONE) if self.order[2] == 0 else (_ONE, rate)


# What a day's conversion is: one rate, or the route through the euro (the source's leg, the
# target's leg), its Decimal fraction worked out only when a Conversion is made of it.
Choice = _Quote | tuple[_Quote, _Quote]


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
        # Each pair's rates are looked up in the (lazy) tables once, and each rate read once,
        # whichever days pick it.
        self._pairs: dict[tuple[int, str, str], PairRates | None] = {}
        self._routes: dict[tuple[str, str], list[_Series]] = {}
        self._quotes: dict[tuple[int, int], list[_Quote | None]] = {}
        # Each pair's newest rates for the windows last asked: a report asks the same days of
        # every currency, whose route through the euro shares the target's leg.
        self._legs: dict[tuple[str, str], tuple[Sequence[tuple[int, int]], list[_Quote | None]]]
        self._legs = {}

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
            last = key[2] if key[2] is not None else datetime.date.max.toordinal()
            first = last - WINDOW_DAYS if key[2] is not None else 0
            choice = self._choose(source, target, [(first, last)])[0]
            self._chosen[key] = _conversion(choice) if choice is not None else None
        return self._chosen[key]

    def exact_terms(
        self, source: str, target: str, days: Sequence[int], largest: int
    ) -> list[tuple[int, int, int] | None]:
        """Each of ``days``' conversion (proleptic ordinals, oldest first; None: no rate) as
        ``(top, bottom, limit)``: for amounts from 0 to ``limit``, ``conversion(…).apply`` is
        the half-even rounding of amount × top ÷ bottom, and top, bottom and amount × top are at
        most ``largest`` (-1: no amount), so an engine of bounded integers (a database) can work it out alike.

        In one pass, without a Conversion a day: a report converts on every day of decades.
        Why the limit holds: ``apply`` rounds in integers up to its own limit, and beyond it
        takes the Decimal expression, which ``Conversion.apply_decimal`` shows exact for any
        fraction of whole numbers equal to its own while amount × top and bottom stay below
        10²⁷ and amount × the numerator's digits stays within 28 digits.
        """
        if source == target:
            return [(1, 1, largest)] * len(days)
        windows = [(day - WINDOW_DAYS, day) for day in days]
        terms: list[tuple[int, int, int] | None] = []
        made: tuple[int, int, int] | None = None
        previous: Choice | None = None
        for choice in self._choose(source, target, windows):
            if choice is not previous:
                previous, made = choice, _terms(choice, largest) if choice is not None else None
            terms.append(made)
        return terms

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

    def _choose(
        self, source: str, target: str, windows: Sequence[tuple[int, int]]
    ) -> list[Choice | None]:
        """The choice for each window of days ``(first, last)``: among the rates dated in it,
        the best of the pair's own and (unless one side is the euro) the route through it."""
        newest = [self._leg(source, target, windows)]
        if EURO not in (source, target):
            # Units of each currency per euro: the source's leg, then the target's.
            newest += [self._leg(EURO, c, windows) for c in (source, target)]
        chosen: list[Choice | None] = []
        found: tuple[_Quote | None, ...] = ()
        choice: Choice | None = None
        # Consecutive windows mostly find the same rates: only a change costs a choice.
        for quotes in zip(*newest, strict=True):
            if quotes != found:
                found = quotes
                choice = _best(*quotes)
            chosen.append(choice)
        return chosen

    def _leg(
        self, source: str, target: str, windows: Sequence[tuple[int, int]]
    ) -> list[_Quote | None]:
        """``_newest`` of the pair's series, kept for the next call with the same windows."""
        kept = self._legs.get((source, target))
        if kept is not None and kept[0] == windows:
            return kept[1]
        newest = self._newest(self._pair(source, target), windows)
        self._legs[(source, target)] = (windows, newest)
        return newest

    def _newest(
        self, series: list[_Series], windows: Sequence[tuple[int, int]]
    ) -> list[_Quote | None]:
        """For each window, the best of the newest rates in it of a pair's series: the newest
        date, then (on one date) the series first listed, the ledger's direct rate first."""
        best: list[_Quote | None] = [None] * len(windows)
        for built_in, route, rates in series:
            days = rates[0]
            read = self._quotes[(id(rates), route)]  # the tables are kept: ids stay theirs
            alone = len(series) == 1  # the common case: nothing to compare with
            for at, (first, last) in enumerate(windows):
                index = bisect.bisect_right(days, last) - 1
                if index < 0 or days[index] < first:
                    continue
                held = None if alone else best[at]
                if held is None or -held.order[0] < days[index]:
                    quote = read[index]
                    if quote is None:
                        quote = read[index] = _quote(built_in, route, rates, index)
                    best[at] = quote
        return best

    def _rates(self, built_in: int, table: RateTable, source: str, target: str) -> PairRates | None:
        key = (built_in, source, target)
        if key not in self._pairs:
            self._pairs[key] = table.get((source, target))
        return self._pairs[key]

    def _pair(self, source: str, target: str) -> list[_Series]:
        """The pair's series of rates in each table: direct (route 0), then inverse (1)."""
        key = (source, target)
        if key not in self._routes:
            self._routes[key] = [
                (built_in, route, rates)
                for built_in, table in enumerate(self._tables())
                for route, pair in ((0, (source, target)), (1, (target, source)))
                if (rates := self._rates(built_in, table, *pair)) is not None
            ]
            for _, route, rates in self._routes[key]:
                # Each rate is read the first time a window picks it.
                self._quotes.setdefault((id(rates), route), [None] * len(rates[0]))
        return self._routes[key]


def _best(direct: _Quote | None, *legs: _Quote | None) -> Choice | None:
    """The pair's own rate, or the route through the euro when its legs are newer (dated by
    the older leg; built in if either leg is; after a direct or inverse rate of its date)."""
    if len(legs) < 2 or legs[0] is None or legs[1] is None:
        return direct
    out, into = legs[0], legs[1]
    if direct is None:
        return out, into
    order = (max(out.order[0], into.order[0]), max(out.order[1], into.order[1]), 2)
    return (out, into) if order < direct.order else direct


def _quote(built_in: int, route: int, rates: PairRates, index: int) -> _Quote:
    """The pair's rate at ``index`` as a candidate: direct (route 0) or inverse (1)."""
    text, source = rates[1][index]
    top, bottom, digits = exact_ratio(text)
    order = (-rates[0][index], built_in, route)
    if route == 0:
        return _Quote(order, text, source, top, bottom, digits, 1)
    return _Quote(order, text, source, bottom, top, 1, digits)


def _conversion(choice: Choice) -> Conversion:
    """The Conversion of a choice: through the euro, amount × (target per euro) ÷ (source
    per euro), as one fraction."""
    if isinstance(choice, _Quote):
        on = datetime.date.fromordinal(-choice.order[0])
        return Conversion(*choice.fraction(), on, choice.source)
    out, into = choice
    (out_top, out_bottom), (into_top, into_bottom) = out.fraction(), into.fraction()
    return Conversion(
        WORK.multiply(into_top, out_bottom),
        WORK.multiply(into_bottom, out_top),
        datetime.date.fromordinal(-max(out.order[0], into.order[0])),
        "+".join(dict.fromkeys((out.source, into.source))),
    )


def _terms(choice: Choice, largest: int) -> tuple[int, int, int]:
    """``(top, bottom, limit)`` of a choice, as ``RateBook.exact_terms`` gives them."""
    if isinstance(choice, _Quote):
        top, bottom, digits = choice.top, choice.bottom, choice.digits
    else:
        out, into = choice
        top, bottom = into.top * out.bottom, into.bottom * out.top
        # The Decimal numerator is the exact product of these two: at most this many digits.
        digits = into.digits + out.below_digits
    return limited_terms(top, bottom, digits, largest)


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
