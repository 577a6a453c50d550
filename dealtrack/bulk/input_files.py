"""An import's input: which format a file is in, its records, and the plan to read their cells."""

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from dealtrack.bulk import delimited, fields, readers
from dealtrack.bulk.matching import RowError
from dealtrack.bulk.outcomes import Problems
from dealtrack.bulk.rows import ColumnPlan
from dealtrack.errors import DealtrackError
from dealtrack.render import FLAT_FORMATS, OWN_FORMATS


def format_of(path: str, given: str | None) -> str:
    """The format from ``--format``, else from the file's extension (stdin needs ``--format``)."""
    if given is not None:
        return given
    if path == "-":
        raise DealtrackError("reading stdin needs --format csv, tsv, json or jsonl")
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix == "ndjson":
        return "jsonl"
    if suffix not in OWN_FORMATS:
        raise DealtrackError(
            f"cannot tell the format of {path} from its extension; give --format csv, tsv, json or jsonl"
        )
    return suffix


def records_of(
    stream: BinaryIO, fmt: str, columns: ColumnPlan, problems: Problems
) -> tuple[ColumnPlan, Iterator[readers.RawRecord]]:
    """The plan to read the file's records with (a delimited file's, fitted to its header, which
    is checked first), and the records."""
    if fmt in FLAT_FORMATS:
        forms = columns.forms
        given = forms.delimiter or (None if fmt == "csv" else "\t")
        identity = {columns.sources["target"], columns.sources["key"]}
        header, records, delimiter = delimited.read_delimited(stream, given, identity)
        _check_header(header, columns, problems)
        if forms.commas is None and delimiter not in (",", "\t"):
            # A file saved with ';' (or '|') often writes decimal commas: 2,5 is then 2.5, and
            # 2,500 could be either, so it is a row problem until --decimal-comma or
            # --grouping-comma says which.
            columns = replace(columns, forms=replace(forms, commas="ask"))
        return columns.for_header(header), records
    if fmt == "jsonl":
        return columns, readers.checked_records(readers.read_jsonl(stream), None, problems.source)
    kind, records, head = readers.read_json(stream)
    if kind != "array":
        records = readers.checked_records(records, head, problems.source)
    return columns, records


def json_columns(record: dict[str, Any], columns: ColumnPlan) -> dict[str, Any]:
    """A flat JSON record's keys as columns: case-insensitive, unknown ones a row problem."""
    if fields.is_deal_object(record):
        return record
    by_name = {str(name).lower(): value for name, value in record.items()}
    unknown = columns.unknown(list(by_name))
    if unknown:
        raise RowError(
            "row",
            f"unknown {'key' if len(unknown) == 1 else 'keys'} "
            + ", ".join(f'"{c}"' for c in unknown)
            + "; map each to a field with --map FIELD=KEY, or skip it with --ignore KEY "
            "(or all with --ignore-extra)",
        )
    return by_name


def _check_header(header: list[str], columns: ColumnPlan, problems: Problems) -> None:
    """Problems of the header itself, told once rather than on every row: unknown columns, a
    ``--map`` to a column the file lacks, and no column (or ``--set``) that could find or create
    a deal."""
    unknown = columns.unknown(header)
    noun = "column" if len(unknown) == 1 else "columns"
    if unknown:
        problems.add(1, "header", f"unknown {noun} " + ", ".join(f'"{c}"' for c in unknown))
    present = set(header)
    for name, column in columns.sources.items():
        if column != name and column not in present:
            problems.add(1, "header", f'--map {name}={column}: the file has no column "{column}"')
    if not any(columns.sources[f] in present or f in columns.defaults for f in ("target", "key")):
        problems.add(
            1,
            "header",
            "no target or key column, so no row can find or create a deal; map one with "
            "--map target=COLUMN (or key=COLUMN), or give one with --set",
        )
    advice = "--map FIELD=COLUMN, or skip it with --ignore COLUMN (or all with --ignore-extra)"
    if unknown and problems.count == 1:
        raise DealtrackError(
            f"{len(unknown)} unknown {noun} in {problems.source}; map each to a field with {advice}",
            tuple(problems.lines),
        )
    if unknown:
        raise DealtrackError(
            f"{problems.count} problems in {problems.source}; map each unknown column to a field "
            f"with {advice}",
            tuple(problems.lines),
        )
    if problems.count:
        raise problems.error()
