"""An import's rows that matched deals of the ledger: each deal brought up to its rows.

The rows were matched and merged while the file was read (``matching``); here each chunk of deals
is loaded with one round of queries and every change planned (``updating.planned_update``) and
written. On SQLite a helper process (``comparing``) compares every other chunk meanwhile, and
only the deals it finds changed are updated here, so each rule and every write stays in one place.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dealtrack.bulk.comparing import Comparer, apply_compared, packed_rows
from dealtrack.bulk.creating import NewDeals
from dealtrack.bulk.matching import Group, Matcher, RowError
from dealtrack.bulk.outcomes import ImportResult, Problems
from dealtrack.bulk.staging import Stage
from dealtrack.bulk.updating import planned_update, write_update
from dealtrack.dates import PartialDate
from dealtrack.services.ledger import CHUNK, load_deals


@dataclass
class MatchedUpdates:
    """The updates of one import (``apply`` once every row is matched); counts go to ``result``
    and refused rows to ``problems``."""

    session: Session
    matcher: Matcher
    stage: Stage
    comparer: Comparer | None
    problems: Problems
    result: ImportResult
    today: PartialDate
    new_deals: NewDeals

    def apply(self) -> None:
        """Bring the ledger's deals that rows matched to those rows: every other chunk compared
        in a helper process (``comparing``) while this one applies the chunk before it."""
        existing = [g for g in self.matcher.groups if g.deal_id is not None]
        by_id = {g.deal_id: g for g in existing}
        wanted = [g.deal_id for g in existing if not g.skipped and g.deal_id is not None]
        chunks = [
            [by_id[deal_id] for deal_id in wanted[start : start + CHUNK]]
            for start in range(0, len(wanted), CHUNK)
        ]
        comparer = self.comparer if len(chunks) > 1 else None
        if comparer is not None:
            comparer.ask(packed_rows(self.stage, chunks[1]))
        with self.session.no_autoflush:
            for number, groups in enumerate(chunks):
                if comparer is None or number % 2 == 0:
                    self._update_chunk(groups)
                    continue
                unchanged = comparer.unchanged()
                if number + 2 < len(chunks):
                    comparer.ask(packed_rows(self.stage, chunks[number + 2]))
                apply_compared(groups, unchanged, self._update_chunk, self._count_unchanged)
        for group in existing:
            if group.skipped:
                key = self.matcher.key_of(group.deal_id or 0)
                self.result.count("unchanged", key, group.repeats_changed)

    def _count_unchanged(self, group: Group, key: str) -> None:
        self.result.count("unchanged", key, group.repeats_changed)

    def _update_chunk(self, groups: list[Group]) -> None:
        """One chunk of ``apply``: the deals with one round of queries, and the rows that wait
        in the stage with one more."""
        by_id = {group.deal_id: group for group in groups if group.deal_id is not None}
        waiting = self.stage.rows_at([g.seq for g in groups if g.merged is None])
        for loaded in load_deals(self.session, list(by_id)):
            group = by_id[loaded.deal.id]
            row = group.merged or waiting[group.seq]
            try:
                planned = planned_update(
                    self.matcher, row, loaded, self.today, self.new_deals.recorded_at,
                    self.new_deals.party_id,
                )  # fmt: skip
            except RowError as error:
                for line in group.lines:
                    self.problems.add(line, error.field_name, error.message)
                if self.problems.rejects is not None:
                    for record in group.records:
                        self.problems.rejects.write(record, f"{error.field_name}: {error.message}")
                continue
            if planned is not None:
                write_update(self.session, loaded, planned)
            outcome = "unchanged" if planned is None else "updated"
            self.result.count(outcome, loaded.deal.key, group.repeats_changed)
