"""``import``: read a file, validate every row, match and merge, then write in one transaction.

Nothing is written until every row has been read and checked, so a bad row at line 50,000 leaves
the ledger untouched (atomic by default); ``--skip-invalid`` writes the valid rows instead. Valid
rows wait on disk in a Stage, so memory does not grow with the file.
"""

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.bulk import documents, fields, readers
from dealtrack.bulk.comparing import Comparer
from dealtrack.bulk.creating import NewDeals
from dealtrack.bulk.deferred import drop_secondary_indexes, rebuild_indexes
from dealtrack.bulk.delimited import physical_lines
from dealtrack.bulk.input_files import json_columns, records_of
from dealtrack.bulk.matched import MatchedUpdates
from dealtrack.bulk.matching import Group, Matcher, RowError, required_natural
from dealtrack.bulk.outcomes import ImportResult, Plan, Problems
from dealtrack.bulk.parsing import NEW_ROW_FIELDS, RowChecker, checked_row, checked_rows
from dealtrack.bulk.rejects import RejectWriter
from dealtrack.bulk.rows import ColumnPlan, FlatRow, RowProblems, forget_cached
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage, unpack
from dealtrack.bulk.straight import StraightWrites
from dealtrack.dates import PartialDate
from dealtrack.errors import DealtrackError
from dealtrack.ids import advance_sequences, check_references
from dealtrack.models import Deal, Event, Party
from dealtrack.render import FLAT_FORMATS, JSON_FORMATS
from dealtrack.search_index import reindex_written_since
from dealtrack.services.ledger import CHUNK, recorded_now
from dealtrack.writer import BulkWriter

PROGRESS_EVERY = 10_000


@dataclass(frozen=True)
class ImportOptions:
    columns: ColumnPlan
    on_conflict: str = "update"
    skip_invalid: bool = False
    rejects: Path | None = None
    # Called every PROGRESS_EVERY rows with ("reading", rows read, None), then with ("writing",
    # rows written, rows to write); the CLI draws a progress line from it on a terminal.
    progress: Callable[[str, int, int | None], None] | None = None
    keep_plan: bool = True  # each deal's outcome, for a dry run to print (ImportResult.plan)


def import_stream(
    session: Session,
    stream: BinaryIO,
    source: str,
    fmt: str,
    options: ImportOptions,
    today: PartialDate,
) -> ImportResult:
    """Import one file into the ledger of ``session`` (one transaction, committed by the caller)."""
    started = time.monotonic()
    rejects = RejectWriter.open(options.rejects, fmt)
    run = _Import(session, options, today, Problems(source, rejects))
    try:
        run.read(stream, source, fmt)
        run.write()
    except sqlite3.Error as error:  # the stage's: SQLAlchemy wraps the ledger's own errors
        raise DealtrackError(
            f"the import's scratch file failed ({error}); it needs free space of about three "
            "times the file's size in SQLITE_TMPDIR, TMPDIR or /var/tmp (set SQLITE_TMPDIR to a "
            "folder with room); nothing was imported"
        ) from None
    finally:
        run.close()
    problems, result = run.problems, run.result
    if problems.count and not options.skip_invalid:
        raise problems.error()
    session.flush()
    broken = check_references(session)
    if broken:  # a bug, never the file's fault: refuse the whole import rather than store it
        raise DealtrackError(
            f"the import would leave {broken} rows referring to rows that do not exist; "
            "nothing imported"
        )
    advance_sequences(session, {"party": Party.id, "deal": Deal.id, "event": Event.id})
    # In bulk, after every row; the deals the writer indexed as it wrote them are left alone.
    reindex_written_since(session.connection(), run.ids[2], run.indexed, run.indexed_events)
    result.rejected = len(problems.rejected_lines)
    result.rejected_lines = problems.physical_lines
    result.problems = problems.shown()
    if rejects is not None:
        rejects.close()
    result.seconds = time.monotonic() - started
    return result


class _Import:
    """One import: reading stages the valid rows, writing matches them and applies them."""

    def __init__(
        self, session: Session, options: ImportOptions, today: PartialDate, problems: Problems
    ) -> None:
        self.session, self.options, self.today, self.problems = session, options, today, problems
        self.result = self._new_result()
        self.snapshot = Snapshot.load(session)
        self.matcher = Matcher(self.snapshot, options.on_conflict)
        self.stage = Stage()
        self.columns = options.columns
        self.deal_objects = documents.DealObjects(session, self.snapshot, self.stage)
        self.connection = session.connection()
        empty = not self.snapshot.deal_keys
        self.deferred = drop_secondary_indexes(self.connection) if empty else []
        self.built = False  # whether the deferred indexes were built already (_finish_reading)
        self.recorded_at = recorded_now()
        self.writer = BulkWriter(self.connection, not self.snapshot.has_aliases)
        self.new_deals = NewDeals(self.snapshot, self.stage, self.writer, self.recorded_at)
        self.first_deal = self.snapshot.next_deal_id
        # Into an empty ledger, rows are written as they are read while each may still meet no
        # other row, instead of waiting in the stage to be read back (see straight).
        self.written = 0
        self.savepoint = session.begin_nested() if empty else None
        if self.savepoint is not None:
            # The session emits the SAVEPOINT only when it next hands out its connection; the
            # writer writes through the one it holds, so without this the rows written before a
            # meeting row turns up would stay when the savepoint is "rolled back".
            session.connection()
        self.straight = StraightWrites(self.savepoint is not None, options.skip_invalid)
        self.columns_checked_in_child = False
        self.ids = self.snapshot.next_party_id, self.first_deal, self.snapshot.next_event_id
        # The new deals whose index rows the writer wrote, and the first event id after them.
        self.indexed, self.indexed_events = range(0), 0
        # Forked now, while this process holds little more than the ledger's snapshot (its
        # memory counts towards the import's peak), for the rows that will match ledger deals.
        many = len(self.snapshot.deal_keys) > CHUNK
        self.comparer = (
            Comparer.for_ledger(self.connection, self.matcher, today, self.recorded_at)
            if many
            else None
        )

    def _new_result(self, rows: int = 0) -> ImportResult:
        return ImportResult(rows=rows, plan=Plan() if self.options.keep_plan else None)

    def close(self) -> None:
        self.stage.close()
        if self.comparer is not None:
            self.comparer.close()

    def read(self, stream: BinaryIO, source: str, fmt: str) -> None:
        """Check every record, stage the valid rows and collect the deal objects."""
        progress = self.options.progress
        try:
            self.columns, records = records_of(stream, fmt, self.options.columns, self.problems)
            if fmt in FLAT_FORMATS:
                self.take_all_checked(records)
                records = iter(())
            for record in records:
                self.result.rows += record.section != "parties" and (record.fields or {}).get(
                    "type"
                ) not in ("party", "ledger")
                self.take(record, fmt)
                if progress and self.result.rows % PROGRESS_EVERY == 0:
                    progress("reading", self.result.rows, None)
        except readers.FileProblem as error:
            raise DealtrackError(f"{source} is not valid {fmt.upper()}: {error}") from None
        self._finish_reading()
        forget_cached()
        self._settle_written()

    def _finish_reading(self) -> None:
        """Index the stage. When every row was written as it was read, the ledger's own end
        goes on meanwhile: its last search rows go into the index and its deferred indexes are
        built, on two cores, since the stage has a connection of its own and SQLite sorts
        without holding Python's lock. (If a row turns out to meet another, ``_settle_written``
        rolls both back with the deals, and ``write`` builds the indexes at its end.)"""
        every_row_written = self.written == self.stage.rows and not self.deal_objects.records
        if self.straight.failed or not (self.straight.open and every_row_written):
            self.stage.finish_reading()
            return
        with ThreadPoolExecutor(max_workers=1) as helper:
            finished = helper.submit(self.stage.finish_reading)
            try:
                with self.straight.writing():
                    if self.writer.indexing:
                        self._store_index_rows()  # flushes the other rows first
                    else:
                        self.writer.flush()
                if not self.straight.failed:
                    rebuild_indexes(self.connection, self.deferred)
                    self.built = True
            finally:
                finished.result()

    def _store_index_rows(self) -> None:
        self.indexed = range(self.first_deal, self.snapshot.next_deal_id)
        self.indexed_events = self.snapshot.next_event_id
        self.writer.store_index_rows()

    def take_all_checked(self, records: Iterator[readers.RawRecord]) -> None:
        """Take a delimited file's records checked (and their parties numbered) by a child."""
        numbering = (self.snapshot, self.straight) if self.straight.open else None
        check = RowChecker(
            self.columns, self.today.start, self.matcher, self.problems.rejects is not None,
            numbering,
        )  # fmt: skip
        progress = self.options.progress
        self.columns_checked_in_child = True
        # A row's objects here are plain values, freed as soon as they are written: the cyclic
        # collector would only rescan them, about 2% of this process's work.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._take_checked(checked_rows(records, check), progress)
        finally:
            if collecting:
                gc.enable()

    def _take_checked(
        self, items: Iterator[Any], progress: Callable[[str, int, int | None], None] | None
    ) -> None:
        for item in items:
            self.result.rows += item[0]
            if item[1] == "bad":
                line, fields_read, found, whole = item[2:]
                if whole:  # the record itself, not one of its fields
                    self.problems.add(line, "row", found[0][1], physical_lines(fields_read))
                    if self.problems.rejects:
                        self.problems.rejects.write(fields_read, found[0][1])
                else:
                    self.problems.reject(line, fields_read, found, physical_lines(fields_read))
            else:
                line, key, natural, known, data, kept = item[2:NEW_ROW_FIELDS]
                self.stage.add_packed(key, natural, known, data, kept)
                if item[1] == "new" and not self.straight.failed:
                    with self.straight.writing():
                        self._store_numbered(unpack(data), *item[NEW_ROW_FIELDS:])
            if progress and self.result.rows % PROGRESS_EVERY == 0:
                progress("reading", self.result.rows, None)

    def _store_numbered(
        self,
        row: FlatRow,
        party_ids: list[int],
        parties: list[tuple[int, str, str]],
        next_party_id: int,
    ) -> None:
        """Store a new deal whose parties the child numbered, with the parties it created."""
        for party_id, name, name_key in parties:  # the stage learns them if it needs them
            self.writer.add_party(party_id, name, name_key)
        self.result.count_added(self.new_deals.create(row, iter(party_ids)))
        self.snapshot.next_party_id = next_party_id
        self.written += 1

    def _write(self, row: FlatRow) -> None:
        self.result.count("added", self.new_deals.create(row))
        self.written += 1

    def _settle_written(self) -> None:
        """Keep the rows written while reading, unless one meets another row: then roll them
        back and let every row take the staged path, as if none had been written."""
        savepoint, self.savepoint, self.straight.open = self.savepoint, None, False
        if savepoint is None:
            return
        if not self.straight.failed and not self.stage.any_meets(self.written):
            savepoint.commit()
            if self.columns_checked_in_child and self.written < self.stage.rows:
                self._stage_written_parties()
            return
        savepoint.rollback()
        self.snapshot.next_party_id, self.snapshot.next_deal_id, self.snapshot.next_event_id = (
            self.ids
        )
        self.stage.forget_parties()
        self.writer = BulkWriter(self.connection, not self.snapshot.has_aliases)
        self.new_deals = NewDeals(self.snapshot, self.stage, self.writer, self.recorded_at)
        self.result = self._new_result(rows=self.result.rows)
        self.written = 0
        self.indexed, self.indexed_events = range(0), 0
        self.built = False

    def _stage_written_parties(self) -> None:
        """The parties the reading process created for the rows written straight away are in
        the ledger only; the rows still to write look names up in the stage, so add them."""
        self.writer.flush()
        created = select(Party.id, Party.name, Party.name_key).where(Party.id >= self.ids[0])
        for party_id, name, name_key in self.session.execute(created.order_by(Party.id)):
            self.stage.add_party(name_key, party_id, name)

    def take(self, record: readers.RawRecord, fmt: str) -> None:
        if record.problem is not None or record.fields is None:
            self.problems.add(record.line, "row", record.problem or "unreadable")
            if self.problems.rejects:
                self.problems.rejects.write(record.fields or {}, record.problem or "unreadable")
            return
        if fields.is_deal_object(record.fields) or record.section in fields.SECTIONS:
            self.deal_objects.add(record)
            return
        try:
            if fmt in JSON_FORMATS:
                record.fields = json_columns(record.fields, self.options.columns)
            row = checked_row(record, self.columns, self.today.start, self.matcher)
        except RowProblems as error:
            self.problems.reject(record.line, record.fields, error.problems)
            return
        except RowError as error:
            self.problems.reject(record.line, record.fields, [(error.field_name, error.message)])
            return
        kept = record.fields if self.problems.rejects else None
        natural, known = self.matcher.file_natural(row), self.matcher.known(row)
        self.stage.add_row(row, natural, known, kept)  # kept even if written, to undo that
        admitted = self.straight.admits(row.key, natural is not None, known, self.problems.count)
        if admitted and not self.straight.failed:
            with self.straight.writing():
                self._write(row)

    def write(self) -> None:
        """Existing deals first (their new parties flushed before their events), then new
        deals, then deal objects (which see what the rows created)."""
        if self.options.progress:
            self.options.progress("writing", 0, self.stage.rows)
        opened = self.match()
        if not self.deal_objects.records:  # matched: only deal objects look them up later
            self.snapshot.forget_natural_keys()
        MatchedUpdates(
            self.session, self.matcher, self.stage, self.comparer, self.problems, self.result,
            self.today, self.new_deals,
        ).apply()  # fmt: skip
        self.writer.parties.flush()
        self.session.flush()
        self.create(opened)
        self.writer.flush()
        if self.writer.indexing:  # before the deal objects, whose party records may reindex
            self._store_index_rows()
        if self.deal_objects.records:
            self.snapshot.absorb(self.session, self.first_deal)
        self.deal_objects.apply(self.writer, self.result, self.problems)
        if not self.built:
            rebuild_indexes(self.connection, self.deferred)

    def match(self) -> dict[int, Group]:
        """Group, in file order, the rows that may meet another row or a ledger deal; returns
        the new deals' groups by the staged row that opened each."""
        opened: dict[int, Group] = {}
        load = self.stage.row_at  # one bound method for every waiting group, not one each
        for seq, packed, record in self.stage.rows_to_match():
            row = unpack(packed)
            try:
                group = self.matcher.add(row)
            except RowError as error:
                self.problems.reject(row.line, record, [(error.field_name, error.message)])
                continue
            if len(group.lines) == 1:
                if group.deal_id is None:
                    opened[seq] = group
                else:
                    group.wait_in_stage(seq, load)
            if self.problems.rejects and group.deal_id is not None:
                group.keep_record(record)  # checked against the ledger only later
        return opened

    def create(self, opened: dict[int, Group]) -> None:
        """New deals in the order of their first rows: merged groups and rows that met no other."""
        progress = self.options.progress
        for seq, row, record in self.stage.rows_in_order(after=self.written):
            if progress and seq % PROGRESS_EVERY == 0:
                progress("writing", seq, self.stage.rows)
            if row is None:
                group = opened.get(seq)
                if group is not None:
                    key = self.new_deals.create(group.row)
                    self.result.count("added", key, group.repeats_changed)
                continue
            try:
                required_natural(row)  # its key named no deal of the ledger or of the file
            except RowError as error:
                self.problems.reject(row.line, record, [(error.field_name, error.message)])
                continue
            self.result.count("added", self.new_deals.create(row))
