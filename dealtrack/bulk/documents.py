"""Deal objects and party records, as ``export`` writes them: full histories, ids and all.

A ledger document imported into an empty ledger reproduces it exactly (ids, keys, events and their
recorded times), so a second export is byte-identical. Into a ledger that already has the deal,
events are matched on (type, on, recorded_at, payload with source): present ones are skipped,
missing ones appended, and events the file lacks are kept. Histories are not re-checked against
the status rules: they already happened.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack import dates, statuses, vocabulary
from dealtrack.bulk.fields import bad_key, checked, parse_event, text_field, value_fields
from dealtrack.bulk.matching import RowError
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.models import Alias, Deal, Event, Participant, Party
from dealtrack.names import check_party_name, is_valid_key, name_key, slug
from dealtrack.services.ledger import (
    deal_events,
    fold_state,
    identity,
    replay_participants,
    store_state,
)


class DealObjects:
    """Collects party records and deal objects while reading; applies them after flat rows."""

    def __init__(self, session: Session, snapshot: Snapshot) -> None:
        self.session, self.snapshot = session, snapshot
        self.parties: list[tuple[int, dict[str, Any]]] = []
        self.deals: list[tuple[int, dict[str, Any]]] = []
        self.created: set[int] = set()  # deals this import created

    def add(self, record: Any) -> None:
        fields = record.fields
        kind = fields.get("type")
        if kind == "ledger":
            return
        if record.section == "parties" or kind == "party":
            self.parties.append((record.line, fields))
        else:
            self.deals.append((record.line, fields))

    def apply(self, result: Any, problems: Any, rejects: Any = None) -> None:
        for line, fields in self.parties:
            try:
                self._party(fields)
            except RowError as error:
                problems.add(line, error.field_name, error.message)
                if rejects is not None:
                    rejects.write(fields, f"{error.field_name}: {error.message}")
        self.session.flush()
        for line, fields in self.deals:
            try:
                outcome, key = self._deal(fields)
            except RowError as error:
                problems.add(line, error.field_name, error.message)
                if rejects is not None:
                    rejects.write(fields, f"{error.field_name}: {error.message}")
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.plan.append(
                ({"added": "add", "updated": "update"}.get(outcome, "unchanged"), key)
            )

    def _party_id(self, name: str, create: bool = True) -> int:
        display = checked("party", check_party_name, name)
        key = name_key(display)
        found = self.snapshot.party_ids.get(key)
        if found is None:
            party = Party(name=display, name_key=key, kind="company")
            self.session.add(party)
            self.session.flush()
            found = self.snapshot.party_ids[key] = party.id
            self.snapshot.party_names[party.id] = display
        return found

    def _party(self, fields: dict[str, Any]) -> None:
        party = self.session.get_one(Party, self._party_id(text_field(fields, "name", True) or ""))
        kind = checked(
            "kind",
            lambda t: vocabulary.parse_term(t, vocabulary.PARTY_KINDS, "party kind"),
            text_field(fields, "kind"),
        )
        party.kind = kind or party.kind
        country = text_field(fields, "country")
        if country is not None:
            if len(country) != 2 or not country.isalpha():
                raise RowError("country", f"{country!r} is not an ISO 3166 alpha-2 code")
            party.country = country.upper()
        parent = text_field(fields, "parent")
        if parent is not None:
            party.parent_id = self._party_id(parent)
        for alias in fields.get("aliases") or []:
            display = checked("aliases", check_party_name, str(alias))
            key = name_key(display)
            holder = self.snapshot.party_ids.get(key)
            if holder is None:
                self.session.add(Alias(party_id=party.id, name=display, name_key=key))
                self.snapshot.party_ids[key] = party.id
            elif holder != party.id:
                raise RowError("aliases", f'"{display}" is already a name of another party')

    def _deal(self, fields: dict[str, Any]) -> tuple[str, str]:
        """Match or create one deal object; every field is checked before anything is written."""
        target = text_field(fields, "target", True) or ""
        named = _named_parties(fields, target)
        reported = checked("reported", dates.parse_date, text_field(fields, "reported", True))
        key = checked(
            "key", lambda t: t if is_valid_key(t) else bad_key(t), text_field(fields, "key")
        )
        _check_events(fields)
        roster = [(role, self._party_id(name)) for role, name in named]
        target_id = self._party_id(target)
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
        if key is not None and key in self.snapshot.deal_keys:
            return self.session.get(Deal, self.snapshot.deal_keys[key])
        acquirers = frozenset(p for r, p in roster if r == "acquirer")
        matches = self.snapshot.natural.get(
            (target_id, acquirers, reported.start, reported.precision.value), []
        )
        if key is not None:
            # a deal this file created under another key is another deal (add --new)
            matches = [m for m in matches if m not in self.created]
        if len(matches) > 1:
            raise RowError("row", f"matches {len(matches)} deals; give the key of one")
        return self.session.get(Deal, matches[0]) if matches else None

    def _create(
        self,
        fields: dict[str, Any],
        key: str | None,
        target_id: int,
        roster: list[tuple[str, int]],
        reported: dates.PartialDate,
    ) -> str:
        deal_id = self._free_id(Deal, fields.get("id")) or self.snapshot.allocate_deal()
        self.snapshot.next_deal_id = max(self.snapshot.next_deal_id, deal_id + 1)
        if key is None or key in self.snapshot.deal_keys:
            key = self._derived_key(target_id, roster, deal_id)
        kind = (
            checked(
                "kind",
                lambda t: vocabulary.parse_term(t, vocabulary.KINDS, "deal kind"),
                text_field(fields, "kind"),
            )
            or "acquisition"
        )
        status = checked("status", statuses.parse_status, text_field(fields, "status")) or "rumored"
        amount, high, currency, basis = value_fields(fields.get("value"))
        deal = Deal(
            id=deal_id,
            key=key,
            title=None,
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
        self.session.add(deal)
        self.session.flush()
        self.created.add(deal_id)
        self.snapshot.deal_keys[key] = deal_id
        acquirers = frozenset(p for r, p in roster if r == "acquirer")
        self.snapshot.natural[
            (target_id, acquirers, reported.start, reported.precision.value)
        ].append(deal_id)
        events = fields.get("events")
        if events:
            self._append_events(deal, fields)
        else:
            self._synthesize(deal, roster)
        title = text_field(fields, "title")
        names = self.snapshot.party_names
        default = names[target_id] + (
            " / " + ", ".join(names[p] for r, p in roster if r == "acquirer") if acquirers else ""
        )
        deal.title = title if title and title != default else None
        return key

    def _free_id(self, model: type[Deal] | type[Event], wanted: Any) -> int | None:
        """The file's own id when it is free, so an export re-imported keeps its ids."""
        if (
            isinstance(wanted, int)
            and not isinstance(wanted, bool)
            and wanted > 0
            and self.session.get(model, wanted) is None
        ):
            return wanted
        return None

    def _derived_key(self, target_id: int, roster: list[tuple[str, int]], deal_id: int) -> str:
        names = self.snapshot.party_names
        acquirers = [names[p] for r, p in roster if r == "acquirer"]
        derived = (slug(names[target_id]) + (f"-{slug(acquirers[0])}" if acquirers else "")).strip(
            "-"
        )
        derived = derived if any(c.isalpha() for c in derived) else f"deal-{deal_id}"
        candidate, n = derived, 1
        while candidate in self.snapshot.deal_keys:
            n += 1
            candidate = f"{derived}-{n}"
        return candidate

    def _synthesize(self, deal: Deal, roster: list[tuple[str, int]]) -> None:
        """A deal object without its history gets the events ``add`` would have recorded."""
        from dealtrack.services.ledger import recorded_now

        stamp = recorded_now()
        common = {
            "deal_id": deal.id,
            "on": deal.reported,
            "on_precision": deal.reported_precision,
            "recorded_at": stamp,
            "voided": False,
        }
        self.session.add(
            Event(
                id=self.snapshot.allocate_events(1),
                type="created",
                status=deal.status,
                reason=deal.reason,
                amount=deal.amount,
                high=deal.high,
                currency=deal.currency,
                basis=deal.basis,
                **common,
            )
        )
        for role, party_id in roster:
            self.session.add(
                Event(
                    id=self.snapshot.allocate_events(1),
                    type="party",
                    action="added",
                    party_id=party_id,
                    role=role,
                    **common,
                )
            )
            if role != "target":
                self.session.add(Participant(deal_id=deal.id, party_id=party_id, role=role))
        self.session.flush()

    def _append_events(self, deal: Deal, fields: dict[str, Any]) -> bool:
        raw_events = fields.get("events") or []
        if not isinstance(raw_events, list):
            raise RowError("events", "expected a list of events")
        existing = deal_events(self.session, deal)
        known = {identity(e): e for e in existing}
        remap: dict[int, int] = {}
        appended = False
        for raw in raw_events:
            event = parse_event(deal.id, raw, remap, self._party_id)
            match = known.get(identity(event))
            if match is not None:
                if isinstance(raw.get("id"), int):
                    remap[raw["id"]] = match.id
                continue
            wanted = raw.get("id")
            free = (
                isinstance(wanted, int) and wanted > 0 and self.session.get(Event, wanted) is None
            )
            event.id = wanted if free else self.snapshot.allocate_events(1)
            self.snapshot.next_event_id = max(self.snapshot.next_event_id, event.id + 1)
            if isinstance(wanted, int):
                remap[wanted] = event.id
            self.session.add(event)
            known[identity(event)] = event
            appended = True
        if appended:
            self.session.flush()
            for event in self.session.scalars(
                select(Event).where(Event.deal_id == deal.id, Event.type == "void")
            ):
                target = self.session.get(Event, event.voids) if event.voids else None
                if target is not None:
                    target.voided = True
            events = deal_events(self.session, deal)
            if not any(e.type == "created" for e in events):
                raise RowError("events", "a deal's history must start with a created event")
            store_state(deal, fold_state(deal, events))
            replay_participants(self.session, deal, events)
        return appended


def _named_parties(fields: dict[str, Any], target: str) -> list[tuple[str, str]]:
    """The (role, name) pairs of a deal object's ``parties``, checked."""
    parties = fields.get("parties") or [{"name": target, "role": "target"}]
    if not isinstance(parties, list) or not all(isinstance(p, dict) for p in parties):
        raise RowError("parties", "expected a list of {name, role}")
    named = []
    for entry in parties:
        role = checked(
            "parties",
            lambda t: vocabulary.parse_term(t, vocabulary.ROLES, "role"),
            text_field(entry, "role", True),
        )
        named.append((role, checked("parties", check_party_name, text_field(entry, "name", True))))
    return named


def _check_events(fields: dict[str, Any]) -> None:
    """Parse every event once without writing, so a bad one leaves no half-imported deal."""
    raw_events = fields.get("events") or []
    if not isinstance(raw_events, list):
        raise RowError("events", "expected a list of events")

    def name_only(name: str) -> int:
        checked("events", check_party_name, name)
        return 0

    for raw in raw_events:
        parse_event(0, raw, {}, name_only)
