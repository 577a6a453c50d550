"""What imports leave to the end of their transaction: the deal tables' secondary indexes (on an
empty SQLite ledger) and the check of foreign keys (SQLite)."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from dealtrack.db import open_ledger
from dealtrack.ids import check_references
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


def test_rows_that_meet_once_all_were_written_still_leave_every_index(
    run: Invoke, db_path: Path, tmp_path: Path
) -> None:
    """Every row is written as it is read and the indexes are built before the import learns
    that two rows share a deal's natural key; it starts over, and builds them again."""
    assert run("party", "add", "Seed").exit_code == 0
    before = indexes(db_path)
    path = tmp_path / "deals.csv"
    path.write_text(
        HEADER + "d-1,Target 1,Buyer,,agreed,USD 1m,2021-01\n"
        "d-2,Target 2,Buyer,,agreed,USD 2m,2021-02\n"
        "d-3,Target 1,Buyer,,failed,USD 1m,2021-01\n"
    )
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert indexes(db_path) == before
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")
    listed = run("list", "--status", "agreed", "-f", "csv", "--fields", "key")
    assert listed.stdout.split() == ["key", "d-1", "d-2"]


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
            # It reads with a cache of its own size, and leaves the ledger's as it was.
            assert session.execute(text("PRAGMA cache_size")).scalar() == -2000
            raise RuntimeError  # as the import does, so nothing is committed
        with ledger.session(True) as session:
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert check_references(session) == 0
    finally:
        ledger.close()
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT count(*) FROM participant").fetchone() == (0,)


@pytest.mark.parametrize(
    "rows",
    [
        # every row meets nothing: all written while reading
        "a-1,T1,B1,rumored,2021\nb-2,T2,B2,agreed,2021\n",
        # the last row repeats the first: everything is rolled back and staged
        "a-1,T1,B1,rumored,2021\nb-2,T2,B2,agreed,2021\na-1,T1,B1,completed,2021\n",
        # a keyless row ends writing while reading and names the parties of a written row
        "a-1,T1,B1,rumored,2021\n,T3,B1,agreed,2021\nc-3,B1,T1,failed,2022\n",
        # a keyless row ends writing while reading; a later row meets a written one by natural key
        "a-1,T1,B1,rumored,2021\n,T3,B1,agreed,2021\nc-3,T1,B1,failed,2021\n",
        # more rows than one statement inserts, naming parties new and seen before
        "".join(f"k-{n},T{n},B{n % 7},agreed,20{10 + n % 9}\n" for n in range(1, 124)),
    ],
)
def test_rows_written_while_reading_end_as_if_staged(
    run: Invoke, new_ledger: Any, tmp_path: Path, rows: str
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("key,target,acquirers,status,reported\n" + rows)
    empty = run("import", str(path))
    assert empty.exit_code == 0, empty.stderr
    # A ledger holding a deal already stages every row of the same file.
    other = new_ledger("other.db")
    assert run("--db", other.url, "add", "Seed", "--on", "2020").exit_code == 0
    staged = run("--db", other.url, "import", str(path))
    assert staged.exit_code == 0, staged.stderr
    assert empty.stderr.split(" in ")[0] == staged.stderr.split(" in ")[0]
    mine = json.loads(run("export", "-f", "json").stdout)["deals"]
    theirs = json.loads(run("--db", other.url, "export", "-f", "json").stdout)["deals"][1:]
    assert [_without_ids(d) for d in mine] == [_without_ids(d) for d in theirs]


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("id", "recorded_at")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value
