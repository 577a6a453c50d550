"""Output formats of the reading commands: tabulate's, csv, tsv, json, jsonl."""

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import BuiltLedger, Invoke, LedgerUnderTest

HEADER = (
    "id,key,title,kind,status,reason,target,acquirers,sellers,advisers,backers,others,"
    "amount,high,currency,basis,reported,updated,notes\n"
)


MONEY = (
    (
        "add",
        "=Evil Corp",
        "--acquirer",
        "+Plus Holdings",
        "--seller",
        "@Mention",
        "--title",
        '=HYPERLINK("http://x","y")',
        "--value",
        "$3,049,999,999.99",
        "--on",
        "2020",
        "--note",
        "-starts with minus",
    ),
    ("add", "Nestlé", "--value", "$500 million to $1 billion", "--on", "2020"),
    ("add", "Three", "--value", "$3.05bn", "--on", "2020", "--title", "+1 555"),
    ("add", "Rupee", "--value", "INR 24,713 crore", "--on", "2020"),
    ("add", "Odd", "--value", "$500.50", "--on", "2020"),
    ("add", "Range", "--value", "€20-30bn", "--on", "2020"),
)


@pytest.fixture
def money(built_ledger: BuiltLedger) -> Invoke:
    """Deals whose values show every display rule, and names a spreadsheet would run."""
    return built_ledger(MONEY)


def ok(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "table",
            "id    key                                     value\n"
            "----  --------------------------------------  -----------\n"
            "1     tiktok-india-reliance-jio               USD 3bn\n"
            "2     tiktok-india-glance-digital-experience  undisclosed\n",
        ),
        (
            "github",
            "| id   | key                                    | value       |\n"
            "|------|----------------------------------------|-------------|\n"
            "| 1    | tiktok-india-reliance-jio              | USD 3bn     |\n"
            "| 2    | tiktok-india-glance-digital-experience | undisclosed |\n",
        ),
        (
            "grid",
            "+------+----------------------------------------+-------------+\n"
            "| id   | key                                    | value       |\n"
            "+======+========================================+=============+\n"
            "| 1    | tiktok-india-reliance-jio              | USD 3bn     |\n"
            "+------+----------------------------------------+-------------+\n"
            "| 2    | tiktok-india-glance-digital-experience | undisclosed |\n"
            "+------+----------------------------------------+-------------+\n",
        ),
        (
            "plain",
            "id    key                                     value\n"
            "1     tiktok-india-reliance-jio               USD 3bn\n"
            "2     tiktok-india-glance-digital-experience  undisclosed\n",
        ),
        (
            "psql",
            "+------+----------------------------------------+-------------+\n"
            "| id   | key                                    | value       |\n"
            "|------+----------------------------------------+-------------|\n"
            "| 1    | tiktok-india-reliance-jio              | USD 3bn     |\n"
            "| 2    | tiktok-india-glance-digital-experience | undisclosed |\n"
            "+------+----------------------------------------+-------------+\n",
        ),
    ],
)
def test_tabulate_formats(story: Invoke, fmt: str, expected: str) -> None:
    assert ok(story, "list", "-f", fmt, "--fields", "id,key,value", "--limit", "2") == expected


def test_csv_holds_every_flat_column_with_exact_amounts(story: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(story, "list", "-f", "csv"))))
    assert len(rows) == 3
    assert rows[2] == {
        "id": "3",
        "key": "glance-digital-experience-google",
        "title": "Glance Digital Experience / Google, Mithril Capital",
        "kind": "investment",
        "status": "completed",
        "reason": "",
        "target": "Glance Digital Experience",
        "acquirers": "Google; Mithril Capital",
        "sellers": "",
        "advisers": "",
        "backers": "",
        "others": "",
        "amount": "145000000.00",
        "high": "",
        "currency": "USD",
        "basis": "reported",
        "reported": "2020-12",
        "updated": "2020-12",
        "notes": "",
    }
    assert rows[1]["status"] == "in-negotiation"  # the slug, not words
    assert rows[1]["notes"] == "initial phase of negotiations"


def test_csv_quotes_cells_with_commas(story: Invoke) -> None:
    assert ok(story, "list", "-f", "csv", "--fields", "id,title", "--kind", "investment") == (
        'id,title\n3,"Glance Digital Experience / Google, Mithril Capital"\n'
    )


def test_tsv_separates_with_real_tabs_not_padding(story: Invoke) -> None:
    assert ok(story, "list", "-f", "tsv", "--fields", "id,key,status,title,amount") == (
        "id\tkey\tstatus\ttitle\tamount\n"
        "1\ttiktok-india-reliance-jio\tfailed\tTikTok India / Reliance Jio\t3000000000.00\n"
        "2\ttiktok-india-glance-digital-experience\tin-negotiation"
        "\tTikTok India / Glance Digital Experience\t\n"
        "3\tglance-digital-experience-google\tcompleted"
        "\tGlance Digital Experience / Google, Mithril Capital\t145000000.00\n"
    )


def test_tsv_reads_back_with_the_csv_module(story: Invoke) -> None:
    text = ok(story, "list", "-f", "tsv")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    assert [r["key"] for r in rows] == [
        "tiktok-india-reliance-jio",
        "tiktok-india-glance-digital-experience",
        "glance-digital-experience-google",
    ]
    assert text.splitlines()[0] == HEADER.rstrip("\n").replace(",", "\t")


def test_json_is_an_indented_array_with_a_final_newline(story: Invoke) -> None:
    text = ok(story, "list", "-f", "json", "--kind", "investment")
    assert text.startswith('[\n  {\n    "id": 3,\n    "key": "glance-digital-experience-google",\n')
    assert text.endswith('    "notes": []\n  }\n]\n')


def test_jsonl_is_one_compact_deal_a_line(story: Invoke) -> None:
    text = ok(story, "list", "-f", "jsonl", "--status", "completed")
    assert text == (
        '{"id":3,"key":"glance-digital-experience-google",'
        '"title":"Glance Digital Experience / Google, Mithril Capital","kind":"investment",'
        '"status":"completed","reason":null,"target":"Glance Digital Experience",'
        '"parties":[{"name":"Glance Digital Experience","role":"target"},'
        '{"name":"Google","role":"acquirer"},{"name":"Mithril Capital","role":"acquirer"}],'
        '"value":{"amount":"145000000.00","high":null,"currency":"USD","basis":"reported"},'
        '"reported":"2020-12","updated":"2020-12","notes":[]}\n'
    )
    assert len(ok(story, "list", "-f", "jsonl").splitlines()) == 3


def test_json_keeps_non_ascii_text(money: Invoke) -> None:
    assert '"target": "Nestlé"' in ok(money, "list", "-f", "json")


def test_fields_choose_and_order_the_columns(story: Invoke) -> None:
    assert ok(story, "list", "-f", "csv", "--fields", "status,key,currency") == (
        "status,key,currency\n"
        "failed,tiktok-india-reliance-jio,USD\n"
        "in-negotiation,tiktok-india-glance-digital-experience,\n"
        "completed,glance-digital-experience-google,USD\n"
    )


def test_fields_apply_to_history_and_report(story: Invoke) -> None:
    assert ok(
        story,
        "history",
        "tiktok-india-reliance-jio",
        "-f",
        "csv",
        "--fields",
        "id,type,status,outlet",
    ) == ("id,type,status,outlet\n1,created,in-negotiation,\n2,status,failed,Bloomberg\n")
    assert ok(story, "report", "-f", "csv", "--fields", "group,amount") == (
        "group,amount\nin-negotiation,\ncompleted,145000000.00\nfailed,3000000000.00\n"
    )


def test_unknown_field_is_a_usage_error(story: Invoke) -> None:
    result = story("list", "--fields", "key,bogus")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: dealtrack list [OPTIONS]\n"
        "Try 'dealtrack list --help' for help.\n"
        "\n"
        "Error: Invalid value for '--fields': unknown field bogus; use some of: id, key, title,"
        " kind, status, reason, target, acquirers, sellers, advisers, backers, others, value,"
        " amount, high, currency, basis, reported, updated, notes\n"
    )


def test_unknown_report_field_is_a_usage_error(story: Invoke) -> None:
    result = story("report", "--fields", "group,sum")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '--fields': unknown field sum; use some of: group" in (
        result.stderr
    )


def test_unknown_format_is_a_usage_error(story: Invoke) -> None:
    result = story("list", "-f", "xlsx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: Invalid value for '-f' / '--format': 'xlsx' is not a format" in result.stderr


def test_no_headers_leaves_out_the_header_row(story: Invoke) -> None:
    assert ok(story, "list", "-f", "csv", "--no-headers", "--fields", "id,key") == (
        "1,tiktok-india-reliance-jio\n2,tiktok-india-glance-digital-experience\n"
        "3,glance-digital-experience-google\n"
    )
    assert ok(story, "list", "-f", "tsv", "--no-headers", "--fields", "id,status") == (
        "1\tfailed\n2\tin-negotiation\n3\tcompleted\n"
    )
    assert ok(story, "list", "-f", "plain", "--no-headers", "--fields", "id,value") == (
        "1  USD 3bn\n2  undisclosed\n3  USD 145m\n"
    )


def test_tables_show_status_in_words(story: Invoke) -> None:
    assert ok(story, "list", "-f", "plain", "--fields", "status", "--no-headers") == (
        "failed\nin negotiation\ncompleted\n"
    )


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", "[]\n"),
        ("jsonl", ""),
        ("csv", HEADER),
        ("tsv", HEADER.replace(",", "\t")),
    ],
)
def test_empty_results(story: Invoke, fmt: str, expected: str) -> None:
    result = story("list", "--status", "agreed", "-f", fmt)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")


def test_an_empty_table_prints_its_header_and_a_note_of_what_matched_nothing(
    story: Invoke,
) -> None:
    deals = story("list", "--status", "agreed", "--fields", "key,status")
    assert (deals.exit_code, deals.stdout, deals.stderr) == (
        0,
        "key    status\n-----  --------\n",
        "Note: no deals match\n",
    )
    events = story("history", "--since", "2025", "--no-headers")
    assert (events.exit_code, events.stdout, events.stderr) == (0, "", "Note: no events match\n")
    parties = story("party", "list", "--kind", "fund", "-f", "github")
    assert parties.stderr == "Note: no parties match\n"
    assert parties.stdout.splitlines()[0].split() == [
        "|", "name", "|", "kind", "|", "country", "|", "parent", "|", "aliases", "|", "deals", "|",
    ]  # fmt: skip


def test_empty_csv_with_fields_prints_just_their_header(story: Invoke) -> None:
    assert ok(story, "list", "--limit", "0", "-f", "csv", "--fields", "key,value") == "key,value\n"
    assert ok(story, "history", "--since", "2022", "-f", "json") == "[]\n"
    assert ok(story, "report", "--status", "agreed", "-f", "csv") == (
        "group,deals,currency,currency_deals,folded,amount,high\n"
    )


def test_csv_neutralises_text_cells_a_spreadsheet_would_run(money: Invoke) -> None:
    text = ok(money, "list", "-f", "csv", "--fields", "id,title,target,acquirers,sellers,notes")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == [
        "1",
        '\'=HYPERLINK("http://x","y")',
        "'=Evil Corp",
        "'+Plus Holdings",
        "'@Mention",
        "'-starts with minus",
    ]
    assert rows[3][1] == "'+1 555"


def test_tsv_and_history_csv_neutralise_too(money: Invoke) -> None:
    tsv = ok(money, "list", "-f", "tsv", "--fields", "target", "--no-headers", "--limit", "1")
    assert tsv == "'=Evil Corp\n"
    # The opening roster is inside the created event: party names reach the party column only
    # through later roster changes.
    edited = money("edit", "1", "--remove", "acquirer=+Plus Holdings", "--remove",
                   "seller=@Mention", "--add", "adviser==Evil Adviser")  # fmt: skip
    assert edited.exit_code == 0, edited.stderr
    history = ok(money, "history", "1", "-f", "csv", "--fields", "id,party,note")
    assert history == (
        "id,party,note\n1,,'-starts with minus\n7,'+Plus Holdings,\n8,'@Mention,\n"
        "9,'=Evil Adviser,\n"
    )


def test_json_and_tables_keep_text_as_it_is(money: Invoke) -> None:
    [deal] = json.loads(ok(money, "list", "-f", "json", "--limit", "1"))
    assert deal["title"] == '=HYPERLINK("http://x","y")'
    assert deal["target"] == "=Evil Corp"
    assert ok(money, "list", "-f", "plain", "--fields", "target", "--limit", "1") == (
        "target\n=Evil Corp\n"
    )


def test_tables_show_compact_money_only_when_exact(money: Invoke) -> None:
    assert ok(money, "list", "--fields", "key,value") == (
        "key                      value\n"
        "-----------------------  --------------------\n"
        "evil-corp-plus-holdings  USD 3,049,999,999.99\n"
        "nestle                   USD 500m\u20131bn\n"
        "three                    USD 3.05bn\n"
        "rupee                    INR 247.13bn\n"
        "odd                      USD 500.50\n"
        "range                    EUR 20\u201330bn\n"
    )


def test_csv_and_json_show_exact_decimal_strings_beside_the_currency(money: Invoke) -> None:
    assert ok(money, "list", "-f", "csv", "--fields", "key,amount,high,currency,basis") == (
        "key,amount,high,currency,basis\n"
        "evil-corp-plus-holdings,3049999999.99,,USD,reported\n"
        "nestle,500000000.00,1000000000.00,USD,reported\n"
        "three,3050000000.00,,USD,reported\n"
        "rupee,247130000000.00,,INR,reported\n"
        "odd,500.50,,USD,reported\n"
        "range,20000000000.00,30000000000.00,EUR,reported\n"
    )
    values = [d["value"] for d in json.loads(ok(money, "list", "-f", "json"))]
    assert values[1] == {
        "amount": "500000000.00",
        "high": "1000000000.00",
        "currency": "USD",
        "basis": "reported",
    }
    assert values[3]["amount"] == "247130000000.00"


def test_show_in_a_flat_format_is_one_row(story: Invoke) -> None:
    assert ok(story, "show", "3", "-f", "csv", "--fields", "key,status,amount") == (
        "key,status,amount\nglance-digital-experience-google,completed,145000000.00\n"
    )
    assert ok(story, "show", "3", "--fields", "key,value", "-f", "plain") == (
        "key                               value\nglance-digital-experience-google  USD 145m\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("list", "-f", "json"),
        ("show", "1"),
        ("history",),
        ("history", "1"),
        ("report",),
        ("report", "--by", "acquirer", "-f", "csv"),
    ],
)
def test_reading_a_missing_ledger_is_an_error_and_creates_nothing(
    run: Invoke, ledger_db: LedgerUnderTest, tmp_path: Path, command: tuple[str, ...]
) -> None:
    before = sorted(tmp_path.iterdir())
    result = run(*command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: no ledger at {ledger_db.display} (record a deal or import one)\n"
    )
    assert not ledger_db.exists()
    assert sorted(tmp_path.iterdir()) == before
