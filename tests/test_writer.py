"""The one writer: rows reach SQLite in the order given, whole groups and the rest alike."""

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from dealtrack.models import Base
from dealtrack.writer import EVENT_COLUMNS, ROWS_PER_STATEMENT, BulkWriter, rows_per_statement


@pytest.mark.parametrize("count", [0, 1, ROWS_PER_STATEMENT - 1, ROWS_PER_STATEMENT, 123])
def test_the_writer_stores_every_row_in_order_however_many_a_statement_takes(
    tmp_path: Path, count: int
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        writer = BulkWriter(connection)
        for n in range(1, count + 1):
            writer.add_party(n, f"Party {n}", f"party {n}")
        writer.flush()
        stored = connection.execute(
            text("SELECT id, name, name_key, kind FROM party ORDER BY rowid")
        )
        assert stored.fetchall() == [
            (n, f"Party {n}", f"party {n}", "company") for n in range(1, count + 1)
        ]
    engine.dispose()


def test_a_statement_binds_no_more_parameters_than_any_sqlite_since_3_7_takes() -> None:
    assert all(rows_per_statement(width) * width <= 999 for width in range(1, 60))
    assert rows_per_statement(len(EVENT_COLUMNS)) == 999 // len(EVENT_COLUMNS)
    assert rows_per_statement(3) == ROWS_PER_STATEMENT
