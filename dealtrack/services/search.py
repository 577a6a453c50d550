"""``dealtrack search``: deals ranked by how well their text matches a query.

The database finds and ranks the deals through its index; the field that matched and the
snippet are then found (``search_hits``) in the ledger's own text of the few deals shown.

An unfiltered search of an SQLite ledger runs ``search_sql``'s statements as they are, the very
ones ``services.light_search`` runs without SQLAlchemy; FILTERS, and PostgreSQL, need the deals
joined to the filters' conditions, built here.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from dealtrack.models import Deal
from dealtrack.queries import Filters, conditions, state_of_deals, with_state
from dealtrack.search_hits import Execute, Hit, best_hits, hits, query_of
from dealtrack.search_index import ranked
from dealtrack.services.parties import Notices


def search_deals(
    session: Session, text: str, filters: Filters, limit: int, notices: Notices
) -> list[Hit]:
    """The best ``limit`` deals for the query ``text`` among those FILTERS select, best first
    (ties in id order)."""
    query = query_of(text, notices)
    if query is None:
        return []
    execute = _executor(session)
    dialect = session.get_bind().dialect.name
    if filters == Filters() and dialect == "sqlite":
        return best_hits(execute, query, limit)
    matches = ranked(dialect, query)
    if filters == Filters() and isinstance(matches, Select):
        # Nothing to filter: the index alone picks the best, and only those are joined to
        # their deals (a common word matches a tenth of a large ledger).
        score, deal_id = matches.selected_columns.score, matches.selected_columns.deal_id
        matches = matches.order_by(score.desc(), deal_id).limit(limit)
    found = matches.subquery("hits")
    state = state_of_deals(filters.as_of)
    best = (
        with_state(
            select(Deal.id, Deal.key, Deal.title, state.c.status, found.c.score).join(
                found, found.c.deal_id == Deal.id
            ),
            state,
        )
        .where(*conditions(session, filters, state, notices))
        .order_by(found.c.score.desc(), Deal.id)
        .limit(limit)
    )
    return hits(execute, session.execute(best).all(), query)


def _executor(session: Session) -> Execute:
    def execute(statement: str, parameters: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
        return session.execute(sql_text(statement), parameters).all()

    return execute
