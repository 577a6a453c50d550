"""Shared fixtures: a real SQLite ledger in tmp_path, driven through click's CliRunner."""

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack

Invoke = Callable[..., Result]

STORY = (
    ("party", "add", "TikTok India", "--kind", "unit", "--parent", "ByteDance", "--country", "IN"),
    ("party", "add", "Glance Digital Experience", "--alias", "Glance", "--parent", "InMobi"),
    (
        "add",
        "TikTok India",
        "--seller",
        "ByteDance",
        "--acquirer",
        "Reliance Jio",
        "--kind",
        "asset-sale",
        "--status",
        "in-negotiation",
        "--value",
        "$3 billion",
        "--basis",
        "reported",
        "--on",
        "2020-08",
    ),
    (
        "status",
        "tiktok-india-reliance-jio",
        "failed",
        "--on",
        "2021-02-13",
        "--reason",
        "did not go through for undisclosed reasons",
        "--source",
        "Bloomberg",
    ),
    (
        "add",
        "TikTok India",
        "--seller",
        "ByteDance",
        "--acquirer",
        "Glance Digital Experience",
        "--backer",
        "SoftBank",
        "--kind",
        "asset-sale",
        "--status",
        "in-negotiation",
        "--on",
        "2021-02-13",
        "--source",
        "Bloomberg",
        "--attribution",
        "anonymous",
        "--note",
        "initial phase of negotiations",
    ),
    (
        "add",
        "Glance Digital Experience",
        "--kind",
        "investment",
        "--acquirer",
        "Google",
        "--acquirer",
        "Mithril Capital",
        "--value",
        "$145 million",
        "--status",
        "completed",
        "--on",
        "2020-12",
    ),
)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch the user's ledger; unexpected exceptions surface as test errors."""
    monkeypatch.delenv("DEALTRACK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DEALTRACK_DEBUG", "1")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def run(db_path: Path) -> Invoke:
    """Run ``dealtrack --db LEDGER ARGS…`` in-process; stdout and stderr are kept apart."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner(catch_exceptions=False).invoke(
            dealtrack, ["--db", str(db_path), *args], input=input
        )

    return invoke


@pytest.fixture
def story(run: Invoke) -> Invoke:
    """A ledger holding the worked example of DESIGN.md §1."""
    for args in STORY:
        result = run(*args)
        assert result.exit_code == 0, result.output
    return run
