"""The timeline in a terminal: one character a column, drawn with rich.

Every status has a glyph of its own as well as a colour, so the chart still reads with colour
off (``NO_COLOR``, a pipe): ░ rumored, ▒ in negotiation, ▓ agreed, █ completed, ✕ failed.
Imported only by ``dealtrack timeline``: rich is too heavy for the start-up of other commands.
"""

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.text import Text

from dealtrack.domain.timeline import Chart, Row, ticks
from dealtrack.statuses import STATUSES, status_words

GLYPHS = {
    "rumored": "░",
    "in-negotiation": "▒",
    "agreed": "▓",
    "completed": "█",
    "failed": "✕",
    "value": "◆",
}
EDGE = "┆"  # the first column of a status whose start is known only to the month or year
AS_OF = "│"
# The terminal's own sixteen colours: they follow the user's theme, and every terminal has them.
STYLES = {
    "rumored": "bright_black",
    "in-negotiation": "yellow",
    "agreed": "blue",
    "completed": "green",
    "failed": "bold red",
    "value": "bold magenta",
    "as-of": "cyan",
}
INDENT = "  "  # deal rows sit under their target's name

Cell = tuple[str, str | None]


def label_width(width: int, keys: Iterable[str]) -> int:
    """Columns left of the chart: the longest key (indented, a space after) up to 2/5 of the line."""
    longest = max((len(key) for key in keys), default=0)
    return min(len(INDENT) + longest + 1, max(12, width * 2 // 5))


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _row_cells(row: Row, width: int) -> list[Cell]:
    cells: list[Cell] = [(" ", None)] * width
    for segment in row.segments:
        style = STYLES[segment.status]
        for column in range(segment.start, segment.end):
            edge = column < segment.start + segment.edge
            cells[column] = (GLYPHS[segment.status], f"{style} dim" if edge else style)
        if segment.edge:
            cells[segment.start] = (EDGE, STYLES[segment.status])
    for mark in row.marks:
        cells[mark.column] = (GLYPHS[mark.kind], STYLES[mark.kind])
    return cells


def _with_as_of(cells: list[Cell], column: int | None) -> list[Cell]:
    if column is not None and cells[column][0] == " ":
        cells[column] = (AS_OF, STYLES["as-of"])
    return cells


def _text(prefix: str, prefix_style: str | None, cells: Sequence[Cell]) -> Text:
    """One line: the prefix, then the cells in runs of one style, without trailing blanks."""
    cells = list(cells)
    while cells and cells[-1] == (" ", None):
        cells.pop()
    line = Text()
    line.append(prefix.rstrip() if not cells else prefix, prefix_style)
    run, run_style = "", None
    for char, style in cells:
        if style != run_style and run:
            line.append(run, run_style)
            run = ""
        run, run_style = run + char, style
    if run:
        line.append(run, run_style)
    return line


def _axis_lines(chart: Chart, label: int) -> list[Text]:
    width = chart.axis.width
    marks = ticks(chart.axis, gap=2)
    rule: list[Cell] = [("─", None)] * width
    names: list[Cell] = [(" ", None)] * width
    for tick in marks:
        rule[tick.column] = ("┬", None)
        for offset, char in enumerate(tick.label):
            names[tick.column + offset] = (char, None)
    as_of = chart.as_of_column
    if as_of is not None:
        rule[as_of] = ("┼" if rule[as_of][0] == "┬" else "┴", STYLES["as-of"])
    return [_text(" " * label, None, rule), _text(" " * label, None, names)]


def _legend(chart: Chart, width: int) -> list[Text]:
    items: list[tuple[str, str | None, str]] = [
        (GLYPHS[s], STYLES[s], status_words(s)) for s in STATUSES
    ]
    items += [(GLYPHS["value"], STYLES["value"], "value changed")]
    items += [(EDGE, None, "date known only to the month or year")]
    if chart.as_of is not None:
        items += [(AS_OF, STYLES["as-of"], f"as of {chart.as_of.isoformat()}")]
    lines: list[Text] = []
    line = Text()
    for glyph, style, words in items:
        if line.cell_len and line.cell_len + 2 + len(glyph) + 1 + len(words) > width:
            lines.append(line)
            line = Text()
        if line.cell_len:
            line.append("  ")
        line.append(glyph, style)
        line.append(f" {words}")
    return [*lines, line]


def chart_lines(chart: Chart, label: int) -> list[Text]:
    """The chart as lines: each target's name, its deals' rows, the axis, its dates, a legend."""
    width = chart.axis.width
    as_of = chart.as_of_column
    lines: list[Text] = []
    for group in chart.groups:
        name = cut(group.target, label + width)
        blank = _with_as_of([(" ", None)] * width, as_of)
        shown = max(len(name) - label, 0)
        header = _text(name, "bold", [(" ", None)] * (label - len(name)) + blank[shown:])
        lines.append(header)
        for row in group.rows:
            key = cut(row.life.key, label - len(INDENT) - 1).ljust(label - len(INDENT))
            lines.append(_text(INDENT + key, None, _with_as_of(_row_cells(row, width), as_of)))
    return [*lines, *_axis_lines(chart, label), *_legend(chart, label + width)]


def print_chart(chart: Chart, label: int, console: Console) -> None:
    """All lines in one print: rich's cost is per print, and a chart may have thousands of rows."""
    console.print(Text("\n").join(chart_lines(chart, label)), soft_wrap=True)
