"""Values converted into another currency (``--in CUR``) for list, show and report.

A conversion is an estimate beside the recorded value, never a replacement. Each deal converts at
the rate of the day its value event in force is dated (the period's last day for a month or a
year), or on ``--fx-on``'s date, or at the newest rates with ``--fx-on latest``. Listed deals are
converted here, a page at a time; a report's totals mostly in SQL (``dealtrack.fx_sql``).
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, Subquery, case, func, select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.fx import IDENTITY, Conversion, RateBook, conversion_day, within
from dealtrack.domain.rate_text import rate_text
from dealtrack.models import Deal, Event
from dealtrack.money import Amount, to_decimal_string
from dealtrack.queries import Filters
from dealtrack.services.parties import Notices
from dealtrack.vocabulary import VALUE_TYPES

Record = dict[str, Any]
BATCH = 500
LATEST = "latest"


@dataclass(frozen=True)
class Into:
    """``--in CUR`` and ``--fx-on DATE|latest``, and the bounds compared after conversion."""

    currency: str
    fx_on: PartialDate | str | None = None
    min_value: Amount | None = None
    max_value: Amount | None = None

    def day(self, value_day: datetime.date | None) -> datetime.date | None:
        """The day to convert on (None: the newest rates)."""
        if self.fx_on == LATEST:
            return None
        if isinstance(self.fx_on, PartialDate):
            return self.fx_on.last_day
        return conversion_day(value_day, None) if value_day is not None else None

    def bounds(self) -> tuple[int | None, int | None]:
        low = self.min_value.low if self.min_value is not None else None
        high = self.max_value
        return low, (high.high if high and high.high is not None else high.low if high else None)


def split_bounds(filters: Filters, into: Into) -> tuple[Filters, Into]:
    """Filters without their value bounds, which ``into`` then compares after conversion."""
    return (
        replace(filters, min_value=None, max_value=None),
        replace(into, min_value=filters.min_value, max_value=filters.max_value),
    )


def value_event_id(deal_id: Any, as_of: PartialDate | None) -> ScalarSelect[Any]:
    """The id of a deal's value event in force (by ``as_of``), as a correlated subquery."""
    effective = case((Event.type == "created", Deal.reported), else_=Event.on)
    query = (
        select(Event.id)
        .join(Deal, Deal.id == Event.deal_id)
        .where(Event.deal_id == deal_id, Event.type.in_(VALUE_TYPES), Event.voided.is_(False))
        .order_by(effective.desc(), Event.recorded_at.desc(), Event.id.desc())
        .limit(1)
    )
    if as_of is not None:
        query = query.where(effective <= as_of.last_day)
    return query.scalar_subquery()


def changed_value_days(as_of: PartialDate | None) -> Subquery:
    """The value date and its precision (``deal_id, day, precision``) of each deal whose value
    a ``value`` event changed, from its value event in force (by ``as_of``), ranked in SQL.

    Any other deal's value is its ``created`` event's, dated the deal's ``reported``: so a
    million deals need no lookup each, only the few whose value changed are ranked."""
    on, precision = value_day_columns(Event, Deal)
    order = (on.desc(), Event.recorded_at.desc(), Event.id.desc())
    rank = func.row_number().over(partition_by=Event.deal_id, order_by=order).label("rank")
    changed = value_changed_deals()
    query = (
        select(Event.deal_id, on.label("day"), precision.label("precision"), rank)
        .join(Deal, Deal.id == Event.deal_id)
        .where(Event.deal_id.in_(changed), Event.type.in_(VALUE_TYPES), Event.voided.is_(False))
    )
    if as_of is not None:
        query = query.where(on <= as_of.last_day)
    return query.subquery("value_day")


def value_changed_deals() -> Select[Any]:
    """The deals a live ``value`` event changed (their value date may not be ``reported``)."""
    return select(Event.deal_id).where(Event.type == "value", Event.voided.is_(False))


def value_day_columns(event: Any, deal: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The value event's date and precision (a created event's is its deal's ``reported``)."""
    created = event.type == "created"
    return (
        case((created, deal.reported), else_=event.on),
        case((created, deal.reported_precision), else_=event.on_precision),
    )


def value_days(
    session: Session, deal_ids: list[int], as_of: PartialDate | None
) -> dict[int, datetime.date]:
    """Each deal's value date: the last day of the period its value event in force is dated."""
    from sqlalchemy.orm import aliased

    event, deal = aliased(Event), aliased(Deal)
    on, precision = value_day_columns(event, deal)
    query = (
        select(deal.id, on, precision)
        .join(event, event.id == value_event_id(deal.id, as_of))
        .where(deal.id.in_(deal_ids))
    )
    return {
        deal_id: from_storage(day, kind).last_day for deal_id, day, kind in session.execute(query)
    }


def converted(
    book: RateBook, into: Into, value: Record | None, value_day: datetime.date | None
) -> Record | None:
    """``value_in {amount, high, currency, rate, rate_on, rate_source}``, or None."""
    if value is None:
        return None
    conversion = book.conversion(value["currency"], into.currency, into.day(value_day))
    if conversion is None:
        return None
    return value_in(conversion, into.currency, _hundredths(value["amount"]), _high(value))


def value_in(conversion: Conversion, currency: str, low: int, high: int | None) -> Record | None:
    amount = conversion.apply(low)
    top = conversion.apply(high) if high is not None else None
    if amount is None or (high is not None and top is None):
        return None
    return {
        "amount": to_decimal_string(amount),
        "high": to_decimal_string(top) if top is not None else None,
        "currency": currency,
        "rate": rate_text(conversion.rate),
        "rate_on": conversion.on.isoformat() if conversion.on is not None else None,
        "rate_source": conversion.source,
    }


def _hundredths(text: str) -> int:
    units, _, cents = text.partition(".")
    return int(units) * 100 + int(cents.ljust(2, "0"))


def _high(value: Record) -> int | None:
    return _hundredths(value["high"]) if value["high"] is not None else None


def with_value_in(record: Record, value: Record | None) -> Record:
    """The record with ``value_in`` right after ``value``, as the documented key order has it."""
    out: Record = {}
    for key, item in record.items():
        out[key] = item
        if key == "value":
            out["value_in"] = value
    return out


def converted_records(
    session: Session, records: Iterable[Record], into: Into, as_of: PartialDate | None
) -> Iterator[Record]:
    """Deal records with ``value_in``, a batch at a time, those outside the bounds left out."""
    from dealtrack.services.fx import rate_book

    book = rate_book(session)
    floor, ceiling = into.bounds()
    bounded = floor is not None or ceiling is not None
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH)):
        needs_day = [r["id"] for r in batch if r["value"] is not None and into.fx_on is None]
        days = value_days(session, needs_day, as_of) if needs_day else {}
        for record in batch:
            value = converted(book, into, record["value"], days.get(record["id"]))
            if bounded:
                if value is None:
                    continue
                low = _hundredths(value["amount"])
                top = _hundredths(value["high"]) if value["high"] is not None else None
                if not within(low, top, floor, ceiling):
                    continue
            yield with_value_in(record, value)


def list_deals_in(
    session: Session,
    filters: Filters,
    notices: Notices,
    into: Into,
    sort: str = "id",
    descending: bool = False,
    limit: int | None = None,
) -> Iterator[Record]:
    """``list --in CUR``: bounds and ``--sort value`` apply to the converted values, so those
    are compared here rather than in SQL."""
    from dealtrack.records import list_deals

    filters, into = split_bounds(filters, into)
    in_sql = sort != "value" and into.bounds() == (None, None)
    rows = list_deals(
        session,
        filters,
        notices,
        "id" if sort == "value" else sort,
        descending and sort != "value",
        limit if in_sql else None,
    )
    records = converted_records(session, rows, into, filters.as_of)
    if sort == "value":
        # Read in id order; a stable sort keeps it among equal values, either way round.
        ordered = sorted(records, key=_by_value, reverse=descending)
        # Unconverted and undisclosed values go last either way, as they do in one currency.
        records = iter(
            [r for r in ordered if r["value_in"] is not None]
            + [r for r in ordered if r["value_in"] is None]
        )
    return islice(records, limit) if limit is not None else records


def _by_value(record: Record) -> tuple[int, int]:
    value = record["value_in"]
    if value is None:
        return (0, 0)
    low = _hundredths(value["amount"])
    return (low, _hundredths(value["high"]) if value["high"] is not None else low)


class Conversions:
    """Values converted and rounded once each, the rate chosen once per (currency, date) and a
    date's period's last day worked out once (a few thousand dates among a million deals)."""

    def __init__(self, book: RateBook, into: Into) -> None:
        self._book = book
        self._into = into
        self.chosen: dict[tuple[Any, Any, Any], Conversion | None] = {}

    def choose(self, key: tuple[Any, Any, Any]) -> Conversion | None:
        """The conversion of ``(currency, value date, precision)``, the date a ``date`` or its
        stored text; remembered."""
        currency, day, kind = key
        last_day = None
        if day is not None:
            start = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day)
            # A day is its own period's last day (most values are dated to the day).
            last_day = start if kind == "day" else from_storage(start, kind).last_day
        conversion = self.chosen[key] = self._book.conversion(
            currency, self._into.currency, self._into.day(last_day)
        )
        return conversion

    def convert(
        self, currency: str, day: Any, kind: Any, amount: int, high: int | None
    ) -> tuple[int, int] | None:
        """The amount and high converted and rounded once each, or None without a rate."""
        key = (currency, day, kind)
        conversion = self.chosen[key] if key in self.chosen else self.choose(key)
        if conversion is None:
            return None
        if conversion is IDENTITY:
            return amount, high if high is not None else amount
        low = conversion.apply(amount)
        top = conversion.apply(high) if high is not None else low
        if low is None or top is None:
            return None
        return low, top
