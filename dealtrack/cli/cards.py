"""The human cards of ``show`` and ``party show``: labelled lines, then tables of history and deals."""

from typing import Any

from dealtrack.domain.conflicts import conflict_words
from dealtrack.output_columns import EVENTS, compact_value, mark_voided, source_text, words
from dealtrack.render import render_rows
from dealtrack.vocabulary import ROLES

Record = dict[str, Any]


def _lines(pairs: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in pairs) + 2
    return "".join(f"{label + ':':<{width}}{text}\n" for label, text in pairs if text)


def _sources(events: list[Record]) -> str:
    seen: list[str] = []
    for event in events:
        text = source_text(event["source"])
        if text and text not in seen:
            seen.append(text)
    return "; ".join(seen)


def deal_card(record: Record, fmt: str, width: int | None = None, into: str | None = None) -> str:
    status = words(record["status"]) + (f" ({record['reason']})" if record["reason"] else "")
    value = compact_value(record["value"])
    if record["value"]:
        value += f" ({record['value']['basis']})"
        if into is not None:  # show --in CUR: the conversion, with its rate, date and source
            from dealtrack.fx_columns import card_line

            value += "  " + card_line(record["value_in"], into)
    pairs = [
        ("Deal", f"{record['key']} (#{record['id']})"),
        ("Title", record["title"]),
        ("Kind", record["kind"]),
        ("Status", status),
        ("Value", value),
        ("Reported", record["reported"]),
        ("Updated", record["updated"]),
    ]
    for role in ROLES:
        names = [p["name"] for p in record["parties"] if p["role"] == role]
        label = role.capitalize() + ("s" if len(names) > 1 else "")
        pairs.append((label, ", ".join(names)))
    pairs += [("Notes", " | ".join(record["notes"])), ("Sources", _sources(record["events"]))]
    pairs += [("Conflicts", conflict_words(c)) for c in record.get("conflicts", ())]
    text = _lines(pairs)
    fields = ("id", "on", "type", "what", "source", "note")
    events = [EVENTS.flatten(e, fields, fmt) for e in mark_voided(record["events"])]
    text += "\nHistory\n" + render_rows(events, fields, fmt, True, width, EVENTS.cuttable)
    if record["rivals"]:
        rivals = [
            {
                "key": r["key"],
                "acquirers": ", ".join(r["acquirers"]),
                "status": words(r["status"]),
                "value": compact_value(r["value"]),
            }
            for r in record["rivals"]
        ]
        target = record["target"]
        text += f"\nRival deals on {target}\n" + render_rows(
            rivals, ("key", "acquirers", "status", "value"), fmt, True, width, {"acquirers"}
        )
    return text


def party_card(record: Record, fmt: str) -> str:
    pairs = [
        ("Party", record["name"]),
        ("Kind", record["kind"]),
        ("Country", record["country"] or ""),
        ("Parent", record["parent"] or ""),
        ("Aliases", ", ".join(record["aliases"])),
        ("Units", ", ".join(record["units"])),
    ]
    text = _lines(pairs)
    deals = [
        {
            "key": d["key"],
            "role": d["role"],
            "status": words(d["status"]),
            "value": compact_value(d["value"]),
        }
        for d in record["deals"]
    ]
    if deals:
        text += "\nDeals\n" + render_rows(deals, ("key", "role", "status", "value"), fmt, True)
    links = [
        {**link, "direction": link["direction"].replace("_", " ")}
        for link in record.get("links", ())
    ]
    if links:
        columns = ("direction", "kind", "party", "stake", "since", "until", "via")
        text += "\nLinks\n" + render_rows(links, columns, fmt, True)
    return text
