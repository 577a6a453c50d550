"""The steps that read a delimited file's rows in processes of their own (see ``children``).

The first step checks each record as a row; the second numbers the new deal of each row that may
be written as soon as it is read (see ``straight``) and builds its rows, so that the importing
process only stores them. Rows travel as plain values: dates as the ISO text SQLite stores and
PostgreSQL accepts.
"""

from collections.abc import Iterator
from typing import Any

from dealtrack.bulk import readers
from dealtrack.bulk.children import in_child
from dealtrack.bulk.creating import NewDeals
from dealtrack.bulk.matching import Matcher, RowError, required_natural
from dealtrack.bulk.rows import ColumnPlan, RowProblems, parse_row
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage, pack, unpack
from dealtrack.bulk.straight import StraightWrites
from dealtrack.domain.new_deal import CREATED_FIELDS, DEAL_FIELDS, FOLLOWING_FIELDS, DealRows

# One checked record, as sent:
#   (counted, "bad", line, record, [(field, message)], whole-record problem)
#   (counted, "row", line, key, natural key, known, packed row, record kept for --rejects)
#   (counted, "new", line, key, natural key, known, packed row, kept, deal rows, new parties,
#    the next free (party, deal, event) ids): a row whose new deal is to be written now
Checked = tuple[Any, ...]
NEW_ROW_FIELDS = 8  # the items of a "new" item up to the kept record, as in a "row" item


def checked_rows(
    records: Iterator[readers.RawRecord], check: "RowChecker", number: "Numberer | None"
) -> Iterator[Checked]:
    """The records, checked (and numbered, unless ``number`` is None) in child processes."""
    checked = in_child(records, check)
    return checked if number is None else in_child(checked, number)


class RowChecker:
    """Checks a record as an import row, against the import's Matcher (as forked)."""

    def __init__(self, columns: ColumnPlan, today: Any, matcher: Matcher, keep: bool) -> None:
        self.columns, self.today, self.matcher, self.keep = columns, today, matcher, keep

    def __call__(self, record: readers.RawRecord) -> Checked:
        counted = (record.fields or {}).get("type") not in ("party", "ledger")
        if record.problem is not None or record.fields is None:
            problem = [("row", record.problem or "unreadable")]
            return (counted, "bad", record.line, record.fields or {}, problem, True)
        try:
            row = parse_row(
                record.line, self.columns.cells(record.fields), self.today, self.columns.forms
            )
            self.matcher.check_roles(row)
            if row.key is None:
                required_natural(row)  # without a key, only the natural key can find its deal
        except RowProblems as error:
            return (counted, "bad", record.line, record.fields, error.problems, False)
        except RowError as error:
            found = [(error.field_name, error.message)]
            return (counted, "bad", record.line, record.fields, found, False)
        natural, known = self.matcher.file_natural(row), self.matcher.known(row)
        kept = record.fields if self.keep else None
        return (counted, "row", record.line, row.key, natural, known, pack(row), kept)


class Numberer:
    """Numbers the new deal of each checked row ``straight`` admits and builds its rows.

    It works on its copy of the import's Snapshot (ids continue from the ledger's) and keeps
    the parties it creates in a Stage of its own, made in its process on first use.
    """

    def __init__(self, snapshot: Snapshot, straight: StraightWrites, recorded_at: str) -> None:
        self.snapshot, self.straight, self.recorded_at = snapshot, straight, recorded_at
        self.problems = 0
        self.numbering: tuple[NewDeals, _Collected] | None = None

    def __call__(self, item: Checked) -> Checked:
        if item[1] == "bad":
            self.problems += 1
            return item
        key, natural, known, packed = item[3:7]
        if not self.straight.admits(key, natural, known, self.problems):
            return item
        new_deals, collected = self._numbering()
        new_deals.create(unpack(packed))
        ids = (self.snapshot.next_party_id, self.snapshot.next_deal_id, self.snapshot.next_event_id)
        return (item[0], "new", *item[2:], *collected.taken(), ids)

    def _numbering(self) -> tuple[NewDeals, "_Collected"]:
        if self.numbering is None:
            collected = _Collected()
            self.numbering = (
                NewDeals(self.snapshot, Stage(), collected, self.recorded_at),
                collected,
            )
        return self.numbering


class _Collected:
    """The rows of one new deal, as the numbering step sends them (a DealSink)."""

    def __init__(self) -> None:
        self.rows: tuple[Any, ...] = ()
        self.parties: list[tuple[int, str, str]] = []

    def add_party(self, party_id: int, name: str, key: str) -> None:
        self.parties.append((party_id, name, key))

    def add_deal(self, rows: DealRows) -> None:
        self.rows = (
            _dates_as_text(rows.deal, _DEAL_DATES),
            _dates_as_text(rows.created, _CREATED_DATES),
            [_dates_as_text(event, _FOLLOWING_DATES) for event in rows.following],
            rows.participants,
        )

    def taken(self) -> tuple[tuple[Any, ...], list[tuple[int, str, str]]]:
        taken = self.rows, self.parties
        self.rows, self.parties = (), []
        return taken


_DEAL_DATES = (DEAL_FIELDS.index("reported"), DEAL_FIELDS.index("updated"))
_CREATED_DATES = (CREATED_FIELDS.index("on"),)
_FOLLOWING_DATES = (FOLLOWING_FIELDS.index("on"),)


def _dates_as_text(row: tuple[Any, ...], positions: tuple[int, ...]) -> tuple[Any, ...]:
    values = list(row)
    for position in positions:
        values[position] = values[position].isoformat()
    return tuple(values)
