"""Running a step of an import in a forked process of its own, fed and read through pipes.

One process runs Python on one core at a time, and an import's steps (reading and checking rows,
numbering new deals, storing them) each cost about as much Python as the others. A writer thread
measured slower (every ``executemany`` retakes the GIL for each row); forked processes, one per
step, let the machine's cores share the work, each step at most a few batches ahead of the next.

A step that keeps no order of its own (checking rows, with nothing numbered) can also be shared:
the child steps every other batch and sends the others as they are, for the parent to step when
it reaches them. An import into a ledger that has deals only stages its rows while the file is
read, so its own process would otherwise wait for the child's.

Items travel in batches packed with marshal (plain values only: several times cheaper than
pickle). The pipe holds a few batches (Linux lets a pipe grow to a megabyte): with the 64 KiB a
pipe holds by default, the child could run at most one batch ahead, so whenever the parent paused
to write its rows the child soon stopped too, and the two took turns instead of working side by
side; the larger pipe took about a tenth off a 100,000-deal import. Memory still stays flat, and a
child whose reader dies gets a broken pipe and ends; a chain of steps ends the same way from its
last link back.
"""

import fcntl
import gc
import marshal
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from dealtrack.bulk import readers
from dealtrack.errors import DealtrackError

BATCH = 1_000
# What an unprivileged process may ask of Linux by default (/proc/sys/fs/pipe-max-size).
PIPE_BYTES = 1 << 20


@dataclass(frozen=True)
class Shared:
    """How an item crosses the pipe unstepped: ``plain`` makes marshal's plain values of it, and
    ``rebuilt`` the item again from them."""

    plain: Callable[[Any], Any]
    rebuilt: Callable[[Any], Any]


def in_child(
    items: Iterator[Any], step: Callable[[Any], Any], shared: Shared | None = None
) -> Iterator[Any]:
    """``step`` of every item, in order, run in a forked child; yields here as batches arrive.
    With ``shared``, this process steps every other batch itself.

    ``items`` is iterated in the child, so it may itself be ``in_child`` of an earlier step: that
    step's process is then forked by this one.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _widen(send)
    child = context.Process(target=_produce, args=(receive, send, items, step, shared))
    child.start()
    send.close()
    finished = False
    try:
        while True:
            try:
                message = marshal.loads(receive.recv_bytes())
            except EOFError:
                break
            if isinstance(message, str):
                raise readers.FileProblem(message)
            if message is None:
                finished = True
                break
            stepped, batch = message  # (whether the child stepped them, the items)
            yield from batch if stepped or shared is None else map(step, map(shared.rebuilt, batch))
    finally:
        receive.close()
        if not finished and child.is_alive():
            child.kill()
        child.join()
    if not finished:
        raise DealtrackError("reading the file stopped unexpectedly; nothing imported")


def _widen(pipe: Any) -> None:
    """Let ``pipe`` hold PIPE_BYTES where the system allows it; elsewhere it keeps its size."""
    if sys.platform == "linux":
        with suppress(OSError):  # a lower ceiling, or no room: the default still works
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _produce(
    receive: Any,
    send: Any,
    items: Iterator[Any],
    step: Callable[[Any], Any],
    shared: Shared | None,
) -> None:
    # Only the parent may hold the reading end: then its death breaks the pipe and ends this.
    receive.close()
    # What a step makes is plain rows and tuples, freed as soon as they are sent: the cyclic
    # collector would only rescan them, and this process's life is short.
    gc.disable()
    batch: list[Any] = []
    stepping = True
    try:
        for item in items:
            batch.append(step(item) if stepping or shared is None else shared.plain(item))
            if len(batch) >= BATCH:
                send.send_bytes(marshal.dumps((stepping, batch)))
                batch = []
                stepping = shared is None or not stepping
        send.send_bytes(marshal.dumps((stepping, batch)))
        send.send_bytes(marshal.dumps(None))
    except readers.FileProblem as error:
        send.send_bytes(marshal.dumps(str(error)))
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    finally:
        send.close()
        os._exit(0)  # nothing of the parent's (its ledger connection, temp files) is the child's
