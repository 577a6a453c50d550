"""Party rules every path shares: roles that cannot combine, country codes, chains of control.

Parties are whatever the caller identifies them by (ids, or name keys before a party exists), so
the recording commands, the imports and ``check`` ask the same questions of the same code.
"""

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

P = TypeVar("P", bound=Hashable)

# Party-to-party relations are walked through a mapping or a lookup function.
ParentOf = Mapping[P, P | None] | Callable[[P], P | None]


# Roles that cannot combine


@dataclass(frozen=True, slots=True)
class RoleClash(Generic[P]):
    """A party holding a role it may not hold beside another one of the same deal."""

    party: P
    role: str  # the role it cannot also hold
    message: str


def role_clashes(
    target: P | None, roles: Iterable[tuple[str, P]], name: Callable[[P], str]
) -> list[RoleClash[P]]:
    """Every clash in a roster, once each, in the roster's order.

    The target holds no other role in its deal (a company does not buy itself), and no party is
    both acquirer and seller (it would be on both sides of one transaction). ``roles`` holds
    (role, party) pairs; a ``target`` pair among them is the target itself and is skipped.
    ``name`` gives the display name the messages show.
    """
    clashes: list[RoleClash[P]] = []
    seen: set[tuple[P, str]] = set()
    held: dict[P, set[str]] = {}
    for role, party in roles:
        if role == "target" or (party, role) in seen:
            continue
        seen.add((party, role))
        if party == target:
            message = f'"{name(party)}" is the target of this deal and cannot also be its {role}'
            clashes.append(RoleClash(party, role, message))
            continue
        other = {"acquirer": "seller", "seller": "acquirer"}.get(role)
        if other is not None and other in held.get(party, ()):
            message = f'"{name(party)}" cannot be both acquirer and seller'
            clashes.append(RoleClash(party, role, message))
        held.setdefault(party, set()).add(role)
    return clashes


def roster_problem(
    target: P | None, roles: Iterable[tuple[str, P]], name: Callable[[P], str]
) -> str | None:
    """The first clash of a roster as a message naming the party, or None when it may stand."""
    clashes = role_clashes(target, roles, name)
    return clashes[0].message if clashes else None


# Country


def parse_country(text: str) -> str:
    """An ISO 3166 alpha-2 code, upper-cased: two ASCII letters (``in`` → ``IN``)."""
    code = text.strip()
    # ASCII before upper-casing: "ıN" and "ﬀ" upper-case to IN and FF, but are not codes
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ValueError(f"{text!r} is not an ISO 3166 alpha-2 country code; write e.g. IN or US")
    return code.upper()


# Parent chains


@dataclass(frozen=True, slots=True)
class ParentLoop(Generic[P]):
    """A loop of parents: ``chain`` starts and ends with the same party.

    ``new`` says the proposed parent would close it; otherwise the chain above the proposed parent
    already loops, and no new parent can be hung below it until that is mended.
    """

    chain: tuple[P, ...]
    new: bool


def _lookup(parent_of: "ParentOf[P]") -> Callable[[P], P | None]:
    if isinstance(parent_of, Mapping):
        return parent_of.get
    return parent_of


def parent_loop(party: P, parent: P, parent_of: "ParentOf[P]") -> ParentLoop[P] | None:
    """The loop that making ``parent`` the parent of ``party`` would leave, or None.

    Walks up from ``parent`` (``party``'s current parent is being replaced, so it is never asked
    for) and stops at the first party seen twice, so it ends even on data that already loops.
    """
    lookup = _lookup(parent_of)

    def controllers_of(node: P) -> tuple[P, ...]:
        above = lookup(node)
        return () if above is None else (above,)

    return control_loop(party, parent, controllers_of)


def control_loop(
    party: P, controller: P, controllers_of: Callable[[P], Iterable[P]]
) -> ParentLoop[P] | None:
    """The loop that making ``controller`` control ``party`` would leave, or None.

    Control is a parent over its unit, or a holder over what it leads or owns with control; a
    party may have several controllers, so this walks up a graph, not a chain. A loop through
    ``party`` is the shortest one (``new``); failing that, a loop already above ``controller``
    (``new=False``). ``party``'s own controllers are never asked for: they are not changed, and
    a loop needs a way back up to ``party``, which the walk finds without them. Each party is
    visited once, so the walk ends on any data, and asked for its controllers once.
    """
    asked: dict[P, tuple[P, ...]] = {}

    def above_of(node: P) -> tuple[P, ...]:
        if node not in asked:
            asked[node] = tuple(controllers_of(node))
        return asked[node]

    came_from: dict[P, P | None] = {controller: None}
    queue = deque([controller])
    while queue:
        node = queue.popleft()
        if node == party:
            chain: list[P] = []
            step: P | None = node
            while step is not None:
                chain.append(step)
                step = came_from[step]
            return ParentLoop((party, *reversed(chain)), new=True)
        for above in above_of(node):
            if above not in came_from:
                came_from[above] = node
                queue.append(above)
    return _loop_above(controller, above_of)


def _loop_above(start: P, controllers_of: Callable[[P], Iterable[P]]) -> ParentLoop[P] | None:
    """The first loop a depth-first walk up from ``start`` meets, as a chain that starts and ends
    with the same party; on a chain of single parents, the loop the chain runs into."""
    path: list[P] = []
    on_path: dict[P, int] = {}
    finished: set[P] = set()
    stack: list[tuple[P, Iterator[P]]] = [(start, iter(controllers_of(start)))]
    on_path[start] = 0
    path.append(start)
    while stack:
        node, above = stack[-1]
        following = next(above, None)
        if following is None:
            stack.pop()
            path.pop()
            del on_path[node]
            finished.add(node)
        elif following in on_path:
            return ParentLoop((*path[on_path[following] :], following), new=False)
        elif following not in finished:
            on_path[following] = len(path)
            path.append(following)
            stack.append((following, iter(controllers_of(following))))
    return None


def parent_problem(
    party: P,
    parent: P,
    parent_of: "ParentOf[P]",
    name: Callable[[P], str],
    controllers_of: Callable[[P], Iterable[P]] | None = None,
) -> str | None:
    """Why ``parent`` cannot be the parent of ``party`` (a message naming both), or None.

    ``controllers_of``, when the ledger knows links, gives each party's parent and the holders
    that control it, so a parent cannot close a loop of control either.
    """
    if controllers_of is None:
        loop = parent_loop(party, parent, parent_of)
    else:
        loop = control_loop(party, parent, controllers_of)
    if loop is None:
        return None
    refused = f'"{name(parent)}" cannot be the parent of "{name(party)}"'
    if loop.new:
        return f"{refused}: that is a cycle ({describe_chain(loop.chain, name)})"
    return (
        f'{refused}: the parent chain of "{name(parent)}" already loops '
        f"({describe_chain(loop.chain, name)}); give one of those parties another parent first"
    )


def control_problem(
    holder: P,
    party: P,
    verb: str,
    controllers_of: Callable[[P], Iterable[P]],
    name: Callable[[P], str],
) -> str | None:
    """Why ``holder`` cannot take control of ``party`` (``verb``: lead, own), or None.

    ``controllers_of`` gives each party's controllers: its parent and the holders of the control
    links in force beside the new one.
    """
    loop = control_loop(party, holder, controllers_of)
    if loop is None:
        return None
    refused = f'"{name(holder)}" cannot {verb} "{name(party)}"'
    if loop.new:
        return f"{refused}: that is a loop of control ({describe_chain(loop.chain, name)})"
    return (
        f'{refused}: the chain of control above "{name(holder)}" already loops '
        f"({describe_chain(loop.chain, name)}); end one of those links or parents first"
    )


def describe_chain(chain: Iterable[P], name: Callable[[P], str]) -> str:
    return " → ".join(name(party) for party in chain)


def parent_cycles(
    parents: Mapping[P, P | None], order: Callable[[P], Any] | None = None
) -> list[tuple[P, ...]]:
    """Every loop in a whole map of {party: parent}, each once, as a chain that starts and ends
    with the same party.

    Each loop starts at its least party under ``order`` (the party itself by default), and the
    loops come in that order, so a report lists them the same way every time. A party whose
    parent is not a key of ``parents`` has no parent beyond it. Linear in the map's size.
    """
    key: Callable[[P], Any] = order if order is not None else (lambda party: party)
    done: set[P] = set()
    cycles: list[tuple[P, ...]] = []
    for start in parents:
        if start in done:
            continue
        path: list[P] = []
        position: dict[P, int] = {}
        node: P | None = start
        while node is not None and node not in done:
            if node in position:
                loop = path[position[node] :]
                first = min(range(len(loop)), key=lambda n: key(loop[n]))
                rotated = loop[first:] + loop[:first]
                cycles.append((*rotated, rotated[0]))
                break
            position[node] = len(path)
            path.append(node)
            node = parents.get(node)
        done.update(path)
    cycles.sort(key=lambda chain: key(chain[0]))
    return cycles


# Renames and merges


def merged_party(party: P, merged: P, into: P) -> P:
    """Who ``party`` is once ``merged`` has been merged into ``into``."""
    return into if party == merged else party


def merged_roster(pairs: Iterable[tuple[P, str]], merged: P, into: P) -> list[tuple[P, str]]:
    """A roster of (party, role) pairs once ``merged`` is ``into``: each pair once, where it
    first stood (the two parties in one role of one deal become one party in it)."""
    kept: dict[tuple[P, str], None] = {}
    for party, role in pairs:
        kept.setdefault((merged_party(party, merged, into), role), None)
    return list(kept)


def merge_roster_problem(
    target: P, roles: Iterable[tuple[str, P]], merged: P, into: P, name: Callable[[P], str]
) -> str | None:
    """Why a deal's roster (its target and (role, party) pairs) cannot stand once ``merged`` is
    ``into``: the one party would hold roles that cannot combine. None when it may stand."""
    return roster_problem(
        merged_party(target, merged, into),
        [(role, merged_party(party, merged, into)) for role, party in roles],
        name,
    )


def describe_party_event(event: Mapping[str, Any]) -> str:
    """What a rename or merge event record says, in words."""
    if event["type"] == "rename":
        old, new = event["changes"]["name"]
        return f"renamed {old} → {new}"
    merged, into = event["changes"]["party"]
    return f"merged {merged} into {into}"


def party_event_void_problem(event_id: int, kind: str) -> str | None:
    """Why a party's own event cannot be voided (a rename is undone by renaming back; a merge
    moved the duplicate's whole history and is final), or None for any other event."""
    if kind == "rename":
        return (
            f"event {event_id} is a rename and cannot be voided; "
            "rename the party back with dealtrack party edit NAME --name OLD"
        )
    if kind == "merge":
        return f"event {event_id} is a merge, which is final, and cannot be voided"
    return None
