"""``timeline``: each deal's life on one time axis, in the terminal or as an SVG or HTML file."""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dealtrack.cli import types
from dealtrack.cli.options import filter_options, filters_from
from dealtrack.cli.transactions import confirm, run, terminal_width, today

if TYPE_CHECKING:
    from dealtrack.domain.timeline import Chart, DealLife

PIPED_WIDTH = 80  # the width of a chart written to a pipe or a file
_FILE_KINDS = {".svg": "svg", ".html": "html", ".htm": "html"}


def _file_kind(output: Path | None) -> str | None:
    if output is None:
        return None
    kind = _FILE_KINDS.get(output.suffix.lower())
    if kind is None:
        raise click.BadParameter(
            f"{output} is neither .svg nor .html; name the file FILE.svg or FILE.html",
            param_hint="'-o'",
        )
    return kind


@click.command()
@filter_options
@click.option("--from", "first", type=types.DATE, help="Start the axis on this date's first day.")
@click.option("--to", "last", type=types.DATE, help="End the axis on this date's last day.")
@click.option(
    "--width",
    type=click.IntRange(min=40),
    metavar="N",
    help="Characters a line [default: the terminal's width, 80 when piped].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the chart to FILE.svg or FILE.html (0600) instead.",
)
def timeline(first: Any, last: Any, width: int | None, output: Path | None, **options: Any) -> None:
    """Draw each deal's life on a time axis: one row a deal, rival bids together.

    Each status is a segment with a glyph of its own (░ rumored, ▒ in negotiation, ▓ agreed),
    █ marks completion and ✕ failure where the deal ended, ◆ a change of value, and ┆ the start
    of a status whose date is known only to the month or year. The axis runs from the earliest
    report to the latest news, or to today (the --as-of date) while a deal is open; --as-of is
    drawn as a line. Colour only on a terminal and without NO_COLOR.

    \b
    Example:
      dealtrack timeline --target "TikTok India" --as-of 2021-06
    """
    from dealtrack.domain.timeline import build_chart
    from dealtrack.services.timeline import deal_lives

    kind = _file_kind(output)
    if first is not None and last is not None and first.start > last.last_day:
        raise click.UsageError(f"--from {first} is after --to {last}")
    filters = filters_from(options)
    lives: list[DealLife] = run(False, lambda s, n: list(deal_lives(s, filters, n)))
    as_of = filters.as_of.last_day if filters.as_of is not None else None
    now = as_of or today().start

    def chart(columns: int) -> "Chart | None":
        return build_chart(lives, columns, now, as_of, first, last)

    if output is not None and kind is not None:
        _write(output, kind, chart)
        return
    _print(lives, width or terminal_width() or PIPED_WIDTH, chart)


def _print(lives: "list[DealLife]", width: int, chart: Any) -> None:
    from rich.console import Console

    from dealtrack.timeline_text import label_width, print_chart

    label = label_width(width, (life.key for life in lives))
    drawn = chart(max(width - label, 10))
    if drawn is None:
        click.echo("Note: no deals match", err=True)
        return
    plain = os.environ.get("NO_COLOR", "") != ""
    console = Console(
        file=sys.stdout,
        width=width,
        highlight=False,
        color_system=None if plain else "auto",
        legacy_windows=False,
    )
    print_chart(drawn, label, console)


def _write(output: Path, kind: str, chart: Any) -> None:
    from dealtrack.cli.files import write_private_file
    from dealtrack.timeline_svg import CHART_WIDTH, render_html, render_svg

    drawn = chart(CHART_WIDTH)
    if drawn is None:
        click.echo(f"Note: no deals match; nothing written to {output}", err=True)
        return
    text = render_svg(drawn) if kind == "svg" else render_html(drawn)
    write_private_file(output, lambda out: print(text, end="", file=out))
    confirm(f"Wrote the timeline to {output}")


COMMANDS = (timeline,)
