"""``party merge FROM INTO``: fold a duplicate party (an import's "Glance" beside "Glance Digital
Experience Pvt Ltd") into the party it duplicates.

Everything FROM held becomes INTO's, in every history: its deal roles (targets, participants,
created rosters and party events), its links (as holder or party), its units, its aliases and its
own renames; INTO takes FROM's country and parent where it has none. FROM's name becomes an alias
of INTO, so filters, imports and scripts that name it find INTO, and FROM is gone. The merge is
recorded as a ``merge`` event of INTO. It is final: nothing remembers which rows were FROM's, so
it cannot be voided.

Refused (nothing changed) when a deal would end with INTO in two roles that cannot combine, when
INTO would sit in a loop of control, or when the two are linked to each other (a party cannot
own, back, lead or be the parent of itself).
"""

from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate
from dealtrack.domain.fold import decode_roster, encode_roster, roster
from dealtrack.domain.links import is_control, link_identity
from dealtrack.domain.parties import (
    control_loop,
    describe_chain,
    merge_roster_problem,
    merged_roster,
)
from dealtrack.errors import Refused
from dealtrack.models import Alias, Deal, Event, Link, Participant, Party
from dealtrack.names import name_key
from dealtrack.search_index import reindex_party
from dealtrack.services.deals import Source
from dealtrack.services.ledger import deal_events, replay_participants
from dealtrack.services.links import ALWAYS, Period, controllers_lookup
from dealtrack.services.links import _refresh as refresh_links
from dealtrack.services.parties import Notices, get_party
from dealtrack.services.party_events import party_event


@dataclass(frozen=True)
class Merge:
    """A merge as the command gives it."""

    merged: str  # FROM
    into: str
    on: PartialDate
    source: Source = field(default_factory=Source)


@dataclass(frozen=True)
class MergeRecorded:
    """The merge event (None: FROM was already a name of INTO), and both names as spelt."""

    event_id: int | None
    merged: str
    into: str


def merge_parties(session: Session, merge: Merge, notices: Notices) -> MergeRecorded:
    merged = get_party(session, merge.merged)
    into = get_party(session, merge.into)
    if merged.id == into.id:
        if name_key(merge.merged) == into.name_key:
            raise Refused(f'cannot merge party "{into.name}" into itself')
        notices.add(f'Nothing recorded: "{merge.merged}" is already a name of party "{into.name}"')
        return MergeRecorded(None, merge.merged, into.name)
    refused = f'cannot merge "{merged.name}" into "{into.name}"'
    _refuse_links_between(session, merged, into, refused)
    _move_deal_roles(session, merged.id, into.id, refused)
    _move_links(session, merged.id, into.id)
    _move_party(session, merged, into)
    reindex_party(session.connection(), into.id)  # FROM's deals are INTO's now, by every name
    _refuse_control_loops(session, into.id, refused)
    changes = {"party": [merged.name, into.name]}
    event = party_event("merge", into.id, changes, merge.on, merge.source)
    session.add(event)
    session.flush()
    return MergeRecorded(event.id, merged.name, into.name)


def _refuse_links_between(session: Session, merged: Party, into: Party, refused: str) -> None:
    """Merged, a link or parent between the two would make a party hold itself."""
    for unit, parent in ((merged, into), (into, merged)):
        if unit.parent_id == parent.id:
            raise Refused(f'{refused}: "{parent.name}" is the parent of "{unit.name}"')
    between = or_(
        (Link.holder_id == merged.id) & (Link.party_id == into.id),
        (Link.holder_id == into.id) & (Link.party_id == merged.id),
    )
    link = session.scalars(select(Link).where(between).order_by(Link.id)).first()
    if link is not None:
        holder, party = (merged, into) if link.holder_id == merged.id else (into, merged)
        raise Refused(
            f'{refused}: "{holder.name}" {link.kind} "{party.name}" (event {link.id}); '
            "a party cannot hold itself, so void that link first"
        )


def _deals_naming(session: Session, party_id: int) -> list[int]:
    """The deals whose target, roster or history names the party."""
    found = set(session.scalars(select(Deal.id).where(Deal.target_id == party_id)))
    found |= set(
        session.scalars(select(Participant.deal_id).where(Participant.party_id == party_id))
    )
    in_events = or_(
        Event.party_id == party_id,
        # a created event's roster, ``[[id,"role"],…]``: an id follows a "[" and precedes a ","
        Event.parties.contains(f"[{party_id},"),
    )
    found |= set(
        session.scalars(select(Event.deal_id).where(Event.deal_id.is_not(None), in_events))
    )
    return sorted(found)


def _move_deal_roles(session: Session, merged: int, into: int, refused: str) -> None:
    """Make INTO hold FROM's roles in each deal, every event of its history included; a deal
    whose roster could not stand with one party in both sets of roles refuses the merge."""

    def name(party_id: int) -> str:
        return session.get_one(Party, party_id).name

    for deal_id in _deals_naming(session, merged):
        deal = session.get_one(Deal, deal_id)
        events = deal_events(session, deal)
        roles = [(role, party) for party, role in roster(events)]
        problem = merge_roster_problem(deal.target_id, roles, merged, into, name)
        if problem is not None:
            raise Refused(f'{refused}: in deal "{deal.key}", {problem}')
        if deal.target_id == merged:
            deal.target_id = into
        for event in events:
            if event.party_id == merged:
                event.party_id = into
            if event.parties is not None and f"[{merged}," in event.parties:
                pairs = merged_roster(decode_roster(event.parties), merged, into)
                event.parties = encode_roster(pairs)
        session.flush()
        replay_participants(session, deal, events)


def _move_links(session: Session, merged: int, into: int) -> None:
    """Give INTO FROM's links (and its renames and merges), then recompute the cached links of
    each holder, kind and party they touch: two links may now be one party's."""
    naming = or_(Event.holder_id == merged, Event.party_id == merged)
    triples = session.execute(
        select(Event.holder_id, Event.link_kind, Event.party_id)
        .where(Event.holder_id.is_not(None), naming)
        .distinct()
    ).all()
    session.execute(delete(Link).where(or_(Link.holder_id == merged, Link.party_id == merged)))
    outside = Event.deal_id.is_(None)
    session.execute(
        update(Event).where(outside, Event.holder_id == merged).values(holder_id=into),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Event).where(outside, Event.party_id == merged).values(party_id=into),
        execution_options={"synchronize_session": False},
    )
    session.expire_all()

    def moved(party_id: int | None) -> int:
        assert party_id is not None
        return into if party_id == merged else party_id

    for holder, kind, party in sorted({(moved(h), k or "", moved(p)) for h, k, p in triples}):
        _drop_repeats(session, holder, kind, party)
        refresh_links(session, holder, kind, party)


def _drop_repeats(session: Session, holder: int, kind: str, party: int) -> None:
    """A link both parties had from one source (SoftBank backs "Glance" and backs "Glance
    Digital Experience") is now one report twice: the first is kept, as a re-run would keep it."""
    events = session.scalars(
        select(Event)
        .where(Event.holder_id == holder, Event.link_kind == kind, Event.party_id == party)
        .order_by(Event.id)
    ).all()
    named = set(session.scalars(select(Event.voids).where(Event.voids.in_([e.id for e in events]))))
    seen: set[tuple[object, ...]] = set()
    for event in events:
        if event.voided or event.id in named:
            continue
        identity = link_identity(event)
        if identity in seen:
            session.delete(event)
        seen.add(identity)
    session.flush()


def _move_party(session: Session, merged: Party, into: Party) -> None:
    """FROM's units and aliases become INTO's, and its name an alias; INTO fills in a country
    or parent it lacks from FROM's; then FROM is gone."""
    session.execute(update(Party).where(Party.parent_id == merged.id).values(parent_id=into.id))
    session.execute(update(Alias).where(Alias.party_id == merged.id).values(party_id=into.id))
    session.expire_all()
    into.country = into.country or merged.country
    if into.parent_id is None:
        into.parent_id = merged.parent_id
    name, key = merged.name, merged.name_key
    session.delete(merged)
    session.flush()
    session.add(Alias(party_id=into.id, name=name, name_key=key))
    session.flush()


def _refuse_control_loops(session: Session, into: int, refused: str) -> None:
    """Any loop the merge made runs through INTO, so it closes at one of INTO's controllers:
    its parent, or a holder of a control link over it (asked over that link's period)."""

    def name(party_id: int) -> str:
        return session.get_one(Party, party_id).name

    controlling: list[tuple[int, Period]] = []
    parent = session.get_one(Party, into).parent_id
    if parent is not None:
        controlling.append((parent, ALWAYS))
    links = session.scalars(select(Link).where(Link.party_id == into).order_by(Link.id))
    controlling += [
        (link.holder_id, (link.since, link.until))
        for link in links
        if is_control(link.kind, link.stake)
    ]
    for controller, period in controlling:
        loop = control_loop(into, controller, controllers_lookup(session, period))
        if loop is not None and loop.new:
            chain = describe_chain(loop.chain, name)
            raise Refused(f"{refused}: that would make a loop of control ({chain})")
