"""Property: any ledger built through the CLI (deals, links between its parties and its own
exchange rates) survives export → import into an empty ledger.

JSON (and JSON Lines) exports are byte-identical after the round trip; a raw CSV export reaches a
fixed point (export → import into empty → export is identical).
"""

import datetime
import json
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealtrack.cli import dealtrack
from dealtrack.names import name_key

LEGAL = {
    "rumored": ["rumored", "in-negotiation", "agreed", "completed", "failed"],
    "in-negotiation": ["in-negotiation", "agreed", "completed", "failed"],
    "agreed": ["agreed", "completed", "failed"],
    "failed": ["failed", "rumored", "in-negotiation"],
    "completed": [],
}
NAME_CHARS = st.sampled_from(list("abcxyzABCXYZ019 .&-'éßÆØΩЖ日本ü"))
TEXT_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
)


def invoke(db: Path, *args: str) -> Result:
    return CliRunner(catch_exceptions=False).invoke(dealtrack, ["--db", str(db), *args])


def ok(db: Path, *args: str) -> str:
    result = invoke(db, *args)
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


@dataclass
class Step:
    kind: str  # status | value | note | void
    month: int
    detail: str


party_names = (
    st.text(NAME_CHARS, min_size=1, max_size=12)
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: any(c.isalnum() for c in s))
)


class DealSpec(TypedDict):
    """One random deal: what ``add`` records, then the steps that follow it."""

    target: str
    acquirers: list[str]
    sellers: list[str]
    status: str
    value: str | None
    year: int
    note: str | None
    reason: str | None
    steps: list[Step]
    choices: list[int]


@st.composite
def amounts(draw: st.DrawFn) -> str:
    currency = draw(st.sampled_from(["USD", "EUR", "INR", "$", "€"]))
    low = draw(st.integers(1, 9999))
    cents = draw(st.sampled_from(["", ".5", ".25"]))
    scale = draw(st.sampled_from(["", "k", "m", "bn"]))
    if draw(st.booleans()):
        high = low + draw(st.integers(1, 999))
        return f"{currency}{low}{cents}-{high} {scale}".strip()
    return f"{currency} {low}{cents} {scale}".strip()


# A link between two of the ledger's parties (by index): kind, stake, since month, whether it is
# then ended (unlink) and whether its event is voided. Loops are refused, and that is fine.
LinkSpec = tuple[int, int, str, int | None, int | None, bool, bool]


@st.composite
def link_specs(draw: st.DrawFn) -> list[LinkSpec]:
    return draw(
        st.lists(
            st.tuples(
                st.integers(0, 5), st.integers(0, 5), st.sampled_from(["owns", "backs", "leads"]),
                st.one_of(st.none(), st.integers(1, 10000)), st.one_of(st.none(), st.integers(1, 12)),
                st.booleans(), st.booleans(),
            ),
            max_size=4,
        )
    )  # fmt: skip


def record_links(db: Path, names: list[str], links: list[LinkSpec]) -> None:
    for holder, party, kind, stake, month, ended, voided in links:
        args = ["party", "link", f"--{kind}"]
        if stake is not None and kind == "owns":
            args += ["--stake", f"{stake // 100}.{stake % 100:02d}"]
        if month is not None:
            args += ["--on", f"2019-{month:02d}"]
        result = invoke(db, *args, "--", names[holder % len(names)], names[party % len(names)])
        if result.exit_code != 0:
            continue  # a link to itself or a loop of control: refused, nothing recorded
        if ended and month is not None:
            end = ["party", "unlink", f"--{kind}", "--on", "2020-06"]
            invoke(db, *end, "--", names[holder % len(names)], names[party % len(names)])
        if voided:
            event = json.loads(ok(db, "history", "-f", "json"))
            last = max(e["id"] for e in event if e["deal"] is None)
            invoke(db, "void", str(last), "--reason", "mistake")


# A rate the ledger holds: day of 2020, base and currency (indexes into RATE_CURRENCIES), the
# rate as a mantissa of up to 12 digits and a power of ten, its source, and whether ``fx import``
# (a CSV file) records it rather than ``fx set``.
RateSpec = tuple[int, int, int, int, int, str | None, bool]
RATE_CURRENCIES = ["EUR", "USD", "INR", "JPY", "GBP"]


@st.composite
def rate_specs(draw: st.DrawFn) -> list[RateSpec]:
    return draw(
        st.lists(
            st.tuples(
                st.integers(1, 366), st.integers(0, 4), st.integers(0, 4),
                st.integers(1, 999_999_999_999), st.integers(-14, 4),
                st.one_of(st.none(), st.sampled_from(["RBI", "Fed", "Bloomberg, London"])),
                st.booleans(),
            ),
            max_size=5,
        )
    )  # fmt: skip


def record_rates(db: Path, folder: Path, rates: list[RateSpec]) -> None:
    """Each rate by ``fx set`` or ``fx import``; a later rate of a pair and day replaces one."""
    for day, base, currency, mantissa, power, source, imported in rates:
        if base == currency:
            continue
        on = (datetime.date(2020, 1, 1) + datetime.timedelta(days=day - 1)).isoformat()
        rate = format(Decimal(mantissa).scaleb(power).normalize(), "f")
        pair = (RATE_CURRENCIES[base], RATE_CURRENCIES[currency])
        if imported:
            path = folder / "rates.csv"
            path.write_text(
                f'date,base,currency,rate,source\n{on},{pair[0]},{pair[1]},{rate},"{source or ""}"\n',
                encoding="utf-8",
            )
            ok(db, "fx", "import", str(path))
        else:
            extra = ["--source", source] if source else []
            ok(db, "fx", "set", *pair, rate, "--on", on, *extra)


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[str], list[DealSpec]]:
    names = draw(st.lists(party_names, min_size=2, max_size=6, unique_by=name_key))
    deals: list[DealSpec] = []
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(names))
        others = [n for n in names if n != target]
        acquirers = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
        # a party may not be both acquirer and seller of one deal
        free = [n for n in others if n not in acquirers]
        sellers = draw(st.lists(st.sampled_from(free), max_size=1)) if free else []
        status = draw(st.sampled_from(list(LEGAL)))
        steps = []
        for month in sorted(draw(st.lists(st.integers(2, 12), max_size=5))):
            kind = draw(st.sampled_from(["status", "value", "note", "void"]))
            if kind == "value":
                detail = draw(st.one_of(amounts(), st.just("undisclosed")))
            elif kind == "note":
                detail = draw(st.text(TEXT_CHARS, min_size=1, max_size=20).filter(str.strip))
            else:
                detail = ""
            steps.append(Step(kind, month, detail))
        deals.append({
            "target": target, "acquirers": acquirers, "sellers": sellers, "status": status,
            "value": draw(st.one_of(st.none(), amounts())), "year": draw(st.integers(2000, 2020)),
            "note": draw(st.one_of(st.none(), st.text(TEXT_CHARS, min_size=1, max_size=20).filter(str.strip))),
            "reason": draw(st.one_of(st.none(), st.text(TEXT_CHARS, min_size=1, max_size=12).filter(str.strip))),
            "steps": steps, "choices": draw(st.lists(st.integers(0, 4), min_size=5, max_size=5)),
        })  # fmt: skip
    return names, deals


def record(db: Path, names: list[str], deals: list[DealSpec]) -> None:
    for i, name in enumerate(names):
        args = ["party", "add"]
        if i > 0 and i % 2 == 0:
            args += ["--parent", names[0], "--alias", f"{name} alias {i}"]
        ok(db, *args, "--", name)  # names may start with "-"
    for spec in deals:
        year = spec["year"]
        args = [
            "add",
            "--on",
            f"{year}-01",
            "--status",
            str(spec["status"]),
            "--new",
            "--no-create",
        ]
        for name in spec["acquirers"]:
            args += ["--acquirer", name]
        for name in spec["sellers"]:
            args += ["--seller", name]
        if spec["value"]:
            args += ["--value", str(spec["value"])]
        if spec["note"]:
            args += ["--note", str(spec["note"])]
        if spec["reason"]:
            args += ["--reason", str(spec["reason"])]
        key = ok(db, *args, "--", str(spec["target"])).strip()
        status = str(spec["status"])
        for n, step in enumerate(spec["steps"]):
            on = f"{year}-{step.month:02d}"
            if step.kind == "status" and LEGAL[status]:
                status = LEGAL[status][spec["choices"][n % 5] % len(LEGAL[status])]
                invoke(db, "status", key, status, "--on", on)  # a restatement may be a no-op
            elif step.kind == "value":
                how = ["--undisclosed"] if step.detail == "undisclosed" else [step.detail]
                invoke(db, "value", key, *how, "--on", on, "--source", "Wire")
            elif step.kind == "note":
                invoke(db, "note", "--on", on, "--", key, step.detail)
            elif step.kind == "void":
                history = json.loads(ok(db, "history", key, "-f", "json"))
                voidable = [e for e in history if e["type"] in ("value", "note")]
                if voidable:
                    invoke(db, "void", str(voidable[-1]["id"]), "--reason", "mistake")


def round_trip(db: Path, folder: Path, fmt: str, *extra: str) -> tuple[str, str]:
    first = ok(db, "export", "-f", fmt, *extra)
    source = folder / f"export.{fmt}"
    source.write_text(first, encoding="utf-8", newline="")
    copy = folder / f"copy-{fmt}.db"
    ok(copy, "import", str(source))
    return first, ok(copy, "export", "-f", fmt, *extra)


@settings(
    # Each example records a ledger and imports it three times: a tenth of a second or more each.
    max_examples=int(os.environ.get("DEALTRACK_ROUNDTRIP_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledgers(), link_specs(), rate_specs())
def test_random_ledgers_round_trip_through_export_and_import(
    ledger: tuple[list[str], list[DealSpec]], links: list[LinkSpec], rates: list[RateSpec]
) -> None:
    names, deals = ledger
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        db = base / "ledger.db"
        record(db, names, deals)
        record_links(db, names, links)
        record_rates(db, base, rates)
        held = ok(db, "fx", "list", "-f", "json")
        for fmt in ("json", "jsonl"):
            first, second = round_trip(db, base, fmt)
            assert second == first, fmt
            assert ok(base / f"copy-{fmt}.db", "fx", "list", "-f", "json") == held, fmt
        first, second = round_trip(db, base, "csv", "--raw")
        assert second == first
