"""Deal objects and party records, as ``export`` writes them: full histories, ids and all.

A ledger document imported into an empty ledger reproduces it exactly (ids, keys, events and their
recorded times), so a second export is byte-identical. Into a ledger that already has the deal,
events are matched on (type, on, recorded_at, payload with source): present ones are skipped,
missing ones appended, and events the file lacks are kept. Histories are not re-checked against
the status rules: they already happened.
"""

import json
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack import dates, money, statuses, vocabulary
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

_RECORDED_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
EVENT_TYPES = ("created", "status", "value", "party", "note", "edit", "void")


def is_deal_object(record: dict[str, Any]) -> bool:
    return (
        isinstance(record.get("parties"), list)
        or isinstance(record.get("value"), dict)
        or record.get("type") in ("deal", "party", "ledger")
    )


def _text(record: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise RowError(key, "required")
        return None
    if not isinstance(value, str):
        raise RowError(key, f"expected text, found {type(value).__name__}")
    return value


def _check(key: str, convert: Callable[[str], Any], text: str | None) -> Any:
    if text is None:
        return None
    try:
        return convert(text)
    except ValueError as error:
        raise RowError(key, str(error)) from None


def _value(raw: Any, key: str = "value") -> tuple[int | None, int | None, str | None, str | None]:
    if raw is None:
        return None, None, None, None
    if not isinstance(raw, dict):
        raise RowError(key, "expected an object {amount, high, currency, basis} or null")
    try:
        amount = money.parse_decimal_string(str(raw.get("amount")))
        high = money.parse_decimal_string(str(raw["high"])) if raw.get("high") is not None else None
        currency = money.parse_currency(str(raw.get("currency")))
        basis = vocabulary.parse_term(
            str(raw.get("basis") or "reported"), vocabulary.BASES, "basis"
        )
    except ValueError as error:
        raise RowError(key, str(error)) from None
    if high is not None and high <= amount:
        raise RowError(key, "high must be above amount")
    return amount, high, currency, basis


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
        display = _check("party", check_party_name, name)
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
        party = self.session.get_one(Party, self._party_id(_text(fields, "name", True) or ""))
        kind = _check(
            "kind",
            lambda t: vocabulary.parse_term(t, vocabulary.PARTY_KINDS, "party kind"),
            _text(fields, "kind"),
        )
        party.kind = kind or party.kind
        country = _text(fields, "country")
        if country is not None:
            if len(country) != 2 or not country.isalpha():
                raise RowError("country", f"{country!r} is not an ISO 3166 alpha-2 code")
            party.country = country.upper()
        parent = _text(fields, "parent")
        if parent is not None:
            party.parent_id = self._party_id(parent)
        for alias in fields.get("aliases") or []:
            display = _check("aliases", check_party_name, str(alias))
            key = name_key(display)
            holder = self.snapshot.party_ids.get(key)
            if holder is None:
                self.session.add(Alias(party_id=party.id, name=display, name_key=key))
                self.snapshot.party_ids[key] = party.id
            elif holder != party.id:
                raise RowError("aliases", f'"{display}" is already a name of another party')

    def _deal(self, fields: dict[str, Any]) -> tuple[str, str]:
        target = _text(fields, "target", True) or ""
        parties = fields.get("parties") or [{"name": target, "role": "target"}]
        if not isinstance(parties, list):
            raise RowError("parties", "expected a list of {name, role}")
        roster = []
        for entry in parties:
            if not isinstance(entry, dict):
                raise RowError("parties", "expected a list of {name, role}")
            role = _check(
                "parties",
                lambda t: vocabulary.parse_term(t, vocabulary.ROLES, "role"),
                _text(entry, "role", True),
            )
            roster.append((role, self._party_id(_text(entry, "name", True) or "")))
        target_id = self._party_id(target)
        reported = _check("reported", dates.parse_date, _text(fields, "reported", True))
        key = _check("key", lambda t: t if is_valid_key(t) else _bad_key(t), _text(fields, "key"))
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
            _check(
                "kind",
                lambda t: vocabulary.parse_term(t, vocabulary.KINDS, "deal kind"),
                _text(fields, "kind"),
            )
            or "acquisition"
        )
        status = _check("status", statuses.parse_status, _text(fields, "status")) or "rumored"
        amount, high, currency, basis = _value(fields.get("value"))
        deal = Deal(
            id=deal_id,
            key=key,
            title=None,
            kind=kind,
            target_id=target_id,
            status=status,
            reason=_text(fields, "reason"),
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
        title = _text(fields, "title")
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
            event = self._event(deal, raw, remap)
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

    def _event(self, deal: Deal, raw: Any, remap: dict[int, int]) -> Event:
        if not isinstance(raw, dict):
            raise RowError("events", "expected an event object")
        kind = raw.get("type")
        if kind not in EVENT_TYPES:
            raise RowError(
                "events", f"{kind!r} is not an event type; use one of: {', '.join(EVENT_TYPES)}"
            )
        on = _check("events", dates.parse_date, _text(raw, "on", True))
        recorded_at = _text(raw, "recorded_at", True) or ""
        if not _RECORDED_AT.fullmatch(recorded_at):
            raise RowError(
                "events",
                f"recorded_at {recorded_at!r} is not RFC 3339 UTC with microseconds (2021-02-13T09:30:00.000000Z)",
            )
        source = raw.get("source") or {}
        if not isinstance(source, dict):
            raise RowError("events", "source must be an object {outlet, url, attribution} or null")
        event = Event(
            deal_id=deal.id,
            type=kind,
            on=on.start,
            on_precision=on.precision.value,
            recorded_at=recorded_at,
            voided=False,
            note=_text(raw, "note"),
            source_outlet=_text(source, "outlet"),
            source_url=_text(source, "url"),
            source_attribution=_check(
                "events",
                lambda t: vocabulary.parse_term(t, vocabulary.ATTRIBUTIONS, "attribution"),
                _text(source, "attribution"),
            ),
        )
        if kind in ("created", "status"):
            event.status = _check("events", statuses.parse_status, _text(raw, "status", True))
            event.reason = _text(raw, "reason")
        if kind in ("created", "value"):
            event.amount, event.high, event.currency, event.basis = _value(
                raw.get("value"), "events"
            )
        if kind == "party":
            event.action = (
                raw.get("action")
                if raw.get("action") in ("added", "removed")
                else _bad("action", raw.get("action"))
            )
            event.party_id = self._party_id(_text(raw, "party", True) or "")
            event.role = _check(
                "events",
                lambda t: vocabulary.parse_term(t, vocabulary.ROLES, "role"),
                _text(raw, "role", True),
            )
        if kind == "note":
            event.text = _text(raw, "text", True)
        if kind == "edit":
            event.changes = json.dumps(raw.get("changes") or {}, ensure_ascii=False)
        if kind == "void":
            voids = raw.get("voids")
            if not isinstance(voids, int):
                raise RowError("events", "a void event needs the id of the event it voids")
            event.voids = remap.get(voids, voids)
            event.reason = _text(raw, "reason")
        return event


def _bad_key(text: str) -> str:
    raise ValueError(f"{text!r} is not a valid key; use lowercase letters and digits joined by '-'")


def _bad(field_name: str, value: Any) -> str:
    raise RowError("events", f"{field_name} {value!r} is not valid")
