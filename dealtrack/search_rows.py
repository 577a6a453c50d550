"""What a deal's search index row holds, read two ways: from the ledger's tables, and from the
rows the core has just built for a new deal.

Five fields, each the folded words (``domain.search.indexed``) of its text: the title; the names
and aliases of the deal's parties in every role, the target too; its notes (note events and the
notes given with any event); the reasons; and the outlets of its sources. Voided events are left
out. ``ledger_texts`` reads them from the deal row, its roster and its live events, so the index
says what ``show`` says; ``new_deal_fields`` takes them from a new deal's rows, so an import need
not read its deals back. Both take the event columns from EVENT_FIELDS.
"""

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select

from dealtrack.domain.new_deal import CREATED_FIELDS, DEAL_FIELDS, FOLLOWING_FIELDS, DealRows
from dealtrack.domain.search import ASCII_WORD, indexed
from dealtrack.models import Alias, Deal, Event, Participant, Party

FIELDS = ("title", "parties", "notes", "reasons", "sources")  # search_sql.BM25_WEIGHTS' order
CACHED_VALUES = 4096  # an import's deals repeat a few outlets and reasons thousands of times


def indexed_words(*values: str | None) -> str:
    """The folded words of several values, as one index column (the SQLite function, called
    for each field of each deal an import writes: hence the plain-ASCII shortcut, which gives
    what ``indexed`` gives)."""
    text = " ".join(filter(None, values))
    if not text:
        return ""
    if text.isascii():
        lowered = text.lower()
        if lowered.replace(" ", "").isalnum():  # words and spaces only: most names and titles
            return " ".join(lowered.split())
        return " ".join(ASCII_WORD.findall(lowered))
    return indexed(text)


_value_words = functools.lru_cache(maxsize=CACHED_VALUES)(indexed_words)


# The fields that hold events' text, and the event columns each takes (voided events apart): a note
# event's text and the note given with any event; reasons; the sources' outlets.
EVENT_FIELDS = {"notes": ("text", "note"), "reasons": ("reason",), "sources": ("source_outlet",)}
EVENT_TEXT_COLUMNS = tuple(name for columns in EVENT_FIELDS.values() for name in columns)


def _joined(value: Any) -> Any:
    return func.aggregate_strings(value, " ")


def ledger_texts(chosen: Select[Any] | None) -> Select[Any]:
    """Each deal's raw text by field, as several columns a field (joined when folded): deal id,
    title, parties ×4, notes ×2, reasons, sources. ``chosen``: a select of deal ids, or None for
    every deal.

    The events and rosters are aggregated a table at a time (GROUP BY), not with a subquery per
    deal and column: on an import's 100,000 deals that read the events once instead of four
    times and took a third off the statement.
    """

    def narrowed(query: Select[Any], deal_id: Any) -> Select[Any]:
        return query if chosen is None else query.where(deal_id.in_(chosen))

    def per_deal(query: Select[Any], deal_id: Any, name: str) -> Any:
        return narrowed(query, deal_id).group_by(deal_id).subquery(name)

    event_columns = Event.__table__.columns
    texts = (_joined(event_columns[name]).label(name) for name in EVENT_TEXT_COLUMNS)
    events = per_deal(
        select(Event.deal_id, *texts).where(Event.voided.is_(False)), Event.deal_id, "texts"
    )
    names = per_deal(
        select(Participant.deal_id, _joined(Party.name).label("names")).join(
            Party, Party.id == Participant.party_id
        ),
        Participant.deal_id,
        "names",
    )
    aliases = per_deal(
        select(Participant.deal_id, _joined(Alias.name).label("aliases")).join(
            Alias, Alias.party_id == Participant.party_id
        ),
        Participant.deal_id,
        "aliases",
    )
    # Few parties have aliases: one probe of alias's party index a deal.
    target_aliases = (
        select(_joined(Alias.name)).where(Alias.party_id == Deal.target_id).scalar_subquery()
    )
    query = (
        select(
            Deal.id,
            Deal.title,
            Party.name,
            target_aliases,
            names.c.names,
            aliases.c.aliases,
            *(events.c[name] for name in EVENT_TEXT_COLUMNS),
        )
        .join(Party, Party.id == Deal.target_id)
        .outerjoin(names, names.c.deal_id == Deal.id)
        .outerjoin(aliases, aliases.c.deal_id == Deal.id)
        .outerjoin(events, events.c.deal_id == Deal.id)
    )
    return narrowed(query, Deal.id)


# Which of ledger_texts' columns (after the id) make each field: the title; the target's name and
# aliases and the roster's names and aliases; then each event column as EVENT_FIELDS groups them.
FIELD_COLUMNS = (
    (0,),
    (1, 2, 3, 4),
    *(
        tuple(5 + EVENT_TEXT_COLUMNS.index(name) for name in columns)
        for columns in EVENT_FIELDS.values()
    ),
)


def folded_fields(row: Sequence[Any]) -> tuple[str, ...]:
    """One ``ledger_texts`` row as the index's five columns."""
    values = row[1:]
    return tuple(indexed_words(*(values[i] for i in columns)) for columns in FIELD_COLUMNS)


def _position(fields: tuple[str, ...], name: str) -> int | None:
    return fields.index(name) if name in fields else None


_TITLE = DEAL_FIELDS.index("title")
# For each of EVENT_FIELDS, where each of its columns is in a created event's tuple and in a
# following event's: a created event has no text, the others no note of their own.
_EVENT_POSITIONS = tuple(
    tuple((_position(CREATED_FIELDS, c), _position(FOLLOWING_FIELDS, c)) for c in columns)
    for columns in EVENT_FIELDS.values()
)


# For each of EVENT_FIELDS, the one created event column it takes (a created event has no text).
_CREATED_POSITIONS = tuple(
    next(created_at for created_at, _ in columns if created_at is not None)
    for columns in _EVENT_POSITIONS
)


def new_deal_fields(rows: DealRows, names: Sequence[str]) -> tuple[str, ...]:
    """The index row ``reindex`` would store for a deal the core has just built, from its rows
    and its parties' names (the target's first), when none of those parties has an alias: an
    import writes it beside the deal instead of reading the deal back at its end.

    The ledger's name for a party differs from a row's spelling of it only as far as name keys
    allow (case, white space, compatibility forms), which folding removes too."""
    created, following = rows.created, rows.following
    title = rows.deal[_TITLE]
    # Most deals have no title of their own, note or reason: no call for those.
    fields = [indexed_words(title) if title else "", indexed_words(*names)]
    if not following:  # most deals: each event field is one value of the created event
        for at in _CREATED_POSITIONS:
            value = created[at]
            fields.append(_value_words(value) if value else "")
        return tuple(fields)
    for columns in _EVENT_POSITIONS:
        values: list[Any] = []
        for created_at, following_at in columns:  # in event order, as ledger_texts reads them
            if created_at is not None:
                values.append(created[created_at])
            if following_at is not None:
                values += [event[following_at] for event in following]
        fields.append(indexed_words(*values) if any(values) else "")
    return tuple(fields)
