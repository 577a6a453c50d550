"""``report --in CUR``: one total per group in one currency, and the deals that had no rate.

The groups are ``report``'s own (the same SQL gathers each deal's group and value); each valued
deal is then converted here at its own date's rate, rounded once, and the rounded amounts added.
Rival bids fold after conversion, so two bids priced in different currencies count once, at the
larger. A deal whose currency had no rate near its date is counted under ``unconverted``: never
dropped, never guessed.
"""

import datetime
from collections import defaultdict
from typing import Any

from sqlalchemy import Select, Subquery, and_, func, null, select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.fx import RateBook, within
from dealtrack.domain.rivals import Bid, fold_total
from dealtrack.fx_values import BATCH, Into, split_bounds, value_days, value_days_in_force
from dealtrack.money import to_decimal_string
from dealtrack.queries import Filters
from dealtrack.reports import (
    _default_order,
    _label,
    _members,
    _months,
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
    days = _LastDays()
    for grp, sub, currency, day, kind, amount, high, count in session.connection().execute(
        _alike_deals(members, into, filters.as_of)
    ):
        if amount is None:
            if not bounded:
                groups[(grp, sub)].deals += count
            continue
        pair = _convert(book, into, currency, days.last_day(day, kind), amount, high)
        if pair is None:
            if not bounded:
                group = groups[(grp, sub)]
                group.deals += count
                group.unconverted[currency] += count
            continue
        low, top = pair
        if not within(low, top, floor, ceiling):
            continue
        group = groups[(grp, sub)]
        group.deals += count
        group.priced += count
        # Alike deals round alike: each deal's rounded amount, added ``count`` times.
        group.amount += low * count
        group.high += top * count
    _fold_rivals(groups, bids, _converted_bids(session, book, into, bids, filters.as_of))
    records = [_record(by, key, group, into.currency) for key, group in groups.items()]
    ordered = sorted(records, key=lambda g: _default_order(by, g["group"], g["deals"]))
    if sort == "count":
        ordered.sort(key=lambda g: -g["deals"])
    elif sort == "value":
        ordered.sort(key=_value_order)
    return ordered[:limit] if limit is not None else ordered


def _alike_deals(members: Subquery, into: Into, as_of: PartialDate | None) -> Select[Any]:
    """``(group, month, currency, value date, precision, amount, high, deals)``: deals that
    convert alike counted together in SQL, so each distinct value is converted once. The value
    date is needed only when each deal converts at its own date's rates."""
    sub = _sub(members)
    if into.fx_on is not None:
        day: Any = null()
        kind: Any = null()
        query = select(members)
    else:
        dated = value_days_in_force(as_of)
        day, kind = dated.c.day, dated.c.precision
        query = select(members).outerjoin(
            dated, and_(dated.c.deal_id == members.c.deal_id, dated.c.rank == 1)
        )
    alike = (members.c.grp, *_months(members), members.c.currency, members.c.amount)
    columns = (*alike, members.c.high, *((day, kind) if into.fx_on is None else ()))
    return query.with_only_columns(
        members.c.grp,
        sub,
        members.c.currency,
        day,
        kind,
        members.c.amount,
        members.c.high,
        func.count(),
    ).group_by(*columns)


class _LastDays:
    """A value date's period's last day, worked out once per date (a few thousand dates
    among a million deals)."""

    def __init__(self) -> None:
        self._days: dict[tuple[Any, Any], datetime.date | None] = {}

    def last_day(self, day: Any, kind: Any) -> datetime.date | None:
        if day is None:
            return None
        key = (day, kind)
        found = self._days.get(key)
        if found is None:
            found = self._days[key] = from_storage(day, kind).last_day
        return found


def _convert(
    book: RateBook,
    into: Into,
    currency: str,
    last_day: datetime.date | None,
    amount: int,
    high: int | None,
) -> tuple[int, int] | None:
    """The amount and high converted and rounded once each, or None without a rate."""
    conversion = book.conversion(currency, into.currency, into.day(last_day))
    if conversion is None:
        return None
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
    if into.fx_on is None:
        for start in range(0, len(ids), BATCH):
            dates.update(value_days(session, ids[start : start + BATCH], as_of))
    converted = {}
    for deal_id in ids:
        bid = values[deal_id]
        pair = _convert(book, into, currencies[deal_id], dates.get(deal_id), bid.low, bid.high)
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
