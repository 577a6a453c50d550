"""Links between parties: who owns, backs or leads whom, as ledger events and a table of links.

Revision ID: 0007_links
Revises: 0006_updated_ignores_corrections
Create Date: 2026-12-10

A link's changes are events of the one ledger, numbered from the same sequence as deal events,
so ``void`` and ``history`` treat them alike; they belong to no deal, so an event's deal becomes
optional, and so does its date (a link known but undated). A link event names its holder, its
kind, its stake in hundredths of a percent and its end; its party is the event's party. The
``link`` table holds the links those events leave in force, indexed on holder and on party for
walking chains of interests either way. Downgrading drops the links and their events (and the
voids that name them): an older ledger has nowhere to keep them.

The vocabularies are written out here, so this revision keeps describing the schema it made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_links"
down_revision: str | None = "0006_updated_ignores_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEAL_EVENT_TYPES = ("created", "status", "value", "party", "note", "edit", "void")
LINK_EVENT_TYPES = ("link", "unlink")
LINK_KINDS = ("owns", "backs", "leads")
PRECISIONS = ("year", "month", "day")
ATTRIBUTIONS = ("official", "on-record", "anonymous", "unattributed")


def one_of(column: str, terms: tuple[str, ...]) -> str:
    """``=`` comparisons joined by OR: SQLite rebuilds an IN list's index on every insert."""
    return "(" + " OR ".join(f"{column} = '{term}'" for term in terms) + ")"


# SQLite copies the table to change it; the copy must still never hand out an id twice.
_KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("event", table_kwargs=_KEEP_IDS) as batch:
        batch.alter_column("deal_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("on", existing_type=sa.Date(), nullable=True)
        batch.alter_column("on_precision", existing_type=sa.String(5), nullable=True)
        batch.add_column(sa.Column("holder_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("link_kind", sa.String(10), nullable=True))
        batch.add_column(sa.Column("stake", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("until_precision", sa.String(5), nullable=True))
        batch.drop_constraint(op.f("ck_event_type"), type_="check")
        batch.create_check_constraint(
            op.f("ck_event_type"), one_of("type", DEAL_EVENT_TYPES + LINK_EVENT_TYPES)
        )
        batch.create_check_constraint(op.f("ck_event_link_kind"), one_of("link_kind", LINK_KINDS))
        batch.create_check_constraint(
            op.f("ck_event_until_precision"), one_of("until_precision", PRECISIONS)
        )
        batch.create_foreign_key(op.f("fk_event_holder_id_party"), "party", ["holder_id"], ["id"])
    op.create_index(
        "ix_event_link",
        "event",
        ["holder_id", "link_kind", "party_id"],
        sqlite_where=sa.text("holder_id IS NOT NULL"),
        postgresql_where=sa.text("holder_id IS NOT NULL"),
    )
    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("stake", sa.Integer(), nullable=True),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("since_precision", sa.String(5), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("until_precision", sa.String(5), nullable=True),
        sa.Column("source_outlet", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_attribution", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(one_of("kind", LINK_KINDS), name=op.f("ck_link_kind")),
        sa.CheckConstraint(
            one_of("since_precision", PRECISIONS), name=op.f("ck_link_since_precision")
        ),
        sa.CheckConstraint(
            one_of("until_precision", PRECISIONS), name=op.f("ck_link_until_precision")
        ),
        sa.CheckConstraint(
            one_of("source_attribution", ATTRIBUTIONS), name=op.f("ck_link_source_attribution")
        ),
        sa.ForeignKeyConstraint(
            ["id"], ["event.id"], name=op.f("fk_link_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["holder_id"], ["party.id"], name=op.f("fk_link_holder_id_party")),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"], name=op.f("fk_link_party_id_party")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link")),
    )
    op.create_index(op.f("ix_link_holder_id"), "link", ["holder_id"])
    op.create_index(op.f("ix_link_party_id"), "link", ["party_id"])


def downgrade() -> None:
    op.drop_table("link")
    op.drop_index("ix_event_link", "event")
    event = sa.table("event", sa.column("deal_id", sa.Integer), sa.column("type", sa.String))
    # Voids of link events belong to no deal either.
    op.execute(event.delete().where(event.c.deal_id.is_(None)))
    with op.batch_alter_table("event", table_kwargs=_KEEP_IDS) as batch:
        batch.drop_constraint(op.f("fk_event_holder_id_party"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_event_until_precision"), type_="check")
        batch.drop_constraint(op.f("ck_event_link_kind"), type_="check")
        batch.drop_constraint(op.f("ck_event_type"), type_="check")
        batch.create_check_constraint(op.f("ck_event_type"), one_of("type", DEAL_EVENT_TYPES))
        for column in ("until_precision", "until", "stake", "link_kind", "holder_id"):
            batch.drop_column(column)
        batch.alter_column("on_precision", existing_type=sa.String(5), nullable=False)
        batch.alter_column("on", existing_type=sa.Date(), nullable=False)
        batch.alter_column("deal_id", existing_type=sa.Integer(), nullable=False)
