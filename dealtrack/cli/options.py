"""Option families shared by several commands: sources, FILTERS and output formats."""

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from dealtrack.cli import types
from dealtrack.cli.completion import complete_party
from dealtrack.render import OWN_FORMATS, TABLE
from dealtrack.vocabulary import ATTRIBUTIONS

if TYPE_CHECKING:
    from dealtrack.filters import Filters
    from dealtrack.services.deals import Source

F = Callable[..., Any]


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


source_options = _stack(
    click.option("--source", "outlet", metavar="OUTLET", help="Who reported it (e.g. Bloomberg)."),
    click.option("--url", help="Where the report is."),
    click.option(
        "--attribution",
        type=types.ATTRIBUTION,
        help=f"{', '.join(ATTRIBUTIONS[:-1])} or {ATTRIBUTIONS[-1]}.",
    ),
)


def source_from(outlet: str | None, url: str | None, attribution: str | None) -> "Source":
    from dealtrack.services.deals import Source

    return Source(outlet=outlet, url=url, attribution=attribution)


filter_options = _stack(
    click.option(
        "--status",
        "statuses",
        type=types.STATUS,
        multiple=True,
        help="Deals in this status (repeatable).",
    ),
    click.option(
        "--kind",
        "kinds",
        type=types.DEAL_KIND,
        multiple=True,
        help="Deals of this kind (repeatable).",
    ),
    click.option(
        "--party",
        "parties",
        multiple=True,
        metavar="NAME",
        shell_complete=complete_party,
        help="Deals naming this party in any role.",
    ),
    click.option(
        "--acquirer",
        "acquirers",
        multiple=True,
        metavar="NAME",
        shell_complete=complete_party,
        help="Deals with this acquirer.",
    ),
    click.option(
        "--seller",
        "sellers",
        multiple=True,
        metavar="NAME",
        shell_complete=complete_party,
        help="Deals with this seller.",
    ),
    click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="NAME",
        shell_complete=complete_party,
        help="Deals on this target.",
    ),
    click.option("--since", type=types.DATE, help="Reported on or after this date's first day."),
    click.option("--until", type=types.DATE, help="Reported on or before this date's last day."),
    click.option(
        "--updated-since", type=types.DATE, help="Updated on or after this date's first day."
    ),
    click.option(
        "--currency",
        "currencies",
        type=types.CURRENCY,
        multiple=True,
        help="Valued in this currency.",
    ),
    click.option(
        "--min-value", type=types.AMOUNT, help="Value at least this (same currency, or with --in)."
    ),
    click.option(
        "--max-value", type=types.AMOUNT, help="Value at most this (same currency, or with --in)."
    ),
    click.option(
        "--search",
        multiple=True,
        metavar="TEXT",
        help="Words in titles, parties, notes, reasons or sources (as dealtrack search).",
    ),
    click.option(
        "--source",
        "sources",
        multiple=True,
        metavar="OUTLET",
        help="Reported by this outlet: a live event cites it (repeatable).",
    ),
    click.option(
        "--attribution",
        "attributions",
        type=types.ATTRIBUTION,
        multiple=True,
        help="With a live event of this attribution (repeatable).",
    ),
    click.option(
        "--group",
        "groups",
        multiple=True,
        metavar="NAME",
        shell_complete=complete_party,
        help="Deals of this party, its units or a party it controls on their date, in any role.",
    ),
    click.option("--as-of", type=types.DATE, help="State in force on this date's last day."),
)


def filters_from(options: dict[str, Any]) -> "Filters":
    """Build Filters from the options ``filter_options`` added (removing them from ``options``)."""
    from dealtrack.filters import Filters

    low, high = options.get("min_value"), options.get("max_value")
    if low is not None and high is not None and low.currency != high.currency:
        raise click.BadParameter(
            f"--min-value is in {low.currency} but --max-value in {high.currency}; use one currency",
            param_hint="'--max-value'",
        )
    return Filters(**{field.name: options.pop(field.name) for field in dataclasses.fields(Filters)})


output_options = _stack(
    click.option(
        "-f",
        "--format",
        "fmt",
        type=types.FORMAT,
        default=TABLE,
        show_default=True,
        help=f"{', '.join((TABLE, *OWN_FORMATS))}, or any tabulate format (github, grid, psql…).",
    ),
    click.option(
        "--fields", type=types.FIELDS, help="Columns for flat formats, e.g. key,status,value."
    ),
    click.option("--no-headers", is_flag=True, help="Leave out the header row of flat formats."),
)


def check_fields(fields: tuple[str, ...] | None, known: tuple[str, ...] | list[str]) -> None:
    unknown = [f for f in fields or () if f not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown field {', '.join(unknown)}; use some of: {', '.join(known)}",
            param_hint="'--fields'",
        )


class FxOnType(click.ParamType[Any]):
    """``--fx-on``: a date, or ``latest`` for each currency's newest rate."""

    name = "DATE|latest"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.strip().lower() == "latest":
            return "latest"
        return types.DATE.convert(value, param, ctx)


into_options = _stack(
    click.option(
        "--in",
        "into",
        metavar="CUR",
        type=types.CURRENCY,
        help="Also show values converted into CUR, at the rate of each value's date.",
    ),
    click.option(
        "--fx-on",
        type=FxOnType(),
        help="With --in: convert at this date's rates, or 'latest' (each currency's newest).",
    ),
)


def into_from(into: str | None, fx_on: Any, filters: "Filters") -> Any:
    """The ``--in`` conversion, or None; value bounds must then be given in CUR."""
    if into is None:
        if fx_on is not None:
            raise click.UsageError("--fx-on needs --in CUR")
        return None
    from dealtrack.fx_values import Into

    for name, bound in (("--min-value", filters.min_value), ("--max-value", filters.max_value)):
        if bound is not None and bound.currency != into:
            raise click.BadParameter(
                f"{bound.currency} with --in {into}; give the bound in {into}",
                param_hint=f"'{name}'",
            )
    return Into(into, fx_on)
