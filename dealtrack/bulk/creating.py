"""Deals an import creates from flat rows, written as plain tuples (no ORM objects, no queries).

A new deal gets the same ledger ``add`` would give it: a ``created`` event, then one ``party``
event per party in role order. When the row's ``date`` is after ``reported``, the deal is created
rumored on ``reported`` and its status and value follow on ``date``.
"""

from typing import Any

from dealtrack.bulk.matching import Group, Matcher
from dealtrack.bulk.rows import FlatRow
from dealtrack.bulk.writer import BulkWriter
from dealtrack.names import name_key
from dealtrack.vocabulary import ROLES

_ROLE_ORDER = ROLES[1:]


def source_of(row: FlatRow) -> tuple[str | None, str | None, str | None]:
    if row.outlet is None and row.url is None and row.attribution is None:
        return None, None, None
    return row.outlet, row.url, row.attribution or "unattributed"


def value_of(row: FlatRow) -> tuple[int | None, int | None, str | None, str | None]:
    if row.value is None:
        return None, None, None, None
    return row.value.low, row.value.high, row.value.currency, row.basis or "reported"


def default_title(target: str, acquirers: list[str]) -> str:
    return f"{target} / {', '.join(acquirers)}" if acquirers else target


def _party(matcher: Matcher, writer: BulkWriter, display: str) -> int:
    party_id, new = matcher.snapshot.party(display, name_key(display))
    if new:
        writer.parties.rows.append((party_id, display, name_key(display), "company"))
        writer.counted(1)
    return party_id


def create_deal(matcher: Matcher, writer: BulkWriter, group: Group, recorded_at: str) -> str:
    """Append the tuples of one new deal to the writer's buffers; returns its key."""
    row = group.row
    snapshot = matcher.snapshot
    assert row.target is not None and row.reported is not None  # checked when matched
    deal_id = snapshot.allocate_deal()
    key = matcher.new_key(row, deal_id)
    target_id = _party(matcher, writer, row.target)
    roster = [
        (role, _party(matcher, writer, name))
        for role in _ROLE_ORDER
        for name in row.roles.get(role, ())
    ]
    reported, precision = row.reported.start, row.reported.precision.value
    date = row.date or row.reported
    later = date.start > reported
    status = row.status or "rumored"
    outlet, url, attribution = source_of(row)
    amount, high, currency, basis = value_of(row)
    events: list[tuple[Any, ...]] = []
    event_id = snapshot.allocate_events(
        1
        + 1
        + len(roster)
        + (later and status != "rumored")
        + (later and row.value_given)
        + (row.notes is not None)
    )

    def add(kind: str, on: Any, on_precision: str, **payload: Any) -> None:
        nonlocal event_id
        events.append(
            (
                event_id,
                deal_id,
                kind,
                on,
                on_precision,
                recorded_at,
                payload.get("status"),
                payload.get("reason"),
                payload.get("amount"),
                payload.get("high"),
                payload.get("currency"),
                payload.get("basis"),
                payload.get("action"),
                payload.get("party_id"),
                payload.get("role"),
                payload.get("text"),
                None,
                None,
                False,
                outlet,
                url,
                attribution,
                None,
            )
        )
        event_id += 1

    if later:
        add("created", reported, precision, status="rumored")
    else:
        add(
            "created",
            reported,
            precision,
            status=status,
            reason=row.reason,
            amount=amount,
            high=high,
            currency=currency,
            basis=basis,
        )
    for role, party_id in [("target", target_id), *roster]:
        add("party", reported, precision, action="added", party_id=party_id, role=role)
    if later and status != "rumored":
        add("status", date.start, date.precision.value, status=status, reason=row.reason)
    if later and row.value_given:
        add(
            "value",
            date.start,
            date.precision.value,
            amount=amount,
            high=high,
            currency=currency,
            basis=basis,
        )
    if row.notes is not None:
        add("note", date.start, date.precision.value, text=row.notes)
    updated = date if (later or row.notes is not None) else row.reported
    acquirers = row.roles.get("acquirer", [])
    title = row.title if row.title and row.title != default_title(row.target, acquirers) else None
    writer.deals.rows.append(
        (
            deal_id,
            key,
            title,
            row.kind or "acquisition",
            target_id,
            status,
            row.reason,
            amount,
            high,
            currency,
            basis,
            reported,
            precision,
            updated.start,
            updated.precision.value,
        )
    )
    writer.participants.rows.extend((deal_id, party_id, role) for role, party_id in roster)
    writer.events.rows.extend(events)
    writer.counted(1 + len(roster) + len(events))
    return key
