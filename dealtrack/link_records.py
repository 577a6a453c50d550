"""Records of links: link events as the history feed shows them, and a party's links in force,
in the documented key order."""

import datetime
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import case, literal, or_, select
from sqlalchemy.orm import Session, aliased

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.links import given_until, stake_string
from dealtrack.models import Deal, Event, Link, Party
from dealtrack.vocabulary import PARTY_EVENT_TYPES

Record = dict[str, Any]
# Where an event stands in the ledger's order: undated first, then by date, time recorded, id.
OrderKey = tuple[bool, datetime.date, str, int]
# An event's record with its place in that order and whether it is voided.
KeyedRecord = tuple[OrderKey, Record, bool]


def order_key(event: Event) -> OrderKey:
    return (event.on is not None, event.on or datetime.date.min, event.recorded_at, event.id)


def source_record(event: Event) -> Record | None:
    """An event's source as JSON shows it: ``{outlet, url, attribution}``, or null for none."""
    if not (event.source_outlet or event.source_url or event.source_attribution):
        return None
    return {
        "outlet": event.source_outlet,
        "url": event.source_url,
        "attribution": event.source_attribution,
    }


def link_event_record(event: Event, holder: str | None, party: str | None) -> Record:
    """An event of no deal (a link, unlink, a void of one, a rename or merge of a party), with
    a date only if one was given."""
    record: Record = {
        "id": event.id,
        "deal": None,
        "type": event.type,
        "on": None if event.on is None else str(from_storage(event.on, event.on_precision)),
        "recorded_at": event.recorded_at,
    }
    if event.type in ("link", "unlink"):
        record |= {"holder": holder, "kind": event.link_kind, "party": party}
    if event.type == "link":
        until = given_until(event)
        record |= {
            "stake": stake_string(event.stake),
            "until": None if until is None else str(until),
        }
    if event.type == "void":
        record |= {"voids": event.voids, "reason": event.reason}
    if event.type in PARTY_EVENT_TYPES:  # a rename or merge: the party, and its names then
        record |= {"party": party, "changes": json.loads(event.changes or "{}")}
    record["source"] = source_record(event)
    record["note"] = event.note
    return record


def link_history(
    session: Session,
    since: datetime.date | None,
    until: datetime.date | None,
) -> list[KeyedRecord]:
    """The events of links (and their voids) in ledger order, each with its place in that order
    and whether it is voided;
    ``since`` and ``until`` bound their dates (an undated link has none: only ``until`` keeps it)."""
    holder, party = aliased(Party), aliased(Party)
    query = (
        select(Event, holder.name, party.name)
        .outerjoin(holder, holder.id == Event.holder_id)
        .outerjoin(party, party.id == Event.party_id)
        .where(Event.deal_id.is_(None))
    )
    if since is not None:
        query = query.where(Event.on >= since)
    if until is not None:
        query = query.where((Event.on <= until) | Event.on.is_(None))
    rows = session.execute(query).all()
    found = [
        (order_key(event), link_event_record(event, h, p), event.voided) for event, h, p in rows
    ]
    return sorted(found, key=lambda pair: pair[0])


KIND_ORDER = ("owns", "backs", "leads")


def links_in_force(session: Session, party_id: int, as_of: PartialDate | None) -> list[Record]:
    """The links of a party in force today (or on the last day of ``as_of``): who holds it
    (``held_by``), then what it holds (``holds``); stored links, and those completed deals imply
    (``via`` their key)."""
    from dealtrack.domain.links import in_force

    day = as_of.last_day if as_of is not None else datetime.date.today()
    found: list[Record] = []
    names = aliased(Party)
    stored = session.execute(
        select(Link, names.name)
        .join(
            names,
            names.id == case((Link.holder_id == party_id, Link.party_id), else_=Link.holder_id),
        )
        .where(or_(Link.holder_id == party_id, Link.party_id == party_id))
    ).all()
    for link, other in stored:
        if not in_force(link.since, link.until, day):
            continue
        found.append(
            {
                "direction": "holds" if link.holder_id == party_id else "held_by",
                "kind": link.kind,
                "party": other,
                "stake": stake_string(link.stake),
                "since": _shown(link.since, link.since_precision),
                "until": _shown(link.until, link.until_precision),
                "via": None,
            }
        )
    for holder, party, kind, key, deal_id in _implied(session, party_id, day):
        found.append(
            {
                "direction": "holds" if holder == party_id else "held_by",
                "kind": kind,
                "party": session.get_one(Party, party if holder == party_id else holder).name,
                "stake": None,
                "since": _completed_on(session, deal_id),
                "until": None,
                "via": key,
            }
        )
    return sorted(
        found,
        key=lambda r: (r["direction"] != "held_by", KIND_ORDER.index(r["kind"]), r["party"]),
    )


def _implied(session: Session, party_id: int, day: datetime.date) -> list[Any]:
    """The links completed deals imply into and out of a party on ``day``: holder, party,
    kind, and the deal's key and id."""
    from dealtrack.graph import DOWN, UP, neighbours

    node = select(literal(party_id).label("node")).subquery("node")
    rows: list[Any] = []
    for direction in (UP, DOWN):
        edge = neighbours(node, node.c.node, direction)
        rows += session.execute(
            select(edge.holder, edge.party, edge.kind, Deal.key, Deal.id)
            .select_from(edge.joined)
            .join(Deal, Deal.id == edge.via)
            .where(edge.found, edge.in_force(day))
        ).all()
    return rows


def _shown(day: datetime.date | None, precision: str | None) -> str | None:
    return None if day is None or precision is None else str(from_storage(day, precision))


def _completed_on(session: Session, deal_id: int) -> str | None:
    """The date a deal became completed, as its first live completed event gives it."""
    event = session.scalars(
        select(Event)
        .where(Event.deal_id == deal_id, Event.status == "completed", Event.voided.is_(False))
        .where(or_(Event.type == "created", Event.type == "status"))
        .order_by(Event.on, Event.recorded_at, Event.id)
    ).first()
    return None if event is None else _shown(event.on, event.on_precision)


def control_tree(session: Session, name: str, as_of: PartialDate | None) -> Record:
    """``party show NAME --tree``: what the party controls today (or on the last day of
    ``as_of``), as a tree: ``{party, controls [{party, kind, stake, via, controls}…]}``; its
    units, and the parties it leads or owns with control, stored or implied by completed deals,
    each under the party that holds it, by name. A party reached by two chains shows under both."""
    from dealtrack.graph import controlled
    from dealtrack.services.parties import get_party

    root = get_party(session, name)
    day = as_of.last_day if as_of is not None else datetime.date.today()
    reach = controlled(select(literal(root.id)), day)
    paths = [
        [step.split(":") for step in path.split("/")]
        for path in session.scalars(select(reach.c.path).where(reach.c.path != ""))
    ]
    ids = {int(step[n]) for path in paths for step in path for n in (0, 2)}
    deal_ids = {int(step[3]) for path in paths for step in path if step[3]}
    names = dict(session.execute(select(Party.id, Party.name).where(Party.id.in_(ids))).all())
    keys = dict(session.execute(select(Deal.id, Deal.key).where(Deal.id.in_(deal_ids))).all())
    tree: Record = {"party": root.name, "controls": []}
    for path in sorted(paths, key=len):
        node = tree
        for _, kind, party, via, stake in path:
            branch = {
                "party": names[int(party)],
                "kind": kind,
                "stake": stake_string(int(stake)) if stake else None,
                "via": keys[int(via)] if via else None,
            }
            same = [c for c in node["controls"] if all(c[k] == branch[k] for k in branch)]
            if not same:
                same = [{**branch, "controls": []}]
                node["controls"].append(same[0])
            node = same[0]
    _sort_tree(tree)
    return tree


def _sort_tree(node: Record) -> None:
    from dealtrack.names import name_key

    node["controls"].sort(key=lambda c: (name_key(c["party"]), c["party"], c["kind"]))
    for child in node["controls"]:
        _sort_tree(child)


def tree_lines(node: Record, depth: int = 0) -> list[str]:
    """The tree as indented lines: ``Jio Platforms (owns 67.03%)``, ``Reliance Retail (unit)``."""
    from dealtrack.domain.links import stake_words

    if depth == 0:
        line = node["party"]
    else:
        kind = "unit" if node["kind"] == "parent" else node["kind"]
        stake = f" {stake_words(int(Decimal(node['stake']) * 100))}" if node["stake"] else ""
        via = f" via {node['via']}" if node["via"] else ""
        line = f"{'  ' * depth}{node['party']} ({kind}{stake}{via})"
    return [line, *(text for child in node["controls"] for text in tree_lines(child, depth + 1))]
