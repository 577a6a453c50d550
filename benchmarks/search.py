"""The search budgets: a rare word on 1,000,000 deals against 1,000, and a common word against
``sqlite-utils search`` over the same text.

    python benchmarks/search.py                  # 1,000 and 1,000,000 deals
    python benchmarks/search.py --large 100000   # a first look

Each deal's notes hold a few words of a small vocabulary; "copper" is in about 15% of the deals
and "zirconium" in one. sqlite-utils gets a table of the very words the ledger's index holds (its
title, parties, notes, reasons and sources columns), with ``sqlite-utils enable-fts``; both
commands rank every match with bm25 and print the best 20.
"""

import argparse
import csv
import random
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import BIN, median_time, timed

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
    args = parser.parse_args()
    for row in figures(args.large, args.repeats):
        print(row)


def figures(large: int, repeats: int) -> list[str]:
    rare: dict[int, float] = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="dealtrack-search-") as directory:
        work = Path(directory)
        for size in (1_000, large):
            data, ledger = work / f"deals-{size}.csv", work / f"search-{size}.db"
            write_worded_deals(data, size)
            base = [str(BIN / "dealtrack"), "--db", str(ledger)]
            seconds, _ = timed([*base, "import", str(data)])
            rows.append(f"import of {size:,} deals (with their index): {seconds:.1f} s")
            rare[size] = median_time([*base, "search", RARE, "-f", "json"], repeats)
        ledger, peer = work / f"search-{large}.db", work / "peer.db"
        peer_table(ledger, peer)
        ours = median_time(
            [str(BIN / "dealtrack"), "--db", str(ledger), "search", COMMON, "-f", "json"], repeats
        )
        theirs = median_time(
            [str(BIN / "sqlite-utils"), "search", str(peer), "deals", COMMON, "--limit", "20"],
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
