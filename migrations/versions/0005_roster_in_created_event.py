"""A deal's opening roster lives in its created event.

Revision ID: 0005_roster_in_created_event
Revises: 0004_keys_in_code_point_order
Create Date: 2026-12-03

``add`` and imports used to write one ``party`` event per party of a new deal, beside its created
event: about 40% of the rows an import writes. The created event now holds the roster as
``[[party_id, role], …]`` (target first, then role order). Upgrading folds into each created
event the live ``added`` party events of its deal that share its date, recorded time and source
(the roster as it was opened), and deletes them; voided ones, their voids and later roster
changes stay party events. Downgrading writes the roster back out as party events.

The fold is written out here rather than imported from the package, so this revision keeps doing
what it did when later code changes.
"""

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005_roster_in_created_event"
down_revision: str | None = "0004_keys_in_code_point_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("target", "acquirer", "seller", "adviser", "backer", "other")
BATCH = 5_000
event = sa.table(
    "event",
    sa.column("id", sa.Integer),
    sa.column("deal_id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("on", sa.Date),
    sa.column("on_precision", sa.String),
    sa.column("recorded_at", sa.String),
    sa.column("action", sa.String),
    sa.column("party_id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("voided", sa.Boolean),
    sa.column("source_outlet", sa.Text),
    sa.column("source_url", sa.Text),
    sa.column("source_attribution", sa.String),
    sa.column("parties", sa.Text),
)
_STAMP = ("on", "recorded_at", "source_outlet", "source_url", "source_attribution")


def upgrade() -> None:
    # A plain ADD COLUMN: no copy of what may be millions of events.
    op.add_column("event", sa.Column("parties", sa.Text(), nullable=True))
    connection = op.get_bind()
    last_deal = connection.scalar(sa.select(sa.func.max(event.c.deal_id))) or 0
    for first in range(1, last_deal + 1, BATCH):
        rosters: list[dict[str, Any]] = []
        folded: list[dict[str, Any]] = []
        for created, opening in _opening_rosters(connection, first, first + BATCH):
            ordered = sorted(opening, key=lambda e: (ROLES.index(e.role), e.id))
            roster = json.dumps([[e.party_id, e.role] for e in ordered], separators=(",", ":"))
            rosters.append({"b_id": created.id, "parties": roster})
            folded.extend({"b_id": e.id} for e in opening)
        _store(connection, rosters, folded)


def _opening_rosters(
    connection: sa.Connection, first: int, stop: int
) -> Iterator[tuple[Any, list[Any]]]:
    """Each created event of the deals with ids in [first, stop), with the live added party
    events that share its stamp. A range of deals at a time keeps memory flat."""
    rows = connection.execute(
        sa.select(event)
        .where(event.c.type.in_(("created", "party")))
        .where(event.c.deal_id >= first, event.c.deal_id < stop)
        .order_by(event.c.deal_id, event.c.id)
    ).fetchall()
    by_deal: dict[int, list[Any]] = {}
    for row in rows:
        by_deal.setdefault(row.deal_id, []).append(row)
    for events in by_deal.values():
        created = next((e for e in events if e.type == "created"), None)
        if created is None:
            continue
        stamp = tuple(getattr(created, c) for c in _STAMP)
        opening = [
            e
            for e in events
            if e.type == "party"
            and e.action == "added"
            and not e.voided
            and tuple(getattr(e, c) for c in _STAMP) == stamp
        ]
        yield created, opening


def _store(
    connection: sa.Connection, rosters: list[dict[str, Any]], folded: list[dict[str, Any]]
) -> None:
    if rosters:
        connection.execute(
            event.update()
            .where(event.c.id == sa.bindparam("b_id"))
            .values(parties=sa.bindparam("parties")),
            rosters,
        )
    if folded:
        connection.execute(event.delete().where(event.c.id == sa.bindparam("b_id")), folded)


def downgrade() -> None:
    connection = op.get_bind()
    created_events = connection.execute(
        sa.select(event).where(event.c.type == "created", event.c.parties.is_not(None))
    ).fetchall()
    next_id = _last_event_id(connection) + 1
    rows = []
    for created in created_events:
        for party_id, role in json.loads(created.parties):
            rows.append(
                {
                    "id": next_id,
                    "deal_id": created.deal_id,
                    "type": "party",
                    "on": created.on,
                    "on_precision": created.on_precision,
                    "recorded_at": created.recorded_at,
                    "action": "added",
                    "party_id": party_id,
                    "role": role,
                    "voided": False,
                    "source_outlet": created.source_outlet,
                    "source_url": created.source_url,
                    "source_attribution": created.source_attribution,
                }
            )
            next_id += 1
    if rows:
        connection.execute(event.insert(), rows)
        if connection.dialect.name == "postgresql":
            sequence = sa.func.pg_get_serial_sequence("event", "id")
            connection.execute(sa.select(sa.func.setval(sequence, next_id - 1)))
    with op.batch_alter_table("event") as batch:
        batch.drop_column("parties")


def _last_event_id(connection: sa.Connection) -> int:
    """The largest event id ever handed out: ids are never reused, even after ``rm``."""
    highest = connection.scalar(sa.select(sa.func.max(event.c.id))) or 0
    if connection.dialect.name == "sqlite":
        used = connection.scalar(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'event'"))
        highest = max(highest, used or 0)
    return int(highest)
