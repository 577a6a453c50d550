"""``report``: deal counts and value totals by group, one total per currency, aggregated in SQL.

Amounts in different currencies are never added, and rival bids for one target are counted once
(their largest value): SQL sums every group, then the few deals that share a target are folded in
Python by the domain's rule and their plain sums swapped for the folded ones. SQLite raises on a
64-bit overflow in ``sum()``; the totals are then recomputed exactly in Python, streaming the
amounts.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy import Select, and_, case, extract, func, literal, null, select, union
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import Subquery

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.rivals import RIVAL_KINDS, Bid, fold_total, life_end
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.money import to_decimal_string
from dealtrack.queries import Filters, conditions, state_of_deals, with_state
from dealtrack.services.parties import Notices
from dealtrack.statuses import STATUSES
from dealtrack.vocabulary import KINDS, NO_GROUP, PARTY_GROUPINGS, STATUS_TYPES

Record = dict[str, Any]


def _members(session: Session, by: str, filters: Filters, notices: Notices) -> Subquery:
    """One row per (deal, group) with the deal's value: a deal may sit in several party groups."""
    state = state_of_deals(filters.as_of)
    group: Any
    base = with_state(
        select(
            Deal.id.label("deal_id"),
            state.c.amount,
            state.c.high,
            state.c.currency,
            # What the rival rule needs; only the few deals that share a target read them.
            Deal.target_id,
            Deal.kind,
            Deal.reported,
            # A deal's value date when its value was never changed (for ``--in``).
            Deal.reported_precision,
        ),
        state,
    )
    where = conditions(session, filters, state, notices)
    if by in ("acquirer", "seller", "adviser", "backer"):
        participant = (
            select(Participant.deal_id, Party.name)
            .join(Party, Party.id == Participant.party_id)
            .where(Participant.role == by)
            .subquery()
        )
        query = base.add_columns(func.coalesce(participant.c.name, NO_GROUP).label("grp"))
        return (
            query.outerjoin(participant, participant.c.deal_id == Deal.id).where(*where).subquery()
        )
    if by == "country":
        target = aliased(Party)
        query = base.add_columns(func.coalesce(target.country, NO_GROUP).label("grp"))
        return query.join(target, target.id == Deal.target_id).where(*where).subquery()
    if by == "source":
        # A deal counts under each outlet its live events cite (by --as-of's date, if given).
        cited = select(Event.deal_id, Event.source_outlet.label("outlet")).where(
            Event.voided.is_(False), Event.source_outlet.is_not(None)
        )
        if filters.as_of is not None:
            cited = cited.where(Event.on <= filters.as_of.last_day)
        outlets = cited.distinct().subquery()
        query = base.add_columns(func.coalesce(outlets.c.outlet, NO_GROUP).label("grp"))
        return query.outerjoin(outlets, outlets.c.deal_id == Deal.id).where(*where).subquery()
    if by in ("target", "party"):
        named = select(Deal.id.label("deal_id"), Deal.target_id.label("party_id"))
        if by == "party":
            named = union(named, select(Participant.deal_id, Participant.party_id))  # type: ignore[assignment]
        links = named.subquery()
        query = base.add_columns(Party.name.label("grp"))
        return (
            query.join(links, links.c.deal_id == Deal.id)
            .join(Party, Party.id == links.c.party_id)
            .where(*where)
            .subquery()
        )
    if by == "month":
        month = case(
            (Deal.reported_precision == "year", literal(0)), else_=extract("month", Deal.reported)
        )
        query = base.add_columns(extract("year", Deal.reported).label("grp"), month.label("sub"))
        return query.where(*where).subquery()
    group = {
        "status": state.c.status,
        "kind": Deal.kind,
        "year": extract("year", Deal.reported),
        "currency": func.coalesce(state.c.currency, ""),
    }[by]
    return base.add_columns(group.label("grp")).where(*where).subquery()


def _sub(members: Subquery) -> Any:
    """The month of a ``--by month`` group, else NULL.

    Only months have the column: grouping by a constant too would cost a sort, as SQLite then
    no longer reads the groups in index order.
    """
    return members.c.sub if "sub" in members.c else null()


def _months(members: Subquery) -> list[Any]:
    """The month column to group or order by, for ``--by month`` only (PostgreSQL refuses a
    constant there)."""
    return [members.c.sub] if "sub" in members.c else []


def _label(by: str, group: Any, sub: Any | None) -> str:
    if by == "year":
        return f"{int(group):04d}"
    if by == "month":
        return f"{int(group):04d}" + (f"-{int(sub):02d}" if sub else "")
    return str(group)


def _totals(
    session: Session, members: Subquery
) -> Iterable[tuple[Any, Any, str | None, int, int, int]]:
    sub = _sub(members)
    query: Select[Any] = select(
        members.c.grp,
        sub,
        members.c.currency,
        func.count(),
        func.sum(members.c.amount),
        func.sum(func.coalesce(members.c.high, members.c.amount)),
    ).group_by(members.c.grp, *_months(members), members.c.currency)
    try:
        # A savepoint, so the failed sum leaves the surrounding transaction usable.
        with session.begin_nested():
            return session.execute(query).all()
    except DBAPIError as error:
        if "overflow" not in str(error.orig).lower():
            raise
        return _exact_totals(session, members)


def _exact_totals(
    session: Session, members: Subquery
) -> list[tuple[Any, Any, str | None, int, int, int]]:
    """The same rows as ``_totals`` past 64 bits, summed exactly in Python as amounts stream by."""
    sums: dict[tuple[Any, Any, str | None], list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = select(
        members.c.grp, _sub(members), members.c.currency, members.c.amount, members.c.high
    )
    for grp, sub, currency, amount, high in session.execute(rows):
        entry = sums[(grp, sub, currency)]
        entry[0] += 1
        if amount is not None:
            entry[1] += amount
            entry[2] += high if high is not None else amount
    return [(g, s, c, n, low, high) for (g, s, c), (n, low, high) in sums.items()]


GroupKey = tuple[Any, Any, str]  # (group, month or NULL, currency)


def _rival_bids(
    session: Session, members: Subquery, as_of: PartialDate | None
) -> dict[GroupKey, list[Bid]]:
    """The valued acquisitions, mergers and asset sales whose target has another deal, by group
    and currency: the only deals a total might fold. Other deals never meet a rival, so the SQL
    sums stand for them; a target's deals are found through its index, read alone."""
    shared = select(Deal.target_id).group_by(Deal.target_id).having(func.count() > 1)
    effective = case((Event.type == "created", members.c.reported), else_=Event.on)
    precision = case((Event.type == "created", Deal.reported_precision), else_=Event.on_precision)
    query = (
        select(
            members.c.grp,
            _sub(members),
            members.c.currency,
            members.c.deal_id,
            members.c.target_id,
            members.c.kind,
            members.c.reported,
            members.c.amount,
            func.coalesce(members.c.high, members.c.amount),
            Event.status,
            effective,
            precision,
        )
        .join(Deal, Deal.id == members.c.deal_id)
        .join(
            Event,
            and_(
                Event.deal_id == members.c.deal_id,
                Event.type.in_(STATUS_TYPES),
                Event.voided.is_(False),
            ),
        )
        .where(
            members.c.kind.in_(RIVAL_KINDS),
            members.c.amount.is_not(None),
            members.c.target_id.in_(shared),
        )
        .order_by(members.c.grp, *_months(members), members.c.currency, members.c.deal_id)
        .order_by(effective, Event.recorded_at, Event.id)
    )
    today = datetime.date.today()
    if as_of is not None:
        query = query.where(effective <= as_of.last_day)
        today = min(today, as_of.last_day)
    last_days: dict[tuple[datetime.date, str], datetime.date] = {}  # few dates, many deals
    bids: dict[GroupKey, list[Bid]] = defaultdict(list)
    # Plain rows (no ORM), one per status-setting event, a deal's events together and in order.
    for (grp, sub, currency, deal_id), events in groupby(
        session.connection().execute(query), key=lambda row: tuple(row[:4])
    ):
        rows = list(events)
        statuses = []
        for *_, status, on, on_precision in rows:
            last_day = last_days.get((on, on_precision))
            if last_day is None:
                last_day = last_days[(on, on_precision)] = from_storage(on, on_precision).last_day
            statuses.append((status, last_day))
        target, kind, reported, low, high = rows[0][4:9]
        # A stored date is its period's first day, where a life starts.
        end = life_end(statuses, today)
        bids[(grp, sub, currency)].append(
            Bid(deal_id, target, kind, reported, end, int(low), int(high))
        )
    return bids


def _folded(
    totals: Iterable[tuple[Any, Any, str | None, int, int, int]], bids: dict[GroupKey, list[Bid]]
) -> list[tuple[Any, Any, str | None, int, int, int, int]]:
    """The SQL totals with each set of rivals counted once: the candidates' plain sums are
    swapped for their folded total (``folded`` is added to each row)."""
    result = []
    for grp, sub, currency, deals, amount, high in totals:
        candidates = bids.get((grp, sub, currency), []) if currency is not None else []
        if not candidates:
            result.append((grp, sub, currency, deals, amount, high, 0))
            continue
        total = fold_total(candidates)
        amount += total.low - sum(b.low for b in candidates)
        high += total.high - sum(b.high for b in candidates)
        result.append((grp, sub, currency, deals, amount, high, total.folded))
    return result


def _default_order(by: str, label: str, deals: int) -> tuple[Any, ...]:
    if label == NO_GROUP:
        return (1,)  # after every named group
    if by == "status":
        return (0, STATUSES.index(label) if label in STATUSES else len(STATUSES))
    if by == "kind":
        return (0, KINDS.index(label) if label in KINDS else len(KINDS))
    if by in (*PARTY_GROUPINGS, "source"):
        return (0, -deals, label.casefold())
    return (0, label)


def build_report(
    session: Session,
    by: str,
    filters: Filters,
    notices: Notices,
    sort: str | None = None,
    limit: int | None = None,
) -> list[Record]:
    """``[{group, deals, totals [{currency, deals, folded, amount, high}]}]`` in the requested
    order; each set of rival bids in a group adds only its largest value (``dealtrack.domain.rivals``)."""
    members = _members(session, by, filters, notices)
    totals = _folded(_totals(session, members), _rival_bids(session, members, filters.as_of))
    groups: dict[str, Record] = {}
    # One pass: a row per (group, currency), undisclosed values under a NULL currency; a deal sits
    # once in each of its groups, so a group's deals are the sum of its rows' counts.
    for grp, sub, currency, deals, amount, high, folded in sorted(totals, key=lambda t: t[2] or ""):
        label = _label(by, grp, sub)
        group = groups.setdefault(label, {"group": label, "deals": 0, "totals": []})
        group["deals"] += deals
        if currency is None:
            continue
        group["totals"].append(
            {
                "currency": currency,
                "deals": deals,
                "folded": folded,
                "amount": to_decimal_string(int(amount)),
                "high": to_decimal_string(int(high)),
            }
        )
    ordered = sorted(groups.values(), key=lambda g: _default_order(by, g["group"], g["deals"]))
    if sort == "count":
        ordered.sort(key=lambda g: -g["deals"])
    elif sort == "value":
        ordered.sort(key=_value_order)
    return ordered[:limit] if limit is not None else ordered


def _value_order(group: Record) -> tuple[Any, ...]:
    """Like ``list --sort value``: by currency, then the largest total first; no value last."""
    if not group["totals"]:
        return (1, "", 0)
    first = group["totals"][0]
    return (0, first["currency"], -Decimal(first["amount"]))
