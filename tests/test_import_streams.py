"""``import`` from stdin and from TSV files; the format from ``--format`` or the extension;
the progress line on a terminal."""

import json
import os
import pty
from pathlib import Path

from tests.cli_process import SCRIPT, requires_script, user_env
from tests.conftest import Invoke
from tests.ledger_json import deal, deals
from tests.test_import_csv import STATUS_CHOICES, imported, write


def test_stdin_with_format_imports(run: Invoke) -> None:
    result = run("import", "-", "--format", "csv", input="target,reported\nAcme,2020\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "Imported 1 rows: 1 added, 0 updated, 0 unchanged, 0 rejected in "
    )
    assert [d["key"] for d in deals(run)] == ["acme"]


def test_stdin_problems_name_stdin(run: Invoke) -> None:
    result = run("import", "-", "--format", "csv", input="target,status,reported\nAcme,zz,2020\n")
    assert result.exit_code == 1
    assert result.stderr == (
        f"<stdin>:2: status: 'zz' is not a status; {STATUS_CHOICES}\n"
        "Error: 1 problem in <stdin>; nothing imported\n"
    )


def test_stdin_without_format_is_an_error(run: Invoke, db_path: Path) -> None:
    result = run("import", "-", input="target,reported\nAcme,2020\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: reading stdin needs --format csv, tsv, json or jsonl\n"
    assert not db_path.exists()


def test_tsv_is_read_by_extension_with_tabs(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.tsv",
        "target\tacquirers\tvalue\treported\nAcme, Inc\tBig Co;Mid Co\t$1,500 million\t2020\n",
    )
    imported(run, path)
    got = deal(run, "acme-inc-big-co")
    assert got["target"] == "Acme, Inc"
    assert [p["name"] for p in got["parties"]] == ["Acme, Inc", "Big Co", "Mid Co"]
    assert got["value"]["amount"] == "1500000000.00"


def test_format_option_overrides_the_extension(run: Invoke, tmp_path: Path) -> None:
    imported(run, write(tmp_path, "d.txt", "target\treported\nAcme\t2020\n"), "--format", "tsv")
    assert [d["key"] for d in deals(run)] == ["acme"]


def test_unknown_extension_without_format_is_an_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.txt", "target,reported\nAcme,2020\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot tell the format of {path} from its extension; "
        "give --format csv, tsv, json or jsonl\n"
    )


def test_export_of_a_csv_import_lists_the_same_deal(run: Invoke, tmp_path: Path) -> None:
    imported(run, write(tmp_path, "d.csv", "target,reported\nAcme,2020\n"))
    document = json.loads(run("export").stdout)
    assert [d["key"] for d in document["deals"]] == ["acme"]


def test_malformed_json_record_is_a_row_error_on_its_line(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.json",
        '[\n{"target": "A", "reported": "2020"},\n{"target": "B",\n "status": },\n'
        '{"target": "C", "reported": "2020"}\n]\n',
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:3: row: malformed JSON: Expecting value\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_malformed_jsonl_line_is_reported_on_that_line(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.jsonl",
        '{"target": "A", "reported": "2020"}\n{"target": "B"\n[1, 2]\n',
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: row: malformed JSON: Expecting ',' delimiter\n"
        f"{path}:3: row: expected a JSON object, found an array\n"
        f"Error: 2 problems in {path}; nothing imported\n"
    )


def test_deeply_nested_json_record_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    deep = "[" * 100 + "]" * 100
    path = write(
        tmp_path,
        "d.json",
        '[{"target": "A", "reported": "2020"},\n'
        f'{{"target": "B", "reported": "2020", "x": {deep}}},\n'
        '{"target": "C", "reported": "2020"}]\n',
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: row: JSON nested deeper than 64 levels\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    result = run("import", path, "--skip-invalid")
    assert result.exit_code == 3
    assert [d["key"] for d in deals(run)] == ["a", "c"]


def test_json_flat_records_take_map_set_and_lists(run: Invoke, tmp_path: Path) -> None:
    records = [
        {"company": "Acme", "buyers": ["Big Co", "Mid Co"], "reported": "2020", "uuid": "x"},
        {"company": "Zed", "buyers": "Big Co", "reported": "2021", "uuid": "y", "status": "agreed"},
    ]
    path = write(tmp_path, "d.json", json.dumps(records))
    imported(
        run, path, "--map", "target=company", "--map", "acquirers=buyers",
        "--ignore", "uuid", "--set", "status=completed",
    )  # fmt: skip
    assert [(d["key"], d["status"]) for d in deals(run)] == [
        ("acme-big-co", "completed"),
        ("zed-big-co", "agreed"),
    ]
    assert [p["name"] for p in deal(run, "acme-big-co")["parties"]] == ["Acme", "Big Co", "Mid Co"]


def test_unknown_keys_of_a_flat_json_record_are_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.jsonl", '{"Target": "Acme", "REPORTED": "2020", "uuid": "x"}\n')
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f'{path}:1: row: unknown key "uuid"; map each to a field with --map FIELD=KEY, '
        "or skip it with --ignore KEY (or all with --ignore-extra)\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    imported(run, path, "--ignore-extra")
    assert [d["key"] for d in deals(run)] == ["acme"]


def on_a_terminal(*args: str, home: Path) -> str:
    """Everything ``dealtrack ARGS…`` writes to a terminal (stdout and stderr are the same pty)."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        os.execve(SCRIPT, [str(SCRIPT), *args], user_env(home))
    chunks = []
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO: the command has ended and closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(terminal)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return b"".join(chunks).decode()


@requires_script
def test_a_terminal_sees_rows_read_then_rows_written_then_the_summary(
    ledger_url: str, tmp_path: Path
) -> None:
    rows = "".join(f"Target {n},Buyer,2020\n" for n in range(25_000))
    path = write(tmp_path, "d.csv", "target,acquirers,reported\n" + rows)
    shown = on_a_terminal("--db", ledger_url, "import", path, home=tmp_path).split("\r\033[K")
    assert shown[:-1] == [
        "",
        "Reading… 10,000 rows",
        "Reading… 20,000 rows",
        "Writing… 0 of 25,000 rows",
        "Writing… 10,000 of 25,000 rows",
        "Writing… 20,000 of 25,000 rows",
    ]
    assert shown[-1].startswith("Imported 25000 rows: 25000 added, 0 updated, 0 unchanged, 0 ")
