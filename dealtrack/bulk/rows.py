"""Flat import rows: the columns, ``--map``/``--set``/``--ignore``, and validation of each row.

A row is checked completely before anything is written, and every problem is reported against its
field, so a user can fix a whole file in one pass.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dealtrack import dates, money, statuses, vocabulary
from dealtrack.names import InvalidName, check_party_name, is_valid_key, name_key

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
UNDISCLOSED = "undisclosed"


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
class ColumnPlan:
    """Where each field is read from, after ``--map``, ``--set`` and ``--ignore``."""

    sources: dict[str, str]  # field → column
    defaults: dict[str, str]  # field → --set value
    ignored: frozenset[str]
    ignore_extra: bool

    def unknown(self, columns: list[str]) -> list[str]:
        used = set(self.sources.values())
        return [
            c
            for c in columns
            if c and c not in used and c not in self.ignored and not self.ignore_extra
        ]

    def cells(self, record: Mapping[str, Any]) -> dict[str, str]:
        cells = dict(self.defaults)
        for name, column in self.sources.items():
            raw = record.get(column)
            if raw is None:
                continue
            text = _text(raw)
            if text.strip() or name not in cells:
                cells[name] = text
        return cells


def _text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        return ";".join(str(item) for item in raw)
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def plan_columns(
    maps: Mapping[str, str], sets: Mapping[str, str], ignore: tuple[str, ...], ignore_extra: bool
) -> ColumnPlan:
    sources = {name: name for name in COLUMNS}
    sources.update({name: column.lower() for name, column in maps.items()})
    return ColumnPlan(sources, dict(sets), frozenset(c.lower() for c in ignore), ignore_extra)


def parse_row(line: int, cells: Mapping[str, str], today: datetime.date) -> FlatRow:
    """Validate one row's cells; raise RowProblems listing every bad field."""
    row = FlatRow(line)
    problems: list[tuple[str, str]] = []

    def check(name: str, convert: Any) -> Any:
        text = cells.get(name, "").strip()
        if not text:
            return None
        if len(text) > money_limit:
            problems.append((name, f"cell is longer than {money_limit:,} characters"))
            return None
        try:
            return convert(text)
        except (ValueError, InvalidName) as error:
            problems.append((name, str(error)))
            return None

    money_limit = 1_000_000
    row.key = check("key", _key)
    row.title = check("title", str)
    row.kind = check("kind", lambda t: vocabulary.parse_term(t, vocabulary.KINDS, "deal kind"))
    row.target = check("target", check_party_name)
    for column, role in PARTY_COLUMNS.items():
        names = check(column, _names)
        if names:
            row.roles[role] = names
    row.status = check("status", statuses.parse_status)
    row.reason = check("reason", str)
    currency = check("currency", money.parse_currency)
    value_text = cells.get("value", "").strip()
    if value_text.lower() == UNDISCLOSED:
        row.value_given = True
    elif value_text:
        row.value = check("value", lambda t: money.parse_amount(t, currency))
        row.value_given = row.value is not None
    row.basis = check("basis", lambda t: vocabulary.parse_term(t, vocabulary.BASES, "basis"))
    row.reported = check("reported", lambda t: dates.parse_effective_date(t, today))
    row.date = check("date", lambda t: dates.parse_effective_date(t, today))
    row.outlet = check("source", str)
    row.url = check("url", str)
    row.attribution = check(
        "attribution", lambda t: vocabulary.parse_term(t, vocabulary.ATTRIBUTIONS, "attribution")
    )
    row.notes = check("notes", str)
    if row.reported and row.date and row.date.start < row.reported.start:
        problems.append(("date", f"{row.date} is before reported ({row.reported})"))
    if problems:
        raise RowProblems(problems)
    return row


def _key(text: str) -> str:
    if not is_valid_key(text):
        raise ValueError(
            f"{text!r} is not a valid key; use lowercase letters and digits joined by '-'"
        )
    return text


def _names(text: str) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for part in text.split(";"):
        if part.strip():
            display = check_party_name(part)
            if name_key(display) not in seen:
                seen.add(name_key(display))
                names.append(display)
    return names
