"""Renaming a party: the old name stays an alias, and the rename is an event of its history."""

import json

import pytest

from tests.conftest import Invoke
from tests.ledger_json import party, usage_error, without_recorded_at


@pytest.fixture
def glance(run: Invoke) -> Invoke:
    result = run("party", "add", "Glance Digital Experience", "--alias", "Glance",
                 "--parent", "InMobi")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return run


def test_a_renamed_party_keeps_its_old_name_as_an_alias_and_its_rename_in_its_history(
    glance: Invoke,
) -> None:
    result = glance("party", "edit", "Glance", "--name", "Glance InMobi", "--on", "2022-05",
                    "--source", "Mint", "--attribution", "official")  # fmt: skip
    assert (result.exit_code, result.stderr) == (0, 'Edited party "Glance InMobi"\n')
    assert party(glance, "Glance Digital Experience")["name"] == "Glance InMobi"
    history = glance("party", "history", "glance digital experience", "-f", "json")
    assert [without_recorded_at(e) for e in json.loads(history.stdout)] == [
        {"id": 1, "deal": None, "type": "rename", "on": "2022-05", "party": "Glance InMobi",
         "changes": {"name": ["Glance Digital Experience", "Glance InMobi"]},
         "source": {"outlet": "Mint", "url": None, "attribution": "official"}, "note": None},
    ]  # fmt: skip
    table = glance("party", "history", "Glance InMobi", "--fields", "id,on,type,what")
    assert table.stdout == (
        "id    on       type    what\n"
        "----  -------  ------  -------------------------------------------------\n"
        "1     2022-05  rename  renamed Glance Digital Experience → Glance InMobi\n"
    )
    checked = glance("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_renaming_to_the_name_it_has_records_nothing(glance: Invoke) -> None:
    glance("party", "edit", "Glance", "--name", "Glance InMobi")
    again = glance("party", "edit", "Glance Digital Experience", "--name", "Glance InMobi")
    assert (again.exit_code, again.stderr) == (0, 'Edited party "Glance InMobi"\n')
    history = json.loads(glance("party", "history", "Glance", "-f", "json").stdout)
    assert [e["type"] for e in history] == ["rename"]


def test_a_rename_cannot_be_voided_and_says_how_to_undo_it(glance: Invoke) -> None:
    glance("party", "edit", "Glance", "--name", "Glance InMobi")
    result = glance("void", "1", "--reason", "typo")
    assert (result.exit_code, result.stderr) == (
        1, "Error: event 1 is a rename and cannot be voided; rename the party back with "
        "dealtrack party edit NAME --name OLD\n",
    )  # fmt: skip
    back = glance("party", "edit", "Glance InMobi", "--name", "Glance Digital Experience")
    assert back.exit_code == 0
    assert party(glance, "Glance")["aliases"] == ["Glance", "Glance InMobi"]


def test_the_ledger_wide_history_lists_renames(glance: Invoke) -> None:
    glance("party", "edit", "Glance", "--name", "Glance InMobi", "--on", "2022-05")
    result = glance("history", "--fields", "id,on,type,what")
    assert result.stdout.splitlines()[-1] == (
        "1     2022-05  rename  renamed Glance Digital Experience → Glance InMobi"
    )


def test_on_and_source_without_a_new_name_are_a_usage_error(glance: Invoke) -> None:
    result = glance("party", "edit", "Glance", "--on", "2022-05")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "party edit", "[OPTIONS] NAME", "--on and --source date and source a new name; give --name"
    )


def test_a_renamed_party_in_no_deal_can_still_be_removed(glance: Invoke) -> None:
    glance("party", "edit", "Glance", "--name", "Glance InMobi")
    result = glance("party", "rm", "Glance InMobi")
    assert (result.exit_code, result.stderr) == (0, 'Removed party "Glance InMobi"\n')
    assert glance("history", "-f", "json").stdout == "[]\n"
