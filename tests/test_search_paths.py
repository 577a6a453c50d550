"""``search`` of an SQLite ledger without FILTERS runs on a light path (``sqlite3``, no
SQLAlchemy): it prints exactly what the SQLAlchemy service prints, in every format, and every
ledger it cannot serve as it is gets the full path's own answer."""

import os
import pty
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import Result

from dealtrack.services.light_search import DealSearch
from tests.conftest import STORY, BuiltLedger, Invoke, LedgerUnderTest, raw_sql
from tests.test_search import CORPUS, EXPECTED

pytestmark = pytest.mark.sqlite_only("the light path reads SQLite ledgers only")

MORE = (
    ("add", "Arm", "--key", "arm", "--acquirer", "Nvidia", "--on", "2020-09", "--value",
     "$40bn", "--source", "Financial Times", "--note",
     "a long note about chips, licences and the regulators of several countries who looked "
     "hard at the chips business of Arm before the deal failed on regulatory grounds"),
    ("status", "arm", "failed", "--on", "2022-02", "--reason", "regulatory pushback on chips"),
    ("note", "arm", "wrong note about chips", "--on", "2022-03"),
    ("party", "edit", "Nvidia", "--alias", "NVDA Corp"),
    ("add", "Chips Unit", "--key", "chips", "--acquirer", "Arm Holdings", "--on", "2021",
     "--title", "Chips, chips and more chips"),
)  # fmt: skip
QUERIES = (
    *EXPECTED,
    "chips",
    "chip*",
    "chips -regulatory",
    "-chips",
    "chips OR wind",
    "nvda",
    '"regulatory pushback',
    "financial times",
    "licences regulators",
    "Jio-Platforms OR chips",
    "",
    "   ",
)
FORMATS = (
    (),
    ("-f", "json"),
    ("-f", "jsonl"),
    ("-f", "csv"),
    ("-f", "tsv"),
    ("-f", "github"),
    ("-f", "csv", "--fields", "snippet,score,key"),
    ("-f", "tsv", "--no-headers"),
    ("--no-headers", "--limit", "2"),
    ("-f", "json", "--limit", "1"),
    ("-f", "csv", "--fields", "key,nothing"),  # a usage error, after the search
)


@pytest.fixture
def corpus(built_ledger: BuiltLedger) -> Invoke:
    return built_ledger(STORY, CORPUS, MORE)


@pytest.fixture
def light_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether each search so far was served by the light path."""
    served: list[bool] = []
    light = DealSearch.light

    def spied(self: DealSearch, *args: object) -> object:
        result = light(self, *args)  # type: ignore[arg-type]
        served.append(result is not None)
        return result

    monkeypatch.setattr(DealSearch, "light", spied)
    yield served


def full_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DealSearch, "light", lambda self, location, notices: None)


def outcome(result: Result) -> tuple[int, str, str]:
    return result.exit_code, result.stdout, result.stderr


def test_both_paths_print_the_same_for_every_query_and_format(
    corpus: Invoke, light_reads: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [(query, options) for query in QUERIES for options in FORMATS]
    light = [outcome(corpus("search", *options, "--", query)) for query, options in cases]
    assert light_reads == [True] * len(cases)
    full_path_only(monkeypatch)
    full = [outcome(corpus("search", *options, "--", query)) for query, options in cases]
    assert dict(zip(cases, light, strict=True)) == dict(zip(cases, full, strict=True))
    shown = dict(zip(cases, light, strict=True))
    assert shown[("chips", ("-f", "csv", "--fields", "snippet,score,key"))][1] == (
        "snippet,score,key\n"
        '"[Chips], [chips] and more [chips]",2.86158,chips\n'
        '"a long note about [chips], licences and the regulators of…",1.71273,arm\n'
    )
    assert shown[("", ())][2] == 'Note: no deals match\nNote: "" has no word to search for\n'


def test_filters_take_the_full_path(corpus: Invoke, light_reads: list[bool]) -> None:
    result = corpus("search", "chips", "--status", "failed", "-f", "csv", "--fields", "key")
    assert outcome(result) == (0, "key\narm\n", "")
    assert light_reads == [False]


def _on_a_terminal(ledger: Path, light: bool, *args: str) -> bytes:
    """``dealtrack search ARGS`` with stdout on a terminal, as its user sees it."""
    forced = "" if light else "DealSearch.light = lambda self, location, notices: None"
    code = textwrap.dedent(
        f"""
        import sys
        from dealtrack.cli import main
        from dealtrack.services.light_search import DealSearch
        {forced}
        sys.argv = ["dealtrack", "--db", {str(ledger)!r}, "search", *{list(args)!r}]
        main()
        """
    )
    reader, writer = pty.openpty()
    env = {**os.environ, "COLUMNS": "120"}
    subprocess.run([sys.executable, "-c", code], stdout=writer, env=env, timeout=60, check=True)
    os.close(writer)
    shown = b""
    while True:
        try:
            chunk = os.read(reader, 4096)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(reader)
    return shown


def test_both_paths_mark_matches_in_bold_on_a_terminal(
    corpus: Invoke, ledger_db: LedgerUnderTest
) -> None:
    assert ledger_db.path is not None
    for query in ("chips", "jio-platforms OR at&t"):
        light = _on_a_terminal(ledger_db.path, True, query)
        assert b"\x1b[1m" in light
        assert light == _on_a_terminal(ledger_db.path, False, query)


def _both_paths_on_copies(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Invoke, *args: str
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """The light path's outcome on one copy of ``ledger`` and the full path's on another, the
    copies at one path in turn (messages name it)."""
    copy = tmp_path / "copy.db"
    shutil.copy(ledger, copy)
    light = outcome(run("search", *args))
    upgraded_copy = ledger.with_suffix(".light")
    shutil.move(ledger, upgraded_copy)
    shutil.move(copy, ledger)
    full_path_only(monkeypatch)
    return light, outcome(run("search", *args))


def test_an_older_ledger_is_upgraded_as_by_the_full_path(
    corpus: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ledger_db.path is not None
    ledger_db.downgrade("0010_search")
    light, full = _both_paths_on_copies(ledger_db.path, tmp_path, monkeypatch, corpus, "chips")
    assert light == full
    assert light[2].startswith("Upgraded the ledger from revision 0010_search")


# Files that are no ledger at this revision, as SQL statements that make them.
NO_LEDGERS_AT_HEAD = {
    "foreign-tables": ("CREATE TABLE other (x)",),
    "no-revision": ("CREATE TABLE dealtrack_version (version_num)",),
    "newer": (
        "CREATE TABLE dealtrack_version (version_num)",
        "INSERT INTO dealtrack_version VALUES ('9999_future')",
    ),
}


@pytest.mark.parametrize("kind", [*NO_LEDGERS_AT_HEAD, "not-sqlite", "missing"])
def test_a_file_that_is_no_ledger_at_head_gets_the_full_path_s_answer(
    kind: str, run: Invoke, ledger_db: LedgerUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ledger_db.path is not None
    if kind == "not-sqlite":
        ledger_db.path.write_bytes(b"not a database, " * 100)
    elif kind in NO_LEDGERS_AT_HEAD:
        raw_sql(ledger_db.path, *NO_LEDGERS_AT_HEAD[kind])
    light = outcome(run("search", "chips", "-f", "json"))
    full_path_only(monkeypatch)
    assert light == outcome(run("search", "chips", "-f", "json"))
    assert light[0] == 1
    assert light[2].startswith("Error: ")


def test_a_locked_ledger_gets_the_full_path_s_answer(
    corpus: Invoke, ledger_db: LedgerUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ledger_db.path is not None
    monkeypatch.setenv("DEALTRACK_BUSY_TIMEOUT", "0.1")
    with closing(sqlite3.connect(ledger_db.path, isolation_level=None)) as holder:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        light = outcome(corpus("search", "chips"))
        full_path_only(monkeypatch)
        full = outcome(corpus("search", "chips"))
        holder.execute("ROLLBACK")
    assert light == full
    assert light[0] == 1
