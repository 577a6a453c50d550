"""``dealtrack search``: deals ranked by how well their text matches a query.

The database finds and ranks the deals through its index; the field that matched and the
snippet are then found here, in the ledger's own text of the few deals shown, with the same
folding the index uses, so both backends show the same snippet for a deal.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.domain.new_deal import default_title
from dealtrack.domain.search import Query, matched_spans, parse_query
from dealtrack.models import Alias, Deal, Event, Participant, Party
from dealtrack.queries import Filters, conditions, state_of_deals, with_state
from dealtrack.search_index import ranked
from dealtrack.services.parties import Notices
from dealtrack.vocabulary import ROLES

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


def search_deals(
    session: Session, text: str, filters: Filters, limit: int, notices: Notices
) -> list[Hit]:
    """The best ``limit`` deals for the query ``text`` among those FILTERS select, best first
    (ties in id order)."""
    query = parse_query(text)
    if query.is_empty:
        notices.add(f'Note: "{text}" has no word to search for')
        return []
    best = ranked(session.get_bind().dialect.name, query)
    if filters == Filters():
        # Nothing to filter: the index alone picks the best, and only those are joined to
        # their deals (a common word matches a tenth of a large ledger).
        best = best.order_by(best.selected_columns.score.desc(), best.selected_columns.deal_id)
        best = best.limit(limit)
    hits = best.subquery("hits")
    state = state_of_deals(filters.as_of)
    found = (
        with_state(
            select(Deal.id, Deal.key, Deal.title, state.c.status, hits.c.score).join(
                hits, hits.c.deal_id == Deal.id
            ),
            state,
        )
        .where(*conditions(session, filters, state, notices))
        .order_by(hits.c.score.desc(), Deal.id)
        .limit(limit)
    )
    rows = session.execute(found).all()
    texts = _field_texts(session, [row.id for row in rows])
    return [_hit(row, texts[row.id], query) for row in rows]


def _hit(row: Any, fields: dict[str, list[str]], query: Query) -> Hit:
    title = row.title or default_title(fields["target"][0], fields["acquirers"])
    field, text, spans = _first_match(fields, query)
    return Hit(
        row.key, title, row.status, field, text, spans,
        float(f"{row.score:.6g}"),
    )  # fmt: skip


def _first_match(
    fields: dict[str, list[str]], query: Query
) -> tuple[str | None, str, list[tuple[int, int]]]:
    for field in MATCH_FIELDS:
        for value in fields[field]:
            spans = matched_spans(value, query)
            if spans:
                return field, value, spans
    return None, "", []


def _field_texts(session: Session, deal_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """The text of each field of these deals, in the order ``show`` lists it: a few queries
    for all of them."""
    texts: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    deals = session.execute(
        select(Deal.id, Deal.title, Party.id.label("party_id"), Party.name)
        .join(Party, Party.id == Deal.target_id)
        .where(Deal.id.in_(deal_ids))
    ).all()
    parties: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for deal in deals:
        if deal.title:
            texts[deal.id]["title"].append(deal.title)
        texts[deal.id]["target"].append(deal.name)
        parties[deal.id].append((0, deal.party_id, deal.name))
    roster = session.execute(
        select(Participant.deal_id, Participant.role, Party.id, Party.name)
        .join(Party, Party.id == Participant.party_id)
        .where(Participant.deal_id.in_(deal_ids))
        .order_by(Participant.id)
    ).all()
    for deal_id, role, party_id, name in roster:
        parties[deal_id].append((ROLES.index(role), party_id, name))
        if role == "acquirer":
            texts[deal_id]["acquirers"].append(name)
    aliases = _aliases(session, {p for named in parties.values() for _, p, _ in named})
    for deal_id, named in parties.items():
        for _, party_id, name in sorted(named, key=lambda p: p[0]):
            texts[deal_id]["party"] += [name, *aliases.get(party_id, [])]
    events = session.execute(
        select(Event.deal_id, Event.text, Event.note, Event.reason, Event.source_outlet)
        .where(Event.deal_id.in_(deal_ids), Event.voided.is_(False))
        .order_by(Event.deal_id, Event.on, Event.recorded_at, Event.id)
    ).all()
    for deal_id, text, note, reason, outlet in events:
        texts[deal_id]["note"] += _present(text, note)
        texts[deal_id]["reason"] += _present(reason)
        texts[deal_id]["source"] += _present(outlet)
    return texts


def _aliases(session: Session, party_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    query = select(Alias.party_id, Alias.name).where(Alias.party_id.in_(list(party_ids)))
    for party_id, name in session.execute(query.order_by(Alias.id)):
        found[party_id].append(name)
    return found


def _present(*values: str | None) -> list[str]:
    return [value for value in values if value]
