"""An import whose rows match more than one chunk of ledger deals, every other chunk compared in a
helper process (dealtrack.bulk.comparing): the same outcomes, problems and plan, in file order."""

from pathlib import Path

from dealtrack.services.ledger import CHUNK
from tests.conftest import Invoke
from tests.import_files import write
from tests.ledger_json import deal

DEALS = 3 * CHUNK + 100  # four chunks: the second and the fourth go to the helper
CHANGED, REFUSED = CHUNK + 200, CHUNK + 300  # rows in the second chunk


def _feed(tmp_path: Path, name: str, changes: bool) -> str:
    rows = [f"k{n},Target {n},rumored,2020-01-01" for n in range(DEALS)]
    if changes:
        rows[CHANGED] = f"k{CHANGED},Target {CHANGED},agreed,2020-01-01"
        rows[REFUSED] = f"k{REFUSED},Target {REFUSED},rumored,2019-06-01"
    return write(tmp_path, name, "key,target,status,reported\n" + "\n".join(rows) + "\n")


def test_rows_matched_in_several_chunks_are_compared_applied_and_refused_in_file_order(
    run: Invoke, tmp_path: Path
) -> None:
    assert run("import", _feed(tmp_path, "first.csv", changes=False)).exit_code == 0
    feed = _feed(tmp_path, "again.csv", changes=True)

    planned = run("import", feed, "--dry-run", "--skip-invalid")
    assert planned.exit_code == 3
    lines = planned.stdout.splitlines()
    assert lines[CHANGED - 1 : CHANGED + 2] == [
        f"unchanged\tk{CHANGED - 1}",
        f"update\tk{CHANGED}",
        f"unchanged\tk{CHANGED + 1}",
    ]

    result = run("import", feed, "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        f"{feed}:{REFUSED + 2}: date: 2019-06-01 is before deal k{REFUSED} was reported "
        "(2020-01-01)"
    )
    assert result.stderr.splitlines()[-1].startswith(
        f"Imported {DEALS} rows: 0 added, 1 updated, {DEALS - 2} unchanged, 1 rejected in "
    )
    assert deal(run, f"k{CHANGED}")["status"] == "agreed"
    assert deal(run, f"k{REFUSED}")["status"] == "rumored"
