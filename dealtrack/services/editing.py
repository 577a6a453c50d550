"""``edit``: corrections to a deal's title, kind, key, target and reported date, and dated
changes to its roster.

Corrections are not news: they are one ``edit`` event (``changes: {field: [old, new]}``), dated
today, so the history shows what was corrected and when, and they never move ``updated``. A party
joining or leaving a deal is news: a ``party`` event dated when it happened (``--on``), with its
source, and the roster as of any date follows it.
"""

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.changes import apply_roster_change, changes_roster, party_event_fields
from dealtrack.domain.fold import find_identical, roster_on
from dealtrack.errors import Refused
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.services.deals import (
    Recorded,
    Source,
    check_event_date,
    find_deal,
    free_key,
    new_event,
)
from dealtrack.services.ledger import deal_events, recorded_now, refresh, replay_participants
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
    on: PartialDate | None = None  # when the roster changed [default: today]
    source: Source = field(default_factory=Source)  # who reported the roster change


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


def _roster_events(
    session: Session, deal: Deal, edit: DealEdit, on: PartialDate, notices: Notices
) -> list[Event]:
    """The party events of ``--remove`` then ``--add``, judged against the roster in force on
    their date; a change already on file with the same date and source is a re-run, skipped."""
    if not (edit.remove or edit.add):
        return []
    check_event_date(deal, on)
    events = deal_events(session, deal)
    in_force = roster_on(deal, events, on.start)
    named = [("removed", role, get_party(session, name)) for role, name in edit.remove]
    named += [
        ("added", role, resolve_party(session, name, True, notices)) for role, name in edit.add
    ]
    appended: list[Event] = []
    for action, role, party in named:
        change = (action, party.id, role)
        event = Event(
            **party_event_fields(deal.id, change, on, recorded_now(), edit.source.columns())
        )
        if not changes_roster(in_force, change):
            if find_identical(events, event) is not None:
                continue
            state = "already" if action == "added" else "not"
            raise Refused(f'"{party.name}" is {state} {role} in deal "{deal.key}" on {on}')
        apply_roster_change(in_force, change)
        appended.append(event)
    return appended


def edit_deal(
    session: Session, ref: str, edit: DealEdit, today: PartialDate, notices: Notices
) -> Recorded:
    """Apply the corrections (one ``edit`` event, dated today) and the roster changes (one
    ``party`` event each, dated ``edit.on`` or today).

    A roster change is recorded whenever it changes the roster in force on its date, even when
    the same change was made (and undone) before; repeating one that is on file records nothing.
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
    appended += _roster_events(session, deal, edit, edit.on or today, notices)
    session.add_all(appended)
    events = refresh(session, deal)
    if edit.remove or edit.add:
        replay_participants(session, deal, events)
    if not appended:
        notices.add(f'Nothing recorded: deal "{deal.key}" already has these values')
    return Recorded(deal.key, appended[-1].id if appended else None)
