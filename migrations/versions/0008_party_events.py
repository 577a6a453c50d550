"""A party's own history: renames and merges, as ledger events.

Revision ID: 0008_party_events
Revises: 0007_links
Create Date: 2026-12-11

Renaming a party keeps its old name as an alias, and merging a duplicate into the party it
duplicates moves everything it held; both are recorded as events of the one ledger, belonging to
no deal, naming the party (its ``party_id``) and what changed (``changes``: the names before and
after). The event table already has every column they need, so only the list of event types
grows. Downgrading drops these events (an older ledger cannot keep them); the aliases and the
merged deal roles and links they left stay, as plain data.

The vocabularies are written out here, so this revision keeps describing the schema it made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_party_events"
down_revision: str | None = "0007_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EARLIER_TYPES = ("created", "status", "value", "party", "note", "edit", "void", "link", "unlink")
PARTY_EVENT_TYPES = ("rename", "merge")


def one_of(column: str, terms: tuple[str, ...]) -> str:
    """``=`` comparisons joined by OR: SQLite rebuilds an IN list's index on every insert."""
    return "(" + " OR ".join(f"{column} = '{term}'" for term in terms) + ")"


# SQLite copies the table to change it; the copy must still never hand out an id twice.
_KEEP_IDS = {"sqlite_autoincrement": True}


def _allow_types(types: tuple[str, ...]) -> None:
    with op.batch_alter_table("event", table_kwargs=_KEEP_IDS) as batch:
        batch.drop_constraint(op.f("ck_event_type"), type_="check")
        batch.create_check_constraint(op.f("ck_event_type"), one_of("type", types))


def upgrade() -> None:
    _allow_types(EARLIER_TYPES + PARTY_EVENT_TYPES)


def downgrade() -> None:
    event = sa.table("event", sa.column("type", sa.String))
    # Renames and merges cannot be voided, so no void names one.
    op.execute(event.delete().where(event.c.type.in_(PARTY_EVENT_TYPES)))
    _allow_types(EARLIER_TYPES)
