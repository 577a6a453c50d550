"""``party merge`` and ``party history``: a party's own history, and folding a duplicate in."""

import sys
from typing import Any

import click

from dealtrack.cli import types
from dealtrack.cli.completion import complete_party
from dealtrack.cli.options import output_options, source_from, source_options
from dealtrack.cli.transactions import confirm, run
from dealtrack.errors import Refused
from dealtrack.render import OWN_FORMATS


def _ask_to_merge(merged: str, into: str) -> None:
    """A merge is final: on a terminal it asks first; elsewhere it needs ``--yes``."""
    if not sys.stdin.isatty():
        raise click.UsageError(f'a merge is final; add --yes to merge "{merged}" into "{into}"')
    question = f'Merge "{merged}" into "{into}"? A merge is final: it cannot be voided.'
    if not click.confirm(question, err=True):
        raise Refused("nothing merged")


@click.command("merge")
@click.argument("merged", metavar="FROM", shell_complete=complete_party)
@click.argument("into", metavar="INTO", shell_complete=complete_party)
@click.option(
    "--on", type=types.EFFECTIVE_DATE, default="today", help="When they merged [default: today]."
)
@source_options
@click.option("--yes", is_flag=True, help="Do not ask.")
def party_merge(
    merged: str,
    into: str,
    on: Any,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
    yes: bool,
) -> None:
    """Merge party FROM, a duplicate, into party INTO, for good.

    FROM's deal roles, links, units and aliases become INTO's, and FROM's name an alias of
    INTO. Refused if a deal would end with INTO in roles that cannot combine, or if INTO would
    sit in a loop of control. A merge cannot be voided: it asks first on a terminal, and needs
    --yes elsewhere.

    \b
    Example:
      dealtrack party merge Glance "Glance Digital Experience" --yes
    """
    from dealtrack.services.merging import Merge, merge_parties

    if not yes:
        _ask_to_merge(merged, into)
    merge = Merge(merged, into, on, source_from(outlet, url, attribution))
    recorded = run(True, lambda s, n: merge_parties(s, merge, n))
    if recorded.event_id is not None:
        confirm(
            f'Recorded event {recorded.event_id}: merged "{recorded.merged}" into "{recorded.into}"'
        )


@click.command("history")
@click.argument("name", shell_complete=complete_party)
@output_options
def party_history(name: str, fmt: str, fields: Any, no_headers: bool) -> None:
    """Show party NAME's own events (by name or alias): its links, renames and merges.

    \b
    Example:
      dealtrack party history SoftBank -f json
    """
    from dealtrack.cli.reading import render_records
    from dealtrack.services.party_events import party_history as events_of

    marked = fmt not in OWN_FORMATS  # a table marks a voided event's type "(void)"
    events = run(False, lambda s, n: events_of(s, name))
    records = ({**e, "voided": True} if voided and marked else e for e, voided in events)
    render_records(records, "EVENTS", fmt, fields, not no_headers, what="events")
