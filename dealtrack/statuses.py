"""Deal statuses, their lifecycle order and the changes the ledger allows between them.

The legal changes: talks move forward (rumored → in-negotiation → agreed →
completed), can fail from anywhere but completion, and failed talks can be revived. Restating the
status in force is always legal because a second source confirming it is worth recording.
"""

from dealtrack.vocabulary import VocabularyError, normalize_term, parse_term, quote_input

STATUSES: tuple[str, ...] = ("rumored", "in-negotiation", "agreed", "completed", "failed")

# Values are in lifecycle order so error messages and help list them the same way everywhere.
_LEGAL_CHANGES: dict[str, tuple[str, ...]] = {
    "rumored": STATUSES,
    "in-negotiation": ("in-negotiation", "agreed", "completed", "failed"),
    "agreed": ("agreed", "completed", "failed"),
    "completed": ("completed",),
    "failed": ("rumored", "in-negotiation", "failed"),
}


# The words of the trade press, taken as the statuses they mean (spelt as normalize_term spells).
STATUS_WORDS: dict[str, str] = {
    "rumor": "rumored",
    "rumour": "rumored",
    "rumoured": "rumored",
    "talks": "in-negotiation",
    "negotiating": "in-negotiation",
    "in-talks": "in-negotiation",
    "signed": "agreed",
    "definitive": "agreed",
    "closed": "completed",
    "complete": "completed",
    "done": "completed",
    **dict.fromkeys(
        (
            "abandoned", "withdrawn", "terminated", "cancelled", "canceled", "collapsed",
            "rejected", "blocked",
        ),
        "failed",
    ),
}  # fmt: skip
_AMBIGUOUS = {
    "announced": "an announced deal may be an agreed merger (agreed) or an unsolicited offer "
    "(rumored or in-negotiation); say which"
}


class StatusError(VocabularyError):
    """Input that names no status; the message lists the valid ones."""


def parse_status(text: str) -> str:
    """Return the status ``text`` spells (``"In Negotiation"`` → ``in-negotiation``), taking the
    trade press's words for the statuses they mean (``withdrawn`` → ``failed``)."""
    word = normalize_term(text)
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    if word in _AMBIGUOUS:
        raise StatusError(f"{quote_input(text.strip())} is not a status: {_AMBIGUOUS[word]}")
    try:
        return parse_term(text, STATUSES, "status")
    except VocabularyError as error:
        raise StatusError(str(error)) from None


def reason_in_word(text: str) -> str | None:
    """The reason a failure's word gives (``withdrawn``), kept when no other reason is given; a
    status word that says no more than its status (``failed``, ``signed``) gives none."""
    word = normalize_term(text)
    return word if STATUS_WORDS.get(word) == "failed" else None


def status_words(status: str) -> str:
    """The status as words for tables (``in negotiation``); machine output keeps the slug."""
    return _known(status).replace("-", " ")


def legal_changes(current: str) -> tuple[str, ...]:
    """The statuses a deal may move to from ``current`` (itself included), in lifecycle order."""
    return _LEGAL_CHANGES[_known(current)]


def describe_changes(current: str) -> str:
    """What a deal in ``current`` may become, for refusal messages."""
    if current == "completed":
        return "a completed deal's status is final (only restating it is allowed)"
    return f"from {current} it can become {', '.join(legal_changes(current))}"


def is_legal_change(current: str, new: str) -> bool:
    """Whether a deal whose status is ``current`` may be given status ``new``."""
    return _known(new) in legal_changes(current)


def lifecycle_rank(status: str) -> int:
    """Sort key that follows the lifecycle, with ``failed`` last (``list --sort status``)."""
    return STATUSES.index(_known(status))


def _known(status: str) -> str:
    """Refuse a string that is not a status slug, so a caller's typo cannot pass silently."""
    if status not in STATUSES:
        raise StatusError(
            f"{quote_input(status)} is not a status slug; use one of: {', '.join(STATUSES)}"
        )
    return status
