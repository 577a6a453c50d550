"""Which deals are rival bids, and how a value total counts each set of rivals once.

Disney's and Comcast's bids for Fox were two prices for one company: adding them claims a market
twice the size it was. So a total counts each set of rivals once, at its largest value. Rivals are
acquisitions, mergers and asset sales of one target whose lives overlap: from the day a deal was
first reported until the day it became completed or failed (or today, while it is open). A bid that
overlaps two others which do not overlap each other still joins all three in one set, so the sets
never depend on the order the deals are read in. Stakes and investments are never rivals (two funds
may each buy a slice), and sales of one company years apart are successive, not rival.

Pure code: the report query gathers the bids of one group and currency and calls ``fold_total``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The kinds of deal that compete for control of their target; the others never fold.
RIVAL_KINDS: tuple[str, ...] = ("acquisition", "merger", "asset-sale")
# A deal's life ends when it reaches one of these.
ENDING_STATUSES: tuple[str, ...] = ("completed", "failed")


@dataclass(frozen=True, slots=True)
class Bid:
    """A valued deal as a total sees it. Money in hundredths; ``high`` equals ``low`` for a
    single value. ``start`` and ``end`` are the first and last days of its life, both included."""

    deal: int
    target: int
    kind: str
    start: datetime.date
    end: datetime.date
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class Total:
    """A group's total in one currency: every deal counted, each set of rivals valued once.

    ``folded`` counts the deals whose value was left out: all but one of each set of rivals.
    """

    deals: int
    folded: int
    low: int
    high: int


def life_end(statuses: Sequence[tuple[str, datetime.date]], today: datetime.date) -> datetime.date:
    """The last day of a deal's life, from its live status-setting events in ledger order, each
    as (status, last day of its date): the day it became completed or failed (the first of the
    closing run, as a second source may restate the status), or ``today`` while it is open."""
    if not statuses or statuses[-1][0] not in ENDING_STATUSES:
        return today
    final, end = statuses[-1]
    for status, day in reversed(statuses):
        if status != final:
            break
        end = day
    return end


def overlap(first: Bid, second: Bid) -> bool:
    return first.start <= second.end and second.start <= first.end


def rival_sets(bids: Iterable[Bid]) -> list[list[Bid]]:
    """The bids split into sets: each set of rivals together, every other bid in a set of its own.

    Rivals on one target are linked when their lives overlap, directly or through other rivals:
    sorted by start, a bid joins the current set while it starts before that set's life ends.
    Sets come out by target, then start; bids within a set by start, then deal id.
    """
    sets: list[list[Bid]] = []
    by_target: dict[int, list[Bid]] = defaultdict(list)
    for bid in bids:
        if bid.kind in RIVAL_KINDS:
            by_target[bid.target].append(bid)
        else:
            sets.append([bid])
    for target in sorted(by_target):
        current: list[Bid] = []
        ends = datetime.date.min
        for bid in sorted(by_target[target], key=lambda b: (b.start, b.deal)):
            if current and bid.start > ends:
                sets.append(current)
                current = []
            current.append(bid)
            ends = max(ends, bid.end) if len(current) > 1 else bid.end
        if current:
            sets.append(current)
    return sets


def fold_total(bids: Iterable[Bid]) -> Total:
    """One group's total in one currency: each set of rivals adds its largest low end to the low
    total and its largest upper end to the high one (they may come from different bids)."""
    deals = folded = low = high = 0
    for members in rival_sets(bids):
        deals += len(members)
        folded += len(members) - 1
        low += max(b.low for b in members)
        high += max(b.high for b in members)
    return Total(deals, folded, low, high)
