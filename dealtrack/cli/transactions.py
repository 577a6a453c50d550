"""Running one use case in one transaction, and printing what it returns.

Notices (``Created party …``) are printed only after the transaction commits: a command that fails
must not claim to have created anything.
"""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import click

from dealtrack.cli import interrupts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dealtrack.location import Location
    from dealtrack.notices import Notices

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ReadUseCase(Protocol[T_co]):
    """A reading use case that may also run on a light path, without SQLAlchemy."""

    def light(self, location: "Location", notices: "Notices") -> T_co | None:
        """The result read on the light path, or None when only a session can serve it."""

    def __call__(self, session: "Session", notices: "Notices") -> T_co:
        """The result read in a session."""


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that everything it did is rolled back."""


@contextmanager
def ledger_session(
    write: bool, dry_run: bool = False, references_at_end: bool = False
) -> Iterator["Session"]:
    """A session on the ledger ``--db`` names; a recording command creates it if missing.

    A dry run opens the ledger without creating it and rolls its transaction back.
    """
    from dealtrack.db import open_for_dry_run, open_ledger
    from dealtrack.location import locate

    location = locate(click.get_current_context().find_root().obj)
    ledger = open_for_dry_run(location) if dry_run else open_ledger(location, write)
    notice = ledger.upgrade_notice()
    if notice is not None:
        click.echo(notice, err=True)
    _end_start_up()
    try:
        with ledger.session(write, references_at_end) as session:
            yield session
            if dry_run:
                raise _DryRun
            if write:  # the commit begins as this block ends: a Ctrl-C now lets it finish
                interrupts.hold()
    except _DryRun:
        pass
    except BaseException:
        ledger.discard_if_empty()
        raise
    finally:
        ledger.close()


def _end_start_up() -> None:
    """Turn the collector back on if ``main`` held it off while the program loaded.

    What start-up loaded lives as long as the process, so it is frozen out of every later
    collection. Commands run in-process (tests) never had it off and are left alone.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run(
    write: bool,
    use_case: Callable[["Session", "Notices"], T],
    dry_run: bool = False,
    references_at_end: bool = False,
) -> T:
    """Run ``use_case(session, notices)`` in one transaction, then print its notices.

    ``references_at_end``: the use case checks foreign keys itself before it returns
    (``dealtrack.ids.check_references``), as a bulk write does.
    """
    from dealtrack.notices import Notices

    notices = Notices()
    with ledger_session(write, dry_run, references_at_end) as session:
        result = use_case(session, notices)
    for line in notices.lines:
        click.echo(line, err=True)
    return result


def run_read(use_case: ReadUseCase[T], show: Callable[[T], None]) -> None:
    """Run a reading use case and ``show`` its result, then print its notices: on its light path
    when that serves the ledger, else in one transaction as ``run`` does."""
    from dealtrack.location import locate
    from dealtrack.notices import Notices

    notices = Notices()
    _end_start_up()
    result = use_case.light(locate(click.get_current_context().find_root().obj), notices)
    if result is None:
        run(False, lambda session, noted: show(use_case(session, noted)))
        return
    show(result)
    for line in notices.lines:
        click.echo(line, err=True)


def confirm(message: str) -> None:
    click.echo(message, err=True)


def emit(text: str) -> None:
    click.echo(text, nl=False)


def emit_table(text: str, fmt: str, found: int, what: str) -> None:
    """A table on stdout, and when it has no rows a note on stderr saying so (a table's header
    alone reads like a failure); csv, tsv and JSON stay silent for the programs that read them."""
    emit(text)
    note_if_empty(fmt, found, what)


def note_if_empty(fmt: str, found: int, what: str) -> None:
    from dealtrack.render import is_table

    if not found and is_table(fmt):
        click.echo(f"Note: no {what} match", err=True)


FLUSH_AT = 1 << 16  # characters held back before a write, past the first piece


def emit_pages(pages: Iterable[str]) -> None:
    """Text made piece by piece, written as it comes: the first piece at once (a reader sees the
    first rows, and ``| head`` can end the command early), then in large writes."""
    held: list[str] = []
    size = 0
    first = True
    for page in pages:
        held.append(page)
        size += len(page)
        if first or size >= FLUSH_AT:
            emit("".join(held))
            held, size, first = [], 0, False
    if held:
        emit("".join(held))


def terminal_width() -> int | None:
    """The width tables must fit when stdout is a terminal (``COLUMNS`` overrides it), else
    None: output piped to a file or a program is never cut."""
    import shutil
    import sys

    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def today() -> Any:
    from dealtrack.dates import parse_date

    return parse_date("today")
