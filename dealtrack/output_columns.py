"""Table and csv/tsv columns: which columns each command shows, and how each cell reads.

Tables are for people (status in words, compact money); csv/tsv are for programs (slugs, exact
decimal strings beside their currency). ``--fields`` chooses among a view's columns.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dealtrack.domain.links import describe_link_event
from dealtrack.domain.parties import describe_party_event
from dealtrack.money import Amount, format_compact, format_total
from dealtrack.render import FLAT_FORMATS
from dealtrack.statuses import STATUSES, status_words

Record = Mapping[str, Any]


def _hundredths(text: str) -> int:
    """Hundredths of a decimal string we wrote; unbounded, as report totals may pass 64 bits."""
    return int(Decimal(text) * 100)


def compact_value(value: Record | None) -> str:
    if value is None:
        return "undisclosed"
    return format_compact(_amount(value))


def _amount(value: Record) -> Amount:
    high = _hundredths(value["high"]) if value["high"] is not None else None
    return Amount(_hundredths(value["amount"]), high, value["currency"])


def words(status: str | None) -> str:
    return status_words(status) if status in STATUSES else (status or "")


def _names(record: Record, role: str) -> list[str]:
    return [p["name"] for p in record["parties"] if p["role"] == role]


def _value_part(part: str) -> Callable[[Record], Any]:
    return lambda r: r["value"][part] if r["value"] else None


DEAL_COLUMNS: dict[str, Callable[[Record], Any]] = {
    "id": lambda r: r["id"],
    "key": lambda r: r["key"],
    "title": lambda r: r["title"],
    "kind": lambda r: r["kind"],
    "status": lambda r: r["status"],
    "reason": lambda r: r["reason"],
    "target": lambda r: r["target"],
    "acquirers": lambda r: _names(r, "acquirer"),
    "sellers": lambda r: _names(r, "seller"),
    "advisers": lambda r: _names(r, "adviser"),
    "backers": lambda r: _names(r, "backer"),
    "others": lambda r: _names(r, "other"),
    "value": lambda r: compact_value(r["value"]),
    "amount": _value_part("amount"),
    "high": _value_part("high"),
    "currency": _value_part("currency"),
    "basis": _value_part("basis"),
    "reported": lambda r: r["reported"],
    "updated": lambda r: r["updated"],
    "notes": lambda r: r["notes"],
}
DEAL_TABLE = ("id", "key", "status", "value", "target", "acquirers", "reported", "updated")
DEAL_FLAT = tuple(f for f in DEAL_COLUMNS if f != "value")


def describe(event: Record) -> str:
    """One line saying what an event changed, for the history table."""
    kind = event["type"]
    if kind == "created":
        roster = ", ".join(f"{p['name']} ({p['role']})" for p in event["parties"])
        text = f"created {words(event['status'])} with {roster}"
        if event["value"] is not None:
            text += f", valued at {compact_value(event['value'])}"
    elif kind == "status":
        text = words(event["status"])
    elif kind == "value":
        text = f"value {compact_value(event['value'])}"
    elif kind == "party":
        text = f"{event['action']} {event['role']} {event['party']}"
    elif kind == "note":
        text = f"note: {event['text']}"
    elif kind in ("link", "unlink"):
        text = describe_link_event(event)
    elif kind in ("rename", "merge"):
        text = describe_party_event(event)
    elif kind == "edit":
        text = "; ".join(
            f"{k}: {old or '(default)'} → {new}" for k, (old, new) in event["changes"].items()
        )
    else:
        text = f"voids event {event['voids']}"
    reason = event.get("reason")
    return f"{text} ({reason})" if reason else text


def mark_voided(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events as tables show them: a voided one stays visible, its type marked ``(void)``."""
    naming: dict[Any, list[Any]] = {}
    for event in events:
        if event["type"] == "void":
            naming.setdefault(event.get("voids"), []).append(event["id"])

    def is_void(event_id: Any) -> bool:
        # a void of a link's event may itself be voided, which brings that event back
        return any(not is_void(void) for void in naming.get(event_id, ()))

    return [{**e, "voided": True} if is_void(e["id"]) else e for e in events]


def source_text(source: Record | None) -> str:
    if source is None:
        return ""
    outlet = source["outlet"] or ""
    attribution = source["attribution"]
    shown = f"{outlet} ({attribution})" if attribution and attribution != "unattributed" else outlet
    return shown.strip()


EVENT_COLUMNS: dict[str, Callable[[Record], Any]] = {
    "id": lambda e: e["id"],
    "deal": lambda e: e["deal"],
    "type": lambda e: f"{e['type']} (void)" if e.get("voided") else e["type"],
    "on": lambda e: e["on"],
    "recorded_at": lambda e: e["recorded_at"],
    "what": describe,
    "status": lambda e: e.get("status"),
    "reason": lambda e: e.get("reason"),
    "amount": lambda e: (e.get("value") or {}).get("amount"),
    "high": lambda e: (e.get("value") or {}).get("high"),
    "currency": lambda e: (e.get("value") or {}).get("currency"),
    "basis": lambda e: (e.get("value") or {}).get("basis"),
    "action": lambda e: e.get("action"),
    "party": lambda e: e.get("party"),
    "role": lambda e: e.get("role"),
    "parties": lambda e: "; ".join(f"{p['name']} ({p['role']})" for p in e.get("parties") or ()),
    "text": lambda e: e.get("text"),
    "voids": lambda e: e.get("voids"),
    "source": lambda e: source_text(e["source"]),
    "outlet": lambda e: (e["source"] or {}).get("outlet"),
    "url": lambda e: (e["source"] or {}).get("url"),
    "attribution": lambda e: (e["source"] or {}).get("attribution"),
    "note": lambda e: e["note"],
}
EVENT_TABLE = ("id", "on", "deal", "type", "what", "source", "note")
EVENT_FLAT = tuple(f for f in EVENT_COLUMNS if f not in ("what", "source"))

REPORT_COLUMNS: dict[str, Callable[[Record], Any]] = {
    "group": lambda r: r["group"],
    "deals": lambda r: r["deals"],
    "currency": lambda r: r["currency"],
    "currency_deals": lambda r: r["currency_deals"],
    "folded": lambda r: r["folded"],
    "amount": lambda r: r["amount"],
    "high": lambda r: r["high"],
    "total": lambda r: format_total(_amount(r["value"])) if r["value"] else "",
}
REPORT_TABLE = ("group", "deals", "total", "folded")
REPORT_FLAT = ("group", "deals", "currency", "currency_deals", "folded", "amount", "high")


def report_rows(groups: Sequence[Record]) -> list[dict[str, Any]]:
    """One row per (group, currency); a group with no disclosed value gets one row of its own."""
    rows: list[dict[str, Any]] = []
    for group in groups:
        totals = group["totals"] or [None]
        for total in totals:
            value = None
            if total is not None:
                value = {
                    "amount": total["amount"],
                    "currency": total["currency"],
                    "basis": None,
                    "high": total["high"] if total["high"] != total["amount"] else None,
                }
            rows.append(
                {
                    "group": group["group"],
                    "deals": group["deals"],
                    "currency": total["currency"] if total else None,
                    "currency_deals": total["deals"] if total else None,
                    # Rival bids whose value the total left out (only the largest counts).
                    "folded": total["folded"] if total else None,
                    "amount": total["amount"] if total else None,
                    "high": total["high"] if total else None,
                    "value": value,
                }
            )
    return rows


def report_fields(
    rows: Sequence[Record], fmt: str, chosen: tuple[str, ...] | None, table: Sequence[str]
) -> Any:
    """The report's columns: a table shows ``folded`` (and ``unconverted``) only when some row
    has one, so an everyday report reads group, deals, total."""
    if chosen or fmt in FLAT_FORMATS:
        return chosen
    rare = ("folded", "unconverted")
    return tuple(f for f in table if f not in rare or any(row.get(f) for row in rows))


@dataclass(frozen=True)
class View:
    """The columns of one kind of record: all of them, and the ones a table shows by default."""

    columns: Mapping[str, Callable[[Record], Any]]
    table: tuple[str, ...]
    flat: tuple[str, ...]
    # Cells that read differently in a table for people than in csv/tsv for programs.
    table_cells: Mapping[str, Callable[[Record], Any]] = field(default_factory=dict)
    # Free-text columns a table may cut to fit a terminal; keys, statuses and money never are.
    cuttable: frozenset[str] = frozenset()

    def fields(self, fmt: str, chosen: tuple[str, ...] | None) -> tuple[str, ...]:
        if chosen:
            return chosen
        return self.flat if fmt in FLAT_FORMATS else self.table

    def flatten(self, record: Record, fields: Sequence[str], fmt: str) -> dict[str, Any]:
        if fmt in FLAT_FORMATS:
            return {f: self.columns[f](record) for f in fields}
        row = {f: self.table_cells.get(f, self.columns[f])(record) for f in fields}
        if "status" in row:
            row["status"] = words(row["status"])
        return row


NAMES = frozenset({"target", "acquirers", "sellers", "advisers", "backers", "others"})
DEALS = View(DEAL_COLUMNS, DEAL_TABLE, DEAL_FLAT, cuttable=NAMES | {"title", "reason", "notes"})
EVENTS = View(
    EVENT_COLUMNS,
    EVENT_TABLE,
    EVENT_FLAT,
    cuttable=frozenset({"what", "source", "note", "reason", "party", "parties", "text", "url"}),
)
# A table leaves the folded count blank where no rival was folded, so the few that were stand out.
REPORT = View(REPORT_COLUMNS, REPORT_TABLE, REPORT_FLAT, {"folded": lambda r: r["folded"] or ""})
