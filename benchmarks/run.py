"""dealtrack's performance budgets, measured side by side in one run.

    pip install '.[benchmark]'
    python benchmarks/run.py                 # the full run (100,000-deal import, 1,000,000-deal scaling)
    python benchmarks/run.py --quick         # smaller sizes, for a first look

Every figure is the median of several runs of a real subprocess (the installed ``dealtrack`` and
``sqlite-utils`` commands), timed with the other side in the same run, so a busy machine slows both.
Peak memory is the child's maximum resident set size (``resource.getrusage``).
"""

import argparse
import csv
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BIN = Path(sys.executable).parent
STATUSES = ("rumored", "in-negotiation", "agreed", "completed", "failed")
KINDS = ("acquisition", "merger", "asset-sale", "stake", "investment")


def write_deals(path: Path, count: int, seed: int = 7) -> None:
    """A CSV of ``count`` deals, four parties each (target, acquirer, seller, adviser)."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "key",
                "title",
                "kind",
                "target",
                "acquirers",
                "sellers",
                "advisers",
                "status",
                "value",
                "reported",
                "source",
            ]
        )
        for n in range(1, count + 1):
            year, month, day = rng.randint(2000, 2025), rng.randint(1, 12), rng.randint(1, 28)
            writer.writerow(
                [
                    f"deal-{n:07d}-x",
                    f"Deal {n}",
                    rng.choice(KINDS),
                    f"Target {n}",
                    f"Acquirer {rng.randint(1, 5000)}",
                    f"Seller {rng.randint(1, 1000)}",
                    f"Adviser {rng.randint(1, 300)}",
                    rng.choice(STATUSES),
                    f"USD {rng.randint(1, 90000)}m",
                    f"{year}-{month:02d}-{day:02d}",
                    "Benchmark Wire",
                ]
            )


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one subprocess run; fails loudly if the command fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 3):
        raise SystemExit(
            f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stderr}"
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(after, before)


def peak_rss(command: Sequence[str], env: dict[str, str] | None = None) -> int:
    """Peak RSS of one run, measured in a fresh helper process so earlier children don't mask it."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def median_time(
    command: Sequence[str], repeats: int, setup: object = None, env: dict[str, str] | None = None
) -> float:
    times = []
    for _ in range(repeats):
        if callable(setup):
            setup()
        times.append(timed(command, env)[0])
    return statistics.median(times)


def compile_package() -> None:
    """Compile the installed dealtrack's modules, as ``pip install .`` does. An editable install
    run with PYTHONDONTWRITEBYTECODE set would compile every module again in every timed run
    (about 0.2 s each here), a cost sqlite-utils, compiled when it was installed, never pays."""
    import compileall

    import dealtrack

    compileall.compile_dir(Path(dealtrack.__file__).parent, quiet=1)


def verdict(ratio: float) -> str:
    """Where a speed-up over sqlite-utils stands against the import budget."""
    for threshold, name in ((2.0, "stretch"), (1.5, "goal"), (1.2, "required")):
        if ratio >= threshold:
            return f"meets the {name} ({threshold}×)"
    return "below the required 1.2×"


def compare_import(work: Path, deals: int, repeats: int) -> list[tuple[str, str]]:
    data = work / f"deals-{deals}.csv"
    write_deals(data, deals)
    ledger, baseline = work / "import.db", work / "sqlite-utils.db"
    ours_import = [str(BIN / "dealtrack"), "--db", str(ledger), "import", str(data)]

    def fresh() -> None:
        for path in work.glob("import.db*"):
            path.unlink()
        for path in work.glob("sqlite-utils.db*"):
            path.unlink()

    ours_times, again_times, theirs_times = [], [], []
    for _ in range(repeats):  # interleaved, so both see the same machine
        fresh()
        ours_times.append(timed(ours_import)[0])
        again_times.append(timed(ours_import)[0])  # the same file into the ledger that holds it
        theirs_times.append(
            timed(
                [str(BIN / "sqlite-utils"), "insert", str(baseline), "deals", str(data), "--csv"]
            )[0]
        )
    fresh()
    first_rss = peak_rss(ours_import)
    again_rss = peak_rss(ours_import)
    ours, again, theirs = (statistics.median(t) for t in (ours_times, again_times, theirs_times))
    floor = write_floor(work, ledger)
    return [
        (f"import {deals:,} deals (dealtrack)", f"{ours:.2f} s"),
        ("sqlite-utils insert --csv, same file", f"{theirs:.2f} s"),
        (
            "speed-up over sqlite-utils (1.2× required, 1.5× goal, 2× stretch)",
            f"{theirs / ours:.2f}× — {verdict(theirs / ours)}",
        ),
        (
            "write floor: the imported rows, pre-built, executemany",
            f"{floor:.2f} s ({theirs / floor:.2f}× sqlite-utils)",
        ),
        (
            "re-import into the ledger that holds it: time (budget ≤ 2×)",
            f"{again:.2f} s ({again / ours:.2f}× the first import)",
        ),
        (
            "re-import: peak memory (budget ≤ 2×)",
            f"{again_rss / 1024:.0f} MB ({again_rss / first_rss:.2f}× the first import's {first_rss / 1024:.0f} MB)",
        ),
    ]


def write_floor(work: Path, imported: Path) -> float:
    """Seconds to write the rows the import stored, as ready-made tuples, into an empty ledger.

    No parsing, matching or validation: only pysqlite and SQLite, in one transaction, through the
    same schema (indexes, CHECKs, foreign keys), as many rows to a statement as the writer puts.
    What an import must store costs at least this.
    """
    from dealtrack.writer import in_groups, rows_per_statement

    empty = work / "floor.db"
    for path in work.glob("floor.db*"):
        path.unlink()
    subprocess.run(
        [str(BIN / "dealtrack"), "--db", str(empty), "party", "add", "Seed"],
        check=True,
        capture_output=True,
    )
    source = sqlite3.connect(imported)
    tables = ("party", "deal", "participant", "event")
    rows = {table: source.execute(f"SELECT * FROM {table}").fetchall() for table in tables}  # noqa: S608 (fixed names)
    source.close()
    target = sqlite3.connect(empty, isolation_level=None)
    target.execute("PRAGMA foreign_keys = ON")
    target.execute("DELETE FROM party")
    started = time.perf_counter()
    target.execute("BEGIN IMMEDIATE")
    for table in tables:
        if rows[table]:
            marks = "(" + ", ".join("?" * len(rows[table][0])) + ")"
            per = rows_per_statement(len(rows[table][0]))
            groups, whole = in_groups(rows[table], per)
            grouped = ", ".join([marks] * per)
            insert = f"INSERT OR FAIL INTO {table} VALUES"  # as the writer: no statement journal
            target.executemany(f"{insert} {grouped}", groups)
            target.executemany(f"{insert} {marks}", rows[table][whole:])
    target.execute("COMMIT")
    elapsed = time.perf_counter() - started
    target.close()
    return elapsed


def compare_startup(work: Path, repeats: int) -> list[tuple[str, str]]:
    ledger = work / "startup.db"
    data = work / "deals-1000.csv"
    write_deals(data, 1000)
    for path in work.glob("startup.db*"):
        path.unlink()
    timed([str(BIN / "dealtrack"), "--db", str(ledger), "import", str(data)])
    floor, ours = [], []
    for _ in range(repeats):
        floor.append(timed([sys.executable, "-c", "import click, sqlalchemy.orm"])[0])
        ours.append(timed([str(BIN / "dealtrack"), "--db", str(ledger), "list", "-f", "json"])[0])
    f, o = statistics.median(floor), statistics.median(ours)
    return [
        ('python -c "import click, sqlalchemy.orm"', f"{f * 1000:.0f} ms"),
        ("dealtrack list -f json on 1,000 deals", f"{o * 1000:.0f} ms"),
        ("ratio (budget ≤ 1.3×)", f"{o / f:.2f}×"),
    ]


def scaling(work: Path, small: int, large: int, repeats: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    figures: dict[int, dict[str, float]] = {}
    for size in (small, large):
        ledger, data = work / f"scale-{size}.db", work / f"deals-{size}.csv"
        if not data.exists():
            write_deals(data, size)
        for path in work.glob(f"scale-{size}.db*"):
            path.unlink()
        base = [str(BIN / "dealtrack"), "--db", str(ledger)]
        import_rss = peak_rss([*base, "import", str(data)])
        figures[size] = {
            "list": median_time(
                [*base, "list", "--status", "failed", "--party", "Seller 42", "--limit", "20"],
                repeats,
            ),
            "report": median_time([*base, "report", "--by", "status"], repeats),
            "import_rss": import_rss,
            "export_rss": peak_rss([*base, "export", "-o", str(work / f"export-{size}.json")]),
        }
    for name, label in (
        ("list", 'list --status failed --party "Seller 42" --limit 20'),
        ("report", "report --by status"),
    ):
        s, big = figures[small][name], figures[large][name]
        rows.append(
            (
                f"{label}: {small:,} → {large:,} deals",
                f"{s * 1000:.0f} ms → {big * 1000:.0f} ms ({big / s:.2f}×, budget ≤ 3×)",
            )
        )
    for name, label in (("import_rss", "import peak memory"), ("export_rss", "export peak memory")):
        s, big = figures[small][name], figures[large][name]
        rows.append(
            (
                f"{label}: {small:,} → {large:,} deals",
                f"{s / 1024:.0f} MB → {big / 1024:.0f} MB ({big / s:.2f}×, budget ≤ 1.5×)",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="10,000-deal import and 100,000-deal scaling"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    if shutil.which("sqlite-utils", path=str(BIN)) is None:
        raise SystemExit("sqlite-utils is missing: pip install '.[benchmark]'")
    version = subprocess.run(
        [str(BIN / "sqlite-utils"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    import_size, large = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    compile_package()
    with tempfile.TemporaryDirectory(prefix="dealtrack-bench-") as directory:
        work = Path(directory)
        rows = [
            ("machine", f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"),
            ("baseline", version),
        ]
        rows += compare_import(work, import_size, args.repeats)
        rows += compare_startup(work, max(args.repeats, 15))  # short runs: more rounds
        if not args.skip_scaling:
            rows += scaling(work, 1_000, large, args.repeats)
            from conflicts import scaling as conflicts_scaling  # benchmarks/conflicts.py

            rows += conflicts_scaling(work, 1_000, large, args.repeats)
            from search import figures as search_figures  # benchmarks/search.py

            searched = work / "search"  # its own files: its CSVs hold other words
            searched.mkdir()
            rows += [
                ("search", line) for line in search_figures(searched, large, args.repeats, False)
            ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
