"""Ids for explicit-id inserts, and the reference check of a bulk write.

Imports and ``add`` write rows with ids they chose, so they must know the largest id a table has
ever handed out (ids are never reused, even after ``rm``) and keep PostgreSQL's sequences past
what they wrote.
"""

from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.orm import Session

# The page cache, in KiB, while the reference check runs (see check_references): 4 MB checked
# a 100,000-deal import's references in 0.12 s against 0.19 s with the usual 2 MB, as fast as
# 8 and 16 MB did; 16 MB raised the import's peak memory.
CHECK_CACHE_KIB = 4096


def last_used_id(session: Session, table: str, column: Any) -> int:
    """The largest id a table has ever handed out, deleted rows included.

    SQLite's AUTOINCREMENT remembers it in ``sqlite_sequence``; PostgreSQL in the column's
    sequence. Imports write explicit ids, so they read this once and allocate past it.
    """
    highest = int(session.scalar(select(func.max(column))) or 0)
    if session.get_bind().dialect.name == "sqlite":
        used = session.execute(
            select(SQLITE_SEQUENCE.c.seq).where(SQLITE_SEQUENCE.c.name == table)
        ).scalar()
    else:
        from sqlalchemy.dialects.postgresql import REGCLASS

        sequence = func.pg_get_serial_sequence(table, "id")
        used = session.scalar(select(func.pg_sequence_last_value(sequence.cast(REGCLASS))))
    return max(highest, int(used or 0))


def allocate_ids(session: Session, table: str, column: Any, count: int) -> int:
    """Reserve ``count`` new ids of a table for explicit-id inserts; returns the first.

    Called under the write lock, so no other writer allocates meanwhile. SQLite's AUTOINCREMENT
    moves past an explicit id by itself; PostgreSQL's sequence is moved past the range here.
    """
    first = last_used_id(session, table, column) + 1
    if session.get_bind().dialect.name != "sqlite":
        sequence = func.pg_get_serial_sequence(table, "id")
        session.execute(select(func.setval(sequence, first + count - 1)))
    return first


def check_references(session: Session) -> int:
    """How many rows refer to a row that does not exist, where foreign keys went unchecked.

    A bulk write into SQLite may leave them off (``Ledger.session(references_at_end=True)``):
    one pass over the tables before commit costs less than a lookup for every row written.
    """
    if session.get_bind().dialect.name != "sqlite":
        return 0
    if session.execute(text("PRAGMA foreign_keys")).scalar():
        return 0  # checked row by row already
    # After a bulk write the page cache is full of pages waiting for the commit, which it must
    # keep; the check looks each reference up all over the referred table, so with the ledger's
    # usual cache nearly every lookup read its page from the file again. A larger cache, for the
    # check alone, holds the pages it reads.
    usual = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size = -{CHECK_CACHE_KIB}"))
    try:
        return len(session.execute(text("PRAGMA foreign_key_check")).fetchall())
    finally:
        session.execute(text(f"PRAGMA cache_size = {int(usual)}"))


def advance_sequences(session: Session, tables: dict[str, Any]) -> None:
    """After explicit-id inserts, move PostgreSQL's sequences past them (SQLite needs nothing).

    Only ever forward: an id handed out once and deleted since is never handed out again.
    """
    if session.get_bind().dialect.name == "sqlite":
        return
    for table, column in tables.items():
        highest = last_used_id(session, table, column)
        if highest:
            session.execute(select(func.setval(func.pg_get_serial_sequence(table, "id"), highest)))


SQLITE_SEQUENCE = Table(
    "sqlite_sequence", MetaData(), Column("name", String), Column("seq", Integer)
)
