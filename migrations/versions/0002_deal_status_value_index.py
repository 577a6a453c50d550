"""Index deals by status with their value, so ``report --by status`` reads the index alone.

Revision ID: 0002_deal_status_value_index
Revises: 0001_initial
Create Date: 2026-11-27

On a million deals, grouping by status and currency from the table took about a second; the
covering index (status, currency, amount, high) serves the same GROUP BY in a fifth of that, in
group order with no sort. It starts with status, so it replaces the status index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_deal_status_value_index"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_deal_status_value", "deal", ["status", "currency", "amount", "high"])
    op.drop_index("ix_deal_status", table_name="deal")


def downgrade() -> None:
    op.create_index("ix_deal_status", "deal", ["status"])
    op.drop_index("ix_deal_status_value", table_name="deal")
