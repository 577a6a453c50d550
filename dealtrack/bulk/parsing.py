"""The step that reads a delimited file's rows in a process of its own (see ``children``).

It checks each record as a row and, for a row whose new deal is written as soon as it is read
(see ``straight``), numbers the parties the row names, so that the importing process only numbers
the deal and its events, builds its rows and stores them. Rows travel packed (``staging.pack``).
"""

import datetime
from collections.abc import Iterator
from typing import Any

from dealtrack.bulk import readers
from dealtrack.bulk.children import Shared, in_child
from dealtrack.bulk.creating import number_parties, party_names
from dealtrack.bulk.matching import Matcher, RowError, required_natural
from dealtrack.bulk.rows import ColumnPlan, FlatRow, RowProblems, parse_row
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage, pack
from dealtrack.bulk.straight import StraightWrites

# One checked record, as sent:
#   (counted, "bad", line, record, [(field, message)], whole-record problem)
#   (counted, "row", line, key, natural key, known, packed row, record kept for --rejects)
#   (counted, "new", line, key, natural key, known, packed row, kept, party ids, new parties,
#    the next free party id): a row whose new deal is to be written now, its parties numbered
#    (the ids of ``creating.party_names``; new parties as (id, name, name key))
Checked = tuple[Any, ...]
NEW_ROW_FIELDS = 8  # the items of a "new" item up to the kept record, as in a "row" item


def checked_rows(records: Iterator[readers.RawRecord], check: "RowChecker") -> Iterator[Checked]:
    """The records, checked (and their parties numbered) in a child process. When it numbers
    nothing, a row's check depends on no other row's, so this process checks every other batch
    itself: it only stages the rows until the file is read."""
    return in_child(records, check, None if check.numbering else _RECORDS)


def checked_row(
    record: readers.RawRecord, columns: ColumnPlan, today: datetime.date, matcher: Matcher
) -> FlatRow:
    """A flat record as a valid row, whatever the file's format, or RowProblems (its fields) or
    RowError (the roles its parties cannot combine once the ledger's aliases are known, or no
    way to find its deal)."""
    row = parse_row(record.line, columns.cells(record.fields or {}), today, columns.forms)
    matcher.check_roles(row)
    if row.key is None:
        required_natural(row)  # without a key, only the natural key can find its deal
    return row


def _plain_record(record: readers.RawRecord) -> tuple[Any, ...]:
    return record.line, record.fields, record.problem, record.section


def _record(plain: tuple[Any, ...]) -> readers.RawRecord:
    return readers.RawRecord(*plain)


_RECORDS = Shared(_plain_record, _record)


class RowChecker:
    """Checks a record as an import row, against the import's Matcher (as forked).

    With ``numbering`` (the import's Snapshot and its StraightWrites), it also numbers the
    parties of each row ``straight`` admits, continuing from the ledger's ids and keeping the
    parties it creates in a Stage of its own, made in its process on first use. Numbering them
    here, where they are read in file order, leaves the importing process only the deal to number,
    build and store, so that the two processes share the work about evenly.
    """

    def __init__(
        self,
        columns: ColumnPlan,
        today: Any,
        matcher: Matcher,
        keep: bool,
        numbering: tuple[Snapshot, StraightWrites] | None = None,
    ) -> None:
        self.columns, self.today, self.matcher, self.keep = columns, today, matcher, keep
        self.numbering = numbering
        self.problems = 0
        self.parties: Stage | None = None

    def __call__(self, record: readers.RawRecord) -> Checked:
        counted = (record.fields or {}).get("type") not in ("party", "ledger")
        if record.problem is not None or record.fields is None:
            self.problems += 1
            problem = [("row", record.problem or "unreadable")]
            return (counted, "bad", record.line, record.fields or {}, problem, True)
        try:
            row = checked_row(record, self.columns, self.today, self.matcher)
        except RowProblems as error:
            self.problems += 1
            return (counted, "bad", record.line, record.fields, error.problems, False)
        except RowError as error:
            self.problems += 1
            found = [(error.field_name, error.message)]
            return (counted, "bad", record.line, record.fields, found, False)
        natural, known = self.matcher.file_natural(row), self.matcher.known(row)
        kept = record.fields if self.keep else None
        checked = (counted, "row", record.line, row.key, natural, known, pack(row), kept)
        if self.numbering is None or not self.numbering[1].admits(
            row.key, natural is not None, known, self.problems
        ):
            return checked
        snapshot = self.numbering[0]
        if self.parties is None:
            self.parties = Stage()
        ids, parties = number_parties(self.parties, snapshot, party_names(row))
        return (counted, "new", *checked[2:], ids, parties, snapshot.next_party_id)
