"""Records of links: link events as the history feed shows them, in the documented key order."""

import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dealtrack.dates import from_storage
from dealtrack.domain.links import given_until, stake_string
from dealtrack.models import Event, Party

Record = dict[str, Any]
# Where an event stands in the ledger's order: undated first, then by date, time recorded, id.
OrderKey = tuple[bool, datetime.date, str, int]


def order_key(event: Event) -> OrderKey:
    return (event.on is not None, event.on or datetime.date.min, event.recorded_at, event.id)


def link_event_record(event: Event, holder: str | None, party: str | None) -> Record:
    """A link, unlink or void event of a link: no deal, and a date only if one was given."""
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
    has_source = event.source_outlet or event.source_url or event.source_attribution
    record["source"] = (
        {
            "outlet": event.source_outlet,
            "url": event.source_url,
            "attribution": event.source_attribution,
        }
        if has_source
        else None
    )
    record["note"] = event.note
    return record


def link_history(
    session: Session,
    since: datetime.date | None,
    until: datetime.date | None,
) -> list[tuple[OrderKey, Record]]:
    """The events of links (and their voids) in ledger order, each with its place in that order;
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
    found = [(order_key(event), link_event_record(event, h, p)) for event, h, p in rows]
    return sorted(found, key=lambda pair: pair[0])
