"""Running one use case in one transaction, and printing what it returns.

Notices (``Created party …``) are printed only after the transaction commits: a command that fails
must not claim to have created anything.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dealtrack.services.parties import Notices

T = TypeVar("T")


@contextmanager
def ledger_session(write: bool) -> Iterator["Session"]:
    """A session on the ledger ``--db`` names; a recording command creates it if missing."""
    from dealtrack.db import open_ledger
    from dealtrack.location import locate

    ledger = open_ledger(locate(click.get_current_context().find_root().obj), write)
    try:
        with ledger.session(write) as session:
            yield session
    except BaseException:
        ledger.discard_if_empty()
        raise
    finally:
        ledger.close()


def run(write: bool, use_case: Callable[["Session", "Notices"], T]) -> T:
    """Run ``use_case(session, notices)`` in one transaction, then print its notices."""
    from dealtrack.services.parties import Notices

    notices = Notices()
    with ledger_session(write) as session:
        result = use_case(session, notices)
    for line in notices.lines:
        click.echo(line, err=True)
    return result


def confirm(message: str) -> None:
    click.echo(message, err=True)


def emit(text: str) -> None:
    click.echo(text, nl=False)


def today() -> Any:
    from dealtrack.dates import parse_date

    return parse_date("today")
