"""Use cases for links between parties: ``party link``, ``party unlink`` and voiding their events.

A link's events are ledger events that belong to no deal. The ``link`` table caches the periods
they leave (``dealtrack.domain.links.fold_links``), rewritten for one holder, kind and party
whenever one of their events is recorded or voided, as a deal's row is.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate
from dealtrack.domain.links import (
    LinkPeriod,
    fold_links,
    is_control,
    link_identity,
    overlaps,
    self_link_problem,
    unlink_problem,
    until_problem,
)
from dealtrack.domain.parties import control_problem
from dealtrack.errors import Refused
from dealtrack.models import Event, Link, Party
from dealtrack.services.deals import Source
from dealtrack.services.ledger import recorded_now
from dealtrack.services.parties import Notices, identify, resolve_party

Period = tuple[datetime.date | None, datetime.date | None]
ALWAYS: Period = (None, None)


@dataclass(frozen=True)
class LinkChange:
    """A link as a command gives it: who holds what, and when, and who said so."""

    holder: str
    kind: str
    party: str
    on: PartialDate | None = None
    stake: int | None = None
    until: PartialDate | None = None
    source: Source = field(default_factory=Source)
    note: str | None = None


@dataclass(frozen=True)
class LinkRecorded:
    """The event a link command recorded (None: an identical one was on file), and the names
    of the holder and party as the ledger spells them."""

    event_id: int | None
    holder: str
    party: str


def link_parties(
    session: Session, change: LinkChange, create: bool, notices: Notices
) -> LinkRecorded:
    """Record a link, unless an identical one is on file."""
    if change.until is not None:
        problem = until_problem(change.on, change.until)
        if problem is not None:
            raise Refused(problem)
    holder, party = _parties(session, change, create, notices)
    event = _link_event(change, "link", holder.id, party.id)
    if _identical(session, event, notices, holder, party):
        return LinkRecorded(None, holder.name, party.name)
    session.add(event)
    _refresh(session, holder.id, change.kind, party.id)
    if is_control(change.kind, change.stake):
        period = (
            change.on.start if change.on else None,
            change.until.start if change.until else None,
        )
        _refuse_control_loop(session, holder.id, change.kind, party.id, period)
    return LinkRecorded(event.id, holder.name, party.name)


def unlink_parties(session: Session, change: LinkChange, notices: Notices) -> LinkRecorded:
    """End the link in force on ``change.on``, unless that end is already on file."""
    assert change.on is not None  # the command requires --on
    holder, party = _parties(session, change, True, notices)
    event = _link_event(change, "unlink", holder.id, party.id)
    if _identical(session, event, notices, holder, party):
        return LinkRecorded(None, holder.name, party.name)
    problem = unlink_problem(_refresh(session, holder.id, change.kind, party.id), change.on)
    if problem is not None:
        raise Refused(f'"{holder.name}" {change.kind} "{party.name}": {problem}')
    session.add(event)
    _refresh(session, holder.id, change.kind, party.id)
    return LinkRecorded(event.id, holder.name, party.name)


def _parties(
    session: Session, change: LinkChange, create: bool, notices: Notices
) -> tuple[Party, Party]:
    """The holder and party, created if new; a party linked to itself is refused first."""
    holder_key, holder_name = identify(session, change.holder)
    party_key, _ = identify(session, change.party)
    problem = self_link_problem(holder_key, party_key, change.kind, lambda _: holder_name)
    if problem is not None:
        raise Refused(problem)
    holder = resolve_party(session, change.holder, create, notices)
    return holder, resolve_party(session, change.party, create, notices)


def _link_event(change: LinkChange, kind: str, holder_id: int, party_id: int) -> Event:
    outlet, url, attribution = change.source.columns()
    return Event(
        deal_id=None,
        type=kind,
        on=change.on.start if change.on else None,
        on_precision=change.on.precision.value if change.on else None,
        recorded_at=recorded_now(),
        holder_id=holder_id,
        link_kind=change.kind,
        party_id=party_id,
        stake=change.stake,
        until=change.until.start if change.until else None,
        until_precision=change.until.precision.value if change.until else None,
        voided=False,
        source_outlet=outlet,
        source_url=url,
        source_attribution=attribution,
        note=change.note,
    )


def _identical(
    session: Session, event: Event, notices: Notices, holder: Party, party: Party
) -> bool:
    wanted = link_identity(event)
    events = _events_of(session, holder.id, event.link_kind or "", party.id)
    if any(not e.voided and link_identity(e) == wanted for e in events):
        link = f'"{holder.name}" {event.link_kind} "{party.name}"'
        what = f"that {link}" if event.type == "link" else f"the end of {link} on that date"
        notices.add(f"Nothing recorded: the ledger already records {what}")
        return True
    return False


def _events_of(session: Session, holder_id: int, kind: str, party_id: int) -> Sequence[Event]:
    return session.scalars(
        select(Event).where(
            Event.holder_id == holder_id, Event.link_kind == kind, Event.party_id == party_id
        )
    ).all()


def _refresh(session: Session, holder_id: int, kind: str, party_id: int) -> list[LinkPeriod]:
    """Rewrite the cached links of one holder, kind and party from their events."""
    session.flush()
    periods = fold_links(_events_of(session, holder_id, kind, party_id))
    session.execute(
        delete(Link).where(
            Link.holder_id == holder_id, Link.kind == kind, Link.party_id == party_id
        )
    )
    session.add_all(link_row(period) for period in periods)
    session.flush()
    return periods


def link_row(period: LinkPeriod) -> Link:
    event = period.event
    return Link(
        id=event.id,
        holder_id=event.holder_id,
        kind=event.link_kind,
        party_id=event.party_id,
        stake=event.stake,
        since=event.on,
        since_precision=event.on_precision,
        until=period.until.start if period.until else None,
        until_precision=period.until.precision.value if period.until else None,
        source_outlet=event.source_outlet,
        source_url=event.source_url,
        source_attribution=event.source_attribution,
        note=event.note,
    )


def controllers_lookup(
    session: Session, during: Period = ALWAYS, leaving_out: int | None = None
) -> Callable[[int], list[int]]:
    """Each party's controllers: its parent, and the holders of control links that overlap
    ``during`` (a link's own row, ``leaving_out``, aside)."""

    def controllers_of(party_id: int) -> list[int]:
        party = session.get_one(Party, party_id)
        found = [] if party.parent_id is None else [party.parent_id]
        rows = session.execute(
            select(Link.id, Link.holder_id, Link.kind, Link.stake, Link.since, Link.until)
            .where(Link.party_id == party_id, or_(Link.kind == "leads", Link.kind == "owns"))
            .order_by(Link.holder_id, Link.id)
        )
        for link_id, holder_id, kind, stake, since, until in rows:
            if link_id == leaving_out or not is_control(kind, stake):
                continue
            if overlaps((since, until), during) and holder_id not in found:
                found.append(holder_id)
        return found

    return controllers_of


def _refuse_control_loop(
    session: Session, holder_id: int, kind: str, party_id: int, period: Period
) -> None:
    def name(party: int) -> str:
        return session.get_one(Party, party).name

    verb = "lead" if kind == "leads" else "own"
    controllers_of = controllers_lookup(session, period)
    problem = control_problem(holder_id, party_id, verb, controllers_of, name)
    if problem is not None:
        raise Refused(problem)


VOIDABLE_LINK_EVENTS = ("link", "unlink", "void")


def void_link_event(session: Session, target: Event, reason: str, today: PartialDate) -> Event:
    """Void a link event, or a void of one (which brings what it voided back), and recompute
    the links it touches; a void that would close a loop of control is refused."""
    if target.voided:
        raise Refused(f"event {target.id} is already void")
    if target.type not in VOIDABLE_LINK_EVENTS:
        raise Refused(f"event {target.id} is a {target.type} event and cannot be voided")
    target.voided = True
    void = Event(
        deal_id=None,
        type="void",
        on=today.start,
        on_precision=today.precision.value,
        recorded_at=recorded_now(),
        voids=target.id,
        reason=reason,
        voided=False,
    )
    session.add(void)
    session.flush()
    link_event = _settle(session, target)
    if link_event.holder_id is not None and link_event.party_id is not None:
        _recheck(session, link_event.holder_id, link_event.link_kind or "", link_event.party_id)
    return void


def _recheck(session: Session, holder_id: int, kind: str, party_id: int) -> None:
    """Rewrite the cached periods of one holder, kind and party, refusing any that would close a
    loop of control."""
    for period in _refresh(session, holder_id, kind, party_id):
        if is_control(kind, period.event.stake):
            since = period.since.start if period.since else None
            until = period.until.start if period.until else None
            _refuse_control_loop(session, holder_id, kind, party_id, (since, until))


def _settle(session: Session, changed: Event) -> Event:
    """Follow a chain of voids down to the link event it ends at, setting each event's mark:
    void while a live void names it."""
    event = changed
    while event.type == "void" and event.voids is not None:
        named = session.get_one(Event, event.voids)
        named.voided = bool(
            session.scalar(
                select(Event.id).where(
                    Event.type == "void", Event.voids == named.id, Event.voided.is_(False)
                )
            )
        )
        event = named
    session.flush()
    return event


def link_problems(session: Session) -> Iterator[str]:
    """What ``check`` finds wrong with links: a void mark no live void explains (or a live void
    whose event is not marked), and cached links that differ from what their events leave."""
    events = session.scalars(select(Event).where(Event.deal_id.is_(None))).all()
    naming: dict[int, list[Event]] = defaultdict(list)
    triples: dict[tuple[int, str, int], list[Event]] = defaultdict(list)
    for event in events:
        if event.type == "void" and event.voids is not None:
            naming[event.voids].append(event)
        elif event.holder_id is not None and event.party_id is not None:
            triples[event.holder_id, event.link_kind or "", event.party_id].append(event)
    for event in events:
        if event.voided != any(not void.voided for void in naming[event.id]):
            state = "marked void without a live void" if event.voided else "voided but not marked"
            yield f"link {event.id}: event {event.id} is {state}"
    wanted = {
        period.event.id: _columns(link_row(period))
        for group in triples.values()
        for period in fold_links(group)
    }
    cached = {link.id: _columns(link) for link in session.scalars(select(Link))}
    for link_id in sorted(wanted.keys() | cached.keys()):
        if link_id not in cached:
            yield f"link {link_id}: its events say it is in force, but it is not cached"
        elif link_id not in wanted:
            yield f"link {link_id}: cached, but its events do not leave it"
        else:
            for field, have in cached[link_id].items():
                if have != wanted[link_id][field]:
                    want = wanted[link_id][field]
                    yield f"link {link_id}: cached {field} is {have!r} but its events say {want!r}"


def _columns(link: Link) -> dict[str, object]:
    return {column.name: getattr(link, column.name) for column in Link.__table__.columns}


# A ledger document's link histories are recorded through the same steps as the commands'.


def link_ends(
    session: Session, holder: str, kind: str, party: str, notices: Notices
) -> tuple[Party, Party]:
    """The holder and party of a link, created if new; a party linked to itself is refused."""
    return _parties(session, LinkChange(holder, kind, party), True, notices)


def events_of_link(session: Session, holder_id: int, kind: str, party_id: int) -> Sequence[Event]:
    """Every event of one holder, kind and party, voided or not."""
    return _events_of(session, holder_id, kind, party_id)


def settle_link(
    session: Session, holder_id: int, kind: str, party_id: int, voids: Sequence[Event]
) -> None:
    """After a link's events were added (an imported history): set the void marks ``voids``
    leave, rewrite its cached periods, and refuse one that closes a loop of control."""
    session.flush()
    for void in voids:
        _settle(session, void)
    _recheck(session, holder_id, kind, party_id)


def control_loop_problems(session: Session) -> Iterator[str]:
    """Each loop of control that runs through a link, once (an import of an older dealtrack,
    or raw SQL, may hold one), found by the rule that refuses one when a link is recorded and
    named by the party of the loop whose name sorts first. Loops of parents alone are ``check``'s
    parent rule."""
    from dealtrack.domain.parties import control_loop, describe_chain

    # Only a link into a party that controls something can close a loop.
    controlling = select(Link.holder_id).union(
        select(Party.parent_id).where(Party.parent_id.is_not(None))
    )
    links = session.scalars(
        select(Link).where(Link.party_id.in_(controlling)).order_by(Link.id)
    ).all()

    def name(party: int) -> str:
        return session.get_one(Party, party).name

    found: set[tuple[int, ...]] = set()
    for link in links:
        if not is_control(link.kind, link.stake):
            continue
        controllers_of = controllers_lookup(session, (link.since, link.until), link.id)
        loop = control_loop(link.party_id, link.holder_id, controllers_of)
        if loop is None or not loop.new:
            continue
        ring = loop.chain[:-1]
        first = min(range(len(ring)), key=lambda n: (name(ring[n]), ring[n]))
        found.add((*ring[first:], *ring[:first], ring[first]))
    for chain in sorted(found, key=lambda chain: [(name(p), p) for p in chain]):
        yield f"party {name(chain[0])}: its chain of control loops ({describe_chain(chain, name)})"
