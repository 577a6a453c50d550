"""Checking a delimited file's rows in a second process while this one writes them.

Reading, validating and matching a row costs about as much Python as writing it, and one process
runs Python on one core at a time (a writer thread measured slower: every ``executemany`` retakes
the GIL for each row). So a forked child reads and checks the records and sends each row packed
(marshal of plain values, as the Stage keeps it) in batches through a pipe; this process only
unpacks, stages and writes. The pipe's small buffer keeps the child at most a few batches ahead,
so memory stays flat, and a child whose parent dies gets a broken pipe and ends.
"""

import marshal
import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any

from dealtrack.bulk import readers
from dealtrack.bulk.matching import Matcher, RowError, required_natural
from dealtrack.bulk.rows import ColumnPlan, RowProblems, parse_row
from dealtrack.bulk.staging import pack
from dealtrack.errors import DealtrackError

BATCH = 2_000
# One checked record: (counted, "row", line, key, natural key, known, packed row, record kept
# for --rejects) or (counted, "bad", line, record, [(field, message)], whole-record problem).
Checked = tuple[Any, ...]


def checked(
    record: readers.RawRecord, columns: ColumnPlan, today: Any, matcher: Matcher, keep: bool
) -> Checked:
    """One record, checked, as this module sends it (what ``_Import.take`` does in process)."""
    counted = (record.fields or {}).get("type") not in ("party", "ledger")
    if record.problem is not None or record.fields is None:
        problem = [("row", record.problem or "unreadable")]
        return (counted, "bad", record.line, record.fields or {}, problem, True)
    try:
        row = parse_row(record.line, columns.cells(record.fields), today)
        matcher.check_roles(row)
        if row.key is None:
            required_natural(row)  # without a key, only the natural key can find its deal
    except RowProblems as error:
        return (counted, "bad", record.line, record.fields, error.problems, False)
    except RowError as error:
        found = [(error.field_name, error.message)]
        return (counted, "bad", record.line, record.fields, found, False)
    natural, known = matcher.file_natural(row), matcher.known(row)
    kept = record.fields if keep else None
    return (counted, "row", record.line, row.key, natural, known, pack(row), kept)


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
