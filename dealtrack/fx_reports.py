"""``report --in CUR``: one total per group in one currency, and the deals that had no rate.

The groups are ``report``'s own (the same SQL gathers each deal's group and value); each valued
deal is then converted here at its own date's rate, rounded once, and the rounded amounts added.
A deal's value date is its ``reported`` date, read from its own row, unless a ``value`` event
changed its value: only those deals have their value event in force looked up.
Rival bids fold after conversion, so two bids priced in different currencies count once, at the
larger. A deal whose currency had no rate near its date is counted under ``unconverted``: never
dropped, never guessed.
"""

import datetime
from collections import defaultdict
from typing import Any

from sqlalchemy import Select, Subquery, and_, null, select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.fx import IDENTITY, Conversion, RateBook, within
from dealtrack.domain.rivals import Bid, fold_total
from dealtrack.fx_values import BATCH, Into, changed_value_days, split_bounds, value_days
from dealtrack.money import to_decimal_string
from dealtrack.queries import Filters
from dealtrack.reports import (
    _default_order,
    _label,
    _members,
    _rival_bids,
    _sub,
    _value_order,
)
from dealtrack.services.parties import Notices

Record = dict[str, Any]
GroupKey = tuple[Any, Any]  # (group, month or NULL)


class _Group:
    __slots__ = ("amount", "deals", "folded", "high", "priced", "unconverted")

    def __init__(self) -> None:
        self.deals = self.priced = self.amount = self.high = self.folded = 0
        self.unconverted: dict[str, int] = defaultdict(int)


def build_report_in(
    session: Session,
    by: str,
    filters: Filters,
    notices: Notices,
    into: Into,
    sort: str | None = None,
    limit: int | None = None,
) -> list[Record]:
    """``[{group, deals, totals [{currency, deals, folded, amount, high}], unconverted
    [{currency, deals}]}]``, ``totals`` holding the one total in ``into.currency``."""
    from dealtrack.services.fx import rate_book

    filters, into = split_bounds(filters, into)
    floor, ceiling = into.bounds()
    bounded = floor is not None or ceiling is not None
    members = _members(session, by, filters, notices)
    bids = _rival_bids(session, members, filters.as_of)
    book = rate_book(session)
    groups: dict[GroupKey, _Group] = defaultdict(_Group)
    conversions = _Conversions(book, into)
    for query in _valued_deals(members, into, filters.as_of):
        rows = session.connection().execution_options(stream_results=True).execute(query)
        for grp, sub, currency, day, kind, amount, high in rows:
            if amount is None:
                if not bounded:
                    groups[(grp, sub)].deals += 1
                continue
            pair = conversions.convert(currency, day, kind, amount, high)
            if pair is None:
                if not bounded:
                    group = groups[(grp, sub)]
                    group.deals += 1
                    group.unconverted[currency] += 1
                continue
            low, top = pair
            if bounded and not within(low, top, floor, ceiling):
                continue
            group = groups[(grp, sub)]
            group.deals += 1
            group.priced += 1
            group.amount += low
            group.high += top
    _fold_rivals(groups, bids, _converted_bids(session, book, into, bids, filters.as_of))
    records = [_record(by, key, group, into.currency) for key, group in groups.items()]
    ordered = sorted(records, key=lambda g: _default_order(by, g["group"], g["deals"]))
    if sort == "count":
        ordered.sort(key=lambda g: -g["deals"])
    elif sort == "value":
        ordered.sort(key=_value_order)
    return ordered[:limit] if limit is not None else ordered


def _valued_deals(members: Subquery, into: Into, as_of: PartialDate | None) -> list[Select[Any]]:
    """``(group, month, currency, value date, precision, amount, high)`` for every member, read
    in table order (no sort). A deal whose value no ``value`` event changed is valued on its
    ``reported`` date, read from its own row; only the few changed deals have their value
    event in force ranked. The date is not needed at all with ``--fx-on``."""
    values = (members.c.amount, members.c.high)
    if into.fx_on is not None:
        return [select(members.c.grp, _sub(members), members.c.currency, null(), null(), *values)]
    changed = changed_value_days(as_of)
    head = (members.c.grp, _sub(members), members.c.currency)
    return [
        select(*head, members.c.reported, members.c.reported_precision, *values).where(
            members.c.deal_id.not_in(select(changed.c.deal_id))
        ),
        select(*head, changed.c.day, changed.c.precision, *values).join(
            changed, and_(changed.c.deal_id == members.c.deal_id, changed.c.rank == 1)
        ),
    ]


class _Conversions:
    """Values converted and rounded once each, the rate chosen once per (currency, date) and a
    date's period's last day worked out once (a few thousand dates among a million deals)."""

    def __init__(self, book: RateBook, into: Into) -> None:
        self._book = book
        self._into = into
        self._chosen: dict[tuple[Any, Any, Any], Conversion | None] = {}

    def convert(
        self, currency: str, day: Any, kind: Any, amount: int, high: int | None
    ) -> tuple[int, int] | None:
        """The amount and high converted and rounded once each, or None without a rate."""
        key = (currency, day, kind)
        try:
            conversion = self._chosen[key]
        except KeyError:
            last_day = from_storage(day, kind).last_day if day is not None else None
            conversion = self._chosen[key] = self._book.conversion(
                currency, self._into.currency, self._into.day(last_day)
            )
        if conversion is None:
            return None
        if conversion is IDENTITY:
            return amount, high if high is not None else amount
        low = conversion.apply(amount)
        top = conversion.apply(high) if high is not None else low
        if low is None or top is None:
            return None
        return low, top


def _converted_bids(
    session: Session,
    book: RateBook,
    into: Into,
    bids: dict[tuple[Any, Any, str], list[Bid]],
    as_of: PartialDate | None,
) -> dict[int, tuple[int, int]]:
    """The rival bids' converted (amount, high), each at its own value date, those without a
    rate or outside the bounds left out: the few deals a total might fold."""
    floor, ceiling = into.bounds()
    currencies = {bid.deal: currency for (_, _, currency), group in bids.items() for bid in group}
    values = {bid.deal: bid for group in bids.values() for bid in group}
    ids = sorted(values)
    dates: dict[int, datetime.date] = {}
    conversions = _Conversions(book, into)
    if into.fx_on is None:
        for start in range(0, len(ids), BATCH):
            dates.update(value_days(session, ids[start : start + BATCH], as_of))
    converted = {}
    for deal_id in ids:
        bid = values[deal_id]
        day = dates.get(deal_id)
        # A day's own precision: the date already is its period's last day.
        pair = conversions.convert(currencies[deal_id], day, "day", bid.low, bid.high)
        if pair is not None and within(*pair, floor, ceiling):
            converted[deal_id] = pair
    return converted


def _fold_rivals(
    groups: dict[GroupKey, _Group],
    bids: dict[tuple[Any, Any, str], list[Bid]],
    converted: dict[int, tuple[int, int]],
) -> None:
    """Each set of rival bids in a group adds only its largest converted value."""
    by_group: dict[GroupKey, list[Bid]] = defaultdict(list)
    for (grp, sub, _), group_bids in bids.items():
        for bid in group_bids:
            if bid.deal in converted:
                low, high = converted[bid.deal]
                by_group[(grp, sub)].append(
                    Bid(bid.deal, bid.target, bid.kind, bid.start, bid.end, low, high)
                )
    for key, candidates in by_group.items():
        group = groups[key]
        total = fold_total(candidates)
        group.amount += total.low - sum(b.low for b in candidates)
        group.high += total.high - sum(b.high for b in candidates)
        group.folded = total.folded


def _record(by: str, key: GroupKey, group: _Group, currency: str) -> Record:
    totals = []
    if group.priced:
        totals.append(
            {
                "currency": currency,
                "deals": group.priced,
                "folded": group.folded,
                "amount": to_decimal_string(group.amount),
                "high": to_decimal_string(group.high),
            }
        )
    return {
        "group": _label(by, *key),
        "deals": group.deals,
        "totals": totals,
        "unconverted": [{"currency": c, "deals": n} for c, n in sorted(group.unconverted.items())],
    }
