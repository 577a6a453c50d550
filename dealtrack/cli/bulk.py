"""``import`` and ``export``: scripted feeds in and out of the ledger."""

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from dealtrack.bulk.rows import COLUMNS
from dealtrack.cli.files import write_private_file
from dealtrack.cli.options import filter_options, filters_from
from dealtrack.cli.transactions import confirm, run, today
from dealtrack.render import FLAT_FORMATS, JSON_FORMATS, OWN_FORMATS

if TYPE_CHECKING:
    from dealtrack.bulk.outcomes import ImportResult
    from dealtrack.bulk.rows import FileForms

# Export offers the ledger document first: it is the default and the one that round-trips.
_EXPORT_FORMATS = (*JSON_FORMATS, *FLAT_FORMATS)


def _pairs(values: tuple[str, ...], option: str, check_field: bool = True) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not FIELD=VALUE", param_hint=f"'{option}'")
        if check_field and name not in COLUMNS:
            raise click.BadParameter(
                f"{name!r} is not an import field; use one of: {', '.join(COLUMNS)}",
                param_hint=f"'{option}'",
            )
        pairs[name] = rest
    return pairs


@click.command("import")
@click.argument("file", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OWN_FORMATS),
    help="Required for stdin.",
)
@click.option(
    "--delimiter",
    metavar="CHAR",
    help="The CSV delimiter [default: ',', or ';' or '|' when the header has no comma].",
)
@click.option(
    "--decimal-comma", is_flag=True, help="A comma in an amount is its decimal mark (2,5 is 2.5)."
)
@click.option(
    "--grouping-comma", is_flag=True, help="A comma in an amount groups digits (2,500 is 2500)."
)
@click.option(
    "--date-format", metavar="FMT", help="The file's dates in strftime form, e.g. '%m/%d/%Y'."
)
@click.option(
    "--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Read FIELD from a foreign COLUMN."
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Fill FIELD where the file lacks it.",
)
@click.option("--ignore", multiple=True, metavar="COLUMN", help="Skip a column (repeatable).")
@click.option("--ignore-extra", is_flag=True, help="Skip every column dealtrack does not know.")
@click.option(
    "--dry-run", is_flag=True, help="Write nothing; print what would be added or updated."
)
@click.option(
    "--on-conflict",
    type=click.Choice(["update", "skip", "fail"]),
    default="update",
    show_default=True,
    help="What to do with a row that matches an existing deal.",
)
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid rows; exit 3 if any was rejected."
)
@click.option(
    "--rejects", type=click.Path(dir_okay=False, path_type=Path), help="Write rejected rows here."
)
@click.option(
    "--links",
    is_flag=True,
    help="Read links between parties (holder, kind, party, stake, since, until, source, url, "
    "attribution, note) instead of deals.",
)
def import_(
    file: str,
    fmt: str | None,
    delimiter: str | None,
    decimal_comma: bool,
    grouping_comma: bool,
    date_format: str | None,
    maps: tuple[str, ...],
    sets: tuple[str, ...],
    ignore: tuple[str, ...],
    ignore_extra: bool,
    dry_run: bool,
    on_conflict: str,
    skip_invalid: bool,
    rejects: Path | None,
    links: bool,
) -> None:
    """Import deals from a CSV, TSV, JSON or JSON Lines FILE (or - for stdin), atomically.

    With --links, the file holds links between parties, one a row, each recorded as party
    link records it.

    \b
    Example:
      dealtrack import acquisitions.csv --map target=company_name \\
          --map acquirers=acquirer_name --map reported=acquired_at \\
          --ignore-extra --set status=completed
      dealtrack import --links stakes.csv
    """
    from dealtrack.bulk.importer import ImportOptions, import_stream
    from dealtrack.bulk.input_files import format_of
    from dealtrack.bulk.rows import plan_columns

    kind = format_of(file, fmt)
    if links:
        _refuse_with_links(maps, sets, ignore, ignore_extra, on_conflict, rejects,
                           decimal_comma or grouping_comma or date_format is not None)  # fmt: skip
        _import_links(file, kind, delimiter, dry_run, skip_invalid)
        return
    forms = _forms(kind, delimiter, decimal_comma, grouping_comma, date_format)
    columns = plan_columns(
        _pairs(maps, "--map"), _pairs(sets, "--set"), ignore, ignore_extra, forms
    )
    options = ImportOptions(
        columns, on_conflict, skip_invalid, rejects, _progress_line(), keep_plan=dry_run
    )
    source = "<stdin>" if file == "-" else file
    stream = _open_input(file)
    with stream:
        result = run(
            True,
            lambda s, n: import_stream(s, stream, source, kind, options, today()),
            dry_run=dry_run,
            references_at_end=True,
        )
    if options.progress is not None:
        click.echo("\r\033[K", err=True, nl=False)
    _report(result, dry_run)


def _report(result: "ImportResult", dry_run: bool) -> None:
    """The problems of rejected rows, a dry run's plan, the summary; exit 3 if any was rejected."""
    from dealtrack.bulk.outcomes import summary

    for line in result.problems:
        click.echo(line, err=True)
    if dry_run and result.plan is not None:
        for action, key in result.plan:
            click.echo(f"{action}\t{key}")
    confirm(summary(result, dry_run))
    if result.rejected:
        raise SystemExit(3)


def _refuse_with_links(
    maps: tuple[str, ...],
    sets: tuple[str, ...],
    ignore: tuple[str, ...],
    ignore_extra: bool,
    on_conflict: str,
    rejects: Path | None,
    number_forms: bool,
) -> None:
    """The options that read deals only."""
    given = [
        name
        for name, used in (
            ("--map", maps), ("--set", sets), ("--ignore", ignore), ("--ignore-extra", ignore_extra),
            ("--on-conflict", on_conflict != "update"), ("--rejects", rejects),
            ("--decimal-comma, --grouping-comma and --date-format", number_forms),
        )
        if used
    ]  # fmt: skip
    if given:
        raise click.UsageError(f"{given[0]} reads deals, not --links")


def _import_links(
    file: str, kind: str, delimiter: str | None, dry_run: bool, skip_invalid: bool
) -> None:
    from dealtrack.bulk.links import LinkFile, import_links

    delimiter = _forms(kind, delimiter, False, False, None).delimiter  # checked as for deals
    source = "<stdin>" if file == "-" else file
    with _open_input(file) as stream:
        link_file = LinkFile(stream, source, kind, delimiter, skip_invalid)
        result = run(True, lambda s, n: import_links(s, link_file, today()), dry_run=dry_run)
    _report(result, dry_run)


def _progress_line() -> Callable[[str, int, int | None], None] | None:
    """A self-erasing ``Reading… N rows`` (then ``Writing… N of M rows``) line on stderr, only
    when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(phase: str, done: int, total: int | None) -> None:
        of = "" if total is None else f" of {total:,}"
        click.echo(f"\r\033[K{phase.capitalize()}… {done:,}{of} rows", err=True, nl=False)

    return show


def _forms(
    kind: str,
    delimiter: str | None,
    decimal_comma: bool,
    grouping_comma: bool,
    date_format: str | None,
) -> "FileForms":
    """How the file writes its cells, from the options that say so (checked here: usage)."""
    from dealtrack.bulk.rows import FileForms
    from dealtrack.dates import DateError, check_date_format

    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t"}.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1 or delimiter in '"\r\n' or delimiter.isalnum():
            raise click.BadParameter(
                f"{delimiter!r} is not a delimiter; give one character such as ';', '|' or tab",
                param_hint="'--delimiter'",
            )
        if kind not in FLAT_FORMATS:
            raise click.UsageError(f"--delimiter reads CSV and TSV files, not {kind.upper()}")
    if decimal_comma and grouping_comma:
        raise click.UsageError("give --decimal-comma or --grouping-comma, not both")
    if date_format is not None:
        try:
            check_date_format(date_format)
        except DateError as error:
            raise click.BadParameter(str(error), param_hint="'--date-format'") from None
    commas = "decimal" if decimal_comma else "grouping" if grouping_comma else None
    return FileForms(delimiter, commas, date_format)


def _open_input(file: str) -> BinaryIO:
    if file == "-":
        return _standard_input()
    try:
        return open(file, "rb")
    except FileNotFoundError:
        raise click.BadParameter(f"no such file: {file}", param_hint="'FILE'") from None
    except OSError as error:
        raise click.BadParameter(
            f"cannot read {file}: {error.strerror}", param_hint="'FILE'"
        ) from None


def _standard_input() -> BinaryIO:
    """Standard input as a file of its own. A CSV or TSV import reads its file in a process it
    forks, and multiprocessing closes ``sys.stdin`` in every process it starts: the import reads
    a duplicate of the descriptor instead, which stays open there."""
    try:
        descriptor = sys.stdin.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return sys.stdin.buffer  # a stream with no descriptor (CliRunner's), read as it is
    return os.fdopen(os.dup(descriptor), "rb")


@click.command()
@filter_options
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(_EXPORT_FORMATS),
    help="[default: from -o's extension, else json]",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (0600) instead of stdout.",
)
@click.option(
    "--raw", is_flag=True, help="Do not neutralise spreadsheet formulas in csv/tsv text cells."
)
def export(fmt: str | None, output: Path | None, raw: bool, **options: Any) -> None:
    """Export the ledger: a json/jsonl ledger document, or csv/tsv rows in the import columns.

    \b
    Example:
      dealtrack export -o ledger.json && dealtrack --db copy.db import ledger.json
    """
    from dealtrack.bulk.exporter import export as write_export

    filters = filters_from(options)
    kind = fmt or _format_from(output)
    if output is None:
        run(False, lambda s, n: write_export(sys.stdout, s, kind, filters, n, raw))
        return
    run(
        False,
        lambda s, n: write_private_file(
            output, lambda out: write_export(out, s, kind, filters, n, raw)
        ),
    )
    confirm(f"Exported to {output}")


def _format_from(output: Path | None) -> str:
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return suffix if suffix in _EXPORT_FORMATS else "json"


COMMANDS = (import_, export)
