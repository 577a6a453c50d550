"""The pure rules of merging one party into another, and of a party's own events."""

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.domain.parties import (
    describe_party_event,
    merge_roster_problem,
    merged_party,
    merged_roster,
    party_event_void_problem,
    roster_problem,
)
from dealtrack.vocabulary import PARTICIPANT_ROLES

PARTIES = st.sampled_from(["a", "b", "c", "d"])
PAIRS = st.lists(st.tuples(PARTIES, st.sampled_from(PARTICIPANT_ROLES)), max_size=8)


def shown(name: str) -> str:
    return name.upper()


def test_merging_a_seller_into_an_acquirer_of_one_deal_is_refused_naming_the_party_kept() -> None:
    roles = [("acquirer", "b"), ("seller", "a")]
    assert merge_roster_problem("t", roles, "a", "b", shown) == (
        '"B" cannot be both acquirer and seller'
    )


def test_merging_a_party_into_its_deals_target_is_refused() -> None:
    assert merge_roster_problem("t", [("adviser", "a")], "a", "t", shown) == (
        '"T" is the target of this deal and cannot also be its adviser'
    )
    assert merge_roster_problem("a", [("backer", "t")], "a", "t", shown) == (
        '"T" is the target of this deal and cannot also be its backer'
    )


def test_two_parties_in_one_role_become_one_pair_where_the_first_stood() -> None:
    pairs = [("t", "target"), ("b", "acquirer"), ("c", "seller"), ("a", "acquirer")]
    assert merged_roster(pairs, "a", "b") == [("t", "target"), ("b", "acquirer"), ("c", "seller")]


@given(PAIRS, PARTIES, PARTIES)
def test_a_merge_is_refused_exactly_when_the_merged_roster_would_be(
    pairs: list[tuple[str, str]], merged: str, into: str
) -> None:
    roles = [(role, party) for party, role in pairs]
    after = [(role, party) for party, role in merged_roster(pairs, merged, into)]
    target = merged_party("t", merged, into)
    assert merge_roster_problem("t", roles, merged, into, shown) == roster_problem(
        target, after, shown
    )


@given(PAIRS, PARTIES, PARTIES)
def test_a_merged_roster_names_the_merged_party_nowhere_and_each_pair_once(
    pairs: list[tuple[str, str]], merged: str, into: str
) -> None:
    after = merged_roster(pairs, merged, into)
    assert len(after) == len(set(after))
    if merged != into:
        assert all(party != merged for party, _ in after)
    assert {(merged_party(p, merged, into), r) for p, r in pairs} == set(after)


@given(PAIRS, PARTIES)
def test_merging_a_party_the_roster_does_not_name_changes_nothing_but_repeats(
    pairs: list[tuple[str, str]], into: str
) -> None:
    assert merged_roster(pairs, "z", into) == list(dict.fromkeys(pairs))
    roles = [(role, party) for party, role in pairs]
    assert merge_roster_problem("t", roles, "z", into, shown) == roster_problem("t", roles, shown)


def test_renames_and_merges_read_as_words() -> None:
    rename = {"type": "rename", "changes": {"name": ["Glance", "Glance InMobi"]}}
    merge = {"type": "merge", "changes": {"party": ["Glance", "Glance Digital Experience"]}}
    assert describe_party_event(rename) == "renamed Glance → Glance InMobi"
    assert describe_party_event(merge) == "merged Glance into Glance Digital Experience"


def test_only_renames_and_merges_are_a_partys_events_that_cannot_be_voided() -> None:
    assert party_event_void_problem(4, "merge") == (
        "event 4 is a merge, which is final, and cannot be voided"
    )
    assert party_event_void_problem(4, "rename") is not None
    assert party_event_void_problem(4, "link") is None
    assert party_event_void_problem(4, "void") is None
