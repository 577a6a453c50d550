"""The rate rule and the conversion arithmetic, as pure code: exact decimals, never floats."""

import ast
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.domain import fx
from dealtrack.domain.fx import RateBook, table_of, within
from dealtrack.domain.fx_fractions import exact_ratio
from dealtrack.domain.rate_text import RateError, parse_rate, rate_text

D = datetime.date


def book(
    own: list[tuple[D, str, str, str, str]], built: list[tuple[D, str, str, str, str]]
) -> RateBook:
    return RateBook(table_of(own), lambda: table_of(built))


ECB_DAY = [
    (D(2020, 8, 31), "EUR", "USD", "1.194", "ECB"),
    (D(2020, 8, 31), "EUR", "INR", "87.4685", "ECB"),
]


def test_through_euro_multiplies_by_the_targets_rate_and_divides_by_the_sources() -> None:
    conversion = book([], ECB_DAY).conversion("INR", "USD", D(2020, 8, 31))
    assert conversion is not None
    assert (conversion.rate, conversion.on, conversion.source) == (
        Decimal("0.013650628512"),
        D(2020, 8, 31),
        "ECB",
    )
    assert conversion.apply(300000000000) == 4095188554  # INR 3bn → USD 40,951,885.54


def test_a_rate_up_to_seven_days_old_applies_and_an_older_one_does_not() -> None:
    rates = book([], ECB_DAY)
    assert rates.conversion("EUR", "USD", D(2020, 9, 7)) is not None
    assert rates.conversion("EUR", "USD", D(2020, 9, 8)) is None
    assert rates.conversion("EUR", "USD", D(2020, 8, 30)) is None  # never a later rate


def test_the_newest_date_wins_then_the_ledgers_rate_then_direct_before_inverse() -> None:
    own = [
        (D(2020, 8, 28), "INR", "USD", "0.0135", "RBI"),
        (D(2020, 8, 31), "USD", "INR", "73", "Desk"),
    ]
    rates = book(own, ECB_DAY)
    on_31 = rates.conversion("INR", "USD", D(2020, 8, 31))
    assert on_31 is not None and (on_31.source, on_31.on) == ("Desk", D(2020, 8, 31))
    assert on_31.apply(7300) == 100  # inverse: INR 73 → USD 1
    on_30 = rates.conversion("INR", "USD", D(2020, 8, 30))
    assert on_30 is not None and (on_30.rate, on_30.source) == (Decimal("0.0135"), "RBI")


def test_on_one_date_the_ledgers_rate_comes_before_the_built_in_one() -> None:
    own = [(D(2020, 8, 31), "EUR", "USD", "1.2", "Desk")]
    conversion = book(own, ECB_DAY).conversion("EUR", "USD", D(2020, 8, 31))
    assert conversion is not None and (conversion.rate, conversion.source) == (
        Decimal("1.2"),
        "Desk",
    )


def test_through_euro_dates_by_the_older_leg_and_names_both_sources() -> None:
    own = [(D(2020, 8, 31), "EUR", "INR", "87", "RBI")]
    built = [(D(2020, 8, 28), "EUR", "USD", "1.19", "ECB")]
    conversion = book(own, built).conversion("INR", "USD", D(2020, 8, 31))
    assert conversion is not None
    assert (conversion.on, conversion.source) == (D(2020, 8, 28), "RBI+ECB")


def test_latest_takes_the_newest_rate_however_old() -> None:
    conversion = book([], ECB_DAY).conversion("EUR", "USD", None)
    assert conversion is not None and conversion.on == D(2020, 8, 31)


def test_a_currency_without_rates_has_no_conversion_and_one_currency_needs_none() -> None:
    rates = book([], ECB_DAY)
    assert rates.conversion("AED", "USD", D(2020, 8, 31)) is None
    assert rates.conversion("USD", "USD", D(1990, 1, 1)) == fx.IDENTITY


def test_built_in_rates_are_read_only_when_a_conversion_needs_them() -> None:
    loads: list[int] = []

    def built_in() -> fx.RateTable:
        loads.append(1)
        return table_of(ECB_DAY)

    rates = RateBook({}, built_in)
    assert loads == []
    rates.conversion("USD", "USD", D(2020, 8, 31))
    assert loads == []
    rates.conversion("EUR", "USD", D(2020, 8, 31))
    rates.conversion("EUR", "INR", D(2020, 8, 31))
    assert loads == [1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "'0' is not a rate; a rate is more than zero"),
        ("-1.2", "'-1.2' is not a rate; write a positive decimal number, e.g. 1.1933"),
        ("1e3", "'1e3' is not a rate; write a positive decimal number, e.g. 1.1933"),
        ("1.0000000000001", "'1.0000000000001' has more than 12 significant digits; round it"),
    ],
)
def test_a_rate_is_a_positive_decimal_of_at_most_twelve_digits(text: str, message: str) -> None:
    with pytest.raises(RateError) as error:
        parse_rate(text)
    assert str(error.value) == message


def test_a_rate_is_kept_exactly() -> None:
    assert rate_text(parse_rate("120000.000")) == "120000"
    assert rate_text(parse_rate("0.013500")) == "0.0135"


def test_a_range_matches_bounds_it_overlaps() -> None:
    assert within(100, 300, 200, None)
    assert not within(100, None, 200, None)
    assert within(100, 300, None, 150)
    assert not within(200, 300, None, 150)


def test_no_float_appears_in_the_rule() -> None:
    source = Path(fx.__file__).read_text()
    names = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    floats = [
        n
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and isinstance(n.value, float)
    ]
    assert "float" not in names and floats == []


# Rates as the ECB writes them: at most 6 significant digits, so their products stay exact.
small_rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999"), places=4).filter(
    lambda d: d > 0 and len(d.normalize().as_tuple().digits) <= 6
)
amounts = st.integers(min_value=0, max_value=9_223_372_036_854_775_807)


@given(usd_per_euro=small_rates, inr_per_usd=small_rates, amount=amounts)
def test_through_euro_and_a_direct_rate_agree_to_the_cent_when_the_direct_rate_is_their_quotient(
    usd_per_euro: Decimal, inr_per_usd: Decimal, amount: int
) -> None:
    inr_per_euro = usd_per_euro * inr_per_usd  # exact: at most 12 significant digits
    day = D(2021, 2, 12)
    legs = [
        (day, "EUR", "USD", str(usd_per_euro), "ECB"),
        (day, "EUR", "INR", str(inr_per_euro), "ECB"),
    ]
    through = book([], legs).conversion("USD", "INR", day)
    direct = book([(day, "USD", "INR", str(inr_per_usd), "Desk")], []).conversion("USD", "INR", day)
    assert through is not None and direct is not None
    assert through.apply(amount) == direct.apply(amount)


@given(rate=small_rates, amount=amounts)
def test_a_conversion_is_an_int_rounded_half_even_from_the_exact_product(
    rate: Decimal, amount: int
) -> None:
    day = D(2021, 2, 12)
    conversion = book([(day, "GBP", "USD", str(rate), "Desk")], []).conversion("GBP", "USD", day)
    assert conversion is not None
    converted = conversion.apply(amount)
    assert type(converted) is int
    exact = Decimal(amount) * rate  # exact: 19 + 6 digits fit in 28
    assert abs(Decimal(converted) - exact) <= Decimal("0.5")
    assert len(conversion.rate.as_tuple().digits) <= 12


@given(euro_rates=st.lists(small_rates, min_size=2, max_size=2))
def test_the_shown_rate_has_at_most_twelve_significant_digits_and_is_decimal(
    euro_rates: list[Decimal],
) -> None:
    day = D(2021, 2, 12)
    legs = [
        (day, "EUR", "USD", str(euro_rates[0]), "ECB"),
        (day, "EUR", "JPY", str(euro_rates[1]), "ECB"),
    ]
    conversion = book([], legs).conversion("USD", "JPY", day)
    assert conversion is not None
    assert isinstance(conversion.rate, Decimal) and len(conversion.rate.as_tuple().digits) <= 12


# Any rate dealtrack stores: at most 12 significant digits, from 10⁻¹² to 10¹².
stored_rates = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.integers(min_value=1, max_value=999_999_999_999),
    st.integers(min_value=-24, max_value=12),
)
wide_amounts = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=9_223_372_036_854_775_807),
    st.integers(min_value=-(10**15), max_value=10**40),
)


@given(
    rates=st.lists(stored_rates, min_size=2, max_size=2),
    route=st.sampled_from(["direct", "inverse", "through euro"]),
    amount=wide_amounts,
)
def test_a_conversion_in_integers_rounds_exactly_as_the_decimal_expression(
    rates: list[Decimal], route: str, amount: int
) -> None:
    day = D(2021, 2, 12)
    first, second = (rate_text(r) for r in rates)
    rows = {
        "direct": [(day, "GBP", "USD", first, "Desk")],
        "inverse": [(day, "USD", "GBP", first, "Desk")],
        "through euro": [(day, "EUR", "USD", first, "ECB"), (day, "EUR", "GBP", second, "ECB")],
    }[route]
    conversion = book([], rows).conversion("GBP", "USD", day)
    assert conversion is not None
    assert conversion.apply(amount) == conversion.apply_decimal(amount)


@pytest.mark.parametrize(
    ("rate", "amount", "converted"),
    [("0.5", 1, 0), ("0.5", 3, 2), ("0.5", 5, 2), ("1.5", 1, 2), ("0.25", 2, 0), ("0.25", 6, 2)],
)
def test_half_way_amounts_round_to_the_even_hundredth(
    rate: str, amount: int, converted: int
) -> None:
    day = D(2021, 2, 12)
    conversion = book([(day, "GBP", "USD", rate, "Desk")], []).conversion("GBP", "USD", day)
    assert conversion is not None
    assert conversion.apply(amount) == conversion.apply_decimal(amount) == converted


def half_even(amount: int, top: int, bottom: int) -> int:
    """amount × top ÷ bottom rounded half-even, in whole numbers (as a database works it out)."""
    quotient, rest = divmod(amount * top, bottom)
    if rest > bottom - rest or (rest == bottom - rest and quotient % 2):
        return quotient + 1
    return quotient


PAIRS = [("EUR", "USD"), ("EUR", "GBP"), ("GBP", "USD"), ("USD", "GBP"), ("GBP", "EUR")]
rate_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=30).map(lambda n: D(2021, 2, 1) + datetime.timedelta(n)),
        st.sampled_from(PAIRS),
        stored_rates.map(rate_text),
        st.booleans(),
    ),
    max_size=12,
)
LARGEST = 2**63 - 1


@given(
    rows=rate_rows,
    source=st.sampled_from(["GBP", "EUR", "USD"]),
    days=st.lists(st.integers(min_value=0, max_value=45), min_size=1, max_size=20),
    amounts=st.lists(wide_amounts, min_size=1, max_size=5),
)
def test_the_exact_terms_of_many_days_convert_as_each_days_conversion_does(
    rows: list[tuple[D, tuple[str, str], str, bool]],
    source: str,
    days: list[int],
    amounts: list[int],
) -> None:
    own = [(day, base, cur, rate, "Desk") for day, (base, cur), rate, mine in rows if mine]
    built = [(day, base, cur, rate, "ECB") for day, (base, cur), rate, mine in rows if not mine]
    ordinals = sorted(D(2021, 2, 1).toordinal() + n for n in days)
    terms = book(own, built).exact_terms(source, "USD", ordinals, LARGEST)
    one_by_one = book(own, built)
    for ordinal, term in zip(ordinals, terms, strict=True):
        conversion = one_by_one.conversion(source, "USD", D.fromordinal(ordinal))
        assert (term is None) == (conversion is None)
        if term is None or conversion is None:
            continue
        top, bottom, limit = term
        # -1: no amount converts in whole numbers that fit (the database leaves it to apply).
        assert limit == -1 or (max(top, bottom) <= LARGEST and limit * top <= LARGEST)
        for amount in [0, limit, *amounts]:
            if 0 <= amount <= limit:
                assert half_even(amount, top, bottom) == conversion.apply(amount)


@given(
    digits=st.integers(min_value=0, max_value=10**15),
    places=st.integers(min_value=0, max_value=14),
    form=st.sampled_from(["{}", "0{}", "{}0", " {} ", "+{}", "{}E2"]),
)
def test_a_rates_text_reads_as_the_fraction_its_decimal_holds(
    digits: int, places: int, form: str
) -> None:
    plain = str(digits).rjust(places + 1, "0")
    text = form.format(f"{plain[:-places]}.{plain[-places:]}" if places else plain)
    top, bottom, significant = exact_ratio(text)
    decimal = Decimal(text)
    assert top * decimal.as_integer_ratio()[1] == bottom * decimal.as_integer_ratio()[0]
    assert significant == len(decimal.as_tuple().digits)


@given(rows=rate_rows, days=st.lists(st.integers(min_value=0, max_value=45), max_size=20))
def test_one_book_gives_each_currency_the_terms_a_book_of_its_own_does(
    rows: list[tuple[D, tuple[str, str], str, bool]], days: list[int]
) -> None:
    # A book keeps each pair's newest rates for the days last asked, which every currency of
    # a report shares (the target's leg through the euro).
    own = [(day, base, cur, rate, "Desk") for day, (base, cur), rate, mine in rows if mine]
    built = [(day, base, cur, rate, "ECB") for day, (base, cur), rate, mine in rows if not mine]
    ordinals = sorted(D(2021, 2, 1).toordinal() + n for n in days)
    shared = book(own, built)
    for source in ("GBP", "EUR", "USD", "GBP"):
        alone = book(own, built).exact_terms(source, "USD", ordinals, LARGEST)
        assert shared.exact_terms(source, "USD", ordinals, LARGEST) == alone
