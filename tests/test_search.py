"""Full-text search on both backends: one corpus, the same deals for each query, an index kept
current by every command and import, and ``search``'s own output."""

import json
import sqlite3
import time
from pathlib import Path

import pytest

from dealtrack import writer
from dealtrack.db import HEAD_REVISION
from tests.conftest import STORY, BuiltLedger, Invoke, LedgerUnderTest
from tests.import_files import write

CORPUS = (
    ("party", "add", "Ørsted", "--alias", "DONG Energy"),
    ("add", "Ørsted", "--key", "orsted", "--acquirer", "Equinor", "--on", "2023-05",
     "--note", "talks on offshore wind assets"),
    ("add", "Société Générale", "--key", "socgen", "--acquirer", "BNP Paribas", "--on", "2022",
     "--source", "Bloomberg", "--attribution", "anonymous"),
    ("note", "socgen", "Bloomberg, citing anonymous sources", "--on", "2022-03"),
    ("add", "AT&T", "--key", "att", "--acquirer", "Verizon", "--title", "AT&T wireless unit",
     "--on", "2021"),
    ("add", "S&P 500 Index Business", "--key", "spx", "--acquirer", "CME Group", "--on", "2021"),
    ("add", "Darcy Partners", "--key", "darcy", "--acquirer", "d'Arcy Holdings", "--on", "2020"),
    ("add", "Jio Platforms", "--key", "jio", "--acquirer", "Facebook", "--on", "2020-04",
     "--value", "$5.7bn", "--status", "completed"),
    ("status", "jio", "completed", "--on", "2020-06", "--reason", "regulatory approval received",
     "--force"),
)  # fmt: skip

# Each query, and the deals it must find on every backend.
EXPECTED = {
    "orsted": {"orsted"},
    "ØRSTED": {"orsted"},
    "dong energy": {"orsted"},
    "societe": {"socgen"},
    "Société Générale": {"socgen"},
    "AT&T": {"att"},
    "at&t wireless": {"att"},
    "S&P 500": {"spx"},
    "d'Arcy": {"darcy"},
    "darcy": {"darcy"},
    "Jio-Platforms": {"jio"},
    "jio platforms": {"jio"},
    '"platforms jio"': set(),
    "plat*": {"jio"},
    "bloomberg": {"socgen"},
    '"citing anonymous': {"socgen"},
    "wind OR wireless": {"orsted", "att"},
    "offshore -wind": set(),
    "-orsted -jio -darcy -bloomberg": {"att", "spx"},
    "regulatory": {"jio"},
    "partners OR holdings": {"darcy"},
    "OR": set(),
    "-": set(),
    "*": set(),
    '"': set(),
    "AND NOT NEAR": set(),
    "x' OR 1=1 --": set(),
}


@pytest.fixture
def corpus(built_ledger: BuiltLedger) -> Invoke:
    return built_ledger(CORPUS)


def found(run: Invoke, query: str, *args: str) -> set[str]:
    result = run("list", "--search", query, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return {deal["key"] for deal in json.loads(result.stdout)}


def searched(run: Invoke, query: str, *args: str) -> list[str]:
    result = run("search", "-f", "csv", "--no-headers", "--fields", "key", *args, "--", query)
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_each_query_finds_the_same_deals_on_every_backend(corpus: Invoke) -> None:
    assert {query: found(corpus, query) for query in EXPECTED} == EXPECTED
    assert {query: set(searched(corpus, query)) for query in EXPECTED} == EXPECTED


def test_search_shows_the_matched_field_and_a_marked_snippet(corpus: Invoke) -> None:
    result = corpus("search", "anonymous")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "key     status    field    snippet\n"
        "------  --------  -------  -------------------------------------\n"
        "socgen  rumored   note     Bloomberg, citing [anonymous] sources\n"
    )


def test_search_json_is_key_title_status_field_snippet_score(corpus: Invoke) -> None:
    result = corpus("search", "orsted", "-f", "json")
    [hit] = json.loads(result.stdout)
    assert list(hit) == ["key", "title", "status", "field", "snippet", "score"]
    assert {k: v for k, v in hit.items() if k != "score"} == {
        "key": "orsted",
        "title": "Ørsted / Equinor",
        "status": "rumored",
        "field": "party",
        "snippet": "[Ørsted]",
    }
    assert hit["score"] > 0


def test_search_ranks_titles_above_notes(run: Invoke) -> None:
    assert run("add", "Alpha", "--key", "in-note", "--note", "a copper mine").exit_code == 0
    assert run("add", "Beta", "--key", "in-title", "--title", "Copper mine sale").exit_code == 0
    assert searched(run, "copper") == ["in-title", "in-note"]


def test_search_takes_filters_and_a_limit(corpus: Invoke) -> None:
    assert searched(corpus, "orsted OR jio OR att", "--status", "completed") == ["jio"]
    assert len(searched(corpus, "orsted OR jio OR att", "--limit", "2")) == 2


def test_search_without_a_match_notes_it(corpus: Invoke) -> None:
    result = corpus("search", "nothing-like-it")
    assert (result.exit_code, result.stdout) == (
        0,
        "key    status    field    snippet\n-----  --------  -------  ---------\n",
    )
    assert result.stderr == "Note: no deals match\n"
    assert corpus("search", "zzz", "-f", "json").stdout == "[]\n"


def test_search_on_a_missing_ledger_is_an_error(run: Invoke, ledger_db: LedgerUnderTest) -> None:
    result = run("search", "x")
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: no ledger at {ledger_db.display} (record a deal or import one)\n"
    )


def test_commands_keep_the_index_current(corpus: Invoke) -> None:
    assert corpus("note", "att", "spectrum auction", "--on", "2021-06").exit_code == 0
    assert found(corpus, "spectrum") == {"att"}
    assert corpus("edit", "att", "--title", "Cingular merger").exit_code == 0
    assert found(corpus, "cingular") == {"att"}
    assert found(corpus, "wireless") == set()
    assert corpus("edit", "att", "--add", "adviser=Lazard", "--on", "2021-07").exit_code == 0
    assert found(corpus, "lazard") == {"att"}
    assert corpus("value", "darcy", "£10m", "--on", "2020-05", "--note", "earn-out").exit_code == 0
    assert found(corpus, "earn out") == {"darcy"}
    checked = corpus("check")  # on SQLite, FTS5 compares its index with the words too
    assert (checked.exit_code, checked.output) == (0, "")


def test_a_voided_note_is_not_found(corpus: Invoke) -> None:
    events = json.loads(corpus("history", "socgen", "-f", "json").stdout)
    note = next(e["id"] for e in events if e["type"] == "note")
    assert corpus("void", str(note), "--reason", "wrong deal").exit_code == 0
    assert found(corpus, "citing") == set()


def test_renames_aliases_and_merges_reach_the_index(corpus: Invoke) -> None:
    assert corpus("party", "edit", "Equinor", "--name", "Statoil Group").exit_code == 0
    assert found(corpus, "statoil") == {"orsted"}
    assert found(corpus, "equinor") == {"orsted"}  # the old name is an alias now
    assert corpus("party", "edit", "Verizon", "--alias", "Bell Atlantic").exit_code == 0
    assert found(corpus, "bell atlantic") == {"att"}
    assert corpus("party", "merge", "CME Group", "Verizon", "--yes").exit_code == 0
    assert found(corpus, "verizon") == {"att", "spx"}
    checked = corpus("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_a_removed_deal_is_not_found(corpus: Invoke) -> None:
    assert corpus("rm", "orsted", "--yes").exit_code == 0
    assert found(corpus, "wind") == set()
    assert corpus("check").exit_code == 0


def test_an_import_indexes_its_deals(run: Invoke, tmp_path: object, corpus: Invoke) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "deals.csv"
    file.write_text(
        "key,target,acquirers,notes,reported\nvale,Vale Base Metals,Manara Minerals,nickel and copper,2023\n"
        "att,AT&T,Verizon,merger review,2021\n",
        encoding="utf-8",
    )
    imported = corpus("import", str(file))
    assert imported.exit_code == 0, imported.output
    assert found(corpus, "nickel") == {"vale"}
    assert found(corpus, "manara") == {"vale"}
    assert found(corpus, "merger review") == {"att"}
    assert corpus("check").exit_code == 0


@pytest.mark.parametrize("indexed_while_reading", [False, True])
def test_an_import_that_starts_over_indexes_each_deal_once(
    run: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed_while_reading: bool
) -> None:
    """Into an empty ledger the rows are written, and then indexed, as they are read; the third
    row meets the first, so the import rolls all that back and merges them instead. (A large
    import moves its index rows into the index every so many deals as it reads: here, every
    deal, so the rows rolled back are in the index already.)"""
    if indexed_while_reading:
        monkeypatch.setattr(writer, "BATCH", 1)
        monkeypatch.setattr(writer, "INDEX_CHUNK", 1)
    path = write(
        tmp_path,
        "deals.csv",
        "key,target,acquirers,notes,reported\nvale,Vale Base Metals,Manara Minerals,nickel,2023\n"
        "att,AT&T,Verizon,merger review,2021\nvale,Vale Base Metals,Manara Minerals,copper,2023\n",
    )
    imported = run("import", path)
    assert imported.exit_code == 0, imported.output
    assert imported.stderr.startswith("Imported 3 rows: 2 added, 1 updated, 0 unchanged")
    assert found(run, "copper") == {"vale"}
    assert found(run, "nickel") == set()
    assert found(run, "merger review") == {"att"}
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


def words_table(ledger_db: LedgerUnderTest) -> str:
    """Where the index's words are kept: SQLite's FTS5 table reads them from a plain table."""
    return "deal_search_text" if ledger_db.path is not None else "deal_search"


def test_check_reports_a_stale_or_missing_index(corpus: Invoke, ledger_db: LedgerUnderTest) -> None:
    ledger_db.sql(f"DELETE FROM {words_table(ledger_db)} WHERE title = 'at t wireless unit'")  # noqa: S608
    result = corpus("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == 'search: deal "att" is missing from the index'


def test_every_search_filter_goes_through_the_index(corpus: Invoke) -> None:
    report = json.loads(corpus("report", "--search", "orsted OR jio", "-f", "json").stdout)
    assert sum(group["deals"] for group in report) == 2
    history = json.loads(corpus("history", "--search", "jio", "-f", "json").stdout)
    assert {event["deal"] for event in history} == {"jio"}


def test_the_story_is_searchable(built_ledger: BuiltLedger) -> None:
    story = built_ledger(STORY)
    assert searched(story, "tiktok glance") == ["tiktok-india-glance-digital-experience"]


def test_upgrading_from_0009_indexes_the_deals_already_there(
    corpus: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ledger_db.downgrade("0009_fx_rates")
    upgraded = corpus("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert ledger_db.revision() == HEAD_REVISION
    assert found(corpus, "orsted") == {"orsted"}
    assert found(corpus, '"citing anonymous"') == {"socgen"}
    checked = corpus("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_check_reports_a_stale_index_entry(corpus: Invoke, ledger_db: LedgerUnderTest) -> None:
    table = words_table(ledger_db)
    ledger_db.sql(f"UPDATE {table} SET title = 'other words' WHERE title = 'at t wireless unit'")  # noqa: S608
    result = corpus("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == 'search: deal "att" has a stale index entry'


@pytest.mark.sqlite_only("PostgreSQL's foreign key keeps such rows out")
def test_check_reports_an_index_row_of_no_deal(corpus: Invoke, ledger_db: LedgerUnderTest) -> None:
    ledger_db.sql(
        "INSERT INTO deal_search_text (deal_id, title, parties, notes, reasons, sources) "
        "VALUES (99, 'x', '', '', '', '')"
    )
    result = corpus("check")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == "search: the index holds deal id 99, which is not in the ledger"
    )


@pytest.mark.sqlite_only("FTS5 reads its words from a table of their own on SQLite only")
def test_check_reports_an_index_that_forgot_words_its_text_still_holds(
    corpus: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ledger_db.sql(
        "INSERT INTO deal_search (deal_search, rowid, title, parties, notes, reasons, sources) "
        "SELECT 'delete', deal_id, title, parties, notes, reasons, sources FROM deal_search_text "
        "WHERE title = 'at t wireless unit'"
    )
    result = corpus("check")
    assert (result.exit_code, result.stderr.splitlines()[:1]) == (
        1,
        ["search: the index's words do not match the text it indexes"],
    )


@pytest.mark.sqlite_only("SQLite's writers lock the file; PostgreSQL has no such comparison")
def test_check_does_not_wait_for_a_writer_to_compare_the_index_with_its_words(
    corpus: Invoke, ledger_db: LedgerUnderTest
) -> None:
    assert ledger_db.path is not None
    writing = sqlite3.connect(ledger_db.path, isolation_level=None)
    try:
        writing.execute("BEGIN IMMEDIATE")  # another command in the middle of a write
        started = time.monotonic()
        checked = corpus("check")
        waited = time.monotonic() - started
    finally:
        writing.close()
    assert (checked.exit_code, checked.output) == (0, "")
    assert waited < 30  # the busy timeout is 60 s: the comparison was left out, not waited for


def test_a_party_record_s_new_alias_reaches_the_deals_already_there(
    corpus: Invoke, tmp_path: object
) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "parties.json"
    record = {"name": "Verizon", "aliases": ["Bell Atlantic"]}
    file.write_text(
        json.dumps({"format": "dealtrack", "version": 2, "parties": [record], "links": [],
                    "fx_rates": [], "deals": []}),
        encoding="utf-8",
    )  # fmt: skip
    imported = corpus("import", str(file))
    assert imported.exit_code == 0, imported.output
    assert found(corpus, "bell atlantic") == {"att"}
    assert corpus("check").exit_code == 0


def _imported(run: Invoke, tmp_path: object, text: str) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "deals.csv"
    file.write_text(text, encoding="utf-8")
    imported = run("import", str(file))
    assert imported.exit_code == 0, imported.output
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


@pytest.mark.parametrize("indexed_while_reading", [False, True])
def test_an_import_into_a_new_ledger_indexes_every_field_as_check_reads_it(
    run: Invoke, tmp_path: object, monkeypatch: pytest.MonkeyPatch, indexed_while_reading: bool
) -> None:
    if indexed_while_reading:  # each deal's index row moved into the index on its own
        monkeypatch.setattr(writer, "BATCH", 1)
        monkeypatch.setattr(writer, "INDEX_CHUNK", 1)
    _imported(
        run,
        tmp_path,
        "key,title,target,acquirers,sellers,status,reason,reported,date,source,notes\n"
        "socgen,Retail arm sale,Société Générale,BNP Paribas; AXA,,rumored,,2022,,Bloomberg,first look\n"
        "bnp,,BNP  PARIBAS,Ørsted,Société  générale,failed,blocked by regulators,2021-03,2021-06,"
        "Reuters,talks ended abruptly\n"
        'plain,Acme / S&P Global,Acme,"S&P Global",,,,2020,,,\n',  # the default title: not stored
    )
    assert found(run, "retail arm") == {"socgen"}
    assert found(run, "bnp paribas") == {"socgen", "bnp"}
    assert found(run, "societe generale") == {"socgen", "bnp"}
    assert found(run, "orsted") == {"bnp"}
    assert found(run, "regulators") == {"bnp"}
    assert found(run, '"talks ended"') == {"bnp"}
    assert found(run, "reuters") == {"bnp"}
    assert found(run, "first look") == {"socgen"}
    assert found(run, "S&P") == {"plain"}


def test_an_import_that_meets_its_own_rows_still_indexes_each_deal_once(
    run: Invoke, tmp_path: object
) -> None:
    _imported(
        run,
        tmp_path,
        "key,target,acquirers,reported,notes\n"
        "vale,Vale Base Metals,Manara Minerals,2023,nickel\n"
        "anglo,Anglo American,BHP,2024,copper\n"
        "vale,Vale Base Metals,Manara Minerals,2023,cobalt\n",
    )
    assert found(run, "cobalt") == {"vale"}
    assert found(run, "copper") == {"anglo"}


def test_an_import_finds_a_ledger_party_s_aliases(run: Invoke, tmp_path: object) -> None:
    assert run("party", "add", "Ørsted", "--alias", "DONG Energy").exit_code == 0
    _imported(
        run,
        tmp_path,
        "key,target,acquirers,reported\norsted,ØRSTED,Equinor,2023\nwind,Wind Farm,DONG Energy,2024\n",
    )
    assert found(run, "dong energy") == {"orsted", "wind"}
    assert found(run, "orsted") == {"orsted", "wind"}


def test_a_file_s_own_party_aliases_reach_its_new_deals(run: Invoke, tmp_path: object) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "deals.jsonl"
    lines = [
        {"key": "att", "target": "AT&T", "acquirers": "Verizon", "reported": "2021"},
        {"type": "party", "name": "Verizon", "aliases": ["Bell Atlantic"]},
    ]
    file.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    imported = run("import", str(file))
    assert imported.exit_code == 0, imported.output
    assert found(run, "bell atlantic") == {"att"}
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")
