"""``party`` commands: add, edit, rm, list, show, link, unlink (and merge, history)."""

from typing import Any

import click

from dealtrack.cli import types
from dealtrack.cli.completion import complete_party
from dealtrack.cli.options import check_fields, output_options, source_from, source_options
from dealtrack.cli.party_events import party_history, party_merge
from dealtrack.cli.transactions import confirm, emit, emit_table, run, terminal_width
from dealtrack.names import InvalidName, check_party_name
from dealtrack.render import FLAT_FORMATS


def party_names(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Refuse a name that may not become a party (``;``, NUL, control characters) as usage (exit 2).

    Checks a name, a tuple of names or of ``(role, name)`` pairs; None passes.
    """
    items = value if isinstance(value, tuple) else (value,)
    for item in items:
        name = item[1] if isinstance(item, tuple) else item
        if name is None:
            continue
        try:
            check_party_name(name)
        except InvalidName as error:
            raise click.BadParameter(str(error), ctx, param) from None
    return value


@click.group()
def party() -> None:
    """Record and inspect parties: companies, units, funds, people, governments.

    \b
    Example:
      dealtrack party add "TikTok India" --kind unit --parent ByteDance --country IN
    """


@party.command("add")
@click.argument("name", callback=party_names)
@click.option(
    "--kind",
    type=types.PARTY_KIND,
    help="company (default), unit, fund, person, government, other.",
)
@click.option("--country", type=types.COUNTRY, help="ISO 3166 alpha-2 code, e.g. IN.")
@click.option(
    "--parent",
    metavar="NAME",
    callback=party_names,
    shell_complete=complete_party,
    help="The party this one belongs to.",
)
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="A",
    callback=party_names,
    help="Another name it goes by (repeatable).",
)
def party_add(
    name: str, kind: str | None, country: str | None, parent: str | None, aliases: tuple[str, ...]
) -> None:
    """Record a new party NAME.

    \b
    Example:
      dealtrack party add "Glance Digital Experience" --alias Glance --parent InMobi
    """
    from dealtrack.services.parties import add_party

    shown = run(True, lambda s, n: add_party(s, name, kind, country, parent, aliases, n).name)
    confirm(f'Added party "{shown}"')


@party.command("edit")
@click.argument("name", shell_complete=complete_party)
@click.option("--name", "new_name", metavar="NEW", callback=party_names, help="Rename the party.")
@click.option("--kind", type=types.PARTY_KIND)
@click.option("--country", type=types.COUNTRY)
@click.option("--parent", metavar="NAME", callback=party_names, shell_complete=complete_party)
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="A",
    callback=party_names,
    help="Add an alias (repeatable).",
)
@click.option(
    "--remove-alias", "removed", multiple=True, metavar="A", help="Remove an alias (repeatable)."
)
@click.option("--on", type=types.EFFECTIVE_DATE, help="When it took the new name [default: today].")
@source_options
def party_edit(
    name: str,
    new_name: str | None,
    kind: str | None,
    country: str | None,
    parent: str | None,
    aliases: tuple[str, ...],
    removed: tuple[str, ...],
    on: Any,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
) -> None:
    """Change party NAME (found by name or alias).

    A new name keeps the old one as an alias and is recorded in the party's history; --on and
    --source say when it took effect and who reported it.

    \b
    Example:
      dealtrack party edit Glance --country IN --alias "Glance InMobi"
    """
    from dealtrack.cli.transactions import today
    from dealtrack.services.parties import Renaming, edit_party

    renamed = None
    if new_name is not None:
        renamed = Renaming(new_name, on or today(), source_from(outlet, url, attribution))
    elif on is not None or outlet or url or attribution:
        raise click.UsageError("--on and --source date and source a new name; give --name")
    shown = run(
        True,
        lambda s, n: edit_party(s, name, kind, country, parent, aliases, removed, n, renamed).name,
    )
    confirm(f'Edited party "{shown}"')


@party.command("rm")
@click.argument("name", shell_complete=complete_party)
def party_rm(name: str) -> None:
    """Delete party NAME; only a party that no deal names.

    \b
    Example:
      dealtrack party rm Googel
    """
    from dealtrack.services.parties import remove_party

    shown = run(True, lambda s, n: remove_party(s, name))
    confirm(f'Removed party "{shown}"')


@party.command("list")
@click.option("--kind", type=types.PARTY_KIND, help="Only parties of this kind.")
@output_options
def party_list(kind: str | None, fmt: str, fields: Any, no_headers: bool) -> None:
    """List parties with their kind, country, parent, aliases and deal count.

    \b
    Example:
      dealtrack party list --kind fund -f csv
    """
    from dealtrack import render
    from dealtrack.records import list_parties

    records = run(False, lambda s, n: list_parties(s, kind))
    if fmt == "json":
        emit(render.to_json(records))
    elif fmt == "jsonl":
        emit(render.to_jsonl(records))
    else:
        known = ["name", "kind", "country", "parent", "aliases", "deals"]
        check_fields(fields, known)
        names = ("name", "parent", "aliases")  # cut to fit a terminal; kind and counts never are
        shown = fields or known
        text = render.render_rows(records, shown, fmt, not no_headers, terminal_width(), names)
        emit_table(text, fmt, len(records), "parties")


@party.command("show")
@click.argument("name", shell_complete=complete_party)
@click.option("--as-of", type=types.DATE, help="Links in force on this date's last day.")
@click.option("--tree", is_flag=True, help="Draw what the party controls, indented, with stakes.")
@output_options
def party_show(name: str, as_of: Any, tree: bool, fmt: str, fields: Any, no_headers: bool) -> None:
    """Show party NAME (or alias): its deals by role, parent, units, aliases and links in force.

    \b
    Example:
      dealtrack party show ByteDance
      dealtrack party show "Reliance Industries" --tree
    """
    from dealtrack import render
    from dealtrack.cli.cards import party_card
    from dealtrack.output_columns import compact_value
    from dealtrack.records import party_card as card_of

    if tree:
        from dealtrack.link_records import control_tree, tree_lines

        drawn = run(False, lambda s, n: control_tree(s, name, as_of))
        emit(render.to_json(drawn) if fmt == "json" else "\n".join(tree_lines(drawn)) + "\n")
        return
    record = run(False, lambda s, n: card_of(s, name, as_of))
    if fmt == "json":
        emit(render.to_json(record))
    elif fmt == "jsonl":
        emit(render.to_jsonl([record]))
    elif fmt in FLAT_FORMATS or fields:
        known = ["key", "role", "status", "amount", "high", "currency", "basis", "value"]
        check_fields(fields, known)
        rows = [
            {
                "key": d["key"],
                "role": d["role"],
                "status": d["status"],
                **(d["value"] or {}),
                "value": compact_value(d["value"]),
            }
            for d in record["deals"]
        ]
        emit(render.render_rows(rows, fields or known[:-1], fmt, not no_headers))
    else:
        emit(party_card(record, fmt))


class StakeType(click.ParamType[int]):
    """A stake in percent, exact to 0.01, kept as hundredths of a percent."""

    name = "PCT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from dealtrack.domain.links import StakeError, parse_stake

        if isinstance(value, int):
            return value
        try:
            return parse_stake(str(value))
        except StakeError as error:
            self.fail(str(error), param, ctx)


_LINK_KINDS = (
    click.option(
        "--owns", "kind", flag_value="owns", help="HOLDER owns PARTY (control, or --stake)."
    ),
    click.option(
        "--backs", "kind", flag_value="backs", help="HOLDER invests in or lends to PARTY."
    ),
    click.option("--leads", "kind", flag_value="leads", help="HOLDER runs PARTY (control)."),
)


def _link_options(function: Any) -> Any:
    for option in reversed(_LINK_KINDS):
        function = option(function)
    return function


def _required_kind(kind: str | None) -> str:
    if kind is None:
        raise click.UsageError("say how HOLDER is linked to PARTY: --owns, --backs or --leads")
    return kind


@party.command("link")
@click.argument("holder", callback=party_names, shell_complete=complete_party)
@_link_options
@click.argument("party_name", metavar="PARTY", callback=party_names, shell_complete=complete_party)
@click.option(
    "--stake", type=StakeType(), help="Percent owned, e.g. 39.5 (more than 50 is control)."
)
@click.option("--on", type=types.EFFECTIVE_DATE, help="Since when (omitted: known, undated).")
@click.option("--until", type=types.DATE, help="Until when, if it has ended.")
@source_options
@click.option("--note", help="A note on the link.")
def party_link(
    holder: str,
    kind: str | None,
    party_name: str,
    stake: int | None,
    on: Any,
    until: Any,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
    note: str | None,
) -> None:
    """Record that HOLDER owns, backs or leads PARTY.

    Unknown parties are created. An undated link counts as always in force.

    \b
    Example:
      dealtrack party link SoftBank --backs ByteDance --source Bloomberg
    """
    from dealtrack.domain.links import stake_problem
    from dealtrack.services.links import LinkChange, link_parties

    kind = _required_kind(kind)
    if problem := stake_problem(kind, stake):
        raise click.UsageError(f"--stake: {problem}")
    change = LinkChange(
        holder, kind, party_name, on, stake, until, source_from(outlet, url, attribution), note
    )
    recorded = run(True, lambda s, n: link_parties(s, change, True, n))
    if recorded.event_id is not None:
        confirm(f"Recorded event {recorded.event_id}: {_described(recorded, change)}")


@party.command("unlink")
@click.argument("holder", callback=party_names, shell_complete=complete_party)
@_link_options
@click.argument("party_name", metavar="PARTY", callback=party_names, shell_complete=complete_party)
@click.option("--on", type=types.EFFECTIVE_DATE, required=True, help="When the link ended.")
@source_options
@click.option("--note", help="A note on the end of the link.")
def party_unlink(
    holder: str,
    kind: str | None,
    party_name: str,
    on: Any,
    outlet: str | None,
    url: str | None,
    attribution: str | None,
    note: str | None,
) -> None:
    """Record that HOLDER no longer owns, backs or leads PARTY, from a date.

    \b
    Example:
      dealtrack party unlink SoftBank --backs ByteDance --on 2024-06 --source Reuters
    """
    from dealtrack.services.links import LinkChange, unlink_parties

    change = LinkChange(
        holder,
        _required_kind(kind),
        party_name,
        on,
        source=source_from(outlet, url, attribution),
        note=note,
    )
    recorded = run(True, lambda s, n: unlink_parties(s, change, n))
    if recorded.event_id is not None:
        confirm(f"Recorded event {recorded.event_id}: {_described(recorded, change, ended=True)}")


def _described(recorded: Any, change: Any, ended: bool = False) -> str:
    from dealtrack.domain.links import stake_words

    stake = f" {stake_words(change.stake)} of" if change.stake is not None else ""
    text = f"{recorded.holder} {change.kind}{stake} {recorded.party}"
    if ended:
        return f"{text} until {change.on}"
    if change.on is not None:
        text += f" since {change.on}"
    return text + (f" until {change.until}" if change.until is not None else "")


party.add_command(party_merge)
party.add_command(party_history)

COMMANDS = (party,)
