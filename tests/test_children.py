"""A step run in a forked child (dealtrack.bulk.children), alone or shared with the parent, and an
import into a ledger with deals, whose rows the two processes check a batch each in turn."""

import os
from collections.abc import Iterator
from pathlib import Path

from dealtrack.bulk.children import BATCH, Shared, in_child
from tests.conftest import Invoke
from tests.import_files import write
from tests.ledger_json import deals

ITEMS = 2 * BATCH + BATCH // 2  # two whole batches and a part


def _numbers() -> Iterator[int]:
    yield from range(ITEMS)


def _stepped(number: int) -> tuple[int, int]:
    return number * 2, os.getpid()


def _as_plain(number: int) -> list[int]:
    return [number]


def _rebuilt(plain: list[int]) -> int:
    return plain[0]


def test_a_child_steps_every_item_in_order() -> None:
    found = list(in_child(_numbers(), _stepped))
    assert [doubled for doubled, _ in found] == [n * 2 for n in range(ITEMS)]
    assert os.getpid() not in {pid for _, pid in found}


def test_a_shared_step_runs_every_other_batch_here_and_keeps_the_order() -> None:
    found = list(in_child(_numbers(), _stepped, Shared(_as_plain, _rebuilt)))
    assert [doubled for doubled, _ in found] == [n * 2 for n in range(ITEMS)]
    stepped_here = [n for n, (_, pid) in enumerate(found) if pid == os.getpid()]
    assert stepped_here == list(range(BATCH, 2 * BATCH))  # the second batch of three


def test_an_import_into_a_ledger_with_deals_names_bad_rows_in_either_process(
    run: Invoke, tmp_path: Path
) -> None:
    assert run("add", "Earlier Target", "--on", "2020-01-01").exit_code == 0
    rows = [f"Target {n},rumored,2021-01-01" for n in range(1, ITEMS + 1)]
    rows[9] = "Target 10,zz,2021-01-01"  # line 11: checked by the child
    rows[BATCH + 9] = f"Target {BATCH + 10},rumored,2021-13-01"  # checked here
    path = write(tmp_path, "d.csv", "target,status,reported\n" + "\n".join(rows) + "\n")
    result = run("import", path, "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[:2] == [
        f"{path}:11: status: 'zz' is not a status; use one of: rumored, in-negotiation, agreed, "
        "completed, failed",
        f"{path}:{BATCH + 11}: reported: '2021-13-01': there is no month 13; months run from 01 "
        "to 12",
    ]
    assert result.stderr.splitlines()[-1].startswith(
        f"Imported {ITEMS} rows: {ITEMS - 2} added, 0 updated, 0 unchanged, 2 rejected in "
    )
    targets = [deal["target"] for deal in deals(run)]
    assert len(targets) == ITEMS - 1
    assert targets[:3] == ["Earlier Target", "Target 1", "Target 2"]
    assert targets[-1] == f"Target {ITEMS}"
