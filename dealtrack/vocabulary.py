"""The closed vocabularies of deals, their events and the reading commands' choices, and the one
forgiving parser they share.

Each vocabulary is a tuple of slugs in display order (the order tables, help texts and error
messages list them in). This module imports nothing heavy: click's option definitions take their
choices from here while ``dealtrack --help`` loads, and the models' CHECK constraints and the
queries take the same tuples, so a term is added or renamed in one place.

Input is forgiving because people type these on the command line and spreadsheets spell them every
which way: case does not matter, and space, ``_`` and ``-`` are alike (``Joint Venture``,
``joint_venture`` and ``joint-venture`` are one kind). Machine output always uses the slug.
"""

import re

KINDS: tuple[str, ...] = (
    "acquisition",
    "merger",
    "asset-sale",
    "stake",
    "investment",
    "joint-venture",
)
PARTY_KINDS: tuple[str, ...] = ("company", "unit", "fund", "person", "government", "other")
ROLES: tuple[str, ...] = ("target", "acquirer", "seller", "adviser", "backer", "other")
# The roles a deal's participants hold: every role but the target, which the deal row names.
PARTICIPANT_ROLES: tuple[str, ...] = ROLES[1:]
BASES: tuple[str, ...] = ("disclosed", "reported", "estimated")
ATTRIBUTIONS: tuple[str, ...] = ("official", "on-record", "anonymous", "unattributed")

EVENT_TYPES: tuple[str, ...] = ("created", "status", "value", "party", "note", "edit", "void")
# The events of links between parties, which belong to no deal (a void may name one, too).
LINK_EVENT_TYPES: tuple[str, ...] = ("link", "unlink")
# The events of a party's own history, which belong to no deal: a new name, a duplicate merged in.
PARTY_EVENT_TYPES: tuple[str, ...] = ("rename", "merge")
# owns: control or a stake; backs: an investor or lender without control; leads: runs it.
LINK_KINDS: tuple[str, ...] = ("owns", "backs", "leads")
# The events that set a deal's status, its value, and its ``updated`` date: the news about a deal.
# Corrections (``edit`` and ``void`` events) never move ``updated``.
STATUS_TYPES: tuple[str, ...] = ("created", "status")
VALUE_TYPES: tuple[str, ...] = ("created", "value")
UPDATE_TYPES: tuple[str, ...] = ("created", "status", "value", "party", "note")

# ``list --sort``, ``report --by`` and ``report --sort``.
LIST_SORTS: tuple[str, ...] = ("id", "reported", "updated", "value", "status")
REPORT_GROUPINGS: tuple[str, ...] = (
    "status",
    "kind",
    "year",
    "month",
    "currency",
    "acquirer",
    "seller",
    "adviser",
    "backer",
    "target",
    "party",
    "country",
    "source",
)
# Groupings by party name: a deal sits in each of its parties' groups, largest groups first.
PARTY_GROUPINGS: tuple[str, ...] = ("acquirer", "seller", "adviser", "backer", "target", "party")
# The group of the deals that have no party in the role, no target country or no cited outlet.
NO_GROUP = "(none)"
REPORT_SORTS: tuple[str, ...] = ("count", "value")

# Longer input is echoed cut short so an error message stays one readable line.
_SHOWN_MAX = 60
_SEPARATOR_RUNS = re.compile(r"[\s_-]+")


class VocabularyError(ValueError):
    """A term outside its closed vocabulary; the message lists the valid terms."""


def quote_input(text: str) -> str:
    """Quote user input for an error message: escaped onto one line and cut short if long.

    Every value-type error names the bad input; ``repr`` keeps control characters and newlines
    from breaking the single ``Error:`` line the CLI promises.
    """
    if len(text) > _SHOWN_MAX:
        return repr(text[:_SHOWN_MAX]) + "..."
    return repr(text)


def normalize_term(text: str) -> str:
    """Fold case and treat runs of space, ``_`` and ``-`` as one ``-``, as slugs are spelled."""
    return _SEPARATOR_RUNS.sub("-", text.strip().lower()).strip("-")


def parse_term(text: str, terms: tuple[str, ...], what: str) -> str:
    """Return the slug in ``terms`` that ``text`` spells, or raise naming the valid ones.

    ``what`` names the vocabulary in the message, e.g. ``"deal kind"`` gives
    ``'takeover' is not a deal kind; use one of: acquisition, merger, ...``.
    """
    term = normalize_term(text)
    if term in terms:
        return term
    article = "an" if what[:1] in "aeiou" else "a"
    raise VocabularyError(
        f"{quote_input(text)} is not {article} {what}; use one of: {', '.join(terms)}"
    )


def parse_kind(text: str) -> str:
    return parse_term(text, KINDS, "deal kind")


def parse_party_kind(text: str) -> str:
    return parse_term(text, PARTY_KINDS, "party kind")


def parse_role(text: str) -> str:
    return parse_term(text, ROLES, "role")


def parse_basis(text: str) -> str:
    return parse_term(text, BASES, "basis")


def parse_attribution(text: str) -> str:
    return parse_term(text, ATTRIBUTIONS, "attribution")
