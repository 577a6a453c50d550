"""``dealtrack party merge``: a duplicate party folded into the one it duplicates, for good."""

import json
from pathlib import Path

import click.testing
import pytest

from tests.conftest import Invoke, LedgerUnderTest
from tests.import_files import write
from tests.ledger_json import deal, party, usage_error, without_recorded_at

# An import brought "Glance" beside "Glance Digital Experience": the duplicate holds a deal role,
# a link and an alias; the party it duplicates has its own deal, parent and link.
DUPLICATES = (
    ("party", "add", "Glance Digital Experience", "--parent", "InMobi"),
    ("party", "add", "Glance", "--alias", "Glance Pvt Ltd", "--country", "IN"),
    ("add", "TikTok India", "--seller", "ByteDance", "--acquirer", "Glance", "--on", "2021-02-13"),
    ("add", "Roposo", "--acquirer", "Glance Digital Experience", "--on", "2019"),
    ("party", "link", "Google", "--backs", "Glance", "--on", "2020-12", "--source", "Mint"),
    ("party", "link", "SoftBank", "--backs", "Glance Digital Experience"),
)


@pytest.fixture
def duplicates(run: Invoke) -> Invoke:
    for args in DUPLICATES:
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    return run


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """CliRunner's stdin claims to be a terminal (it echoes what is typed)."""
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)


def merge(run: Invoke, *args: str) -> tuple[int, str, str]:
    result = run("party", "merge", *args)
    return result.exit_code, result.stdout, result.stderr


def test_merge_moves_deal_roles_links_and_aliases_and_keeps_the_name_as_an_alias(
    duplicates: Invoke,
) -> None:
    assert merge(duplicates, "Glance", "Glance Digital Experience", "--on", "2021-03", "--yes") == (
        0, "", 'Recorded event 5: merged "Glance" into "Glance Digital Experience"\n',
    )  # fmt: skip
    card = party(duplicates, "glance")  # the old name finds the party it was merged into
    assert card == {
        "name": "Glance Digital Experience", "kind": "company", "country": "IN",
        "parent": "InMobi", "aliases": ["Glance Pvt Ltd", "Glance"], "units": [],
        "deals": [
            {"key": "tiktok-india-glance", "role": "acquirer", "status": "rumored", "value": None},
            {"key": "roposo-glance-digital-experience", "role": "acquirer", "status": "rumored",
             "value": None},
        ],
        "links": [
            {"direction": "held_by", "kind": "backs", "party": "Google", "stake": None,
             "since": "2020-12", "until": None, "via": None},
            {"direction": "held_by", "kind": "backs", "party": "SoftBank", "stake": None,
             "since": None, "until": None, "via": None},
        ],
    }  # fmt: skip
    assert deal(duplicates, "tiktok-india-glance")["parties"] == [
        {"name": "TikTok India", "role": "target"},
        {"name": "Glance Digital Experience", "role": "acquirer"},
        {"name": "ByteDance", "role": "seller"},
    ]
    names = duplicates("party", "list", "-f", "csv", "--fields", "name,aliases").stdout
    assert "Glance," not in names
    checked = duplicates("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_party_history_shows_the_merge_with_the_duplicates_own_events(duplicates: Invoke) -> None:
    merge(duplicates, "Glance", "Glance Digital Experience", "--on", "2021-03", "--yes")
    result = duplicates("party", "history", "Glance")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "id    on       deal    type    what                                          source    note\n"
        "----  -------  ------  ------  --------------------------------------------  --------  ------\n"
        "4                      link    SoftBank backs Glance Digital Experience\n"
        "3     2020-12          link    Google backs Glance Digital Experience        Mint\n"
        "5     2021-03          merge   merged Glance into Glance Digital Experience\n"
    )


def test_the_merge_event_in_json_names_both_parties_as_they_were_spelt(duplicates: Invoke) -> None:
    merge(duplicates, "Glance", "Glance Digital Experience", "--on", "2021-03", "--source",
          "Mint", "--url", "https://example.com/g", "--yes")  # fmt: skip
    events = json.loads(duplicates("party", "history", "Glance", "-f", "json").stdout)
    assert without_recorded_at(events[-1]) == {
        "id": 5, "deal": None, "type": "merge", "on": "2021-03",
        "party": "Glance Digital Experience",
        "changes": {"party": ["Glance", "Glance Digital Experience"]},
        "source": {"outlet": "Mint", "url": "https://example.com/g",
                   "attribution": "unattributed"},
        "note": None,
    }  # fmt: skip
    feed = json.loads(duplicates("history", "-f", "json").stdout)
    assert [e["id"] for e in feed if e["type"] == "merge"] == [5]


def test_merging_the_same_name_again_records_nothing(duplicates: Invoke) -> None:
    merge(duplicates, "Glance", "Glance Digital Experience", "--yes")
    assert merge(duplicates, "Glance", "Glance Digital Experience", "--yes") == (
        0, "", 'Nothing recorded: "Glance" is already a name of party "Glance Digital Experience"\n',
    )  # fmt: skip


def test_a_party_cannot_be_merged_into_itself(duplicates: Invoke) -> None:
    assert merge(duplicates, "glance", "GLANCE", "--yes") == (
        1, "", 'Error: cannot merge party "Glance" into itself\n',
    )  # fmt: skip


def test_merging_an_unknown_party_is_refused(duplicates: Invoke) -> None:
    assert merge(duplicates, "Glanse", "Glance Digital Experience", "--yes") == (
        1, "", 'Error: no party named "Glanse" (did you mean "Glance"?)\n',
    )  # fmt: skip


def test_merge_off_a_terminal_without_yes_is_a_usage_error(
    duplicates: Invoke, ledger_db: LedgerUnderTest
) -> None:
    before = ledger_db.contents()
    code, out, err = merge(duplicates, "Glance", "Glance Digital Experience")
    assert (code, out) == (2, "")
    assert err == usage_error(
        "party merge",
        "[OPTIONS] FROM INTO",
        'a merge is final; add --yes to merge "Glance" into "Glance Digital Experience"',
    )
    assert ledger_db.contents() == before


QUESTION = 'Merge "Glance" into "Glance Digital Experience"? A merge is final: it cannot be voided.'


@pytest.mark.usefixtures("terminal")
def test_merge_on_a_terminal_says_it_is_final_and_asks_first(duplicates: Invoke) -> None:
    result = duplicates("party", "merge", "Glance", "Glance Digital Experience", input="y\n")
    assert result.exit_code == 0
    assert result.stderr == (
        f'{QUESTION} [y/N]: y\nRecorded event 5: merged "Glance" into "Glance Digital Experience"\n'
    )


@pytest.mark.usefixtures("terminal")
def test_merge_on_a_terminal_merges_nothing_unless_confirmed(
    duplicates: Invoke, ledger_db: LedgerUnderTest
) -> None:
    before = ledger_db.contents()
    result = duplicates("party", "merge", "Glance", "Glance Digital Experience", input="n\n")
    assert (result.exit_code, result.stderr) == (
        1, f"{QUESTION} [y/N]: n\nError: nothing merged\n",
    )  # fmt: skip
    assert ledger_db.contents() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("add", "Jio", "--seller", "Glance Digital Experience", "--acquirer", "Glance"),
         'in deal "jio-glance", "Glance Digital Experience" cannot be both acquirer and seller'),
        (("add", "Glance", "--acquirer", "Glance Digital Experience", "--new"),
         'in deal "glance-glance-digital-experience", "Glance Digital Experience" is the target '
         "of this deal and cannot also be its acquirer"),
    ],
)  # fmt: skip
def test_merge_is_refused_when_a_deal_would_hold_roles_that_cannot_combine(
    duplicates: Invoke, ledger_db: LedgerUnderTest, extra: tuple[str, ...], message: str
) -> None:
    assert duplicates(*extra).exit_code == 0
    before = ledger_db.contents()
    assert merge(duplicates, "Glance", "Glance Digital Experience", "--yes") == (
        1, "", f'Error: cannot merge "Glance" into "Glance Digital Experience": {message}\n',
    )  # fmt: skip
    assert ledger_db.contents() == before


def test_merge_is_refused_when_it_would_make_a_loop_of_control(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    run("party", "link", "InMobi", "--owns", "Glance Digital Experience")
    run("party", "link", "Glance", "--leads", "InMobi Group", "--on", "2020")
    run("party", "edit", "InMobi", "--parent", "InMobi Group")
    before = ledger_db.contents()
    assert merge(run, "Glance", "Glance Digital Experience", "--yes") == (
        1, "",
        'Error: cannot merge "Glance" into "Glance Digital Experience": that would make a loop '
        "of control (Glance Digital Experience → InMobi → InMobi Group → Glance Digital "
        "Experience)\n",
    )  # fmt: skip
    assert ledger_db.contents() == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (("party", "link", "Glance", "--backs", "Glance Digital Experience"),
         '"Glance" backs "Glance Digital Experience" (event 1); a party cannot hold itself, '
         "so void that link first"),
        (("party", "add", "Glance", "--parent", "Glance Digital Experience"),
         '"Glance Digital Experience" is the parent of "Glance"'),
    ],
)  # fmt: skip
def test_merge_is_refused_between_parties_linked_to_each_other(
    run: Invoke, setup: tuple[str, ...], message: str
) -> None:
    assert run(*setup).exit_code == 0
    assert merge(run, "Glance", "Glance Digital Experience", "--yes") == (
        1, "", f'Error: cannot merge "Glance" into "Glance Digital Experience": {message}\n',
    )  # fmt: skip


def test_two_parties_in_one_role_of_a_deal_become_one(run: Invoke) -> None:
    run("add", "Sky", "--acquirer", "Fox", "--acquirer", "21st Century Fox", "--on", "2016-12")
    run("edit", "sky-fox", "--add", "adviser=Fox", "--on", "2017")
    assert merge(run, "Fox", "21st Century Fox", "--yes")[0] == 0
    assert deal(run, "sky-fox")["parties"] == [
        {"name": "Sky", "role": "target"},
        {"name": "21st Century Fox", "role": "acquirer"},
        {"name": "21st Century Fox", "role": "adviser"},
    ]
    history = json.loads(run("history", "sky-fox", "-f", "json").stdout)
    assert history[0]["parties"] == [
        {"name": "Sky", "role": "target"},
        {"name": "21st Century Fox", "role": "acquirer"},
    ]
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_the_merged_partys_units_and_missing_parent_pass_to_the_party_it_joins(
    run: Invoke,
) -> None:
    run("party", "add", "Glance", "--parent", "InMobi", "--country", "IN")
    run("party", "add", "Roposo", "--kind", "unit", "--parent", "Glance")
    run("party", "add", "Glance Digital Experience", "--country", "SG")
    assert merge(run, "Glance", "Glance Digital Experience", "--yes")[0] == 0
    card = party(run, "Glance Digital Experience")
    assert (card["parent"], card["country"], card["units"]) == ("InMobi", "SG", ["Roposo"])
    assert party(run, "InMobi")["units"] == ["Glance Digital Experience"]


def test_an_import_naming_the_merged_party_finds_the_party_it_joined(
    duplicates: Invoke, tmp_path: Path
) -> None:
    merge(duplicates, "Glance", "Glance Digital Experience", "--yes")
    path = write(tmp_path, "d.csv", "target,acquirers,reported\nMX Takatak,Glance,2022-02\n")
    result = duplicates("import", path)
    assert result.exit_code == 0, result.stderr
    assert "Created party" not in result.stderr
    assert deal(duplicates, "mx-takatak-glance")["parties"][1] == {
        "name": "Glance Digital Experience",
        "role": "acquirer",
    }


def test_a_merge_cannot_be_voided(duplicates: Invoke) -> None:
    merge(duplicates, "Glance", "Glance Digital Experience", "--yes")
    result = duplicates("void", "5", "--reason", "wrong")
    assert (result.exit_code, result.stderr) == (
        1, "Error: event 5 is a merge, which is final, and cannot be voided\n",
    )  # fmt: skip


def test_link_events_of_the_merged_party_can_still_be_voided(duplicates: Invoke) -> None:
    merge(duplicates, "Glance", "Glance Digital Experience", "--yes")
    assert duplicates("void", "3", "--reason", "unsure").exit_code == 0
    assert [link["party"] for link in party(duplicates, "Glance")["links"]] == ["SoftBank"]
    checked = duplicates("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_a_link_both_parties_had_from_one_source_is_kept_once(run: Invoke) -> None:
    run("party", "link", "SoftBank", "--backs", "Glance", "--on", "2020", "--source", "FT")
    run("party", "link", "SoftBank", "--backs", "Glance Digital Experience", "--on", "2020",
        "--source", "FT")  # fmt: skip
    run("party", "link", "SoftBank", "--backs", "Glance Digital Experience", "--on", "2021")
    assert merge(run, "Glance", "Glance Digital Experience", "--yes")[0] == 0
    history = json.loads(run("party", "history", "SoftBank", "-f", "json").stdout)
    assert [(e["id"], e["party"], e["on"]) for e in history] == [
        (1, "Glance Digital Experience", "2020"), (3, "Glance Digital Experience", "2021"),
    ]  # fmt: skip
    links = party(run, "Glance")["links"]
    assert [(link["party"], link["since"], link["until"]) for link in links] == [
        ("SoftBank", "2021", None),
    ]
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")
