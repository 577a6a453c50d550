"""Streaming readers for CSV, TSV, JSON and JSON Lines that know each record's starting line.

Text is decoded line by line, so a bad byte is reported with its line instead of failing the file.
JSON arrays and ledger documents are split into top-level records by a small scanner that tracks
strings, nesting and newlines; each record is then parsed on its own, so memory holds one record at
a time and every problem names the physical line where its record starts. A ledger document's
head (what it says it is) is checked before any of its records can be imported.
"""

import contextlib
import csv
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from dealtrack.bulk.text_lines import BadLines, decoded_lines
from dealtrack.domain.json_values import json_type
from dealtrack.errors import DealtrackError

MAX_CELL = 1_000_000  # bytes of text in one cell; larger cells are row errors
MAX_DEPTH = 64
csv.field_size_limit(sys.maxsize)


@dataclass(slots=True)
class RawRecord:
    """One record as read: its starting line, its fields (or None) and a whole-record problem."""

    line: int
    fields: dict[str, Any] | None
    problem: str | None = None
    section: str = "deals"  # for ledger documents: "parties", "links", "fx_rates" or "deals"


class FileProblem(Exception):
    """A problem with the file as a whole (not one record): no header, not a ledger document."""


def read_jsonl(stream: BinaryIO) -> Iterator[RawRecord]:
    bad = BadLines()
    for number, line in enumerate(decoded_lines(stream, bad), start=1):
        if not line.strip():
            continue
        if number in bad:
            yield RawRecord(number, None, bad.problem(number))
            continue
        yield _parsed(number, line.rstrip("\r\n"))  # a record's problems are on its own line


def _parsed(line: int, text: str, section: str = "deals") -> RawRecord:
    try:
        value = json.loads(text)
    except RecursionError:
        return RawRecord(line, None, "JSON nested too deeply", section)
    except json.JSONDecodeError as error:
        return RawRecord(line + error.lineno - 1, None, f"malformed JSON: {error.msg}", section)
    if not isinstance(value, dict):
        return RawRecord(line, None, f"expected a JSON object, found {json_type(value)}", section)
    return RawRecord(line, value, None, section)


# JSON strings cannot hold a raw newline, so every token ends on the line it starts on; tokens
# joined without white space are again valid JSON.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s"{}\[\],:]+|"')


def split_json(
    lines: Iterable[str], bad: BadLines, element_depth: int
) -> tuple[Iterator[RawRecord], list[str]]:
    """Records of the arrays at ``element_depth`` (1: a top-level array; 2: a ledger document).

    Returns the records and, filled as they are read, the tokens of everything else (the
    document's head, with its arrays emptied), so the head can be checked after the records.
    """
    head: list[str] = []

    def records() -> Iterator[RawRecord]:
        stack: list[str] = []
        buffer: list[str] = []
        start, section, number = 0, "deals", 0
        too_deep = False  # the record being read nests deeper than MAX_DEPTH: a row error

        def finish(end: int) -> RawRecord:
            nonlocal buffer, too_deep
            if too_deep:
                record = RawRecord(
                    start, None, f"JSON nested deeper than {MAX_DEPTH} levels", section
                )
            else:
                record = _record(start, buffer, bad, end, section)
            buffer, too_deep = [], False
            return record

        for number, line in enumerate(lines, start=1):
            for match in _TOKEN.finditer(line):
                token = match.group()
                if token == '"':
                    raise FileProblem(f"line {number}: a JSON string does not end on its line")
                level = len(stack)
                in_array = level >= element_depth and stack[element_depth - 1] == "["
                if token in "{[":
                    if level == element_depth and in_array and not buffer:
                        start = number
                    if (
                        level == element_depth - 1
                        and token == "["
                        and len(head) >= 2
                        and head[-1] == ":"
                    ):
                        section = _section(head[-2])
                    stack.append(token)
                    in_record = level >= element_depth and in_array
                    if len(stack) > MAX_DEPTH + element_depth:
                        if not in_record:
                            raise FileProblem(
                                f"line {number}: JSON nested deeper than {MAX_DEPTH} levels"
                            )
                        too_deep = True
                    if not too_deep or not in_record:
                        (buffer if in_record else head).append(token)
                elif token in "}]":
                    if not stack:
                        raise FileProblem(f"line {number}: unexpected {token!r}")
                    stack.pop()
                    if len(stack) >= element_depth and in_array and level > element_depth:
                        if not too_deep:
                            buffer.append(token)
                        if len(stack) == element_depth:
                            yield finish(number)
                    else:
                        if buffer:
                            yield finish(number)
                        head.append(token)
                elif level > element_depth and in_array:
                    if not too_deep:
                        buffer.append(token)
                elif level == element_depth and in_array:
                    if token == ",":
                        if buffer:
                            yield finish(number)
                    else:
                        if not buffer:
                            start = number
                        buffer.append(token)
                else:
                    head.append(token)
        if stack:
            raise FileProblem(f"line {number}: the JSON ends before it is complete")

    return records(), head


def _section(key_token: str) -> str:
    try:
        key = json.loads(key_token)
    except json.JSONDecodeError:
        return "deals"
    return key if isinstance(key, str) else "deals"


def _record(start: int, tokens: list[str], bad: BadLines, end: int, section: str) -> RawRecord:
    if any(start <= n <= end for n in bad if n > 0):
        return RawRecord(start, None, bad.problem(start, near=True), section)
    return _parsed(start, "".join(tokens), section)


def read_json(stream: BinaryIO) -> tuple[str, Iterator[RawRecord], list[str]]:
    """A JSON array of records or a ledger document: (kind, records, head tokens read so far)."""
    bad = BadLines()
    lines = decoded_lines(stream, bad)
    first: list[str] = []
    for line in lines:
        first.append(line)
        if line.strip():
            break
    text = "".join(first).lstrip()
    if not text:
        raise FileProblem("the file is empty; it needs a JSON array or a dealtrack ledger document")
    if text[0] not in "[{":
        raise FileProblem("line 1: expected a JSON array or a dealtrack ledger document")

    def chained() -> Iterator[str]:
        yield from first
        yield from lines

    records, head = split_json(chained(), bad, 1 if text[0] == "[" else 2)
    return ("array" if text[0] == "[" else "document"), records, head


# Ledger document heads: what a document says it is (``format``, ``version``), checked before it is
# imported. Another program's document, or one a newer dealtrack wrote, would otherwise be read as
# records it does not mean; it is refused whole instead, before anything reaches the ledger.

FORMAT = "dealtrack"
VERSIONS = (1, 2)


def header_problem(head: Mapping[str, Any], complete: bool = True) -> str | None:
    """What is wrong with a document's head, to follow the file's name in a message; None for a
    ledger this dealtrack reads. Until the head is ``complete``, a missing field is no problem."""
    if "format" in head or complete:
        given = head.get("format")
        if given is None:
            return (
                f'does not say "format": "{FORMAT}"; it is not a dealtrack ledger; nothing imported'
            )
        if given != FORMAT:
            shown = json.dumps(given, ensure_ascii=False)
            if isinstance(given, str):
                return f"is a {shown} document, not a dealtrack ledger; nothing imported"
            return f'says "format": {shown}; it is not a dealtrack ledger; nothing imported'
    if "version" in head or complete:
        version = head.get("version")
        readable = "this dealtrack reads versions " + " and ".join(map(str, VERSIONS))
        if type(version) is int and version > max(VERSIONS):
            return f"is a dealtrack ledger document of version {version}; {readable} (upgrade dealtrack)"
        if type(version) is not int or version not in VERSIONS:
            shown = (
                "without a version"
                if version is None
                else f"of version {json.dumps(version, ensure_ascii=False)}"
            )
            return f"is a dealtrack ledger document {shown}; {readable}"
    return None


def head_fields(tokens: list[str]) -> dict[str, Any]:
    """The scalar fields of a document's head, from the JSON tokens read of it so far."""
    fields: dict[str, Any] = {}
    depth = 0
    for number, token in enumerate(tokens):
        if token == "{" or token == "[":
            depth += 1
        elif token == "}" or token == "]":
            depth -= 1
        elif token == ":" and depth == 1 and 0 < number < len(tokens) - 1:
            value = tokens[number + 1]
            if value != "{" and value != "[":
                with contextlib.suppress(json.JSONDecodeError):  # reported by the reader
                    fields[json.loads(tokens[number - 1])] = json.loads(value)
    return fields


def checked_records(
    records: Iterator[RawRecord], head: list[str] | None, source: str
) -> Iterator[RawRecord]:
    """The records of a JSON document (``head``: its tokens, filled as records are read) or of
    JSON Lines (``head`` None: a ``{"type": "ledger"}`` line is its head), refused with a
    DealtrackError if they are not a dealtrack ledger this dealtrack reads."""
    if head is not None:
        yield from _document(records, head, source)
        return
    for record in records:
        if record.fields is not None and record.fields.get("type") == "ledger":
            _refuse(header_problem(record.fields), source)
        yield record


def _document(records: Iterator[RawRecord], head: list[str], source: str) -> Iterator[RawRecord]:
    first = True
    for record in records:
        if first:  # what precedes the first record (as export writes it, format and version)
            _refuse(header_problem(head_fields(head), complete=False), source)
            first = False
        yield record
    _refuse(header_problem(head_fields(head)), source)


def _refuse(problem: str | None, source: str) -> None:
    if problem is not None:
        raise DealtrackError(f"{source} {problem}")
