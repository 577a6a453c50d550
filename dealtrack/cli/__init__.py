"""The ``dealtrack`` command group: the one place errors become messages and exit codes.

Command modules import services, models and tabulate inside their callbacks, because click's group
help loads every subcommand, and ``dealtrack --help`` must start fast without SQLAlchemy.
"""

import gc
import importlib
import os
import sys
from typing import Any

import click

from dealtrack import __version__
from dealtrack.errors import DealtrackError


def _unexpected(error: Exception) -> str:
    """A last resort that keeps tracebacks from users; DEALTRACK_DEBUG=1 shows them to developers."""
    from dealtrack.location import mask_password

    detail = str(getattr(error, "orig", None) or error).splitlines()
    first = mask_password(detail[0]) if detail else type(error).__name__
    return f"the command failed ({type(error).__name__}: {first}); nothing was changed"


def _fail(message: str, code: int, problems: tuple[str, ...] = ()) -> None:
    for line in problems:
        click.echo(line, err=True)
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


# Which module defines each command: a command's module is imported only when that command runs
# (or when help lists them all), so `dealtrack list` does not pay for the import machinery.
_COMMAND_MODULES = {
    "add": "recording",
    "status": "recording",
    "value": "recording",
    "note": "recording",
    "edit": "recording",
    "void": "recording",
    "rm": "recording",
    "list": "reading",
    "show": "reading",
    "history": "reading",
    "report": "reading",
    "conflicts": "conflicts",
    "timeline": "timeline",
    "search": "search",
    "import": "bulk",
    "export": "bulk",
    "party": "parties",
    "db": "database",
    "check": "database",
    "fx": "fx",
}


class LedgerGroup(click.Group):
    """A group that turns dealtrack's own errors (and database failures) into one ``Error:`` line,
    and loads each command's module only when the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = _COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        commands: tuple[click.Command, ...] = importlib.import_module(
            f"dealtrack.cli.{module_name}"
        ).COMMANDS
        return next(c for c in commands if c.name == cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        from dealtrack.cli import interrupts

        try:
            return self._invoke(ctx)
        finally:
            if interrupts.release():
                click.echo(
                    "Note: Ctrl-C came once the changes were being committed; the command "
                    "finished, as reported above",
                    err=True,
                )

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DealtrackError as error:
            _fail(error.message, error.exit_code, error.problems)
        except BrokenPipeError:
            # The reader went away (`dealtrack export | head`): stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0) from None
        except KeyboardInterrupt:
            # Only before the commit begins: from then on the interrupt is held (cli.interrupts).
            _fail("interrupted; the ledger is as it was before the command", 130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if isinstance(error, OSError) and error.filename is not None:
                # A file the user named (or its folder) cannot be used: theirs to fix, not a bug.
                _fail(f"cannot use {error.filename}: {error.strerror}; nothing was changed", 1)
            if os.environ.get("DEALTRACK_DEBUG"):
                raise
            _fail(_unexpected(error), 1)
        return None


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="DB",
    envvar="DEALTRACK_DB",
    help="Ledger file path or SQLAlchemy URL [default: $DEALTRACK_DB, else ~/.local/share/dealtrack/dealtrack.db].",
)
@click.version_option(__version__, "--version", prog_name="dealtrack")
@click.pass_context
def dealtrack(ctx: click.Context, db: str | None) -> None:
    """A command-line ledger of corporate deals.

    Record deals with their parties, value and status, and every change as a dated, sourced
    event; then list, show, report and export them.

    \b
    Example:
      dealtrack add "TikTok India" --seller ByteDance --acquirer "Reliance Jio" \\
          --status in-negotiation --value '$3 billion' --on 2020-08
      dealtrack list --status in-negotiation
    """
    ctx.obj = db


def main() -> None:
    # Start-up creates hundreds of thousands of long-lived objects (click, SQLAlchemy, the models);
    # letting the cyclic collector rescan them again and again as they load cost a third of a
    # short command's own time. cli.transactions turns it back on once the ledger is open.
    gc.disable()
    dealtrack(prog_name="dealtrack")
