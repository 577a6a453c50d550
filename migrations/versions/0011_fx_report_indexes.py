"""Indexes that let ``report --in CUR`` convert a million deals in SQL without a sort.

Revision ID: 0011_fx_report_indexes
Revises: 0010_search
Create Date: 2026-12-04

The covering index of ``report --by status`` (status, currency, amount, high) gains each deal's
``reported`` date and its precision: a conversion joins each deal to its day's rate, and with the
day in the index the groups are still read in order from the index alone (without it SQLite read
every deal's row and sorted the groups: seconds on a million deals). Extending it costs an import
less than a second index would. A partial index finds the few deals whose value a ``value``
event changed, whose value date is not ``reported``: without it a conversion read every event.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_fx_report_indexes"
down_revision: str | None = "0010_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ["status", "currency", "amount", "high"]
NEW = [*OLD, "reported", "reported_precision"]


def upgrade() -> None:
    op.drop_index("ix_deal_status_value", table_name="deal")
    op.create_index("ix_deal_status_value", "deal", NEW)
    op.create_index(
        "ix_event_value",
        "event",
        ["deal_id"],
        sqlite_where=sa.text("type = 'value'"),
        postgresql_where=sa.text("type = 'value'"),
    )


def downgrade() -> None:
    op.drop_index("ix_event_value", table_name="event")
    op.drop_index("ix_deal_status_value", table_name="deal")
    op.create_index("ix_deal_status_value", "deal", OLD)
