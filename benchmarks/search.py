"""The search budgets: a rare word on 1,000,000 deals against 1,000, and a common word against
``sqlite-utils search`` over the same text.

    python benchmarks/search.py                  # 1,000 and 1,000,000 deals
    python benchmarks/search.py --large 100000   # a first look
    python benchmarks/search.py --work DIR --reuse   # keep the ledgers in DIR, build them once

Each deal's notes hold a few words of a small vocabulary; "copper" is in about 15% of the deals
and "zirconium" in one. sqlite-utils gets a table of the very words the ledger's index holds (its
title, parties, notes, reasons and sources columns), with ``sqlite-utils enable-fts``; both
commands rank every match with bm25 and print the best 20.
"""

import argparse
import csv
import random
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import BIN, compile_package, median_time, timed

VOCABULARY = (
    "nickel", "lithium", "offshore", "wind", "pipeline", "refinery", "bank", "insurer",
    "software", "chips", "retail", "grocery", "airline", "shipping", "telecom", "media",
)  # fmt: skip
COMMON, RARE = "copper", "zirconium"
FIELDS = ("title", "parties", "notes", "reasons", "sources")


def write_worded_deals(path: Path, count: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["key", "target", "acquirers", "notes", "reported", "source"])
        for n in range(1, count + 1):
            words = rng.sample(VOCABULARY, 4)
            if rng.random() < 0.15:
                words.append(COMMON)
            if n == count // 2:
                words.append(RARE)
            writer.writerow(
                [
                    f"deal-{n:07d}-x",
                    f"Target {n}",
                    f"Acquirer {rng.randint(1, 5000)}",
                    " ".join(words),
                    f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "Benchmark Wire",
                ]
            )


def peer_table(ledger: Path, peer: Path) -> None:
    """The ledger's indexed words as a plain table, for sqlite-utils to index its own way."""
    columns = ", ".join(FIELDS)
    connection = sqlite3.connect(peer)
    try:
        connection.execute("ATTACH DATABASE ? AS ledger", (str(ledger),))
        connection.execute(
            f"CREATE TABLE deals AS SELECT rowid AS id, {columns} FROM ledger.deal_search"  # noqa: S608
        )
        connection.commit()
    finally:
        connection.close()
    timed([str(BIN / "sqlite-utils"), "enable-fts", str(peer), "deals", *FIELDS])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work", type=Path, help="Keep the ledgers in this folder.")
    parser.add_argument(
        "--reuse", action="store_true", help="Search the ledgers a run left in --work."
    )
    args = parser.parse_args()
    compile_package()
    if args.work is None:
        with tempfile.TemporaryDirectory(prefix="dealtrack-search-") as directory:
            rows = figures(Path(directory), args.large, args.repeats, False)
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        rows = figures(args.work, args.large, args.repeats, args.reuse)
    for row in rows:
        print(row)


def interleaved_medians(commands: list[list[str]], repeats: int) -> list[float]:
    """Each command's median time, the commands taking turns so that a load that comes and
    goes weighs on all of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeats):
        for command, taken in zip(commands, times, strict=True):
            taken.append(timed(command)[0])
    return [statistics.median(taken) for taken in times]


def figures(work: Path, large: int, repeats: int, reuse: bool) -> list[str]:
    """Building a 1,000,000-deal ledger takes minutes: with ``reuse``, the ledgers (and the
    peer's table) an earlier run left in ``work`` are searched again as they are."""
    rare: dict[int, float] = {}
    rows = []
    for size in (1_000, large):
        data, ledger = work / f"deals-{size}.csv", work / f"search-{size}.db"
        base = [str(BIN / "dealtrack"), "--db", str(ledger)]
        if not (reuse and ledger.exists()):
            ledger.unlink(missing_ok=True)
            write_worded_deals(data, size)
            seconds, _ = timed([*base, "import", str(data)])
            rows.append(f"import of {size:,} deals (with their index): {seconds:.1f} s")
        rare[size] = median_time([*base, "search", RARE, "-f", "json"], repeats)
    ledger, peer = work / f"search-{large}.db", work / f"peer-{large}.db"
    if not (reuse and peer.exists()):
        peer.unlink(missing_ok=True)
        peer_table(ledger, peer)
    ours, theirs = interleaved_medians(
        [
            [str(BIN / "dealtrack"), "--db", str(ledger), "search", COMMON, "-f", "json"],
            [str(BIN / "sqlite-utils"), "search", str(peer), "deals", COMMON, "--limit", "20"],
        ],
        repeats,
    )
    # What any dealtrack command pays before its own work: Python, click and SQLAlchemy.
    floor = median_time([sys.executable, "-c", "import click, sqlalchemy.orm"], repeats)
    small_ms, large_ms = rare[1_000] * 1000, rare[large] * 1000
    rows.append(
        f'search "{RARE}" (one deal): 1,000 → {large:,} deals: {small_ms:.0f} ms → '
        f"{large_ms:.0f} ms ({rare[large] / rare[1_000]:.2f}×, budget ≤ 3×)"
    )
    rows.append(
        f'search "{COMMON}" (15% of {large:,} deals), best 20: {ours * 1000:.0f} ms against '
        f"sqlite-utils search {theirs * 1000:.0f} ms ({ours / theirs:.2f}×, budget ≤ 1.2×)"
    )
    rows.append(f'python -c "import click, sqlalchemy.orm" alone: {floor * 1000:.0f} ms')
    return rows


if __name__ == "__main__":
    main()
