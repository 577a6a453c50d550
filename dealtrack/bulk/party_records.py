"""The parties of a ledger document: its parties section, and every name its deal objects give.

A party record sets a party's kind, country, parent and aliases. Records are applied a chunk at a
time and flushed, so memory does not grow with the file; parents and aliases are written after
every record, because they may name a party whose own record comes later.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dealtrack import vocabulary
from dealtrack.bulk.fields import checked, text_field
from dealtrack.bulk.link_objects import Numbering, parse_event
from dealtrack.bulk.matching import RowError
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage
from dealtrack.domain.json_values import json_names, json_type
from dealtrack.domain.parties import parent_problem, parse_country, roster_problem
from dealtrack.models import Alias, Event, Party
from dealtrack.names import check_party_name, name_key
from dealtrack.search_index import reindex_parties
from dealtrack.vocabulary import PARTY_EVENT_TYPES
from dealtrack.writer import BulkWriter


class DocumentParties:
    """Names to party ids for a ledger document, creating the parties the ledger lacks."""

    def __init__(
        self, session: Session, snapshot: Snapshot, stage: Stage, number: Numbering
    ) -> None:
        self.session, self.snapshot, self.stage, self.number = session, snapshot, stage, number
        # Parties of the parties section are ORM objects (kind, country, parent, aliases); those
        # first named by a deal are written by the BulkWriter with the deals that name them.
        self.new_parties: dict[int, Party] = {}
        self.writer: BulkWriter | None = None
        # The current chunk's ledger parties, loaded at once: referenced here so that the session
        # (whose identity map holds objects weakly) finds them by id without a query.
        self.loaded: list[Party] = []
        # Parents set by this file's party records (written once every record is), and the
        # ledger's own, read when a record first names a parent: chains are checked across both.
        self.parents: dict[int, int] = {}
        self.ledger_parents: dict[int, int | None] | None = None

    def party_id(self, name: str) -> int:
        """The id of the party a name (or alias) names, created when the ledger lacks it."""
        display = checked("party", check_party_name, name)
        key = name_key(display)
        found, new = self.stage.party(self.snapshot, key, display)
        if new and self.writer is not None:
            self.writer.add_party(found, display, key)
        elif new:
            self.new_parties[found] = Party(id=found, name=display, name_key=key, kind="company")
            self.session.add(self.new_parties[found])
        return found

    def name(self, party_id: int) -> str:
        name = self.snapshot.party_names.get(party_id)
        return name if name is not None else self.stage.party_name(party_id) or ""

    def check_roles(self, target: str, named: list[tuple[str, str]]) -> None:
        """Refuse a deal object whose parties hold roles that cannot combine, compared by party
        (names and aliases resolved), before any party it names is created."""
        spelled: dict[int | str, str] = {}

        def party(display: str) -> int | str:
            key = name_key(display)
            found = self.snapshot.party_ids.get(key)
            found = self.stage.new_party(key) if found is None else found
            spelled.setdefault(key if found is None else found, display)
            return key if found is None else found

        def shown(party: int | str) -> str:
            # A known party by its name, looked up only for a message: most deals have none.
            named = self.name(party) if isinstance(party, int) else None
            return named or spelled[party]

        target_id = party(target)  # first: a new party is shown as the target spells it
        roster = [(role, party(name)) for role, name in named]
        problem = roster_problem(target_id, roster, shown)
        if problem is not None:
            raise RowError("parties", problem)

    def apply(self, chunks: Iterable[list[tuple[int, dict[str, Any]]]], problems: Any) -> None:
        """Write the parties section, ``(line, record)`` a chunk at a time."""
        aliases: list[Alias] = []
        history: list[Event] = []
        for chunk in chunks:
            self.loaded = self._preload(chunk)
            for line, fields in chunk:
                try:
                    party_id, parent_id, named = self._record(fields)
                    history += self._history(party_id, fields.get("history"))
                except RowError as error:
                    problems.reject(line, fields, [(error.field_name, error.message)])
                    continue
                if parent_id is not None:
                    self.parents[party_id] = parent_id
                aliases.extend(named)
            self.session.flush()
            self.new_parties.clear()  # written: the session lets them go
        if self.parents:
            self.session.execute(
                update(Party), [{"id": p, "parent_id": up} for p, up in self.parents.items()]
            )
        self.session.add_all([*aliases, *history])
        self.session.flush()
        # A deal already in the ledger is found by its parties' names: new aliases and renames
        # must reach its index row (the import's own deals are indexed after their rows).
        renamed = {event.party_id for event in history if event.party_id is not None}
        renamed_or_aliased = sorted({alias.party_id for alias in aliases} | renamed)
        reindex_parties(self.session.connection(), renamed_or_aliased)

    def _history(self, party_id: int, raw: Any) -> list[Event]:
        """The renames and merges of a party record's ``history`` that the ledger lacks."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise RowError("history", f"expected an array of events, found {json_type(raw)}")
        if not raw:  # most parties have none: no query for them
            return []
        kept = self.session.scalars(
            select(Event).where(Event.party_id == party_id, Event.type.in_(PARTY_EVENT_TYPES))
        )
        known = {_identity(event) for event in kept}
        missing = []
        for number, item in enumerate(raw, start=1):
            event, file_id = parse_event(number, item, PARTY_EVENT_TYPES)
            event.party_id = party_id
            if _identity(event) not in known:
                self.number(event, file_id, {})
                known.add(_identity(event))
                missing.append(event)
        return missing

    def _preload(self, chunk: list[tuple[int, dict[str, Any]]]) -> list[Party]:
        """The ledger's parties among a chunk of party records, in one query: the session finds
        them by id afterwards without one query each (while the returned list keeps them)."""
        names = (fields.get("name") for _, fields in chunk)  # checked when each is applied
        ids = {self.snapshot.party_ids.get(name_key(n)) for n in names if isinstance(n, str)}
        return list(self.session.scalars(select(Party).where(Party.id.in_(ids - {None}))))

    def _record(self, fields: dict[str, Any]) -> tuple[int, int | None, list[Alias]]:
        """Set a party's kind and country; returns its id, its parent's id and its new aliases,
        to be written once every party record is."""
        party_id = self.party_id(text_field(fields, "name", True) or "")
        party = self.new_parties.get(party_id) or self.session.get_one(Party, party_id)
        kind = checked(
            "kind",
            vocabulary.parse_party_kind,
            text_field(fields, "kind"),
        )
        country = checked("country", parse_country, text_field(fields, "country"))
        parent = text_field(fields, "parent")
        parent_id = self.party_id(parent) if parent is not None else None
        if parent_id is not None:
            self._check_parent(party.id, parent_id)
        party.kind = kind or party.kind
        party.country = country or party.country
        aliases: list[Alias] = []
        for alias in _alias_names(fields.get("aliases")):
            display = checked("aliases", check_party_name, alias)
            key = name_key(display)
            holder = self.snapshot.party_ids.get(key)
            if holder is None:
                holder = self.stage.new_party(key)
            if holder is None:
                aliases.append(Alias(party_id=party.id, name=display, name_key=key))
                self.snapshot.party_ids[key] = party.id
            elif holder != party.id:
                raise RowError("aliases", f'"{display}" is already a name of another party')
        return party.id, parent_id, aliases

    def _check_parent(self, party_id: int, parent_id: int) -> None:
        """Refuse a parent that would make a chain of parents loop, counting the ledger's
        parents and those of this file's earlier records (a loop within the file is refused on
        the record that closes it)."""
        if self.ledger_parents is None:
            with_parent = select(Party.id, Party.parent_id).where(Party.parent_id.is_not(None))
            self.ledger_parents = {p: up for p, up in self.session.execute(with_parent)}
        ledger, parents = self.ledger_parents, self.parents
        problem = parent_problem(
            party_id, parent_id, lambda p: parents.get(p, ledger.get(p)), self.name
        )
        if problem is not None:
            raise RowError("parent", problem)


def _identity(event: Event) -> tuple[object, ...]:
    return (event.type, event.on, event.on_precision, event.recorded_at, event.changes)


def _alias_names(raw: Any) -> list[str]:
    if raw is None:
        return []
    if type(raw) is not list:
        raise RowError("aliases", f"expected an array of names, found {json_type(raw)}")
    try:
        return json_names(raw)
    except ValueError as error:
        raise RowError("aliases", str(error)) from None
