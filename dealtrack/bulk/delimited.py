"""CSV, TSV and other delimited text, record by record, each with the line it starts on.

The delimiter is given, or a comma unless the header shows ';' or '|' instead. A quote that runs
away (never closed, or closed only after swallowing whole rows) is one problem naming its lines,
never a garbled cell; a cell holding several lines, as a note dealtrack exports may, is no problem.
"""

import csv
import itertools
from collections.abc import Collection, Iterator, Mapping
from typing import Any, BinaryIO

from dealtrack.bulk.readers import FileProblem, RawRecord
from dealtrack.bulk.text_lines import BadLines, decoded_lines

# Delimiters a header line with no comma may show (spreadsheets in many locales save ';').
DETECTED = (";", "|")


def read_delimited(
    stream: BinaryIO, delimiter: str | None, identity: Collection[str] = ()
) -> tuple[list[str], Iterator[RawRecord], str]:
    """The header (lower-cased names), the records and the delimiter of a CSV or TSV file.

    ``delimiter`` None: a comma, unless the header line has none but a ';' or '|'. ``identity``:
    the columns that find or create a deal (target, key), to tell a runaway quote.
    """
    bad, held = BadLines(), list[str]()
    lines = decoded_lines(stream, bad, held)
    first = next(lines, "")
    if "\x00" in first:
        raise FileProblem(
            "its header holds NUL bytes; if it is UTF-16 without a byte-order mark, save it as "
            "UTF-8 (or as UTF-16 with its byte-order mark)"
        )
    if delimiter is None:
        shown = [c for c in DETECTED if c in first]
        delimiter = "," if "," in first or not shown else max(shown, key=first.count)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem("the file is empty; it needs a header line") from None
    except csv.Error as error:
        raise FileProblem(f"the header line is not valid: {error}") from None
    names = [h.strip().lower() for h in header]
    quotes = _Quotes(delimiter, names, identity)
    kind = {",": "CSV", "\t": "TSV"}.get(delimiter, f"{delimiter!r}-separated text")

    def records() -> Iterator[RawRecord]:
        start = reader.line_num + 1
        held.clear()
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield quotes.broken(start, held, f"malformed {kind}: {error}")
                start = reader.line_num + 1
                held.clear()
                continue
            end = reader.line_num
            problem = _encoding_problem(bad, start, end) if bad else None
            runaway = quotes.runaway(start, held) if end > start else None
            if problem is not None:
                yield RawRecord(start, None, problem)
            elif runaway is not None:
                yield RawRecord(start, dict(zip(names, row, strict=False)), runaway)
            elif any(row):
                if len(row) > len(names):
                    yield RawRecord(
                        start, None, f"{len(row)} cells but the header names {len(names)} columns"
                    )
                else:
                    yield RawRecord(start, dict(zip(names, row, strict=False)))
            start = end + 1
            held.clear()

    return names, records(), delimiter


def _encoding_problem(bad: BadLines, first: int, last: int) -> str | None:
    lines = sorted(n for n in bad if first <= n <= last)
    return bad.problem(lines[0]) if lines else None


def physical_lines(fields: Mapping[str, Any]) -> int:
    """How many lines of a delimited file a record read from it spans."""
    return 1 + sum(cell.count("\n") for cell in fields.values() if type(cell) is str)


class _Quotes:
    """Tells a runaway quote (one never closed, or closed only after it has swallowed rows)
    from a cell that holds several lines, as a note written by dealtrack's own export does."""

    def __init__(self, delimiter: str, names: list[str], identity: Collection[str]) -> None:
        self.delimiter, self.width = delimiter, len(names)
        self.identity = [i for i, name in enumerate(names) if name in identity]
        self.names = names

    def runaway(self, start: int, held: list[str], at_end: bool = False) -> str | None:
        """The problem of a record read from ``held`` (its lines from ``start``), if a quote in
        it ran away: still open at the end of the file (``at_end``), or holding two or more
        lines in a row that each read on their own as a row (of 4 or more columns) naming a
        deal's target or key."""
        opened, run, inside = start, 0, False
        for number, line in enumerate(held, start=start):
            within = inside and '"' not in line.replace('""', "")
            run = run + 1 if within and self._reads_as_row(line) else 0
            if run >= 2:
                return self._message(opened, start + len(held) - 1)
            if line.count('"') % 2:
                inside = not inside
                opened = number if inside else opened
        if at_end and inside:
            return self._message(opened, start + len(held) - 1)
        return None

    def broken(self, start: int, held: list[str], problem: str) -> RawRecord:
        """A record the csv module could not read: a runaway quote if it is one."""
        at_end = problem.endswith("unexpected end of data")
        runaway = self.runaway(start, held, at_end)
        if runaway is None:
            return RawRecord(start, None, problem)
        text = "".join(held).rstrip("\r\n")
        cells = next(csv.reader([text], delimiter=self.delimiter), [])
        return RawRecord(start, dict(zip(self.names, cells, strict=False)), runaway)

    def _reads_as_row(self, line: str) -> bool:
        if self.width < 4:
            return False
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=self.delimiter), [])
        return len(cells) == self.width and (
            not self.identity or any(cells[i].strip() for i in self.identity)
        )

    @staticmethod
    def _message(opened: int, end: int) -> str:
        return f"a quote opened on line {opened} runs to line {end}; is a closing quote missing?"
