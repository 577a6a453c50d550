"""The SQL a search runs, as text written once: how SQLite's index finds and ranks the deals a
query matches, and how the text of the deals shown is read (on both backends).

Kept free of SQLAlchemy so that an unfiltered search of an SQLite ledger can run these very
statements through the standard library's ``sqlite3`` (``services.light_search``), while the
SQLAlchemy service runs them through ``sqlalchemy.text``: both paths run the same statements.
Parameters are named (``:matched``, ``:excluded``, ``:limit``, ``:id0``…), which both accept.
"""

from collections.abc import Sequence

from dealtrack.domain.search import Query, fts5_match

SEARCH_TABLE = "deal_search"
# bm25's weight of each field, in the order of the index's columns (title, parties, notes,
# reasons, sources): a word in a title or a party's name says more about a deal than one in its
# notes.
BM25_WEIGHTS = (10.0, 8.0, 1.0, 2.0, 3.0)

# The names are constants and every value is bound: nothing a user types reaches the SQL text.
_SCORE = f"-bm25({SEARCH_TABLE}, {', '.join(str(w) for w in BM25_WEIGHTS)})"
_EXCLUDED = f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :excluded"  # noqa: S608


def matching_sql(query: Query, ranked: bool = False) -> str:
    """The ``deal_id`` of every deal a query (with words) matches, and when ``ranked`` its
    ``score``, higher better. A query that only excludes matches every other deal, unranked."""
    if not query.groups:
        score = ", 0.0 AS score" if ranked else ""
        return f"SELECT id AS deal_id{score} FROM deal WHERE id NOT IN ({_EXCLUDED})"  # noqa: S608
    score = f", {_SCORE} AS score" if ranked else ""
    found = (
        f"SELECT rowid AS deal_id{score} FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :matched"  # noqa: S608
    )
    if query.excluded:
        found += f" AND rowid NOT IN ({_EXCLUDED})"
    return found


def match_parameters(query: Query) -> dict[str, str]:
    """The MATCH strings ``matching_sql``'s statement binds."""
    parameters = {}
    if query.groups:
        parameters["matched"] = fts5_match(query.groups)
    if query.excluded:
        parameters["excluded"] = fts5_match((query.excluded,))
    return parameters


def best_sql(query: Query) -> str:
    """id, key, title, status and score of the best ``:limit`` deals, best first (ties in id
    order). The index alone picks them, and only those are joined to their deals: a common word
    matches a tenth of a large ledger."""
    ranked = matching_sql(query, ranked=True)
    return (
        "SELECT deal.id, deal.key, deal.title, deal.status, hits.score "  # noqa: S608
        f"FROM ({ranked} ORDER BY score DESC, deal_id LIMIT :limit) AS hits "
        "JOIN deal ON deal.id = hits.deal_id ORDER BY hits.score DESC, deal.id"
    )


# The text of the deals shown, a field at a time, in the order ``show`` lists it; ``{ids}`` is
# where ``with_ids`` puts the ids' parameters. Portable: both backends run these.
TITLES_AND_TARGETS = (
    "SELECT deal.id, deal.title, party.id, party.name FROM deal "
    "JOIN party ON party.id = deal.target_id WHERE deal.id IN ({ids})"
)
ROSTERS = (
    "SELECT participant.deal_id, participant.role, party.id, party.name FROM participant "
    "JOIN party ON party.id = participant.party_id WHERE participant.deal_id IN ({ids}) "
    "ORDER BY participant.id"
)
ALIASES = "SELECT party_id, name FROM alias WHERE party_id IN ({ids}) ORDER BY id"
EVENT_TEXTS = (
    "SELECT deal_id, text, note, reason, source_outlet FROM event "
    'WHERE deal_id IN ({ids}) AND NOT voided ORDER BY deal_id, "on", recorded_at, id'
)
IDS_A_STATEMENT = 500  # within the bound values either backend takes in one statement


def with_ids(statement: str, ids: Sequence[int]) -> tuple[str, dict[str, int]]:
    """One of the statements above for these ids (at most ``IDS_A_STATEMENT``), and its
    parameters."""
    names = [f"id{n}" for n in range(len(ids))]
    placeholders = ", ".join(f":{name}" for name in names)
    return statement.format(ids=placeholders), dict(zip(names, ids, strict=True))
