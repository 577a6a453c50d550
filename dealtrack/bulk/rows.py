"""Flat import rows: the columns, ``--map``/``--set``/``--ignore``, and validation of each row.

A row is checked completely before anything is written, and every problem is reported against its
field, so a user can fix a whole file in one pass.
"""

import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from dealtrack import dates, money, statuses, vocabulary
from dealtrack.domain.json_values import json_date_text, json_names, json_text
from dealtrack.domain.parties import role_clashes
from dealtrack.names import InvalidName, check_party_name, checked_key, checked_name, name_key

COLUMNS = (
    "key",
    "title",
    "kind",
    "target",
    "acquirers",
    "sellers",
    "advisers",
    "backers",
    "others",
    "status",
    "reason",
    "value",
    "currency",
    "basis",
    "reported",
    "date",
    "source",
    "url",
    "attribution",
    "notes",
)
PARTY_COLUMNS = {
    "acquirers": "acquirer",
    "sellers": "seller",
    "advisers": "adviser",
    "backers": "backer",
    "others": "other",
}
ROLE_COLUMNS = {role: column for column, role in PARTY_COLUMNS.items()}
UNDISCLOSED = "undisclosed"
FREE_TEXT = frozenset({"title", "reason", "source", "url", "notes"})
MAX_CELL = 1_000_000  # characters; longer cells are row errors


class RowProblems(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(slots=True)
class FlatRow:
    """A validated row. ``None`` means the file says nothing about that field (leave it alone)."""

    line: int
    key: str | None = None
    title: str | None = None
    kind: str | None = None
    target: str | None = None
    roles: dict[str, list[str]] = field(default_factory=dict)  # role → display names
    status: str | None = None
    reason: str | None = None
    value: money.Amount | None = None
    value_given: bool = False  # True with value None means undisclosed
    basis: str | None = None
    reported: dates.PartialDate | None = None
    date: dates.PartialDate | None = None
    outlet: str | None = None
    url: str | None = None
    attribution: str | None = None
    notes: str | None = None

    def merge(self, later: "FlatRow") -> bool:
        """Take every field the later row gives (later wins); True if anything changed."""
        changed = False
        for name in (
            "key",
            "title",
            "kind",
            "target",
            "status",
            "reason",
            "basis",
            "reported",
            "date",
            "outlet",
            "url",
            "attribution",
            "notes",
        ):
            value = getattr(later, name)
            if value is not None and value != getattr(self, name):
                setattr(self, name, value)
                changed = True
        if later.value_given and (not self.value_given or later.value != self.value):
            self.value, self.value_given = later.value, True
            changed = True
        for role, names in later.roles.items():
            if self.roles.get(role) != names:
                self.roles[role] = names
                changed = True
        return changed


@dataclass(frozen=True)
class FileForms:
    """How a file writes its cells: the delimiter of a CSV file (None: a comma, unless its
    header shows another), what a comma in a number is (``commas``, as ``money.parse_amount``
    takes it; None: as the delimiter suggests) and the strftime form of its dates (None:
    dealtrack's own)."""

    delimiter: str | None = None
    commas: str | None = None
    date_format: str | None = None


@dataclass(frozen=True)
class ColumnPlan:
    """Where each field is read from, after ``--map``, ``--set`` and ``--ignore``, and the
    forms its amounts and dates are written in."""

    sources: dict[str, str]  # field → column
    defaults: dict[str, str]  # field → --set value
    ignored: frozenset[str]
    ignore_extra: bool
    forms: FileForms = FileForms()
    # Every cell is text (a delimited file's), so no cell's type needs checking.
    text_only: bool = False
    # Every column is the field of its own name, and nothing is --set: a record is its cells.
    as_read: bool = False

    def unknown(self, columns: list[str]) -> list[str]:
        used = set(self.sources.values())
        return [
            c
            for c in columns
            if c and c not in used and c not in self.ignored and not self.ignore_extra
        ]

    def for_header(self, header: list[str]) -> "ColumnPlan":
        """This plan reading only the fields a delimited file's header has columns for: its
        records all have the same columns, so the others need not be looked for in every row."""
        present = set(header)
        sources = {name: column for name, column in self.sources.items() if column in present}
        as_read = not self.defaults and all(sources.get(column) == column for column in header)
        return replace(self, sources=sources, text_only=True, as_read=as_read)

    def cells(self, record: Mapping[str, Any]) -> dict[str, str]:
        """The record's text by field; a JSON value that is not text where text is due is a
        problem naming the field (CSV cells are always text, and take the first branch)."""
        if self.as_read:  # a delimited record: nothing to rename, add or check
            return cast(dict[str, str], record)
        if not self.defaults:
            found = {
                name: raw
                for name, column in self.sources.items()
                if (raw := record.get(column)) is not None
            }
            if self.text_only or set(map(type, found.values())) == {str}:
                return found
        cells = dict(self.defaults)
        wrong: list[tuple[str, str]] = []
        for name, column in self.sources.items():
            raw = record.get(column)
            if raw is None:
                continue
            if type(raw) is str:
                text = raw
            else:
                try:
                    text = _json_cell(name, raw)
                except ValueError as error:
                    wrong.append((name, str(error)))
                    continue
            if text.strip() or name not in cells:
                cells[name] = text
        if wrong:
            raise RowProblems(wrong)
        return cells


def _json_cell(name: str, raw: Any) -> str:
    """A JSON value as cell text: a party column may be an array of names, and a date an
    integer year; every other field takes a JSON string only."""
    if name in PARTY_COLUMNS and type(raw) is list:
        names = json_names(raw)
        for item in names:
            if ";" in item:  # joined below with ';', it would become two names
                check_party_name(item)
        return ";".join(names)
    if name in ("reported", "date"):
        return json_date_text(raw)
    return json_text(raw)


def plan_columns(
    maps: Mapping[str, str],
    sets: Mapping[str, str],
    ignore: tuple[str, ...],
    ignore_extra: bool,
    forms: FileForms = FileForms(),
) -> ColumnPlan:
    sources = {name: name for name in COLUMNS}
    sources.update({name: column.lower() for name, column in maps.items()})
    ignored = frozenset(c.lower() for c in ignore)
    return ColumnPlan(sources, dict(sets), ignored, ignore_extra, forms)


# Rows repeat the same kinds, statuses, dates and names thousands of times; caching the pure
# parsers turns most of a large import's validation into dictionary lookups. The caches stay
# small: a million distinct values would otherwise hold an import's memory up,
# which must stay flat however large the file.
CACHED = 8192
_cached = functools.lru_cache(maxsize=CACHED)
_kind = _cached(vocabulary.parse_kind)
_basis = _cached(vocabulary.parse_basis)
_attribution = _cached(vocabulary.parse_attribution)
_status = _cached(statuses.parse_status)
_reason_in_word = _cached(statuses.reason_in_word)
_currency = _cached(money.parse_currency)


_party_name = _cached(checked_name)


def parse_row(
    line: int, cells: Mapping[str, str], today: datetime.date, forms: FileForms = FileForms()
) -> FlatRow:
    """Validate one row's cells, its amounts and dates read in ``forms``; raise RowProblems
    listing every bad field."""
    problems: list[tuple[str, str]] = []
    convert = _converters(today, forms.date_format)
    values: dict[str, Any] = {}
    for name, raw in cells.items():
        text = raw.strip()
        if not text:
            continue
        if len(text) > MAX_CELL:
            problems.append((name, f"cell is longer than {MAX_CELL:,} characters"))
        elif name in FREE_TEXT:
            if "\x00" in text:
                # PostgreSQL cannot store NUL in text; refusing it everywhere keeps backends alike.
                problems.append((name, "contains a NUL byte; remove it"))
            else:  # kept as given, like the CLI keeps it, so a raw CSV export round-trips
                values[name] = raw
        else:
            try:
                values[name] = convert[name](text)
            except (ValueError, InvalidName) as error:
                problems.append((name, str(error)))
    # A failure's word ("withdrawn") is its reason when the row gives none.
    if "status" in values and "reason" not in values and (said := _reason_in_word(cells["status"])):
        values["reason"] = said
    value_text, currency = values.pop("value", None), values.pop("currency", None)
    value, value_given = None, False
    if value_text is not None:
        try:
            if value_text.lower() != UNDISCLOSED:
                value = _amount(value_text, currency, forms.commas or "grouping")
            value_given = True
        except ValueError as error:
            problems.append(("value", str(error)))
    roles = {
        role: names for column, role in PARTY_COLUMNS.items() if (names := values.pop(column, None))
    }
    if "source" in values:
        values["outlet"] = values.pop("source")
    row = FlatRow(line, roles=roles, value=value, value_given=value_given, **values)
    if row.reported and row.date and row.date.start < row.reported.start:
        problems.append(("date", f"{row.date} is before reported ({row.reported})"))
    if roles:
        problems.extend(_role_problems(row))
    if problems:
        raise RowProblems(problems)
    return row


def forget_cached() -> None:
    """Empty the parsers' caches: a process that has checked its rows frees them for what it
    does next (an import's matching and updating), so that its peak memory does not hold both."""
    caches: tuple[Any, ...] = (
        _kind, _basis, _attribution, _status, _reason_in_word, _currency, _party_name, _names_of,
        _converters, _effective_date, _amount,
    )  # fmt: skip
    for cached in caches:
        cached.cache_clear()


@functools.lru_cache(maxsize=4)
def _converters(today: datetime.date, date_format: str | None) -> dict[str, Callable[[str], Any]]:
    """Each checked field's parser, the dates' relative to ``today`` and in ``date_format``
    (free text is kept as is)."""
    effective = _effective_date(today, date_format)
    return _CONVERTERS | {"reported": effective, "date": effective}


@functools.lru_cache(maxsize=4)
def _effective_date(
    today: datetime.date, date_format: str | None
) -> Callable[[str], dates.PartialDate]:
    return functools.lru_cache(maxsize=CACHED)(
        lambda text: dates.parse_file_date(text, today, date_format)
    )


@functools.lru_cache(maxsize=CACHED)
def _amount(text: str, currency: str | None, commas: str = "grouping") -> money.Amount:
    """The value cell's amount, in the currency cell's currency unless the value names its own:
    then the two must agree (``$44bn`` beside ``EUR`` is a mistake, not dollars)."""
    amount = money.parse_amount(text, currency, commas)
    if currency is not None and amount.currency != currency:
        raise ValueError(
            f"{vocabulary.quote_input(text)} is in {amount.currency} but the currency column says "
            f"{currency}; make them agree, or leave one of them empty"
        )
    return amount


def _role_problems(row: FlatRow) -> list[tuple[str, str]]:
    """Roles the row's parties cannot combine, by the column to fix (names compared by key)."""
    keys = [name_key(name) for names in row.roles.values() for name in names]  # cached
    if row.target is not None:
        keys.append(name_key(row.target))
    if len(set(keys)) == len(keys):
        return []  # every party named once, as in nearly every row: nothing can clash
    shown: dict[str, str] = {}
    roster: list[tuple[str, str]] = []
    for role, names in row.roles.items():
        for display in names:
            key = name_key(display)
            shown.setdefault(key, display)
            roster.append((role, key))
    target = None if row.target is None else name_key(row.target)
    if target is not None:
        shown[target] = row.target or ""
    clashes = role_clashes(target, roster, shown.__getitem__)
    return [(ROLE_COLUMNS[c.role], c.message) for c in clashes]


@_cached
def _names_of(text: str) -> tuple[str, ...]:
    return tuple(_names(text))


def _names_cell(text: str) -> list[str]:
    return list(_names_of(text))  # a copy: a row's roles are its own to change


def _names(text: str) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for part in text.split(";"):
        if part.strip():
            display = _party_name(part)
            key = name_key(display)
            if key not in seen:
                seen.add(key)
                names.append(display)
    return names


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "key": checked_key,
    "kind": _kind,
    # Uncached: most rows name a target no other row names, and a cache that misses costs
    # more than the check of a plain name (the names cells repeat, and are cached whole).
    "target": checked_name,
    "acquirers": _names_cell,
    "sellers": _names_cell,
    "advisers": _names_cell,
    "backers": _names_cell,
    "others": _names_cell,
    "status": _status,
    "value": str,
    "currency": _currency,
    "basis": _basis,
    "attribution": _attribution,
}
