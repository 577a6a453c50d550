"""Use cases for parties: resolving names (and aliases), creating, editing and removing them.

Names and aliases share one namespace of name keys, so "Glance" can never mean two parties.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from dealtrack.dates import PartialDate
from dealtrack.domain.parties import parent_problem, roster_problem
from dealtrack.errors import BadInput, NotFound, Refused
from dealtrack.models import Alias, Deal, Event, Participant, Party
from dealtrack.names import InvalidName, check_party_name, did_you_mean, name_key
from dealtrack.notices import Notices as Notices  # where the services import it from
from dealtrack.search_index import reindex_party
from dealtrack.vocabulary import PARTY_EVENT_TYPES

if TYPE_CHECKING:
    from dealtrack.services.deals import Source


def _display_name(name: str) -> str:
    """The name as it will be shown; a name that cannot be a party's is malformed input (exit 2)."""
    try:
        return check_party_name(name)
    except InvalidName as error:
        raise BadInput(str(error)) from None


def find_party(session: Session, name: str) -> Party | None:
    """The party whose name or alias has this name key, or None."""
    key = name_key(name)
    party = session.scalars(select(Party).where(Party.name_key == key)).first()
    if party is not None:
        return party
    return session.scalars(
        select(Party).join(Alias, Alias.party_id == Party.id).where(Alias.name_key == key)
    ).first()


def get_party(session: Session, name: str) -> Party:
    party = find_party(session, name)
    if party is None:
        hint = closest_parties(session, name) or " (see dealtrack party list)"
        raise NotFound(f'no party named "{name}"{hint}')
    return party


def closest_parties(session: Session, name: str) -> str:
    """`` (did you mean "…"?)`` for the party names and aliases closest to ``name``, or ""."""
    names = select(Party.name_key, Party.name).union_all(select(Alias.name_key, Alias.name))
    return did_you_mean(name, {key: shown for key, shown in session.execute(names)})


def resolve_party(session: Session, name: str, create: bool, notices: Notices) -> Party:
    """The party a recording command names, created on first mention unless ``--no-create``."""
    party = find_party(session, name)
    if party is not None:
        return party
    display = _display_name(name)
    if not create:
        raise NotFound(f'no party named "{display}" (drop --no-create to create it)')
    party = Party(name=display, name_key=name_key(display), kind="company")
    session.add(party)
    session.flush()
    notices.add(f'Created party "{display}"')
    return party


def _claim_name(session: Session, name: str, owner: Party | None = None) -> tuple[str, str]:
    """Check a name or alias is free (or already the owner's) and return (display, key)."""
    display = _display_name(name)
    key = name_key(display)
    holder = find_party(session, display)
    if holder is not None and holder is not owner:
        raise Refused(f'"{display}" is already a name of party "{holder.name}"')
    return display, key


def _set_parent(session: Session, party: Party, parent_name: str, notices: Notices) -> None:
    from dealtrack.services.links import controllers_lookup

    parent = resolve_party(session, parent_name, create=True, notices=notices)

    def parent_of(party_id: int) -> int | None:
        return session.get_one(Party, party_id).parent_id

    def name(party_id: int) -> str:
        return session.get_one(Party, party_id).name

    problem = parent_problem(party.id, parent.id, parent_of, name, controllers_lookup(session))
    if problem is not None:
        raise Refused(problem)
    party.parent_id = parent.id


def identify(session: Session, name: str) -> tuple[str, str]:
    """What a name means before anything is created: (the name key of its party, the party's
    name) for a name or alias on file, else the name's own key and display form."""
    party = find_party(session, name)
    if party is not None:
        return party.name_key, party.name
    display = _display_name(name)
    return name_key(display), display


def refuse_role_clashes(session: Session, target: str, roles: Iterable[tuple[str, str]]) -> None:
    """Refuse a roster of (role, name) whose parties hold roles that cannot combine; names are
    compared by party (aliases resolved), and nothing is created to find out."""
    shown: dict[str, str] = {}

    def party(name: str) -> str:
        key, display = identify(session, name)
        shown.setdefault(key, display)
        return key

    target_key = party(target)  # first: a new party is shown as the target spells it
    roster = [(role, party(name)) for role, name in roles]
    problem = roster_problem(target_key, roster, shown.__getitem__)
    if problem is not None:
        raise Refused(problem)


def add_party(
    session: Session,
    name: str,
    kind: str | None,
    country: str | None,
    parent: str | None,
    aliases: tuple[str, ...],
    notices: Notices,
) -> Party:
    """Record a new party; an existing name is refused with a pointer to ``party edit``."""
    display = _display_name(name)
    existing = find_party(session, display)
    if existing is not None:
        raise Refused(
            f'party "{existing.name}" already exists; change it with dealtrack party edit'
        )
    party = Party(name=display, name_key=name_key(display), kind=kind or "company", country=country)
    session.add(party)
    session.flush()
    if parent is not None:
        _set_parent(session, party, parent, notices)
    for alias in aliases:
        _add_alias(session, party, alias)
    return party


def _add_alias(session: Session, party: Party, alias: str) -> None:
    display, key = _claim_name(session, alias, owner=party)
    if key == party.name_key or session.scalar(select(Alias.id).where(Alias.name_key == key)):
        return
    session.add(Alias(party_id=party.id, name=display, name_key=key))
    session.flush()


def edit_party(
    session: Session,
    name: str,
    kind: str | None,
    country: str | None,
    parent: str | None,
    aliases: tuple[str, ...],
    removed_aliases: tuple[str, ...],
    notices: Notices,
    renamed: "Renaming | None" = None,
) -> Party:
    """Change a party; a new name (``renamed.name``) keeps the old one as an alias, so filters,
    imports and scripts still find the party by it, and is recorded as a ``rename`` event."""
    party = get_party(session, name)
    if renamed is not None:
        _rename(session, party, renamed)
    if kind is not None:
        party.kind = kind
    if country is not None:
        party.country = country
    if parent is not None:
        _set_parent(session, party, parent, notices)
    for alias in removed_aliases:
        gone = session.execute(
            delete(Alias).where(Alias.party_id == party.id, Alias.name_key == name_key(alias))
        )
        if gone.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound(f'"{alias}" is not an alias of party "{party.name}"')
    for alias in aliases:
        _add_alias(session, party, alias)
    session.flush()
    reindex_party(session.connection(), party.id)  # its deals are found by its names
    return party


@dataclass(frozen=True)
class Renaming:
    """A new name for a party, when it took effect and who reported it."""

    name: str
    on: PartialDate
    source: "Source"


def _rename(session: Session, party: Party, renamed: Renaming) -> None:
    from dealtrack.services.party_events import record_rename

    display, key = _claim_name(session, renamed.name, owner=party)
    if display == party.name:
        return
    old, old_key = party.name, party.name_key
    session.execute(delete(Alias).where(Alias.party_id == party.id, Alias.name_key == key))
    party.name, party.name_key = display, key
    session.flush()
    if old_key != key:  # a new spelling of the same name needs no alias
        session.add(Alias(party_id=party.id, name=old, name_key=old_key))
    record_rename(session, party, old, renamed.on, renamed.source)


def remove_party(session: Session, name: str) -> str:
    """Delete a party that no deal mentions, even in its history; returns its display name."""
    party = get_party(session, name)
    in_use = session.scalar(
        select(
            or_(
                exists().where(Deal.target_id == party.id),
                exists().where(Participant.party_id == party.id),
                exists().where(Event.party_id == party.id, Event.deal_id.is_not(None)),
                # a created event's roster, ``[[id,"role"],…]``: an id follows a "[" and precedes a ","
                exists().where(Event.parties.contains(f"[{party.id},")),
            )
        )
    )
    linked = exists().where(
        Event.holder_id.is_not(None),
        or_(Event.holder_id == party.id, Event.party_id == party.id),
    )
    if session.scalar(select(linked)):
        raise Refused(f'party "{party.name}" is in a link; a linked party is kept')
    if in_use:
        raise Refused(f'party "{party.name}" is in a deal; remove it from its deals first')
    session.execute(update(Party).where(Party.parent_id == party.id).values(parent_id=None))
    # Its renames and merges are its own history, and go with it.
    own = Event.type.in_(PARTY_EVENT_TYPES)
    session.execute(delete(Event).where(own, Event.party_id == party.id))
    session.delete(party)
    session.flush()
    return party.name
