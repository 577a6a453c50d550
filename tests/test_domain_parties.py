"""The party rules of the pure core: roles that cannot combine, country codes, parent chains."""

from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.domain.parties import (
    ParentLoop,
    RoleClash,
    parent_cycles,
    parent_loop,
    parent_problem,
    parse_country,
    role_clashes,
    roster_problem,
)


def shown(name: str) -> str:
    return name.title()


# Roles that cannot combine


def test_a_target_that_also_holds_another_role_clashes_on_that_role() -> None:
    assert role_clashes("acme", [("acquirer", "acme")], shown) == [
        RoleClash("acme", "acquirer", '"Acme" is the target of this deal and cannot also be its acquirer')
    ]  # fmt: skip
    assert roster_problem("acme", [("seller", "beta"), ("adviser", "acme")], shown) == (
        '"Acme" is the target of this deal and cannot also be its adviser'
    )


def test_a_party_that_is_both_acquirer_and_seller_clashes_on_the_later_role() -> None:
    assert role_clashes("widget", [("seller", "acme"), ("acquirer", "acme")], shown) == [
        RoleClash("acme", "acquirer", '"Acme" cannot be both acquirer and seller')
    ]


def test_a_roster_without_clashes_may_stand() -> None:
    roster = [("target", "tiktok"), ("acquirer", "jio"), ("seller", "bytedance"),
              ("backer", "softbank"), ("adviser", "softbank"), ("acquirer", "google")]  # fmt: skip
    assert role_clashes("tiktok", roster, shown) == []
    assert roster_problem("tiktok", roster, shown) is None


def test_each_clash_is_reported_once_in_roster_order() -> None:
    roster = [("acquirer", 1), ("acquirer", 1), ("seller", 2), ("seller", 1), ("other", 9)]
    names = {1: "One", 2: "Two", 9: "Nine"}
    assert [(c.party, c.role) for c in role_clashes(9, roster, names.__getitem__)] == [
        (1, "seller"),
        (9, "other"),
    ]


def test_without_a_target_only_acquirer_and_seller_are_compared() -> None:
    assert roster_problem(None, [("acquirer", "a"), ("seller", "a")], shown) == (
        '"A" cannot be both acquirer and seller'
    )
    assert roster_problem(None, [("acquirer", "a"), ("adviser", "a")], shown) is None


# Country


@pytest.mark.parametrize(
    ("text", "code"), [("IN", "IN"), ("us", "US"), (" ch ", "CH"), ("gB", "GB")]
)
def test_a_country_is_two_ascii_letters_upper_cased(text: str, code: str) -> None:
    assert parse_country(text) == code


@pytest.mark.parametrize("text", ["ÄÖ", "IND", "I", "", "I1", "1N", "ǅ", "ﬀ", "ıN", "I N"])
def test_anything_else_is_not_a_country_and_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_country(text)
    assert str(error.value) == (
        f"{text!r} is not an ISO 3166 alpha-2 country code; write e.g. IN or US"
    )


# Parent chains


def test_a_parent_without_ancestors_makes_no_loop() -> None:
    assert parent_loop("unit", "group", {}) is None
    assert parent_loop("unit", "group", {"group": "holding", "holding": None}) is None


def test_a_parent_that_descends_from_the_party_closes_a_loop() -> None:
    parents = {"beta": "alpha", "gamma": "beta"}
    assert parent_loop("alpha", "gamma", parents) == ParentLoop(
        ("alpha", "gamma", "beta", "alpha"), new=True
    )
    assert parent_loop("alpha", "alpha", parents) == ParentLoop(("alpha", "alpha"), new=True)


def test_a_chain_that_already_loops_ends_and_is_told_apart() -> None:
    parents = {"alpha": "beta", "beta": "alpha"}
    asked: list[str] = []

    def parent_of(party: str) -> str | None:
        asked.append(party)
        return parents.get(party)

    assert parent_loop("gamma", "alpha", parent_of) == ParentLoop(
        ("alpha", "beta", "alpha"), new=False
    )
    assert asked == ["alpha", "beta"]


def test_the_party_s_own_current_parent_is_never_followed() -> None:
    # alpha's parent is being replaced: the old one (beta, which loops back) does not count
    assert parent_loop("alpha", "delta", {"alpha": "beta", "beta": "alpha"}) is None


def test_parent_problems_name_both_parties_and_the_chain() -> None:
    parents = {"beta": "alpha"}
    assert parent_problem("alpha", "beta", parents, shown) == (
        '"Beta" cannot be the parent of "Alpha": that is a cycle (Alpha → Beta → Alpha)'
    )
    looped = {"alpha": "beta", "beta": "alpha"}
    assert parent_problem("gamma", "alpha", looped, shown) == (
        '"Alpha" cannot be the parent of "Gamma": the parent chain of "Alpha" already loops '
        "(Alpha → Beta → Alpha); give one of those parties another parent first"
    )
    assert parent_problem("gamma", "delta", looped, shown) is None


def test_every_loop_of_a_map_is_found_once_from_its_least_party() -> None:
    parents: dict[str, str | None] = {
        "c": "a", "a": "b", "b": "c",  # a loop of three
        "x": "a",  # hangs below it
        "s": "s",  # its own parent
        "u": "v", "v": "w",  # a plain chain; w is no key
        "q": "p", "p": "q",
    }  # fmt: skip
    assert parent_cycles(parents) == [("a", "b", "c", "a"), ("p", "q", "p"), ("s", "s")]
    by_length = parent_cycles(parents, order=lambda p: -ord(p))
    assert by_length == [("s", "s"), ("q", "p", "q"), ("c", "a", "b", "c")]


def test_a_map_without_loops_has_none() -> None:
    assert parent_cycles({}) == []
    assert parent_cycles({1: 2, 2: 3, 3: None, 4: 3}) == []


# Property tests against brute force

PARTIES = st.integers(min_value=0, max_value=12)
PARENT_MAPS = st.dictionaries(PARTIES, st.none() | PARTIES, max_size=13)


def on_a_loop(party: int, parents: dict[int, int | None]) -> bool:
    """Brute force: following parents from the party's parent, do we come back to it?"""
    node = parents.get(party)
    for _ in range(len(parents) + 1):
        if node is None:
            return False
        if node == party:
            return True
        node = parents.get(node)
    return False


def loop_through(party: int, parents: dict[int, int | None]) -> frozenset[int]:
    members, node = {party}, parents.get(party)
    while node != party:
        assert node is not None
        members.add(node)
        node = parents.get(node)
    return frozenset(members)


def follows_parents(chain: tuple[int, ...], parent_of: Callable[[int], int | None]) -> bool:
    return all(parent_of(a) == b for a, b in pairwise(chain))


@given(PARENT_MAPS)
def test_the_loops_found_are_exactly_those_of_the_map(parents: dict[int, int | None]) -> None:
    found = parent_cycles(parents)
    expected = {loop_through(p, parents) for p in parents if on_a_loop(p, parents)}
    assert {frozenset(chain) for chain in found} == expected
    assert len(found) == len(expected)  # each once
    for chain in found:
        assert chain[0] == chain[-1] == min(chain)
        assert len(set(chain)) == len(chain) - 1
        assert follows_parents(chain, parents.get)
    assert [chain[0] for chain in found] == sorted(chain[0] for chain in found)


@given(PARENT_MAPS, PARTIES, PARTIES)
def test_a_new_parent_loops_exactly_when_the_resulting_chain_does(
    parents: dict[int, int | None], party: int, parent: int
) -> None:
    after = {**parents, party: parent}
    loop = parent_loop(party, parent, parents)
    # brute force: walk up from the party in the map as it would be; a repeat is a loop
    seen: list[int] = []
    node: int | None = party
    while node is not None and node not in seen:
        seen.append(node)
        node = after.get(node)
    assert (loop is not None) == (node is not None)
    if loop is not None:
        assert loop.new == on_a_loop(party, after)
        assert loop.chain[0] == loop.chain[-1]
        assert follows_parents(loop.chain, after.get)
        assert frozenset(loop.chain) == loop_through(loop.chain[0], after)
