"""SQLite: the search index's words move into a plain table, which the FTS5 table reads.

Revision ID: 0013_search_text_beside_index
Revises: 0012_deal_value_index_by_date
Create Date: 2026-12-06

An FTS5 table that keeps its own copy of the text writes every row twice over as it indexes it;
an import already writes its new deals' words to a table of its own before they go into the
index in thousands. Now that table is ``deal_search_text`` itself, and the index
(``content = 'deal_search_text'``) reads the words from there. The upgrade moves each row's words
as they are and has FTS5 index them again ('rebuild'); the downgrade puts them back in an FTS5
table of the old kind. PostgreSQL's index, a plain table already, does not change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_search_text_beside_index"
down_revision: str | None = "0012_deal_value_index_by_date"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = "title, parties, notes, reasons, sources"
TOKENS = "tokenize = 'unicode61 remove_diacritics 0'"
# The statements as this revision made them (dealtrack.search_index has the living copy).
UPGRADE = (
    "CREATE TABLE deal_search_text (deal_id INTEGER NOT NULL PRIMARY KEY, title TEXT NOT NULL, "
    "parties TEXT NOT NULL, notes TEXT NOT NULL, reasons TEXT NOT NULL, sources TEXT NOT NULL)",
    f"INSERT INTO deal_search_text (deal_id, {FIELDS}) SELECT rowid, {FIELDS} FROM deal_search",  # noqa: S608 (constants)
    "DROP TABLE deal_search",
    f"CREATE VIRTUAL TABLE deal_search USING fts5({FIELDS}, content = 'deal_search_text', "
    f"content_rowid = 'deal_id', {TOKENS})",
    "INSERT INTO deal_search (deal_search) VALUES ('rebuild')",
)
DOWNGRADE = (
    "DROP TABLE deal_search",
    f"CREATE VIRTUAL TABLE deal_search USING fts5({FIELDS}, {TOKENS})",
    f"INSERT INTO deal_search (rowid, {FIELDS}) SELECT deal_id, {FIELDS} FROM deal_search_text",  # noqa: S608 (constants)
    "DROP TABLE deal_search_text",
)


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)


def _run(statements: tuple[str, ...]) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for statement in statements:
        connection.exec_driver_sql(statement)
