"""``conflicts``: parties that stand on both sides of a deal, and the links that put them there."""

from typing import Any

import click

from dealtrack.cli.completion import complete_deal
from dealtrack.cli.options import check_fields, filter_options, filters_from, output_options
from dealtrack.cli.transactions import emit, run
from dealtrack.render import JSON_FORMATS, OWN_FORMATS

COLUMNS = ("deal", "party", "kind", "buy side", "sell side")


@click.command()
@click.argument("deal", required=False, shell_complete=complete_deal)
@filter_options
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="At most N links from a party to each side.",
)
@click.option("--limit", type=click.IntRange(min=0), help="At most N conflicts.")
@click.option(
    "--all", "with_normal", is_flag=True, help="Also toeholds and rollovers (not conflicts)."
)
@output_options
def conflicts(
    deal: str | None,
    depth: int,
    limit: int | None,
    with_normal: bool,
    fmt: str,
    fields: Any,
    no_headers: bool,
    **options: Any,
) -> None:
    """Show who stands on both sides of DEAL, or of every deal FILTERS select.

    A party is in conflict when it reaches the buy side (acquirers, backers) and the sell side
    (target, sellers) on the deal's reported date (or --as-of), each through at most --depth
    links (parents, owns, backs, leads, and links implied by completed deals), with at most one
    link of mere interest (backs, a minority stake) in each chain. An adviser that reaches
    either side is one too. With DEAL, of the FILTERS only --as-of applies.

    \b
    Example:
      dealtrack conflicts tiktok-india-glance-digital-experience
    """
    from dealtrack import render
    from dealtrack.domain.conflicts import conflict_words, side_words

    filters = filters_from(options)
    if deal is not None:
        from dealtrack.services.conflicts import deal_conflicts

        found = run(False, lambda s, n: deal_conflicts(s, deal, filters.as_of, depth, with_normal))
        found = found[:limit] if limit is not None else found
    else:
        from dealtrack.services.conflicts import ledger_conflicts

        found = run(False, lambda s, n: ledger_conflicts(s, filters, depth, with_normal, limit, n))
    if fmt in JSON_FORMATS:
        emit(render.to_json(found) if fmt == "json" else render.to_jsonl(found))
    elif deal is not None and fmt not in OWN_FORMATS and not fields:
        emit("".join(conflict_words(c) + "\n" for c in found))
    else:
        check_fields(fields, list(COLUMNS))
        rows = [
            {
                "deal": c["deal"],
                "party": c["party"],
                "kind": c["kind"],
                "buy side": side_words(c["buy"]),
                "sell side": side_words(c["sell"]),
            }
            for c in found
        ]
        emit(render.render_rows(rows, fields or COLUMNS, fmt, not no_headers))
    if not found:
        click.echo("Note: no conflicts", err=True)


COMMANDS = (conflicts,)
