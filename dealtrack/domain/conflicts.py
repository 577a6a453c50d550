"""Conflicts of interest in one deal, from the chains that reach its two sides.

A party that reaches both the buy side (acquirers, backers) and the sell side (target, sellers)
is in conflict; an acquirer that already reaches the target holds a toehold and a seller that
reaches the buy side rolls over, which are shown but not counted; an adviser that reaches either
side through a link is a conflict of its own kind. Pure: names in, records out.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dealtrack.vocabulary import ROLES

BUY = ("acquirer", "backer")
SELL = ("target", "seller")
COUNTED = ("conflict", "adviser")
KINDS = ("conflict", "adviser", "toehold", "rollover")


@dataclass(frozen=True, slots=True, order=True)
class Step:
    """One edge of a path: ``holder`` is the parent of, owns, backs or leads ``party``; ``via``
    is the key of the deal an implied link comes from."""

    holder: str
    kind: str
    party: str
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Reach:
    """A chain from a party to one member of a deal's sides (``path`` empty: it is that member)."""

    party: str  # the side member
    role: str
    path: tuple[Step, ...]


def shortest(paths: Iterable[tuple[Step, ...]], sort_key: Callable[[str], Any]) -> tuple[Step, ...]:
    """The shortest path; of equal ones, the one whose parties' names sort first."""
    return min(paths, key=lambda path: (len(path), [sort_key(step.party) for step in path]))


def conflicts(
    roster: Sequence[tuple[str, str]],
    reaches: Mapping[str, Sequence[Reach]],
    sort_key: Callable[[str], Any],
    with_normal: bool = False,
) -> list[dict[str, Any]]:
    """The conflicted parties of a deal, by name: ``[{party, kind, buy, sell}]``.

    ``roster`` is the deal's (name, role) pairs; ``reaches`` holds, for each party, its shortest
    reach to each side member. Toeholds and rollovers are left out unless ``with_normal``.
    """
    found = []
    for party in sorted(reaches, key=sort_key):
        roles = {role for name, role in roster if name == party}
        ordered = sorted(reaches[party], key=lambda r: (ROLES.index(r.role), sort_key(r.party)))
        buy = [r for r in ordered if r.role in BUY]
        sell = [r for r in ordered if r.role in SELL]
        kind = _kind(roles, buy, sell)
        if kind is None or (kind not in COUNTED and not with_normal):
            continue
        found.append({"party": party, "kind": kind, "buy": _records(buy), "sell": _records(sell)})
    return found


def _kind(roles: set[str], buy: list[Reach], sell: list[Reach]) -> str | None:
    if "adviser" in roles and any(r.path for r in buy + sell):
        return "adviser"
    if not (buy and sell):
        return None
    if "acquirer" in roles and any(r.role == "target" for r in sell):
        return "toehold"
    if "seller" in roles:
        return "rollover"
    return "conflict"


def _records(reaches: Sequence[Reach]) -> list[dict[str, Any]]:
    return [
        {
            "party": r.party,
            "role": r.role,
            "path": [
                {"holder": s.holder, "kind": s.kind, "party": s.party, "via": s.via} for s in r.path
            ],
        }
        for r in reaches
    ]


def step_words(step: Mapping[str, Any]) -> str:
    words = "parent of" if step["kind"] == "parent" else step["kind"]
    via = f" via {step['via']}" if step["via"] else ""
    return f"{words} {step['party']}{via}"


def reach_words(reach: Mapping[str, Any]) -> str:
    """``backs InMobi, parent of Glance Digital Experience (acquirer)``; a member itself is its
    role alone (``backer``)."""
    if not reach["path"]:
        return str(reach["role"])
    return ", ".join(step_words(step) for step in reach["path"]) + f" ({reach['role']})"


def side_words(reaches: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(reach_words(reach) for reach in reaches)


def conflict_words(conflict: Mapping[str, Any]) -> str:
    """One conflicted party in words: ``SoftBank — buy: … · sell: …``."""
    label = (
        conflict["party"]
        if conflict["kind"] == "conflict"
        else (f"{conflict['party']} ({conflict['kind']})")
    )
    sides = [f"{side}: {side_words(conflict[side])}" for side in ("buy", "sell") if conflict[side]]
    return f"{label} — {' · '.join(sides)}"
