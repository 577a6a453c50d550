"""Recording commands value, note, void and rm; and what a failing one leaves behind."""

import datetime
import json
from pathlib import Path

import click.testing
import pytest

from tests.conftest import Invoke, LedgerUnderTest
from tests.ledger_json import deal, events, keys, usage_error

TODAY = datetime.date.today().isoformat()
USD_1BN = {"amount": "1000000000.00", "high": None, "currency": "USD", "basis": "reported"}
REUTERS = {"outlet": "Reuters", "url": None, "attribution": "unattributed"}


@pytest.fixture
def jio(run: Invoke) -> Invoke:
    """Deal t-a (created: event 1), reported 2020-01, in negotiation at USD 1bn."""
    result = run("add", "T", "--acquirer", "A", "--status", "in-negotiation",
                 "--value", "$1bn", "--on", "2020-01")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return run


# value


def test_value_records_a_range_with_its_basis_and_source(jio: Invoke) -> None:
    result = jio("value", "t-a", "$20-30 billion", "--basis", "estimated", "--on", "2020-05",
                 "--source", "Reuters", "--note", "bankers' estimate")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Recorded event 2: value of t-a on 2020-05\n"
    value = {"amount": "20000000000.00", "high": "30000000000.00", "currency": "USD",
             "basis": "estimated"}  # fmt: skip
    assert events(jio, "t-a")[-1] == {
        "id": 2, "deal": "t-a", "type": "value", "on": "2020-05", "value": value,
        "source": REUTERS, "note": "bankers' estimate",
    }  # fmt: skip
    assert (deal(jio, "t-a")["value"], deal(jio, "t-a")["updated"]) == (value, "2020-05")


def test_value_defaults_to_reported_basis_today(jio: Invoke) -> None:
    result = jio("value", "1", "INR 24,713 crore")
    assert result.stderr == f"Recorded event 2: value of t-a on {TODAY}\n"
    assert deal(jio, "t-a")["value"] == {
        "amount": "247130000000.00", "high": None, "currency": "INR", "basis": "reported",
    }  # fmt: skip


def test_undisclosed_value_clears_the_value(jio: Invoke) -> None:
    result = jio("value", "t-a", "--undisclosed", "--on", "2020-06", "--basis", "estimated")
    assert (result.exit_code, result.stderr) == (0, "Recorded event 2: value of t-a on 2020-06\n")
    assert events(jio, "t-a")[-1]["value"] is None
    assert deal(jio, "t-a")["value"] is None


def test_the_latest_value_by_date_is_in_force_whatever_order_it_was_recorded_in(
    jio: Invoke,
) -> None:
    jio("value", "t-a", "$3bn", "--on", "2020-06")
    jio("value", "t-a", "$2bn", "--on", "2020-03")
    assert deal(jio, "t-a")["value"] == {**USD_1BN, "amount": "3000000000.00"}
    assert deal(jio, "t-a")["updated"] == "2020-06"


@pytest.mark.parametrize("args", [(), ("$5bn", "--undisclosed")])
def test_value_needs_exactly_one_of_amount_or_undisclosed(
    jio: Invoke, args: tuple[str, ...]
) -> None:
    result = jio("value", "t-a", *args)
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "value", "[OPTIONS] DEAL [AMOUNT]", "give an AMOUNT or --undisclosed (not both)"
    )
    assert deal(jio, "t-a")["value"] == USD_1BN


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("5bn", "'5bn': no currency; write e.g. '$5bn' or 'USD 5bn'"),
        ("x5", "'x5' is not an amount; write e.g. '$3 billion', 'USD 145m' or 'EUR 2-3bn'"),
    ],
)
def test_a_malformed_amount_is_a_usage_error(jio: Invoke, amount: str, message: str) -> None:
    result = jio("value", "t-a", amount)
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "value", "[OPTIONS] DEAL [AMOUNT]", f"Invalid value for '[AMOUNT]': {message}"
    )


def test_an_identical_value_event_records_nothing(jio: Invoke) -> None:
    jio("value", "t-a", "$2bn", "--on", "2020-05", "--source", "Reuters")
    again = jio("value", "t-a", "USD 2 billion", "--on", "2020-05", "--source", "Reuters")
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == 'Nothing recorded: deal "t-a" already has this value event\n'
    assert len(events(jio, "t-a")) == 2


def test_the_same_value_from_another_source_is_recorded(jio: Invoke) -> None:
    jio("value", "t-a", "$2bn", "--on", "2020-05", "--source", "Reuters")
    again = jio("value", "t-a", "$2bn", "--on", "2020-05", "--source", "Bloomberg")
    assert again.stderr == "Recorded event 3: value of t-a on 2020-05\n"


@pytest.mark.parametrize(
    "command",
    [("value", "t-a", "$2bn"), ("note", "t-a", "early word")],
)
def test_events_dated_before_the_deal_was_reported_are_refused(
    jio: Invoke, command: tuple[str, ...]
) -> None:
    result = jio(*command, "--on", "2019-12-31")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: 2019-12-31 is before deal "t-a" was reported (2020-01); '
        "date the event on or after it\n"
    )
    assert len(events(jio, "t-a")) == 1


# note


def test_note_is_recorded_with_its_source_and_listed_on_the_deal(jio: Invoke) -> None:
    result = jio("note", "t-a", "SoftBank backs both sides", "--on", "2020-02",
                 "--source", "Mint", "--url", "https://example.com", "--attribution", "on-record")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Recorded event 2: note on t-a\n"
    assert events(jio, "t-a")[-1] == {
        "id": 2, "deal": "t-a", "type": "note", "on": "2020-02",
        "text": "SoftBank backs both sides",
        "source": {"outlet": "Mint", "url": "https://example.com", "attribution": "on-record"},
        "note": None,
    }  # fmt: skip
    assert deal(jio, "t-a")["notes"] == ["SoftBank backs both sides"]


def test_an_identical_note_records_nothing(jio: Invoke) -> None:
    jio("note", "t-a", "initial phase", "--on", "2020-02")
    again = jio("note", "t-a", "initial phase", "--on", "2020-02")
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == 'Nothing recorded: deal "t-a" already has this note event\n'
    assert deal(jio, "t-a")["notes"] == ["initial phase"]


def test_note_on_an_unknown_deal_is_refused(jio: Invoke) -> None:
    result = jio("note", "t-b", "hello")
    assert (result.exit_code, result.stderr) == (1, 'Error: no deal "t-b" (see dealtrack list)\n')


# void


def test_voiding_a_status_recomputes_status_reason_and_updated(jio: Invoke) -> None:
    jio("status", "t-a", "failed", "--on", "2020-06", "--reason", "wrong deal")
    result = jio("void", "2", "--reason", "that was another bid")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Recorded event 3: event 2 is void\n"
    shown = deal(jio, "t-a")
    assert (shown["status"], shown["reason"], shown["updated"]) == (
        "in-negotiation",
        None,
        "2020-01",
    )


def test_a_voided_event_stays_in_history_beside_its_void(jio: Invoke) -> None:
    jio("value", "t-a", "$3bn", "--on", "2020-06")
    jio("void", "2", "--reason", "misread")
    history = events(jio, "t-a")
    assert [e["id"] for e in history] == [1, 2, 3]
    assert history[-1] == {
        "id": 3, "deal": "t-a", "type": "void", "on": TODAY, "reason": "misread", "voids": 2,
        "source": None, "note": None,
    }  # fmt: skip
    assert deal(jio, "t-a")["value"] == USD_1BN


def test_voiding_a_note_drops_it_from_the_deal(jio: Invoke) -> None:
    jio("note", "t-a", "wrong deal", "--on", "2020-02")
    jio("void", "2", "--reason", "meant for another deal")
    assert deal(jio, "t-a")["notes"] == []


def test_voiding_a_party_event_removes_the_party(jio: Invoke) -> None:
    assert jio("edit", "t-a", "--add", "adviser=X").exit_code == 0
    assert deal(jio, "t-a")["parties"][-1] == {"name": "X", "role": "adviser"}
    result = jio("void", "2", "--reason", "X never advised")
    assert result.exit_code == 0, result.stderr
    assert deal(jio, "t-a")["parties"] == [
        {"name": "T", "role": "target"},
        {"name": "A", "role": "acquirer"},
    ]
    assert jio("check").exit_code == 0


def test_a_voided_event_can_be_recorded_again(jio: Invoke) -> None:
    jio("note", "t-a", "hello", "--on", "2020-02")
    jio("void", "2", "--reason", "premature")
    again = jio("note", "t-a", "hello", "--on", "2020-02")
    assert again.stderr == "Recorded event 4: note on t-a\n"


@pytest.mark.parametrize(
    ("setup", "event_id", "what"),
    [
        ((), "1", "a created event"),
        ((("edit", "t-a", "--title", "Jio bid"),), "2", "an edit event"),
        ((("note", "t-a", "hello", "--on", "2020-02"), ("void", "2", "--reason", "x")), "3",
         "a void event"),
    ],
)  # fmt: skip
def test_created_edit_and_void_events_cannot_be_voided(
    jio: Invoke, setup: tuple[tuple[str, ...], ...], event_id: str, what: str
) -> None:
    for command in setup:
        assert jio(*command).exit_code == 0
    before = events(jio, "t-a")
    result = jio("void", event_id, "--reason", "mistake")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: event {event_id} is {what} and cannot be voided; correct it with dealtrack "
        "edit, or remove the deal with dealtrack rm\n"
    )
    assert events(jio, "t-a") == before


def test_a_target_party_event_cannot_be_voided(run: Invoke, tmp_path: Path) -> None:
    """``add`` puts the target in the created event's roster; a target party event survives only
    from a version 1 history whose target event was not recorded with the created event."""
    party: dict[str, object] = {"kind": "company", "country": None, "parent": None, "aliases": []}
    common = {"deal": "t-a", "on": "2020-01", "source": None, "note": None}
    created = {"id": 1, "type": "created", "recorded_at": "2024-01-01T00:00:00.000000Z",
               "status": "rumored", "reason": None, "value": None, **common}  # fmt: skip
    acquirer = {"id": 2, "type": "party", "recorded_at": created["recorded_at"],
                "action": "added", "party": "A", "role": "acquirer", **common}  # fmt: skip
    target = {**acquirer, "id": 3, "recorded_at": "2024-01-02T00:00:00.000000Z", "party": "T",
              "role": "target"}  # fmt: skip
    document = {
        "format": "dealtrack",
        "version": 1,
        "parties": [{"name": "A", **party}, {"name": "T", **party}],
        "deals": [
            {"id": 1, "key": "t-a", "title": "T / A", "kind": "acquisition", "status": "rumored",
             "reason": None, "target": "T",
             "parties": [{"name": "T", "role": "target"}, {"name": "A", "role": "acquirer"}],
             "value": None, "reported": "2020-01", "updated": "2020-01", "notes": [],
             "events": [created, acquirer, target]},
        ],
    }  # fmt: skip
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert run("import", str(path)).exit_code == 0
    before = events(run, "t-a")
    assert [(e["id"], e["type"], e.get("role")) for e in before] == [
        (1, "created", None),
        (3, "party", "target"),
    ]
    result = run("void", "3", "--reason", "mistake")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: event 3 is the deal's target and cannot be voided; correct it with dealtrack "
        "edit, or remove the deal with dealtrack rm\n"
    )
    assert events(run, "t-a") == before


def test_an_event_already_void_cannot_be_voided_again(jio: Invoke) -> None:
    jio("note", "t-a", "hello", "--on", "2020-02")
    jio("void", "2", "--reason", "first")
    result = jio("void", "2", "--reason", "second")
    assert (result.exit_code, result.stderr) == (1, "Error: event 2 is already void\n")
    assert len(events(jio, "t-a")) == 3


def test_voiding_an_unknown_event_is_refused(jio: Invoke) -> None:
    result = jio("void", "99", "--reason", "x")
    assert (result.exit_code, result.stderr) == (
        1, "Error: no event 99 (see dealtrack history)\n",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("3",), "Missing option '--reason'."),
        (("0", "--reason", "x"), "Invalid value for 'EVENT_ID': 0 is not in the range x>=1."),
        (("three", "--reason", "x"), "Invalid value for 'EVENT_ID': 'three' is not a valid integer range."),
    ],
)  # fmt: skip
def test_void_usage_errors(jio: Invoke, args: tuple[str, ...], message: str) -> None:
    result = jio("void", *args)
    assert result.exit_code == 2
    assert result.stderr == usage_error("void", "[OPTIONS] EVENT_ID", message)


# rm


def test_rm_with_yes_deletes_the_deal_frees_its_key_and_never_reuses_its_id(jio: Invoke) -> None:
    result = jio("rm", "t-a", "--yes")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", 'Removed deal "t-a"\n')
    assert keys(jio) == []
    assert jio("history", "t-a").stderr == 'Error: no deal "t-a" (see dealtrack list)\n'
    assert jio("party", "show", "A", "-f", "json").exit_code == 0
    jio("add", "T", "--acquirer", "A", "--on", "2020-01")
    assert (deal(jio, "t-a")["id"], events(jio, "t-a")[0]["id"]) == (2, 2)


def test_rm_without_yes_is_refused_when_not_on_a_terminal(jio: Invoke) -> None:
    result = jio("rm", "t-a")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "rm", "[OPTIONS] DEAL", "rm deletes t-a and its history; add --yes to confirm"
    )
    assert keys(jio) == ["t-a"]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """CliRunner's stdin claims to be a terminal (it echoes what is typed)."""
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)


@pytest.mark.usefixtures("terminal")
def test_rm_on_a_terminal_asks_and_deletes_on_yes(jio: Invoke) -> None:
    result = jio("rm", "t-a", input="y\n")
    assert result.exit_code == 0
    assert result.stderr == 'Delete deal t-a and its history? [y/N]: y\nRemoved deal "t-a"\n'
    assert keys(jio) == []


@pytest.mark.usefixtures("terminal")
def test_rm_on_a_terminal_keeps_the_deal_unless_confirmed(jio: Invoke) -> None:
    result = jio("rm", "t-a", input="n\n")
    assert result.exit_code == 1
    assert result.stderr == "Delete deal t-a and its history? [y/N]: n\nError: nothing deleted\n"
    assert keys(jio) == ["t-a"]


def test_rm_of_an_unknown_deal_is_refused(jio: Invoke) -> None:
    result = jio("rm", "9", "--yes")
    assert (result.exit_code, result.stderr) == (1, 'Error: no deal "9" (see dealtrack list)\n')


# a missing ledger


@pytest.mark.parametrize(
    "command",
    [
        ("add", "T", "--no-create"),
        ("add", "T", "--value", "5"),
        ("add", "A;B"),
        ("status", "t-a", "agreed"),
        ("value", "t-a", "$1bn"),
        ("note", "t-a", "hello"),
        ("edit", "t-a", "--title", "x"),
        ("void", "1", "--reason", "x"),
        ("rm", "t-a", "--yes"),
        ("party", "edit", "Glance", "--country", "IN"),
        ("party", "rm", "Glance"),
        ("party", "add", "Glance", "--alias", "Gl;ance"),
    ],
)
def test_a_failing_recording_command_leaves_no_ledger_behind(
    run: Invoke, ledger_db: LedgerUnderTest, command: tuple[str, ...]
) -> None:
    result = run(*command)
    assert result.exit_code in (1, 2)
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    assert not ledger_db.exists()


def test_the_first_recording_command_creates_the_ledger(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    assert run("note", "t-a", "hello").exit_code == 1
    assert not ledger_db.exists()
    assert run("add", "T", "--acquirer", "A").exit_code == 0
    assert ledger_db.exists()
    assert keys(run) == ["t-a"]
