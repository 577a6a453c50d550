import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.money import (
    _SCALES,
    ISO_4217_CODES,
    MAX_HUNDREDTHS,
    Amount,
    AmountError,
    _common_amount,
    _parse_any_amount,
    format_amount,
    format_compact,
    format_total,
    parse_amount,
    parse_currency,
    parse_decimal_string,
    to_decimal_string,
)

BILLION = 10**9 * 100  # in hundredths
MILLION = 10**6 * 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$3 billion", Amount(3 * BILLION, None, "USD")),
        ("USD 145m", Amount(145 * MILLION, None, "USD")),
        ("INR 24,713 crore", Amount(24_713 * 10**7 * 100, None, "INR")),
        ("€2-3bn", Amount(2 * BILLION, 3 * BILLION, "EUR")),
        ("$500 million to $1 billion", Amount(500 * MILLION, BILLION, "USD")),
        ("3000000000 USD", Amount(3 * BILLION, None, "USD")),
        ("$20-30 billion", Amount(20 * BILLION, 30 * BILLION, "USD")),
    ],
)
def test_design_examples_parse(text: str, expected: Amount) -> None:
    assert parse_amount(text) == expected


LAKH_CRORE = 10**12 * 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$3 bln", Amount(300_000_000_000, None, "USD")),
        ("US $3bn", Amount(3 * BILLION, None, "USD")),
        ("$3MM", Amount(3 * MILLION, None, "USD")),
        ("Rs. 500 crore", Amount(500 * 10**7 * 100, None, "INR")),
        ("₹1.5 lakh crore", Amount(150_000_000_000_000, None, "INR")),
        ("₹1-1.5 lakh crore", Amount(LAKH_CRORE, 150_000_000_000_000, "INR")),
        ("US $2-3bn", Amount(2 * BILLION, 3 * BILLION, "USD")),
        ("US $2bn to US $3bn", Amount(2 * BILLION, 3 * BILLION, "USD")),
        ("$2-3 bln", Amount(2 * BILLION, 3 * BILLION, "USD")),
        ("$500MM-1 bln", Amount(500 * MILLION, BILLION, "USD")),
        ("Rs 50 lac to 2 crore", Amount(50 * 10**5 * 100, 2 * 10**7 * 100, "INR")),
        ("INR 1.5 LAKH CRORE", Amount(150_000_000_000_000, None, "INR")),
        ("₹1.5 lakh  crore", Amount(150_000_000_000_000, None, "INR")),
        ("2 lakh crore INR", Amount(2 * LAKH_CRORE, None, "INR")),
    ],
)
def test_trade_press_forms_parse(text: str, expected: Amount) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("$5", "USD"),
        ("US$5", "USD"),
        ("US $5", "USD"),
        ("us  $5", "USD"),
        ("€5", "EUR"),
        ("£5", "GBP"),
        ("₹5", "INR"),
        ("Rs 5", "INR"),
        ("Rs.5", "INR"),
        ("rs. 5", "INR"),
        ("A$5", "AUD"),
        ("C$5", "CAD"),
        ("CHF 5", "CHF"),
        ("5 chf", "CHF"),
    ],
)
def test_every_symbol_names_its_currency(text: str, currency: str) -> None:
    assert parse_amount(text) == Amount(500, None, currency)


@pytest.mark.parametrize(
    ("word", "factor"),
    [
        ("k", 10**3),
        ("thousand", 10**3),
        ("m", 10**6),
        ("mn", 10**6),
        ("mln", 10**6),
        ("mm", 10**6),
        ("million", 10**6),
        ("b", 10**9),
        ("bn", 10**9),
        ("bln", 10**9),
        ("billion", 10**9),
        ("t", 10**12),
        ("tn", 10**12),
        ("trillion", 10**12),
        ("lakh", 10**5),
        ("lac", 10**5),
        ("cr", 10**7),
        ("crore", 10**7),
        ("lakh crore", 10**12),
    ],
)
def test_every_scale_with_and_without_space(word: str, factor: int) -> None:
    expected = Amount(3 * factor * 100, None, "USD")
    assert parse_amount(f"$3{word}") == expected
    assert parse_amount(f"$3 {word.upper()}") == expected
    # In a range, on either bound or shared, and with a currency code after it.
    ranged = Amount(3 * factor * 100, 4 * factor * 100, "INR")
    assert parse_amount(f"₹3-4 {word}") == ranged
    assert parse_amount(f"₹3 {word} to 4{word}") == ranged
    assert parse_amount(f"3 {word} - 4 {word} inr") == ranged
    assert parse_amount(f"3{word}INR") == Amount(3 * factor * 100, None, "INR")


_SCALE_WORDS = ["k", "thousand", "m", "mn", "mln", "mm", "million", "b", "bn", "bln", "billion",
                "t", "tn", "trillion", "lakh", "lac", "cr", "crore", "lakh crore"]  # fmt: skip
_SYMBOL_CURRENCIES = [("$", "USD"), ("US$", "USD"), ("US $", "USD"), ("€", "EUR"), ("£", "GBP"),
                      ("₹", "INR"), ("Rs", "INR"), ("Rs.", "INR"), ("A$", "AUD"), ("C$", "CAD")]  # fmt: skip


@pytest.mark.parametrize("word", _SCALE_WORDS)
def test_a_scale_word_is_never_taken_for_a_currency(word: str) -> None:
    for text in (f"3 {word}", f"3-4 {word}", f"$3 {word} {word}", f"{word} 3", f"3 {word} bln"):
        with pytest.raises(AmountError) as caught:
            parse_amount(text)
        assert "ISO 4217" not in str(caught.value), text


@given(
    st.sampled_from(_SYMBOL_CURRENCIES),
    st.sampled_from(_SCALE_WORDS),
    st.integers(min_value=0, max_value=10**4),  # 20,000 lakh crore still fits in 64 bits
    st.integers(min_value=1, max_value=10**4),
    st.sampled_from(["", " "]),
    st.sampled_from(["-", " - ", "\u2013", "\u2014", " to "]),
    st.booleans(),
)
def test_every_symbol_and_scale_in_ranges(
    symbol_currency: tuple[str, str],
    word: str,
    low: int,
    more: int,
    space: str,
    separator: str,
    upper: bool,
) -> None:
    symbol, currency = symbol_currency
    factor = _SCALES[word]
    text = f"{symbol}{space}{low}{separator}{low + more}{space}{word}"
    text = text.upper() if upper else text
    expected = Amount(low * factor * 100, (low + more) * factor * 100, currency)
    assert parse_amount(text) == expected
    assert parse_amount(f"{symbol}{low}{space}{word}") == Amount(low * factor * 100, None, currency)


@pytest.mark.parametrize(
    "text", ["USD145m", "USD 145m", "145m USD", "145mUSD", "usd 145 M", "$145m USD", " $145m "]
)
def test_currency_code_before_or_after_with_or_without_space(text: str) -> None:
    assert parse_amount(text) == Amount(145 * MILLION, None, "USD")


@pytest.mark.parametrize(
    "text",
    ["$20-30bn", "$20 - 30bn", "$20\u201330bn", "$20 \u2014 30bn", "$20 to 30bn", "$20bn TO $30bn"],
)
def test_every_range_separator(text: str) -> None:
    assert parse_amount(text) == Amount(20 * BILLION, 30 * BILLION, "USD")


def test_range_takes_scale_from_other_bound() -> None:
    assert parse_amount("$20 billion-30") == Amount(20 * BILLION, 30 * BILLION, "USD")


def test_range_bounds_keep_their_own_scales() -> None:
    assert parse_amount("$500k-2m") == Amount(500_000 * 100, 2 * MILLION, "USD")


def test_range_currency_may_be_given_on_either_end() -> None:
    assert parse_amount("20-30bn EUR") == Amount(20 * BILLION, 30 * BILLION, "EUR")


def test_range_with_equal_bounds_is_a_single_value() -> None:
    assert parse_amount("$5-5m") == Amount(5 * MILLION, None, "USD")


def test_code_ending_in_scale_letters_is_a_currency() -> None:
    # MNT, BND and TND start like the scales mn, bn and tn.
    assert parse_amount("5 MNT") == Amount(500, None, "MNT")
    assert parse_amount("5bnBND") == Amount(5 * BILLION, None, "BND")
    assert parse_amount("5 tnd") == Amount(500, None, "TND")


def test_tongan_code_top_is_not_a_range_word() -> None:
    assert parse_amount("TOP 5m") == Amount(5 * MILLION, None, "TOP")


@pytest.mark.parametrize(
    ("text", "hundredths"),
    [
        ("$24,713", 2_471_300),
        ("₹1,23,456", 12_345_600),
        ("$12,34,56,789", 123_456_789_00),
        ("$1,234,567.89", 123_456_789),
        ("$3.055 billion", 305_500_000_000),
        ("$1.23", 123),
        ("$1.5", 150),
        ("$.5m", 50_000_000),
        ("$0", 0),
    ],
)
def test_numbers_with_grouping_and_decimals(text: str, hundredths: int) -> None:
    assert parse_amount(text).low == hundredths


def test_default_currency_fills_a_missing_one() -> None:
    assert parse_amount("70352 crore", default_currency="inr") == Amount(
        70_352 * 10**7 * 100, None, "INR"
    )


def test_currency_in_text_wins_over_default() -> None:
    assert parse_amount("$5", default_currency="EUR").currency == "USD"


def test_largest_amount_parses_exactly() -> None:
    assert parse_amount("USD 92,233,720,368,547,758.07") == Amount(MAX_HUNDREDTHS, None, "USD")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3 billion", "'3 billion': no currency; write e.g. '$3 billion' or 'USD 3 billion'"),
        ("20-30bn", "'20-30bn': no currency; write e.g. '$20-30bn' or 'USD 20-30bn'"),
        ("-5m USD", "'-5m USD' is negative; amounts are zero or more, e.g. '$3 billion'"),
        ("$-5m", "'$-5m' is negative; amounts are zero or more, e.g. '$3 billion'"),
        ("USD \u22125", "'USD \u22125' is negative; amounts are zero or more, e.g. '$3 billion'"),
        ("$5m - -3m", "'$5m - -3m' is negative; amounts are zero or more, e.g. '$3 billion'"),
        (
            "USD 92,233,720,368,547,758.08",
            "'USD 92,233,720,368,547,758.08' is more than the largest amount dealtrack can "
            "store, 92,233,720,368,547,758.07",
        ),
        (
            "$100 trillion trillion",
            "'$100 trillion trillion' is not an amount; "
            "write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'",
        ),
        (
            "$100000 trillion",
            "'$100000 trillion' is more than the largest amount dealtrack can store, "
            "92,233,720,368,547,758.07",
        ),
        ("¥5bn", "'¥5bn': ¥ is ambiguous (JPY or CNY); write the ISO code, e.g. 'JPY 5bn'"),
        ("5bn ¥", "'5bn ¥': ¥ is ambiguous (JPY or CNY); write the ISO code, e.g. '5bn JPY'"),
        (
            "$1.234",
            "'$1.234' has more than two decimals after scaling; amounts are exact to the cent, "
            "e.g. '$1.23' or '$3.055 billion'",
        ),
        (
            "$5m to €6m",
            "'$5m to €6m' names two currencies (USD and EUR); give one, once or the same on "
            "both ends of a range",
        ),
        (
            "$5m CAD",
            "'$5m CAD' names two currencies (USD and CAD); give one, once or the same on "
            "both ends of a range",
        ),
        (
            "1,2 USD",
            "'1,2 USD': '1,2' is not a grouped number; group digits in threes ('1,234,567'), "
            "the Indian way ('12,34,567') or not at all",
        ),
        (
            "$1,2345",
            "'$1,2345': '1,2345' is not a grouped number; group digits in threes ('1,234,567'), "
            "the Indian way ('12,34,567') or not at all",
        ),
        ("$30-20bn", "'$30-20bn': the range runs backwards; put the lower amount first"),
        (
            "5 XYZ",
            "'5 XYZ': XYZ is not an ISO 4217 currency code; use one such as USD, EUR or INR",
        ),
        ("", "empty amount; write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'"),
        ("   ", "empty amount; write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'"),
        (
            "about $3bn",
            "'about $3bn' is not an amount; write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'",
        ),
        (
            "$1-2-3m",
            "'$1-2-3m' is not an amount; write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'",
        ),
        (
            "$" + "9" * 300,
            f"'${'9' * 59}'... is too long for an amount; "
            "write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'",
        ),
    ],
)
def test_bad_amounts_are_refused_with_advice(text: str, message: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert str(caught.value) == message


def test_bad_default_currency_is_refused() -> None:
    with pytest.raises(AmountError, match="'EURO' is not an ISO 4217 currency code"):
        parse_amount("5m", default_currency="EURO")


def test_format_amount_is_canonical_grammar() -> None:
    assert format_amount(Amount(3 * BILLION, None, "USD")) == "USD 3000000000.00"
    assert (
        format_amount(Amount(20 * BILLION, 30 * BILLION, "USD"))
        == "USD 20000000000.00 to 30000000000.00"
    )


def test_to_decimal_string_is_exact() -> None:
    assert to_decimal_string(300_000_000_000) == "3000000000.00"
    assert to_decimal_string(5) == "0.05"
    assert to_decimal_string(MAX_HUNDREDTHS) == "92233720368547758.07"


@pytest.mark.parametrize(
    ("text", "hundredths"),
    [("3000000000.00", 300_000_000_000), ("3000000000", 300_000_000_000), ("3.5", 350)],
)
def test_parse_decimal_string_accepts_machine_forms(text: str, hundredths: int) -> None:
    assert parse_decimal_string(text) == hundredths


@pytest.mark.parametrize("text", ["", "1,000.00", "-1.00", "1.234", "$1", " 1.00", "1e3", "1."])
def test_parse_decimal_string_refuses_anything_else(text: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_decimal_string(text)
    assert str(caught.value) == (
        f"{text!r} is not a decimal amount; write digits with at most two decimals, "
        "e.g. '3000000000.00'"
    )


def test_parse_decimal_string_refuses_past_the_largest() -> None:
    with pytest.raises(AmountError) as caught:
        parse_decimal_string("92233720368547758.08")
    assert str(caught.value) == (
        "'92233720368547758.08' is more than the largest amount dealtrack can store, "
        "92233720368547758.07"
    )


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Amount(3 * BILLION, None, "USD"), "USD 3bn"),
        (Amount(305 * 10**9, None, "USD"), "USD 3.05bn"),
        (Amount(24_713 * 10**9, None, "INR"), "INR 247.13bn"),
        (Amount(145 * MILLION, None, "USD"), "USD 145m"),
        (Amount(500_000_00, None, "USD"), "USD 500k"),
        (Amount(12_500_00, None, "USD"), "USD 12.5k"),
        (Amount(2 * 10**14, None, "EUR"), "EUR 2tn"),
        (Amount(1500 * 10**14, None, "EUR"), "EUR 1,500tn"),
        (Amount(304_999_999_999, None, "USD"), "USD 3,049,999,999.99"),
        (Amount(304_999_999_900, None, "USD"), "USD 3,049,999,999"),
        (Amount(305_500_000_000, None, "USD"), "USD 3.055bn"),
        (Amount(305_550_000_000, None, "USD"), "USD 3,055,500,000"),
        (Amount(50_000, None, "USD"), "USD 500"),
        (Amount(50_050, None, "USD"), "USD 500.50"),
        (Amount(0, None, "USD"), "USD 0"),
        (Amount(MAX_HUNDREDTHS, None, "USD"), "USD 92,233,720,368,547,758.07"),
        (Amount(20 * BILLION, 30 * BILLION, "USD"), "USD 20\u201330bn"),
        (Amount(500 * MILLION, BILLION, "USD"), "USD 500m\u20131bn"),
        (Amount(304_999_999_999, 4 * BILLION, "USD"), "USD 3,049,999,999.99\u20134bn"),
        (Amount(500_00, 600_00, "USD"), "USD 500\u2013600"),
    ],
)
def test_format_compact(amount: Amount, shown: str) -> None:
    assert format_compact(amount) == shown


def test_parse_currency_is_case_insensitive() -> None:
    assert parse_currency(" usd ") == "USD"
    assert parse_currency("Inr") == "INR"


@pytest.mark.parametrize("text", ["$", "US", "XXX", "XAU", "dollars", ""])
def test_parse_currency_refuses_non_codes(text: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_currency(text)
    assert str(caught.value) == (
        f"{text!r} is not an ISO 4217 currency code; use one such as USD, EUR or INR"
    )


hundredths = st.integers(min_value=0, max_value=MAX_HUNDREDTHS)


@st.composite
def amounts(draw: st.DrawFn) -> Amount:
    low = draw(hundredths)
    high = draw(st.none() | st.integers(min_value=low + 1, max_value=MAX_HUNDREDTHS + 1))
    if high == MAX_HUNDREDTHS + 1:  # low was the maximum: no room for a range above it
        high = None
    return Amount(low, high, draw(st.sampled_from(sorted(ISO_4217_CODES))))


@given(amounts())
def test_format_amount_round_trips(amount: Amount) -> None:
    assert parse_amount(format_amount(amount)) == amount


@given(hundredths)
def test_decimal_string_round_trips(value: int) -> None:
    assert parse_decimal_string(to_decimal_string(value)) == value


@given(st.text())
def test_parse_amount_raises_only_amount_error(text: str) -> None:
    with contextlib.suppress(AmountError):
        parse_amount(text)


@given(st.from_regex(r"[-$€£₹¥., 0-9a-z]{0,30}", fullmatch=True))
def test_parse_amount_raises_only_amount_error_on_near_misses(text: str) -> None:
    try:
        amount = parse_amount(text, default_currency="USD")
    except AmountError:
        return
    assert 0 <= amount.low <= MAX_HUNDREDTHS
    assert amount.high is None or amount.low < amount.high <= MAX_HUNDREDTHS


@given(st.text())
def test_parse_decimal_string_raises_only_amount_error(text: str) -> None:
    with contextlib.suppress(AmountError):
        parse_decimal_string(text)


def _full_grammar(text: str, default: str | None) -> Amount | str:
    try:
        return _parse_any_amount(text, default)
    except AmountError as error:
        return str(error)


_COMMON_LOOKING = (
    r"\s?(usd|eur|inr|top|xyz|rsd|mmk|us\$|us \$|\$|rs|a\$)?\s{0,2}[0-9]{0,25}(\.[0-9]{0,4})?"
    r"\s{0,2}(k|m|mn|mln|mm|b|bn|bln|billion|million|thousand|crore|cr|lakh|lac|lakh\s{0,2}crore"
    r"|t|tn|trillion|x)?\s?(mln|bln|lac|usd|mmk)?"
)


@given(
    st.from_regex(_COMMON_LOOKING, fullmatch=True) | st.text(max_size=12),
    st.sampled_from([None, "USD", "inr", " eur ", "XYZ", ""]),
)
def test_common_amount_shortcut_agrees_with_the_full_grammar(
    text: str, default: str | None
) -> None:
    full = _full_grammar(text, default)
    quick = _common_amount(text, default)
    if isinstance(full, str):
        assert quick is None  # every refusal, and its wording, is the full grammar's
    else:
        assert quick in (None, full)


@pytest.mark.parametrize(
    ("text", "default"),
    [("USD 123m", None), ("$3 billion", None), ("2500.50", "EUR"), ("usd 0", None),
     ("USD 92233720368547758.07", None), ("USD 0.001", None), ("USD " + "0" * 250 + "1", None)],
)  # fmt: skip
def test_common_amount_shortcut_on_edges(text: str, default: str | None) -> None:
    quick = _common_amount(text, default)
    full = _full_grammar(text, default)
    assert quick is None or quick == full
    assert (quick is not None) == (text in ("USD 123m", "$3 billion", "2500.50", "usd 0",
                                            "USD 92233720368547758.07"))  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Amount(314_500_000_000, None, "USD"), "USD 3.145bn"),
        (Amount(304_999_999_999, None, "USD"), "\u2248USD 3.05bn"),
        (Amount(412_345_678_901_234, None, "USD"), "\u2248USD 4.123tn"),
        (Amount(123_456_789, None, "INR"), "\u2248INR 1.235m"),
        (Amount(99_999_960_000_000, None, "USD"), "\u2248USD 1tn"),
        (Amount(50_050, None, "GBP"), "GBP 500.50"),
        (Amount(200_000_000_001, 300_000_000_000, "EUR"), "\u2248EUR 2\u20133bn"),
    ],
)
def test_a_report_total_is_rounded_to_four_significant_digits_and_marked(
    amount: Amount, shown: str
) -> None:
    assert format_total(amount) == shown


@given(st.integers(min_value=0, max_value=10**15))
def test_amounts_written_with_decimal_commas_read_back_exactly(hundredths: int) -> None:
    units, cents = divmod(hundredths, 100)
    european = f"EUR {units:,}".replace(",", ".") + f",{cents:02d}"
    assert parse_amount(european, None, "decimal") == Amount(hundredths, None, "EUR")
    assert parse_amount(european, None, "ask") == Amount(hundredths, None, "EUR")


@given(st.text(alphabet="0123456789.,", min_size=1, max_size=12))
def test_asking_never_reads_a_number_one_way_that_reads_another_way_too(number: str) -> None:
    """``ask`` reads a number only as one of the two conventions, and never when both read it,
    differently: a misread amount would be off by a factor of a thousand."""
    text = f"EUR {number}"
    readings = []
    for commas in ("decimal", "grouping"):
        with contextlib.suppress(AmountError):
            readings.append(parse_amount(text, None, commas))
    try:
        asked = parse_amount(text, None, "ask")
    except AmountError:
        return
    assert asked in readings
    assert len(set(readings)) == 1
