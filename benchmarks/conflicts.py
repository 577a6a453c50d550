"""The conflicts budget: ``conflicts DEAL`` and ``conflicts --status in-negotiation --limit 20``
on a ledger of 1,000,000 deals and 1,000,000 links take at most 3× their time on 1,000 and 1,000.

The ledgers are written row by row with ``executemany`` into the schema dealtrack creates (an
import of a million deals and links would measure the import, not the query). Their shape is
the same at both sizes, as markets are: companies fall into sectors of 500, deals are struck
within a sector, a few holding companies own units, and funds (one for every 250 links) each back
250 companies of one sector, so a company has the same number of backers, and a deal the same
chance of a conflict, in the small ledger and in the large one.

    python benchmarks/conflicts.py [--quick]    # alone; benchmarks/run.py calls ``scaling``
"""

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from dealtrack.names import name_key

BIN = Path(sys.executable).parent
SECTOR = 500
FAN_OUT = 250
STATUSES = ("rumored", "in-negotiation", "agreed", "completed", "failed")
KINDS = ("acquisition", "merger", "asset-sale", "stake", "investment")
ADVISERS = 300
RECORDED = "2025-01-01T00:00:00.000000Z"


def _empty_ledger(path: Path) -> sqlite3.Connection:
    """A ledger with dealtrack's schema and nothing in it."""
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    subprocess.run(
        [str(BIN / "dealtrack"), "--db", str(path), "party", "add", "Seed"],
        check=True,
        capture_output=True,
    )
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("DELETE FROM party")
    connection.execute("BEGIN")
    return connection


def _insert(connection: sqlite3.Connection, table: str, rows: Iterator[dict[str, object]]) -> None:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 50_000:
            _write(connection, table, batch)
            batch = []
    if batch:
        _write(connection, table, batch)


def _write(connection: sqlite3.Connection, table: str, rows: list[dict[str, object]]) -> None:
    columns = list(rows[0])
    marks = ", ".join(f":{c}" for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def build(path: Path, deals: int, links: int, seed: int = 11) -> str:
    """Write the ledger; return the key of the deal ``conflicts DEAL`` asks about: the first
    in-negotiation deal past the middle of the ledger in which a fund backs both sides."""
    rng = random.Random(seed)
    companies = deals * 3 // 2
    sectors = max(1, companies // SECTOR)
    funds = max(1, links // FAN_OUT)
    connection = _empty_ledger(path)

    def party(pid: int, name: str, kind: str, parent: int | None) -> dict[str, object]:
        return {
            "id": pid, "name": name, "name_key": name_key(name), "kind": kind,
            "country": None, "parent_id": parent,
        }  # fmt: skip

    def company_id(sector: int, n: int) -> int:
        return 1 + sector * SECTOR + n

    first_fund = companies + 1
    first_adviser = first_fund + funds
    parents = {
        company_id(s, n): company_id(s, rng.randrange(n))
        for s in range(sectors)
        for n in range(1, SECTOR)
        if rng.random() < 0.05
    }
    _insert(
        connection,
        "party",
        (
            party(pid, f"Company {pid}", "company", parents.get(pid))
            for pid in range(1, sectors * SECTOR + 1)
        ),
    )
    _insert(
        connection,
        "party",
        (party(first_fund + f, f"Fund {f}", "fund", None) for f in range(funds)),
    )
    _insert(
        connection,
        "party",
        (party(first_adviser + a, f"Adviser {a}", "company", None) for a in range(ADVISERS)),
    )
    link_rows: list[tuple[int, int, int]] = []  # (event id, fund, company)
    event_id = 0
    for f in range(funds):
        sector = f % sectors
        for n in rng.sample(range(SECTOR), min(FAN_OUT, SECTOR)):
            if len(link_rows) == links:
                break
            event_id += 1
            link_rows.append((event_id, first_fund + f, company_id(sector, n)))
    _insert(
        connection,
        "event",
        (
            {
                "id": eid, "deal_id": None, "type": "link", "on": None, "on_precision": None,
                "recorded_at": RECORDED, "party_id": company, "holder_id": fund,
                "link_kind": "backs", "voided": 0,
            }
            for eid, fund, company in link_rows
        ),
    )  # fmt: skip
    _insert(
        connection,
        "link",
        (
            {"id": eid, "holder_id": fund, "kind": "backs", "party_id": company}
            for eid, fund, company in link_rows
        ),
    )
    _deals(connection, rng, deals, sectors, first_adviser, event_id)
    chosen = chosen_deal(connection, deals)
    connection.execute("COMMIT")
    connection.close()
    return chosen


def _deals(
    connection: sqlite3.Connection,
    rng: random.Random,
    deals: int,
    sectors: int,
    first_adviser: int,
    last_event: int,
) -> None:
    rows, participants, events = [], [], []
    for n in range(1, deals + 1):
        sector = rng.randrange(sectors)
        target, acquirer, seller = (1 + sector * SECTOR + k for k in rng.sample(range(SECTOR), 3))
        adviser = first_adviser + rng.randrange(ADVISERS)
        status = rng.choice(STATUSES)
        day = f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        key = f"deal-{n:07d}"
        rows.append(
            {
                "id": n, "key": key, "title": f"Deal {n}", "kind": rng.choice(KINDS),
                "target_id": target, "status": status, "reported": day,
                "reported_precision": "day", "updated": day, "updated_precision": "day",
            }
        )  # fmt: skip
        roster = ((acquirer, "acquirer"), (seller, "seller"), (adviser, "adviser"))
        participants += [{"deal_id": n, "party_id": p, "role": r} for p, r in roster]
        parties = f'[[{target},"target"],' + ",".join(f'[{p},"{r}"]' for p, r in roster) + "]"
        events.append(
            {
                "id": last_event + n, "deal_id": n, "type": "created", "on": day,
                "on_precision": "day", "recorded_at": RECORDED, "status": status,
                "voided": 0, "parties": parties,
            }
        )  # fmt: skip
        if len(rows) == 50_000:
            _flush(connection, rows, participants, events)
            rows, participants, events = [], [], []
    _flush(connection, rows, participants, events)


def chosen_deal(connection: sqlite3.Connection, deals: int) -> str:
    """The first in-negotiation deal past the middle of the ledger whose acquirer is backed by
    a fund that backs its target or seller too."""
    row = connection.execute(
        "SELECT d.key FROM deal d JOIN participant a ON a.deal_id = d.id AND a.role = 'acquirer' "
        "JOIN link la ON la.party_id = a.party_id WHERE d.id > ? AND d.status = 'in-negotiation' "
        "AND EXISTS (SELECT 1 FROM link ls WHERE ls.holder_id = la.holder_id AND "
        "(ls.party_id = d.target_id OR ls.party_id IN (SELECT s.party_id FROM participant s "
        "WHERE s.deal_id = d.id AND s.role = 'seller'))) ORDER BY d.id LIMIT 1",
        (deals // 2,),
    ).fetchone()
    if row is None:
        raise SystemExit("no deal with a conflict was generated; change the seed")
    return str(row[0])


def _flush(
    connection: sqlite3.Connection,
    rows: list[dict[str, object]],
    participants: list[dict[str, object]],
    events: list[dict[str, object]],
) -> None:
    for table, batch in (("deal", rows), ("participant", participants), ("event", events)):
        if batch:
            _write(connection, table, batch)


def _median(command: Sequence[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scaling(
    work: Path, small: int, large: int, repeats: int, reuse: bool = False
) -> list[tuple[str, str]]:
    """The two conflicts commands' times on ``small`` and ``large`` deals (as many links)."""
    figures: dict[int, dict[str, float]] = {}
    for size in (small, large):
        ledger = work / f"conflicts-{size}.db"
        started = time.perf_counter()
        if reuse and ledger.exists():
            with sqlite3.connect(ledger) as connection:
                key = chosen_deal(connection, size)
        else:
            key = build(ledger, size, size)
        built = time.perf_counter() - started
        base = [str(BIN / "dealtrack"), "--db", str(ledger), "conflicts"]
        figures[size] = {
            "build": built,
            "deal": _median([*base, key], repeats),
            "filtered": _median([*base, "--status", "in-negotiation", "--limit", "20"], repeats),
        }
    rows = []
    for name, label in (
        ("deal", "conflicts DEAL"),
        ("filtered", "conflicts --status in-negotiation --limit 20"),
    ):
        s, big = figures[small][name], figures[large][name]
        rows.append(
            (
                f"{label}: {small:,} → {large:,} deals and links",
                f"{s * 1000:.0f} ms → {big * 1000:.0f} ms ({big / s:.2f}×, budget ≤ 3×)",
            )
        )
    built = figures[large]["build"]
    rows.append((f"(writing the {large:,}-deal ledger took", f"{built:.0f} s)"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 deals, not 1,000,000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep the ledgers in this directory")
    parser.add_argument("--reuse", action="store_true", help="measure the ledgers --work holds")
    args = parser.parse_args()
    import tempfile

    large = 100_000 if args.quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="dealtrack-bench-") as directory:
        work = args.work or Path(directory)
        rows = scaling(work, 1_000, large, args.repeats, args.reuse)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
