"""``conflicts``: who stands on both sides of a deal, with the chain of links to each side.

The chains are walked in SQL (``dealtrack.graph``); which are conflicts, and how they read, is
the pure core's (``dealtrack.domain.conflicts``).
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate
from dealtrack.domain.conflicts import Reach, Step, conflicts, shortest
from dealtrack.graph import names_and_keys, walk_up
from dealtrack.models import Deal, Participant, Party
from dealtrack.names import name_key
from dealtrack.queries import Filters, matching_deal_ids
from dealtrack.services.deals import find_deal
from dealtrack.services.parties import Notices

Record = dict[str, Any]
DEPTH = 3
PAGE = 100


def _sort_key(name: str) -> tuple[str, str]:
    return name_key(name), name


def conflicts_of_deal(
    session: Session,
    deal: Deal,
    as_of: PartialDate | None = None,
    depth: int = DEPTH,
    with_normal: bool = False,
) -> list[Record]:
    """The conflicts of one deal on its date (``reported``, or the last day of ``as_of``)."""
    day = as_of.last_day if as_of is not None else deal.reported
    walked = walk_up(session, deal.id, day, depth)
    names, keys = names_and_keys(session, walked)
    paths: dict[tuple[str, str, str], list[tuple[Step, ...]]] = defaultdict(list)
    for w in walked:
        path = tuple(
            Step(names[holder], kind, names[party], keys[via] if via is not None else None)
            for holder, kind, party, via in w.steps
        )
        paths[names[w.node], names[w.member], w.role].append(path)
    reaches: dict[str, list[Reach]] = defaultdict(list)
    for (node, member, role), found in paths.items():
        reaches[node].append(Reach(member, role, shortest(found, _sort_key)))
    return conflicts(_roster(session, deal), reaches, _sort_key, with_normal)


def _roster(session: Session, deal: Deal) -> list[tuple[str, str]]:
    target = session.get_one(Party, deal.target_id).name
    others = session.execute(
        select(Party.name, Participant.role)
        .join(Participant, Participant.party_id == Party.id)
        .where(Participant.deal_id == deal.id)
    ).all()
    return [(target, "target"), *((name, role) for name, role in others)]


def deal_conflicts(
    session: Session, ref: str, as_of: PartialDate | None, depth: int, with_normal: bool
) -> list[Record]:
    """``conflicts DEAL``: each conflict with the deal's key first, as JSON shows it."""
    deal = find_deal(session, ref)
    if as_of is not None and deal.reported > as_of.last_day:
        from dealtrack.records import raise_not_reported

        raise_not_reported(deal, as_of)
    return [
        {"deal": deal.key, **found}
        for found in conflicts_of_deal(session, deal, as_of, depth, with_normal)
    ]


def ledger_conflicts(
    session: Session,
    filters: Filters,
    depth: int,
    with_normal: bool,
    limit: int | None,
    notices: Notices,
) -> list[Record]:
    """``conflicts [FILTERS]``: the conflicts of every matching deal, by deal id then party."""
    found: list[Record] = []
    for deal in _deals(session, filters, notices):
        if limit is not None and len(found) >= limit:
            break
        for conflict in conflicts_of_deal(session, deal, filters.as_of, depth, with_normal):
            found.append({"deal": deal.key, **conflict})
    return found[:limit] if limit is not None else found


def _deals(session: Session, filters: Filters, notices: Notices) -> Iterator[Deal]:
    """The matching deals in id order, a page at a time: ``--limit`` is usually met within the
    first pages, and a million matching deals are never loaded at once."""
    matching = matching_deal_ids(session, filters, notices)
    last = 0
    while True:
        ids = session.scalars(matching.where(Deal.id > last).order_by(Deal.id).limit(PAGE)).all()
        yield from session.scalars(select(Deal).where(Deal.id.in_(ids)).order_by(Deal.id))
        if len(ids) < PAGE:
            return
        last = ids[-1]
