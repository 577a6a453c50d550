"""Running the installed ``dealtrack`` command in subprocesses, as users and scripts do.

Shared by the concurrency, crash, import and security tests: concurrent writers and SIGKILL need
real processes. DEALTRACK_DEBUG is unset so that the output is exactly what a user sees. What such
a test reads back before and after (counts, lists, ``check``) needs no process of its own:
:func:`in_process` runs the same command through CliRunner, with the same user's environment,
without a start-up each time.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack as dealtrack_command

SCRIPT = Path(sys.executable).parent / "dealtrack"
DEFAULT_PG = "postgresql://postgres@127.0.0.1/test"

requires_script = pytest.mark.skipif(
    not SCRIPT.exists(), reason=f"console script {SCRIPT} is not installed (pip install -e .)"
)


def user_env(home: Path) -> dict[str, str]:
    """The environment of a user: no debug tracebacks, no ledger from the caller's shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEALTRACK_DB", "DEALTRACK_DEBUG")}
    env["XDG_DATA_HOME"] = str(home / "xdg")
    return env


def dealtrack(
    db: str | Path, *args: str, home: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=user_env(home),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def in_process(db: str | Path, *args: str, home: Path) -> Result:
    """``dealtrack --db DB ARGS`` through CliRunner, with :func:`user_env`'s environment."""
    environment: dict[str, str | None] = {"DEALTRACK_DB": None, "DEALTRACK_DEBUG": None}
    environment["XDG_DATA_HOME"] = str(home / "xdg")
    return CliRunner().invoke(dealtrack_command, ["--db", str(db), *args], env=environment)


LEAKS = ("Traceback", "locked", "serializ", "deadlock", "Error:")


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """Exit 0 and none of the failures concurrency or crashes could leak to a user."""
    text = result.stdout + result.stderr
    for leak in LEAKS:
        assert leak not in text, (result.args, result.stderr)
    assert result.returncode == 0, (result.args, result.stderr)


def assert_check_clean(db: str | Path, home: Path) -> None:
    """``dealtrack check`` finds nothing wrong: exit 0, no output at all."""
    checked = in_process(db, "check", home=home)
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "", "")


def clean_output(result: Result) -> str:
    """The stdout of an in-process command that passes :func:`assert_clean`'s test."""
    for leak in LEAKS:
        assert leak not in result.output, result.output
    assert (result.exit_code, result.exception) == (0, None), result.output
    return result.stdout


def assert_one_error(stderr: str) -> None:
    """A failure says so in exactly one final ``Error:`` line, with no traceback."""
    lines = stderr.splitlines()
    assert "Traceback" not in stderr, stderr
    assert lines and lines[-1].startswith("Error: "), stderr
    assert sum(line.startswith("Error:") for line in lines) == 1, stderr


def _server_url() -> str:
    configured = os.environ.get("DEALTRACK_TEST_DB_URL", "")
    if configured.startswith(("postgresql://", "postgres://")) and "?" not in configured:
        return configured
    return DEFAULT_PG


def _admin() -> Any:
    """An autocommit connection to the test server; a skip without one (a failure in CI, where
    DEALTRACK_REQUIRE_POSTGRES=1)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - depends on the environment
        if os.environ.get("DEALTRACK_REQUIRE_POSTGRES") == "1":
            pytest.fail("psycopg is not installed and DEALTRACK_REQUIRE_POSTGRES=1")
        pytest.skip("psycopg is not installed (pip install '.[postgres]')")
    server = _server_url()
    try:
        return psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("DEALTRACK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {server} is unreachable: {error}")
        pytest.skip(
            f"PostgreSQL at {server} is unreachable (set DEALTRACK_REQUIRE_POSTGRES=1 to fail)"
        )


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A ledger URL pinned to a new, uniquely named PostgreSQL schema, dropped afterwards."""
    schema = f"dt_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')  # generated identifier, not user input
        try:
            yield f"{_server_url()}?options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def pg_other_locale_url() -> Iterator[str]:
    """A new PostgreSQL database that sorts text by the ICU root locale (spaces and hyphens
    ignored, é beside e), as many servers' en_US.UTF-8 does; dropped afterwards."""
    database = f"dt_icu_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        try:
            admin.execute(
                f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'"
                " LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C.UTF-8'"
            )  # generated identifier, not user input
        except Exception as error:  # whatever the refusal, this server cannot
            pytest.skip(f"this server cannot create an ICU-collated database: {error}")
        try:
            yield urlunsplit(urlsplit(_server_url())._replace(path=f"/{database}"))
        finally:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
