"""An exchange rate as text: what may be stored, and the exact form it is written in.

Rates are exact decimals of at most ``MAX_DIGITS`` significant digits, read and written as text
(never a float), so a rate set as ``0.0135`` is stored, exported and shown as ``0.0135``.
"""

import re
from decimal import Decimal

MAX_DIGITS = 12
_RATE_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


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
