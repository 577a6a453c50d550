"""Who reaches whom: the edges between parties, and chains of them walked by recursive CTEs.

Edges run from a holder to a party: a parent to its unit, and a link's holder to its party
(owns, backs, leads), stored or implied by completed deals. Each edge holds for a period
(``since``, ``until``; either end open). ``neighbours`` is their one definition: it finds the
edges of one node by index lookups (one outer join per source of edges), so a walk costs what
it visits, never a pass over every link or deal. The same statements run on SQLite and
PostgreSQL; which of several equal paths is shown is decided afterwards, in Python, so both
backends print the same.
"""

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    CompoundSelect,
    Date,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import FromClause

from dealtrack.domain.links import CONTROL_STAKE
from dealtrack.models import Deal, Event, Link, Participant, Party
from dealtrack.vocabulary import STATUS_TYPES

# A completed deal of these kinds makes its acquirers own the target; of these, back it.
CONTROL_DEALS = ("acquisition", "merger", "asset-sale")
INTEREST_DEALS = ("stake", "investment")
BUY_SIDE = ("acquirer", "backer")
SELL_SIDE = ("target", "seller")
SEP = ","
UP, DOWN = "up", "down"


@dataclass(frozen=True, slots=True)
class Walked:
    """A chain found from ``node`` down to a side member: ``steps`` are (holder id, kind,
    party id, via deal id or None), from ``node`` to ``member``."""

    member: int
    role: str
    node: int
    steps: tuple[tuple[int, str, int, int | None], ...]


@dataclass(frozen=True)
class Neighbours:
    """The edges of the nodes of ``joined`` (a FROM clause): ``other`` is the party at the
    edge's other end (NULL on rows that found none: keep ``found``), ``holder`` and ``party``
    its two ends, and the edge's kind, control (1 or 0), stake, ``via`` (the deal an implied
    link comes from) and period."""

    joined: FromClause
    found: Any
    other: Any
    holder: Any
    party: Any
    kind: Any
    control: Any
    stake: Any
    via: Any
    since: Any
    until: Any

    def in_force(self, day: Any) -> Any:
        return and_(
            or_(self.since.is_(None), self.since <= day),
            or_(self.until.is_(None), self.until > day),
        )


def completed_on(deal: Any) -> Any:
    """The day a deal became completed: its first live completed event (NULL if none)."""
    return (
        select(func.min(Event.on))
        .where(Event.deal_id == deal.id, Event.status == "completed")
        .where(or_(*(Event.type == kind for kind in STATUS_TYPES)), Event.voided.is_(False))
        .correlate_except(Event)
        .scalar_subquery()
    )


def _is_control_deal(deal: Any) -> Any:
    return or_(*(deal.kind == kind for kind in CONTROL_DEALS))


def _taken_over(target: Any, keeper: Any, after: Any, leaving_out: Any) -> Any:
    """When another party first took ``target`` over: the first completion of a control deal
    on it (after ``after``, if given) in which ``keeper`` was not an acquirer; NULL if none."""
    other, acquirer = aliased(Deal), aliased(Participant)
    # Explicitly correlated: ``keeper`` and ``target`` belong to a query two levels up.
    kept = (
        exists()
        .where(acquirer.deal_id == other.id, acquirer.role == "acquirer")
        .where(acquirer.party_id == keeper)
        .correlate_except(acquirer)
    )
    done = completed_on(other)
    return (
        select(func.min(done))
        .where(other.target_id == target, other.status == "completed", _is_control_deal(other))
        .where(other.id != leaving_out, ~kept)
        .where(true() if after is None else done > after)
        .correlate_except(other)
        .scalar_subquery()
    )


def neighbours(start: FromClause, node: Any, direction: str, leaving_out: Any = 0) -> Neighbours:
    """The edges into ``node`` (``UP``: ``other`` is a holder of it) or out of it (``DOWN``:
    ``other`` is a party it holds), leaving out links implied by the deal whose id is
    ``leaving_out`` (a number or a bound parameter) itself."""
    branch = union_all(*(select(literal(n).label("k")) for n in (1, 2, 3))).subquery("branch")
    unit, link, deal, buyer = aliased(Party), aliased(Link), aliased(Deal), aliased(Participant)
    up = direction == UP
    implied_deal = and_(
        deal.status == "completed",
        or_(*(deal.kind == kind for kind in CONTROL_DEALS + INTEREST_DEALS)),
        deal.id != leaving_out,
    )
    joined = start.join(branch, true()).outerjoin(
        unit,
        and_(branch.c.k == 1, unit.id == node, unit.parent_id.is_not(None))
        if up
        else and_(branch.c.k == 1, unit.parent_id == node),
    )
    joined = joined.outerjoin(
        link, and_(branch.c.k == 2, (link.party_id if up else link.holder_id) == node)
    )
    if up:
        joined = joined.outerjoin(deal, and_(branch.c.k == 3, deal.target_id == node, implied_deal))
        joined = joined.outerjoin(buyer, and_(buyer.deal_id == deal.id, buyer.role == "acquirer"))
    else:
        joined = joined.outerjoin(
            buyer, and_(branch.c.k == 3, buyer.party_id == node, buyer.role == "acquirer")
        )
        joined = joined.outerjoin(deal, and_(deal.id == buyer.deal_id, implied_deal))
    done = completed_on(deal)
    owning = _is_control_deal(deal)
    control_link = or_(
        link.kind == "leads",
        and_(link.kind == "owns", or_(link.stake.is_(None), link.stake > CONTROL_STAKE)),
    )
    implied_holder = case((deal.id.is_not(None), buyer.party_id))
    holder = case(
        (branch.c.k == 1, unit.parent_id), (branch.c.k == 2, link.holder_id), else_=implied_holder
    )
    party = case((branch.c.k == 1, unit.id), (branch.c.k == 2, link.party_id), else_=deal.target_id)
    other = holder if up else party
    return Neighbours(
        joined=joined,
        found=and_(other.is_not(None), or_(branch.c.k != 3, done.is_not(None))),
        other=other,
        holder=holder,
        party=party,
        kind=cast(
            case(
                (branch.c.k == 1, literal("parent")),
                (branch.c.k == 2, link.kind),
                (owning, literal("owns")),
                else_=literal("backs"),
            ),
            String(10),
        ),
        control=cast(
            case(
                (branch.c.k == 1, 1),
                (branch.c.k == 2, case((control_link, 1), else_=0)),
                (owning, 1),
                else_=0,
            ),
            Integer,
        ),
        stake=case((branch.c.k == 2, link.stake)),
        via=case((branch.c.k == 3, deal.id)),
        since=case((branch.c.k == 2, link.since), (branch.c.k == 3, done)),
        until=case(
            (branch.c.k == 1, _taken_over(unit.id, unit.parent_id, None, leaving_out)),
            (branch.c.k == 2, link.until),
            (owning, _taken_over(deal.target_id, buyer.party_id, done, leaving_out)),
        ),
    )


def side_members(deal_id: Any) -> CompoundSelect[Any]:
    """The parties on the deal's two sides, each with its role: ``member, role``."""
    target = select(
        Deal.target_id.label("member"), cast(literal("target"), String(20)).label("role")
    ).where(Deal.id == deal_id)
    others = select(Participant.party_id, cast(Participant.role, String(20))).where(
        Participant.deal_id == deal_id,
        or_(*(Participant.role == role for role in BUY_SIDE + SELL_SIDE)),
    )
    return union_all(target, others)


def _step(edge: Neighbours) -> Any:
    """An edge as text in a path: ``holder:kind:party:via``."""
    return (
        _text(edge.holder)
        + literal(":")
        + cast(edge.kind, Text)
        + literal(":")
        + _text(edge.party)
        + literal(":")
        + func.coalesce(_text(edge.via), literal(""))
    )


def _unvisited(visited: Any, party: Any) -> Any:
    return ~visited.contains(literal(SEP) + _text(party) + literal(SEP))


def walk_up(session: Session, deal_id: int, day: datetime.date, depth: int) -> list[Walked]:
    """Every chain of at most ``depth`` edges in force on ``day``, holding at most one interest
    edge and no party twice, that leads from some party down to a member of the deal's sides."""
    rows = session.execute(_walk_up(), {"deal_id": deal_id, "day": day, "depth": depth})
    return [Walked(member, role, node, _steps(path)) for member, role, node, path in rows]


@functools.cache
def _walk_up() -> Select[Any]:
    """``walk_up``'s statement, built once with bound parameters: building it costs more than
    running it, and ``conflicts [FILTERS]`` runs it for deal after deal."""
    deal_id = bindparam("deal_id", type_=Integer)
    day = bindparam("day", type_=Date)
    members = side_members(deal_id).subquery("members")
    start = select(
        members.c.member,
        members.c.role,
        members.c.member.label("node"),
        cast(literal(0), Integer).label("depth"),
        cast(literal(0), Integer).label("interests"),
        cast(literal(""), Text).label("path"),
        cast(literal(SEP) + _text(members.c.member) + literal(SEP), Text).label("visited"),
    )
    reach = start.cte("reach", recursive=True)
    edge = neighbours(reach, reach.c.node, UP, deal_id)
    step = _step(edge)
    interests = reach.c.interests + 1 - edge.control
    reach = reach.union_all(
        select(
            reach.c.member,
            reach.c.role,
            edge.holder,
            reach.c.depth + 1,
            interests,
            cast(case((reach.c.path == "", step), else_=step + literal("/") + reach.c.path), Text),
            cast(reach.c.visited + _text(edge.holder) + literal(SEP), Text),
        )
        .select_from(edge.joined)
        .where(edge.found, edge.in_force(day), interests <= 1)
        .where(reach.c.depth < bindparam("depth", type_=Integer))
        .where(_unvisited(reach.c.visited, edge.holder))
    )
    return select(reach.c.member, reach.c.role, reach.c.node, reach.c.path)


def controlled(roots: Select[Any], day: datetime.date | None) -> CTE:
    """The parties ``roots`` (a select of party ids) control, themselves included, through
    chains of control edges (units, leads, owns with control) that visit no party twice:
    ``node, since, until, path`` with the period in which the whole chain holds (on ``day``
    alone, if given) and the chain as ``holder:kind:party:via:stake`` steps."""
    root = roots.subquery("roots").c[0]
    start = select(
        root.label("node"),
        cast(null(), Date).label("since"),
        cast(null(), Date).label("until"),
        cast(literal(""), Text).label("path"),
        cast(literal(SEP) + _text(root) + literal(SEP), Text).label("visited"),
    )
    reach = start.cte("controlled", recursive=True)
    edge = neighbours(reach, reach.c.node, DOWN)
    since = case(
        (reach.c.since.is_(None), edge.since),
        (edge.since.is_(None), reach.c.since),
        (edge.since > reach.c.since, edge.since),
        else_=reach.c.since,
    )
    until = case(
        (reach.c.until.is_(None), edge.until),
        (edge.until.is_(None), reach.c.until),
        (edge.until < reach.c.until, edge.until),
        else_=reach.c.until,
    )
    step = _step(edge) + literal(":") + func.coalesce(_text(edge.stake), literal(""))
    found = (
        select(
            edge.party,
            since,
            until,
            cast(case((reach.c.path == "", step), else_=reach.c.path + literal("/") + step), Text),
            cast(reach.c.visited + _text(edge.party) + literal(SEP), Text),
        )
        .select_from(edge.joined)
        .where(edge.found, edge.control == 1, _unvisited(reach.c.visited, edge.party))
        .where(or_(since.is_(None), until.is_(None), since < until))
    )
    if day is not None:
        found = found.where(edge.in_force(day))
    return reach.union_all(found)


def _text(column: Any) -> Any:
    return cast(column, Text)


def _steps(path: str) -> tuple[tuple[int, str, int, int | None], ...]:
    steps = []
    for step in filter(None, path.split("/")):
        holder, kind, party, via = step.split(":")
        steps.append((int(holder), kind, int(party), int(via) if via else None))
    return tuple(steps)


def names_and_keys(
    session: Session, walked: Sequence[Walked]
) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the parties and the keys of the deals the chains name."""
    party_ids = {w.node for w in walked} | {w.member for w in walked}
    deal_ids = {via for w in walked for *_, via in w.steps if via is not None}
    for w in walked:
        party_ids.update(p for holder, _, party, _ in w.steps for p in (holder, party))
    names = dict(
        session.execute(select(Party.id, Party.name).where(Party.id.in_(party_ids or {0}))).all()
    )
    keys = dict(
        session.execute(select(Deal.id, Deal.key).where(Deal.id.in_(deal_ids or {0}))).all()
    )
    return names, keys
