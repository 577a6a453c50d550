"""Shell completion of deal keys and party names, read from the ledger ``--db`` names.

Completion must never fail loudly or create a ledger, so any problem completes nothing.
"""

from typing import Any

import click
from click.shell_completion import CompletionItem


def _complete(what: str, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    try:
        from dealtrack.db import open_ledger
        from dealtrack.location import locate
        from dealtrack.records import completions

        ledger = open_ledger(locate(ctx.find_root().params.get("db")), write=False)
        try:
            with ledger.session(write=False) as session:
                return [CompletionItem(v) for v in completions(session, what, incomplete)]
        finally:
            ledger.close()
    except Exception:  # a missing or busy ledger simply offers nothing
        return []


def complete_deal(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete("deal", ctx, incomplete)


def complete_party(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete("party", ctx, incomplete)
