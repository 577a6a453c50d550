"""Rates as fractions of whole numbers, and how far whole-number arithmetic may go with them.

A report converts a million amounts: in integers (here, or in a database's 64 bits) each
conversion costs a fraction of the Decimal expression's time, and up to the limits worked out
here it gives exactly the Decimal expression's figure (``Conversion.apply_decimal`` says why).
"""

import math
from decimal import Decimal

# Below this (amount × rate's top, and the rate's bottom) integers round as Decimal does.
EXACT_BELOW = 10**27
# The product amount × numerator is exact in Decimal while it has at most 28 digits.
_EXACT_PRODUCT = [10 ** (28 - digits) - 1 for digits in range(28)]


def integer_fraction(numerator: Decimal, denominator: Decimal) -> tuple[int, int]:
    """``numerator ÷ denominator`` as a fraction of whole numbers."""
    top, top_below = numerator.as_integer_ratio()
    bottom, bottom_below = denominator.as_integer_ratio()
    return top * bottom_below, top_below * bottom


def exact_ratio(text: str) -> tuple[int, int, int]:
    """A rate's text as ``Decimal(text)`` holds it: ``(top, bottom, significant digits)``,
    top ÷ bottom its exact value. Plain decimal text, as rates are stored, is read as whole
    numbers (a fifth of the time Decimal takes); any other form through Decimal."""
    whole, _, below = text.partition(".")
    digits = whole + below
    if digits.isdecimal():
        return int(digits), 10 ** len(below), len(digits.lstrip("0")) or 1
    rate = Decimal(text)
    top, bottom = rate.as_integer_ratio()
    return top, bottom, len(rate.as_tuple().digits)


def limited_terms(top: int, bottom: int, digits: int, largest: int) -> tuple[int, int, int]:
    """``(top, bottom, limit)``: the fraction in lowest terms, and the largest amount whose
    half-even rounding of amount × top ÷ bottom in integers no larger than ``largest`` is the
    Decimal expression's (-1: none), for a conversion whose Decimal numerator has ``digits``
    significant digits."""
    # In lowest terms, so that more amounts fit: any fraction equal to the Conversion's serves.
    common = math.gcd(top, bottom)
    if common > 1:
        top, bottom = top // common, bottom // common
    if top > largest or bottom > largest or bottom >= EXACT_BELOW:
        return top, bottom, -1
    exact_product = _EXACT_PRODUCT[digits] if digits < 28 else 0
    return top, bottom, min(min(largest, EXACT_BELOW - 1) // top, exact_product)
