"""``dealtrack timeline -o FILE.svg|FILE.html``: a standalone chart, private, well-formed, offline."""

import os
import re
import shutil
import stat
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import STORY, BuiltLedger, Invoke
from tests.test_timeline_cli import ARM

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SVG = ROOT / "docs" / "timeline-example.svg"
EXAMPLE_ARGS = ("timeline", "--as-of", "2021-06")  # the chart docs/timeline.md shows
SVG = "{http://www.w3.org/2000/svg}"
REQUIRE_RSVG = os.environ.get("DEALTRACK_REQUIRE_RSVG", "") not in ("", "0")
LEGEND = [
    "rumored",
    "in negotiation",
    "agreed",
    "completed",
    "failed",
    "value changed",
    "date known only to the month or year",
    "as of 2021-06-30",
]


def draw(run: Invoke, path: Path, *args: str) -> ET.Element:
    result = run(*EXAMPLE_ARGS, *args, "-o", str(path))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Wrote the timeline to {path}\n"
    return ET.parse(path).getroot()


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == kind]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


def test_an_svg_holds_a_row_group_per_deal_under_its_target_the_axis_and_the_legend(
    story: Invoke, tmp_path: Path
) -> None:
    root = draw(story, tmp_path / "chart.svg")
    assert root.tag == f"{SVG}svg"
    targets = groups(root, "target")
    assert [g.findtext(f"{SVG}title") for g in targets] == [
        "TikTok India",
        "Glance Digital Experience",
    ]
    deals = [[d.get("data-key") for d in groups(t, "deal")] for t in targets]
    assert deals == [
        ["tiktok-india-reliance-jio", "tiktok-india-glance-digital-experience"],
        ["glance-digital-experience-google"],
    ]
    jio = groups(root, "deal")[0]
    assert jio.findtext(f"{SVG}title") == "TikTok India / Reliance Jio: failed (since 2021-02-13)"
    segments = [r for r in jio.iter(f"{SVG}rect") if "segment" in (r.get("class") or "")]
    assert [r.get("class") for r in segments] == ["segment in-negotiation"]
    assert [r.get("class") for r in jio.iter(f"{SVG}rect") if r.get("class") == "edge"] == ["edge"]
    (axis,) = groups(root, "axis")
    assert texts(axis) == ["2020-09", "2020-11", "2021-01", "2021-03", "2021-05"]
    (legend,) = groups(root, "legend")
    assert texts(legend) == LEGEND
    (as_of,) = groups(root, "as-of")
    assert texts(as_of) == ["as of 2021-06-30"]


def test_an_svg_is_written_0600_and_replaces_an_older_file(story: Invoke, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "chart.svg"
    path.write_text("old")
    path.chmod(0o644)
    draw(story, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["chart.svg"]


def test_an_svg_needs_no_fonts_scripts_or_network(story: Invoke, tmp_path: Path) -> None:
    root = draw(story, tmp_path / "chart.svg")
    text = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "defs", "linearGradient", "stop", "rect", "g", "text"} | {
        "path",
        "line",
    }
    assert re.findall(r"https?://[^\"]*", text) == ["http://www.w3.org/2000/svg"]
    assert re.findall(r"url\(([^)]*)\)", text) and all(
        ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", text)
    )
    assert "@font-face" not in text and "@import" not in text and "href" not in text
    assert root.get("font-family", "").endswith(", monospace")


def test_names_are_escaped_in_the_svg(built_ledger: BuiltLedger, tmp_path: Path) -> None:
    run = built_ledger(
        STORY,
        (("add", 'AT&T <Mobility> "Wireless"', "--acquirer", "Q&A's", "--on", "2020-10"),),
    )
    path = tmp_path / "chart.svg"
    root = draw(run, path)
    target = groups(root, "target")[1]
    assert target.findtext(f"{SVG}title") == 'AT&T <Mobility> "Wireless"'
    (deal,) = groups(target, "deal")
    assert deal.findtext(f"{SVG}title") == (
        'AT&T <Mobility> "Wireless" / Q&A\'s: rumored (since 2020-10)'
    )
    assert "&amp;T &lt;Mobility&gt; &quot;Wireless&quot;" in path.read_text(encoding="utf-8")


def test_an_html_page_holds_the_svg_and_a_legend_of_its_own(story: Invoke, tmp_path: Path) -> None:
    root = draw(story, tmp_path / "chart.html")
    assert root.tag == "html"
    assert root.findtext("head/title") == "Deal timeline"
    (svg,) = root.findall(f"body/{SVG}svg")
    assert len(groups(svg, "deal")) == 3
    assert groups(svg, "legend") == []
    items = root.findall("body/ul/li")
    assert ["".join(li.itertext()).strip() for li in items] == LEGEND
    assert stat.S_IMODE((tmp_path / "chart.html").stat().st_mode) == 0o600
    assert "<script" not in (tmp_path / "chart.html").read_text(encoding="utf-8")


def test_an_empty_selection_writes_no_file(story: Invoke, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "chart.svg"
    result = story("timeline", "--status", "agreed", "-o", str(path))
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"Note: no deals match; nothing written to {path}\n"
    assert list(path.parent.iterdir()) == []


def test_the_documented_example_svg_is_what_timeline_draws(story: Invoke, tmp_path: Path) -> None:
    draw(story, tmp_path / "chart.svg")
    assert (tmp_path / "chart.svg").read_text(encoding="utf-8") == EXAMPLE_SVG.read_text(
        encoding="utf-8"
    ), "docs/timeline-example.svg is stale; see docs/timeline.md to draw it again"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_svg_renders_in_a_real_renderer(story: Invoke, tmp_path: Path) -> None:
    renderer = shutil.which("rsvg-convert")
    if renderer is None:
        reason = "rsvg-convert is not installed (apt-get install librsvg2-bin)"
        if REQUIRE_RSVG:
            pytest.fail(f"{reason} and DEALTRACK_REQUIRE_RSVG is set", pytrace=False)
        pytest.skip(reason)
    root = draw(story, tmp_path / "chart.svg")
    done = subprocess.run(
        [renderer, str(tmp_path / "chart.svg"), "-o", str(tmp_path / "chart.png")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    size = png_size((tmp_path / "chart.png").read_bytes())
    assert size == (int(root.get("width", "0")), int(root.get("height", "0")))


def test_an_svg_draws_each_status_its_lighter_edge_and_its_marks(
    built_ledger: BuiltLedger, tmp_path: Path
) -> None:
    run = built_ledger(STORY, ARM)
    root = draw(run, tmp_path / "chart.svg", "--target", "Arm", "--as-of", "2022-06")
    (arm,) = groups(root, "deal")
    drawn = [(e.tag.removeprefix(SVG), e.get("class")) for e in arm if e.get("class")]
    assert drawn == [
        ("text", "label"),
        ("rect", "segment rumored"),
        ("rect", "edge"),
        ("rect", "segment agreed"),
        ("path", "value"),
        ("path", "failed"),
    ]
    rumored, edge, agreed = (e for e in arm.iter(f"{SVG}rect"))
    assert edge.get("x") == rumored.get("x")
    assert 0 < int(edge.get("width", "0")) < int(rumored.get("width", "0"))
    assert float(rumored.get("x", "0")) + int(rumored.get("width", "0")) == float(
        agreed.get("x", "0")
    )
