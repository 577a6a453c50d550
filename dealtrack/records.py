"""Records: deals, deal cards, events and party cards as JSON-shaped dicts, in the documented key order.

Records are built in batches (one query per batch for parties and notes, never one per deal), and
their keys are in the documented order so every output format agrees.
"""

import heapq
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import islice
from typing import Any

from sqlalchemy import Row, Select, func, select, union
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.deal_details import notes_of, parties_of
from dealtrack.domain.fold import decode_roster, effective_on
from dealtrack.domain.new_deal import default_title
from dealtrack.link_records import KeyedRecord, link_history, order_key, source_record
from dealtrack.models import Alias, Deal, Event, Participant, Party
from dealtrack.money import to_decimal_string
from dealtrack.queries import Filters, select_deals, select_history
from dealtrack.services.deals import find_deal
from dealtrack.services.ledger import deal_events
from dealtrack.services.parties import Notices, get_party
from dealtrack.vocabulary import ROLES

Record = dict[str, Any]
BATCH = 500


def value_record(
    amount: int | None, high: int | None, currency: str | None, basis: str | None
) -> Record | None:
    if amount is None or currency is None:
        return None
    return {
        "amount": to_decimal_string(amount),
        "high": to_decimal_string(high) if high is not None else None,
        "currency": currency,
        "basis": basis,
    }


def _title(parties: Sequence[Record]) -> str:
    acquirers = [p["name"] for p in parties if p["role"] == "acquirer"]
    return default_title(parties[0]["name"], acquirers)


def deal_records(
    session: Session, rows: Iterable[Row[Any]], as_of: PartialDate | None = None
) -> Iterator[Record]:
    """Deal records for rows of ``select_deals`` (a deal's columns and its state), in batches;
    with ``as_of``, their parties and notes as they were on its last day."""
    iterator = iter(rows)
    day = as_of.last_day if as_of is not None else None
    while batch := list(islice(iterator, BATCH)):
        parties = parties_of(session, batch, day)
        notes = notes_of(session, [row.id for row in batch], day)
        for row in batch:
            yield {
                "id": row.id,
                "key": row.key,
                "title": row.title or _title(parties[row.id]),
                "kind": row.kind,
                "status": row.status,
                "reason": row.reason,
                "target": parties[row.id][0]["name"],
                "parties": parties[row.id],
                "value": value_record(row.amount, row.high, row.currency, row.basis),
                "reported": str(from_storage(row.reported, row.reported_precision)),
                "updated": str(from_storage(row.updated, row.updated_precision)),
                "notes": notes[row.id],
            }


def list_deals(
    session: Session,
    filters: Filters,
    notices: Notices,
    sort: str = "id",
    descending: bool = False,
    limit: int | None = None,
) -> Iterator[Record]:
    """The deals FILTERS select, read a batch at a time (``list`` writes them as they come)."""
    query = select_deals(session, filters, notices, sort, descending, limit)
    rows = session.execute(query.execution_options(yield_per=BATCH))
    return deal_records(session, rows, filters.as_of)


def event_record(
    event: Event, deal_key: str, party: str | None, names: Mapping[int, str]
) -> Record:
    """An event in the documented key order; type-specific keys appear only for their type.

    ``party`` is the name of the party a party event names; ``names`` holds those of the
    parties of a created event's roster (see ``roster_names``).
    """
    record: Record = {
        "id": event.id,
        "deal": deal_key,
        "type": event.type,
        "on": str(from_storage(event.on, event.on_precision)),
        "recorded_at": event.recorded_at,
    }
    value = value_record(event.amount, event.high, event.currency, event.basis)
    if event.type in ("created", "status"):
        record |= {"status": event.status, "reason": event.reason}
    if event.type in ("created", "value"):
        record["value"] = value
    if event.type == "created":
        record["parties"] = [
            {"name": names[party_id], "role": role}
            for party_id, role in decode_roster(event.parties)
        ]
    if event.type == "party":
        record |= {
            "action": event.action,
            "party": party,
            "role": event.role,
        }
    if event.type == "note":
        record["text"] = event.text
    if event.type == "edit":
        record["changes"] = json.loads(event.changes or "{}")
    if event.type == "void":
        record |= {"reason": event.reason, "voids": event.voids}  # documented key order
    record["source"] = source_record(event)
    record["note"] = event.note
    return record


NAME_BATCH = 512


def roster_names(session: Session, events: Iterable[Event]) -> dict[int, str]:
    """The names of the parties the created events' rosters name.

    Looked up NAME_BATCH ids at a time, each list padded to that length: SQLite keeps every
    statement it compiles, and an IN list of a new length is a new statement (see
    ``events_with_party_names``).
    """
    ids = sorted(
        {pid for e in events if e.type == "created" for pid, _ in decode_roster(e.parties)}
    )
    names: dict[int, str] = {}
    for first in range(0, len(ids), NAME_BATCH):
        batch = ids[first : first + NAME_BATCH]
        batch += [batch[-1]] * (NAME_BATCH - len(batch))
        names.update(session.execute(select(Party.id, Party.name).where(Party.id.in_(batch))).all())
    return names


def events_with_party_names() -> "Select[Event, str]":
    """Events, each with the name of the party it names (if any), joined in the same query.

    Looking names up afterwards with ``IN (ids)`` gave every page of an export a statement of a
    new length, and SQLite kept each one compiled: memory grew with the ledger.
    """
    return select(Event, Party.name).outerjoin(Party, Party.id == Event.party_id)


def show_deal(session: Session, ref: str, as_of: PartialDate | None) -> Record:
    """The deal card: the deal, its events (up to ``as_of``), its rivals on the same target and
    the parties in conflict on both its sides."""
    deal = find_deal(session, ref)
    rows = list(
        session.execute(
            select_deals(session, Filters(as_of=as_of), Notices()).where(Deal.id == deal.id)
        )
    )
    if not rows:
        raise_not_reported(deal, as_of)
    record = next(deal_records(session, rows, as_of))
    events = deal_events(session, deal)
    if as_of is not None:
        events = [e for e in events if effective_on(e, deal) <= as_of.last_day]
    names = dict(
        session.execute(
            select(Party.id, Party.name).where(
                Party.id.in_({e.party_id for e in events if e.party_id is not None})
            )
        ).all()
    )
    roster = roster_names(session, events)
    record["events"] = [
        event_record(e, deal.key, names.get(e.party_id or 0), roster) for e in events
    ]
    record["rivals"] = _rivals(session, deal, as_of)
    from dealtrack.services.conflicts import conflicts_of_deal

    record["conflicts"] = conflicts_of_deal(session, deal, as_of)
    return record


def raise_not_reported(deal: Deal, as_of: PartialDate | None) -> None:
    from dealtrack.errors import NotFound

    raise NotFound(
        f'deal "{deal.key}" was not yet reported on {as_of} (reported {from_storage(deal.reported, deal.reported_precision)})'
    )


def _rivals(session: Session, deal: Deal, as_of: PartialDate | None) -> list[Record]:
    query = select_deals(session, Filters(as_of=as_of), Notices()).where(
        Deal.target_id == deal.target_id, Deal.id != deal.id
    )
    rivals = []
    for record in deal_records(session, session.execute(query), as_of):
        rivals.append(
            {
                "key": record["key"],
                "acquirers": [p["name"] for p in record["parties"] if p["role"] == "acquirer"],
                "status": record["status"],
                "value": record["value"],
            }
        )
    return rivals


def history(
    session: Session, ref: str | None, filters: Filters, notices: Notices
) -> Iterator[tuple[Record, bool]]:
    """A deal's events, or the ledger-wide feed, each with whether it is voided, as the rows are
    read (a batch at a time: memory stays flat however long the ledger). An unknown deal is
    refused at once, before any row; ``--since``/``--until`` bound the events' dates."""
    deal_id = find_deal(session, ref).id if ref is not None else None
    query = events_with_party_names().add_columns(Deal.key).join(Deal, Deal.id == Event.deal_id)
    query = select_history(session, query, deal_id, filters, notices)
    rows = session.execute(query.execution_options(yield_per=BATCH))
    records = _event_records(session, rows)
    if ref is None and replace(filters, since=None, until=None, as_of=None) == Filters():
        records = _with_link_events(session, records, filters)
    return ((record, voided) for _, record, voided in records)


def _event_records(session: Session, rows: Iterable[Any]) -> Iterator[KeyedRecord]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        roster = roster_names(session, (event for event, _, _ in batch))
        for event, party, key in batch:
            yield order_key(event), event_record(event, key, party, roster), event.voided


def _with_link_events(
    session: Session, records: Iterator[KeyedRecord], filters: Filters
) -> Iterator[KeyedRecord]:
    """The ledger-wide feed holds the events of links too (they belong to no deal), in order;
    there are few, so they are read whole and merged into the stream of deal events."""
    bound = filters.until.last_day if filters.until else None
    if filters.as_of is not None:
        bound = min(filter(None, (bound, filters.as_of.last_day)))
    links = link_history(session, filters.since.start if filters.since else None, bound)
    return heapq.merge(records, links, key=lambda keyed: keyed[0])


def party_card(session: Session, name: str, as_of: PartialDate | None = None) -> Record:
    from dealtrack.link_records import links_in_force

    party = get_party(session, name)
    parent = session.get(Party, party.parent_id) if party.parent_id else None
    aliases = session.scalars(
        select(Alias.name).where(Alias.party_id == party.id).order_by(Alias.id)
    ).all()
    units = session.scalars(
        select(Party.name).where(Party.parent_id == party.id).order_by(Party.name_key)
    ).all()
    roles: list[tuple[Deal, str]] = [
        (d, "target") for d in session.scalars(select(Deal).where(Deal.target_id == party.id))
    ]
    roles += [
        (d, role)
        for d, role in session.execute(
            select(Deal, Participant.role)
            .join(Participant, Participant.deal_id == Deal.id)
            .where(Participant.party_id == party.id)
        )
    ]
    roles.sort(key=lambda pair: (pair[0].id, ROLES.index(pair[1])))
    return {
        "name": party.name,
        "kind": party.kind,
        "country": party.country,
        "parent": parent.name if parent else None,
        "aliases": list(aliases),
        "units": list(units),
        "deals": [
            {
                "key": d.key,
                "role": role,
                "status": d.status,
                "value": value_record(d.amount, d.high, d.currency, d.basis),
            }
            for d, role in roles
        ],
        "links": links_in_force(session, party.id, as_of),
    }


def list_parties(session: Session, kind: str | None) -> list[Record]:
    """Parties by name key, with their parent, aliases and how many deals name them."""
    query = select(Party).order_by(Party.name_key)
    if kind is not None:
        query = query.where(Party.kind == kind)
    parties = session.scalars(query).all()
    names = dict(session.execute(select(Party.id, Party.name)).all())
    aliases: dict[int, list[str]] = defaultdict(list)
    for party_id, alias in session.execute(select(Alias.party_id, Alias.name).order_by(Alias.id)):
        aliases[party_id].append(alias)
    links = union(
        select(Deal.id, Deal.target_id.label("party_id")),
        select(Participant.deal_id, Participant.party_id),
    ).subquery()
    deals: dict[int, int] = dict(
        session.execute(select(links.c.party_id, func.count()).group_by(links.c.party_id)).all()
    )
    return [
        {
            "name": p.name,
            "kind": p.kind,
            "country": p.country,
            "parent": names.get(p.parent_id) if p.parent_id else None,
            "aliases": aliases[p.id],
            "deals": deals.get(p.id, 0),
        }
        for p in parties
    ]


def completions(session: Session, what: str, prefix: str, limit: int = 50) -> list[str]:
    """Deal keys or party names (and aliases) starting with ``prefix``, for shell completion."""
    if what == "deal":
        query = (
            select(Deal.key).where(Deal.key.startswith(prefix, autoescape=True)).order_by(Deal.key)
        )
        return list(session.scalars(query.limit(limit)))
    names = select(Party.name).where(Party.name.startswith(prefix, autoescape=True))
    aliases = select(Alias.name).where(Alias.name.startswith(prefix, autoescape=True))
    return sorted(
        set(session.scalars(names.limit(limit))) | set(session.scalars(aliases.limit(limit)))
    )
