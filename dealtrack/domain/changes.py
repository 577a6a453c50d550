"""The event a change to an existing deal makes (status, value, note, party, edit, void): its
columns, built one way for the recording commands and for import rows that update a deal; and the
roster changes (``party`` events) that ``edit --add/--remove`` and import rows make."""

from collections.abc import Container, Iterable, Sequence
from typing import Any

from dealtrack.dates import PartialDate
from dealtrack.domain.new_deal import SourceColumns

RosterChange = tuple[str, int, str]  # (action: "added" or "removed", party id, role)
Pair = tuple[int, str]  # (party id, role), as the fold's roster holds them


def event_fields(
    deal_id: int,
    kind: str,
    on: PartialDate,
    recorded_at: str,
    source: SourceColumns,
    note: str | None = None,
    **payload: Any,
) -> dict[str, Any]:
    """An event's columns: its type, date and time of recording, source, note and payload."""
    outlet, url, attribution = source
    return {
        "deal_id": deal_id,
        "type": kind,
        "on": on.start,
        "on_precision": on.precision.value,
        "recorded_at": recorded_at,
        "voided": False,
        "note": note,
        "source_outlet": outlet,
        "source_url": url,
        "source_attribution": attribution,
        **payload,
    }


def party_event_fields(
    deal_id: int, change: RosterChange, on: PartialDate, recorded_at: str, source: SourceColumns
) -> dict[str, Any]:
    """The ``party`` event of a roster change, dated when the roster changed."""
    action, party_id, role = change
    return event_fields(
        deal_id, "party", on, recorded_at, source, action=action, party_id=party_id, role=role
    )


def changes_roster(in_force: Container[Pair], change: RosterChange) -> bool:
    """Whether the change changes the roster in force: it adds a party not yet in that role, or
    removes one that is."""
    action, party_id, role = change
    return ((party_id, role) in in_force) == (action == "removed")


def apply_roster_change(in_force: dict[Pair, None], change: RosterChange) -> None:
    action, party_id, role = change
    if action == "added":
        in_force[(party_id, role)] = None
    else:
        in_force.pop((party_id, role), None)


def changes_to_reach(
    in_force: Iterable[Pair], role: str, wanted: Sequence[int]
) -> list[RosterChange]:
    """The changes that make ``wanted`` the complete set of parties in ``role``: the removal of
    each party in force in that role but not wanted (in roster order), then the addition of each
    wanted one not in force (in the order given, once)."""
    present = [party for party, held in in_force if held == role]
    changes: list[RosterChange] = [
        ("removed", party, role) for party in present if party not in wanted
    ]
    changes += [("added", party, role) for party in dict.fromkeys(wanted) if party not in present]
    return changes
