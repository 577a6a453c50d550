"""The rows a new deal produces: its deal row, its created event (holding the opening roster),
the status, value and note events that follow when they took effect later, and its participants.
Days are given as their ISO text (``dates.day_text``), as the writer binds them.

``add`` and every import build a new deal here and hand the rows to the one writer
(``dealtrack.writer``), so a deal reads the same however it came in. Rows are plain tuples in
the column orders below: building a dict or an ORM object per row cost more than SQLite's own work.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dealtrack.dates import PartialDate, day_text
from dealtrack.domain.fold import encode_roster
from dealtrack.money import Amount
from dealtrack.names import derived_key

DEAL_FIELDS = (
    "id", "key", "title", "kind", "target_id", "status", "reason", "amount", "high", "currency",
    "basis", "reported", "reported_precision", "updated", "updated_precision",
)  # fmt: skip
CREATED_FIELDS = (
    "id", "deal_id", "on", "on_precision", "recorded_at", "status", "reason", "amount", "high",
    "currency", "basis", "source_outlet", "source_url", "source_attribution", "note", "parties",
)  # fmt: skip
# Status, value and note events that follow a created event (their ``type`` first).
FOLLOWING_FIELDS = (
    "id", "deal_id", "type", "on", "on_precision", "recorded_at", "status", "reason", "amount",
    "high", "currency", "basis", "text", "source_outlet", "source_url", "source_attribution",
)  # fmt: skip
PARTICIPANT_FIELDS = ("deal_id", "party_id", "role")

SourceColumns = tuple[str | None, str | None, str | None]  # outlet, url, attribution
NO_SOURCE: SourceColumns = (None, None, None)


def source_columns(outlet: str | None, url: str | None, attribution: str | None) -> SourceColumns:
    """A source as stored: none at all, or an outlet and url with an attribution (default
    unattributed, which an attribution-only report also gets its outlet-less source from)."""
    if outlet is None and url is None and attribution is None:
        return NO_SOURCE
    return outlet, url, attribution or "unattributed"


def default_title(target: str, acquirers: Sequence[str]) -> str:
    """``TARGET / ACQUIRER, …``: what a deal is called until someone gives it a title."""
    return f"{target} / {', '.join(acquirers)}" if acquirers else target


def stored_title(title: str | None, target: str, acquirers: Sequence[str]) -> str | None:
    """The title column: None while the title is the default one, so it follows renames."""
    return title if title and title != default_title(target, acquirers) else None


def may_be_default(title: str, with_acquirers: bool) -> bool:
    """Whether ``title`` could be a deal's default title, known before its parties' names are
    looked up: with acquirers, a default title always holds " / "."""
    return " / " in title or not with_acquirers


def derived_deal_key(target: str, acquirers: Sequence[str], deal_id: int) -> str:
    """The key a new deal gets when none is given: its target's and first acquirer's slugs,
    ``deal-<id>`` when they have no letter; the caller adds -2, -3… while it is taken."""
    derived = derived_key(target, acquirers)
    return derived if any(c.isalpha() for c in derived) else f"deal-{deal_id}"


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs an import dearly
class Opening:
    """What is known of a new deal when it is recorded, its parties already resolved to ids.

    ``effective`` is when the status and value took effect: the ``reported`` date for ``add``, an
    import row's ``date``. When it is later, the deal is created rumored on ``reported`` and the
    status and value follow on ``effective``.
    """

    deal_id: int
    key: str
    title: str | None  # as stored (see stored_title)
    kind: str
    target_id: int
    roster: Sequence[tuple[int, str]]  # non-target (party id, role), in role order
    reported: PartialDate
    effective: PartialDate
    recorded_at: str
    status: str | None = None  # None: not given (rumored)
    reason: str | None = None
    value: Amount | None = None
    value_given: bool = False  # True with value None: undisclosed, said so
    basis: str | None = None
    source: SourceColumns = NO_SOURCE
    note: str | None = None  # the created event's own note
    note_text: str | None = None  # a note event on ``effective``


@dataclass(slots=True)
class DealRows:
    deal: tuple[Any, ...]
    created: tuple[Any, ...]
    following: list[tuple[Any, ...]]
    participants: list[tuple[Any, ...]]


def value_columns(
    value: Amount | None, basis: str | None
) -> tuple[int | None, int | None, str | None, str | None]:
    if value is None:
        return None, None, None, None
    return value.low, value.high, value.currency, basis or "reported"


def new_deal_rows(opening: Opening, first_event_id: int) -> DealRows:
    """The rows of a new deal, its events numbered from ``first_event_id`` in ledger order."""
    deal_id, reported, effective = opening.deal_id, opening.reported, opening.effective
    later = effective.start > reported.start
    # A precision's text read as ``_value_``, the member's plain attribute: ``.value`` is a
    # descriptor written in Python, and an import asks it several times of every deal.
    reported_precision = reported.precision._value_
    status = opening.status or "rumored"
    value = value_columns(opening.value, opening.basis)
    reported_day = day_text(reported.start)
    stamp = (deal_id, reported_day, reported_precision, opening.recorded_at)
    roster = encode_roster([(opening.target_id, "target"), *opening.roster])
    first_state = (
        ("rumored", None, None, None, None, None) if later else (status, opening.reason, *value)
    )
    created = (first_event_id, *stamp, *first_state, *opening.source, opening.note, roster)
    following: list[tuple[Any, ...]] = []
    effective_day = reported_day if effective.start == reported.start else day_text(effective.start)
    on = (effective_day, effective.precision._value_, opening.recorded_at)
    if later and opening.status is not None:  # a restated rumor on `effective` is kept too
        following.append(("status", *on, status, opening.reason, None, None, None, None, None))
    if later and opening.value_given:
        following.append(("value", *on, None, None, *value, None))
    if opening.note_text is not None:
        following.append(("note", *on, None, None, None, None, None, None, opening.note_text))
    numbered = (
        [
            (first_event_id + n, deal_id, *event, *opening.source)
            for n, event in enumerate(following, start=1)
        ]
        if following
        else following  # most deals: building an empty list still costs a comprehension
    )
    updated, updated_precision = (
        (effective_day, effective.precision._value_)
        if following
        else (reported_day, reported_precision)
    )
    # The cached state is the fold of these events: a reason without a status stays unrecorded.
    in_force = (status, opening.reason) if not later or opening.status else ("rumored", None)
    deal = (
        deal_id, opening.key, opening.title, opening.kind, opening.target_id, *in_force, *value,
        reported_day, reported_precision, updated, updated_precision,
    )  # fmt: skip
    participants = [(deal_id, party_id, role) for party_id, role in opening.roster]
    return DealRows(deal, created, numbered, participants)
