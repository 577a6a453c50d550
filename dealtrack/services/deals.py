"""Use cases that record deals and their events: add, status, value, note, void and rm.

Each takes the command's Session (one transaction) and the already-parsed values; the rules that
need the ledger's state are checked, through the core, before anything is written.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate, from_storage
from dealtrack.domain.changes import event_fields
from dealtrack.domain.duplicates import NaturalKey, is_duplicate, natural_key
from dealtrack.domain.fold import (
    find_identical,
)
from dealtrack.domain.new_deal import (
    Opening,
    SourceColumns,
    derived_deal_key,
    new_deal_rows,
    source_columns,
    stored_title,
    value_columns,
)
from dealtrack.domain.status_changes import status_change_problem
from dealtrack.errors import NotFound, Refused
from dealtrack.ids import allocate_ids
from dealtrack.models import Deal, Event, Participant, Party
from dealtrack.money import Amount
from dealtrack.names import did_you_mean, first_free, invalid_key_message, is_valid_key
from dealtrack.search_index import forget, reindex_deals
from dealtrack.services.ledger import deal_events, recorded_now, refresh, replay_participants
from dealtrack.services.parties import Notices, refuse_role_clashes, resolve_party
from dealtrack.vocabulary import ROLES
from dealtrack.writer import BulkWriter


@dataclass(frozen=True, slots=True)
class Source:
    outlet: str | None = None
    url: str | None = None
    attribution: str | None = None

    def columns(self) -> SourceColumns:
        return source_columns(self.outlet, self.url, self.attribution)


@dataclass(frozen=True, slots=True)
class Valuation:
    """A value as recorded: an amount and its basis, or None for undisclosed."""

    amount: Amount | None
    basis: str = "reported"

    def columns(self) -> dict[str, object]:
        amount, high, currency, basis = value_columns(self.amount, self.basis)
        return {"amount": amount, "high": high, "currency": currency, "basis": basis}


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
        keys = {key: key for key in session.scalars(select(Deal.key))}
        raise NotFound(f'no deal "{ref}"{did_you_mean(ref, keys) or " (see dealtrack list)"}')
    return deal


def free_key(session: Session, wanted: str | None, derived: str) -> str:
    """The key a deal gets: ``wanted`` if it is valid and free, else ``derived`` made free."""
    if wanted is not None:
        if not is_valid_key(wanted):
            raise Refused(invalid_key_message(wanted))
        if session.scalar(select(Deal.id).where(Deal.key == wanted)):
            raise Refused(f'key "{wanted}" is taken; choose another with --key')
        return wanted
    taken = set(session.scalars(select(Deal.key).where(Deal.key.like(f"{derived}%"))))
    return first_free(derived, taken.__contains__)


def _duplicate_of(session: Session, wanted: NaturalKey) -> Deal | None:
    """A deal of the ledger that records the same report (``is_duplicate``), if any."""
    target_id = wanted[0]
    for deal in session.scalars(select(Deal).where(Deal.target_id == target_id)):
        acquirers = session.scalars(
            select(Participant.party_id).where(
                Participant.deal_id == deal.id, Participant.role == "acquirer"
            )
        )
        reported = from_storage(deal.reported, deal.reported_precision)
        if is_duplicate(wanted, natural_key(target_id, acquirers, reported)):
            return deal
    return None


def add_deal(
    session: Session, draft: NewDeal, force_new: bool, create: bool, notices: Notices
) -> str:
    """Record a new deal: one ``created`` event holding its opening roster; returns its key.

    Its rows are built by the ledger core and stored by the one writer imports use, so a deal
    added here reads exactly as one imported.
    """
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
    acquirers = [party.name for role, party in roster if role == "acquirer"]
    if not force_new:
        ids = (party.id for role, party in roster if role == "acquirer")
        duplicate = _duplicate_of(session, natural_key(target.id, ids, draft.on))
        if duplicate is not None:
            raise Refused(
                f'deal "{duplicate.key}" already records this (same target, acquirers and '
                "reported date); use --new to record another"
            )
    deal_id = allocate_ids(session, "deal", Deal.id, 1)
    key = free_key(session, draft.key, derived_deal_key(target.name, acquirers, deal_id))
    opening = Opening(
        deal_id=deal_id,
        key=key,
        title=stored_title(draft.title, target.name, acquirers),
        kind=draft.kind,
        target_id=target.id,
        roster=[(party.id, role) for role, party in roster],
        reported=draft.on,
        effective=draft.on,
        recorded_at=recorded_now(),
        status=draft.status,
        reason=draft.reason,
        value=draft.valuation.amount,
        basis=draft.valuation.basis,
        source=draft.source.columns(),
        note=draft.note,
    )
    rows = new_deal_rows(opening, allocate_ids(session, "event", Event.id, 1))
    writer = BulkWriter(session.connection())
    writer.add_deal(rows)
    writer.flush()
    reindex_deals(session.connection(), [deal_id])
    return key


def check_event_date(deal: Deal, on: PartialDate) -> None:
    """An event may not take effect before its deal was reported."""
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
        **event_fields(deal.id, kind, on, recorded_now(), source.columns(), note, **payload)
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
    check_event_date(deal, on)
    problem = status_change_problem(deal.key, deal, deal_events(session, deal), status, on)
    if problem is not None and not force:
        raise Refused(f"{problem} (use --force to record it anyway)")
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
    check_event_date(deal, on)
    return record(
        session, deal, new_event(deal, "value", on, source, note, **valuation.columns()), notices
    )


def add_note(
    session: Session, ref: str, text: str, on: PartialDate, source: Source, notices: Notices
) -> Recorded:
    deal = find_deal(session, ref)
    check_event_date(deal, on)
    return record(session, deal, new_event(deal, "note", on, source, None, text=text), notices)


VOIDABLE = ("status", "value", "note", "party")


def void_event(session: Session, event_id: int, reason: str, today: PartialDate) -> Event:
    """Mark a mistaken event void with a ``void`` event, then recompute the deal's state."""
    target = session.get(Event, event_id)
    if target is None:
        raise NotFound(f"no event {event_id} (see dealtrack history)")
    if target.deal_id is None:  # an event of a link between parties, or of a party's own
        from dealtrack.domain.parties import party_event_void_problem
        from dealtrack.services.links import void_link_event

        problem = party_event_void_problem(target.id, target.type)
        if problem is not None:
            raise Refused(problem)

        return void_link_event(session, target, reason, today)
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
    forget(session.connection(), deal.id)
    session.delete(deal)
    session.flush()
    return deal
