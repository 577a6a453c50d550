"""Names and keys: name keys, slugs and the key a new deal derives."""

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.names import derived_key, did_you_mean, first_free, is_valid_key, name_key, slug


def test_slug_folds_accents_and_joins_words_with_dashes() -> None:
    assert [slug(t) for t in ("Nestlé", "AT&T", "  TikTok India ")] == [
        "nestle",
        "at-t",
        "tiktok-india",
    ]


def test_derived_key_is_target_then_first_acquirer() -> None:
    assert derived_key("TikTok India", ["Reliance Jio", "Google"]) == "tiktok-india-reliance-jio"
    assert derived_key("Glance", []) == "glance"
    assert derived_key("日本", ["株式会社"]) == ""


@given(st.text(), st.lists(st.text(), max_size=3))
def test_a_derived_key_with_a_letter_is_a_valid_key(target: str, acquirers: list[str]) -> None:
    key = derived_key(target, acquirers)
    assert is_valid_key(key) == any(c.isalpha() for c in key)


@given(st.sets(st.integers(min_value=2, max_value=30)), st.booleans())
def test_first_free_takes_the_lowest_free_number(numbers: set[int], base_taken: bool) -> None:
    taken = {f"acme-{n}" for n in numbers} | ({"acme"} if base_taken else set())
    found = first_free("acme", taken.__contains__)
    assert found not in taken
    if not base_taken:
        assert found == "acme"
    else:
        lowest = min(n for n in range(2, 33) if n not in numbers)
        assert found == f"acme-{lowest}"


@given(st.text(alphabet="abcXYZ \t"))
def test_name_key_ignores_case_and_runs_of_space(text: str) -> None:
    assert name_key(text.upper()) == name_key(text.lower())
    assert name_key(f"  {text}   x ") == name_key(f"{text} x")


@given(st.text(alphabet=st.characters(max_codepoint=127)), st.text(max_size=3))
def test_name_key_of_plain_ascii_follows_the_unicode_rule(ascii_text: str, other: str) -> None:
    def unicode_rule(text: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()

    for text in (ascii_text, ascii_text + other):
        assert name_key(text) == unicode_rule(text)


def test_did_you_mean_names_the_close_ones_once_and_nothing_when_none_is_close() -> None:
    known = {"google": "Google", "goldman sachs": "Goldman Sachs", "glance": "Glance"}
    assert did_you_mean("Googel", known) == ' (did you mean "Google"?)'
    assert did_you_mean("Nobody Inc", known) == ""
    assert did_you_mean("glance", {"glance": "Glance", "glance ": "Glance"}) == (
        ' (did you mean "Glance"?)'
    )
