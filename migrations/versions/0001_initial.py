"""The initial ledger: parties, aliases, deals, participants and the event ledger.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27

The vocabularies are written out here rather than imported, so this revision keeps describing the
schema it created even after the code's vocabularies grow.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("rumored", "in-negotiation", "agreed", "completed", "failed")
KINDS = ("acquisition", "merger", "asset-sale", "stake", "investment", "joint-venture")
PARTY_KINDS = ("company", "unit", "fund", "person", "government", "other")
ROLES = ("target", "acquirer", "seller", "adviser", "backer", "other")
PARTICIPANT_ROLES = ("acquirer", "seller", "adviser", "backer", "other")
BASES = ("disclosed", "reported", "estimated")
ATTRIBUTIONS = ("official", "on-record", "anonymous", "unattributed")
PRECISIONS = ("year", "month", "day")
EVENT_TYPES = ("created", "status", "value", "party", "note", "edit", "void")


def one_of(column: str, terms: tuple[str, ...]) -> str:
    """``=`` comparisons joined by OR: SQLite rebuilds an IN list's index on every insert."""
    return "(" + " OR ".join(f"{column} = '{term}'" for term in terms) + ")"


def upgrade() -> None:
    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(one_of("kind", PARTY_KINDS), name=op.f("ck_party_kind")),
        sa.ForeignKeyConstraint(["parent_id"], ["party.id"], name=op.f("fk_party_parent_id_party")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party")),
        sa.UniqueConstraint("name_key", name=op.f("uq_party_name_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_party_parent_id"), "party", ["parent_id"])
    op.create_table(
        "alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_alias_party_id_party"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alias")),
        sa.UniqueConstraint("name_key", name=op.f("uq_alias_name_key")),
    )
    op.create_index(op.f("ix_alias_party_id"), "alias", ["party_id"])
    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("high", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("basis", sa.String(20), nullable=True),
        sa.Column("reported", sa.Date(), nullable=False),
        sa.Column("reported_precision", sa.String(5), nullable=False),
        sa.Column("updated", sa.Date(), nullable=False),
        sa.Column("updated_precision", sa.String(5), nullable=False),
        sa.CheckConstraint(one_of("kind", KINDS), name=op.f("ck_deal_kind")),
        sa.CheckConstraint(one_of("status", STATUSES), name=op.f("ck_deal_status")),
        sa.CheckConstraint(one_of("basis", BASES), name=op.f("ck_deal_basis")),
        sa.CheckConstraint(
            one_of("reported_precision", PRECISIONS), name=op.f("ck_deal_reported_precision")
        ),
        sa.CheckConstraint(
            one_of("updated_precision", PRECISIONS), name=op.f("ck_deal_updated_precision")
        ),
        sa.ForeignKeyConstraint(["target_id"], ["party.id"], name=op.f("fk_deal_target_id_party")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
        sa.UniqueConstraint("key", name=op.f("uq_deal_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_deal_target_id"), "deal", ["target_id"])
    op.create_index(op.f("ix_deal_status"), "deal", ["status"])
    op.create_index(op.f("ix_deal_reported"), "deal", ["reported"])
    op.create_index(op.f("ix_deal_updated"), "deal", ["updated"])
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.CheckConstraint(one_of("role", PARTICIPANT_ROLES), name=op.f("ck_participant_role")),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_participant_deal_id_deal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_participant_party_id_party")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint("deal_id", "party_id", "role", name="uq_participant_deal_party_role"),
    )
    op.create_index("ix_participant_party_role", "participant", ["party_id", "role"])
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("on_precision", sa.String(5), nullable=False),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("high", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("basis", sa.String(20), nullable=True),
        sa.Column("action", sa.String(10), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=True),
        sa.Column("voids", sa.Integer(), nullable=True),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("source_outlet", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_attribution", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(one_of("type", EVENT_TYPES), name=op.f("ck_event_type")),
        sa.CheckConstraint(one_of("on_precision", PRECISIONS), name=op.f("ck_event_on_precision")),
        sa.CheckConstraint(one_of("status", STATUSES), name=op.f("ck_event_status")),
        sa.CheckConstraint(one_of("basis", BASES), name=op.f("ck_event_basis")),
        sa.CheckConstraint(one_of("role", ROLES), name=op.f("ck_event_role")),
        sa.CheckConstraint(one_of("action", ("added", "removed")), name=op.f("ck_event_action")),
        sa.CheckConstraint("voided = false OR voided = true", name=op.f("ck_event_voided")),
        sa.CheckConstraint(
            one_of("source_attribution", ATTRIBUTIONS), name=op.f("ck_event_source_attribution")
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_event_deal_id_deal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], name=op.f("fk_event_party_id_party")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_deal_order", "event", ["deal_id", "on", "recorded_at", "id"])


def downgrade() -> None:
    for table in ("event", "participant", "deal", "alias", "party"):
        op.drop_table(table)
