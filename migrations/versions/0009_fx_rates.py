"""Exchange rates the ledger holds, to convert values between currencies.

Revision ID: 0009_fx_rates
Revises: 0008_party_events
Create Date: 2026-12-12

One row a rate: 1 ``base`` = ``rate`` ``currency`` on a day, with the outlet it came from. The
rate is kept as exact decimal text, so no backend ever rounds it through a float; one rate a pair
and day. Downgrading drops the table: an older ledger has nowhere to keep rates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_fx_rates"
down_revision: str | None = "0008_party_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fx_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("base", sa.String(3), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("rate", sa.String(40), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fx_rate")),
        sa.UniqueConstraint("on", "base", "currency", name="uq_fx_rate_on_pair"),
    )


def downgrade() -> None:
    op.drop_table("fx_rate")
