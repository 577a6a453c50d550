"""``dealtrack check``: recompute every deal's cached state and verify the ledger's integrity.

The deal row is a cache of its events; a cache nobody verifies is a rumour. Problems are reported
one a line as ``deal KEY: message``, ``party NAME: message``, ``link ID: message`` or
``search: message`` (the search index against the deals' text), or ``ledger: message`` for the
file itself.
"""

from collections.abc import Iterator, Sequence

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session

from dealtrack.dates import from_storage
from dealtrack.domain.fold import decode_roster, fold_state, roster
from dealtrack.models import Deal, Event, Party
from dealtrack.search_index import index_problems
from dealtrack.services.ledger import CHUNK, Loaded, load_deals
from dealtrack.services.links import control_loop_problems, link_problems

_FIELDS = ("status", "reason", "amount", "high", "currency", "basis", "updated")


def ledger_counts(session: Session) -> dict[str, object]:
    """What ``db status`` reports: the revision and how much the ledger holds."""
    from sqlalchemy import func

    from dealtrack.db import VERSION

    revision = session.scalar(select(VERSION.c.version_num))
    counts: dict[str, object] = {"revision": revision}
    for name, model in (("parties", Party), ("deals", Deal), ("events", Event)):
        counts[name] = session.scalar(select(func.count()).select_from(model))
    return counts


def find_problems(session: Session) -> Iterator[str]:
    yield from _storage_problems(session)
    deal_ids = list(session.scalars(select(Deal.id).order_by(Deal.id)))
    rosters: list[tuple[str, set[int]]] = []
    for number, loaded in enumerate(load_deals(session, deal_ids), start=1):
        yield from _deal_problems(loaded)
        rosters.append((loaded.deal.key, _roster_ids(loaded.events)))
        if number % CHUNK == 0:
            yield from _missing_roster_parties(session, rosters)
            rosters = []
            session.expunge_all()  # keep memory flat on large ledgers
    yield from _missing_roster_parties(session, rosters)
    yield from _parent_problems(session)
    yield from link_problems(session)
    yield from control_loop_problems(session)
    yield from index_problems(session.connection())


def _roster_ids(events: Sequence[Event]) -> set[int]:
    return {pid for e in events if e.type == "created" for pid, _ in decode_roster(e.parties)}


def _missing_roster_parties(session: Session, rosters: list[tuple[str, set[int]]]) -> Iterator[str]:
    """A created event's roster names parties by id, which no foreign key can guard."""
    wanted = set().union(*(ids for _, ids in rosters))
    known = set(session.scalars(select(Party.id).where(Party.id.in_(wanted))))
    for key, ids in rosters:
        for party_id in sorted(ids - known):
            yield f"deal {key}: its created event names party {party_id}, which does not exist"


def _parent_problems(session: Session) -> Iterator[str]:
    """Each loop of parents once (an import of an older dealtrack, or raw SQL, may hold one),
    named by the party of the loop whose name sorts first."""
    from dealtrack.domain.parties import describe_chain, parent_cycles

    with_parent = select(Party.id, Party.parent_id).where(Party.parent_id.is_not(None))
    parents = {party: parent for party, parent in session.execute(with_parent)}

    def name(party_id: int) -> str:
        return session.get_one(Party, party_id).name

    for cycle in parent_cycles(parents, order=lambda p: (name(p), p)):
        yield f"party {name(cycle[0])}: its parent chain loops ({describe_chain(cycle, name)})"


def _storage_problems(session: Session) -> Iterator[str]:
    if session.get_bind().dialect.name != "sqlite":
        return
    for (line,) in session.execute(select_pragma("integrity_check")):
        if line != "ok":
            yield f"ledger: {line}"
    for row in session.execute(select_pragma("foreign_key_check")):
        yield f"ledger: table {row[0]} row {row[1]} refers to a missing {row[2]}"


def select_pragma(name: str) -> TextClause:
    return text(f"PRAGMA {name}")  # a fixed name from this module, never user input


def _deal_problems(loaded: Loaded) -> Iterator[str]:
    deal, events = loaded.deal, loaded.events
    if not any(e.type == "created" and not e.voided for e in events):
        yield f"deal {deal.key}: has no live created event"
        return
    expected = fold_state(deal, events)
    cached = (
        deal.status,
        deal.reason,
        deal.amount,
        deal.high,
        deal.currency,
        deal.basis,
        from_storage(deal.updated, deal.updated_precision),
    )
    wanted = (
        expected.status,
        expected.reason,
        expected.amount,
        expected.high,
        expected.currency,
        expected.basis,
        expected.updated,
    )
    for field, have, want in zip(_FIELDS, cached, wanted, strict=True):
        if have != want:
            yield f"deal {deal.key}: cached {field} is {have!r} but its events say {want!r}"
    yield from _void_problems(deal, events)
    yield from _roster_problems(loaded)


def _void_problems(deal: Deal, events: Sequence[Event]) -> Iterator[str]:
    voided = {e.voids for e in events if e.type == "void"}
    for event in events:
        if event.voided != (event.id in voided):
            state = "marked void without a void event" if event.voided else "voided but not marked"
            yield f"deal {deal.key}: event {event.id} is {state}"


def _roster_problems(loaded: Loaded) -> Iterator[str]:
    stored = {(p.party_id, p.role) for p in loaded.participants}
    if stored != set(roster(loaded.events)):
        yield f"deal {loaded.deal.key}: its parties do not match its party events"
