"""Matching flat rows to deals, and merging the rows of one file that describe the same deal.

A row with the key of an existing deal updates it; any other row matches on (target, acquirer set,
reported) after alias resolution. Rows see the deals earlier rows of the file created, and rows of
one deal are merged (the later row winning field by field) before anything is compared with the
ledger, which is what makes importing a file twice the same as importing it once.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dealtrack.bulk.rows import ROLE_COLUMNS, FlatRow
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.dates import PartialDate
from dealtrack.domain.duplicates import NaturalKey, natural_key
from dealtrack.domain.parties import P, role_clashes
from dealtrack.names import name_key


class RowError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name, self.message = field_name, message


@dataclass(slots=True)
class Group:
    """The merged rows of one deal: an existing one (``deal_id``) or one to create.

    A re-import matches every row to a ledger deal, and a million rows held as objects took
    gigabytes; so a group of one row may leave it in the stage (``wait_in_stage``) until it is
    applied, and the lists of repeats stay empty tuples until a repeat comes.
    """

    merged: FlatRow | None
    deal_id: int | None
    lines: list[int] = field(default_factory=list)
    repeats_changed: Sequence[bool] = ()
    skipped: bool = False
    records: Sequence[dict[str, Any]] = ()  # as read, kept for --rejects
    seq: int = 0
    load: Callable[[int], FlatRow] | None = None

    @property
    def row(self) -> FlatRow:
        """The merged row (read from the stage again while it waits there)."""
        if self.merged is None:
            assert self.load is not None
            return self.load(self.seq)
        return self.merged

    def wait_in_stage(self, seq: int, load: Callable[[int], FlatRow]) -> None:
        """Let the group's one row wait in the stage (as row ``seq``) until needed."""
        self.merged, self.seq, self.load = None, seq, load

    def merge(self, later: FlatRow) -> None:
        """Merge a later row of the deal into the group's, noting whether it changed anything."""
        if self.merged is None:
            self.merged, self.load = self.row, None
        self.note_repeat(self.merged.merge(later))

    def note_repeat(self, changed: bool) -> None:
        if isinstance(self.repeats_changed, list):
            self.repeats_changed.append(changed)
        else:
            self.repeats_changed = [changed]

    def keep_record(self, record: dict[str, Any]) -> None:
        if isinstance(self.records, list):
            self.records.append(record)
        else:
            self.records = [record]


class Matcher:
    """Assigns each valid row to a Group, in file order."""

    def __init__(self, snapshot: Snapshot, on_conflict: str) -> None:
        self.snapshot = snapshot
        self.on_conflict = on_conflict
        self.groups: list[Group] = []
        self._existing: dict[int, Group] = {}
        self._new_by_key: dict[str, Group] = {}
        self._new_by_natural: dict[NaturalKey, list[Group]] = {}
        self._provisional: dict[str, int] = {}
        self._ledger_keys: dict[int, str] | None = None  # built on first use: id → key

    def party_id(self, display: str) -> int:
        """The ledger id of a name (or alias), or a stable negative stand-in for a new party."""
        found = self._ledger_id(display)
        if found is not None:
            return found
        return self._provisional.setdefault(name_key(display), -(len(self._provisional) + 1))

    def _ledger_id(self, name: str) -> int | None:
        """The id of the ledger party a name (or alias) names."""
        return self.snapshot.party_ids.get(name_key(name))

    def check_roles(self, row: FlatRow, later: FlatRow | None = None) -> None:
        """Refuse parties in roles that cannot combine once names and aliases are resolved to
        the ledger's parties (the row itself compared names only); with ``later``, the roster
        the two rows make when merged."""
        roles = row.roles if later is None else {**row.roles, **later.roles}
        if not roles:
            return
        target = row.target if later is None or later.target is None else later.target
        if later is None and not self._aliased(row):
            return  # parties told apart by name, as the row itself compared them
        shown: dict[int | str, str] = {}

        def party(display: str) -> int | str:
            found = self._ledger_id(display)
            if found is None:
                shown.setdefault(name_key(display), display)
                return name_key(display)
            shown[found] = self.snapshot.party_names.get(found, display)
            return found

        first = None if target is None else party(target)  # a new party spelt as the target
        roster = [(role, party(n)) for role, names in roles.items() for n in names]
        refuse_role_clashes(first, roster, shown.__getitem__)

    def _aliased(self, row: FlatRow) -> bool:
        """Whether two different names of the row are names of one ledger party."""
        ids = self.snapshot.party_ids
        if not self.snapshot.has_aliases:
            return False  # a ledger without aliases has one name per party
        found: dict[str, int] = {}
        names = [n for names in row.roles.values() for n in names]
        for key in map(name_key, names if row.target is None else [row.target, *names]):
            party = ids.get(key)
            if party is not None:
                found[key] = party
        return len(set(found.values())) < len(found)

    def natural_key(self, row: FlatRow) -> NaturalKey:
        target, reported = required_natural(row)
        acquirers = (self.party_id(n) for n in row.roles.get("acquirer", ()))
        return natural_key(self.party_id(target), acquirers, reported)

    def known(self, row: FlatRow) -> bool:
        """Whether the row matches a deal already in the ledger, by key or natural key."""
        if not self.snapshot.deal_keys:
            return False  # the first import into a ledger asks this of every row
        if row.key is not None and row.key in self.snapshot.deal_keys:
            return True
        if row.target is None or row.reported is None:
            return False
        names = row.roles.get("acquirer", ())
        ids = [i for i in map(self._ledger_id, names) if i is not None]
        target = self._ledger_id(row.target)
        if target is None or len(ids) != len(names):
            return False  # a name the ledger lacks: no deal of the ledger can have it
        return bool(self.snapshot.deals_on(natural_key(target, ids, row.reported)))

    def file_natural(self, row: FlatRow) -> str | None:
        """The natural key as text that is equal for rows of one deal (None if incomplete).

        A name the ledger knows stands as its party's id, so aliases meet their party.
        """
        if row.target is None or row.reported is None:
            return None
        keys = [name_key(row.target), *map(name_key, row.roles.get("acquirer", ()))]
        ids = self.snapshot.party_ids
        if ids:  # a first import's ledger has none
            keys = [key if (found := ids.get(key)) is None else f"#{found}" for key in keys]
        target, *acquirers = keys
        return "\x1f".join(
            (
                target,
                "\x1e".join(sorted(set(acquirers))),
                # Compared only with other rows' (in the import's stage): the day's number is
                # as good as its ISO text, and cheaper to write.
                str(row.reported.start.toordinal()),
                row.reported.precision._value_,  # the member's own attribute: a cheap read
            )
        )

    def add(self, row: FlatRow) -> Group:
        group, natural = self._find(row)
        if group is None:
            natural = natural or self.natural_key(row)
            group = Group(row, None, [row.line])
            self.groups.append(group)
            self._new_by_natural.setdefault(natural, []).append(group)
            if row.key is not None:
                self._new_by_key[row.key] = group
            return group
        if group.deal_id is not None and self.on_conflict == "fail":
            raise RowError(
                "row", f"matches existing deal {self.key_of(group.deal_id)} (--on-conflict fail)"
            )
        if group.deal_id is None:
            self.check_roles(group.row, row)
        group.lines.append(row.line)
        if group.deal_id is not None and self.on_conflict == "skip":
            group.skipped = True
            if len(group.lines) > 1:  # the first row is counted as the deal's outcome
                group.note_repeat(False)
        elif len(group.lines) == 1:
            group.merged = row
        else:
            group.merge(row)
            if group.deal_id is None and row.key is not None:
                self._new_by_key.setdefault(row.key, group)
        return group

    def _find(self, row: FlatRow) -> tuple[Group | None, NaturalKey | None]:
        """The group a row joins, if any, and its natural key when that had to be computed."""
        if row.key is not None:
            deal_id = self.snapshot.deal_keys.get(row.key)
            if deal_id is not None:
                return self._existing_group(deal_id, row), None
            if row.key in self._new_by_key:
                return self._new_by_key[row.key], None
        natural = self.natural_key(row)
        matches = self.snapshot.deals_on(natural)
        if len(matches) > 1:
            keys = ", ".join(self.key_of(m) for m in matches)
            raise RowError("row", f"matches {len(matches)} deals ({keys}); give the key of one")
        if matches:
            return self._existing_group(matches[0], row), natural
        created = self._new_by_natural.get(natural, [])
        if row.key is not None:
            # the file itself tells deals on one natural key apart by key (add --new)
            created = [g for g in created if g.row.key in (None, row.key)]
        if len(created) > 1:
            keys = ", ".join(g.row.key or f"line {g.lines[0]}" for g in created)
            raise RowError("row", f"matches {len(created)} deals ({keys}); give the key of one")
        return (created[0] if created else None), natural

    def _existing_group(self, deal_id: int, row: FlatRow) -> Group:
        group = self._existing.get(deal_id)
        if group is None:
            group = Group(row, deal_id)
            self._existing[deal_id] = group
            self.groups.append(group)
        return group

    def key_of(self, deal_id: int) -> str:
        """The key of a deal already in the ledger (their keys do not change during an import)."""
        if self._ledger_keys is None:
            self._ledger_keys = {v: k for k, v in self.snapshot.deal_keys.items()}
        return self._ledger_keys.get(deal_id, str(deal_id))


def refuse_role_clashes(
    target: P | None, roster: list[tuple[str, P]], name: Callable[[P], str]
) -> None:
    """A RowError on the party column to fix when a roster holds roles that cannot combine."""
    clashes = role_clashes(target, roster, name)
    if clashes:
        raise RowError(ROLE_COLUMNS[clashes[0].role], clashes[0].message)


def required_natural(row: FlatRow) -> tuple[str, PartialDate]:
    """The row's target and reported date, which matching or creating a deal needs."""
    if row.target is None or row.reported is None:
        raise RowError(
            "target" if row.target is None else "reported",
            "required to match or create a deal (or give the key of an existing deal)",
        )
    return row.target, row.reported
