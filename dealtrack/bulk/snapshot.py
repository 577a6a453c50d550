"""What an import needs to know of the ledger, loaded once with a few set-wise queries.

Matching rows one query at a time is what makes naive importers slow; here names, keys and the
natural keys of existing deals are read once. What the import itself creates is kept in its Stage
(on disk), so this stays the size of the ledger however large the file.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.dates import from_storage
from dealtrack.domain.duplicates import NaturalKey, natural_key
from dealtrack.ids import last_used_id
from dealtrack.models import Alias, Deal, Event, Participant, Party


@dataclass
class Snapshot:
    party_ids: dict[str, int] = field(default_factory=dict)  # name key (names and aliases) → id
    party_names: dict[int, str] = field(default_factory=dict)
    deal_keys: dict[str, int] = field(default_factory=dict)
    natural: dict[NaturalKey, list[int]] = field(default_factory=lambda: defaultdict(list))
    next_party_id: int = 1
    next_deal_id: int = 1
    next_event_id: int = 1

    @classmethod
    def load(cls, session: Session) -> "Snapshot":
        snapshot = cls()
        for party_id, name, key in session.execute(select(Party.id, Party.name, Party.name_key)):
            snapshot.party_ids[key] = party_id
            snapshot.party_names[party_id] = name
        for party_id, key in session.execute(select(Alias.party_id, Alias.name_key)):
            snapshot.party_ids[key] = party_id
        acquirers: dict[int, set[int]] = defaultdict(set)
        for deal_id, party_id in session.execute(
            select(Participant.deal_id, Participant.party_id).where(Participant.role == "acquirer")
        ):
            acquirers[deal_id].add(party_id)
        for deal_id, key, target, reported, precision in session.execute(
            select(Deal.id, Deal.key, Deal.target_id, Deal.reported, Deal.reported_precision)
        ):
            snapshot.deal_keys[key] = deal_id
            dated = from_storage(reported, precision)
            snapshot.natural[natural_key(target, acquirers[deal_id], dated)].append(deal_id)
        snapshot.next_party_id = _next_id(session, Party)
        snapshot.next_deal_id = _next_id(session, Deal)
        snapshot.next_event_id = _next_id(session, Event)
        return snapshot

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
