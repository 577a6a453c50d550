"""Deal objects, as ``export`` writes them: full histories, ids and all.

A ledger document imported into an empty ledger reproduces it exactly (ids, keys, events and their
recorded times), so a second export is byte-identical. Into a ledger that already has the deal,
events are matched on (type, on, recorded_at, payload with source): present ones are skipped,
missing ones appended, and events the file lacks are kept. Histories are not re-checked against
the status rules: they already happened. The document's parties are DocumentParties'
(party_records.py), its links LinkObjects' (link_objects.py), its exchange rates RateObjects'
(rate_objects.py).
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack import dates, statuses, vocabulary
from dealtrack.bulk.fields import (
    bad_key,
    check_events,
    checked,
    date_field,
    named_parties,
    parse_event,
    text_field,
    value_fields,
)
from dealtrack.bulk.link_objects import LinkObjects
from dealtrack.bulk.matching import RowError
from dealtrack.bulk.party_records import DocumentParties
from dealtrack.bulk.rate_objects import RateObjects
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import IdSet, Stage
from dealtrack.domain.duplicates import NaturalKey, natural_key
from dealtrack.domain.fold import (
    fold_opening_roster,
    fold_state,
    identity,
    in_order,
)
from dealtrack.domain.fold import roster as ledger_roster
from dealtrack.domain.new_deal import (
    DEAL_FIELDS,
    Opening,
    derived_deal_key,
    may_be_default,
    new_deal_rows,
    stored_title,
)
from dealtrack.models import Deal, Event
from dealtrack.money import Amount
from dealtrack.names import first_free, is_valid_key
from dealtrack.services.ledger import (
    CHUNK,
    deal_events,
    recorded_now,
    replay_participants,
    store_state,
)
from dealtrack.vocabulary import ROLES
from dealtrack.writer import EVENT_COLUMNS, BulkWriter


class DealObjects:
    """Collects party records and deal objects while reading; applies them after flat rows,
    the parties first (DocumentParties), then the deals."""

    def __init__(self, session: Session, snapshot: Snapshot, stage: Stage) -> None:
        self.session, self.snapshot, self.stage = session, snapshot, stage
        self.records = 0  # party records and deal objects, kept in the stage until applied
        self.created = IdSet()  # deals this import created
        self.parties = DocumentParties(session, snapshot, stage, self._number)
        self.links = LinkObjects(session, self._number)
        self.rates = RateObjects(session)
        self.writer: BulkWriter | None = None
        # Ids the file asks for are kept when free. Ids at or past these were unused when the
        # deal objects began, so only the ones this import took need checking.
        self.unused_deal_ids = self.unused_event_ids = 0
        self.taken_deal_ids = IdSet()
        self.taken_event_ids = IdSet()
        self.histories: dict[int, list[Event]] = {}  # events of the current chunk's deals
        # The current chunk's deals, loaded at once: referenced here so that the session (whose
        # identity map holds objects weakly) finds them by id without a query.
        self.loaded: list[Deal] = []

    def add(self, record: Any) -> None:
        fields = record.fields
        kind = fields.get("type")
        if kind == "ledger":
            return
        party = record.section == "parties" or kind == "party"
        link = record.section == "links" or kind == "link"
        rate = record.section == "fx_rates" or kind == "fx_rate"
        stored = "party" if party else "link" if link else "fx_rate" if rate else "deal"
        self.stage.add_document(stored, record.line, fields)
        self.records += 1

    def apply(self, writer: BulkWriter, result: Any, problems: Any) -> None:
        """Write the parties, then the deals, the links and the rates; ``writer`` must hold
        nothing unflushed."""
        self.unused_deal_ids = self.snapshot.next_deal_id
        self.unused_event_ids = self.snapshot.next_event_id
        self.parties.apply(self.stage.documents("party", CHUNK), problems)
        self.writer = self.parties.writer = writer
        for chunk in self.stage.documents("deal", CHUNK):
            self.loaded = self._preload_deals(chunk)
            for line, fields in chunk:
                try:
                    outcome, key = self._deal(fields)
                except RowError as error:
                    problems.reject(line, fields, [(error.field_name, error.message)])
                    continue
                result.count(outcome, key)
        writer.flush()
        self.links.apply(self.stage.documents("link", CHUNK), result, problems)
        self.rates.apply(self.stage.documents("fx_rate", CHUNK), result, problems)

    def _preload_deals(self, chunk: list[tuple[int, dict[str, Any]]]) -> list[Deal]:
        """The ledger's deals among a chunk of deal objects (by key) and their events."""
        keys = (fields.get("key") for _, fields in chunk)
        ids = [
            self.snapshot.deal_keys[k]
            for k in keys
            if isinstance(k, str) and k in self.snapshot.deal_keys
        ]
        deals = list(self.session.scalars(select(Deal).where(Deal.id.in_(ids))))
        self.histories = {d.id: [] for d in deals}
        for event in self.session.scalars(select(Event).where(Event.deal_id.in_(ids))):
            self.histories[event.deal_id].append(event)
        return deals

    def _deal_id(self, key: str) -> int | None:
        """The deal a key names: in the ledger, or created by this import."""
        found = self.snapshot.deal_keys.get(key)
        return found if found is not None else self.stage.deal_id(key)

    def _deal(self, fields: dict[str, Any]) -> tuple[str, str]:
        """Match or create one deal object; every field is checked before anything is written."""
        target = text_field(fields, "target", True) or ""
        named = named_parties(fields, target)
        reported = checked("reported", dates.parse_date, date_field(fields, "reported"))
        key = checked(
            "key", lambda t: t if is_valid_key(t) else bad_key(t), text_field(fields, "key")
        )
        check_events(fields)
        self.parties.check_roles(target, named)
        roster = [(role, self.parties.party_id(name)) for role, name in named]
        target_id = self.parties.party_id(target)
        deal = self._match(key, target_id, roster, reported)
        if deal is None:
            return "added", self._create(fields, key, target_id, roster, reported)
        appended = self._append_events(deal, fields)
        return ("updated" if appended else "unchanged"), deal.key

    def _match(
        self,
        key: str | None,
        target_id: int,
        roster: list[tuple[str, int]],
        reported: dates.PartialDate,
    ) -> Deal | None:
        found = self._deal_id(key) if key is not None else None
        if found is not None:
            return self._existing(found)
        natural = _natural(target_id, roster, reported)
        matches = self.snapshot.deals_on(natural) + self.stage.deals_on(natural)
        if key is not None:
            # a deal this file created under another key is another deal (add --new)
            matches = [m for m in matches if m not in self.created]
        if len(matches) > 1:
            raise RowError("row", f"matches {len(matches)} deals; give the key of one")
        return self._existing(matches[0]) if matches else None

    def _existing(self, deal_id: int) -> Deal | None:
        if deal_id in self.created:
            self._written().flush()  # the deal may still be rows waiting in the writer
        return self.session.get(Deal, deal_id)

    def _written(self) -> BulkWriter:
        assert self.writer is not None, "deals are applied after the parties, with a writer"
        return self.writer

    def _create(
        self,
        fields: dict[str, Any],
        key: str | None,
        target_id: int,
        roster: list[tuple[str, int]],
        reported: dates.PartialDate,
    ) -> str:
        """A deal the ledger lacks, with its history, built whole and then handed to the writer:
        no ORM object is added and no query runs, so a restore costs what a CSV import does."""
        deal_id = self._free_id(Deal, fields.get("id"))
        if deal_id is None:
            deal_id = self.snapshot.allocate_deal()
        self.snapshot.next_deal_id = max(self.snapshot.next_deal_id, deal_id + 1)
        if key is None or self._deal_id(key) is not None:
            key = self._derived_key(target_id, roster, deal_id)
        kind = (
            checked(
                "kind",
                vocabulary.parse_kind,
                text_field(fields, "kind"),
            )
            or "acquisition"
        )
        status = checked("status", statuses.parse_status, text_field(fields, "status")) or "rumored"
        amount, high, currency, basis = value_fields(fields.get("value"))
        title = text_field(fields, "title") or None
        # The names are looked up (a query each) only when the title might be the default one.
        if title is not None and may_be_default(title, any(r == "acquirer" for r, _ in roster)):
            acquirers = [self.parties.name(p) for r, p in roster if r == "acquirer"]
            title = stored_title(title, self.parties.name(target_id), acquirers)
        raw_events = fields.get("events")
        if not raw_events:  # without its history, the deal is recorded as add would record it
            opening = Opening(
                deal_id=deal_id,
                key=key,
                title=title,
                kind=kind,
                target_id=target_id,
                roster=sorted(
                    ((p, r) for r, p in roster if r != "target"), key=lambda e: ROLES.index(e[1])
                ),
                reported=reported,
                effective=reported,
                recorded_at=recorded_now(),
                status=status,
                reason=text_field(fields, "reason"),
                value=None
                if amount is None or currency is None
                else Amount(amount, high, currency),
                basis=basis,
            )
            self._add_as_new(opening, _natural(target_id, roster, reported))
            return key
        deal = Deal(
            id=deal_id,
            key=key,
            kind=kind,
            target_id=target_id,
            status=status,
            reason=text_field(fields, "reason"),
            amount=amount,
            high=high,
            currency=currency,
            basis=basis,
            reported=reported.start,
            reported_precision=reported.precision.value,
            updated=reported.start,
            updated_precision=reported.precision.value,
        )
        events = self._history(deal, raw_events)
        ordered = in_order(events, deal)
        if not any(e.type == "created" for e in ordered):
            raise RowError("events", "a deal's history must start with a created event")
        store_state(deal, fold_state(deal, ordered))
        deal.title = title

        writer = self._written()
        writer.deals.rows.append(tuple(getattr(deal, c) for c in DEAL_FIELDS))
        pairs = ledger_roster(ordered)
        writer.participants.rows.extend((deal_id, party_id, role) for party_id, role in pairs)
        writer.events.rows.extend(tuple(getattr(e, c) for c in EVENT_COLUMNS) for e in events)
        writer.counted(1 + len(pairs) + len(events))
        self._register(key, deal_id, _natural(target_id, roster, reported))
        return key

    def _add_as_new(self, opening: Opening, natural: NaturalKey) -> None:
        rows = new_deal_rows(opening, self.snapshot.allocate_events(1))
        self.taken_event_ids.add(rows.created[0])
        self._written().add_deal(rows)
        self._register(opening.key, opening.deal_id, natural)

    def _register(self, key: str, deal_id: int, natural: NaturalKey) -> None:
        """Note a deal this import created, for the deal objects after it."""
        self.created.add(deal_id)
        self.taken_deal_ids.add(deal_id)
        self.stage.add_deal(key, deal_id, natural)

    def _free_id(self, model: type[Deal] | type[Event], wanted: Any) -> int | None:
        """The file's own id when it is free, so an export re-imported keeps its ids."""
        if not isinstance(wanted, int) or isinstance(wanted, bool) or wanted <= 0:
            return None
        taken, unused = (
            (self.taken_deal_ids, self.unused_deal_ids)
            if model is Deal
            else (self.taken_event_ids, self.unused_event_ids)
        )
        if wanted in taken:
            return None
        if wanted >= unused or self.session.get(model, wanted) is None:
            return wanted
        return None

    def _derived_key(self, target_id: int, roster: list[tuple[str, int]], deal_id: int) -> str:
        acquirers = [self.parties.name(p) for r, p in roster if r == "acquirer"]
        derived = derived_deal_key(self.parties.name(target_id), acquirers, deal_id)
        return first_free(derived, lambda key: self._deal_id(key) is not None)

    def _history(self, deal: Deal, raw_events: Any) -> list[Event]:
        """The events of a deal object for a new deal, with the file's ids where they are free."""
        events = self._missing_events(deal.id, raw_events, {})
        by_id = {e.id: e for e in events}
        for event in events:
            if event.type == "void" and event.voids in by_id:
                by_id[event.voids].voided = True
        return events

    def _missing_events(
        self, deal_id: int, raw_events: Any, known: dict[tuple[object, ...], Event]
    ) -> list[Event]:
        """The file's events of a deal that ``known`` lacks, numbered and added to ``known``.

        A version 1 history (the roster as party events) is folded first, as the schema upgrade
        folds a ledger, so it matches the ledger's events and imports as a new one would.
        """
        if not isinstance(raw_events, list):
            raise RowError("events", "expected a list of events")
        parsed = [
            (parse_event(deal_id, raw, {}, self.parties.party_id), raw.get("id"))
            for raw in raw_events
        ]
        voided = {e.voids for e, _ in parsed if e.type == "void"}
        file_ids: dict[int, Any] = {}
        for event, file_id in parsed:
            event.id = file_id if isinstance(file_id, int) else 0
            event.voided = event.id in voided
            file_ids[id(event)] = file_id
        remap: dict[int, int] = {}
        missing: list[Event] = []
        for event in fold_opening_roster([e for e, _ in parsed]):
            file_id = file_ids[id(event)]
            if event.type == "void" and event.voids is not None:
                event.voids = remap.get(event.voids, event.voids)
            match = known.get(identity(event))
            if match is not None:
                if isinstance(file_id, int):
                    remap[file_id] = match.id
                continue
            self._number(event, file_id, remap)
            known[identity(event)] = event
            missing.append(event)
        return missing

    def _number(self, event: Event, wanted: Any, remap: dict[int, int]) -> None:
        free = self._free_id(Event, wanted)
        event.id = free if free is not None else self.snapshot.allocate_events(1)
        self.taken_event_ids.add(event.id)
        self.snapshot.next_event_id = max(self.snapshot.next_event_id, event.id + 1)
        if isinstance(wanted, int):
            remap[wanted] = event.id

    def _append_events(self, deal: Deal, fields: dict[str, Any]) -> bool:
        """Events of a deal the ledger has that it lacks; the ones it has are skipped."""
        preloaded = self.histories.pop(deal.id, None)
        existing = (
            deal_events(self.session, deal) if preloaded is None else in_order(preloaded, deal)
        )
        known = {identity(e): e for e in existing}
        appended = self._missing_events(deal.id, fields.get("events") or [], known)
        self.session.add_all(appended)
        if appended:
            self._written().flush()  # parties the new events name
            self.session.flush()
            for event in self.session.scalars(
                select(Event).where(Event.deal_id == deal.id, Event.type == "void")
            ):
                target = self.session.get(Event, event.voids) if event.voids else None
                if target is not None:
                    target.voided = True
            events = deal_events(self.session, deal)
            store_state(deal, fold_state(deal, events))
            replay_participants(self.session, deal, events)
        return bool(appended)


def _natural(
    target_id: int, roster: list[tuple[str, int]], reported: dates.PartialDate
) -> NaturalKey:
    return natural_key(target_id, (p for r, p in roster if r == "acquirer"), reported)
