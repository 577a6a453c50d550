"""Rows → text in every output format: tabulate's formats, and dealtrack's own csv, tsv, json, jsonl.

Pure functions of their input. JSON keeps the records' key order; csv/tsv use the csv module (never
tabulate's padded tsv) and neutralise text that a spreadsheet would run as a formula.
"""

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
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


def to_table(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], fmt: str, headers: bool
) -> str:
    from tabulate import tabulate

    body = [[_cell(row.get(f)) for f in fields] for row in rows]
    # Without headers the default table drops its rules too, so rows can be piped (like `gh`).
    tablefmt = ("simple" if headers else "plain") if fmt == TABLE else fmt
    text = tabulate(
        body, headers=list(fields) if headers else (), tablefmt=tablefmt, disable_numparse=True
    )
    return text + "\n" if text else ""


def is_table(fmt: str) -> bool:
    """Whether ``fmt`` draws a table for people (the default or a tabulate format)."""
    return fmt not in OWN_FORMATS


def render_rows(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], fmt: str, headers: bool
) -> str:
    """Flat rows in any flat format (tables, csv, tsv)."""
    if fmt == "csv":
        return to_delimited(rows, fields, ",", headers)
    if fmt == "tsv":
        return to_delimited(rows, fields, "\t", headers)
    return to_table(rows, fields, fmt, headers)
