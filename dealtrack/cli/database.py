"""Database commands: ``db path``, ``db status``, ``db upgrade``, ``db backup`` and ``check``."""

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dealtrack.cli.transactions import confirm, run
from dealtrack.errors import DealtrackError

if TYPE_CHECKING:
    from dealtrack.location import Location


def _location() -> "Location":
    from dealtrack.location import locate

    return locate(click.get_current_context().find_root().obj)


@click.group()
def db() -> None:
    """Where the ledger is, its revision and counts, upgrades and backups.

    \b
    Example:
      dealtrack db backup ~/ledger-2026-11-27.db
    """


@db.command("path")
def db_path() -> None:
    """Print where the ledger is (a URL's password masked).

    \b
    Example:
      dealtrack --db team.db db path
    """
    click.echo(_location().display)


@db.command("status")
def db_status() -> None:
    """Print the ledger's location, revision and counts.

    \b
    Example:
      dealtrack db status
    """
    from dealtrack.services.check import ledger_counts

    counts = run(False, lambda s, n: ledger_counts(s))
    click.echo(f"ledger: {_location().display}")
    for name, count in counts.items():
        click.echo(f"{name}: {count}")


@db.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the ledger's schema to this dealtrack's revision (SQLite: after a backup).

    \b
    Example:
      dealtrack --db postgresql://me@db.example/deals db upgrade
    """
    from dealtrack.db import HEAD_REVISION, open_ledger

    ledger = open_ledger(_location(), write=False, upgrade=True)
    ledger.close()
    confirm(ledger.upgrade_notice() or f"Ledger is at revision {HEAD_REVISION}")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(file: Path) -> None:
    """Copy the ledger online into a new file FILE (0600).

    \b
    Example:
      dealtrack db backup ~/ledger-2026-11-27.db
    """
    from dealtrack.db import open_ledger
    from dealtrack.migrate import backup

    ledger = open_ledger(_location(), write=False)
    notice = ledger.upgrade_notice()
    if notice is not None:
        confirm(notice)
    try:
        backup(ledger, file.expanduser())
    finally:
        ledger.close()
    confirm(f"Backed up {ledger.location.display} to {file}")


@click.command()
def check() -> None:
    """Recompute every deal's cached state and verify the ledger's integrity.

    Prints nothing and exits 0 when the ledger is clean.

    \b
    Example:
      dealtrack check && echo clean
    """
    from dealtrack.services.check import find_problems

    problems = run(False, lambda s, n: list(find_problems(s)))
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise DealtrackError(f"{len(problems)} {noun} in the ledger; see above", tuple(problems))


COMMANDS = (db, check)
