"""``dealtrack search`` as one use case with two ways to run.

Importing SQLAlchemy takes longer than sqlite-utils' whole search of a million deals takes
to start, so a search of an SQLite ledger without FILTERS, the common case, reads the ledger
through the standard library's ``sqlite3``: the same connection (``ledger_file``), the same
revision check, the same statements (``search_sql``) and the same hits (``search_hits``) as
the SQLAlchemy service, which runs every other case (FILTERS, PostgreSQL) and every ledger this
light read cannot serve as it is (missing, not a ledger, at another revision, unreadable): the
full path then refuses, upgrades or reports it exactly as for any other command.
"""

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealtrack.filters import Filters
from dealtrack.ledger_file import HEAD_REVISION, REVISION_QUERY, busy, connect, is_busy
from dealtrack.location import Location
from dealtrack.notices import Notices
from dealtrack.search_hits import Execute, Hit, best_hits, query_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class DealSearch:
    """The best ``limit`` deals for the query ``text`` among those ``filters`` select."""

    text: str
    filters: Filters
    limit: int

    def light(self, location: Location, notices: Notices) -> list[Hit] | None:
        """The hits, read without SQLAlchemy; None when only the full path can serve them."""
        if location.path is None or self.filters != Filters():
            return None
        connection = _open_at_head(location.path)
        if connection is None:
            return None
        with closing(connection):
            query = query_of(self.text, notices)
            if query is None:
                return []
            try:
                connection.execute("BEGIN")  # one snapshot for every statement, as a session
                return best_hits(_executor(connection), query, self.limit)
            except sqlite3.Error as error:
                if is_busy(error):
                    raise busy(location) from None
                return None

    def __call__(self, session: "Session", notices: Notices) -> list[Hit]:
        from dealtrack.services.search import search_deals

        return search_deals(session, self.text, self.filters, self.limit, notices)


def _open_at_head(path: Path) -> sqlite3.Connection | None:
    """The ledger, when it is one at this dealtrack's revision; else None."""
    try:
        connection = connect(path)
    except sqlite3.Error:
        return None
    try:
        revision = connection.execute(REVISION_QUERY).fetchone()
    except sqlite3.Error:
        revision = None
    if revision is None or revision[0] != HEAD_REVISION:
        connection.close()
        return None
    return connection


def _executor(connection: sqlite3.Connection) -> Execute:
    def execute(statement: str, parameters: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
        return connection.execute(statement, parameters)

    return execute
