"""Party name keys and deal keys in code-point order on PostgreSQL, as SQLite orders them.

Revision ID: 0004_keys_in_code_point_order
Revises: 0003_deal_status_index_again
Create Date: 2026-11-27

A server whose locale is, say, en_US.UTF-8 sorted ``party list`` and the parties of ``export`` by
its own rules (spaces and hyphens ignored, é beside e), so a ledger moved between SQLite and
PostgreSQL exported different bytes. The "C" collation compares code points, as SQLite does, and
its index also serves prefix searches. SQLite needs nothing: its revision only moves on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_keys_in_code_point_order"
down_revision: str | None = "0003_deal_status_index_again"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEYS = (("party", "name_key"), ("deal", "key"))


def upgrade() -> None:
    _collate(sa.String(200, collation="C"), sa.String(200))


def downgrade() -> None:
    _collate(sa.String(200), sa.String(200, collation="C"))


def _collate(wanted: sa.String, existing: sa.String) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _KEYS:
        op.alter_column(
            table, column, type_=wanted, existing_type=existing, existing_nullable=False
        )
