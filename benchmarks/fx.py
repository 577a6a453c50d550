"""The currency budget: ``report --by status --in USD`` on 1,000,000 deals against 1,000.

    python benchmarks/fx.py                  # 1,000 and 1,000,000 deals
    python benchmarks/fx.py --large 100000   # a first look
    python benchmarks/fx.py --work DIR --reuse   # keep the ledgers, measure them again

The deals are priced in several currencies (USD, EUR, GBP, INR, JPY and AED, which the built-in
rates lack), dated 2000-2025, so most conversions go through EUR at the built-in ECB rates. Each
figure is the median of several runs of the installed ``dealtrack``, beside plain
``report --by status`` on the same ledger.
"""

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import BIN, KINDS, STATUSES, median_time, timed

CURRENCIES = ("USD", "USD", "EUR", "GBP", "INR", "JPY", "AED")


def write_priced_deals(path: Path, count: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["key", "kind", "target", "acquirers", "status", "value", "reported"])
        for n in range(1, count + 1):
            year, month, day = rng.randint(2000, 2025), rng.randint(1, 12), rng.randint(1, 28)
            writer.writerow(
                [
                    f"deal-{n:07d}-x",
                    rng.choice(KINDS),
                    f"Target {n}",
                    f"Acquirer {rng.randint(1, 5000)}",
                    rng.choice(STATUSES),
                    f"{rng.choice(CURRENCIES)} {rng.randint(1, 90000)}m",
                    f"{year}-{month:02d}-{day:02d}",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep the ledgers in this directory")
    parser.add_argument("--reuse", action="store_true", help="measure the ledgers --work holds")
    args = parser.parse_args()
    figures: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="dealtrack-fx-") as directory:
        work = args.work or Path(directory)
        for size in (1_000, args.large):
            data, ledger = work / f"deals-{size}.csv", work / f"fx-{size}.db"
            base = [str(BIN / "dealtrack"), "--db", str(ledger)]
            if not (args.reuse and ledger.exists()):
                for old in work.glob(f"fx-{size}.db*"):
                    old.unlink()
                write_priced_deals(data, size)
                timed([*base, "import", str(data)])
            plain = median_time([*base, "report", "--by", "status"], args.repeats)
            converted = median_time(
                [*base, "report", "--by", "status", "--in", "USD"], args.repeats
            )
            figures[size] = (plain, converted)
    (small_plain, small_in), (big_plain, big_in) = figures[1_000], figures[args.large]
    print(
        f"report --by status --in USD: 1,000 → {args.large:,} deals  "
        f"{small_in * 1000:.0f} ms → {big_in * 1000:.0f} ms "
        f"({big_in / small_in:.2f}×, budget ≤ 3×)"
    )
    print(
        f"report --by status (same ledgers):  "
        f"{small_plain * 1000:.0f} ms → {big_plain * 1000:.0f} ms ({big_plain / small_plain:.2f}×)"
    )


if __name__ == "__main__":
    main()
