"""The search index: one row a deal with the folded words of its title, parties, notes, reasons
and sources.

Revision ID: 0010_search
Revises: 0009_fx_rates
Create Date: 2026-12-04

SQLite keeps it in an FTS5 table, PostgreSQL in a table with a generated tsvector column and a
GIN index. The upgrade fills it for the deals the ledger already holds, folding their text with
the code that keeps it current afterwards: an index is only useful if it says what that code
would write. Downgrading drops it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_search"
down_revision: str | None = "0009_fx_rates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The statements as this revision made them (dealtrack.search_index has the living copy).
SQLITE = (
    "CREATE VIRTUAL TABLE deal_search USING fts5(title, parties, notes, reasons, sources, "
    "tokenize = 'unicode61 remove_diacritics 0')",
)
DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, parties), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, sources), 'C') || "
    "setweight(to_tsvector('simple'::regconfig, notes || ' ' || reasons), 'D')"
)
POSTGRESQL = (
    "CREATE TABLE deal_search (deal_id INTEGER NOT NULL, title TEXT NOT NULL, "
    "parties TEXT NOT NULL, notes TEXT NOT NULL, reasons TEXT NOT NULL, sources TEXT NOT NULL, "
    f"document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED, "
    "CONSTRAINT pk_deal_search PRIMARY KEY (deal_id), "
    "CONSTRAINT fk_deal_search_deal_id_deal FOREIGN KEY (deal_id) "
    "REFERENCES deal (id) ON DELETE CASCADE)",
    "CREATE INDEX ix_deal_search_document ON deal_search USING gin (document)",
)


def upgrade() -> None:
    from dealtrack.search_index import reindex

    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        for statement in POSTGRESQL:
            connection.exec_driver_sql(statement)
        reindex(connection, None)
        return
    for statement in SQLITE:
        connection.exec_driver_sql(statement)
    _fill_sqlite(connection)


def _fill_sqlite(connection: sa.Connection) -> None:
    """Every deal's row, folded inside one INSERT … SELECT into this revision's FTS5 table, which
    holds its own text (the living ``reindex`` writes the kind revision 0013 made)."""
    from dealtrack.search_index import WORDS_FUNCTION, sqlite_functions
    from dealtrack.search_rows import FIELD_COLUMNS, FIELDS, ledger_texts

    sqlite_functions(connection.connection.driver_connection)
    texts = list(ledger_texts(None).subquery().c)
    words = getattr(sa.func, WORDS_FUNCTION)
    folded = [words(*(texts[1 + i] for i in group)) for group in FIELD_COLUMNS]
    index = sa.table("deal_search", sa.column("rowid"), *map(sa.column, FIELDS))
    connection.execute(
        sa.insert(index).from_select(["rowid", *FIELDS], sa.select(texts[0], *folded))
    )


def downgrade() -> None:
    op.drop_table("deal_search")
