"""``dealtrack party add/edit/rm``: names, aliases, parents, and the parties deals create."""

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack
from tests.cli_process import pg_other_locale_url
from tests.conftest import STORY, Invoke, LedgerUnderTest
from tests.ledger_json import deal, party, usage_error

__all__ = ["pg_other_locale_url"]  # the fixture, imported for the test on another locale

NAME_RULE = "is not a valid party name: it may not contain ';', NUL or control characters"


@pytest.fixture
def glance(run: Invoke) -> Invoke:
    result = run("party", "add", "Glance Digital Experience", "--alias", "Glance",
                 "--parent", "InMobi")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return run


def card(name: str, **fields: object) -> dict[str, object]:
    return {"name": name, "kind": "company", "country": None, "parent": None, "aliases": [],
            "units": [], "deals": [], "links": [], **fields}  # fmt: skip


def test_party_add_records_kind_country_parent_and_aliases(run: Invoke) -> None:
    result = run("party", "add", "Glance   Digital Experience", "--kind", "Fund", "--country", "in",
                 "--parent", "InMobi", "--alias", "Glance", "--alias", "GDE")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == 'Created party "InMobi"\nAdded party "Glance Digital Experience"\n'
    assert party(run, "gde") == card(
        "Glance Digital Experience", kind="fund", country="IN", parent="InMobi",
        aliases=["Glance", "GDE"],
    )  # fmt: skip
    assert party(run, "InMobi") == card("InMobi", units=["Glance Digital Experience"])


def test_party_add_defaults_to_a_company(run: Invoke) -> None:
    assert run("party", "add", "ByteDance").stderr == 'Added party "ByteDance"\n'
    assert party(run, "bytedance") == card("ByteDance")


FULLWIDTH_GLANCE = "\uff27\uff4c\uff41\uff4e\uff43\uff45"  # NFKC folds it to "Glance"


@pytest.mark.parametrize("name", ["glance digital  experience", "GLANCE", FULLWIDTH_GLANCE])
def test_party_add_of_an_existing_name_or_alias_points_to_party_edit(
    glance: Invoke, name: str
) -> None:
    result = glance("party", "add", name, "--country", "IN")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: party "Glance Digital Experience" already exists; change it with dealtrack party edit\n'
    )
    assert party(glance, "Glance")["country"] is None


def test_an_alias_cannot_name_two_parties(glance: Invoke) -> None:
    result = glance("party", "add", "Glance Pvt Ltd", "--alias", "glance")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: "glance" is already a name of party "Glance Digital Experience"\n'
    )
    assert glance("party", "show", "Glance Pvt Ltd").exit_code == 1


@pytest.mark.parametrize(
    ("args", "param", "shown"),
    [
        (("A;B",), "'NAME'", "'A;B'"),
        (("Glance\x00",), "'NAME'", "'Glance\\x00'"),
        (("Glance", "--parent", "In\tMobi"), "'--parent'", "'In Mobi'"),
        (("Glance", "--alias", "Gl\x1bance"), "'--alias'", "'Gl\\x1bance'"),
    ],
)
def test_party_names_with_semicolons_or_control_characters_are_usage_errors(
    run: Invoke, args: tuple[str, ...], param: str, shown: str
) -> None:
    result = run("party", "add", *args)
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "party add", "[OPTIONS] NAME", f"Invalid value for {param}: {shown} {NAME_RULE}"
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--country", "IND", "'IND' is not an ISO 3166 alpha-2 country code; write e.g. IN or US"),
        ("--kind", "startup", "'startup' is not a party kind; use one of: company, unit, fund, "
                              "person, government, other"),
    ],
)  # fmt: skip
def test_malformed_party_options_are_usage_errors(
    run: Invoke, option: str, value: str, message: str
) -> None:
    result = run("party", "add", "Glance", option, value)
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "party add", "[OPTIONS] NAME", f"Invalid value for '{option}': {message}"
    )


def test_party_edit_changes_every_field_and_is_found_by_alias(glance: Invoke) -> None:
    result = glance("party", "edit", "glance", "--name", "Glance InMobi", "--kind", "unit",
                    "--country", "in", "--parent", "InMobi Group", "--alias", "GDE",
                    "--remove-alias", "Glance")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == 'Created party "InMobi Group"\nEdited party "Glance InMobi"\n'
    assert party(glance, "GDE") == card(
        "Glance InMobi", kind="unit", country="IN", parent="InMobi Group",
        aliases=["Glance Digital Experience", "GDE"],
    )  # fmt: skip
    assert glance("party", "show", "Glance").exit_code == 1
    assert party(glance, "InMobi")["units"] == []


def test_a_renamed_party_shows_its_new_name_in_its_deals(glance: Invoke) -> None:
    glance("add", "TikTok India", "--acquirer", "Glance", "--on", "2021-02-13")
    glance("party", "edit", "Glance Digital Experience", "--name", "Glance")
    shown = deal(glance, "tiktok-india-glance-digital-experience")
    assert shown["parties"][1] == {"name": "Glance", "role": "acquirer"}
    assert party(glance, "Glance")["aliases"] == ["Glance Digital Experience"]


def test_party_edit_may_change_only_the_spelling(glance: Invoke) -> None:
    result = glance(
        "party", "edit", "Glance Digital Experience", "--name", "GLANCE digital experience"
    )
    assert (result.exit_code, result.stderr) == (0, 'Edited party "GLANCE digital experience"\n')


def test_party_edit_refuses_a_name_another_party_holds(glance: Invoke) -> None:
    result = glance("party", "edit", "Glance", "--name", "inmobi")
    assert (result.exit_code, result.stderr) == (
        1, 'Error: "inmobi" is already a name of party "InMobi"\n',
    )  # fmt: skip
    assert party(glance, "Glance")["name"] == "Glance Digital Experience"


def test_party_edit_refuses_to_remove_an_alias_the_party_lacks(glance: Invoke) -> None:
    result = glance("party", "edit", "Glance", "--kind", "fund", "--remove-alias", "GDE")
    assert (result.exit_code, result.stderr) == (
        1, 'Error: "GDE" is not an alias of party "Glance Digital Experience"\n',
    )  # fmt: skip
    assert party(glance, "Glance")["kind"] == "company"


@pytest.mark.parametrize(
    ("name", "parent", "message"),
    [
        ("InMobi", "Glance", '"Glance Digital Experience" cannot be the parent of "InMobi": that is a cycle '
                             "(InMobi → Glance Digital Experience → InMobi)"),
        ("Glance", "Glance", '"Glance Digital Experience" cannot be the parent of "Glance Digital Experience": '
                             "that is a cycle (Glance Digital Experience → Glance Digital Experience)"),
    ],
)  # fmt: skip
def test_party_edit_refuses_a_parent_cycle(
    glance: Invoke, name: str, parent: str, message: str
) -> None:
    result = glance("party", "edit", name, "--parent", parent)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert party(glance, "InMobi")["parent"] is None


def test_party_edit_refuses_a_malformed_new_name(glance: Invoke) -> None:
    result = glance("party", "edit", "Glance", "--name", "Glance;InMobi")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "party edit", "[OPTIONS] NAME", f"Invalid value for '--name': 'Glance;InMobi' {NAME_RULE}"
    )


@pytest.mark.parametrize("command", [("edit", "Nobody", "--kind", "fund"), ("rm", "Nobody")])
def test_party_edit_and_rm_of_an_unknown_party_are_refused(
    glance: Invoke, command: tuple[str, ...]
) -> None:
    result = glance("party", *command)
    assert (result.exit_code, result.stderr) == (
        1, 'Error: no party named "Nobody" (see dealtrack party list)\n',
    )  # fmt: skip


def test_party_rm_deletes_a_party_in_no_deal_and_frees_its_units(glance: Invoke) -> None:
    result = glance("party", "rm", "inmobi")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", 'Removed party "InMobi"\n')
    assert glance("party", "show", "InMobi").exit_code == 1
    assert party(glance, "Glance")["parent"] is None


def test_party_rm_frees_the_name_and_its_aliases(glance: Invoke) -> None:
    glance("party", "rm", "Glance Digital Experience")
    assert glance("party", "add", "Glance").stderr == 'Added party "Glance"\n'


@pytest.mark.parametrize("role", ["target", "acquirer"])
def test_party_rm_refuses_a_party_in_a_deal(glance: Invoke, role: str) -> None:
    args = ("Glance",) if role == "target" else ("TikTok India", "--acquirer", "Glance")
    glance("add", *args, "--on", "2021")
    result = glance("party", "rm", "Glance")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: party "Glance Digital Experience" is in a deal; remove it from its deals first\n'
    )


def test_party_rm_refuses_a_party_still_named_in_a_deals_history(glance: Invoke) -> None:
    glance("add", "TikTok India", "--adviser", "Glance", "--on", "2021")
    glance("edit", "tiktok-india", "--remove", "adviser=Glance")
    assert glance("party", "rm", "Glance").exit_code == 1


def test_party_rm_refuses_a_former_target_still_named_in_a_deals_history(glance: Invoke) -> None:
    # The opening roster of the created event names the target the deal was reported with.
    assert glance("add", "Glance", "--on", "2021").stdout == "glance-digital-experience\n"
    assert glance("edit", "glance-digital-experience", "--target", "TikTok India").exit_code == 0
    result = glance("party", "rm", "Glance")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: party "Glance Digital Experience" is in a deal; remove it from its deals first\n'
    )
    history = glance("history", "glance-digital-experience", "-f", "json")
    assert history.exit_code == 0, history.stderr
    assert json.loads(history.stdout)[0]["parties"] == [
        {"name": "Glance Digital Experience", "role": "target"}
    ]


def test_recording_commands_create_companies_and_say_so(run: Invoke) -> None:
    result = run("add", "TikTok India", "--seller", "ByteDance", "--on", "2020")
    assert result.stderr == (
        'Created party "TikTok India"\nCreated party "ByteDance"\nAdded deal "tiktok-india"\n'
    )
    assert party(run, "bytedance") == card(
        "ByteDance",
        deals=[{"key": "tiktok-india", "role": "seller", "status": "rumored", "value": None}],
    )


def test_a_party_created_by_a_deal_keeps_its_first_spelling(run: Invoke) -> None:
    run("add", "TikTok  India", "--on", "2020")
    result = run("add", "tiktok india", "--acquirer", "Jio", "--on", "2020")
    assert result.stderr == 'Created party "Jio"\nAdded deal "tiktok-india-jio"\n'
    assert deal(run, "tiktok-india-jio")["target"] == "TikTok India"


def test_reading_commands_create_no_party(glance: Invoke) -> None:
    result = glance("list", "--party", "Googel", "-f", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert glance("party", "show", "Googel").exit_code == 1


def test_running_the_worked_example_twice_stops_at_its_first_line(story: Invoke) -> None:
    before = story("list", "-f", "json").stdout
    result = story(*STORY[0])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: party "TikTok India" already exists; change it with dealtrack party edit\n'
    )
    assert story("list", "-f", "json").stdout == before


def test_every_later_line_of_the_worked_example_changes_nothing_when_run_again(
    story: Invoke,
) -> None:
    before = story("history", "-f", "json").stdout
    outcomes = [(story(*args).exit_code, args[0]) for args in STORY[2:]]
    assert outcomes == [(1, "add"), (0, "status"), (1, "add"), (1, "add")]
    assert story("history", "-f", "json").stdout == before


CODE_POINT_ORDER = ["A B", "A-C", "AB", "Z", "É"]  # what a locale sorts as A B, A-C, AB, É, Z


def listed_in_order(run: Invoke) -> tuple[list[str], list[str]]:
    """The names of ``party list`` and of the parties ``export`` writes, added in reverse."""
    for name in reversed(CODE_POINT_ORDER):
        assert run("party", "add", name).exit_code == 0
    listed = json.loads(run("party", "list", "-f", "json").stdout)
    exported = json.loads(run("export", "-f", "json").stdout)["parties"]
    return [p["name"] for p in listed], [p["name"] for p in exported]


def test_parties_are_listed_and_exported_in_code_point_order(run: Invoke) -> None:
    assert listed_in_order(run) == (CODE_POINT_ORDER, CODE_POINT_ORDER)


def test_a_server_sorting_by_another_locale_still_lists_parties_in_code_point_order(
    pg_other_locale_url: str,
) -> None:
    def run(*args: str) -> Result:
        return CliRunner(catch_exceptions=False).invoke(
            dealtrack, ["--db", pg_other_locale_url, *args]
        )

    assert listed_in_order(run) == (CODE_POINT_ORDER, CODE_POINT_ORDER)


# Country codes and parent loops


@pytest.mark.parametrize("command", ["add", "edit"])
@pytest.mark.parametrize("value", ["ÄÖ", "ıN", "I N"])
def test_a_country_must_be_two_ascii_letters(glance: Invoke, command: str, value: str) -> None:
    result = glance("party", command, "Glance", "--country", value)
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        f"party {command}",
        "[OPTIONS] NAME",
        f"Invalid value for '--country': {value!r} is not an ISO 3166 alpha-2 country code; "
        "write e.g. IN or US",
    )
    assert party(glance, "Glance")["country"] is None


@contextmanager
def returns_within(seconds: int) -> Iterator[None]:
    """Fail a command that hangs, instead of hanging the test run."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def looped(run: Invoke, ledger_db: LedgerUnderTest) -> Invoke:
    """Alpha and Beta each other's parent, as raw SQL (or an older import) could leave them."""
    for name in ("Alpha", "Beta"):
        assert run("party", "add", name).exit_code == 0
    ledger_db.sql(
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Beta') WHERE name = 'Alpha'",
        "UPDATE party SET parent_id = (SELECT id FROM party WHERE name = 'Alpha') WHERE name = 'Beta'",
    )  # fmt: skip
    return run


def test_a_parent_whose_chain_already_loops_is_refused_not_followed_forever(
    looped: Invoke, ledger_db: LedgerUnderTest
) -> None:
    before = ledger_db.contents()
    with returns_within(20):
        added = looped("party", "add", "Gamma", "--parent", "Alpha")
        edited = looped("party", "edit", "Beta", "--parent", "Alpha")
    assert (added.exit_code, added.stdout) == (1, "")
    assert added.stderr == (
        'Error: "Alpha" cannot be the parent of "Gamma": the parent chain of "Alpha" already '
        "loops (Alpha → Beta → Alpha); give one of those parties another parent first\n"
    )
    assert (edited.exit_code, edited.stderr) == (
        1, 'Error: "Alpha" cannot be the parent of "Beta": that is a cycle (Beta → Alpha → Beta)\n'
    )  # fmt: skip
    assert ledger_db.contents() == before


def test_a_loop_is_mended_by_giving_one_of_its_parties_another_parent(looped: Invoke) -> None:
    with returns_within(20):
        result = looped("party", "edit", "Beta", "--parent", "Holding")
    assert (result.exit_code, result.stderr) == (
        0, 'Created party "Holding"\nEdited party "Beta"\n'
    )  # fmt: skip
    assert looped("check").exit_code == 0
    assert looped("party", "add", "Gamma", "--parent", "Alpha").exit_code == 0


def test_party_show_of_a_mistyped_name_suggests_the_closest(story: Invoke) -> None:
    result = story("party", "show", "Relience Jio")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == 'Error: no party named "Relience Jio" (did you mean "Reliance Jio"?)\n'
