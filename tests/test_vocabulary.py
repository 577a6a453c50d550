import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.vocabulary import (
    ATTRIBUTIONS,
    BASES,
    KINDS,
    PARTY_KINDS,
    ROLES,
    VocabularyError,
    normalize_term,
    parse_term,
    quote_input,
)


def test_vocabularies_are_in_display_order() -> None:
    assert KINDS == ("acquisition", "merger", "asset-sale", "stake", "investment", "joint-venture")
    assert PARTY_KINDS == ("company", "unit", "fund", "person", "government", "other")
    assert ROLES == ("target", "acquirer", "seller", "adviser", "backer", "other")
    assert BASES == ("disclosed", "reported", "estimated")
    assert ATTRIBUTIONS == ("official", "on-record", "anonymous", "unattributed")


@pytest.mark.parametrize(
    "text", ["joint-venture", "Joint Venture", "JOINT_VENTURE", "joint - venture"]
)
def test_parse_term_treats_case_and_separators_alike(text: str) -> None:
    assert parse_term(text, KINDS, "deal kind") == "joint-venture"


@pytest.mark.parametrize(
    ("text", "terms"),
    [("On Record", ATTRIBUTIONS), ("Estimated", BASES), ("government", PARTY_KINDS)],
)
def test_parse_term_works_for_every_vocabulary(text: str, terms: tuple[str, ...]) -> None:
    assert parse_term(text, terms, "term") in terms


def test_unknown_term_lists_the_valid_ones() -> None:
    with pytest.raises(VocabularyError) as caught:
        parse_term("takeover", KINDS, "deal kind")
    assert str(caught.value) == (
        "'takeover' is not a deal kind; use one of: acquisition, merger, asset-sale, stake, "
        "investment, joint-venture"
    )


def test_normalize_term_collapses_separator_runs() -> None:
    assert normalize_term("  Asset__Sale ") == "asset-sale"
    assert normalize_term("-on - record-") == "on-record"


def test_quote_input_keeps_messages_on_one_line() -> None:
    assert quote_input("a\nb") == "'a\\nb'"
    assert quote_input("x" * 61) == repr("x" * 60) + "..."
    assert quote_input("x" * 60) == repr("x" * 60)


@given(st.text())
def test_parse_term_raises_only_vocabulary_error(text: str) -> None:
    try:
        assert parse_term(text, ROLES, "role") in ROLES
    except VocabularyError as error:
        assert "\n" not in str(error)
