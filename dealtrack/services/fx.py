"""Exchange rates the ledger holds: ``fx set``, ``fx import``, ``fx list``, and the RateBook every
conversion reads (the ledger's rates, then the built-in ECB ones, loaded only when needed)."""

import csv
import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.domain.fx import EURO, OWN_SOURCE, PairRates, RateBook, RateTable
from dealtrack.domain.rate_text import RateError, parse_rate, rate_text
from dealtrack.errors import DealtrackError
from dealtrack.models import FxRate
from dealtrack.money import AmountError, parse_currency

COLUMNS = ("date", "currency", "rate", "base", "source")
MAX_PROBLEMS = 50
Record = dict[str, Any]


@dataclass
class RateCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class NewRate:
    on: datetime.date
    base: str
    currency: str
    rate: str  # exact decimal text
    source: str | None


def check_pair(base: str, currency: str) -> None:
    if base == currency:
        raise DealtrackError(f"a rate needs two currencies; {base} to {base} is always 1")


def store_rate(session: Session, rate: NewRate, counts: RateCounts) -> None:
    """Add the rate, replace the one of its pair and day, or leave an identical one alone."""
    held = session.scalar(
        select(FxRate).where(
            FxRate.on == rate.on, FxRate.base == rate.base, FxRate.currency == rate.currency
        )
    )
    if held is None:
        session.add(FxRate(**_fields(rate)))
        counts.added += 1
    elif (held.rate, held.source) == (rate.rate, rate.source):
        counts.unchanged += 1
    else:
        held.rate, held.source = rate.rate, rate.source
        counts.updated += 1
    session.flush()


def _fields(rate: NewRate) -> dict[str, Any]:
    return {
        "on": rate.on,
        "base": rate.base,
        "currency": rate.currency,
        "rate": rate.rate,
        "source": rate.source,
    }


def set_rate(
    session: Session, base: str, currency: str, rate: Decimal, on: datetime.date, source: str | None
) -> str:
    """``fx set``: 1 ``base`` = ``rate`` ``currency`` on ``on``; says whether it was new."""
    check_pair(base, currency)
    counts = RateCounts()
    store_rate(session, NewRate(on, base, currency, rate_text(rate), source or None), counts)
    if counts.unchanged:
        return "unchanged"
    return "added" if counts.added else "updated"


def _rows_of(path: Path, shown: str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line, fields, problem) of each record of a csv, tsv, json or jsonl file of rates."""
    from dealtrack.bulk.readers import FileProblem, read_json, read_jsonl

    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl"):
        with path.open("rb") as stream:
            try:
                records = read_jsonl(stream) if suffix == ".jsonl" else read_json(stream)[1]
                for record in records:
                    yield record.line, record.fields, record.problem
            except FileProblem as error:
                raise DealtrackError(f"{shown}: {error}") from None
        return
    if suffix not in (".csv", ".tsv", ".txt"):
        raise DealtrackError(
            f"{shown}: cannot tell the format; name it .csv, .tsv, .json or .jsonl"
        )
    with path.open(encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, delimiter="\t" if suffix == ".tsv" else ",")
        header = [cell.strip().lower() for cell in next(reader, [])]
        unknown = [c for c in header if c not in COLUMNS]
        missing = [c for c in ("date", "currency", "rate") if c not in header]
        if unknown or missing:
            words = [f"unknown column {', '.join(unknown)}"] if unknown else []
            words += [f"missing column {', '.join(missing)}"] if missing else []
            raise DealtrackError(
                f"1 problem in {shown}; nothing imported",
                (f"{shown}:1: header: {'; '.join(words)}; the columns are {', '.join(COLUMNS)}",),
            )
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield line, dict(zip(header, cells, strict=False)), None
            line = reader.line_num + 1


def parse_rate_row(fields: Mapping[str, Any]) -> tuple[NewRate | None, list[tuple[str, str]]]:
    """A rate from one record's fields, or the (field, message) problems that keep it out."""
    problems: list[tuple[str, str]] = [
        (name, f"expected text, found {type(value).__name__}")
        for name, value in fields.items()
        if value is not None and not isinstance(value, str)
    ]
    if problems:
        return None, problems

    def text(name: str) -> str:
        return str(fields.get(name) or "").strip()

    on: datetime.date | None = None
    try:
        on = datetime.date.fromisoformat(text("date"))
    except ValueError:
        problems.append(("date", f"'{text('date')}' is not a day; write YYYY-MM-DD"))
    codes = []
    for name, default in (("currency", None), ("base", EURO)):
        try:
            codes.append(parse_currency(text(name) or default or ""))
        except AmountError as error:
            problems.append((name, str(error)))
    try:
        rate = rate_text(parse_rate(text("rate")))
    except RateError as error:
        problems.append(("rate", str(error)))
    if problems or on is None:
        return None, problems
    if on > datetime.date.today():
        return None, [("date", f"{on} is in the future")]
    currency, base = codes
    if currency == base:
        return None, [("currency", f"a rate needs two currencies; {base} to {base} is always 1")]
    return NewRate(on, base, currency, rate, text("source") or None), []


def rate_of_record(fields: Mapping[str, Any]) -> tuple[NewRate | None, list[tuple[str, str]]]:
    """A rate from a record of ``fx import`` or of a ledger document's ``fx_rates`` section (its
    fields the import columns), or the (field, message) problems that keep it out."""
    unknown = [k for k in fields if k not in COLUMNS]
    if unknown:
        return None, [("row", f"unknown field {', '.join(unknown)}")]
    return parse_rate_row(fields)


def import_rates(session: Session, path: Path, shown: str) -> RateCounts:
    """``fx import FILE``: every rate, or (any problem) none, each problem with its line."""
    problems: list[str] = []
    rates: list[NewRate] = []
    for line, fields, problem in _rows_of(path, shown):
        if problem is not None or fields is None:
            problems.append(f"{shown}:{line}: row: {problem}")
            continue
        rate, found = rate_of_record(fields)
        problems += [f"{shown}:{line}: {name}: {message}" for name, message in found]
        if rate is not None:
            rates.append(rate)
    _refuse_if(problems, shown)
    return _store_all(session, rates)


def import_ecb(session: Session, path: Path, shown: str) -> RateCounts:
    """``fx import --ecb FILE``: the ECB's own history file, 1 EUR = rate CUR, source ECB."""
    from dealtrack.fx_data import EcbFileError, ecb_rates

    problems: list[str] = []
    rates: list[NewRate] = []
    try:
        for day, currency, cell, line in ecb_rates(path):
            try:
                rates.append(NewRate(day, EURO, currency, rate_text(parse_rate(cell)), "ECB"))
            except RateError as error:
                problems.append(f"{shown}:{line}: {currency}: {error}")
    except EcbFileError as error:
        raise DealtrackError(str(error).replace(str(path), shown)) from None
    _refuse_if(problems, shown)
    return _store_all(session, rates)


def _refuse_if(problems: list[str], shown: str) -> None:
    if not problems:
        return
    listed = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        listed.append(f"… and {len(problems) - MAX_PROBLEMS} more")
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    raise DealtrackError(f"{count} in {shown}; nothing imported", tuple(listed))


def _store_all(session: Session, rates: Iterable[NewRate]) -> RateCounts:
    """Store many rates with one read of those the ledger holds (an ECB history is 200,000)."""
    counts = RateCounts()
    for outcome in store_rates(session, rates):
        if outcome == "added":
            counts.added += 1
        elif outcome == "unchanged":
            counts.unchanged += 1
        elif outcome == "updated":
            counts.updated += 1
    return counts


def store_rates(session: Session, rates: Iterable[NewRate]) -> list[str]:
    """Store rates as ``fx import`` does (one a pair and day, a later one replacing it), with one
    read of those the ledger holds; each rate's outcome, in order: added, updated, unchanged, or
    "repeat" for a rate whose pair and day an earlier rate of the same batch added."""
    outcomes: list[str] = []
    held = {(r.on, r.base, r.currency): r for r in session.scalars(select(FxRate)).all()}
    new: dict[tuple[datetime.date, str, str], NewRate] = {}
    for rate in rates:
        key = (rate.on, rate.base, rate.currency)
        row = held.get(key)
        if row is None:
            outcomes.append("repeat" if key in new else "added")
            new[key] = rate  # a later row of one file wins
        elif (row.rate, row.source) == (rate.rate, rate.source):
            outcomes.append("unchanged")
        else:
            row.rate, row.source = rate.rate, rate.source
            outcomes.append("updated")
    if new:
        session.execute(FxRate.__table__.insert(), [_fields(r) for r in new.values()])  # type: ignore[attr-defined]
    session.flush()
    return outcomes


def list_rates(
    session: Session,
    currency: str | None,
    since: datetime.date | None,
    until: datetime.date | None,
    built_in: bool = False,
) -> list[Record]:
    """The ledger's own rates (with ``built_in``, the built-in ECB ones too), by date, then
    pair; on one date the ledger's before the built-in ones, as a conversion picks them."""
    query = select(FxRate).order_by(FxRate.on, FxRate.base, FxRate.currency)
    if currency is not None:
        query = query.where((FxRate.base == currency) | (FxRate.currency == currency))
    if since is not None:
        query = query.where(FxRate.on >= since)
    if until is not None:
        query = query.where(FxRate.on <= until)
    own = [(r.on, r.base, r.currency, r.rate, r.source) for r in session.scalars(query)]
    rows = sorted(
        [(on, 0, base, cur, rate, source) for on, base, cur, rate, source in own]
        + (
            [
                (on, 1, base, cur, rate, source)
                for on, base, cur, rate, source in _built_in_rates(currency, since, until)
            ]
            if built_in
            else []
        ),
        key=lambda row: row[:4],
    )
    return [
        {"on": on.isoformat(), "base": base, "currency": cur, "rate": rate, "source": source}
        for on, _, base, cur, rate, source in rows
    ]


def _built_in_rates(
    currency: str | None, since: datetime.date | None, until: datetime.date | None
) -> Iterator[tuple[datetime.date, str, str, str, str]]:
    """The built-in rates of ``currency`` (either way round) within the dates, as listed."""
    import bisect

    from dealtrack.fx_data import built_in_table

    table = built_in_table()
    first = since.toordinal() if since is not None else 0
    last = until.toordinal() if until is not None else datetime.date.max.toordinal()
    for pair in table:
        if currency is not None and currency not in pair:
            continue
        days, rates = table[pair]
        for index in range(bisect.bisect_left(days, first), bisect.bisect_right(days, last)):
            text, source = rates[index]
            day = datetime.date.fromordinal(days[index])
            yield day, pair[0], pair[1], rate_text(Decimal(text)), source


class _LedgerPairs(Mapping[tuple[str, str], PairRates]):
    """The ledger's rates of each pair, read from the database the first time it is asked for."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._read: dict[tuple[str, str], PairRates | None] = {}

    def __getitem__(self, pair: tuple[str, str]) -> PairRates:
        if pair not in self._read:
            rows = self._session.execute(
                select(FxRate.on, FxRate.rate, FxRate.source)
                .where(FxRate.base == pair[0], FxRate.currency == pair[1])
                .order_by(FxRate.on)
            ).all()
            self._read[pair] = (
                ([r.on.toordinal() for r in rows], [(r.rate, r.source or OWN_SOURCE) for r in rows])
                if rows
                else None
            )
        found = self._read[pair]
        if found is None:
            raise KeyError(pair)
        return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(())  # never listed: only looked up

    def __len__(self) -> int:
        return 0


def rate_book(session: Session) -> RateBook:
    """The rates a conversion may use: the ledger's, then the built-in ECB ones (read lazily)."""

    def built_in() -> RateTable:
        from dealtrack.fx_data import built_in_table

        return built_in_table()

    return RateBook(_LedgerPairs(session), built_in)
