"""Use cases that record deals and their events: add, status, value, note, void and rm.

Each takes the command's Session (one transaction) and the already-parsed values; every rule of
DESIGN.md §2 that needs the ledger's state is checked here, before anything is written.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.errors import NotFound, Refused
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.money import Amount
from dealtrack.names import derived_key, first_free, is_valid_key
from dealtrack.services.ledger import (
    STATUS_TYPES,
    deal_events,
    effective_on,
    find_identical,
    live,
    recorded_now,
    refresh,
    replay_participants,
)
from dealtrack.services.parties import Notices, refuse_role_clashes, resolve_party
from dealtrack.statuses import describe_changes, is_legal_change
from dealtrack.vocabulary import ROLES


@dataclass(frozen=True, slots=True)
class Source:
    outlet: str | None = None
    url: str | None = None
    attribution: str | None = None

    def columns(self) -> dict[str, str | None]:
        if self.outlet is None and self.url is None and self.attribution is None:
            return {"source_outlet": None, "source_url": None, "source_attribution": None}
        return {
            "source_outlet": self.outlet,
            "source_url": self.url,
            "source_attribution": self.attribution or "unattributed",
        }


@dataclass(frozen=True, slots=True)
class Valuation:
    """A value as recorded: an amount and its basis, or None for undisclosed."""

    amount: Amount | None
    basis: str = "reported"

    def columns(self) -> dict[str, object]:
        if self.amount is None:
            return {"amount": None, "high": None, "currency": None, "basis": None}
        return {
            "amount": self.amount.low,
            "high": self.amount.high,
            "currency": self.amount.currency,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class NewDeal:
    target: str
    on: PartialDate
    parties: tuple[tuple[str, str], ...] = ()  # (role, name) in the order given
    kind: str = "acquisition"
    status: str = "rumored"
    reason: str | None = None
    valuation: Valuation = field(default_factory=lambda: Valuation(None))
    source: Source = field(default_factory=Source)
    note: str | None = None
    key: str | None = None
    title: str | None = None


def find_deal(session: Session, ref: str) -> Deal:
    """A DEAL argument: an id when it is all digits, otherwise a key."""
    deal = (
        session.get(Deal, int(ref))
        if ref.isdigit()
        else session.scalars(select(Deal).where(Deal.key == ref)).first()
    )
    if deal is None:
        raise NotFound(f'no deal "{ref}" (see dealtrack list)')
    return deal


def free_key(session: Session, wanted: str | None, derived: str) -> str | None:
    """The key a new deal gets; None means ``deal-<id>`` once the id is known."""
    if wanted is not None:
        if not is_valid_key(wanted):
            raise Refused(
                f"{wanted!r} is not a valid key; use lowercase letters and digits joined by '-', "
                "with at least one letter (e.g. tiktok-india-jio)"
            )
        if session.scalar(select(Deal.id).where(Deal.key == wanted)):
            raise Refused(f'key "{wanted}" is taken; choose another with --key')
        return wanted
    if not any(c.isalpha() for c in derived):
        return None
    taken = set(session.scalars(select(Deal.key).where(Deal.key.like(f"{derived}%"))))
    return first_free(derived, taken.__contains__)


def _duplicate_of(
    session: Session, target: Party, acquirers: set[int], on: PartialDate
) -> Deal | None:
    candidates = session.scalars(
        select(Deal).where(
            Deal.target_id == target.id,
            Deal.reported == on.start,
            Deal.reported_precision == on.precision.value,
        )
    ).all()
    for deal in candidates:
        theirs = set(
            session.scalars(
                select(Participant.party_id).where(
                    Participant.deal_id == deal.id, Participant.role == "acquirer"
                )
            )
        )
        if theirs == acquirers:
            return deal
    return None


def add_deal(
    session: Session, draft: NewDeal, force_new: bool, create: bool, notices: Notices
) -> Deal:
    """Record a new deal: a ``created`` event, then one ``party`` event per party in role order."""
    refuse_role_clashes(session, draft.target, draft.parties)
    target = resolve_party(session, draft.target, create, notices)
    roles = sorted(
        ((role, resolve_party(session, name, create, notices)) for role, name in draft.parties),
        key=lambda pair: ROLES.index(pair[0]),
    )
    roster: list[tuple[str, Party]] = []
    for role, party in roles:
        if (role, party) not in roster:
            roster.append((role, party))
    acquirers = [party for role, party in roster if role == "acquirer"]
    if not force_new:
        duplicate = _duplicate_of(session, target, {p.id for p in acquirers}, draft.on)
        if duplicate is not None:
            raise Refused(
                f'deal "{duplicate.key}" already records this (same target, acquirers and '
                "reported date); use --new to record another"
            )
    derived = derived_key(target.name, [p.name for p in acquirers])
    key = free_key(session, draft.key, derived)
    deal = Deal(
        key=key or f"pending-{recorded_now()}",
        title=draft.title,
        kind=draft.kind,
        target_id=target.id,
        status=draft.status,
        reason=draft.reason,
        reported=draft.on.start,
        reported_precision=draft.on.precision.value,
        updated=draft.on.start,
        updated_precision=draft.on.precision.value,
    )
    session.add(deal)
    session.flush()
    if key is None:
        # A user's --key may already be deal-<id>; the derived key then gets -2 like any other.
        deal.key = free_key(session, None, f"deal-{deal.id}") or f"deal-{deal.id}"
    stamp = recorded_now()
    common = {"deal_id": deal.id, "recorded_at": stamp, "voided": False, **draft.source.columns()}
    on = {"on": draft.on.start, "on_precision": draft.on.precision.value}
    session.add(
        Event(
            type="created",
            status=draft.status,
            reason=draft.reason,
            note=draft.note,
            **on,
            **common,
            **draft.valuation.columns(),
        )
    )
    for role, party in [("target", target), *roster]:
        session.add(
            Event(type="party", action="added", party_id=party.id, role=role, **on, **common)
        )
        if role != "target":
            session.add(Participant(deal_id=deal.id, party_id=party.id, role=role))
    refresh(session, deal)
    return deal


def _check_date(deal: Deal, on: PartialDate) -> None:
    if on.start < deal.reported:
        raise Refused(
            f'{on} is before deal "{deal.key}" was reported '
            f"({from_storage(deal.reported, deal.reported_precision)}); "
            "date the event on or after it"
        )


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a recording use case did: the event it appended (None when identical to one on file)."""

    deal_key: str
    event_id: int | None


def record(session: Session, deal: Deal, event: Event, notices: Notices) -> Recorded:
    appended = append_event(session, deal, event, notices)
    return Recorded(deal.key, appended.id if appended is not None else None)


def append_event(session: Session, deal: Deal, event: Event, notices: Notices) -> Event | None:
    """Append an event unless an identical one exists (so scripts can be re-run)."""
    events = deal_events(session, deal)
    if find_identical(events, event) is not None:
        notices.add(f'Nothing recorded: deal "{deal.key}" already has this {event.type} event')
        return None
    session.add(event)
    refresh(session, deal)
    return event


def new_event(
    deal: Deal, kind: str, on: PartialDate, source: Source, note: str | None, **payload: object
) -> Event:
    return Event(
        deal_id=deal.id,
        type=kind,
        on=on.start,
        on_precision=on.precision.value,
        recorded_at=recorded_now(),
        voided=False,
        note=note,
        **source.columns(),
        **payload,
    )


def change_status(
    session: Session,
    ref: str,
    status: str,
    on: PartialDate,
    reason: str | None,
    source: Source,
    note: str | None,
    force: bool,
    notices: Notices,
) -> Recorded:
    """Record a status change, legal from the status in force on its date and into the next one."""
    deal = find_deal(session, ref)
    _check_date(deal, on)
    statuses = live(deal_events(session, deal), STATUS_TYPES)
    before = [e for e in statuses if effective_on(e, deal) <= on.start]
    after = [e for e in statuses if effective_on(e, deal) > on.start]
    in_force = (before or statuses)[-1].status or "rumored"
    if not force and not is_legal_change(in_force, status):
        raise Refused(
            f'deal "{deal.key}" is {in_force} on {on}; {describe_changes(in_force)} '
            "(use --force to record it anyway)"
        )
    if not force and after and not is_legal_change(status, after[0].status or "rumored"):
        later = after[0]
        later_on = from_storage(later.on, later.on_precision)
        raise Refused(
            f'deal "{deal.key}" becomes {later.status} on {later_on}, which cannot '
            f"follow {status} (use --force to record it anyway)"
        )
    return record(
        session,
        deal,
        new_event(deal, "status", on, source, note, status=status, reason=reason),
        notices,
    )


def change_value(
    session: Session,
    ref: str,
    valuation: Valuation,
    on: PartialDate,
    source: Source,
    note: str | None,
    notices: Notices,
) -> Recorded:
    deal = find_deal(session, ref)
    _check_date(deal, on)
    return record(
        session, deal, new_event(deal, "value", on, source, note, **valuation.columns()), notices
    )


def add_note(
    session: Session, ref: str, text: str, on: PartialDate, source: Source, notices: Notices
) -> Recorded:
    deal = find_deal(session, ref)
    _check_date(deal, on)
    return record(session, deal, new_event(deal, "note", on, source, None, text=text), notices)


VOIDABLE = ("status", "value", "note", "party")


def void_event(session: Session, event_id: int, reason: str, today: PartialDate) -> Event:
    """Mark a mistaken event void with a ``void`` event, then recompute the deal's state."""
    target = session.get(Event, event_id)
    if target is None:
        raise NotFound(f"no event {event_id} (see dealtrack history)")
    deal = session.get_one(Deal, target.deal_id)
    if target.voided:
        raise Refused(f"event {event_id} is already void")
    if target.type not in VOIDABLE or target.role == "target":
        article = "an" if target.type == "edit" else "a"
        what = "the deal's target" if target.role == "target" else f"{article} {target.type} event"
        raise Refused(
            f"event {event_id} is {what} and cannot be voided; correct it with dealtrack edit, "
            "or remove the deal with dealtrack rm"
        )
    target.voided = True
    void = new_event(deal, "void", today, Source(), None, voids=event_id, reason=reason)
    session.add(void)
    events = refresh(session, deal)
    if target.type == "party":
        replay_participants(session, deal, events)
    return void


def remove_deal(session: Session, ref: str) -> Deal:
    deal = find_deal(session, ref)
    session.delete(deal)
    session.flush()
    return deal
