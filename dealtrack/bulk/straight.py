"""Which rows of an import into a ledger without deals are written as soon as they are read.

Rows normally wait in the import's Stage until the whole file is read, because a later row may
merge with an earlier one. Into a ledger without deals, a row with its own key and a complete
natural key can meet only other rows of the file, and nearly always meets none; so such rows are
written at once (inside a savepoint) while every row so far has been of that kind. If a later row
turns out to meet a written one, the importer rolls the savepoint back and every row takes the
staged path, as if none had been written. A row that repeats a written row's key may already be
on its way in: the deal's unique key refuses it, and that write failing ends the straight writes
the same way.
"""

from types import TracebackType

from sqlalchemy.exc import IntegrityError


class StraightWrites:
    """The decision, row by row; once a row is not written straight away, no later row is, so
    deal ids keep the file's order."""

    def __init__(self, open_: bool, skip_invalid: bool) -> None:
        self.open, self.skip_invalid = open_, skip_invalid
        self.failed = False  # a write failed: nothing more is written, and what was is undone

    def admits(self, key: str | None, complete: bool, known: bool, problems: int) -> bool:
        """Whether this row's new deal is written now. ``complete``: the row has a natural key;
        ``known``: the row matches a ledger deal; ``problems``: how many problems the file has
        shown so far (a failing import writes nothing, so it stops writing at its first problem
        unless rows may be skipped)."""
        failing = problems > 0 and not self.skip_invalid
        if self.open and (known or key is None or not complete or failing):
            self.open = False
        return self.open

    def writing(self) -> "StraightWrites":
        """Around a write of rows as they are read: a unique key that refuses one (a key the file
        repeats) marks the writes ``failed`` rather than failing the import. (Entered for every
        row: a plain context manager, as a generator-based one costs a row several times more.)"""
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> bool:
        if isinstance(error, IntegrityError):
            self.failed = True
            return True
        return False
