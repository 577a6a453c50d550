"""``export``: the ledger document (json, jsonl) or the flat current state (csv, tsv), streamed.

Deals are read in pages by id and written as they come, so memory stays flat however large the
ledger. The json document is exactly what ``json.dumps(document, indent=2)`` would print; imported
into an empty ledger and exported again it is byte-identical.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dealtrack.bulk.link_objects import link_objects
from dealtrack.bulk.rate_objects import rate_objects
from dealtrack.bulk.rows import COLUMNS
from dealtrack.link_records import link_event_record
from dealtrack.models import Alias, Deal, Event, Party
from dealtrack.queries import Filters, select_deals
from dealtrack.records import deal_records, event_record, events_with_party_names, roster_names
from dealtrack.render import DelimitedWriter, indented_json, neutralise
from dealtrack.services.parties import Notices
from dealtrack.vocabulary import PARTICIPANT_ROLES, PARTY_EVENT_TYPES, STATUS_TYPES, VALUE_TYPES

PAGE = 1000
# Version 2 holds the created event's roster, the links and the ledger's own exchange rates; every
# section is written, empty or not, so readers meet one shape.
DOCUMENT_VERSION = 2


def parties(session: Session) -> Iterator[dict[str, Any]]:
    """Party records by name key: {name, kind, country, parent, aliases, history}, a page at a
    time; ``history`` holds the party's renames and merges (its links have a section of their
    own)."""
    parent = aliased(Party)
    last = ""
    while True:
        page = session.execute(
            select(Party.id, Party.name, Party.name_key, Party.kind, Party.country, parent.name)
            .outerjoin(parent, parent.id == Party.parent_id)
            .where(Party.name_key > last)
            .order_by(Party.name_key)
            .limit(PAGE)
        ).all()
        if not page:
            return
        aliases: dict[int, list[str]] = defaultdict(list)
        rows = select(Alias.party_id, Alias.name).where(Alias.party_id.in_([p[0] for p in page]))
        for party_id, alias in session.execute(rows.order_by(Alias.id)):
            aliases[party_id].append(alias)
        history = _party_histories(session, [p[0] for p in page])
        for party_id, name, _, kind, country, parent_name in page:
            yield {
                "name": name,
                "kind": kind,
                "country": country,
                "parent": parent_name,
                "aliases": aliases[party_id],
                "history": history[party_id],
            }
        last = page[-1][2]


def _party_histories(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The renames and merges of parties ``ids``, each party's in ledger order."""
    events = session.execute(
        select(Event, Party.id, Party.name)
        .join(Party, Party.id == Event.party_id)
        .where(Event.party_id.in_(ids), Event.type.in_(PARTY_EVENT_TYPES))
        .order_by(Event.id)
    )
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event, party_id, name in events:
        history[party_id].append(link_event_record(event, None, name))
    return history


def deals(session: Session, filters: Filters, notices: Notices) -> Iterator[dict[str, Any]]:
    """Deal objects with their events (up to ``--as-of``), a page of deals at a time."""
    last = 0
    day = filters.as_of.last_day if filters.as_of else None
    while True:
        query = select_deals(session, filters, notices).where(Deal.id > last).limit(PAGE)
        rows = session.execute(query).all()
        if not rows:
            return
        records = list(deal_records(session, rows, filters.as_of))
        ids = [r["id"] for r in records]
        events_query = (
            events_with_party_names()
            .where(Event.deal_id.in_(ids))
            .order_by(Event.on, Event.recorded_at, Event.id)
        )
        if day is not None:
            events_query = events_query.where(Event.on <= day)
        by_deal: dict[int, list[dict[str, Any]]] = defaultdict(list)
        keys = {r["id"]: r["key"] for r in records}
        event_rows = session.execute(events_query).all()
        names = roster_names(session, (event for event, _ in event_rows))
        for event, party in event_rows:
            by_deal[event.deal_id].append(event_record(event, keys[event.deal_id], party, names))
        for record in records:
            yield {**record, "events": by_deal[record["id"]]}
        last = ids[-1]
        session.expunge_all()


def _indented(item: Any) -> str:
    return "    " + indented_json(item, "    ")


def write_document(out: IO[str], session: Session, filters: Filters, notices: Notices) -> None:
    out.write(f'{{\n  "format": "dealtrack",\n  "version": {DOCUMENT_VERSION},\n')
    if filters.as_of is not None:
        out.write(f'  "as_of": {json.dumps(str(filters.as_of))},\n')
    day = filters.as_of.last_day if filters.as_of else None
    sections: tuple[tuple[str, Iterable[Any], bool], ...] = (
        ("parties", parties(session), False),
        ("links", link_objects(session, day), False),
        ("fx_rates", rate_objects(session, day), False),
        ("deals", deals(session, filters, notices), True),
    )
    for name, items, last in sections:
        out.write(f'  "{name}": [')
        first = True
        for item in items:
            out.write(("\n" if first else ",\n") + _indented(item))
            first = False
        out.write("]" if first else "\n  ]")
        out.write("\n" if last else ",\n")
    out.write("}\n")


def write_jsonl(out: IO[str], session: Session, filters: Filters, notices: Notices) -> None:
    head: dict[str, Any] = {"type": "ledger", "format": "dealtrack", "version": DOCUMENT_VERSION}
    if filters.as_of is not None:
        head["as_of"] = str(filters.as_of)
    out.write(json.dumps(head, ensure_ascii=False, separators=(",", ":")) + "\n")
    for party in parties(session):
        out.write(
            json.dumps({"type": "party", **party}, ensure_ascii=False, separators=(",", ":")) + "\n"
        )
    day = filters.as_of.last_day if filters.as_of else None
    for link in link_objects(session, day):
        out.write(
            json.dumps({"type": "link", **link}, ensure_ascii=False, separators=(",", ":")) + "\n"
        )
    for rate in rate_objects(session, day):
        out.write(
            json.dumps({"type": "fx_rate", **rate}, ensure_ascii=False, separators=(",", ":"))
            + "\n"
        )
    for deal in deals(session, filters, notices):
        out.write(
            json.dumps({"type": "deal", **deal}, ensure_ascii=False, separators=(",", ":")) + "\n"
        )


# The events whose date a flat row carries: those that set the status or the value in force.
_DATING_TYPES = frozenset(STATUS_TYPES + VALUE_TYPES)


def flat_row(deal: dict[str, Any]) -> list[str]:
    """A deal as import columns: the state in force, dated by its latest status or value event."""
    names = {
        role: "; ".join(p["name"] for p in deal["parties"] if p["role"] == role)
        for role in PARTICIPANT_ROLES
    }
    value = deal["value"]
    shaping = [
        e for e in deal["events"] if e["type"] in _DATING_TYPES and not _voided(e, deal["events"])
    ]
    latest = shaping[-1] if shaping else None
    source = (latest or {}).get("source") or {}
    amount = ""
    if value is not None:
        amount = (
            value["amount"] if value["high"] is None else f"{value['amount']} to {value['high']}"
        )
    return [
        deal["key"],
        deal["title"],
        deal["kind"],
        deal["target"],
        names["acquirer"],
        names["seller"],
        names["adviser"],
        names["backer"],
        names["other"],
        deal["status"],
        deal["reason"] or "",
        amount,
        value["currency"] if value else "",
        value["basis"] if value else "",
        deal["reported"],
        latest["on"] if latest else deal["reported"],
        source.get("outlet") or "",
        source.get("url") or "",
        source.get("attribution") or "",
        "\n".join(deal["notes"]),
    ]


def _voided(event: dict[str, Any], events: list[dict[str, Any]]) -> bool:
    return any(e.get("voids") == event["id"] for e in events)


def write_flat(
    out: IO[str], session: Session, filters: Filters, notices: Notices, delimiter: str, raw: bool
) -> None:
    writer = DelimitedWriter(out, delimiter)
    writer.writerow(COLUMNS)
    for deal in deals(session, filters, notices):
        cells = flat_row(deal)
        writer.writerow(cells if raw else [neutralise(c) for c in cells])


def export(
    out: IO[str], session: Session, fmt: str, filters: Filters, notices: Notices, raw: bool
) -> None:
    if fmt == "json":
        write_document(out, session, filters, notices)
    elif fmt == "jsonl":
        write_jsonl(out, session, filters, notices)
    else:
        write_flat(out, session, filters, notices, "," if fmt == "csv" else "\t", raw)
