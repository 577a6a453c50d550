"""Rows → text in every output format: tabulate's formats, and dealtrack's own csv, tsv, json, jsonl.

Pure functions of their input. JSON keeps the records' key order; csv/tsv use the csv module (never
tabulate's padded tsv) and neutralise text that a spreadsheet would run as a formula.
"""

import csv
import io
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import islice, repeat
from typing import IO, Any

# dealtrack's own formats, which import reads and export writes as well: rows, then documents.
# Every other output format is a table drawn by tabulate, "table" being the default.
FLAT_FORMATS = ("csv", "tsv")
JSON_FORMATS = ("json", "jsonl")
OWN_FORMATS = (*FLAT_FORMATS, *JSON_FORMATS)
TABLE = "table"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def tabulate_formats() -> list[str]:
    from tabulate import tabulate_formats as formats

    return sorted(formats)


def is_known_format(fmt: str) -> bool:
    return fmt in OWN_FORMATS or fmt == TABLE or fmt in tabulate_formats()


def indented_json(data: Any, margin: str = "") -> str:
    """``data`` laid out as by ``json.dumps(indent=2)``, every line after the first indented by
    ``margin`` (to nest it inside a larger document written piece by piece)."""
    parts: list[str] = []
    _indented(data, margin, parts)
    return "".join(parts)


def to_json(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` plus a newline, byte for byte.

    The standard library falls back to its pure-Python encoder whenever ``indent`` is set, which
    made JSON the slowest part of ``list -f json``; here the containers are laid out in Python
    and every scalar goes through the C encoder.
    """
    return indented_json(data) + "\n"


_STRING = json.encoder.encode_basestring  # the C implementation, as ensure_ascii=False uses
_CONSTANTS = {None: "null", True: "true", False: "false"}


def _scalar(value: Any) -> str:
    if type(value) is str:
        return _STRING(value)
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


_KEYS: dict[str, str] = {}  # a key's JSON text with its ": ", for the few keys records use
_IN_A_LIST = object()  # stands for the key of a list's item


def _key(key: Any) -> str:
    if type(key) is not str:
        # As json.dumps: written as its JSON text, then quoted. Never cached: 0, 0.0 and False
        # are one dict key but three different texts.
        return _STRING(_scalar(key)) + ": "
    text = _KEYS.get(key)
    if text is None:
        text = _KEYS[key] = _STRING(key) + ": "
    return text


def _indented(value: Any, margin: str, out: list[str]) -> None:
    # The hot path of `export` and `list -f json`: strings and nulls, the commonest values, are
    # written in line; containers recurse.
    kind = type(value)
    if kind is not dict and kind is not list and kind is not tuple:
        out.append(_scalar(value))
        return
    if not value:
        out.append("{}" if kind is dict else "[]")
        return
    inner = margin + "  "
    separator = ("{\n" if kind is dict else "[\n") + inner
    items = value.items() if kind is dict else zip(repeat(_IN_A_LIST), value)
    for key, item in items:
        head = separator if key is _IN_A_LIST else separator + _key(key)
        separator = ",\n" + inner
        item_kind = type(item)
        if item_kind is str:
            out.append(head + _STRING(item))
        elif item is None:
            out.append(head + "null")
        elif item_kind is dict or item_kind is list or item_kind is tuple:
            out.append(head)
            _indented(item, inner, out)
        else:
            out.append(head + _scalar(item))
    out.append("\n" + margin + ("}" if kind is dict else "]"))


def to_jsonl(records: Iterable[Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def neutralise(cell: str) -> str:
    """Prefix ``'`` to text a spreadsheet would treat as a formula (``=HYPERLINK(…)``)."""
    if cell.startswith(_FORMULA_START) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


class DelimitedWriter:
    """csv rows with ``\n`` line ends that any csv reader (ours included) can read back.

    With a ``\n`` terminator the csv module leaves a lone ``\r`` unquoted, so rows holding one
    are written fully quoted.
    """

    def __init__(self, out: IO[str], delimiter: str) -> None:
        self.plain = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        self.quoted = csv.writer(
            out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL
        )

    def writerow(self, cells: Sequence[str]) -> None:
        (self.quoted if any("\r" in c for c in cells) else self.plain).writerow(cells)


def to_delimited(
    rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    delimiter: str,
    headers: bool,
    raw: bool = False,
) -> str:
    out = io.StringIO()
    writer = DelimitedWriter(out, delimiter)
    if headers:
        writer.writerow(fields)
    for row in rows:
        cells = [_cell(row.get(f)) for f in fields]
        writer.writerow(cells if raw else [neutralise(c) for c in cells])
    return out.getvalue()


# Table formats whose rows are one line each with nothing after the last: such a table can be
# written page by page, its column widths set by the first page.
STREAMED_TABLES = frozenset(
    {"github", "jira", "moinmoin", "orgtbl", "pipe", "plain", "presto", "simple", "textile", "tsv"}
    | {"youtrack"}
)
FIRST_PAGE = 1000  # rows that set a streamed table's column widths
PAGE = 500
ELLIPSIS = "\u2026"


def table_pages(
    rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    headers: bool,
    width: int | None = None,
    cuttable: Collection[str] = (),
) -> Iterator[str]:
    """A table's text in pages, so that a long one starts at once and ``| head`` ends it early.

    The first FIRST_PAGE rows set the column widths (a later, wider cell pushes its row out of
    line rather than hold every row back). With ``width`` (a terminal's), the widest columns
    named in ``cuttable`` are cut with an ellipsis until the table fits, never below their header;
    the other columns (keys, statuses, money) are never cut. Formats with a closing line are
    drawn whole.
    """
    from tabulate import tabulate

    # Without headers the default table drops its rules too, so rows can be piped (like `gh`).
    tablefmt = ("simple" if headers else "plain") if fmt == TABLE else fmt
    titles = list(fields) if headers else []
    cells = ([_cell(row.get(f)) for f in fields] for row in rows)
    streamed = tablefmt in STREAMED_TABLES
    first = list(islice(cells, FIRST_PAGE)) if streamed else list(cells)
    limits = _limits(first, titles, tablefmt, width, [f in cuttable for f in fields])
    first = [_cut_row(row, limits) for row in first]
    text = tabulate(first, headers=titles, tablefmt=tablefmt, disable_numparse=True)
    yield text + "\n" if text else ""
    if not streamed or not first:
        return
    # Each later page is drawn behind a row as wide as the first page's widest cells, then that
    # row and the headers are dropped: tabulate lays it out exactly as the first page.
    widest = ["x" * max(_width(row[n]) for row in first) for n in range(len(fields))]
    header = tabulate([], headers=titles, tablefmt=tablefmt, disable_numparse=True)
    skip = len(header.splitlines()) + 1 if titles else 1
    while page := list(islice(cells, PAGE)):
        body = [widest] + [_cut_row(row, limits) for row in page]
        text = tabulate(body, headers=titles, tablefmt=tablefmt, disable_numparse=True)
        yield "\n".join(text.splitlines()[skip:]) + "\n"


def _width(cell: str) -> int:
    return max((len(line) for line in cell.splitlines()), default=0)


def _cut(cell: str, limit: int | None) -> str:
    if limit is None or _width(cell) <= limit:
        return cell
    return "\n".join(
        line if len(line) <= limit else line[: limit - 1] + ELLIPSIS for line in cell.splitlines()
    )


def _cut_row(row: list[str], limits: Sequence[int | None]) -> list[str]:
    return [_cut(cell, limit) for cell, limit in zip(row, limits, strict=True)]


def _limits(
    rows: list[list[str]],
    titles: list[str],
    tablefmt: str,
    width: int | None,
    cuttable: list[bool],
) -> list[int | None]:
    """How wide each column may be for the table to fit ``width``: the widest cuttable columns
    are narrowed to one limit together (never below their title, or 3), the others left alone."""
    from tabulate import MIN_PADDING, tabulate

    limits: list[int | None] = [None] * len(cuttable)
    if width is None or not rows or not any(cuttable):
        return limits
    widths = [max(_width(row[n]) for row in rows) for n in range(len(cuttable))]
    drawn = tabulate(rows, headers=titles, tablefmt=tablefmt, disable_numparse=True)
    excess = max(map(len, drawn.splitlines())) - width
    if excess <= 0:
        return limits
    # tabulate draws a column at least as wide as its header and two spaces: cutting a cell
    # below that frees nothing.
    padding = 0 if tablefmt == "pretty" else MIN_PADDING
    floors = [max(len(titles[n]) + padding if titles else 0, 3) for n in range(len(cuttable))]
    limit = max(w for w, cut in zip(widths, cuttable, strict=True) if cut)
    # Lower one limit over every cuttable column until the cells above it free enough room.
    while limit > 0:
        freed = sum(
            w - max(limit, floor)
            for w, floor, cut in zip(widths, floors, cuttable, strict=True)
            if cut and w > max(limit, floor)
        )
        if freed >= excess:
            break
        limit -= 1
    for n, cut in enumerate(cuttable):
        if cut and widths[n] > max(limit, floors[n]):
            limits[n] = max(limit, floors[n])
    return limits


def is_table(fmt: str) -> bool:
    """Whether ``fmt`` draws a table for people (the default or a tabulate format)."""
    return fmt not in OWN_FORMATS


def render_rows(
    rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    headers: bool,
    width: int | None = None,
    cuttable: Collection[str] = (),
) -> str:
    """Flat rows in any flat format (tables, csv, tsv)."""
    return "".join(row_pages(rows, fields, fmt, headers, width, cuttable))


def row_pages(
    rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    headers: bool,
    width: int | None = None,
    cuttable: Collection[str] = (),
) -> Iterator[str]:
    """``render_rows``'s text in pages, written as the rows come. Only tables for a terminal
    (``width``) are cut to fit; csv and tsv never are."""
    if fmt in FLAT_FORMATS:
        delimiter = "," if fmt == "csv" else "\t"
        iterator = iter(rows)
        yield to_delimited(islice(iterator, PAGE), fields, delimiter, headers)
        while page := list(islice(iterator, PAGE)):
            yield to_delimited(page, fields, delimiter, False)
        return
    yield from table_pages(rows, fields, fmt, headers, width, cuttable)


def json_pages(records: Iterable[Any]) -> Iterator[str]:
    """``to_json(list(records))``'s text, byte for byte, a record at a time."""
    opened = False
    for record in records:
        yield ("[\n  " if not opened else ",\n  ") + indented_json(record, "  ")
        opened = True
    yield "\n]\n" if opened else "[]\n"


def jsonl_pages(records: Iterable[Any]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
