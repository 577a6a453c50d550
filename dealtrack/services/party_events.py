"""A party's own history: its renames and merges as ledger events, and ``party history``.

Renames and merges belong to no deal, like the events of links; they name the party (its id, so
the history follows later renames) and say what changed (``changes``: the names before and after,
as they were spelt then). Neither can be voided: a rename is undone by renaming back, and a merge
moved the duplicate's whole history into the party it duplicated.
"""

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from dealtrack.dates import PartialDate
from dealtrack.link_records import KeyedRecord, link_event_record, order_key
from dealtrack.models import Event, Party
from dealtrack.services.ledger import recorded_now
from dealtrack.services.parties import get_party

if TYPE_CHECKING:
    from dealtrack.services.deals import Source

Record = dict[str, Any]


def party_event(
    kind: str, party_id: int, changes: dict[str, list[str]], on: PartialDate, source: "Source"
) -> Event:
    """A rename or merge event of one party, dated ``on``."""
    outlet, url, attribution = source.columns()
    return Event(
        deal_id=None,
        type=kind,
        on=on.start,
        on_precision=on.precision.value,
        recorded_at=recorded_now(),
        party_id=party_id,
        changes=json.dumps(changes, ensure_ascii=False),
        voided=False,
        source_outlet=outlet,
        source_url=url,
        source_attribution=attribution,
    )


def record_rename(
    session: Session, party: Party, old: str, on: PartialDate, source: "Source"
) -> Event:
    """Record that ``party`` (already renamed) was called ``old``."""
    event = party_event("rename", party.id, {"name": [old, party.name]}, on, source)
    session.add(event)
    session.flush()
    return event


def party_history(session: Session, name: str) -> list[tuple[Record, bool]]:
    """The events of a party (found by name or alias), in ledger order, each with whether it is
    voided: its links as holder or party, its renames and merges, and the voids of any of them."""
    party = get_party(session, name)
    holder, named = aliased(Party), aliased(Party)
    rows = session.execute(
        select(Event, holder.name, named.name)
        .outerjoin(holder, holder.id == Event.holder_id)
        .outerjoin(named, named.id == Event.party_id)
        .where(Event.deal_id.is_(None))
        .where(or_(Event.holder_id == party.id, Event.party_id == party.id))
    ).all()
    keyed: list[KeyedRecord] = [
        (order_key(event), link_event_record(event, h, p), event.voided) for event, h, p in rows
    ]
    keyed += _voids_of(session, [event.id for event, _, _ in rows])
    keyed.sort(key=lambda entry: entry[0])
    return [(record, voided) for _, record, voided in keyed]


def _voids_of(session: Session, event_ids: Sequence[int]) -> list[KeyedRecord]:
    """The voids naming these events, and the voids naming those, down every chain."""
    found: list[KeyedRecord] = []
    named = list(event_ids)
    while named:
        voids = session.scalars(
            select(Event).where(Event.type == "void", Event.voids.in_(named))
        ).all()
        found += [(order_key(v), link_event_record(v, None, None), v.voided) for v in voids]
        named = [void.id for void in voids]
    return found
