"""Several processes writing one ledger at once lose nothing.

The writers are real processes; the ledger is set up and read back in-process.

Real processes of the installed command, on SQLite and on PostgreSQL: SQLite writers queue on
``BEGIN IMMEDIATE`` and the busy timeout, PostgreSQL writers on one advisory lock. No user may see
"database is locked" or a serialization failure, and the final counts must be exact.
"""

import json
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dealtrack.db import HEAD_REVISION
from tests.cli_process import (
    assert_check_clean,
    assert_clean,
    clean_output,
    dealtrack,
    in_process,
    pg_url,
    requires_script,
)

pytestmark = [pytest.mark.slow, requires_script]
__all__ = ["pg_url"]  # the fixture, imported for the PostgreSQL variants

Commands = Sequence[tuple[str, ...]]


# Each variant runs with its backend's run of the suite (not twice, once in each).
BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.sqlite_only("writers of one SQLite file")),
    pytest.param("postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.db")
    else:
        yield request.getfixturevalue("pg_url")


def run_at_once(
    workers: Sequence[Commands], run: Callable[[tuple[str, ...]], subprocess.CompletedProcess[str]]
) -> list[subprocess.CompletedProcess[str]]:
    """Each worker runs its commands one after another; all workers start together."""
    start = threading.Barrier(len(workers))

    def work(commands: Commands) -> list[subprocess.CompletedProcess[str]]:
        start.wait()
        return [run(command) for command in commands]

    with ThreadPoolExecutor(len(workers)) as pool:
        return [result for batch in pool.map(work, workers) for result in batch]


def write_csv(path: Path, targets: list[str]) -> Path:
    lines = ["target,acquirers,status,reported"]
    lines += [
        f"{target},Common Buyer;Fund {i % 3},agreed,2021-01" for i, target in enumerate(targets)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(db: str, home: Path) -> dict[str, str]:
    status = clean_output(in_process(db, "db", "status", home=home))
    return dict(line.split(": ", 1) for line in status.splitlines())


def deals(db: str, home: Path) -> dict[str, dict[str, object]]:
    listed = clean_output(in_process(db, "list", "-f", "json", home=home))
    return {deal["key"]: deal for deal in json.loads(listed)}


def test_concurrent_adds_status_changes_and_imports_lose_nothing(
    ledger: str, tmp_path: Path
) -> None:
    seed = write_csv(tmp_path / "seed.csv", [f"Base {n}" for n in range(3)])
    clean_output(in_process(ledger, "import", str(seed), home=tmp_path))
    adders: list[Commands] = [
        [
            (
                "add",
                f"Add {w}-{i}",
                "--acquirer",
                "Common Buyer",
                "--acquirer",
                f"Buyer {w}",
                "--on",
                f"2020-0{i + 1}",
            )
            for i in range(3)
        ]
        for w in range(2)
    ]
    walkers: list[Commands] = [
        [
            (
                "status",
                f"base-{n}-common-buyer",
                "agreed",
                "--on",
                "2021-02",
                "--source",
                "Reuters",
            ),
            ("status", f"base-{n}-common-buyer", "completed", "--on", "2021-03"),
        ]
        for n in range(2)
    ]
    importers: list[Commands] = [
        [
            (
                "import",
                str(
                    write_csv(
                        tmp_path / f"imp-{w}-{f}.csv", [f"Imp {w}-{f}-{r}" for r in range(10)]
                    )
                ),
            )
            for f in range(2)
        ]
        for w in range(2)
    ]
    results = run_at_once(
        adders + walkers + importers, lambda args: dealtrack(ledger, *args, home=tmp_path)
    )

    for result in results:
        assert_clean(result)
    added = [r for r in results if r.args[3] == "add"]
    assert sorted(r.stdout for r in added) == sorted(
        f"add-{w}-{i}-common-buyer\n" for w in range(2) for i in range(3)
    )
    for result in (r for r in results if r.args[3] == "import"):
        assert result.stderr.startswith(
            "Imported 10 rows: 10 added, 0 updated, 0 unchanged, 0 rejected in "
        ), result.stderr
    created_common = sum(r.stderr.count('Created party "Common Buyer"') for r in results)
    assert created_common == 0  # the seed import created it; no writer may create it twice

    found = deals(ledger, tmp_path)
    expected_keys = (
        {f"base-{n}-common-buyer" for n in range(3)}
        | {f"add-{w}-{i}-common-buyer" for w in range(2) for i in range(3)}
        | {f"imp-{w}-{f}-{r}-common-buyer" for w in range(2) for f in range(2) for r in range(10)}
    )
    assert set(found) == expected_keys
    assert [found[f"base-{n}-common-buyer"]["status"] for n in range(3)] == [
        "completed",
        "completed",
        "agreed",
    ]
    # Every deal (seeded, imported or added): one created event holding its roster; plus the
    # four status changes. Parties: Common Buyer, Fund 0-2, Buyer 0-1 and one per target.
    found_counts = counts(ledger, tmp_path)
    del found_counts["ledger"]
    assert found_counts == {
        "revision": HEAD_REVISION,
        "parties": str(1 + 3 + 2 + len(expected_keys)),
        "deals": str(len(expected_keys)),
        "events": str(len(expected_keys) + 4),
    }
    assert_check_clean(ledger, tmp_path)


def test_concurrent_status_changes_on_one_deal_all_land_in_order(
    ledger: str, tmp_path: Path
) -> None:
    clean_output(
        in_process(ledger, "add", "Solo", "--acquirer", "Buyer", "--on", "2020-01", home=tmp_path)
    )
    # Restating the status in force is legal, so every one of these may land in any order.
    writers = [
        [
            (
                "status",
                "solo-buyer",
                "in-negotiation",
                "--on",
                f"2020-02-{w + 1:02d}",
                "--source",
                f"Outlet {w}",
            )
        ]
        for w in range(6)
    ]
    for result in run_at_once(writers, lambda args: dealtrack(ledger, *args, home=tmp_path)):
        assert_clean(result)
    history = in_process(ledger, "history", "solo-buyer", "-f", "json", home=tmp_path)
    events = json.loads(clean_output(history))
    assert [e["source"]["outlet"] for e in events if e["type"] == "status"] == [
        f"Outlet {w}" for w in range(6)
    ]
    assert len({e["id"] for e in events}) == len(events) == 1 + 6
    assert_check_clean(ledger, tmp_path)


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_first_writers_create_one_ledger(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        path = tmp_path / "ledgers" / "ledger.db"  # no file yet: the first writers race to make it
        path.parent.mkdir()
        db = str(path)
    else:
        db = request.getfixturevalue("pg_url")  # an empty schema: no tables yet
    csv = [
        write_csv(tmp_path / f"first-{n}.csv", [f"First {n}-{r}" for r in range(5)])
        for n in range(2)
    ]
    writers: list[Commands] = [
        [("add", f"Fresh {n}", "--acquirer", "Common Buyer", "--on", "2020-01")] for n in range(6)
    ] + [[("import", str(file))] for file in csv]
    results = run_at_once(writers, lambda args: dealtrack(db, *args, home=tmp_path))

    for result in results:
        assert_clean(result)
    assert sum(r.stderr.count('Created party "Common Buyer"') for r in results) <= 1
    expected = {f"fresh-{n}-common-buyer" for n in range(6)} | {
        f"first-{n}-{r}-common-buyer" for n in range(2) for r in range(5)
    }
    assert set(deals(db, tmp_path)) == expected
    found = counts(db, tmp_path)
    assert (found["deals"], found["events"]) == ("16", "16")  # one created event a deal
    assert_check_clean(db, tmp_path)
    if backend == "sqlite":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        leftovers = sorted(p.name for p in path.parent.iterdir())
        assert leftovers == ["ledger.db"]
