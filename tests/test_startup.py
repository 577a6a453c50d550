"""Start-up stays light, and every command's help shows an example."""

import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dealtrack import __version__
from dealtrack.cli import _COMMAND_MODULES, dealtrack

HEAVY = ("sqlalchemy", "alembic", "tabulate", "currency_converter", "rich")


def loaded_after(*args: str, watch: tuple[str, ...] = HEAVY) -> tuple[list[str], str, int]:
    """In a fresh interpreter, run ``dealtrack ARGS`` and report which of the ``watch`` packages
    (or modules) it loaded."""
    code = textwrap.dedent(
        f"""
        import io, json, sys
        from contextlib import redirect_stdout
        from dealtrack.cli import main
        sys.argv = ["dealtrack", *{list(args)!r}]
        out = io.StringIO()
        code = 0
        with redirect_stdout(out):
            try:
                main()
            except SystemExit as exit:
                code = exit.code or 0
        watch = {watch!r}
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in watch or m in watch)
        print(json.dumps([heavy, out.getvalue(), code]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    heavy, output, exit_code = json.loads(done.stdout)
    return heavy, output, exit_code


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("--version",)], ids=" ".join)
def test_help_and_version_import_neither_sqlalchemy_alembic_nor_tabulate(
    args: tuple[str, ...],
) -> None:
    heavy, output, exit_code = loaded_after(*args)
    assert exit_code == 0
    assert output
    assert heavy == []


@pytest.mark.parametrize("group", ["party", "db", "fx"])
def test_subgroup_help_stays_light(group: str) -> None:
    heavy, output, exit_code = loaded_after(group, "--help")
    assert exit_code == 0
    assert "Example:" in output
    assert heavy == []


def test_importing_the_cli_stays_light() -> None:
    code = (
        "import sys, dealtrack.cli; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


COMMAND_MODULES = (
    "recording",
    "reading",
    "conflicts",
    "search",
    "timeline",
    "bulk",
    "parties",
    "database",
    "fx",
)


def test_each_command_is_found_in_the_module_that_defines_it() -> None:
    defined = {
        command.name: module
        for module in COMMAND_MODULES
        for command in importlib.import_module(f"dealtrack.cli.{module}").COMMANDS
    }
    assert defined == _COMMAND_MODULES
    context = click.Context(dealtrack)
    for name, module in defined.items():
        command = dealtrack.get_command(context, name)
        assert command is not None
        assert command.callback is not None
        assert command.callback.__module__ == f"dealtrack.cli.{module}"


def test_an_unknown_command_is_refused_with_exit_2() -> None:
    result = CliRunner().invoke(dealtrack, ["lst"])
    assert result.exit_code == 2
    assert "No such command 'lst'" in result.stderr


def test_a_command_loads_only_its_own_command_module() -> None:
    modules = tuple(f"dealtrack.cli.{module}" for module in COMMAND_MODULES)
    loaded, output, exit_code = loaded_after("--db", "ledger.db", "db", "path", watch=modules)
    assert (output, exit_code) == (f"{Path('ledger.db').resolve()}\n", 0)
    assert loaded == ["dealtrack.cli.database"]


@pytest.mark.parametrize(
    "command", [("list",), ("report",), ("list", "--in", "USD", "--currency", "USD")]
)
def test_commands_that_convert_nothing_read_no_built_in_rates(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    ledger = str(tmp_path / "ledger.db")
    assert loaded_after("--db", ledger, "add", "Arm", "--value", "USD 40bn")[2] == 0
    rates = ("currency_converter", "dealtrack.fx_data")
    loaded, output, exit_code = loaded_after("--db", ledger, *command, watch=rates)
    assert (loaded, exit_code) == ([], 0)
    assert "USD 40bn" in output


@pytest.mark.parametrize(
    "command", [("add", "Arm", "--acquirer", "SoftBank"), ("list", "-f", "json")]
)
def test_an_sqlite_ledger_never_loads_the_postgresql_dialect(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    ledger = str(tmp_path / "ledger.db")
    assert loaded_after("--db", ledger, "party", "add", "Seed")[2] == 0
    dialect = ("sqlalchemy.dialects.postgresql",)
    loaded, _, exit_code = loaded_after("--db", ledger, *command, watch=dialect)
    assert (loaded, exit_code) == ([], 0)


@pytest.mark.sqlite_only("the light search reads SQLite ledgers")
@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_a_search_of_an_sqlite_ledger_loads_no_sqlalchemy(tmp_path: Path, fmt: str) -> None:
    ledger = str(tmp_path / "ledger.db")
    assert loaded_after("--db", ledger, "add", "TikTok India", "--note", "talks")[2] == 0
    watch = ("sqlalchemy", "alembic", "currency_converter", "rich")
    loaded, output, exit_code = loaded_after(
        "--db", ledger, "search", "talks", "-f", fmt, "--fields", "key,snippet", watch=watch
    )
    assert (loaded, exit_code) == ([], 0)
    assert "[talks]" in output


def test_a_search_with_filters_takes_the_sqlalchemy_path(tmp_path: Path) -> None:
    ledger = str(tmp_path / "ledger.db")
    assert loaded_after("--db", ledger, "add", "TikTok India", "--note", "talks")[2] == 0
    loaded, output, exit_code = loaded_after(
        "--db",
        ledger,
        "search",
        "talks",
        "--status",
        "rumored",
        "-f",
        "json",
        watch=("sqlalchemy",),
    )
    assert ("sqlalchemy" in loaded, exit_code) == (True, 0)
    assert '"key": "tiktok-india"' in output


def test_the_collector_is_back_on_once_the_ledger_is_open(tmp_path: Path) -> None:
    """``main`` holds the cyclic collector off while the program loads; a command that runs
    long (an import) must get it back."""
    ledger = tmp_path / "ledger.db"
    code = textwrap.dedent(
        f"""
        import gc, sys
        from dealtrack.cli import main
        sys.argv = ["dealtrack", "--db", {str(ledger)!r}, "add", "TikTok India"]
        try:
            main()
        except SystemExit as exit:
            assert not exit.code, exit.code
        print(gc.isenabled(), gc.get_freeze_count() > 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "tiktok-india\nTrue True\n"


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(dealtrack, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"dealtrack, version {__version__}\n"


def test_version_in_a_fresh_interpreter() -> None:
    _, output, exit_code = loaded_after("--version")
    assert (output, exit_code) == (f"dealtrack, version {__version__}\n", 0)


def test_python_dash_m_dealtrack_shows_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dealtrack", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout.startswith("Usage: dealtrack [OPTIONS] COMMAND [ARGS]...\n")
    assert "Example:" in done.stdout


def test_python_dash_m_dealtrack_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dealtrack", "--version"], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (0, f"dealtrack, version {__version__}\n")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under ``group``, as the words that invoke it."""
    context = click.Context(group)
    paths = [prefix]
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
        else:
            paths.append((*prefix, name))
    return paths


COMMAND_PATHS = command_paths(dealtrack)


def test_the_command_tree_holds_the_documented_commands() -> None:
    for path in (
        ("add",),
        ("status",),
        ("list",),
        ("show",),
        ("report",),
        ("check",),
        ("party", "add"),
        ("db", "path"),
        ("db", "status"),
        ("db", "upgrade"),
        ("db", "backup"),
    ):
        assert path in COMMAND_PATHS


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "dealtrack")
def test_every_command_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(dealtrack, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    example = result.stdout.split("Example:", 1)[1].strip()
    assert example.startswith("dealtrack "), example
    # The example runs the command it documents (global options such as --db may come first).
    assert f" {' '.join(path)}" in example


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "dealtrack")
def test_every_command_accepts_dash_h(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(dealtrack, [*path, "-h"])
    assert result.exit_code == 0
    assert result.stdout == CliRunner().invoke(dealtrack, [*path, "--help"]).stdout
