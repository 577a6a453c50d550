"""Reading commands: list, show, history, report. Data on stdout, notes on stderr."""

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import click

from dealtrack.cli import types
from dealtrack.cli.completion import complete_deal
from dealtrack.cli.options import (
    check_fields,
    filter_options,
    filters_from,
    into_from,
    into_options,
    output_options,
)
from dealtrack.cli.transactions import emit, emit_pages, note_if_empty, run, terminal_width
from dealtrack.render import JSON_FORMATS, OWN_FORMATS
from dealtrack.vocabulary import LIST_SORTS, REPORT_GROUPINGS, REPORT_SORTS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dealtrack.services.parties import Notices


def render_records(
    records: Iterable[dict[str, Any]],
    view_name: Any,
    fmt: str,
    fields: Any,
    headers: bool,
    json_data: Any = None,
    what: str = "deals",
) -> None:
    """Records in the chosen format, written as they come: JSON as documented, flat formats
    through the view's columns (tables on a terminal cut to its width)."""
    from dealtrack import output_columns, render

    if fmt == "json":
        if json_data is not None:
            emit(render.to_json(json_data))
        else:
            emit_pages(render.json_pages(records))
        return
    if fmt == "jsonl":
        emit_pages(render.jsonl_pages(records))
        return
    view: output_columns.View = (
        getattr(output_columns, view_name) if isinstance(view_name, str) else view_name
    )
    check_fields(fields, list(view.columns))
    chosen = view.fields(fmt, fields)
    found = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal found
        for record in records:
            found += 1
            yield view.flatten(record, chosen, fmt)

    width = terminal_width()
    emit_pages(render.row_pages(rows(), chosen, fmt, headers, width, view.cuttable))
    note_if_empty(fmt, found, what)


@click.command("list")
@filter_options
@click.option(
    "--sort",
    type=click.Choice(LIST_SORTS),
    default="id",
    show_default=True,
)
@click.option("--desc", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=0), help="At most N deals.")
@into_options
@output_options
def list_(
    sort: str,
    desc: bool,
    limit: int | None,
    into: str | None,
    fx_on: Any,
    fmt: str,
    fields: Any,
    no_headers: bool,
    **options: Any,
) -> None:
    """List deals, filtered and sorted.

    \b
    Example:
      dealtrack list --status failed --party ByteDance --sort value --desc -f json
    """
    from dealtrack.records import list_deals

    filters = filters_from(options)
    headers = not no_headers
    conversion = into_from(into, fx_on, filters)
    if conversion is not None:
        from dealtrack.fx_columns import deals_view
        from dealtrack.fx_values import list_deals_in

        view = deals_view(conversion.currency)
        run(
            False,
            lambda s, n: render_records(
                list_deals_in(s, filters, n, conversion, sort, desc, limit),
                view,
                fmt,
                fields,
                headers,
            ),
        )
        return
    run(
        False,
        lambda s, n: render_records(
            list_deals(s, filters, n, sort, desc, limit), "DEALS", fmt, fields, headers
        ),
    )


@click.command()
@click.argument("deal", shell_complete=complete_deal)
@click.option("--as-of", type=types.DATE, help="State in force on this date's last day.")
@into_options
@output_options
def show(
    deal: str, as_of: Any, into: str | None, fx_on: Any, fmt: str, fields: Any, no_headers: bool
) -> None:
    """Show DEAL's card: parties, status, value, history and rival deals.

    \b
    Example:
      dealtrack show tiktok-india-glance-digital-experience
    """
    from dealtrack.cli.cards import deal_card
    from dealtrack.queries import Filters
    from dealtrack.records import show_deal

    conversion = into_from(into, fx_on, Filters())
    view: Any = "DEALS"
    if conversion is not None:
        from dealtrack.fx_columns import deals_view
        from dealtrack.fx_values import converted_records

        view = deals_view(conversion.currency)

        def shown(s: "Session", n: "Notices") -> dict[str, Any]:
            return next(converted_records(s, [show_deal(s, deal, as_of)], conversion, as_of))

        record = run(False, shown)
    else:
        record = run(False, lambda s, n: show_deal(s, deal, as_of))
    if fmt in OWN_FORMATS or fields:
        render_records([record], view, fmt, fields, not no_headers, json_data=record)
    else:
        emit(deal_card(record, fmt, terminal_width(), into))


@click.command()
@click.argument("deal", required=False, shell_complete=complete_deal)
@filter_options
@output_options
def history(deal: str | None, fmt: str, fields: Any, no_headers: bool, **options: Any) -> None:
    """Show DEAL's events, or with no DEAL the ledger-wide feed (newest last).

    For history, --since and --until bound the events' dates.

    \b
    Example:
      dealtrack history --since 2021-02 --party ByteDance
    """
    from dealtrack.records import history as events_of

    filters = filters_from(options)
    marked = fmt not in OWN_FORMATS  # a table marks a voided event's type "(void)"

    def stream(session: "Session", notices: "Notices") -> None:
        events = events_of(session, deal, filters, notices)
        records = ({**e, "voided": True} if voided and marked else e for e, voided in events)
        render_records(records, "EVENTS", fmt, fields, not no_headers, what="events")

    run(False, stream)


@click.command()
@click.option(
    "--by",
    type=click.Choice(REPORT_GROUPINGS),
    default="status",
    show_default=True,
)
@filter_options
@click.option(
    "--sort",
    type=click.Choice(REPORT_SORTS),
    help="Order groups by deal count or total value.",
)
@click.option("--limit", type=click.IntRange(min=0), help="At most N groups.")
@into_options
@output_options
def report(
    by: str,
    sort: str | None,
    limit: int | None,
    into: str | None,
    fx_on: Any,
    fmt: str,
    fields: Any,
    no_headers: bool,
    **options: Any,
) -> None:
    """Count deals and total their values by group, one total per currency.

    Rival bids for one target (acquisitions, mergers or asset sales whose lives overlap) count
    once in a total, at their largest value; "folded" says how many deals were left out.

    \b
    Example:
      dealtrack report --by acquirer --currency USD --sort value --limit 10
    """
    from dealtrack.output_columns import REPORT_TABLE, report_fields, report_rows
    from dealtrack.reports import build_report

    filters = filters_from(options)
    conversion = into_from(into, fx_on, filters)
    if conversion is not None:
        from dealtrack.fx_columns import report_rows_in, report_view
        from dealtrack.fx_reports import build_report_in

        converted = run(
            False, lambda s, n: build_report_in(s, by, filters, n, conversion, sort, limit)
        )
        view = report_view()
        if fmt in JSON_FORMATS:
            render_records(converted, view, fmt, fields, not no_headers)
        else:
            rows = report_rows_in(converted)
            render_records(
                rows, view, fmt, report_fields(rows, fmt, fields, view.table), not no_headers
            )
        return
    groups = run(False, lambda s, n: build_report(s, by, filters, n, sort, limit))
    if fmt in JSON_FORMATS:
        render_records(groups, "REPORT", fmt, fields, not no_headers)
    else:
        rows = report_rows(groups)
        table = report_fields(rows, fmt, fields, REPORT_TABLE)
        render_records(rows, "REPORT", fmt, table, not no_headers)


COMMANDS = (list_, show, history, report)
