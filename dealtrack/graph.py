"""Who reaches whom: the edges in force on a day, and chains of them walked by a recursive CTE.

Edges run from a holder to a party: a parent to its unit, and a link's holder to its party
(owns, backs, leads), stored or implied by completed deals. The same statements run on SQLite
and PostgreSQL; which of several equal paths is shown is decided afterwards, in Python, so both
backends print the same.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    CompoundSelect,
    Integer,
    String,
    Text,
    and_,
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

from dealtrack.domain.links import CONTROL_STAKE
from dealtrack.models import Deal, Event, Link, Participant, Party
from dealtrack.vocabulary import STATUS_TYPES

# A completed deal of these kinds makes its acquirers own the target; of these, back it.
CONTROL_DEALS = ("acquisition", "merger", "asset-sale")
INTEREST_DEALS = ("stake", "investment")
BUY_SIDE = ("acquirer", "backer")
SELL_SIDE = ("target", "seller")
SEP = ","


@dataclass(frozen=True, slots=True)
class Walked:
    """A chain found from ``node`` down to a side member: ``steps`` are (holder id, kind,
    party id, via deal id or None), from ``node`` to ``member``."""

    member: int
    role: str
    node: int
    steps: tuple[tuple[int, str, int, int | None], ...]


def completions(day: datetime.date) -> CTE:
    """Each completed control or interest deal with the day it became completed (its first live
    completed event), if that was on or before ``day``: computed before any recursion."""
    return (
        select(Deal.id.label("deal_id"), func.min(Event.on).label("done"))
        .join(Event, Event.deal_id == Deal.id)
        .where(
            Deal.status == "completed",
            or_(*(Deal.kind == kind for kind in CONTROL_DEALS + INTEREST_DEALS)),
            or_(*(Event.type == kind for kind in STATUS_TYPES)),
            Event.status == "completed",
            Event.voided.is_(False),
        )
        .group_by(Deal.id)
        .having(func.min(Event.on) <= day)
        .cte("done")
    )


def _is_control_deal(deal: Any) -> Any:
    return or_(*(deal.kind == kind for kind in CONTROL_DEALS))


def _taken_over(done: CTE, target: Any, keeper: Any, after: Any, deal_id: int | None) -> Any:
    """A completed control deal on ``target`` (after ``after``, if given) in which ``keeper``
    was not an acquirer: from its completion, another party holds the target."""
    other, its_done, acquirer = aliased(Deal), done.alias(), aliased(Participant)
    kept = exists().where(
        acquirer.deal_id == other.id, acquirer.role == "acquirer", acquirer.party_id == keeper
    )
    return (
        exists()
        .where(its_done.c.deal_id == other.id, other.target_id == target)
        .where(_is_control_deal(other), other.id != (deal_id or 0), ~kept)
        .where(true() if after is None else its_done.c.done > after)
    )


def edges(day: datetime.date, deal_id: int | None) -> CTE:
    """The edges in force on ``day``, leaving out those implied by deal ``deal_id`` itself:
    ``holder, party, kind, control (1 or 0), via`` (the deal an implied link comes from)."""
    done = completions(day)
    parents = select(
        Party.parent_id.label("holder"),
        Party.id.label("party"),
        cast(literal("parent"), String(10)).label("kind"),
        cast(literal(1), Integer).label("control"),
        cast(null(), Integer).label("via"),
    ).where(
        Party.parent_id.is_not(None),
        ~_taken_over(done, Party.id, Party.parent_id, None, deal_id),
    )
    control = or_(
        Link.kind == "leads",
        and_(Link.kind == "owns", or_(Link.stake.is_(None), Link.stake > CONTROL_STAKE)),
    )
    links = select(
        Link.holder_id,
        Link.party_id,
        cast(Link.kind, String(10)),
        cast(case((control, 1), else_=0), Integer),
        cast(null(), Integer),
    ).where(
        or_(Link.since.is_(None), Link.since <= day), or_(Link.until.is_(None), Link.until > day)
    )
    owning = _is_control_deal(Deal)
    implied = (
        select(
            Participant.party_id,
            Deal.target_id,
            cast(case((owning, "owns"), else_="backs"), String(10)),
            cast(case((owning, 1), else_=0), Integer),
            cast(Deal.id, Integer),
        )
        .join(done, done.c.deal_id == Deal.id)
        .join(Participant, and_(Participant.deal_id == Deal.id, Participant.role == "acquirer"))
        .where(Deal.id != (deal_id or 0))
        .where(
            ~owning | ~_taken_over(done, Deal.target_id, Participant.party_id, done.c.done, deal_id)
        )
    )
    return union_all(parents, links, implied).cte("edges")


def side_members(deal_id: int) -> CompoundSelect[Any]:
    """The parties on the deal's two sides, each with its role: ``member, role``."""
    target = select(
        Deal.target_id.label("member"), cast(literal("target"), String(20)).label("role")
    ).where(Deal.id == deal_id)
    others = select(Participant.party_id, cast(Participant.role, String(20))).where(
        Participant.deal_id == deal_id,
        or_(*(Participant.role == role for role in BUY_SIDE + SELL_SIDE)),
    )
    return union_all(target, others)


def walk_up(session: Session, deal_id: int, day: datetime.date, depth: int) -> list[Walked]:
    """Every chain of at most ``depth`` edges in force on ``day``, holding at most one interest
    edge and no party twice, that leads from some party down to a member of the deal's sides."""
    in_force = edges(day, deal_id)
    members = side_members(deal_id).subquery("members")
    text_of = _text
    start = select(
        members.c.member,
        members.c.role,
        members.c.member.label("node"),
        cast(literal(0), Integer).label("depth"),
        cast(literal(0), Integer).label("interests"),
        cast(literal(""), Text).label("path"),
        cast(literal(SEP) + text_of(members.c.member) + literal(SEP), Text).label("visited"),
    )
    reach = start.cte("reach", recursive=True)
    step = (
        text_of(in_force.c.holder)
        + literal(":")
        + cast(in_force.c.kind, Text)
        + literal(":")
        + text_of(in_force.c.party)
        + literal(":")
        + func.coalesce(text_of(in_force.c.via), literal(""))
    )
    interests = reach.c.interests + 1 - in_force.c.control
    reach = reach.union_all(
        select(
            reach.c.member,
            reach.c.role,
            in_force.c.holder,
            reach.c.depth + 1,
            interests,
            cast(case((reach.c.path == "", step), else_=step + literal("/") + reach.c.path), Text),
            cast(reach.c.visited + text_of(in_force.c.holder) + literal(SEP), Text),
        )
        .join(in_force, in_force.c.party == reach.c.node)
        .where(reach.c.depth < depth, interests <= 1)
        .where(~reach.c.visited.contains(literal(SEP) + text_of(in_force.c.holder) + literal(SEP)))
    )
    rows = session.execute(select(reach.c.member, reach.c.role, reach.c.node, reach.c.path))
    return [Walked(member, role, node, _steps(path)) for member, role, node, path in rows]


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
