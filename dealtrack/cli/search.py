"""``dealtrack search``: deals ranked by relevance, each with the field that matched."""

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from dealtrack.cli.options import filter_options, filters_from, output_options
from dealtrack.cli.transactions import run_read
from dealtrack.render import OWN_FORMATS

if TYPE_CHECKING:
    from dealtrack.search_hits import Hit

BRACKETS = ("[", "]")
BOLD = ("\x1b[1m", "\x1b[0m")
SNIPPET_WIDTH = 60  # characters of the matched field around its first match


def _record(hit: "Hit", marks: tuple[str, str]) -> dict[str, Any]:
    from dealtrack.domain.search import snippet

    shown = snippet(hit.text, hit.spans, marks, SNIPPET_WIDTH) if hit.spans else ""
    return {
        "key": hit.key,
        "title": hit.title,
        "status": hit.status,
        "field": hit.field,
        "snippet": shown,
        "score": hit.score,
    }


def _view() -> Any:
    from dealtrack.output_columns import View

    columns = ("key", "title", "status", "field", "snippet", "score")
    table = ("key", "status", "field", "snippet")
    # The snippet is never cut: a cut could split a mark from its end.
    cells = {column: _cell(column) for column in columns}
    return View(cells, table, columns, cuttable=frozenset({"title"}))


def _cell(column: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda record: record[column]


@click.command()
@click.argument("text")
@filter_options
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most N deals."
)
@output_options
def search(text: str, limit: int, fmt: str, fields: Any, no_headers: bool, **options: Any) -> None:
    """Find deals by the words of their titles, parties, notes, reasons and sources, best first.

    TEXT is words that must all appear (in any case, with or without accents), word* for a
    prefix, "a phrase", -word to leave deals out, and OR between words.

    \b
    Example:
      dealtrack search 'tiktok "reliance jio" OR glance -softbank'
    """
    from dealtrack.cli.reading import render_records
    from dealtrack.services.light_search import DealSearch

    filters = filters_from(options)
    on_terminal = fmt not in OWN_FORMATS and sys.stdout.isatty()
    marks = BOLD if on_terminal else BRACKETS

    def show(hits: list["Hit"]) -> None:
        records = [_record(hit, marks) for hit in hits]
        render_records(records, _view(), fmt, fields, not no_headers)

    run_read(DealSearch(text, filters, limit), show)


COMMANDS = (search,)
