"""``import``: read a file, validate every row, match and merge, then write in one transaction.

Nothing is written until every row has been read and checked, so a bad row at line 50,000 leaves
the ledger untouched (atomic by default); ``--skip-invalid`` writes the valid rows instead. Valid
rows wait on disk in a Stage, so memory does not grow with the file.
"""

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from dealtrack.bulk import documents, fields, readers
from dealtrack.bulk.creating import NewDeals, add_party_events
from dealtrack.bulk.matching import Group, Matcher, RowError, required_natural
from dealtrack.bulk.rejects import RejectWriter
from dealtrack.bulk.rows import ColumnPlan, RowProblems, parse_row
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import Stage
from dealtrack.bulk.updating import update_deal
from dealtrack.bulk.writer import BulkWriter
from dealtrack.dates import PartialDate
from dealtrack.db import advance_sequences
from dealtrack.errors import DealtrackError
from dealtrack.models import Deal, Event, Party
from dealtrack.services.ledger import load_deals, recorded_now

SHOWN_PROBLEMS = 50
PROGRESS_EVERY = 10_000
FORMATS = ("csv", "tsv", "json", "jsonl")


@dataclass(frozen=True)
class ImportOptions:
    columns: ColumnPlan
    on_conflict: str = "update"
    skip_invalid: bool = False
    rejects: Path | None = None
    # Called with the number of records read, every PROGRESS_EVERY records, then with -1 when
    # reading is done; the CLI draws a progress line on a terminal.
    progress: Callable[[int], None] | None = None


class Plan:
    """What happens to each deal, ``(add|update|unchanged, key)``, as ``--dry-run`` prints it.

    Kept in a temporary file once it outgrows a megabyte: a million rows plan a million keys.
    """

    def __init__(self) -> None:
        # Lives as long as the result; closed (and deleted) when the result is.
        self.file = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115

    def add(self, outcome: str, key: str) -> None:
        action = {"added": "add", "updated": "update"}.get(outcome, "unchanged")
        self.file.write(f"{action}\t{key}\n")  # keys hold no tab or newline

    def __iter__(self) -> Iterator[tuple[str, str]]:
        self.file.seek(0)
        for line in self.file:
            action, key = line.rstrip("\n").split("\t")
            yield action, key


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    plan: Plan = field(default_factory=Plan)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # what --skip-invalid rejected, and why


class Problems:
    """``FILE:LINE: field: message`` lines: the first 50 kept, the rest counted."""

    def __init__(self, source: str) -> None:
        self.source, self.lines, self.count = source, list[str](), 0
        self.rejected_lines: set[int] = set()

    def add(self, line: int, field_name: str, message: str) -> None:
        self.count += 1
        self.rejected_lines.add(line)
        if len(self.lines) < SHOWN_PROBLEMS:
            self.lines.append(f"{self.source}:{line}: {field_name}: {message}")

    def shown(self) -> list[str]:
        """The lines to print: the first 50 problems, then how many more there were."""
        shown = list(self.lines)
        if self.count > len(shown):
            shown.append(f"… and {self.count - len(shown)} more problems")
        return shown

    def error(self) -> DealtrackError:
        noun = "problem" if self.count == 1 else "problems"
        return DealtrackError(
            f"{self.count} {noun} in {self.source}; nothing imported", tuple(self.shown())
        )


def format_of(path: str, given: str | None) -> str:
    """The format from ``--format``, else from the file's extension (stdin needs ``--format``)."""
    if given is not None:
        return given
    if path == "-":
        raise DealtrackError("reading stdin needs --format csv, tsv, json or jsonl")
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "ndjson":
        return "jsonl"
    if suffix not in FORMATS:
        raise DealtrackError(
            f"cannot tell the format of {path} from its extension; give --format csv, tsv, json or jsonl"
        )
    return suffix


def _records(
    stream: BinaryIO, fmt: str, options: ImportOptions, problems: Problems
) -> Iterator[readers.RawRecord]:
    if fmt in ("csv", "tsv"):
        header, records = readers.read_delimited(stream, "," if fmt == "csv" else "\t")
        unknown = options.columns.unknown(header)
        if unknown:
            listed = ", ".join(f'"{c}"' for c in unknown)
            problems.add(
                1, "header", f"unknown {'column' if len(unknown) == 1 else 'columns'} {listed}"
            )
            noun = "column" if len(unknown) == 1 else "columns"
            raise DealtrackError(
                f"{len(unknown)} unknown {noun} in {problems.source}; map each to a field with "
                "--map FIELD=COLUMN, or skip it with --ignore COLUMN (or all with --ignore-extra)",
                tuple(problems.lines),
            )
        return records
    if fmt == "jsonl":
        return readers.read_jsonl(stream)
    _, records, _ = readers.read_json(stream)
    return records


def import_stream(
    session: Session,
    stream: BinaryIO,
    source: str,
    fmt: str,
    options: ImportOptions,
    today: PartialDate,
) -> ImportResult:
    """Import one file into the ledger of ``session`` (one transaction, committed by the caller)."""
    started = time.monotonic()
    result = ImportResult()
    problems = Problems(source)
    snapshot = Snapshot.load(session)
    matcher = Matcher(snapshot, options.on_conflict)
    rejects = RejectWriter.open(options.rejects, fmt)
    deal_objects = documents.DealObjects(session, snapshot)
    stage = Stage()
    try:
        result.rows = _read(
            stream, source, fmt, options, matcher, stage, deal_objects, problems, rejects, today
        )
        stage.finish_reading()
        opened = _match(stage, matcher, problems, rejects)
        writer = BulkWriter(session.connection())
        new_deals = NewDeals(snapshot, stage, writer, recorded_now())
        first_party, first_deal = snapshot.next_party_id, snapshot.next_deal_id
        _apply(session, matcher, stage, opened, new_deals, result, problems, rejects, today)
        writer.flush()
        if deal_objects.parties or deal_objects.deals:
            snapshot.absorb(session, first_party, first_deal)
        deal_objects.apply(writer, result, problems, rejects)
    finally:
        stage.close()
    if problems.count and not options.skip_invalid:
        raise problems.error()
    session.flush()
    advance_sequences(session, {"party": Party.id, "deal": Deal.id, "event": Event.id})
    result.rejected = len(problems.rejected_lines)
    result.problems = problems.shown()
    if rejects is not None:
        rejects.close()
    result.seconds = time.monotonic() - started
    return result


def _read(
    stream: BinaryIO,
    source: str,
    fmt: str,
    options: ImportOptions,
    matcher: Matcher,
    stage: Stage,
    deal_objects: "documents.DealObjects",
    problems: Problems,
    rejects: "RejectWriter | None",
    today: PartialDate,
) -> int:
    """Check every record, stage the valid rows and collect deal objects; returns the row count."""
    rows = 0
    try:
        for record in _records(stream, fmt, options, problems):
            rows += record.section != "parties" and (record.fields or {}).get("type") not in (
                "party",
                "ledger",
            )
            if (
                fmt in ("json", "jsonl")
                and record.fields is not None
                and record.section != "parties"
            ):
                try:
                    record.fields = _json_columns(record.fields, options)
                except RowError as error:
                    _reject(
                        problems,
                        rejects,
                        record.line,
                        record.fields,
                        [(error.field_name, error.message)],
                    )
                    continue
            _take(record, options, matcher, stage, deal_objects, problems, rejects, today)
            if options.progress and rows % PROGRESS_EVERY == 0:
                options.progress(rows)
    except readers.FileProblem as error:
        raise DealtrackError(f"{source} is not valid {fmt.upper()}: {error}") from None
    if options.progress:
        options.progress(-1)
    return rows


def _json_columns(record: dict[str, Any], options: ImportOptions) -> dict[str, Any]:
    """A flat JSON record's keys as columns: case-insensitive, unknown ones a row problem."""
    if fields.is_deal_object(record):
        return record
    columns = {str(name).lower(): value for name, value in record.items()}
    unknown = options.columns.unknown(list(columns))
    if unknown:
        raise RowError(
            "row",
            f"unknown {'key' if len(unknown) == 1 else 'keys'} "
            + ", ".join(f'"{c}"' for c in unknown)
            + "; map each to a field with --map FIELD=KEY, or skip it with --ignore KEY "
            "(or all with --ignore-extra)",
        )
    return columns


def _take(
    record: readers.RawRecord,
    options: ImportOptions,
    matcher: Matcher,
    stage: Stage,
    deal_objects: "documents.DealObjects",
    problems: Problems,
    rejects: "RejectWriter | None",
    today: PartialDate,
) -> None:
    if record.problem is not None or record.fields is None:
        problems.add(record.line, "row", record.problem or "unreadable")
        if rejects:
            rejects.write(record.fields or {}, record.problem or "unreadable")
        return
    if fields.is_deal_object(record.fields) or record.section == "parties":
        deal_objects.add(record)
        return
    try:
        cells = options.columns.cells(record.fields)
        row = parse_row(record.line, cells, today.start)
        if row.key is None:
            required_natural(row)  # without a key, only the natural key can find its deal
    except RowProblems as error:
        _reject(problems, rejects, record.line, record.fields, error.problems)
        return
    except RowError as error:
        _reject(problems, rejects, record.line, record.fields, [(error.field_name, error.message)])
        return
    stage.add_row(
        row, matcher.file_natural(row), matcher.known(row), record.fields if rejects else None
    )


def _reject(
    problems: Problems,
    rejects: "RejectWriter | None",
    line: int,
    record: Any,
    found: Iterable[tuple[str, str]],
) -> None:
    """List a row's problems, and write the row to ``--rejects`` with them."""
    found = list(found)
    for field_name, message in found:
        problems.add(line, field_name, message)
    if rejects:
        rejects.write(record, "; ".join(f"{f}: {m}" for f, m in found))


def _match(
    stage: Stage,
    matcher: Matcher,
    problems: Problems,
    rejects: "RejectWriter | None",
) -> dict[int, Group]:
    """Group, in file order, the rows that may meet another row or a ledger deal; returns the
    new deals' groups by the staged row that opened each."""
    opened: dict[int, Group] = {}
    for seq, row, record in stage.rows_to_match():
        try:
            group = matcher.add(row)
        except RowError as error:
            _reject(problems, rejects, row.line, record, [(error.field_name, error.message)])
            continue
        if group.deal_id is None and len(group.lines) == 1:
            opened[seq] = group
        if rejects and group.deal_id is not None:
            group.records.append(record)  # checked against the ledger only later
    return opened


def _apply(
    session: Session,
    matcher: Matcher,
    stage: Stage,
    opened: dict[int, Group],
    new_deals: NewDeals,
    result: ImportResult,
    problems: Problems,
    rejects: "RejectWriter | None",
    today: PartialDate,
) -> None:
    """Existing deals first (their new parties flushed before their events), then new deals."""
    existing = [g for g in matcher.groups if g.deal_id is not None]
    by_id = {g.deal_id: g for g in existing}
    with session.no_autoflush:
        for loaded in load_deals(
            session, [g.deal_id for g in existing if not g.skipped and g.deal_id is not None]
        ):
            group = by_id[loaded.deal.id]
            try:
                changed = update_deal(
                    session,
                    matcher,
                    group,
                    loaded,
                    today,
                    new_deals.recorded_at,
                    new_deals.party_id,
                )
            except RowError as error:
                for line in group.lines:
                    problems.add(line, error.field_name, error.message)
                if rejects is not None:
                    for fields in group.records:
                        rejects.write(fields, f"{error.field_name}: {error.message}")
                continue
            _count(result, "updated" if changed else "unchanged", loaded.deal.key, group)
    new_deals.writer.parties.flush()
    session.flush()
    for group in existing:
        if group.skipped:
            _count(result, "unchanged", matcher.key_of(group.deal_id or 0), group)
    first_deal = matcher.snapshot.next_deal_id
    _create(stage, opened, new_deals, result, problems, rejects)
    new_deals.writer.flush()
    add_party_events(session.connection(), first_deal, new_deals.recorded_at)


def _create(
    stage: Stage,
    opened: dict[int, Group],
    new_deals: NewDeals,
    result: ImportResult,
    problems: Problems,
    rejects: "RejectWriter | None",
) -> None:
    """New deals in the order of their first rows: merged groups and rows that met no other."""
    for seq, row, record in stage.rows_in_order():
        if row is None:
            group = opened.get(seq)
            if group is not None:
                _count(result, "added", new_deals.create(group.row), group)
            continue
        try:
            required_natural(row)  # its key named no deal of the ledger or of the file
        except RowError as error:
            _reject(problems, rejects, row.line, record, [(error.field_name, error.message)])
            continue
        _count(result, "added", new_deals.create(row))


def _count(result: ImportResult, outcome: str, key: str, group: Group | None = None) -> None:
    """Each row once: the deal's outcome for its first row, then updated/unchanged per repeat.

    A repeat of a deal the import leaves unchanged is unchanged too, so a re-run reports no updates.
    """
    setattr(result, outcome, getattr(result, outcome) + 1)
    for changed in group.repeats_changed if group is not None else ():
        if changed and outcome != "unchanged":
            result.updated += 1
        else:
            result.unchanged += 1
    result.plan.add(outcome, key)


def summary(result: ImportResult, dry_run: bool) -> str:
    if dry_run:
        return (
            f"Dry run: {result.rows} rows: {result.added} to add, {result.updated} to update, "
            f"{result.unchanged} unchanged, {result.rejected} rejected"
        )
    return (
        f"Imported {result.rows} rows: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.rejected} rejected in {result.seconds:.1f} s"
    )
