"""``dealtrack timeline`` in the terminal: exact charts, colour only where asked, clear errors."""

from pathlib import Path

import pytest

from tests.conftest import STORY, BuiltLedger, Invoke, LedgerUnderTest
from tests.test_docs import EXAMPLE, ROOT, console_sessions, section

WORKED_EXAMPLE = """\
TikTok India                                                                   │
  tiktok-india-reliance-jio     ┆▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒✕                  │
  tiktok-india-glance-digital-…                             ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒
                                ────────┬────────────┬────────────┬────────────┴
                                        2020-10      2021-01      2021-04
░ rumored  ▒ in negotiation  ▓ agreed  █ completed  ✕ failed  ◆ value changed
┆ date known only to the month or year  │ as of 2021-06-30
"""
LEGEND = """\
░ rumored  ▒ in negotiation  ▓ agreed  █ completed  ✕ failed
◆ value changed  ┆ date known only to the month or year
"""
# Arm: rumored in July 2020 (to the month), agreed at $40bn in September, blocked in 2022.
ARM = (
    (
        "add", "Arm", "--seller", "SoftBank", "--acquirer", "Nvidia", "--status", "rumored",
        "--on", "2020-07", "--value", "$32 billion",
    ),
    ("value", "arm-nvidia", "$40 billion", "--on", "2020-09-13"),
    ("status", "arm-nvidia", "agreed", "--on", "2020-09-13"),
    ("status", "arm-nvidia", "failed", "--on", "2022-02-08", "--reason", "regulators"),
    ("add", "Acme", "--acquirer", "Initech", "--on", "2019"),
    ("status", "acme-initech", "in-negotiation", "--on", "2020-04-02"),
)  # fmt: skip
TIKTOK = ("timeline", "--target", "TikTok India", "--as-of", "2021-06")


@pytest.fixture(autouse=True)
def _no_colour_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The charts below are what a pipe gets, whatever the terminal running the tests says."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLORTERM", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def test_timeline_of_the_worked_example_shows_both_bids_on_tiktok_india(story: Invoke) -> None:
    result = story(*TIKTOK, "--width", "80")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == WORKED_EXAMPLE


def test_a_piped_timeline_is_80_columns_wide_and_has_no_escape_codes(story: Invoke) -> None:
    result = story(*TIKTOK)
    assert result.stdout == WORKED_EXAMPLE
    assert max(len(line) for line in result.stdout.splitlines()) == 80
    assert "\x1b" not in result.stdout


def test_every_status_has_its_glyph_and_a_value_change_its_diamond(
    built_ledger: BuiltLedger,
) -> None:
    run = built_ledger(STORY, ARM)
    result = run("timeline", "--target", "Arm", "--width", "72")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Arm\n"
        "  arm-nvidia ┆░░░░░░◆▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓✕\n"
        "             ┬────────┬────────┬────────┬────────┬────────┬─────────────\n"
        "             2020-07  2020-10  2021-01  2021-04  2021-07  2021-10\n" + LEGEND
    )


def test_a_date_known_only_to_the_year_starts_with_a_lighter_edge(
    built_ledger: BuiltLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = built_ledger(STORY, ARM)
    args = ("timeline", "--target", "Acme", "--from", "2019", "--to", "2020", "--width", "60")
    assert run(*args).stdout == (
        "Acme\n"
        "  acme-initech ┆░░░░░░░░░░░░░░░░░░░░░░░░░░░▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒\n"
        "               ┬──────────┬──────────┬──────────┬───────────\n"
        "               2019-01    2019-07    2020-01    2020-07\n" + LEGEND
    )
    # In colour, the whole of 2019 (the year the deal was first reported in) is lighter.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")
    row = run(*args).stdout.splitlines()[1]
    assert row == (
        "  acme-initech \x1b[90m┆\x1b[0m\x1b[2;90m" + "░" * 21 + "\x1b[0m\x1b[90m░░░░░░\x1b[0m"
        "\x1b[33m" + "▒" * 17 + "\x1b[0m"
    )


def test_from_and_to_clip_the_axis_and_keep_every_selected_deal(
    built_ledger: BuiltLedger,
) -> None:
    run = built_ledger(STORY, ARM)
    result = run("timeline", "--from", "2020-10", "--to", "2020-12", "--width", "60")
    assert result.stdout == (
        "Acme\n"
        "  acme-initech          ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒\n"
        "Arm\n"
        "  arm-nvidia            ▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓\n"
        "TikTok India\n"
        "  tiktok-india-relianc… ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒\n"
        "  tiktok-india-glance-…\n"
        "Glance Digital Experience\n"
        "  glance-digital-exper…                        █\n"
        "                        ┬───────────┬──────────┬────────────\n"
        "                        2020-10     2020-11    2020-12\n" + LEGEND
    )


def test_a_forced_terminal_gets_a_colour_for_each_status(
    story: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    lines = story(*TIKTOK, "--width", "80").stdout.splitlines()
    assert lines[0] == "\x1b[1mTikTok India\x1b[0m" + " " * 67 + "\x1b[36m│\x1b[0m"
    assert lines[1] == (
        "  tiktok-india-reliance-jio     \x1b[33m┆\x1b[0m\x1b[2;33m▒▒▒\x1b[0m\x1b[33m"
        + "▒" * 24
        + "\x1b[0m\x1b[1;31m✕\x1b[0m                  \x1b[36m│\x1b[0m"
    )
    assert lines[5] == (
        "\x1b[90m░\x1b[0m rumored  \x1b[33m▒\x1b[0m in negotiation  \x1b[34m▓\x1b[0m agreed  "
        "\x1b[32m█\x1b[0m completed  \x1b[1;31m✕\x1b[0m failed  \x1b[1;35m◆\x1b[0m value changed"
    )


def test_no_color_wins_over_a_forced_terminal(
    story: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    assert story(*TIKTOK, "--width", "80").stdout == WORKED_EXAMPLE


def test_an_empty_selection_is_a_note_and_exit_0(story: Invoke) -> None:
    result = story("timeline", "--status", "agreed")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "Note: no deals match\n")


def test_an_unknown_party_matches_nothing_and_says_why(story: Invoke) -> None:
    result = story("timeline", "--party", "Relience Jio")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        'Note: no party named "Relience Jio"; it matches no deal (did you mean "Reliance Jio"?)\n'
        "Note: no deals match\n"
    )


def test_an_output_file_that_is_neither_svg_nor_html_is_a_usage_error(
    story: Invoke, tmp_path: Path
) -> None:
    result = story("timeline", "-o", str(tmp_path / "chart.png"))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: Invalid value for '-o': {tmp_path / 'chart.png'} is neither .svg nor .html; "
        "name the file FILE.svg or FILE.html\n"
    )
    assert list(tmp_path.glob("chart*")) == []


def test_from_after_to_is_a_usage_error(story: Invoke) -> None:
    result = story("timeline", "--from", "2021", "--to", "2020-06")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --from 2021 is after --to 2020-06\n")


def test_timeline_on_a_missing_ledger_is_an_error_and_creates_nothing(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    result = run("timeline")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: no ledger at {ledger_db.display} (record a deal or import one)\n"
    )
    assert not ledger_db.exists()


@pytest.mark.parametrize(
    ("page", "heading"), [("README.md", "## Timeline"), ("docs/timeline.md", "## In the terminal")]
)
def test_the_documented_timelines_are_what_the_command_prints(
    run: Invoke, page: str, heading: str
) -> None:
    imported = run("import", str(EXAMPLE))
    assert imported.exit_code == 0, imported.output
    sessions = console_sessions(section((ROOT / page).read_text(encoding="utf-8"), heading))
    assert [argv[0] for argv, _ in sessions] == ["timeline"]
    for argv, expected in sessions:
        assert (argv, run(*argv).output.rstrip("\n")) == (argv, expected)
