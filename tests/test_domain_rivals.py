"""The rival rule: which deals are rival bids, and how a total counts each set of them once."""

import datetime
from itertools import combinations
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.domain.rivals import RIVAL_KINDS, Bid, Total, fold_total, life_end, rival_sets
from dealtrack.vocabulary import KINDS

DAY = datetime.date(2018, 1, 1)
TODAY = datetime.date(2026, 1, 1)


def bid(deal: int, start: int, end: int, low: int, high: int | None = None, **kw: object) -> Bid:
    """A bid on target 1 whose life runs from day ``start`` to day ``end`` after DAY."""
    fields: dict[str, object] = {"target": 1, "kind": "acquisition"} | kw
    return Bid(
        deal=deal,
        target=int(str(fields["target"])),
        kind=str(fields["kind"]),
        start=DAY + datetime.timedelta(start),
        end=DAY + datetime.timedelta(end),
        low=low,
        high=low if high is None else high,
    )


@st.composite
def bids(draw: st.DrawFn) -> list[Bid]:
    count = draw(st.integers(0, 12))
    result = []
    for deal in range(1, count + 1):
        start = draw(st.integers(0, 400))
        low = draw(st.integers(0, 10**6))
        result.append(
            Bid(
                deal=deal,
                target=draw(st.integers(1, 3)),
                kind=draw(st.sampled_from(KINDS)),
                start=DAY + datetime.timedelta(start),
                end=DAY + datetime.timedelta(start + draw(st.integers(0, 120))),
                low=low,
                high=low + draw(st.integers(0, 10**6)),
            )
        )
    return result


def overlap(first: Bid, second: Bid) -> bool:
    return first.start <= second.end and second.start <= first.end


def are_rivals(first: Bid, second: Bid) -> bool:
    return (
        first.target == second.target
        and first.kind in RIVAL_KINDS
        and second.kind in RIVAL_KINDS
        and overlap(first, second)
    )


@given(bids())
def test_overlapping_rivals_share_a_set_and_other_bids_never_do(all_bids: list[Bid]) -> None:
    sets = rival_sets(all_bids)
    set_of = {b.deal: n for n, members in enumerate(sets) for b in members}
    assert sorted(set_of) == sorted(b.deal for b in all_bids)  # every bid, in exactly one set
    for first, second in combinations(all_bids, 2):
        if are_rivals(first, second):
            assert set_of[first.deal] == set_of[second.deal]
    for members in sets:
        # A set of several is rivals linked by overlapping lives: no member stands apart.
        assert all(b.kind in RIVAL_KINDS and b.target == members[0].target for b in members[1:])
        for member in members if len(members) > 1 else ():
            assert any(are_rivals(member, other) for other in members if other is not member)


@given(bids())
def test_a_total_lies_between_the_largest_value_and_the_plain_sum(all_bids: list[Bid]) -> None:
    total = fold_total(all_bids)
    assert total.deals == len(all_bids)
    assert total.low <= sum(b.low for b in all_bids)
    assert total.high <= sum(b.high for b in all_bids)
    assert total.low >= max((b.low for b in all_bids), default=0)
    assert total.high >= total.low
    assert total.folded == len(all_bids) - len(rival_sets(all_bids))


@given(bids(), st.randoms())
def test_a_total_does_not_depend_on_the_order_of_the_bids(
    all_bids: list[Bid], random: Random
) -> None:
    shuffled = list(all_bids)
    random.shuffle(shuffled)
    assert fold_total(shuffled) == fold_total(all_bids)


@given(bids())
def test_stakes_investments_and_joint_ventures_always_add_their_value(all_bids: list[Bid]) -> None:
    others = [b for b in all_bids if b.kind not in RIVAL_KINDS]
    rivals = [b for b in all_bids if b.kind in RIVAL_KINDS]
    total, alone = fold_total(all_bids), fold_total(rivals)
    assert total.low == alone.low + sum(b.low for b in others)
    assert total.high == alone.high + sum(b.high for b in others)
    assert total.folded == alone.folded


@given(bids())
def test_bids_on_different_targets_or_with_apart_lives_are_all_counted(all_bids: list[Bid]) -> None:
    apart = [
        Bid(b.deal, b.deal, b.kind, b.start, b.end, b.low, b.high) for b in all_bids
    ]  # one target each
    assert fold_total(apart) == Total(
        len(apart), 0, sum(b.low for b in apart), sum(b.high for b in apart)
    )


def test_fox_counts_once_at_disney_s_price() -> None:
    disney, comcast = bid(1, 0, 440, 7130), bid(2, 160, 200, 6500)
    assert fold_total([disney, comcast]) == Total(2, 1, 7130, 7130)


def test_successive_sales_years_apart_are_both_counted() -> None:
    assert fold_total([bid(1, 0, 30, 100), bid(2, 1800, 1900, 200)]) == Total(2, 0, 300, 300)


def test_a_bid_overlapping_two_others_joins_them_in_one_set() -> None:
    first, bridge, last = bid(1, 0, 10, 5), bid(2, 10, 20, 4), bid(3, 20, 30, 6)
    assert rival_sets([last, first, bridge]) == [[first, bridge, last]]
    assert fold_total([first, last]) == Total(2, 0, 11, 11)


def test_ranges_take_the_largest_low_end_and_the_largest_upper_end() -> None:
    assert fold_total([bid(1, 0, 9, 10, 20), bid(2, 5, 9, 15)]) == Total(2, 1, 15, 20)


@pytest.mark.parametrize(
    ("statuses", "end"),
    [
        ([], TODAY),
        ([("rumored", DAY)], TODAY),
        ([("rumored", DAY), ("completed", datetime.date(2019, 3, 20))], datetime.date(2019, 3, 20)),
        # A second source restating the completion does not move the day it completed.
        (
            [("agreed", DAY), ("completed", datetime.date(2019, 3, 20)), ("completed", TODAY)],
            datetime.date(2019, 3, 20),
        ),
        # Talks that failed and were revived are open again.
        ([("rumored", DAY), ("failed", datetime.date(2019, 1, 31)), ("rumored", DAY)], TODAY),
        (
            [("failed", DAY), ("in-negotiation", DAY), ("failed", datetime.date(2020, 1, 1))],
            datetime.date(2020, 1, 1),
        ),
    ],
)
def test_a_life_ends_when_the_deal_became_completed_or_failed(
    statuses: list[tuple[str, datetime.date]], end: datetime.date
) -> None:
    assert life_end(statuses, TODAY) == end
