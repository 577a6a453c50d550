"""``report --in CUR``: one total per group in one currency, and the deals that had no rate.

The groups are ``report``'s own (the same SQL gathers each deal's group and value). What needs
no rate is counted and summed in SQL, as ``report`` does: values already in the currency, values
of a currency no rate could ever convert, undisclosed values. Every other valued deal is
converted at its own date's rate, rounded once, and the rounded amounts added: in SQL
(``dealtrack.fx_sql``), but for the few the database cannot convert exactly; here, one by one,
with ``--fx-on`` or with ``--min-value``/``--max-value`` (every valued deal, each compared after
conversion). A deal's value date is its ``reported`` date, read from its own row, unless a
``value`` event changed its value: only those deals have their value event in force looked up.
Rival bids fold after conversion, so two bids priced in different currencies count once, at the
larger. A deal whose currency had no rate near its date is counted under ``unconverted``: never
dropped, never guessed.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Select, String, Subquery, null, select, type_coerce
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate
from dealtrack.domain.fx import RateBook, within
from dealtrack.domain.rivals import Bid, fold_total
from dealtrack.fx_sql import beyond_limit, converted_totals, drop_day_rates, fill_day_rates
from dealtrack.fx_values import (
    BATCH,
    Conversions,
    Into,
    changed_value_days,
    split_bounds,
    value_changed_deals,
    value_days,
)
from dealtrack.money import to_decimal_string
from dealtrack.queries import Filters
from dealtrack.reports import (
    _default_order,
    _label,
    _members,
    _months,
    _rival_bids,
    _sub,
    _totals,
    _value_order,
)
from dealtrack.services.parties import Notices

Record = dict[str, Any]
GroupKey = tuple[Any, Any]  # (group, month or NULL)
Changed = dict[int, tuple[Any, Any]]  # a changed value's date and precision, by deal id


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
    members = _members(session, by, filters, notices)
    bids = _rival_bids(session, members, filters.as_of)
    book = rate_book(session)
    groups: dict[GroupKey, _Group] = defaultdict(_Group)
    conversions = Conversions(book, into)
    if into.bounds() == (None, None):
        counts = _sum_in_sql(session, members, book, into.currency, groups)
        if counts and into.fx_on is None:
            _convert_in_sql(session, members, by, book, into, filters.as_of, counts, groups)
        elif counts:
            query = _valued_deals(members, into, [_of(members, counts)])
            _add_converted(groups, _rows(session, query), {}, conversions)
    else:
        changed = _changed_days(session, into, filters.as_of)
        query = _valued_deals(members, into, [])
        _add_within(groups, _rows(session, query), changed, conversions, *into.bounds())
    _fold_rivals(groups, bids, _converted_bids(session, book, into, bids, filters.as_of))
    records = [_record(by, key, group, into.currency) for key, group in groups.items()]
    ordered = sorted(records, key=lambda g: _default_order(by, g["group"], g["deals"]))
    if sort == "count":
        ordered.sort(key=lambda g: -g["deals"])
    elif sort == "value":
        ordered.sort(key=_value_order)
    return ordered[:limit] if limit is not None else ordered


def _sum_in_sql(
    session: Session,
    members: Subquery,
    book: RateBook,
    currency: str,
    groups: dict[GroupKey, _Group],
) -> dict[str, int]:
    """Count every deal, and total those that need no rate, as plain ``report`` does in SQL:
    values already in ``currency`` add as they are, and a currency no rate of any date could
    convert is all unconverted. The deals of each currency left, which convert one by one."""
    left: dict[str, int] = defaultdict(int)
    for grp, sub, held, deals, amount, high in _totals(session, members):
        group = groups[(grp, sub)]
        group.deals += deals
        if held is None:
            continue
        if held == currency:
            group.priced += deals
            group.amount += int(amount)
            group.high += int(high)
        elif book.reaches(held, currency):
            left[held] += deals
        else:
            group.unconverted[held] += deals
    return left


def _of(members: Subquery, counts: dict[str, int]) -> Any:
    return members.c.currency.in_(sorted(counts))


def _convert_in_sql(
    session: Session,
    members: Subquery,
    by: str,
    book: RateBook,
    into: Into,
    as_of: PartialDate | None,
    counts: dict[str, int],
    groups: dict[GroupKey, _Group],
) -> None:
    """Convert, round and add up the deals of ``counts``' currencies in SQL, each at its own
    day's rate (``dealtrack.fx_sql``); the few it cannot are converted here."""
    changed = _changed_days(session, into, as_of)
    conversions = Conversions(book, into)
    kept = converting(members, by, counts, {grp for grp, _ in groups})
    if changed:
        kept.append(members.c.deal_id.not_in(value_changed_deals()))
    keys = fill_day_rates(session, members, book, counts, into.currency)
    try:
        head = (members.c.grp, _sub(members), members.c.currency)
        grouped = (members.c.grp, *_months(members), members.c.currency)
        try:
            # A savepoint, so a sum past 64 bits leaves the surrounding transaction usable.
            with session.begin_nested():
                totals = session.execute(converted_totals(members, keys, head, grouped, kept)).all()
        except DBAPIError as error:
            if "overflow" not in str(error.orig).lower():
                raise
            _add_converted(
                groups, _rows(session, _valued_deals(members, into, kept)), {}, conversions
            )
            totals = []
        beyond = 0
        for grp, sub, currency, deals, rated, converted, amount, wider in totals:
            group = groups[(grp, sub)]
            group.priced += converted
            group.amount += int(amount or 0)
            group.high += int(amount or 0) + int(wider or 0)
            if deals > rated:
                group.unconverted[currency] += deals - rated
            beyond += rated - converted
        if beyond:
            query = beyond_limit(members, keys, _valued_columns(members), kept)
            _add_converted(groups, _rows(session, query), {}, conversions)
    finally:
        drop_day_rates(session)
    if changed:
        only = [_of(members, counts), members.c.deal_id.in_(value_changed_deals())]
        _add_converted(
            groups, _rows(session, _valued_deals(members, into, only)), changed, conversions
        )


def converting(members: Subquery, by: str, counts: dict[str, int], held: set[Any]) -> list[Any]:
    """The members SQL converts: those of ``counts``' currencies. By status, also those of the
    ``held`` statuses (all the ledger has): the covering index leads with the status, so SQLite
    then seeks each (status, currency) run of it, skipping the currencies that need no rate,
    instead of reading every deal's entry and testing its currency."""
    kept = [_of(members, counts)]
    if by == "status":
        kept.append(members.c.grp.in_(sorted(held)))
    return kept


def _rows(session: Session, query: Select[Any]) -> Iterator[Any]:
    """The query's rows as plain tuples: a million rows through the result's own bookkeeping
    cost seconds. pysqlite reads as it goes, so its cursor is read directly; elsewhere the rows
    are fetched (from a server-side cursor) thousands at a time."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        result = connection.execute(query)
        try:
            while rows := result.cursor.fetchmany(10_000):
                yield from rows
        finally:
            result.close()
        return
    # On the statement: the connection's own options would stream its later DDL too.
    streamed = connection.execute(query.execution_options(yield_per=10_000))
    for rows in streamed.partitions():
        yield from rows


def _add_converted(
    groups: dict[GroupKey, _Group],
    rows: Iterable[Any],
    changed: Changed,
    conversions: "Conversions",
) -> None:
    """Add each deal's converted amount to its group (the deals were counted in SQL). The
    million-row loop: a dict lookup for the rate and integer arithmetic a deal."""
    chosen, choose = conversions.chosen, conversions.choose
    for deal_id, grp, sub, currency, day, kind, amount, high in rows:
        if changed and deal_id in changed:
            day, kind = changed[deal_id]
        key = (currency, day, kind)
        conversion = chosen[key] if key in chosen else choose(key)
        group = groups[(grp, sub)]
        if conversion is None:
            group.unconverted[currency] += 1
            continue
        low = conversion.apply(amount)
        top = low if high is None else conversion.apply(high)
        if low is None or top is None:
            group.unconverted[currency] += 1
            continue
        group.priced += 1
        group.amount += low
        group.high += top


def _add_within(
    groups: dict[GroupKey, _Group],
    rows: Iterable[Any],
    changed: Changed,
    conversions: "Conversions",
    floor: int | None,
    ceiling: int | None,
) -> None:
    """Count and add the deals whose converted value meets ``--min-value``/``--max-value``."""
    for deal_id, grp, sub, currency, day, kind, amount, high in rows:
        if amount is None:
            continue
        if deal_id in changed:
            day, kind = changed[deal_id]
        pair = conversions.convert(currency, day, kind, amount, high)
        if pair is None or not within(*pair, floor, ceiling):
            continue
        group = groups[(grp, sub)]
        group.deals += 1
        group.priced += 1
        group.amount += pair[0]
        group.high += pair[1]


def _valued_columns(members: Subquery) -> list[Any]:
    """``(deal, group, month, currency, value date, precision, amount, high)``: dates as the
    driver gives them (no conversion a row): a few thousand distinct ones are worked out once
    each."""
    return [
        members.c.deal_id,
        members.c.grp,
        _sub(members),
        members.c.currency,
        type_coerce(members.c.reported, String),
        members.c.reported_precision,
        members.c.amount,
        members.c.high,
    ]


def _valued_deals(members: Subquery, into: Into, where: list[Any]) -> Select[Any]:
    """Every member (meeting ``where``) with its value and ``reported`` date, read in table
    order (no sort); no date with ``--fx-on``."""
    columns = _valued_columns(members)
    if into.fx_on is not None:
        columns[4:6] = [null(), null()]
    return select(*columns).where(*where)


def _changed_days(session: Session, into: Into, as_of: PartialDate | None) -> Changed:
    """The value date and precision of the deals a ``value`` event changed: any other deal is
    valued on its ``reported`` date, so only these few have their value event in force
    ranked, once. None are needed with ``--fx-on``."""
    if into.fx_on is not None:
        return {}
    ranked = changed_value_days(as_of)
    changed = session.execute(
        select(ranked.c.deal_id, type_coerce(ranked.c.day, String), ranked.c.precision).where(
            ranked.c.rank == 1
        )
    )
    return {deal_id: (day, kind) for deal_id, day, kind in changed}


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
    conversions = Conversions(book, into)
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
