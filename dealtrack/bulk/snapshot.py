"""What an import needs to know of the ledger, loaded once with a few set-wise queries.

Matching rows one query at a time is what makes naive importers slow; here names, keys and the
natural keys of existing deals are read once. What the import itself creates is kept in its Stage
(on disk), so this stays the size of the ledger however large the file.
"""

import os
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import overload

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from dealtrack.dates import from_storage
from dealtrack.domain.duplicates import NaturalKey, natural_key, natural_text
from dealtrack.ids import last_used_id
from dealtrack.models import Alias, Deal, Event, Participant, Party

# Rows fetched at a time: the ORM buffers a whole result unless told otherwise, which held a
# large ledger's rows twice (as rows, and as what they are loaded into).
STREAMED = 10_000


class PartyNames:
    """The names of ledger parties, read one at a time when first asked for: only messages and
    default titles need them, and a large ledger's names took more memory than its keys.

    Only the process that opened the ledger reads it. A forked child that checks rows knows the
    names of the parties with aliases, read beforehand: a row that names one party twice, by name
    and by alias, is told that party's name; any other party is shown as the row spells it.
    """

    def __init__(self, session: Session | None = None) -> None:
        self.session, self.process = session, os.getpid()
        self.known: dict[int, str] = {}

    @overload
    def get(self, party_id: int) -> str | None: ...

    @overload
    def get(self, party_id: int, default: str) -> str: ...

    def get(self, party_id: int, default: str | None = None) -> str | None:
        if party_id in self.known:
            return self.known[party_id]
        if self.session is None or os.getpid() != self.process:
            return default
        if party_id not in self.known:
            with self.session.no_autoflush:  # an import's pending parties are written in order
                name = self.session.scalar(select(Party.name).where(Party.id == party_id))
            if name is None:
                return default
            self.known[party_id] = name
        return self.known[party_id]


@dataclass
class Snapshot:
    party_ids: dict[str, int] = field(default_factory=dict)  # name key (names and aliases) → id
    party_names: PartyNames = field(default_factory=PartyNames)
    has_aliases: bool = False
    deal_keys: dict[str, int] = field(default_factory=dict)
    # Natural key (as text) → the first deal on it; the rare keys several deals share (recorded
    # with add --new) list the others apart, so the common case holds one int.
    natural: dict[str, int] = field(default_factory=dict)
    natural_others: dict[str, list[int]] = field(default_factory=dict)
    next_party_id: int = 1
    next_deal_id: int = 1
    next_event_id: int = 1

    @classmethod
    def load(cls, session: Session) -> "Snapshot":
        snapshot = cls(party_names=PartyNames(session))
        parties = select(Party.id, Party.name_key).execution_options(yield_per=STREAMED)
        for party_id, key in session.execute(parties):
            snapshot.party_ids[key] = party_id
        for party_id, key in session.execute(select(Alias.party_id, Alias.name_key)):
            snapshot.party_ids[key] = party_id
            snapshot.has_aliases = True
        aliased = select(Party.id, Party.name).where(Party.id.in_(select(Alias.party_id)))
        for party_id, name in session.execute(aliased):
            snapshot.party_names.known[party_id] = name
        snapshot._load_deals(session)
        snapshot.next_party_id = _next_id(session, Party)
        snapshot.next_deal_id = _next_id(session, Deal)
        snapshot.next_event_id = _next_id(session, Event)
        return snapshot

    def _load_deals(self, session: Session) -> None:
        """Keys and natural keys, from one query in deal order (a deal's acquirers together)."""
        acquirer = aliased(Participant)
        columns = (Deal.id, Deal.key, Deal.target_id, Deal.reported, Deal.reported_precision)
        rows = session.execute(
            select(*columns, acquirer.party_id)
            .outerjoin(acquirer, (acquirer.deal_id == Deal.id) & (acquirer.role == "acquirer"))
            .order_by(Deal.id)
            .execution_options(yield_per=STREAMED)
        )
        for deal_id, deal_rows in groupby(rows, key=itemgetter(0)):
            of_deal = list(deal_rows)
            _, key, target_id, reported, precision, _ = of_deal[0]
            acquirers = [row[5] for row in of_deal if row[5] is not None]
            self.deal_keys[key] = deal_id
            natural = natural_key(target_id, acquirers, from_storage(reported, precision))
            self.add_natural(natural, deal_id)

    def add_natural(self, natural: NaturalKey, deal_id: int) -> None:
        text = natural_text(natural)
        if self.natural.setdefault(text, deal_id) != deal_id:
            self.natural_others.setdefault(text, []).append(deal_id)

    def forget_natural_keys(self) -> None:
        """Free the natural keys once nothing will match by them (a large ledger's take much)."""
        self.natural, self.natural_others = {}, {}

    def deals_on(self, natural: NaturalKey) -> list[int]:
        """The ledger's deals on a natural key, in id order."""
        text = natural_text(natural)
        first = self.natural.get(text)
        return [] if first is None else [first, *self.natural_others.get(text, ())]

    def absorb(self, session: Session, first_deal: int) -> None:
        """Add the keys of the deals written from this id on (by an import's flat rows, which
        keep them on disk until then) for the deal objects that follow."""
        for key, deal_id in session.execute(select(Deal.key, Deal.id).where(Deal.id >= first_deal)):
            self.deal_keys[key] = deal_id

    def allocate_deal(self) -> int:
        self.next_deal_id += 1
        return self.next_deal_id - 1

    def allocate_events(self, count: int) -> int:
        first = self.next_event_id
        self.next_event_id += count
        return first


def _next_id(session: Session, model: type[Party] | type[Deal] | type[Event]) -> int:
    """One past the largest id ever used: ids are never reused, even after ``rm``."""
    return last_used_id(session, model.__tablename__, model.id) + 1
