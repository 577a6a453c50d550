"""``import --links``: links between parties from a CSV, TSV, JSON or JSON Lines file.

Each row is one ``party link``, recorded by the very use case that command calls
(``dealtrack.services.links.link_parties``), so a row is refused for the same reasons (a party
linked to itself, a loop of control) and an identical link is recorded once. Every row is tried in
a savepoint of the one transaction: a refused row leaves no trace, and the next rows still meet
the rows before it. Any problem and nothing is imported, unless ``--skip-invalid``.
"""

import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from dealtrack import dates
from dealtrack.bulk import readers
from dealtrack.bulk.delimited import read_delimited
from dealtrack.bulk.outcomes import ImportResult, Problems
from dealtrack.dates import PartialDate
from dealtrack.domain.json_values import json_date_text, json_text
from dealtrack.domain.links import VERBS, StakeError, parse_stake, stake_problem, until_problem
from dealtrack.errors import DealtrackError, Refused
from dealtrack.names import InvalidName, check_party_name
from dealtrack.render import FLAT_FORMATS
from dealtrack.services.deals import Source
from dealtrack.services.links import LinkChange, link_parties
from dealtrack.services.parties import Notices
from dealtrack.vocabulary import LINK_KINDS, parse_attribution, parse_term

LINK_COLUMNS = (
    "holder", "kind", "party", "stake", "since", "until", "source", "url", "attribution", "note",
)  # fmt: skip
REQUIRED = ("holder", "kind", "party")
_DATES = ("since", "until")
Found = list[tuple[str, str]]  # a row's problems: (field, message)


@dataclass(frozen=True)
class LinkFile:
    """Where the links come from and how to read them."""

    stream: BinaryIO
    source: str  # the path, or <stdin>
    fmt: str  # csv, tsv, json or jsonl
    delimiter: str | None = None
    skip_invalid: bool = False


def import_links(session: Session, file: LinkFile, today: PartialDate) -> ImportResult:
    """Record the file's links in the ledger of ``session`` (committed by the caller)."""
    started = time.monotonic()
    problems, result = Problems(file.source), ImportResult()
    try:
        for record in _records(file, problems):
            result.rows += 1
            _take(session, record, problems, result, today.start)
    except readers.FileProblem as error:
        raise DealtrackError(f"{file.source} is not valid {file.fmt.upper()}: {error}") from None
    if problems.count and not file.skip_invalid:
        raise problems.error()
    result.rejected = result.rejected_lines = len(problems.rejected_lines)
    result.problems = problems.shown()
    result.seconds = time.monotonic() - started
    return result


def _records(file: LinkFile, problems: Problems) -> Iterator[readers.RawRecord]:
    if file.fmt in FLAT_FORMATS:
        given = file.delimiter or (None if file.fmt == "csv" else "\t")
        header, records, _ = read_delimited(file.stream, given, ("holder", "party"))
        _check_header(header, problems)
        return records
    if file.fmt == "jsonl":
        return readers.read_jsonl(file.stream)
    kind, records, _ = readers.read_json(file.stream)
    if kind != "array":
        raise DealtrackError(
            f"{file.source} is a ledger document, not a list of links; import it without --links"
        )
    return records


def _check_header(header: list[str], problems: Problems) -> None:
    """Unknown and missing columns, told once for the file rather than on every row."""
    unknown = [name for name in header if name not in LINK_COLUMNS]
    if unknown:
        noun = "column" if len(unknown) == 1 else "columns"
        shown = ", ".join(f'"{name}"' for name in unknown)
        problems.add(1, "header", f"unknown {noun} {shown}; the columns are {_columns()}")
    for name in REQUIRED:
        if name not in header:
            problems.add(1, "header", f'no "{name}" column; every link needs one')
    if problems.count:
        raise problems.error()


def _columns() -> str:
    return ", ".join(LINK_COLUMNS)


def _take(
    session: Session,
    record: readers.RawRecord,
    problems: Problems,
    result: ImportResult,
    today: datetime.date,
) -> None:
    if record.problem is not None or record.fields is None:
        problems.add(record.line, "row", record.problem or "unreadable")
        return
    cells, found = _cells(record.fields)
    change = _change(cells, found, today) if not found else None
    if change is None:
        problems.reject(record.line, record.fields, found)
        return
    savepoint = session.begin_nested()
    try:
        recorded = link_parties(session, change, True, Notices())
    except Refused as error:
        savepoint.rollback()
        problems.add(record.line, "party", str(error))
        return
    savepoint.commit()
    described = f"{recorded.holder} {change.kind} {recorded.party}"
    result.count("unchanged" if recorded.event_id is None else "added", described)


def _cells(fields: dict[str, Any]) -> tuple[dict[str, str], Found]:
    """A record's cells as text; a JSON record's keys are columns, and its values must be text
    (a date may be a year as a number): nothing else is turned into text."""
    cells: dict[str, str] = {}
    found: Found = []
    for name, value in fields.items():
        column = str(name).strip().lower()
        if column not in LINK_COLUMNS:
            found.append(("row", f'unknown key "{name}"; the keys are {_columns()}'))
            continue
        if value is None or isinstance(value, str):
            cells[column] = (value or "").strip()
            continue
        try:
            cells[column] = (json_date_text if column in _DATES else json_text)(value)
        except ValueError as error:
            found.append((column, str(error)))
    return cells, found


def _change(cells: dict[str, str], found: Found, today: datetime.date) -> LinkChange | None:
    """The link a row's cells give, or None with every problem added to ``found``."""
    names: dict[str, str] = {}
    for column in ("holder", "party"):
        try:
            names[column] = check_party_name(cells.get(column, ""))
        except InvalidName as error:
            found.append((column, "required" if not cells.get(column) else str(error)))
    kind = ""
    try:
        kind = parse_term(cells.get("kind", ""), LINK_KINDS, "link kind")
    except ValueError as error:
        found.append(("kind", str(error) if cells.get("kind") else "required"))
    stake = _stake(cells.get("stake", ""), kind, found)
    since = _date(cells, "since", found, lambda t: dates.parse_effective_date(t, today))
    until = _date(cells, "until", found, lambda t: dates.parse_date(t, today))
    if until is not None:
        problem = until_problem(since, until, ("since", "until"))
        if problem is not None:
            found.append(("until", problem))
    source = _source(cells, found)
    if found or source is None:
        return None
    return LinkChange(
        names["holder"], kind, names["party"], since, stake, until, source,
        cells.get("note") or None,
    )  # fmt: skip


def _stake(text: str, kind: str, found: Found) -> int | None:
    if not text:
        return None
    try:
        stake = parse_stake(text)
    except StakeError as error:
        found.append(("stake", str(error)))
        return None
    if kind in VERBS and (problem := stake_problem(kind, stake)):
        found.append(("stake", problem))
        return None
    return stake


def _date(cells: dict[str, str], column: str, found: Found, parse: Any) -> PartialDate | None:
    text = cells.get(column, "")
    if not text:
        return None
    try:
        parsed: PartialDate = parse(text)
    except dates.DateError as error:
        found.append((column, str(error)))
        return None
    return parsed


def _source(cells: dict[str, str], found: Found) -> Source | None:
    """The row's source, as ``--source``, ``--url`` and ``--attribution`` give one."""
    attribution = cells.get("attribution") or None
    if attribution is not None:
        try:
            attribution = parse_attribution(attribution)
        except ValueError as error:
            found.append(("attribution", str(error)))
            return None
    return Source(cells.get("source") or None, cells.get("url") or None, attribution)
