"""The timeline as a standalone SVG (one pixel a column), and an HTML page holding it.

Written from the chart's model with a template of our own: no web fonts, no scripts, nothing
fetched, so the file opens offline and is safe to mail. Marks are drawn as shapes, not glyphs, so
they look the same whatever fonts the viewer has. Every name is XML-escaped.
"""

import re
from collections.abc import Iterator

from dealtrack.domain.timeline import Chart, Row, ticks
from dealtrack.statuses import STATUSES, status_words

CHART_WIDTH = 640  # pixels, one a column
FONT = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"
FONT_SIZE = 12
CHAR = 7.3  # a monospace character's advance at FONT_SIZE (0.6 em, rounded up)
MARGIN = 16
ROW = 22
BAR = 12
LABEL_MAX = 40  # characters of a deal's key before it is cut
INDENT = 12  # a deal's key sits under its target's name
COLOURS = {
    "rumored": "#9e9e9e",
    "in-negotiation": "#e0a100",
    "agreed": "#2f6fd0",
    "completed": "#2e9e4f",
    "failed": "#d62828",
    "value": "#8e3fb0",
    "as-of": "#0f7c90",
}
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    """Text safe in XML content and in double-quoted attributes (characters XML cannot hold
    become U+FFFD)."""
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label_chars(chart: Chart) -> int:
    return min(max(len(row.life.key) for row in chart.rows), LABEL_MAX)


def _mark(kind: str, x: float, y: float, size: float = 5) -> str:
    """A failed deal's cross, a completed deal's square, a value change's diamond."""
    colour = COLOURS[kind]
    if kind == "failed":
        return (
            f'<path d="M{x - size:.1f},{y - size:.1f}L{x + size:.1f},{y + size:.1f}'
            f'M{x - size:.1f},{y + size:.1f}L{x + size:.1f},{y - size:.1f}" '
            f'stroke="{colour}" stroke-width="2.5" stroke-linecap="round" class="{kind}"/>'
        )
    if kind == "completed":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" '
            f'height="{2 * size:.1f}" fill="{colour}" class="{kind}"/>'
        )
    return (
        f'<path d="M{x:.1f},{y - size:.1f}L{x + size:.1f},{y:.1f}L{x:.1f},{y + size:.1f}'
        f'L{x - size:.1f},{y:.1f}Z" fill="{colour}" stroke="#ffffff" stroke-width="1" class="{kind}"/>'
    )


def _row(row: Row, x0: float, top: float, label_x: float, limit: int) -> Iterator[str]:
    life = row.life
    middle = top + ROW / 2
    ended = f"{status_words(life.periods[-1].status)} (since {life.periods[-1].start})"
    yield f'<g class="deal" data-key="{escape(life.key)}">'
    yield f"<title>{escape(life.title)}: {escape(ended)}</title>"
    yield (
        f'<text class="label" x="{label_x:.1f}" y="{middle + 4:.1f}">'
        f"{escape(_cut(life.key, limit))}</text>"
    )
    for segment in row.segments:
        x, width = x0 + segment.start, segment.end - segment.start
        fill = COLOURS[segment.status]
        yield (
            f'<rect class="segment {segment.status}" x="{x:.1f}" y="{middle - BAR / 2:.1f}" '
            f'width="{width}" height="{BAR}" fill="{fill}"/>'
        )
        if segment.edge:
            yield (
                f'<rect class="edge" x="{x:.1f}" y="{middle - BAR / 2:.1f}" width="{segment.edge}" '
                f'height="{BAR}" fill="url(#edge)"/>'
            )
    for mark in row.marks:
        yield _mark(mark.kind, x0 + mark.column + 0.5, middle, 6 if mark.kind == "value" else 5)
    yield "</g>"


def _legend_items(as_of: str | None) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = [(s, status_words(s)) for s in STATUSES]
    items += [("value", "value changed"), ("edge", "date known only to the month or year")]
    if as_of is not None:
        items.append(("as-of", f"as of {as_of}"))
    return items


def _legend_places(as_of: str | None, width: float) -> list[tuple[str, str, float, int]]:
    """Each legend item with its x and its line, wrapped to ``width``."""
    places: list[tuple[str, str, float, int]] = []
    left, line = 0.0, 0
    for kind, words in _legend_items(as_of):
        size = 17 + len(words) * CHAR
        if left and left + size > width:
            left, line = 0.0, line + 1
        places.append((kind, words, left, line))
        left += size + 14
    return places


def _swatch(kind: str, left: float, y: float) -> str:
    if kind in ("completed", "failed", "value"):
        return _mark(kind, left + 6, y)
    if kind == "edge":
        return (
            f'<rect x="{left:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="url(#edge-key)"/>'
        )
    if kind == "as-of":
        return (
            f'<line x1="{left + 6:.1f}" y1="{y - 7:.1f}" x2="{left + 6:.1f}" y2="{y + 7:.1f}" '
            f'stroke="{COLOURS["as-of"]}" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
    return f'<rect x="{left:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{COLOURS[kind]}"/>'


def _legend(places: list[tuple[str, str, float, int]], x: float, y: float) -> Iterator[str]:
    yield f'<g class="legend" transform="translate({x:.1f},{y:.1f})">'
    for kind, words, left, line in places:
        yield _swatch(kind, left, line * ROW)
        yield f'<text x="{left + 17:.1f}" y="{line * ROW + 4:.1f}">{escape(words)}</text>'
    yield "</g>"


def _defs() -> str:
    """The lighter edge: white fading out over the segment's colour."""
    return (
        "<defs>"
        '<linearGradient id="edge"><stop offset="0" stop-color="#ffffff" stop-opacity="0.75"/>'
        '<stop offset="1" stop-color="#ffffff" stop-opacity="0"/></linearGradient>'
        '<linearGradient id="edge-key"><stop offset="0" stop-color="#e0a100" stop-opacity="0.2"/>'
        '<stop offset="1" stop-color="#e0a100"/></linearGradient>'
        "</defs>"
    )


def render_svg(chart: Chart, legend: bool = True) -> str:
    """The chart as an SVG document (a legend below it unless the page around it has one)."""
    x0 = MARGIN + INDENT + label_chars(chart) * CHAR + 12
    as_of = chart.as_of.isoformat() if chart.as_of is not None else None
    top = MARGIN + (18 if as_of else 0)
    body = list(_groups(chart, x0, top))
    bottom = top + ROW * sum(len(group.rows) + 1 for group in chart.groups)
    body.extend(_axis(chart, x0, bottom))
    body.extend(_as_of_line(chart, x0, top, bottom))
    height = bottom + 44
    width = x0 + chart.axis.width + MARGIN
    if legend:
        places = _legend_places(as_of, width - 2 * MARGIN)
        body.extend(_legend(places, MARGIN, height))
        height += ROW * places[-1][3] + 14
    height += MARGIN
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" font-size="{FONT_SIZE}" '
            'fill="#222222" role="img">',
            f"<title>Deal timeline, {chart.axis.first} to {chart.axis.last}</title>",
            _defs(),
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def _groups(chart: Chart, x0: float, top: float) -> Iterator[str]:
    """Each target's name over its deals' rows, on a band shaded every other target."""
    limit = label_chars(chart)
    room = int((x0 + chart.axis.width - MARGIN) / CHAR)  # a name may run over the chart's rows
    y = top
    for index, group in enumerate(chart.groups):
        height = ROW * (len(group.rows) + 1)
        shade = "#f4f4f4" if index % 2 == 0 else "#ffffff"
        yield f'<g class="target"><title>{escape(group.target)}</title>'
        yield (
            f'<rect x="{MARGIN / 2:.1f}" y="{y:.1f}" '
            f'width="{x0 + chart.axis.width - MARGIN / 2:.1f}" height="{height}" fill="{shade}"/>'
        )
        yield (
            f'<text class="target-name" x="{MARGIN:.1f}" y="{y + ROW / 2 + 4:.1f}" '
            f'font-weight="bold">{escape(_cut(group.target, room))}</text>'
        )
        for number, row in enumerate(group.rows, 1):
            yield from _row(row, x0, y + ROW * number, MARGIN + INDENT, limit)
        yield "</g>"
        y += height


def _as_of_line(chart: Chart, x0: float, top: float, bottom: float) -> Iterator[str]:
    column = chart.as_of_column
    if column is None or chart.as_of is None:
        return
    x = x0 + column + 0.5
    words = f"as of {chart.as_of.isoformat()}"
    left = min(x, x0 + chart.axis.width - len(words) * CHAR)  # kept within the chart
    yield (
        f'<g class="as-of"><line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
        f'stroke="{COLOURS["as-of"]}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        f'<text x="{left:.1f}" y="{top - 8:.1f}" fill="{COLOURS["as-of"]}">{words}</text></g>'
    )


def _axis(chart: Chart, x0: float, y: float) -> Iterator[str]:
    width = chart.axis.width
    yield f'<g class="axis"><line x1="{x0:.1f}" y1="{y + 6:.1f}" x2="{x0 + width:.1f}" y2="{y + 6:.1f}" stroke="#555555"/>'
    for tick in ticks(chart.axis, CHAR, 12):
        x = x0 + tick.column
        yield f'<line x1="{x:.1f}" y1="{y + 6:.1f}" x2="{x:.1f}" y2="{y + 11:.1f}" stroke="#555555"/>'
        yield f'<text class="tick" x="{x:.1f}" y="{y + 24:.1f}">{escape(tick.label)}</text>'
    yield "</g>"


def render_html(chart: Chart) -> str:
    """A page holding the chart and its legend, readable offline."""
    svg = render_svg(chart, legend=False).split("\n", 1)[1]  # no XML declaration inside HTML
    as_of = chart.as_of.isoformat() if chart.as_of is not None else None
    items = [
        f'<li><svg width="14" height="14" viewBox="-7 -7 14 14">{swatch}</svg> {escape(words)}</li>'
        for swatch, words in _html_legend(as_of)
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            '<head><meta charset="utf-8"/><title>Deal timeline</title>',
            f"<style>body{{font-family:{FONT};color:#222;margin:2em}}"
            "ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:0.5em 1.5em}"
            "svg{max-width:100%;height:auto}</style></head>",
            "<body>",
            f"<h1>Deal timeline, {chart.axis.first} to {chart.axis.last}</h1>",
            svg.rstrip("\n"),
            '<ul class="legend">',
            *items,
            "</ul>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _html_legend(as_of: str | None) -> Iterator[tuple[str, str]]:
    for kind, words in _legend_items(as_of):
        yield _swatch(kind, -6, 0), words
