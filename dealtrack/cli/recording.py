"""Recording commands: add, status, value, note, edit, void, rm.

Each parses its options, calls one use case in one transaction and confirms on stderr; ``add``
prints the new key alone on stdout so scripts can capture it.
"""

import sys
from typing import Any

import click

from dealtrack.cli import types
from dealtrack.cli.completion import complete_deal, complete_party
from dealtrack.cli.options import source_from, source_options
from dealtrack.cli.parties import party_names
from dealtrack.cli.transactions import confirm, run, today
from dealtrack.errors import Refused
from dealtrack.names import invalid_key_message, is_valid_key
from dealtrack.vocabulary import PARTICIPANT_ROLES


def _deal_key(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A malformed --key is a usage error (exit 2); a taken one is the ledger's to refuse."""
    if value is not None and not is_valid_key(value):
        raise click.BadParameter(invalid_key_message(value), ctx, param)
    return value


def _party_options(function: Any) -> Any:
    for role in reversed(PARTICIPANT_ROLES):  # the last applied is listed first in --help
        function = click.option(
            f"--{role}",
            f"{role}s",
            multiple=True,
            metavar="NAME",
            shell_complete=complete_party,
            callback=party_names,
            help=f"A party in the {role} role (repeatable).",
        )(function)
    return function


@click.command()
@click.argument("target", callback=party_names)
@_party_options
@click.option("--kind", type=types.DEAL_KIND, default="acquisition", show_default=True)
@click.option(
    "--status",
    type=types.SAID_STATUS,
    default="rumored",
    show_default=True,
    help="Or the trade press's word for it (signed, closed, withdrawn…).",
)
@click.option(
    "--value",
    type=types.AMOUNT,
    help="e.g. '$3 billion', 'USD 145m', 'INR 24,713 crore', '€2-3bn'.",
)
@click.option("--basis", type=types.BASIS, default="reported", show_default=True)
@click.option(
    "--on", type=types.EFFECTIVE_DATE, default="today", help="When first reported [default: today]."
)
@source_options
@click.option("--reason", help="Why, for a failed deal.")
@click.option("--note", help="A note on this report.")
@click.option("--key", callback=_deal_key, help="The deal's key [default: TARGET-ACQUIRER slug].")
@click.option("--title", help="[default: TARGET / ACQUIRER, …]")
@click.option("--new", "force_new", is_flag=True, help="Record it even if the same deal exists.")
@click.option("--no-create", is_flag=True, help="Refuse party names not yet in the ledger.")
def add(
    target: str,
    kind: str,
    status: tuple[str, str | None],
    value: Any,
    basis: str,
    on: Any,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
    reason: str | None,
    note: str | None,
    key: str | None,
    title: str | None,
    force_new: bool,
    no_create: bool,
    **roles: tuple[str, ...],
) -> None:
    """Record a proposed deal on TARGET and print its key.

    \b
    Example:
      dealtrack add "TikTok India" --seller ByteDance --acquirer "Reliance Jio" \\
          --kind asset-sale --status in-negotiation --value '$3 billion' --on 2020-08
    """
    from dealtrack.services.deals import NewDeal, Valuation, add_deal

    parties = tuple((role[:-1], name) for role, names in roles.items() for name in names)
    draft = NewDeal(
        target=target,
        on=on,
        parties=parties,
        kind=kind,
        status=status[0],
        reason=reason or status[1],
        valuation=Valuation(value, basis),
        source=source_from(outlet, url, attribution),
        note=note,
        key=key,
        title=title,
    )
    deal_key = run(True, lambda s, n: add_deal(s, draft, force_new, not no_create, n))
    confirm(f'Added deal "{deal_key}"')
    click.echo(deal_key)


@click.command()
@click.argument("deal", shell_complete=complete_deal)
@click.argument("new_status", metavar="STATUS", type=types.SAID_STATUS)
@click.option(
    "--on", type=types.EFFECTIVE_DATE, default="today", help="When it took effect [default: today]."
)
@click.option("--reason", help="Why (e.g. why talks failed).")
@source_options
@click.option("--note", help="A note on this report.")
@click.option("--force", is_flag=True, help="Record a change the status rules would refuse.")
def status(
    deal: str,
    new_status: tuple[str, str | None],
    on: Any,
    reason: str | None,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
    note: str | None,
    force: bool,
) -> None:
    """Record that DEAL's status changed to STATUS.

    \b
    Example:
      dealtrack status tiktok-india-reliance-jio failed --on 2021-02-13 \\
          --reason "did not go through" --source Bloomberg
    """
    from dealtrack.services.deals import change_status

    source = source_from(outlet, url, attribution)
    said, reason = new_status[0], reason or new_status[1]
    event = run(True, lambda s, n: change_status(s, deal, said, on, reason, source, note, force, n))
    if event.event_id is not None:
        confirm(f"Recorded event {event.event_id}: {event.deal_key} is {said} on {on}")


@click.command()
@click.argument("deal", shell_complete=complete_deal)
@click.argument("amount", type=types.AMOUNT, required=False)
@click.option("--undisclosed", is_flag=True, help="The value is no longer known.")
@click.option("--basis", type=types.BASIS, default="reported", show_default=True)
@click.option(
    "--on", type=types.EFFECTIVE_DATE, default="today", help="When reported [default: today]."
)
@source_options
@click.option("--note", help="A note on this report.")
def value(
    deal: str,
    amount: Any,
    undisclosed: bool,
    basis: str,
    on: Any,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
    note: str | None,
) -> None:
    """Record DEAL's value: an AMOUNT, or --undisclosed.

    \b
    Example:
      dealtrack value tiktok-india-glance-digital-experience '$1-1.5bn' --basis estimated
    """
    from dealtrack.services.deals import Valuation, change_value

    if (amount is None) == (not undisclosed):
        raise click.UsageError("give an AMOUNT or --undisclosed (not both)")
    valuation = Valuation(None if undisclosed else amount, basis)
    source = source_from(outlet, url, attribution)
    event = run(True, lambda s, n: change_value(s, deal, valuation, on, source, note, n))
    if event.event_id is not None:
        confirm(f"Recorded event {event.event_id}: value of {event.deal_key} on {on}")


@click.command()
@click.argument("deal", shell_complete=complete_deal)
@click.argument("text")
@click.option("--on", type=types.EFFECTIVE_DATE, default="today", help="[default: today]")
@source_options
def note(
    deal: str, text: str, on: Any, outlet: str | None, url: str | None, attribution: str | None
) -> None:
    """Add a note to DEAL.

    \b
    Example:
      dealtrack note tiktok-india-glance-digital-experience "SoftBank backs both sides"
    """
    from dealtrack.services.deals import add_note

    source = source_from(outlet, url, attribution)
    event = run(True, lambda s, n: add_note(s, deal, text, on, source, n))
    if event.event_id is not None:
        confirm(f"Recorded event {event.event_id}: note on {event.deal_key}")


@click.command()
@click.argument("deal", shell_complete=complete_deal)
@click.option("--title")
@click.option("--kind", type=types.DEAL_KIND)
@click.option("--key", "new_key", metavar="KEY", callback=_deal_key)
@click.option("--target", metavar="NAME", shell_complete=complete_party, callback=party_names)
@click.option("--reported", type=types.EFFECTIVE_DATE)
@click.option(
    "--add",
    "added",
    type=types.ROLE_NAME,
    multiple=True,
    callback=party_names,
    help="Add a party, e.g. adviser=Goldman.",
)
@click.option(
    "--remove",
    "removed",
    type=types.ROLE_NAME,
    multiple=True,
    help="Remove a party, e.g. backer=SoftBank.",
)
@click.option(
    "--on",
    type=types.EFFECTIVE_DATE,
    help="When the parties joined or left (--add, --remove) [default: today].",
)
@source_options
def edit(
    deal: str,
    title: str | None,
    kind: str | None,
    new_key: str | None,
    target: str | None,
    reported: Any,
    added: tuple[tuple[str, str], ...],
    removed: tuple[tuple[str, str], ...],
    on: Any,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
) -> None:
    """Correct DEAL's title, kind, key, target or reported date, or change its parties.

    Corrections are an edit event dated today and leave the deal's updated date alone. Each
    --add and --remove is a party event dated --on, with its source: the roster as of an earlier
    date (--as-of) leaves it out. To correct an opening roster, date the change on the deal's
    reported date, or void the event that added the party.

    \b
    Example:
      dealtrack edit tiktok-india-reliance-jio --add adviser="Morgan Stanley" \\
          --on 2020-09 --source Reuters
    """
    from dealtrack.services.editing import DealEdit, edit_deal

    fields = (title, kind, new_key, target, reported)
    if all(v is None for v in fields) and not (added or removed):
        raise click.UsageError(
            "give at least one change: --title, --kind, --key, --target, --reported, --add "
            "or --remove"
        )
    if not (added or removed) and (on or outlet or url or attribution):
        raise click.UsageError(
            "--on, --source, --url and --attribution date and source --add and --remove; "
            "corrections are dated today"
        )
    changes = DealEdit(
        title=title,
        kind=kind,
        key=new_key,
        target=target,
        reported=reported,
        add=added,
        remove=removed,
        on=on,
        source=source_from(outlet, url, attribution),
    )
    edited = run(True, lambda s, n: edit_deal(s, deal, changes, today(), n))
    if edited.event_id is not None:
        confirm(f'Edited deal "{edited.deal_key}"')


@click.command()
@click.argument("event_id", metavar="EVENT_ID", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why the event was a mistake.")
def void(event_id: int, reason: str) -> None:
    """Mark a mistaken event void; the deal's state is recomputed.

    \b
    Example:
      dealtrack void 12 --reason "wrong deal: the value was Glance's"
    """
    from dealtrack.services.deals import void_event

    voiding = run(True, lambda s, n: void_event(s, event_id, reason, today()).id)
    confirm(f"Recorded event {voiding}: event {event_id} is void")


@click.command()
@click.argument("deal", shell_complete=complete_deal)
@click.option("--yes", is_flag=True, help="Do not ask.")
def rm(deal: str, yes: bool) -> None:
    """Delete DEAL and its events (its id is never reused).

    \b
    Example:
      dealtrack rm tiktok-india-reliance-jio --yes
    """
    from dealtrack.services.deals import remove_deal

    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError(f"rm deletes {deal} and its history; add --yes to confirm")
        if not click.confirm(f"Delete deal {deal} and its history?", err=True):
            raise Refused("nothing deleted")
    key = run(True, lambda s, n: remove_deal(s, deal).key)
    confirm(f'Removed deal "{key}"')


COMMANDS = (add, status, value, note, edit, void, rm)
