"""``report --in CUR``: one total per group in one currency, and the deals that had no rate.

The groups are ``report``'s own (the same SQL gathers each deal's group and value); each valued
deal is then converted here at its own date's rate, rounded once, and the rounded amounts added.
Rival bids fold after conversion, so two bids priced in different currencies count once, at the
larger. A deal whose currency had no rate near its date is counted under ``unconverted``: never
dropped, never guessed.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dealtrack.dates import from_storage
from dealtrack.domain.fx import within
from dealtrack.domain.rivals import Bid, fold_total
from dealtrack.fx_values import Into, split_bounds, value_day_columns, value_event_id
from dealtrack.models import Deal, Event
from dealtrack.money import to_decimal_string
from dealtrack.queries import Filters
from dealtrack.reports import _default_order, _label, _members, _rival_bids, _sub, _value_order
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
    members = _members(session, by, filters, notices)
    bids = _rival_bids(session, members, filters.as_of)
    candidates = {bid.deal for group in bids.values() for bid in group}
    book = rate_book(session)
    event, deal = aliased(Event), aliased(Deal)
    on, precision = value_day_columns(event, deal)
    query = (
        select(
            members.c.grp,
            _sub(members),
            members.c.deal_id,
            members.c.currency,
            members.c.amount,
            members.c.high,
            on,
            precision,
        )
        .outerjoin(deal, deal.id == members.c.deal_id)
        .outerjoin(event, event.id == value_event_id(members.c.deal_id, filters.as_of))
    )
    groups: dict[GroupKey, _Group] = defaultdict(_Group)
    converted: dict[int, tuple[int, int]] = {}
    days: dict[tuple[Any, str], Any] = {}  # a few thousand dates among a million deals
    for grp, sub, deal_id, currency, amount, high, day, kind in session.connection().execute(query):
        if amount is None:
            if floor is None and ceiling is None:
                groups[(grp, sub)].deals += 1
            continue
        last_day = None
        if into.fx_on is None:
            last_day = days.get((day, kind))
            if last_day is None:
                last_day = days[(day, kind)] = from_storage(day, kind).last_day
        conversion = book.conversion(currency, into.currency, into.day(last_day))
        low = conversion.apply(amount) if conversion is not None else None
        top = conversion.apply(high) if conversion is not None and high is not None else low
        if low is None or top is None:
            if floor is None and ceiling is None:
                group = groups[(grp, sub)]
                group.deals += 1
                group.unconverted[currency] += 1
            continue
        if not within(low, top, floor, ceiling):
            continue
        group = groups[(grp, sub)]
        group.deals += 1
        group.priced += 1
        group.amount += low
        group.high += top
        if deal_id in candidates:
            converted[deal_id] = (low, top)
    _fold_rivals(groups, bids, converted)
    records = [_record(by, key, group, into.currency) for key, group in groups.items()]
    ordered = sorted(records, key=lambda g: _default_order(by, g["group"], g["deals"]))
    if sort == "count":
        ordered.sort(key=lambda g: -g["deals"])
    elif sort == "value":
        ordered.sort(key=_value_order)
    return ordered[:limit] if limit is not None else ordered


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
