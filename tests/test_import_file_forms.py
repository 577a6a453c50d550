"""Imports forgive a file's form, never its content: ';' and '|' delimiters, decimal commas,
dates in the file's own form, UTF-16 as Excel saves it, runaway quotes named with their lines,
a missing file, and Ctrl-C once the commit has begun."""

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from tests.conftest import Invoke
from tests.import_files import write
from tests.ledger_json import deal, deals

HEADER = "key;target;acquirers;value;reported;status\n"


def amount_of(run: Invoke, key: str) -> str:
    return str(deal(run, key)["value"]["amount"])


def test_a_header_with_semicolons_and_no_comma_is_read_with_semicolons(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", HEADER + "a;Alpha;Beta, Inc.;EUR 3m;2021-02-13;agreed\n")
    result = run("import", path)
    assert (result.exit_code, result.stdout) == (0, "")
    assert deal(run, "a")["parties"][1] == {"name": "Beta, Inc.", "role": "acquirer"}
    assert amount_of(run, "a") == "3000000.00"


def test_a_header_with_pipes_and_no_comma_is_read_with_pipes(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path, "d.csv", HEADER.replace(";", "|") + "a|Alpha|Beta|EUR 2,5m|2021|agreed\n"
    )
    assert run("import", path).exit_code == 0
    assert amount_of(run, "a") == "2500000.00"


def test_delimiter_option_reads_a_file_whose_header_has_commas_too(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.txt", "key;target;reported;notes,more\na;Alpha;2021;x\n")
    result = run("import", path, "--format", "csv", "--delimiter", ";", "--ignore", "notes,more")
    assert (result.exit_code, result.stderr[:8]) == (0, "Imported")


def test_a_bad_delimiter_is_a_usage_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "key,target\n")
    result = run("import", path, "--delimiter", ";;")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--delimiter': ';;' is not a delimiter; give one character "
        "such as ';', '|' or tab\n"
    )
    result = run("import", write(tmp_path, "d.json", "[]"), "--delimiter", ";")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --delimiter reads CSV and TSV files, not JSON\n")


def test_a_semicolon_file_reads_unambiguous_decimal_commas_and_refuses_ambiguous_ones(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "d.csv",
        HEADER
        + "a;A;B;EUR 2,5m;2021;agreed\n"
        + "b;C;D;EUR 1.234,56;2021;agreed\n"
        + "c;E;F;EUR 2,500;2021;agreed\n"
        + "d;G;H;EUR 2.500;2021;agreed\n",
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:4: value: 'EUR 2,500' is ambiguous: is that 2.5 or 2,500? give "
        "--decimal-comma (2.5) or --grouping-comma (2,500)\n"
        f"{path}:5: value: 'EUR 2.500' is ambiguous: is that 2.5 or 2,500? give "
        "--decimal-comma (2.5) or --grouping-comma (2,500)\n"
        f"Error: 2 problems in {path}; nothing imported\n"
    )
    assert run("import", path, "--decimal-comma").exit_code == 0
    assert [amount_of(run, k) for k in "abcd"] == ["2500000.00", "1234.56", "2.50", "2500.00"]


def test_grouping_comma_reads_a_semicolon_files_commas_as_grouping(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", HEADER + "c;E;F;EUR 2,500;2021;agreed\n")
    assert run("import", path, "--grouping-comma").exit_code == 0
    assert amount_of(run, "c") == "2500.00"


def test_a_comma_file_keeps_reading_commas_as_grouping(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", 'key,target,value,reported\nc,E,"EUR 2,500",2021\n')
    assert run("import", path).exit_code == 0
    assert amount_of(run, "c") == "2500.00"


def test_decimal_comma_and_grouping_comma_together_are_a_usage_error(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", HEADER)
    result = run("import", path, "--decimal-comma", "--grouping-comma")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: give --decimal-comma or --grouping-comma, not both\n")


def test_date_format_reads_the_files_dates(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path, "d.csv", "key,target,reported,date\na,A,1/18/2022,2/3/2022\nb,B,2022-01-18,\n"
    )
    assert run("import", path, "--date-format", "%m/%d/%Y").exit_code == 0
    assert deal(run, "a")["reported"] == "2022-01-18"
    assert deal(run, "b")["reported"] == "2022-01-18"


def test_a_foreign_date_without_date_format_is_a_row_problem_that_suggests_it(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "key,target,reported\na,A,1/18/2022\n")
    result = run("import", path)
    assert (result.exit_code, result.stderr) == (
        1,
        f"{path}:2: reported: '1/18/2022' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
        "(e.g. 2021-02-13) or 'today'; if the file writes its dates this way, say how with "
        "--date-format (e.g. '%m/%d/%Y' for 1/18/2022)\n"
        f"Error: 1 problem in {path}; nothing imported\n",
    )


def test_a_date_not_in_the_date_format_is_a_row_problem(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "key,target,reported\na,A,18.01.2022\n")
    result = run("import", path, "--date-format", "%m/%d/%Y")
    assert result.stderr.splitlines()[0] == (
        f"{path}:2: reported: '18.01.2022' does not match --date-format '%m/%d/%Y' "
        "(which writes 2021-02-13 as '02/13/2021')"
    )


def test_a_date_format_without_a_year_is_a_usage_error(run: Invoke, tmp_path: Path) -> None:
    result = run("import", write(tmp_path, "d.csv", "key\n"), "--date-format", "%m/%d")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--date-format': '%m/%d' names no year; use %Y (2022) or "
        "%y (22), e.g. '%m/%d/%Y'\n"
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_its_bom_is_read(run: Invoke, tmp_path: Path, codec: str) -> None:
    text = "key\ttarget\treported\nc-deal\tĊapital ਅ\t2021\n"  # U+010A and U+0A05 hold 0A bytes
    bom = "\ufeff".encode(codec)
    path = write(tmp_path, "d.tsv", bom + text.encode(codec))
    result = run("import", path)
    assert result.exit_code == 0, result.stderr
    assert deal(run, "c-deal")["target"] == "Ċapital ਅ"


def test_a_bad_utf16_line_is_reported_with_its_line(run: Invoke, tmp_path: Path) -> None:
    good = "key\ttarget\treported\na\tA\t2021\n".encode("utf-16-le")
    lone_surrogate = b"b\x00\t\x00\x00\xd8\t\x002\x000\x002\x001\x00\n\x00"
    path = write(tmp_path, "d.tsv", b"\xff\xfe" + good + lone_surrogate)
    result = run("import", path)
    assert (result.exit_code, result.stderr) == (
        1,
        f"{path}:3: row: invalid UTF-16 on line 3; save the file as UTF-8 (or as UTF-16 with "
        "its byte-order mark)\n"
        f"Error: 1 problem in {path}; nothing imported\n",
    )


def runaway_file(tmp_path: Path) -> str:
    rows = [f"k{n},Target {n},Buyer {n},2021" for n in range(1, 8)]
    rows[1] = 'k2,"Target 2,Buyer 2,2021'  # its quote swallows k3…k5
    rows[5] = 'k6,Target 6",Buyer 6,2021'
    return write(tmp_path, "d.csv", "key,target,acquirers,reported\n" + "\n".join(rows) + "\n")


def test_a_runaway_quote_is_named_with_its_lines(run: Invoke, tmp_path: Path) -> None:
    path = runaway_file(tmp_path)
    result = run("import", path)
    assert (result.exit_code, result.stderr) == (
        1,
        f"{path}:3: row: a quote opened on line 3 runs to line 7; is a closing quote missing?\n"
        f"Error: 1 problem in {path}; nothing imported\n",
    )


def test_skip_invalid_counts_the_lines_a_runaway_quote_rejected(
    run: Invoke, tmp_path: Path
) -> None:
    result = run("import", runaway_file(tmp_path), "--skip-invalid")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1].startswith(
        "Imported 3 rows: 2 added, 0 updated, 0 unchanged, 1 rejected (5 lines) in "
    )
    assert [d["key"] for d in deals(run)] == ["k1", "k7"]


def test_a_quote_open_at_the_end_of_the_file_is_named(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", 'key,target,reported\na,A,2021\nb,"B,2021\nc,C,2021\n')
    result = run("import", path)
    assert result.stderr.splitlines()[0] == (
        f"{path}:3: row: a quote opened on line 3 runs to line 4; is a closing quote missing?"
    )


def test_multi_line_notes_are_never_flagged(run: Invoke, tmp_path: Path) -> None:
    note = "first line\nk9,Target 9,Buyer 9,2021\nthird, with commas, line\nlast"
    path = write(
        tmp_path,
        "d.csv",
        f'key,target,acquirers,reported,notes\nk1,T,B,2021,"{note}"\nk2,U,C,2021,\n',
    )
    result = run("import", path)
    assert result.exit_code == 0, result.stderr
    assert deal(run, "k1")["notes"] == [note]


def test_a_missing_file_says_no_such_file(run: Invoke, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: Invalid value for 'FILE': no such file: {tmp_path / 'nope.csv'}\n"
    )


@pytest.fixture
def ctrl_c_at(request: pytest.FixtureRequest, run: Invoke) -> Iterator[None]:
    """Press Ctrl-C (SIGINT to this process) once, in a ledger that exists already, from inside
    a session event: ``after_transaction_end`` of the command's transaction (once committed,
    not a savepoint's), or ``do_orm_execute``, its first query."""
    assert run("party", "add", "Someone").exit_code == 0
    pressed: list[bool] = []

    def press(session: Session, *args: Any) -> None:
        if args and isinstance(args[0], SessionTransaction) and args[0].parent is not None:
            return  # a savepoint's end: the command's own commit is still to come
        if not pressed:
            pressed.append(True)
            signal.raise_signal(signal.SIGINT)

    event.listen(Session, request.param, press)
    yield
    event.remove(Session, request.param, press)


@pytest.mark.parametrize("ctrl_c_at", ["after_transaction_end"], indirect=True)
def test_ctrl_c_after_the_commit_lets_the_import_finish_and_report_it(
    run: Invoke, tmp_path: Path, ctrl_c_at: None
) -> None:
    path = write(tmp_path, "d.csv", "key,target,reported\na,A,2021\n")
    result = run("import", path)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Imported 1 row: 1 added, 0 updated, 0 unchanged, 0 rejected in ")
    assert lines[1:] == [
        "Note: Ctrl-C came once the changes were being committed; the command finished, as "
        "reported above"
    ]
    assert [d["key"] for d in deals(run)] == ["a"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("ctrl_c_at", ["do_orm_execute"], indirect=True)
def test_ctrl_c_before_the_commit_leaves_the_ledger_as_it_was_and_says_so(
    run: Invoke, tmp_path: Path, ctrl_c_at: None
) -> None:
    path = write(tmp_path, "d.csv", "key,target,reported\na,A,2021\n")
    result = run("import", path)
    assert (result.exit_code, result.stderr) == (
        130,
        "Error: interrupted; the ledger is as it was before the command\n",
    )
    assert deals(run) == []
