"""Table and csv/tsv columns for converted values: ``value in CUR`` (marked ≈) beside the value.

A converted figure is an estimate, so a table marks it ``≈`` and rounds it to four significant
digits as it does report totals; csv, tsv and JSON carry it exactly, with its rate, the rate's
date and its source.
"""

from collections.abc import Mapping, Sequence
from decimal import Context, Decimal
from typing import Any

from dealtrack.money import Amount, format_total
from dealtrack.output_columns import (
    DEAL_COLUMNS,
    DEAL_FLAT,
    DEAL_TABLE,
    DEALS,
    REPORT,
    REPORT_COLUMNS,
    REPORT_FLAT,
    REPORT_TABLE,
    View,
    report_rows,
)

Record = Mapping[str, Any]
_FOUR = Context(prec=4)


def _hundredths(text: str) -> int:
    return int(Decimal(text) * 100)


def estimate(value: Record | None) -> str:
    """``≈USD 40.95m``: a converted value as a table shows it ("" when there is none)."""
    if value is None:
        return ""
    high = _hundredths(value["high"]) if value["high"] is not None else None
    amount = Amount(_hundredths(value["amount"]), high, value["currency"])
    return "\u2248" + format_total(amount).lstrip("\u2248")


def shown_rate(rate: str) -> str:
    """A rate as people read it: four significant digits (``0.01365``)."""
    return format(_FOUR.create_decimal(rate).normalize(), "f")


def card_line(value: Record | None, currency: str) -> str:
    """What a deal card adds to its value line: ``≈ USD 40.95m at 0.01365 on 2020-08-31 (ECB)``."""
    if value is None:
        return f"no rate into {currency} near its date"
    text = "\u2248 " + estimate(value).lstrip("\u2248")
    if value["rate_on"] is not None:
        text += f" at {shown_rate(value['rate'])} on {value['rate_on']} ({value['rate_source']})"
    return text


def _part(part: str) -> Any:
    return lambda r: (r.get("value_in") or {}).get(part)


IN_FLAT = ("in_amount", "in_high", "in_currency", "rate", "rate_on", "rate_source")


def deals_view(currency: str) -> View:
    """The deals view with the converted value: a ``value in CUR`` column in tables, and the
    converted amount with its rate in csv and tsv."""
    shown = f"value in {currency}"
    columns = {
        **DEAL_COLUMNS,
        shown: lambda r: estimate(r.get("value_in")),
        "in_amount": _part("amount"),
        "in_high": _part("high"),
        "in_currency": _part("currency"),
        "rate": _part("rate"),
        "rate_on": _part("rate_on"),
        "rate_source": _part("rate_source"),
    }
    at = DEAL_TABLE.index("value") + 1
    table = (*DEAL_TABLE[:at], shown, *DEAL_TABLE[at:])
    flat = (*DEAL_FLAT, *IN_FLAT)
    return View(columns, table, flat, DEALS.table_cells, DEALS.cuttable)


def _unconverted(row: Record) -> str:
    return ", ".join(f"{u['currency']} {u['deals']}" for u in row["unconverted"])


def report_view() -> View:
    """The report view with the deals that had no rate: ``AED 1, INR 2``."""
    columns = {**REPORT_COLUMNS, "unconverted": _unconverted}
    cells = {**REPORT.table_cells, "total": lambda r: estimate(r["value"])}
    return View(columns, (*REPORT_TABLE, "unconverted"), (*REPORT_FLAT, "unconverted"), cells)


def report_rows_in(groups: Sequence[Record]) -> list[dict[str, Any]]:
    rows = []
    for group in groups:
        for row in report_rows([group]):
            rows.append({**row, "unconverted": group["unconverted"]})
    return rows
