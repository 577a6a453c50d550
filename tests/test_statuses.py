import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.statuses import (
    STATUS_WORDS,
    STATUSES,
    StatusError,
    is_legal_change,
    legal_changes,
    lifecycle_rank,
    parse_status,
    reason_in_word,
    status_words,
)


def test_statuses_are_in_lifecycle_order() -> None:
    assert STATUSES == ("rumored", "in-negotiation", "agreed", "completed", "failed")


@pytest.mark.parametrize(
    "text",
    ["in-negotiation", "in negotiation", "In_Negotiation", "IN  NEGOTIATION", " in_-negotiation "],
)
def test_parse_status_treats_space_underscore_and_hyphen_alike(text: str) -> None:
    assert parse_status(text) == "in-negotiation"


@pytest.mark.parametrize("status", STATUSES)
def test_every_slug_parses_to_itself(status: str) -> None:
    assert parse_status(status.upper()) == status


@pytest.mark.parametrize("text", ["pending", "", "innegotiation", "rumouring"])
def test_unknown_status_lists_the_valid_ones(text: str) -> None:
    with pytest.raises(StatusError) as caught:
        parse_status(text)
    assert str(caught.value) == (
        f"{text!r} is not a status; use one of: rumored, in-negotiation, agreed, completed, failed"
    )


def test_status_words_for_tables() -> None:
    assert status_words("in-negotiation") == "in negotiation"
    assert status_words("agreed") == "agreed"


@pytest.mark.parametrize(
    ("current", "legal"),
    [
        ("rumored", ("rumored", "in-negotiation", "agreed", "completed", "failed")),
        ("in-negotiation", ("in-negotiation", "agreed", "completed", "failed")),
        ("agreed", ("agreed", "completed", "failed")),
        ("completed", ("completed",)),
        ("failed", ("rumored", "in-negotiation", "failed")),
    ],
)
def test_legal_changes_follow_the_design(current: str, legal: tuple[str, ...]) -> None:
    assert legal_changes(current) == legal
    for new in STATUSES:
        assert is_legal_change(current, new) == (new in legal)


def test_nothing_leaves_completed() -> None:
    assert not is_legal_change("completed", "failed")


def test_failed_talks_can_be_revived_but_not_agreed_directly() -> None:
    assert is_legal_change("failed", "in-negotiation")
    assert not is_legal_change("failed", "agreed")


@given(st.sampled_from(STATUSES))
def test_restating_the_status_in_force_is_always_legal(status: str) -> None:
    assert is_legal_change(status, status)


def test_lifecycle_rank_sorts_failed_last() -> None:
    assert sorted(["failed", "completed", "rumored", "agreed"], key=lifecycle_rank) == [
        "rumored",
        "agreed",
        "completed",
        "failed",
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda: legal_changes("In Negotiation"),
        lambda: is_legal_change("agreed", "done"),
        lambda: lifecycle_rank("pending"),
        lambda: status_words("x"),
    ],
)
def test_functions_taking_slugs_refuse_non_slugs(call: Callable[[], object]) -> None:
    with pytest.raises(StatusError, match="is not a status slug; use one of: rumored"):
        call()


@given(st.text())
def test_parse_status_raises_only_status_error(text: str) -> None:
    with contextlib.suppress(StatusError):
        assert parse_status(text) in STATUSES


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("rumour", "rumored"),
        ("Rumoured", "rumored"),
        ("in talks", "in-negotiation"),
        ("negotiating", "in-negotiation"),
        ("signed", "agreed"),
        ("definitive", "agreed"),
        ("closed", "completed"),
        ("done", "completed"),
        ("withdrawn", "failed"),
        ("Cancelled", "failed"),
        ("blocked", "failed"),
    ],
)
def test_the_trade_press_words_are_taken_as_the_statuses_they_mean(word: str, status: str) -> None:
    assert parse_status(word) == status


@given(st.sampled_from(sorted(STATUS_WORDS)), st.sampled_from([" ", "_", "-"]), st.booleans())
def test_a_status_word_is_read_like_a_status_in_any_case_and_separator(
    word: str, separator: str, upper: bool
) -> None:
    spelt = word.replace("-", separator)
    assert parse_status(spelt.upper() if upper else spelt) == STATUS_WORDS[word]
    assert STATUS_WORDS[word] in STATUSES


def test_only_a_failure_s_word_gives_a_reason() -> None:
    said = ["Withdrawn", "collapsed", "signed", "closed", "failed", "in talks"]
    assert [reason_in_word(word) for word in said] == [
        "withdrawn",
        "collapsed",
        None,
        None,
        None,
        None,
    ]


def test_announced_is_refused_with_the_two_statuses_it_may_mean() -> None:
    with pytest.raises(StatusError) as refused:
        parse_status(" Announced ")
    assert str(refused.value) == (
        "'Announced' is not a status: an announced deal may be an agreed merger (agreed) or an "
        "unsolicited offer (rumored or in-negotiation); say which"
    )
