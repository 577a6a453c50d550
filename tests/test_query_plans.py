"""The queries with a budget at a million deals read an index, not a sort of every deal.

Timing belongs in benchmarks/run.py; what a test can pin is SQLite's plan for each query.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import Invoke

pytestmark = pytest.mark.sqlite_only("query plans are SQLite's")


def plan(path: Path, query: str, *parameters: object) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {query}", parameters).fetchall()
    return [row[-1] for row in rows]


def test_report_by_status_reads_the_covering_index_alone(story: Invoke, db_path: Path) -> None:
    assert plan(
        db_path,
        "SELECT status, currency, count(*), sum(amount), sum(coalesce(high, amount)) "
        "FROM deal GROUP BY status, currency",
    ) == ["SCAN deal USING COVERING INDEX ix_deal_status_value"]


def test_list_by_status_and_party_reads_deals_in_id_order_without_sorting_them(
    story: Invoke, db_path: Path
) -> None:
    # The statement `list --status failed --party NAME --limit 20` runs (ids for the names).
    steps = plan(
        db_path,
        "SELECT deal.id FROM deal WHERE deal.status IN (?) AND (deal.target_id IN (?) OR "
        "(EXISTS (SELECT * FROM participant WHERE participant.deal_id = deal.id "
        "AND participant.party_id IN (?)))) ORDER BY deal.id LIMIT ? OFFSET ?",
        "failed", 1, 1, 20, 0,
    )  # fmt: skip
    assert steps[0] == "SEARCH deal USING INDEX ix_deal_status (status=?)"
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps
