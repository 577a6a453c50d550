"""Exact money: amounts as integer hundredths, the amount grammar, and the display forms.

Deal values are quoted loosely in the news ("$20-30 billion", "INR 24,713 crore") but must be
stored exactly, so amounts are integer hundredths of the currency unit (never float) and all
arithmetic here is on Python ints. The limit is the largest signed 64-bit integer, because both
SQLite and PostgreSQL store the hundredths in a BIGINT.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from dealtrack.number_marks import plain_numbers
from dealtrack.vocabulary import quote_input

MAX_HUNDREDTHS: int = 9_223_372_036_854_775_807  # 92,233,720,368,547,758.07

# Active ISO 4217 codes (list one, 2025), fund codes included; the precious metals (XAU, XAG,
# XPD, XPT), bond-market units (XBA-XBD), XSU, XUA and the test/no-currency codes XTS and XXX
# are left out because no deal is priced in them.
ISO_4217_CODES: frozenset[str] = frozenset((
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE",
    "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
    "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON",
    "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD",
    "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV",
    "WST", "XAF", "XCD", "XCG", "XDR", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
))  # fmt: skip

# Keys as written with their spaces removed ("US $" is "us$").
_SYMBOLS = {
    "us$": "USD", "$": "USD", "a$": "AUD", "c$": "CAD",
    "€": "EUR", "£": "GBP", "₹": "INR", "rs.": "INR", "rs": "INR",
}  # fmt: skip
_SCALES = {
    "thousand": 10**3, "k": 10**3,
    "million": 10**6, "mln": 10**6, "mn": 10**6, "mm": 10**6, "m": 10**6,
    "billion": 10**9, "bln": 10**9, "bn": 10**9, "b": 10**9,
    "trillion": 10**12, "tn": 10**12, "t": 10**12,
    "lakh": 10**5, "lac": 10**5, "crore": 10**7, "cr": 10**7,
    "lakh crore": 10**12,
}  # fmt: skip
# Longest first, so "bn" is not read as "b" followed by something else, nor "lakh crore" as
# "lakh" followed by something else; the space in "lakh crore" may be any or none.
_SCALE_PATTERN = "|".join(
    word.replace(" ", r"\s*") for word in sorted(_SCALES, key=len, reverse=True)
)
_SCALES_UNSPACED = {word.replace(" ", ""): factor for word, factor in _SCALES.items()}
_PREFIX_PATTERN = r"us\s*\$|a\$|c\$|\$|€|£|₹|rs\.?|[a-z]{3}"
_BOUND = re.compile(
    rf"(?P<pre>{_PREFIX_PATTERN})?\s*(?P<int>[0-9][0-9,]*)?(?:\.(?P<frac>[0-9]+))?"
    rf"\s*(?P<scale>{_SCALE_PATTERN})?\s*(?P<post>[a-z]{{3}})?"
)
# "to" only as a word of its own, so the Tongan code TOP is not a range.
_SEPARATOR = re.compile(r"\s*(?:-|\u2013|\u2014|(?<![a-z])to(?![a-z]))\s*")
_NEGATIVE = re.compile(rf"\s*(?:{_PREFIX_PATTERN})?\s*[-\u2212]\s*[0-9.]")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}")
_YEN = ("¥", "\uffe5")  # the yen sign and its full-width form
# Enough for any valid amount spelled out in full with grouping; longer is refused before any
# arithmetic so absurd input cannot cost time or memory.
_MAX_LENGTH = 200
_EXAMPLES = "write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'"
_COMPACT_SCALES = (("tn", 10**12), ("bn", 10**9), ("m", 10**6), ("k", 10**3))
_EN_DASH = "\u2013"
# The forms most amounts in a large import take ("USD 123m", "$3 billion", "2500.50"): one
# currency code, $ or US $ before one ungrouped number and an optional scale. Such text is read by
# _common_amount with one match; anything else (ranges, grouping, symbols, a trailing code, any
# problem at all) goes through the full grammar, which alone words the errors.
_COMMON = re.compile(
    rf"(?:(?P<code>[a-z]{{3}})|(?P<dollar>us\s*\$|\$))?\s*(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]+))?"
    rf"\s*(?P<scale>{_SCALE_PATTERN})?"
)


class AmountError(ValueError):
    """Text that is not an amount dealtrack can store; the message says how to write one."""


@dataclass(frozen=True, slots=True)
class Amount:
    """A value: ``low`` hundredths, or a range ``low``-``high``, in one ISO 4217 currency."""

    low: int
    high: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class _Bound:
    """One side of a range as written, before the scale is shared and the currency settled."""

    digits: str  # integer and fraction digits run together
    decimals: int  # how many of the digits are after the point
    scale: int | None
    currencies: tuple[str, ...]  # as written: none, one, or the same or two different


def parse_amount(
    text: str, default_currency: str | None = None, commas: str = "grouping"
) -> Amount:
    """Parse the amount grammar (``$3 billion``, ``INR 24,713 crore``, ``€2-3bn``).

    ``default_currency`` is used when the text names none (an import's ``currency`` cell).
    ``commas`` says what a comma in a number is: ``grouping`` (``2,500`` is 2500), ``decimal``
    (``2,5`` is 2.5 and dots group, ``1.234,56``), or ``ask``: whichever the text itself shows,
    refusing a number that reads both ways (``2,500``, ``2.500``), as a file written with decimal
    commas may hold either. Raises AmountError, and only AmountError, for any text it cannot
    store exactly.
    """
    if commas != "grouping" and ("," in text or "." in text):
        return _parse_marked(text, default_currency, commas)
    return _common_amount(text, default_currency) or _parse_any_amount(text, default_currency)


def _parse_marked(text: str, default_currency: str | None, commas: str) -> Amount:
    """An amount whose numbers are first rewritten without grouping and with a decimal point."""
    try:
        plain = plain_numbers(text, commas)
    except ValueError as error:
        raise AmountError(str(error)) from None
    try:
        return parse_amount(plain, default_currency)
    except AmountError as error:  # the message quotes the text as the user wrote it
        raise AmountError(str(error).replace(quote_input(plain), quote_input(text))) from None


def _common_amount(text: str, default_currency: str | None) -> Amount | None:
    """The amount of text in one of the common forms, or None to leave it to the full grammar.

    A hundred thousand distinct values make the full grammar a large share of an import's time;
    this reads the usual ones with one regular expression and the same integer arithmetic.
    """
    lowered = text.strip().lower()
    if not lowered.isascii() or len(lowered) > _MAX_LENGTH:
        return None
    match = _COMMON.fullmatch(lowered)
    if match is None:
        return None
    code, dollar, digits, frac, scale_word = match.group("code", "dollar", "int", "frac", "scale")
    frac = frac or ""
    if code is not None:
        currency = code.upper()
        if currency not in ISO_4217_CODES:
            return None
    elif dollar is not None:
        currency = "USD"
    elif default_currency is not None and default_currency.strip().upper() in ISO_4217_CODES:
        currency = default_currency.strip().upper()
    else:
        return None
    scale = (_SCALES_UNSPACED.get(scale_word) or _scale(scale_word)) if scale_word else 1
    hundredths, remainder = divmod(int(digits + frac) * scale * 100, 10 ** len(frac))
    if remainder or hundredths > MAX_HUNDREDTHS:
        return None
    return Amount(hundredths, None, currency)


def _parse_any_amount(text: str, default_currency: str | None) -> Amount:
    """The full amount grammar (parse_amount without its shortcut for the common forms)."""
    shown = quote_input(text)
    lowered = text.strip().lower()
    if not lowered:
        raise AmountError(f"empty amount; {_EXAMPLES}")
    if len(lowered) > _MAX_LENGTH:
        raise AmountError(f"{shown} is too long for an amount; {_EXAMPLES}")
    if any(yen in lowered for yen in _YEN):
        example = text.strip().replace("¥", "JPY ").replace("\uffe5", "JPY ").replace("  ", " ")
        raise AmountError(
            f"{shown}: ¥ is ambiguous (JPY or CNY); write the ISO code, "
            f"e.g. {quote_input(example.strip())}"
        )
    bounds = [_parse_bound(part, shown) for part in _split_range(lowered, shown)]
    currency = _settle_currency(bounds, default_currency, text.strip(), shown)
    scales = {b.scale for b in bounds if b.scale is not None}
    shared_scale = scales.pop() if len(scales) == 1 else 1
    values = [_hundredths(b, shared_scale, shown) for b in bounds]
    for value in values:
        if value > MAX_HUNDREDTHS:
            raise AmountError(
                f"{shown} is more than the largest amount dealtrack can store, "
                f"{_grouped(MAX_HUNDREDTHS)}"
            )
    low, high = values[0], values[-1]
    if low > high:
        raise AmountError(f"{shown}: the range runs backwards; put the lower amount first")
    return Amount(low, high if high != low else None, currency)


def format_amount(amount: Amount) -> str:
    """The canonical grammar text, which parses back to the same Amount (``USD 3000000000.00``)."""
    text = f"{amount.currency} {to_decimal_string(amount.low)}"
    if amount.high is not None:
        text += f" to {to_decimal_string(amount.high)}"
    return text


def to_decimal_string(hundredths: int) -> str:
    """Exact decimal text for JSON and CSV (300000000000 → ``3000000000.00``); ``hundredths >= 0``.

    Not bounded by MAX_HUNDREDTHS, so exact report totals past 64 bits print correctly too.
    """
    units, cents = divmod(hundredths, 100)
    return f"{units}.{cents:02d}"


def parse_decimal_string(text: str) -> int:
    """Read an exact decimal amount (``3000000000.00``, ``3000000000``, ``3000000000.5``).

    The strict inverse of to_decimal_string, for machine-written cells: no grouping, sign,
    scale or currency, and at most the largest storable amount.
    """
    match = re.fullmatch(r"([0-9]{1,20})(?:\.([0-9]{1,2}))?", text)
    if match is None:
        raise AmountError(
            f"{quote_input(text)} is not a decimal amount; write digits with at most two "
            "decimals, e.g. '3000000000.00'"
        )
    units, cents = match.group(1), match.group(2) or "0"
    hundredths = int(units) * 100 + int(cents.ljust(2, "0"))
    if hundredths > MAX_HUNDREDTHS:
        raise AmountError(
            f"{quote_input(text)} is more than the largest amount dealtrack can store, "
            f"{to_decimal_string(MAX_HUNDREDTHS)}"
        )
    return hundredths


def format_compact(amount: Amount) -> str:
    """The table form: ``USD 3bn``, ``USD 1.234bn``, ranges ``USD 20-30bn``.

    Each end uses the largest of k, m, bn, tn not above it, but only when it is exact to three
    decimals of that scale (trailing zeros trimmed); otherwise the full amount with grouping
    commas, whose cents are shown (``USD 3,049,999,999.99``, ``USD 500.50``) only when they are
    not zero (``USD 500``). A range joins its ends with an en dash (U+2013) and writes a scale
    both ends share once (``USD 20-30bn``, but ``USD 500m-1bn``).
    """
    return _joined(amount.currency, [_compact_number(end) for end in _ends(amount)])


def format_total(amount: Amount) -> str:
    """A report total in a table: as ``format_compact`` where that is compact, else each end
    rounded to four significant digits of its scale, the whole marked (``≈USD 4.135tn``).

    A total of many deals is read for its size; its exact figure is in JSON and CSV.
    """
    ends = [_rounded_number(end) for end in _ends(amount)]
    text = _joined(amount.currency, [(number, scale) for number, scale, _ in ends])
    return "\u2248" + text if any(rounded for _, _, rounded in ends) else text


def _ends(amount: Amount) -> list[int]:
    return [amount.low] if amount.high is None else [amount.low, amount.high]


def _joined(currency: str, ends: list[tuple[str, str]]) -> str:
    if len(ends) == 1:
        return f"{currency} {ends[0][0]}{ends[0][1]}"
    (low_number, low_scale), (high_number, high_scale) = ends
    low_text = low_number if low_scale == high_scale else low_number + low_scale
    return f"{currency} {low_text}{_EN_DASH}{high_number}{high_scale}"


def parse_currency(text: str) -> str:
    """Validate an ISO 4217 code in any case (``usd`` → ``USD``); symbols are not accepted."""
    code = text.strip().upper()
    if code not in ISO_4217_CODES:
        raise AmountError(
            f"{quote_input(text)} is not an ISO 4217 currency code; use one such as USD, EUR or INR"
        )
    return code


def _split_range(lowered: str, shown: str) -> list[str]:
    """Split at the range separator, telling a leading minus (a negative amount) from a dash."""
    separators = list(_SEPARATOR.finditer(lowered))
    if not separators:
        parts = [lowered]
    else:
        first = separators[0]
        parts = [lowered[: first.start()], lowered[first.end() :]]
    # The whole text too: in '$-5m' the minus is found as a separator with only '$' before it.
    if any(_NEGATIVE.match(part) for part in (lowered, *parts)):
        raise AmountError(f"{shown} is negative; amounts are zero or more, e.g. '$3 billion'")
    if len(separators) > 1:
        raise AmountError(f"{shown} is not an amount; {_EXAMPLES}")
    return parts


def _parse_bound(part: str, shown: str) -> _Bound:
    """Read one ``[CURRENCY|SYMBOL] NUMBER [SCALE] [CURRENCY]`` bound."""
    match = _BOUND.fullmatch(part)
    if match is None or not (match["int"] or match["frac"]):
        raise AmountError(f"{shown} is not an amount; {_EXAMPLES}")
    integer, frac = match["int"] or "", match["frac"] or ""
    if "," in integer and not _GROUPED.fullmatch(integer):
        raise AmountError(
            f"{shown}: {integer!r} is not a grouped number; group digits in threes "
            "('1,234,567'), the Indian way ('12,34,567') or not at all"
        )
    tokens = [token for token in (match["pre"], match["post"]) if token is not None]
    if any(token in _SCALES for token in tokens):  # '$3 bln bln': a scale, never a currency
        raise AmountError(f"{shown} is not an amount; {_EXAMPLES}")
    currencies = tuple(
        _SYMBOLS.get("".join(token.split())) or _bound_code(token, shown) for token in tokens
    )
    scale = _scale(match["scale"]) if match["scale"] else None
    return _Bound(integer.replace(",", "") + frac, len(frac), scale, currencies)


def _scale(word: str) -> int:
    """The factor of a scale word as matched, whatever its spacing (``bln``, ``lakh  crore``)."""
    return _SCALES_UNSPACED["".join(word.split())]


def _bound_code(token: str, shown: str) -> str:
    """A currency code written in the amount, refused with advice if it is not ISO 4217."""
    code = token.upper()
    if code not in ISO_4217_CODES:
        raise AmountError(
            f"{shown}: {code} is not an ISO 4217 currency code; use one such as USD, EUR or INR"
        )
    return code


def _settle_currency(
    bounds: list[_Bound], default_currency: str | None, stripped: str, shown: str
) -> str:
    """The one currency of the amount: given once, the same on both bounds, or the default."""
    currencies = list(dict.fromkeys(code for b in bounds for code in b.currencies))
    if len(currencies) > 1:
        raise AmountError(
            f"{shown} names two currencies ({' and '.join(currencies)}); give one, once "
            "or the same on both ends of a range"
        )
    if currencies:
        return currencies[0]
    if default_currency is not None:
        return parse_currency(default_currency)
    raise AmountError(f"{shown}: no currency; write e.g. '${stripped}' or 'USD {stripped}'")


def _hundredths(bound: _Bound, shared_scale: int, shown: str) -> int:
    """Exact integer hundredths of one bound, refusing anything finer than a cent."""
    scale = bound.scale if bound.scale is not None else shared_scale
    divisor: int = 10**bound.decimals
    hundredths, remainder = divmod(int(bound.digits) * scale * 100, divisor)
    if remainder:
        raise AmountError(
            f"{shown} has more than two decimals after scaling; amounts are exact to the cent, "
            "e.g. '$1.23' or '$3.055 billion'"
        )
    return hundredths


def _compact_number(hundredths: int) -> tuple[str, str]:
    """One end of format_compact as (number, scale suffix); the suffix is empty when grouped."""
    for suffix, units in _COMPACT_SCALES:
        if hundredths >= units * 100:
            thousandth = units // 10  # a thousandth of the scale, in hundredths
            if hundredths % thousandth:
                break  # not exact at its own scale: a smaller one would mislead about size
            whole, frac = divmod(hundredths // thousandth, 1000)
            decimals = f".{frac:03d}".rstrip("0") if frac else ""
            return f"{whole:,}{decimals}", suffix
    return _grouped(hundredths), ""


def _rounded_number(hundredths: int) -> tuple[str, str, bool]:
    """One end of format_total: (number, scale suffix, whether it was rounded)."""
    number, suffix = _compact_number(hundredths)
    if suffix or hundredths < 100_000:  # compact already, or under a thousand: short as it is
        return number, suffix, False
    for index, (suffix, units) in enumerate(_COMPACT_SCALES):
        if hundredths >= units * 100:
            value = Decimal(hundredths) / (units * 100)
            rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - 3), ROUND_HALF_EVEN)
            if rounded >= 1000 and index > 0:  # 999.95bn rounds to 1,000bn: say 1tn
                return (*_rounded_number(_COMPACT_SCALES[index - 1][1] * 100)[:2], True)
            return f"{rounded.normalize():,f}", suffix, True
    return number, "", False


def _grouped(hundredths: int) -> str:
    """Full amount with grouping commas; cents only when there are some (``1,234.50``)."""
    units, cents = divmod(hundredths, 100)
    return f"{units:,}.{cents:02d}" if cents else f"{units:,}"
