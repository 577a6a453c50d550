"""FILTERS → ``select()``: the one translation shared by list, report, export and history.

Without ``--as-of`` a deal's state is its cached row; with it, the state is the last live event of
each kind on or before the date, ranked in SQL with window functions so large ledgers stay fast.
"""

import datetime
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import FromClause, Subquery

from dealtrack.dates import PartialDate
from dealtrack.deal_details import deals_naming_as_of
from dealtrack.filters import Filters as Filters  # where the readers import it from
from dealtrack.models import Alias, Deal, Event, Participant, Party
from dealtrack.names import name_key
from dealtrack.services.parties import Notices, closest_parties
from dealtrack.statuses import STATUSES, lifecycle_rank
from dealtrack.vocabulary import STATUS_TYPES, UPDATE_TYPES, VALUE_TYPES


def _ranked(types: tuple[str, ...], as_of: datetime.date, *columns: Any) -> Subquery:
    """Each deal's live events of these types on or before ``as_of``, latest first as ``rank`` 1."""
    effective = case((Event.type == "created", Deal.reported), else_=Event.on)
    order = (effective.desc(), Event.recorded_at.desc(), Event.id.desc())
    rank = func.row_number().over(partition_by=Event.deal_id, order_by=order).label("rank")
    return (
        select(Event.deal_id, *columns, rank)
        .join(Deal, Deal.id == Event.deal_id)
        .where(Event.type.in_(types), Event.voided.is_(False), effective <= as_of)
        .subquery()
    )


STATE_COLUMNS = (
    "status",
    "reason",
    "amount",
    "high",
    "currency",
    "basis",
    "updated",
    "updated_precision",
)
DEAL_TABLE = cast(Table, Deal.__table__)


def state_of_deals(as_of: PartialDate | None) -> FromClause:
    """Each deal's status, reason, value and ``updated``: the cached columns of the deal table
    itself, or (as of a date) a subquery with one row a deal keyed by ``deal_id``."""
    if as_of is None:
        return DEAL_TABLE
    day = as_of.last_day
    status = _ranked(STATUS_TYPES, day, Event.status, Event.reason)
    value = _ranked(VALUE_TYPES, day, Event.amount, Event.high, Event.currency, Event.basis)
    updated = _ranked(
        UPDATE_TYPES,
        day,
        case((Event.type == "created", Deal.reported), else_=Event.on).label("updated"),
        case((Event.type == "created", Deal.reported_precision), else_=Event.on_precision).label(
            "updated_precision"
        ),
    )
    return (
        select(
            Deal.id.label("deal_id"),
            status.c.status,
            status.c.reason,
            value.c.amount,
            value.c.high,
            value.c.currency,
            value.c.basis,
            updated.c.updated,
            updated.c.updated_precision,
        )
        .join(status, and_(status.c.deal_id == Deal.id, status.c.rank == 1))
        .outerjoin(value, and_(value.c.deal_id == Deal.id, value.c.rank == 1))
        .join(updated, and_(updated.c.deal_id == Deal.id, updated.c.rank == 1))
        .where(Deal.reported <= day)
        .subquery("state")
    )


def party_ids(session: Session, names: Sequence[str], notices: Notices) -> list[int]:
    """Parties a filter names (by name or alias); an unknown name matches nothing, with a note."""
    ids: list[int] = []
    for name in names:
        key = name_key(name)
        found = session.scalar(select(Party.id).where(Party.name_key == key)) or session.scalar(
            select(Alias.party_id).where(Alias.name_key == key)
        )
        if found is None:
            hint = closest_parties(session, name)
            notices.add(f'Note: no party named "{name}"; it matches no deal{hint}')
        else:
            ids.append(found)
    return ids


def _in_role(ids: list[int], role: str | None) -> ColumnElement[bool]:
    if not ids:
        return false()
    participant = exists().where(Participant.deal_id == Deal.id, Participant.party_id.in_(ids))
    if role == "target":
        return Deal.target_id.in_(ids)
    if role is not None:
        return participant.where(Participant.role == role)
    return or_(Deal.target_id.in_(ids), participant)


def _in_role_on(
    session: Session, ids: list[int], role: str | None, day: datetime.date
) -> ColumnElement[bool]:
    """As ``_in_role``, among the parties in force on ``day`` (the target is as it is now)."""
    if not ids or role == "target":
        return _in_role(ids, role)
    in_roster = Deal.id.in_(deals_naming_as_of(session, ids, role, day))
    return in_roster if role is not None else or_(Deal.target_id.in_(ids), in_roster)


def _in_group(session: Session, ids: list[int], as_of: PartialDate | None) -> ColumnElement[bool]:
    """Deals in which one of the parties ``ids``, or a party it controls (its units, and what
    it leads or owns with control, through chains of them), holds any role on the deal's
    ``reported`` date; with ``as_of``, on its day, among the parties in force then."""
    from dealtrack.graph import controlled

    if not ids:
        return false()
    roots = select(Party.id).where(Party.id.in_(ids))
    if as_of is not None:
        day = as_of.last_day
        reached = sorted(set(session.scalars(select(controlled(roots, day).c.node))))
        return _in_role_on(session, reached, None, day)
    reach = controlled(roots, None)
    # Aliased, so that the subqueries read deals of their own rather than correlate.
    deal = aliased(Deal)
    holds = and_(
        or_(reach.c.since.is_(None), reach.c.since <= deal.reported),
        or_(reach.c.until.is_(None), reach.c.until > deal.reported),
    )
    as_target = select(deal.id).join(reach, reach.c.node == deal.target_id).where(holds)
    as_participant = (
        select(deal.id)
        .join(Participant, Participant.deal_id == deal.id)
        .join(reach, reach.c.node == Participant.party_id)
        .where(holds)
    )
    return Deal.id.in_(union(as_target, as_participant))


def _search(session: Session, text: str) -> ColumnElement[bool]:
    """Deals the search index finds for ``text`` (a query without a word finds none)."""
    from dealtrack.domain.search import parse_query
    from dealtrack.search_index import matching_ids

    found = matching_ids(session.get_bind().dialect.name, parse_query(text))
    return false() if found is None else Deal.id.in_(found)


def conditions(
    session: Session, filters: Filters, state: FromClause, notices: Notices
) -> list[ColumnElement[bool]]:
    """The WHERE clauses for FILTERS over ``Deal`` and its state (the deal row itself, or an as-of subquery)."""
    where: list[ColumnElement[bool]] = []
    if filters.statuses:
        where.append(state.c.status.in_(filters.statuses))
    if filters.kinds:
        where.append(Deal.kind.in_(filters.kinds))
    for names, role in (
        (filters.parties, None),
        (filters.acquirers, "acquirer"),
        (filters.sellers, "seller"),
        (filters.targets, "target"),
    ):
        if names:
            ids = party_ids(session, names, notices)
            day = filters.as_of.last_day if filters.as_of is not None else None
            where.append(
                _in_role(ids, role) if day is None else _in_role_on(session, ids, role, day)
            )
    if filters.since is not None:
        where.append(Deal.reported >= filters.since.start)
    if filters.until is not None:
        where.append(Deal.reported <= filters.until.last_day)
    if filters.updated_since is not None:
        where.append(state.c.updated >= filters.updated_since.start)
    if filters.currencies:
        where.append(state.c.currency.in_(filters.currencies))
    if filters.min_value is not None:
        low = filters.min_value
        where.append(state.c.currency == low.currency)
        where.append(func.coalesce(state.c.high, state.c.amount) >= low.low)
    if filters.max_value is not None:
        high = filters.max_value
        where.append(state.c.currency == high.currency)
        where.append(state.c.amount <= (high.high if high.high is not None else high.low))
    if filters.groups:
        where.append(_in_group(session, party_ids(session, filters.groups, notices), filters.as_of))
    if filters.search:
        where.append(or_(*(_search(session, text) for text in filters.search)))
    if filters.sources:
        outlets = [outlet.casefold() for outlet in filters.sources]
        where.append(_reported_by(func.lower(Event.source_outlet).in_(outlets), filters.as_of))
    if filters.attributions:
        attributed = Event.source_attribution.in_(filters.attributions)
        where.append(_reported_by(attributed, filters.as_of))
    return where


def _reported_by(source: ColumnElement[bool], as_of: PartialDate | None) -> ColumnElement[bool]:
    """Deals with a live event whose source is such (in force by ``as_of``, when given)."""
    live = exists().where(Event.deal_id == Deal.id, Event.voided.is_(False), source)
    return live if as_of is None else live.where(Event.on <= as_of.last_day)


def status_rank(column: ColumnElement[str]) -> ColumnElement[int]:
    """Lifecycle order in SQL, so ``--sort status`` needs no Python sort."""
    return case({status: lifecycle_rank(status) for status in STATUSES}, value=column)


def select_deals(
    session: Session,
    filters: Filters,
    notices: Notices,
    sort: str = "id",
    descending: bool = False,
    limit: int | None = None,
) -> Select[tuple[object, ...]]:
    """Deal rows (plain columns, no ORM objects) with their state, filtered and sorted as ``list`` asks."""
    state = state_of_deals(filters.as_of)
    deal_columns = (
        Deal.id,
        Deal.key,
        Deal.title,
        Deal.kind,
        Deal.target_id,
        Deal.reported,
        Deal.reported_precision,
    )
    query = with_state(select(*deal_columns, *(state.c[c] for c in STATE_COLUMNS)), state).where(
        *conditions(session, filters, state, notices)
    )
    keys: list[ColumnElement[object]]
    if sort == "value":
        undisclosed = case((state.c.amount.is_(None), literal(1)), else_=literal(0))
        keys = [state.c.currency, state.c.amount, state.c.high]
        ordered = [k.desc() if descending else k for k in keys]
        query = query.order_by(undisclosed, *ordered, Deal.id)
    else:
        column = {
            "id": Deal.id,
            "reported": Deal.reported,
            "updated": state.c.updated,
            "status": status_rank(state.c.status),
        }[sort]
        query = query.order_by(column.desc() if descending else column, Deal.id)
    return query.limit(limit) if limit is not None else query


def matching_deal_ids(session: Session, filters: Filters, notices: Notices) -> Select[Any]:
    """Ids of the deals FILTERS select (for history and report)."""
    state = state_of_deals(filters.as_of)
    return with_state(select(Deal.id), state).where(
        *conditions(session, filters, state, notices) or [true()]
    )


def select_history(
    session: Session,
    events: Select[Any],
    deal_id: int | None,
    filters: Filters,
    notices: Notices,
) -> Select[Any]:
    """``events`` (a select from Event) narrowed to one deal or to the deals FILTERS select, in
    ledger order; ``--since``/``--until`` bound the events' dates, not the deals' ``reported``."""
    query = events
    if deal_id is not None:
        query = query.where(Event.deal_id == deal_id)
    deal_filters = replace(filters, since=None, until=None)
    if deal_filters != Filters():
        query = query.where(Event.deal_id.in_(matching_deal_ids(session, deal_filters, notices)))
    if filters.since is not None:
        query = query.where(Event.on >= filters.since.start)
    if filters.until is not None:
        query = query.where(Event.on <= filters.until.last_day)
    if filters.as_of is not None:
        query = query.where(Event.on <= filters.as_of.last_day)
    return query.order_by(Event.on, Event.recorded_at, Event.id)


def with_state(query: Select[Any], state: FromClause) -> Select[Any]:
    """Join the as-of state subquery; the cached state is the deal row itself (no self-join)."""
    if state is DEAL_TABLE:
        return query
    return query.join(state, state.c.deal_id == Deal.id)
