"""The deals a search shows, each with the field that matched and where: found in the ledger's
own text of those few deals, with the same folding the index uses, so both backends (and both
ways of reading SQLite) show the same snippet for a deal.

Free of SQLAlchemy: the statements come from ``search_sql`` and run through whatever ``Execute``
the caller has, an SQLAlchemy session or a bare ``sqlite3`` connection.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dealtrack.domain.new_deal import default_title
from dealtrack.domain.search import Query, matched_spans, parse_query
from dealtrack.notices import Notices
from dealtrack.search_sql import (
    ALIASES,
    EVENT_TEXTS,
    IDS_A_STATEMENT,
    ROSTERS,
    TITLES_AND_TARGETS,
    best_sql,
    match_parameters,
    with_ids,
)
from dealtrack.vocabulary import ROLES

# Runs one statement of ``search_sql`` with its named parameters, giving its rows as tuples.
Execute = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]
# The fields a match is looked for in, in the order one is reported.
MATCH_FIELDS = ("title", "party", "note", "reason", "source")


@dataclass(frozen=True)
class Hit:
    """A deal found, with the text of the field that matched and where in it (``spans``)."""

    key: str
    title: str
    status: str
    field: str | None
    text: str
    spans: list[tuple[int, int]]
    score: float


def query_of(text: str, notices: Notices) -> Query | None:
    """The query ``text`` says, or None (and a note why) when it has no word to search for."""
    query = parse_query(text)
    if query.is_empty:
        notices.add(f'Note: "{text}" has no word to search for')
        return None
    return query


def best_hits(execute: Execute, query: Query, limit: int) -> list[Hit]:
    """The best ``limit`` deals of the whole ledger for ``query`` (SQLite), best first."""
    parameters = {**match_parameters(query), "limit": limit}
    return hits(execute, list(execute(best_sql(query), parameters)), query)


def hits(execute: Execute, found: Sequence[Sequence[Any]], query: Query) -> list[Hit]:
    """The deals found, as rows of (id, key, title, status, score), with what matched."""
    texts = field_texts(execute, [row[0] for row in found])
    return [_hit(row, texts[row[0]], query) for row in found]


def _hit(row: Sequence[Any], fields: dict[str, list[str]], query: Query) -> Hit:
    _, key, title, status, score = row
    title = title or default_title(fields["target"][0], fields["acquirers"])
    field, text, spans = _first_match(fields, query)
    return Hit(key, title, status, field, text, spans, float(f"{score:.6g}"))


def _first_match(
    fields: dict[str, list[str]], query: Query
) -> tuple[str | None, str, list[tuple[int, int]]]:
    for field in MATCH_FIELDS:
        for value in fields[field]:
            spans = matched_spans(value, query)
            if spans:
                return field, value, spans
    return None, "", []


def _rows(execute: Execute, statement: str, ids: Sequence[int]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), IDS_A_STATEMENT):
        yield from execute(*with_ids(statement, ids[start : start + IDS_A_STATEMENT]))


def field_texts(execute: Execute, deal_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """The text of each field of these deals, in the order ``show`` lists it: a few queries
    for all of them."""
    texts: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    parties: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for deal_id, title, party_id, name in _rows(execute, TITLES_AND_TARGETS, deal_ids):
        if title:
            texts[deal_id]["title"].append(title)
        texts[deal_id]["target"].append(name)
        parties[deal_id].append((0, party_id, name))
    for deal_id, role, party_id, name in _rows(execute, ROSTERS, deal_ids):
        parties[deal_id].append((ROLES.index(role), party_id, name))
        if role == "acquirer":
            texts[deal_id]["acquirers"].append(name)
    named = sorted({party for roster in parties.values() for _, party, _ in roster})
    aliases: dict[int, list[str]] = defaultdict(list)
    for party_id, name in _rows(execute, ALIASES, named):
        aliases[party_id].append(name)
    for deal_id, roster in parties.items():
        for _, party_id, name in sorted(roster, key=lambda p: p[0]):
            texts[deal_id]["party"] += [name, *aliases.get(party_id, [])]
    for deal_id, text, note, reason, outlet in _rows(execute, EVENT_TEXTS, deal_ids):
        texts[deal_id]["note"] += _present(text, note)
        texts[deal_id]["reason"] += _present(reason)
        texts[deal_id]["source"] += _present(outlet)
    return texts


def _present(*values: str | None) -> list[str]:
    return [value for value in values if value]
