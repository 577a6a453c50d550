"""Fields of deal objects and their events, checked one by one with the field named in errors.

Kept apart from the ledger logic in ``documents`` so each stays small: this module only turns
JSON values into validated Python values (or a RowError naming the field).
"""

import json
import re
from collections.abc import Callable
from typing import Any

from dealtrack import dates, money, statuses, vocabulary
from dealtrack.bulk.matching import RowError
from dealtrack.domain.fold import encode_roster
from dealtrack.domain.json_values import json_date_text, json_type
from dealtrack.models import Event
from dealtrack.names import check_party_name, invalid_key_message
from dealtrack.vocabulary import EVENT_TYPES, ROLES, STATUS_TYPES

_RECORDED_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


# The sections of a ledger document other than its deals; their records are never flat rows.
SECTIONS = ("parties", "links", "fx_rates")


def is_deal_object(record: dict[str, Any]) -> bool:
    return (
        isinstance(record.get("parties"), list)
        or isinstance(record.get("value"), dict)
        or record.get("type") in ("deal", "party", "link", "fx_rate", "ledger")
    )


def text_field(record: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise RowError(key, "required")
        return None
    if type(value) is not str:
        raise RowError(key, f"expected text, found {json_type(value)}")
    if "\x00" in value:
        raise RowError(key, "contains a NUL byte; remove it")
    return value


def date_field(record: dict[str, Any], key: str) -> str:
    """A required date as text, or a bare integer year (2021 means "2021")."""
    value = record.get(key)
    if value is None or type(value) is str:
        return text_field(record, key, True) or ""
    try:
        return json_date_text(value)
    except ValueError as error:
        raise RowError(key, str(error)) from None


def checked(key: str, convert: Callable[[str], Any], text: str | None) -> Any:
    if text is None:
        return None
    try:
        return convert(text)
    except ValueError as error:
        raise RowError(key, str(error)) from None


def value_fields(
    raw: Any, key: str = "value"
) -> tuple[int | None, int | None, str | None, str | None]:
    if raw is None:
        return None, None, None, None
    if not isinstance(raw, dict):
        raise RowError(key, "expected an object {amount, high, currency, basis} or null")
    try:
        amount = money.parse_decimal_string(_money_text(raw, "amount"))
        high = (
            money.parse_decimal_string(_money_text(raw, "high"))
            if raw.get("high") is not None
            else None
        )
        currency = money.parse_currency(_money_text(raw, "currency"))
        basis = vocabulary.parse_basis(_money_text(raw, "basis"))
    except ValueError as error:
        raise RowError(key, str(error)) from None
    if high is not None and high <= amount:
        raise RowError(key, "high must be above amount")
    return amount, high, currency, basis


def _money_text(value: dict[str, Any], name: str) -> str:
    """A part of a value object as text: amounts are decimal strings, as export writes them
    (a JSON number would carry a float's rounding); a missing basis is "reported"."""
    part = value.get(name)
    if name == "basis" and part in (None, ""):
        return "reported"
    if type(part) is str:
        return part
    example = ' such as "3000000000.00"' if name in ("amount", "high") else ""
    found = "nothing" if part is None else json_type(part)
    raise ValueError(f"{name}: expected text{example}, found {found}")


def recorded_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """An event object's recorded time and source, checked, as the event's columns: shared by
    the events of deals, of links and of parties."""
    recorded_at = text_field(raw, "recorded_at", True) or ""
    if not _RECORDED_AT.fullmatch(recorded_at):
        raise RowError(
            "events",
            f"recorded_at {recorded_at!r} is not RFC 3339 UTC with microseconds "
            "(2021-02-13T09:30:00.000000Z)",
        )
    source = raw.get("source") or {}
    if not isinstance(source, dict):
        raise RowError("events", "source must be an object {outlet, url, attribution} or null")
    return {
        "recorded_at": recorded_at,
        "source_outlet": text_field(source, "outlet"),
        "source_url": text_field(source, "url"),
        "source_attribution": checked(
            "events", vocabulary.parse_attribution, text_field(source, "attribution")
        ),
    }


def parse_event(
    deal_id: int, raw: Any, remap: dict[int, int], party_id: Callable[[str], int]
) -> Event:
    """One event of a deal object, checked field by field; ``remap`` maps the file's event ids."""
    if not isinstance(raw, dict):
        raise RowError("events", "expected an event object")
    kind = raw.get("type")
    if kind not in EVENT_TYPES:
        raise RowError(
            "events", f"{kind!r} is not an event type; use one of: {', '.join(EVENT_TYPES)}"
        )
    on = checked("events", dates.parse_date, text_field(raw, "on", True))
    event = Event(
        deal_id=deal_id,
        type=kind,
        on=on.start,
        on_precision=on.precision.value,
        voided=False,
        note=text_field(raw, "note"),
        **recorded_fields(raw),
    )
    if kind in STATUS_TYPES:
        event.status = checked("events", statuses.parse_status, text_field(raw, "status", True))
        event.reason = text_field(raw, "reason")
    if kind in ("created", "value"):
        event.amount, event.high, event.currency, event.basis = value_fields(
            raw.get("value"), "events"
        )
    if kind == "created" and raw.get("parties") is not None:
        # A version 1 history has none: its roster is party events, folded by the caller.
        # Stored target first, then in role order, as every created event is: the file's order
        # must not make one roster look like another when events are matched.
        entries = sorted(roster_entries(raw["parties"], "events"), key=lambda e: ROLES.index(e[0]))
        event.parties = encode_roster([(party_id(name), role) for role, name in entries])
    if kind == "party":
        event.action = (
            raw.get("action")
            if raw.get("action") in ("added", "removed")
            else _bad("action", raw.get("action"))
        )
        event.party_id = party_id(text_field(raw, "party", True) or "")
        event.role = checked(
            "events",
            vocabulary.parse_role,
            text_field(raw, "role", True),
        )
    if kind == "note":
        event.text = text_field(raw, "text", True)
    if kind == "edit":
        event.changes = json.dumps(raw.get("changes") or {}, ensure_ascii=False)
    if kind == "void":
        voids = raw.get("voids")
        if not isinstance(voids, int):
            raise RowError("events", "a void event needs the id of the event it voids")
        event.voids = remap.get(voids, voids)
        event.reason = text_field(raw, "reason")
    return event


def bad_key(text: str) -> str:
    raise ValueError(invalid_key_message(text))


def _bad(field_name: str, value: Any) -> str:
    raise RowError("events", f"{field_name} {value!r} is not valid")


def named_parties(fields: dict[str, Any], target: str) -> list[tuple[str, str]]:
    """The (role, name) pairs of a deal object's ``parties``, checked."""
    return roster_entries(fields.get("parties") or [{"name": target, "role": "target"}], "parties")


def roster_entries(parties: Any, field_name: str) -> list[tuple[str, str]]:
    """(role, name) pairs of a list of ``{name, role}`` (a deal's parties, a created roster)."""
    if not isinstance(parties, list) or not all(isinstance(p, dict) for p in parties):
        raise RowError(field_name, "expected a list of {name, role}")
    named = []
    for entry in parties:
        role = checked(
            field_name,
            vocabulary.parse_role,
            text_field(entry, "role", True),
        )
        name = checked(field_name, check_party_name, text_field(entry, "name", True))
        named.append((role, name))
    return named


def check_events(fields: dict[str, Any]) -> None:
    """Parse every event once without writing, so a bad one leaves no half-imported deal."""
    raw_events = fields.get("events") or []
    if not isinstance(raw_events, list):
        raise RowError("events", "expected a list of events")

    def name_only(name: str) -> int:
        checked("events", check_party_name, name)
        return 0

    for raw in raw_events:
        parse_event(0, raw, {}, name_only)
