"""``fx set``, ``fx import`` and ``fx list``: the exchange rates the ledger holds.

Services and the rate data are imported inside the callbacks (the start-up rule).
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dealtrack.cli import types
from dealtrack.cli.options import check_fields, output_options
from dealtrack.cli.transactions import emit, note_if_empty, run

if TYPE_CHECKING:
    from decimal import Decimal

RATE_FIELDS = ("on", "base", "currency", "rate", "source")


class RateType(click.ParamType["Decimal"]):
    """A positive exact decimal of at most 12 significant digits."""

    name = "RATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from dealtrack.domain.rate_text import RateError, parse_rate

        try:
            return parse_rate(str(value))
        except RateError as error:
            self.fail(str(error), param, ctx)


def _day(value: Any, name: str) -> Any:
    """A rate is dated to the day: a month or a year is refused (exit 2)."""
    from dealtrack.dates import Precision

    if value is not None and value.precision is not Precision.DAY:
        raise click.BadParameter(
            f"'{value}' is a {value.precision.value}; a rate is dated to the day (YYYY-MM-DD)",
            param_hint=f"'{name}'",
        )
    return value.start if value is not None else None


@click.group()
def fx() -> None:
    """Exchange rates: the ledger's own, used before the built-in ECB ones.

    Values convert with --in CUR on list, show and report: at the rate on or before the value's
    date (at most 7 days older), the ledger's rates first on one date, else the European Central
    Bank's reference rates that come with dealtrack.

    \b
    Example:
      dealtrack fx set INR USD 0.0135 --on 2020-08-28 --source RBI
    """


@fx.command("set")
@click.argument("base", metavar="FROM", type=types.CURRENCY)
@click.argument("currency", metavar="TO", type=types.CURRENCY)
@click.argument("rate", type=RateType())
@click.option("--on", type=types.EFFECTIVE_DATE, help="The rate's day [default: today].")
@click.option("--source", metavar="OUTLET", help="Where the rate comes from (e.g. RBI).")
def fx_set(base: str, currency: str, rate: "Decimal", on: Any, source: str | None) -> None:
    """Record that 1 FROM = RATE TO on a day (a later set of one day replaces it).

    \b
    Example:
      dealtrack fx set INR USD 0.0135 --on 2020-08-28 --source RBI
    """
    import datetime

    from dealtrack.domain.rate_text import rate_text
    from dealtrack.services.fx import set_rate

    day = _day(on, "--on") or datetime.date.today()
    outcome = run(True, lambda s, n: set_rate(s, base, currency, rate, day, source))
    said = f"1 {base} = {rate_text(rate)} {currency} on {day}" + (f" ({source})" if source else "")
    click.echo(
        {
            "added": f"Recorded rate: {said}",
            "updated": f"Replaced the rate of that day: {said}",
            "unchanged": f"Nothing recorded: the ledger already holds {said}",
        }[outcome],
        err=True,
    )


@fx.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--ecb", is_flag=True, help="FILE is the ECB's eurofxref-hist.zip or eurofxref-hist.csv."
)
def fx_import(file: Path, ecb: bool) -> None:
    """Import rates from FILE: all of them, or none if any row has a problem.

    Columns date, currency, rate, base, source: 1 base = rate currency; base defaults to EUR.
    CSV, TSV, JSON or JSON Lines, by the file's extension. Importing a file again changes
    nothing; a rate of a pair and day the ledger holds is replaced.

    \b
    Example:
      dealtrack fx import rates.csv
      dealtrack fx import --ecb eurofxref-hist.zip
    """
    from dealtrack.errors import DealtrackError
    from dealtrack.services.fx import import_ecb, import_rates

    shown = str(file)
    if not file.exists():
        raise DealtrackError(f"no file {shown}")
    reader = import_ecb if ecb else import_rates
    counts = run(True, lambda s, n: reader(s, file, shown))
    click.echo(
        f"Imported {counts.rows} rate{'s' if counts.rows != 1 else ''}: {counts.added} added, "
        f"{counts.updated} updated, {counts.unchanged} unchanged",
        err=True,
    )


@fx.command("list")
@click.argument("currency", metavar="[CUR]", required=False, type=types.CURRENCY)
@click.option("--since", type=types.DATE, help="Rates on or after this date's first day.")
@click.option("--until", type=types.DATE, help="Rates on or before this date's last day.")
@click.option(
    "--built-in",
    "built_in",
    is_flag=True,
    help="Also list the built-in ECB rates (source ECB); needs CUR or --since.",
)
@output_options
def fx_list(
    currency: str | None,
    since: Any,
    until: Any,
    built_in: bool,
    fmt: str,
    fields: Any,
    no_headers: bool,
) -> None:
    """List the ledger's own rates (of CUR, either way round), by date.

    The built-in ECB rates apply where the ledger has none; --built-in lists them too (1 EUR =
    rate CUR, source ECB), after the ledger's own on one date. They are forty currencies a
    working day since 1999, so --built-in needs a currency or --since.

    \b
    Example:
      dealtrack fx list INR --since 2020
      dealtrack fx list USD --built-in --since 2020-08-24 --until 2020-08-31
    """
    from dealtrack import render
    from dealtrack.services.fx import list_rates

    if built_in and currency is None and since is None:
        raise click.UsageError(
            "--built-in lists thousands of rates; name a currency or give --since"
        )
    check_fields(fields, RATE_FIELDS)
    start = since.start if since is not None else None
    end = until.last_day if until is not None else None
    rates = run(False, lambda s, n: list_rates(s, currency, start, end, built_in))
    if fmt == "json":
        emit(render.to_json(rates))
    elif fmt == "jsonl":
        emit(render.to_jsonl(rates))
    else:
        emit(render.render_rows(rates, fields or RATE_FIELDS, fmt, not no_headers))
        note_if_empty(fmt, len(rates), "rates")
        if not rates and not built_in and render.is_table(fmt):
            click.echo("Note: the built-in ECB rates are listed with --built-in", err=True)


COMMANDS = (fx,)
