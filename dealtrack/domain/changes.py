"""The event a change to an existing deal makes (status, value, note, party, edit, void): its
columns, built one way for the recording commands and for import rows that update a deal."""

from typing import Any

from dealtrack.dates import PartialDate
from dealtrack.domain.new_deal import SourceColumns


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
