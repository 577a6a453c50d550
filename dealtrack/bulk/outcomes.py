"""What an import reports: its problems (and rejected rows), its plan, its counts and summary."""

import heapq
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dealtrack.bulk.rejects import RejectWriter
from dealtrack.errors import DealtrackError

SHOWN_PROBLEMS = 50
_ACTIONS = {"added": "add", "updated": "update"}
_PLAN_LINES = 1_000  # plan lines written to its file at once


class Plan:
    """What happens to each deal, ``(add|update|unchanged, key)``, as ``--dry-run`` prints it.

    Kept in a temporary file once it outgrows a megabyte: a million rows plan a million keys.
    Lines wait in a short list and go to the file together: a write each (through the spooled
    file's Python methods) cost an import about 10,000 instructions a row.
    """

    def __init__(self) -> None:
        # Lives as long as the result; closed (and deleted) with it.
        self.file = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115
        self.lines: list[str] = []

    def add(self, outcome: str, key: str) -> None:
        self.lines.append(f"{_ACTIONS.get(outcome, 'unchanged')}\t{key}\n")  # keys hold no tab
        if len(self.lines) >= _PLAN_LINES:
            self._write()

    def _write(self) -> None:
        self.file.write("".join(self.lines))
        self.lines = []

    def __iter__(self) -> Iterator[tuple[str, str]]:
        self._write()
        self.file.seek(0)
        for line in self.file:
            action, key = line.rstrip("\n").split("\t")
            yield action, key


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejected_lines: int = 0  # the physical lines of the rejected rows (a runaway quote's many)
    # Each deal's outcome in file order, which a dry run prints; None where nobody will read it
    # (a real import of a million rows would write a million lines to a temporary file).
    plan: Plan | None = field(default_factory=Plan)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # what --skip-invalid rejected, and why

    def count(self, outcome: str, key: str, repeats_changed: Iterable[bool] = ()) -> None:
        """Each row once: the deal's outcome for its first row, then updated/unchanged per repeat.

        A repeat of a deal the import leaves unchanged is unchanged too, so a re-run reports no
        updates.
        """
        setattr(self, outcome, getattr(self, outcome) + 1)
        for changed in repeats_changed:
            if changed and outcome != "unchanged":
                self.updated += 1
            else:
                self.unchanged += 1
        if self.plan is not None:
            self.plan.add(outcome, key)

    def count_added(self, key: str) -> None:
        """``count("added", key)`` of a deal one row created, as most of an import's are."""
        self.added += 1
        if self.plan is not None:
            self.plan.add("added", key)


class Problems:
    """``FILE:LINE: field: message`` lines: the 50 earliest in the file kept, the rest counted;
    with ``--rejects``, the rejected records too.

    Problems are found out of file order (a row that matches two deals only once the whole file
    has been read), so the 50 kept are the earliest by line, not the first found.
    """

    def __init__(self, source: str, rejects: RejectWriter | None = None) -> None:
        self.source, self.count = source, 0
        self.earliest: list[tuple[int, int, str]] = []  # a heap of (-line, -count, text)
        self.rejected_lines: set[int] = set()
        self.spans: dict[int, int] = {}  # a rejected record's first line → its lines, if several
        self.rejects = rejects

    def add(self, line: int, field_name: str, message: str, lines: int = 1) -> None:
        self.count += 1
        self.rejected_lines.add(line)
        if lines > 1:
            self.spans[line] = lines
        kept = (-line, -self.count, f"{self.source}:{line}: {field_name}: {message}")
        if len(self.earliest) < SHOWN_PROBLEMS:
            heapq.heappush(self.earliest, kept)
        elif kept > self.earliest[0]:
            heapq.heapreplace(self.earliest, kept)

    @property
    def lines(self) -> list[str]:
        """The kept problems in file order (a line's own problems as they were found)."""
        return [text for _, _, text in sorted(self.earliest, reverse=True)]

    @property
    def physical_lines(self) -> int:
        """How many lines of the file the rejected records span."""
        return len(self.rejected_lines) + sum(lines - 1 for lines in self.spans.values())

    def reject(
        self, line: int, record: Any, found: Iterable[tuple[str, str]], lines: int = 1
    ) -> None:
        """List a row's problems, ``(field, message)``, and write the row to ``--rejects``."""
        found = list(found)
        for field_name, message in found:
            self.add(line, field_name, message, lines)
        if self.rejects is not None:
            self.rejects.write(record, "; ".join(f"{f}: {m}" for f, m in found))

    def shown(self) -> list[str]:
        """The lines to print: the first 50 problems, then how many more there were."""
        shown = self.lines
        if self.count > len(shown):
            shown.append(f"… and {self.count - len(shown)} more problems")
        return shown

    def error(self) -> DealtrackError:
        noun = "problem" if self.count == 1 else "problems"
        return DealtrackError(
            f"{self.count} {noun} in {self.source}; nothing imported", tuple(self.shown())
        )


def summary(result: ImportResult, dry_run: bool) -> str:
    rejected = f"{result.rejected} rejected"
    if result.rejected_lines > result.rejected:  # a runaway quote's rows are lines, not rows
        rejected += f" ({result.rejected_lines} lines)"
    if dry_run:
        return (
            f"Dry run: {_rows(result.rows)}: {result.added} to add, {result.updated} to update, "
            f"{result.unchanged} unchanged, {rejected}"
        )
    return (
        f"Imported {_rows(result.rows)}: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged, {rejected} in {result.seconds:.1f} s"
    )


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count} rows"
