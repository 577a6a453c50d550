"""The ``links`` section of a ledger document: each link (a holder, a kind, a party) with every
event recorded of it, voids included, as ``export`` writes them and ``import`` reads them back.

Imported into an empty ledger, the events keep their ids and recorded times, so a second export is
byte-identical. Into a ledger that has the link, events are matched as a deal's are (type, date,
recorded time and payload with source), or, for a live link, as ``party link`` matches one
(an identical live link is recorded once); matched ones are skipped, missing ones appended.
Histories are not re-checked (an unlink ended what was in force then), but a link to itself and a
loop of control are refused, by the same code as ``party link`` and ``void``.
"""

import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dealtrack import dates, vocabulary
from dealtrack.bulk.fields import checked, recorded_fields, text_field
from dealtrack.bulk.matching import RowError
from dealtrack.domain.json_values import json_date_text
from dealtrack.domain.links import link_identity, parse_stake, stake_problem
from dealtrack.errors import Refused
from dealtrack.link_records import Record, link_event_record, order_key
from dealtrack.models import Event, Party
from dealtrack.names import check_party_name
from dealtrack.services.links import events_of_link, link_ends, settle_link
from dealtrack.services.parties import Notices

# Gives an event its id: the file's (``wanted``) when free, noting file id → ledger id in remap.
Numbering = Callable[[Event, Any, dict[int, int]], None]
Triple = tuple[int, str, int]  # holder id, kind, party id


def link_objects(session: Session, day: datetime.date | None) -> Iterator[Record]:
    """Every link with its events in ledger order (up to ``day``: undated ones always), links in
    the order their first events were recorded; a void goes with the link whose event it voids."""
    holder, party = aliased(Party), aliased(Party)
    query = (
        select(Event, holder.name, party.name)
        .outerjoin(holder, holder.id == Event.holder_id)
        .outerjoin(party, party.id == Event.party_id)
        .where(Event.deal_id.is_(None), Event.type.not_in(vocabulary.PARTY_EVENT_TYPES))
        .order_by(Event.id)
    )
    owner: dict[int, Triple] = {}
    links: dict[Triple, Record] = {}
    events: dict[Triple, list[tuple[Any, Record]]] = {}
    for event, holder_name, party_name in session.execute(query):
        if event.type == "void":
            triple = owner.get(event.voids or 0)
            if triple is None:  # names no link event: check reports it
                continue
        else:
            triple = (event.holder_id or 0, event.link_kind or "", event.party_id or 0)
            if triple not in links:
                links[triple] = {"holder": holder_name, "kind": triple[1], "party": party_name}
                events[triple] = []
        owner[event.id] = triple
        if day is None or event.on is None or event.on <= day:
            events[triple].append(
                (order_key(event), link_event_record(event, holder_name, party_name))
            )
    for triple, record in links.items():
        kept = sorted(events[triple], key=lambda pair: pair[0])
        if kept:
            yield {**record, "events": [r for _, r in kept]}


class LinkObjects:
    """Applies a document's link objects after its parties and deals."""

    def __init__(self, session: Session, number: Numbering) -> None:
        self.session, self.number = session, number

    def apply(
        self, chunks: Iterable[list[tuple[int, dict[str, Any]]]], result: Any, problems: Any
    ) -> None:
        for chunk in chunks:
            for line, fields in chunk:
                savepoint = self.session.begin_nested()
                try:
                    outcome, described = self._link(fields)
                except RowError as error:
                    savepoint.rollback()
                    problems.reject(line, fields, [(error.field_name, error.message)])
                    continue
                savepoint.commit()
                result.count(outcome, described)

    def _link(self, fields: dict[str, Any]) -> tuple[str, str]:
        kind = checked(
            "kind",
            lambda t: vocabulary.parse_term(t, vocabulary.LINK_KINDS, "link kind"),
            text_field(fields, "kind", True),
        )
        holder_name = checked("holder", check_party_name, text_field(fields, "holder", True))
        party_name = checked("party", check_party_name, text_field(fields, "party", True))
        raw_events = fields.get("events")
        if not isinstance(raw_events, list) or not raw_events:
            raise RowError("events", "expected a list of the link's events")
        parsed = [
            parse_event(number, raw, LINK_EVENTS) for number, raw in enumerate(raw_events, start=1)
        ]
        try:
            holder, party = link_ends(self.session, holder_name, kind, party_name, Notices())
        except Refused as error:
            raise RowError("party", str(error)) from None
        for event, _ in parsed:
            if problem := stake_problem(kind, event.stake):
                raise RowError("events", problem)
            if event.type != "void":
                event.holder_id, event.link_kind, event.party_id = holder.id, kind, party.id
        existing = self._ledger_events(holder.id, kind, party.id)
        added = self._missing(parsed, existing)
        if added:
            self.session.add_all(added)
            voids = [e for e in added if e.type == "void"]
            try:
                settle_link(self.session, holder.id, kind, party.id, voids)
            except Refused as error:
                raise RowError("party", str(error)) from None
        outcome = "unchanged" if not added else "updated" if existing else "added"
        return outcome, f"{holder.name} {kind} {party.name}"

    def _ledger_events(self, holder_id: int, kind: str, party_id: int) -> list[Event]:
        """The link's events in the ledger, and the voids (of voids…) that name them."""
        found = list(events_of_link(self.session, holder_id, kind, party_id))
        ids = [e.id for e in found]
        while ids:
            voids = self.session.scalars(select(Event).where(Event.voids.in_(ids))).all()
            found.extend(voids)
            ids = [e.id for e in voids]
        return found

    def _missing(self, parsed: list[tuple[Event, Any]], existing: list[Event]) -> list[Event]:
        """The file's events the ledger lacks, numbered; the rest are mapped to the ledger's."""
        remap: dict[int, int] = {}
        exact = {_identity(e): e for e in existing}
        live = {link_identity(e): e for e in existing if e.type != "void" and not e.voided}
        voided_by = {e.voids: e for e in existing if e.type == "void" and not e.voided}
        added: list[Event] = []
        # Link events first, then voids in the order they were recorded: a void's event is there.
        ordered = sorted(parsed, key=lambda pair: (pair[0].type == "void", pair[0].recorded_at))
        for event, file_id in ordered:
            if event.type == "void":
                target = remap.get(event.voids or 0)
                if target is None:
                    raise RowError(
                        "events",
                        f"event {file_id} voids event {event.voids}, not one of this link's",
                    )
                event.voids = target
                match = exact.get(_identity(event)) or voided_by.get(target)
            else:
                match = exact.get(_identity(event)) or live.get(link_identity(event))
            if match is not None:
                if isinstance(file_id, int):
                    remap[file_id] = match.id
                continue
            self.number(event, file_id, remap)
            exact[_identity(event)] = event
            if event.type == "void":
                voided_by[event.voids] = event
            added.append(event)
        return added


def _identity(event: Event) -> tuple[object, ...]:
    """An event as a document names it: what it says, and when it was recorded."""
    if event.type == "void":
        return ("void", event.voids, event.on, event.on_precision, event.recorded_at)
    return (*link_identity(event), event.recorded_at)


LINK_EVENTS = ("link", "unlink", "void")


def parse_event(number: int, raw: Any, kinds: tuple[str, ...]) -> tuple[Event, Any]:
    """One event of a link object (or of a party's history: ``kinds`` says which types), checked
    field by field, with the id the file gives it."""
    if not isinstance(raw, dict):
        raise RowError("events", f"event {number}: expected an event object")
    kind = raw.get("type")
    if kind not in kinds:
        raise RowError(
            "events", f"event {number}: {kind!r} is not {', '.join(kinds[:-1])} or {kinds[-1]}"
        )
    on = None if raw.get("on") is None else checked("events", dates.parse_date, _date(raw, "on"))
    event = Event(
        deal_id=None,
        type=kind,
        on=on.start if on else None,
        on_precision=on.precision.value if on else None,
        voided=False,
        note=text_field(raw, "note"),
        **recorded_fields(raw),
    )
    if kind == "link":
        event.stake = checked("events", parse_stake, text_field(raw, "stake"))
        until = None if raw.get("until") is None else checked(
            "events", dates.parse_date, _date(raw, "until")
        )  # fmt: skip
        event.until = until.start if until else None
        event.until_precision = until.precision.value if until else None
    if kind in vocabulary.PARTY_EVENT_TYPES:
        event.changes = _changes(number, raw.get("changes"))
    if kind in ("unlink", *vocabulary.PARTY_EVENT_TYPES) and on is None:
        raise RowError("events", f"event {number}: {an(kind)} event needs its date")
    if kind == "void":
        voids = raw.get("voids")
        if type(voids) is not int:
            raise RowError(
                "events", f"event {number}: a void event needs the id of the event it voids"
            )
        event.voids = voids
        event.reason = text_field(raw, "reason")
        if on is None:
            raise RowError("events", f"event {number}: a void event needs its date")
    return event, raw.get("id")


def an(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _changes(number: int, raw: Any) -> str:
    """A rename's or merge's ``changes``: each field's names before and after, kept as given."""
    if (
        not isinstance(raw, dict)
        or not raw
        or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, str) for n in pair)
            for pair in raw.values()
        )
    ):
        raise RowError("events", f"event {number}: changes must map a field to [before, after]")
    return json.dumps(raw, ensure_ascii=False)


def _date(raw: dict[str, Any], key: str) -> str:
    try:
        return json_date_text(raw.get(key))
    except ValueError as error:
        raise RowError("events", f"{key}: {error}") from None
