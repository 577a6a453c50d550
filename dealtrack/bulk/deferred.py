"""Index upkeep an import into an empty SQLite ledger can leave to the end.

Each secondary index of ``deal`` and ``participant`` takes rows in an order of its own (status,
date, party), so filling it row by row touches pages all over the file, far more than a small
page cache holds. When the ledger has no deal yet, nothing the import reads needs those indexes,
so they are dropped inside the import's transaction and built once, by sorting, before it
commits. A failed or killed import rolls the drop back with everything else.

Unique indexes stay (a duplicate must fail the row's insert, cleanly, as it always did), and so
does the event order index: an import fills it in order anyway.
"""

from sqlalchemy import Connection

_TABLES = ("deal", "participant")


def drop_secondary_indexes(connection: Connection) -> list[str]:
    """Drop the non-unique indexes of the deal tables; returns the statements that rebuild them."""
    if connection.dialect.name != "sqlite":
        return []  # PostgreSQL keeps its indexes: simple and correct, if slower
    found = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?)"
        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        _TABLES,
    ).fetchall()
    for name, _ in found:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')  # a name SQLite itself listed
    return [sql for _, sql in found]


def rebuild_indexes(connection: Connection, statements: list[str]) -> None:
    """Build the indexes ``drop_secondary_indexes`` dropped, each in one sort of its table."""
    for statement in statements:
        connection.exec_driver_sql(statement)
