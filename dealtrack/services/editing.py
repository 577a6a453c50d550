"""``edit``: corrections to a deal's title, kind, key, target, reported date and parties.

Edits are corrections, not news: each is an ``edit`` event (``changes: {field: [old, new]}``) or a
``party`` event, dated today, so the history shows who was corrected and when.
"""

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.errors import Refused
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.services.deals import Recorded, Source, find_deal, free_key, new_event
from dealtrack.services.ledger import deal_events, refresh
from dealtrack.services.parties import (
    Notices,
    find_party,
    get_party,
    refuse_role_clashes,
    resolve_party,
)


@dataclass(frozen=True)
class DealEdit:
    title: str | None = None
    kind: str | None = None
    key: str | None = None
    target: str | None = None
    reported: PartialDate | None = None
    add: tuple[tuple[str, str], ...] = ()  # (role, name)
    remove: tuple[tuple[str, str], ...] = ()


def _earliest_other(session: Session, deal: Deal) -> PartialDate | None:
    """The first event after the deal's creation that reports news (edits and voids are dated today)."""
    events = deal_events(session, deal)
    created_at = next(e.recorded_at for e in events if e.type == "created")
    dates = [
        from_storage(e.on, e.on_precision)
        for e in events
        if e.type in ("status", "value", "note", "party") and e.recorded_at != created_at
    ]
    return min(dates, default=None)


def _field_changes(
    session: Session, deal: Deal, edit: DealEdit, notices: Notices
) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {}
    if edit.title is not None and edit.title != deal.title:
        changes["title"] = [deal.title, edit.title]
        deal.title = edit.title
    if edit.kind is not None and edit.kind != deal.kind:
        changes["kind"] = [deal.kind, edit.kind]
        deal.kind = edit.kind
    if edit.key is not None and edit.key != deal.key:
        new_key = free_key(session, edit.key, edit.key)
        changes["key"] = [deal.key, new_key]
        deal.key = new_key or deal.key
    if edit.target is not None:
        target = resolve_party(session, edit.target, True, notices)
        if target.id != deal.target_id:
            old = session.get_one(Party, deal.target_id)
            changes["target"] = [old.name, target.name]
            deal.target_id = target.id
    if edit.reported is not None and (
        edit.reported.start != deal.reported
        or edit.reported.precision.value != deal.reported_precision
    ):
        _check_reported(session, deal, edit.reported)
        changes["reported"] = [
            str(from_storage(deal.reported, deal.reported_precision)),
            str(edit.reported),
        ]
        deal.reported, deal.reported_precision = edit.reported.start, edit.reported.precision.value
    return changes


def _check_reported(session: Session, deal: Deal, reported: PartialDate) -> None:
    earliest = _earliest_other(session, deal)
    if earliest is not None and reported.start > earliest.start:
        raise Refused(
            f'deal "{deal.key}" has an event on {earliest}; --reported may not move past it'
        )


def _refuse_role_clashes(session: Session, deal: Deal, edit: DealEdit) -> None:
    """The roster the edit leaves (target, removals and additions applied) must be one a deal
    may have; checked before the edit creates any party it names."""
    if edit.target is None and not edit.add:
        return  # removing parties cannot make roles clash
    removed = {(role, find_party(session, name)) for role, name in edit.remove}
    participants = session.scalars(
        select(Participant).where(Participant.deal_id == deal.id).order_by(Participant.id)
    )
    kept = [(p.role, session.get_one(Party, p.party_id)) for p in participants]
    roles = [(role, party.name) for role, party in kept if (role, party) not in removed]
    target = edit.target or session.get_one(Party, deal.target_id).name
    refuse_role_clashes(session, target, [*roles, *edit.add])


def edit_deal(
    session: Session, ref: str, edit: DealEdit, today: PartialDate, notices: Notices
) -> Recorded:
    """Apply the corrections; each changed field and each party change is one event.

    Events are added without append_event's identical-event check: each one records a change
    the deal really underwent, even when the same change was made (and undone) earlier today.
    """
    deal = find_deal(session, ref)
    _refuse_role_clashes(session, deal, edit)
    changes = _field_changes(session, deal, edit, notices)
    appended: list[Event] = []
    if changes:
        appended.append(
            new_event(
                deal, "edit", today, Source(), None, changes=json.dumps(changes, ensure_ascii=False)
            )
        )
        session.add(appended[-1])
    for role, name in edit.remove:
        party = get_party(session, name)
        participant = session.scalars(
            select(Participant).where(
                Participant.deal_id == deal.id,
                Participant.party_id == party.id,
                Participant.role == role,
            )
        ).first()
        if participant is None:
            raise Refused(f'"{party.name}" is not {role} in deal "{deal.key}"')
        session.delete(participant)
        appended.append(
            new_event(
                deal, "party", today, Source(), None, action="removed", party_id=party.id, role=role
            )
        )
        session.add(appended[-1])
    for role, name in edit.add:
        party = resolve_party(session, name, True, notices)
        exists = session.scalar(
            select(Participant.id).where(
                Participant.deal_id == deal.id,
                Participant.party_id == party.id,
                Participant.role == role,
            )
        )
        if exists:
            raise Refused(f'"{party.name}" is already {role} in deal "{deal.key}"')
        session.add(Participant(deal_id=deal.id, party_id=party.id, role=role))
        appended.append(
            new_event(
                deal, "party", today, Source(), None, action="added", party_id=party.id, role=role
            )
        )
        session.add(appended[-1])
    refresh(session, deal)
    if not appended:
        notices.add(f'Nothing recorded: deal "{deal.key}" already has these values')
    return Recorded(deal.key, appended[-1].id if appended else None)
