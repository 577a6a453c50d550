"""What imports leave to the end of their transaction: the deal tables' secondary indexes (on an
empty SQLite ledger) and the check of foreign keys (SQLite)."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from dealtrack.db import check_references, open_ledger
from dealtrack.location import locate
from tests.conftest import Invoke

HEADER = "key,target,acquirers,sellers,status,value,reported\n"


def indexes(db_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as connection:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        return [(name, sql or "") for name, sql in connection.execute(query)]


def test_import_into_an_empty_ledger_leaves_every_index(
    run: Invoke, db_path: Path, tmp_path: Path
) -> None:
    assert run("party", "add", "Seed").exit_code == 0
    before = indexes(db_path)
    path = tmp_path / "deals.csv"
    path.write_text(
        HEADER
        + "".join(
            f"d-{n},Target {n},Buyer {n % 3},Seller {n % 2},agreed,USD {n}m,2021-0{n}\n"
            for n in range(1, 6)
        )
    )
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert indexes(db_path) == before
    listed = run("list", "--status", "agreed", "--party", "Seller 1", "-f", "json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.count('"key"') == 3


def test_a_failed_import_into_an_empty_ledger_keeps_every_index(
    run: Invoke, db_path: Path, tmp_path: Path
) -> None:
    assert run("party", "add", "Seed").exit_code == 0
    before = indexes(db_path)
    path = tmp_path / "deals.csv"
    path.write_text(HEADER + "d-1,Target 1,Buyer,,agreed,USD 1m,2021\nd-2,,,,agreed,,\n")
    result = run("import", str(path))
    assert result.exit_code == 1
    assert "nothing imported" in result.stderr
    assert indexes(db_path) == before
    assert run("list", "-f", "json").stdout.strip() == "[]"


def test_references_left_to_the_end_are_checked_before_commit(run: Invoke, db_path: Path) -> None:
    assert run("party", "add", "Seed").exit_code == 0
    ledger = open_ledger(locate(str(db_path)), write=True)
    try:
        with pytest.raises(RuntimeError), ledger.session(True, references_at_end=True) as session:
            session.execute(text("INSERT INTO participant VALUES (1, 999, 999, 'seller')"))
            assert check_references(session) == 2  # no such deal, no such party
            raise RuntimeError  # as the import does, so nothing is committed
        with ledger.session(True) as session:
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert check_references(session) == 0
    finally:
        ledger.close()
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM participant").fetchone() == (0,)
