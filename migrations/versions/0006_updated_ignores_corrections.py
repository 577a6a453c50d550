"""A deal's ``updated`` date is that of its latest news, never of a correction.

Revision ID: 0006_updated_ignores_corrections
Revises: 0005_roster_in_created_event
Create Date: 2026-12-10

``updated`` was the date of a deal's latest live event of any type but ``void``, so fixing a
title (an ``edit`` event, dated the day of the fix) made an old deal look freshly updated, and
``list --sort updated`` and ``--updated-since`` believed it. It is now the date of the latest live
created, status, value, party or note event. Upgrading recomputes the cached ``updated`` of every
deal by that rule; downgrading recomputes it by the old one. No other column changes.

The rule is written out here rather than imported from the package, so this revision keeps doing
what it did when later code changes.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006_updated_ignores_corrections"
down_revision: str | None = "0005_roster_in_created_event"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEWS = ("created", "status", "value", "party", "note")
EVERY_EVENT_BUT_VOID = (*NEWS, "edit")
BATCH = 5_000
deal = sa.table(
    "deal",
    sa.column("id", sa.Integer),
    sa.column("reported", sa.Date),
    sa.column("reported_precision", sa.String),
    sa.column("updated", sa.Date),
    sa.column("updated_precision", sa.String),
)
event = sa.table(
    "event",
    sa.column("id", sa.Integer),
    sa.column("deal_id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("on", sa.Date),
    sa.column("on_precision", sa.String),
    sa.column("recorded_at", sa.String),
    sa.column("voided", sa.Boolean),
)


def upgrade() -> None:
    _recompute(NEWS)


def downgrade() -> None:
    _recompute(EVERY_EVENT_BUT_VOID)


def _recompute(types: tuple[str, ...]) -> None:
    """Set each deal's ``updated`` to the effective date of its latest live event of ``types``
    (a created event takes effect on the deal's ``reported`` date, with its precision), in
    ledger order: by effective date, then recorded time, then id. A range of deals at a time
    keeps memory flat; only deals whose date changes are written."""
    connection = op.get_bind()
    last_deal = connection.scalar(sa.select(sa.func.max(deal.c.id))) or 0
    for first in range(1, last_deal + 1, BATCH):
        changed = _changed(connection, types, first, first + BATCH)
        if changed:
            connection.execute(
                deal.update()
                .where(deal.c.id == sa.bindparam("b_id"))
                .values(updated=sa.bindparam("b_updated"), updated_precision=sa.bindparam("b_p")),
                changed,
            )


def _changed(
    connection: sa.Connection, types: tuple[str, ...], first: int, stop: int
) -> list[dict[str, Any]]:
    deals = {
        row.id: row
        for row in connection.execute(sa.select(deal).where(deal.c.id >= first, deal.c.id < stop))
    }
    latest: dict[int, tuple[Any, ...]] = {}
    events = connection.execute(
        sa.select(event)
        .where(event.c.deal_id >= first, event.c.deal_id < stop)
        .where(event.c.type.in_(types), event.c.voided.is_(False))
    )
    for row in events:
        owner = deals[row.deal_id]
        if row.type == "created":
            on, precision = owner.reported, owner.reported_precision
        else:
            on, precision = row.on, row.on_precision
        candidate = (on, row.recorded_at, row.id, precision)
        if row.deal_id not in latest or candidate[:3] > latest[row.deal_id][:3]:
            latest[row.deal_id] = candidate
    changed = []
    for deal_id, (on, _, _, precision) in latest.items():
        owner = deals[deal_id]
        if (owner.updated, owner.updated_precision) != (on, precision):
            changed.append({"b_id": deal_id, "b_updated": on, "b_p": precision})
    return changed
