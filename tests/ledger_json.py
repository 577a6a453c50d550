"""Reading a ledger back through the CLI's JSON output, for tests of the recording commands.

``recorded_at`` is a wall-clock time: it is checked against RFC 3339 (microseconds, ``Z``) and then
dropped, so tests can compare whole events exactly.
"""

import json
import re
from typing import Any

from tests.conftest import Invoke

RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def _read(run: Invoke, *args: str) -> Any:
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def without_recorded_at(event: dict[str, Any]) -> dict[str, Any]:
    assert RFC3339_UTC.fullmatch(event["recorded_at"]), event["recorded_at"]
    return {name: value for name, value in event.items() if name != "recorded_at"}


def deal(run: Invoke, ref: str) -> dict[str, Any]:
    """The deal as ``show -f json`` gives it, without its events, rivals and conflicts."""
    card = _read(run, "show", ref)
    return {
        name: value for name, value in card.items() if name not in ("events", "rivals", "conflicts")
    }


def deals(run: Invoke) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = _read(run, "list")
    return listed


def keys(run: Invoke) -> list[str]:
    return [d["key"] for d in deals(run)]


def events(run: Invoke, ref: str) -> list[dict[str, Any]]:
    """The deal's history, ``recorded_at`` checked and dropped."""
    return [without_recorded_at(e) for e in _read(run, "history", ref)]


def party(run: Invoke, name: str) -> dict[str, Any]:
    card: dict[str, Any] = _read(run, "party", "show", name)
    return card


def usage_error(command: str, usage: str, message: str) -> str:
    """click's usage-error form (exit 2) for ``dealtrack COMMAND``."""
    return (
        f"Usage: dealtrack {command} {usage}\n"
        f"Try 'dealtrack {command} --help' for help.\n"
        "\n"
        f"Error: {message}\n"
    )
