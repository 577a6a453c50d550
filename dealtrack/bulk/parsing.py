"""Checking a delimited file's rows in a second process while this one writes them.

Reading, validating and numbering a row costs more Python than storing it, and one process runs
Python on one core at a time (a writer thread measured slower: every ``executemany`` retakes the
GIL for each row). So a forked child reads and checks the records; while rows may be written as
they are read (see ``straight``), it also numbers each row's new deal and builds its rows, so
that this process only stores them. Items go in batches through a pipe, packed with marshal
(plain values only: dates travel as the ISO text SQLite stores and PostgreSQL accepts). The
pipe's small buffer keeps the child at most a few batches ahead, so memory stays flat, and a
child whose parent dies gets a broken pipe and ends.
"""

import gc
import marshal
import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any

from dealtrack.bulk import readers
from dealtrack.bulk.creating import NewDeals
from dealtrack.bulk.matching import Matcher, RowError, required_natural
from dealtrack.bulk.rows import ColumnPlan, RowProblems, parse_row
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage, pack
from dealtrack.bulk.straight import StraightWrites
from dealtrack.domain.new_deal import CREATED_FIELDS, DEAL_FIELDS, FOLLOWING_FIELDS, DealRows
from dealtrack.errors import DealtrackError

BATCH = 2_000
# One checked record, as sent:
#   (counted, "bad", line, record, [(field, message)], whole-record problem)
#   (counted, "row", line, key, natural key, known, packed row, record kept for --rejects)
#   (counted, "new", line, key, natural key, known, packed row, kept, deal rows, new parties,
#    the next free (party, deal, event) ids): a row whose new deal is to be written now
Checked = tuple[Any, ...]
NEW_ROW_FIELDS = 8  # the items of a "new" item up to the kept record, as in a "row" item


class RowChecker:
    """Checks records one at a time, in the child; numbers the new deals ``straight`` admits.

    The child works on its copy of the import's Snapshot (ids continue from the ledger's) and
    keeps the parties it creates in a Stage of its own, made after the fork.
    """

    def __init__(
        self,
        columns: ColumnPlan,
        today: Any,
        matcher: Matcher,
        keep: bool,
        straight: StraightWrites,
        recorded_at: str,
    ) -> None:
        self.columns, self.today, self.matcher, self.keep = columns, today, matcher, keep
        self.straight, self.recorded_at = straight, recorded_at
        self.problems = 0
        self.numbering: tuple[NewDeals, _Collected] | None = None

    def __call__(self, record: readers.RawRecord) -> Checked:
        counted = (record.fields or {}).get("type") not in ("party", "ledger")
        if record.problem is not None or record.fields is None:
            self.problems += 1
            problem = [("row", record.problem or "unreadable")]
            return (counted, "bad", record.line, record.fields or {}, problem, True)
        try:
            row = parse_row(record.line, self.columns.cells(record.fields), self.today)
            self.matcher.check_roles(row)
            if row.key is None:
                required_natural(row)  # without a key, only the natural key can find its deal
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
        if not self.straight.admits(row.key, natural, known, self.problems):
            return checked
        new_deals, collected = self._numbering()
        new_deals.create(row)
        snapshot = new_deals.snapshot
        ids = (snapshot.next_party_id, snapshot.next_deal_id, snapshot.next_event_id)
        return (counted, "new", *checked[2:], *collected.taken(), ids)

    def _numbering(self) -> tuple[NewDeals, "_Collected"]:
        if self.numbering is None:
            collected = _Collected()
            snapshot: Snapshot = self.matcher.snapshot
            self.numbering = NewDeals(snapshot, Stage(), collected, self.recorded_at), collected
        return self.numbering


class _Collected:
    """The rows of one new deal, as the child sends them (a DealSink)."""

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


def checked_in_child(
    records: Iterator[readers.RawRecord], check: Callable[[readers.RawRecord], Checked]
) -> Iterator[Checked]:
    """``check`` of every record, run in a forked child; yields here as batches arrive."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_produce, args=(receive, send, records, check), daemon=True
    )
    child.start()
    send.close()
    finished = False
    try:
        while True:
            try:
                batch = marshal.loads(receive.recv_bytes())
            except EOFError:
                break
            if isinstance(batch, str):
                raise readers.FileProblem(batch)
            if batch is None:
                finished = True
                break
            yield from batch
    finally:
        receive.close()
        if not finished and child.is_alive():
            child.kill()
        child.join()
    if not finished:
        raise DealtrackError("reading the file stopped unexpectedly; nothing imported")


def _produce(
    receive: Any,
    send: Any,
    records: Iterator[readers.RawRecord],
    check: Callable[[readers.RawRecord], Checked],
) -> None:
    # Only the parent may hold the reading end: then its death breaks the pipe and ends this.
    receive.close()
    # What this process makes is plain rows and tuples, freed as soon as they are sent: the
    # cyclic collector would only rescan them (a tenth of its time), and this life is short.
    gc.disable()
    batch: list[Checked] = []
    try:
        for record in records:
            batch.append(check(record))
            if len(batch) >= BATCH:
                send.send_bytes(marshal.dumps(batch))
                batch = []
        send.send_bytes(marshal.dumps(batch))
        send.send_bytes(marshal.dumps(None))
    except readers.FileProblem as error:
        send.send_bytes(marshal.dumps(str(error)))
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    finally:
        send.close()
        os._exit(0)  # nothing of the parent's (its ledger connection, temp files) is the child's
