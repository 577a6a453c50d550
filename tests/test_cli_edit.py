"""``dealtrack edit``: corrections to title, kind, key, target, reported date and parties."""

import datetime
import json

import pytest

from tests.conftest import BuiltLedger, Invoke, LedgerUnderTest
from tests.ledger_json import deal, events, keys, usage_error

TODAY = datetime.date.today().isoformat()
EDIT_USAGE = "[OPTIONS] DEAL"


JIO_AGREED = (
    ("add", "T", "--acquirer", "A", "--status", "in-negotiation", "--on", "2020-01",
     "--title", "Old title"),
    ("status", "t-a", "agreed", "--on", "2020-06"),
)  # fmt: skip


@pytest.fixture
def jio(built_ledger: BuiltLedger) -> Invoke:
    """Deal t-a created (event 1) reported 2020-01, agreed on 2020-06 (event 2)."""
    return built_ledger(JIO_AGREED)


def edit_event(event_id: int, key: str, changes: dict[str, list[object]]) -> dict[str, object]:
    return {"id": event_id, "deal": key, "type": "edit", "on": TODAY, "changes": changes,
            "source": None, "note": None}  # fmt: skip


def party_event(event_id: int, action: str, name: str, role: str) -> dict[str, object]:
    return {"id": event_id, "deal": "t-a", "type": "party", "on": TODAY, "action": action,
            "party": name, "role": role, "source": None, "note": None}  # fmt: skip


def test_edit_records_title_kind_and_key_as_one_edit_event(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--title", "Jio bid", "--kind", "Joint Venture", "--key", "jio-bid")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", 'Edited deal "jio-bid"\n')
    assert events(jio, "jio-bid")[-1] == edit_event(3, "jio-bid", {
        "title": ["Old title", "Jio bid"],
        "kind": ["acquisition", "joint-venture"],
        "key": ["t-a", "jio-bid"],
    })  # fmt: skip
    shown = deal(jio, "1")
    assert (shown["key"], shown["title"], shown["kind"]) == ("jio-bid", "Jio bid", "joint-venture")
    assert keys(jio) == ["jio-bid"]
    assert jio("show", "t-a").stderr == 'Error: no deal "t-a" (see dealtrack list)\n'


def test_edit_leaves_status_value_and_updated_alone(jio: Invoke) -> None:
    jio("edit", "t-a", "--title", "Jio bid")
    shown = deal(jio, "t-a")
    assert (shown["status"], shown["value"], shown["reported"]) == ("agreed", None, "2020-01")


def test_a_freed_key_can_be_taken_by_another_deal(jio: Invoke) -> None:
    jio("edit", "t-a", "--key", "jio-bid")
    assert jio("add", "T", "--acquirer", "A", "--on", "2021").stdout == "t-a\n"


def test_edit_refuses_a_taken_key(jio: Invoke) -> None:
    jio("add", "U", "--on", "2020")
    result = jio("edit", "t-a", "--key", "u", "--title", "New")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == 'Error: key "u" is taken; choose another with --key\n'
    assert deal(jio, "t-a")["title"] == "Old title"


def test_edit_refuses_a_malformed_key_as_usage(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--key", "Jio Bid")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "edit",
        EDIT_USAGE,
        "Invalid value for '--key': 'Jio Bid' is not a valid key; use lowercase letters and "
        "digits joined by '-', with at least one letter (e.g. tiktok-india-jio)",
    )


def test_edit_target_moves_the_deal_to_another_target_but_keeps_its_key(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--target", "TikTok India")
    assert result.stderr == 'Created party "TikTok India"\nEdited deal "t-a"\n'
    assert events(jio, "t-a")[-1] == edit_event(3, "t-a", {"target": ["T", "TikTok India"]})
    shown = deal(jio, "t-a")
    assert (shown["key"], shown["target"]) == ("t-a", "TikTok India")
    assert shown["parties"][0] == {"name": "TikTok India", "role": "target"}


def test_edit_reported_moves_the_reported_date_back(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--reported", "2019-12-20")
    assert (result.exit_code, result.stderr) == (0, 'Edited deal "t-a"\n')
    assert events(jio, "t-a")[-1] == edit_event(3, "t-a", {"reported": ["2020-01", "2019-12-20"]})
    assert deal(jio, "t-a")["reported"] == "2019-12-20"
    assert jio("status", "t-a", "in-negotiation", "--on", "2019-12-25").exit_code == 0


def test_edit_reported_may_move_up_to_the_earliest_other_event(jio: Invoke) -> None:
    assert jio("edit", "t-a", "--reported", "2020-06").exit_code == 0
    assert deal(jio, "t-a")["reported"] == "2020-06"


def test_edit_reported_may_not_move_past_the_earliest_other_event(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--reported", "2020-07", "--title", "New")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: deal "t-a" has an event on 2020-06; --reported may not move past it\n'
    )
    assert (deal(jio, "t-a")["reported"], deal(jio, "t-a")["title"]) == ("2020-01", "Old title")


def test_edit_reported_in_the_future_is_a_usage_error(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--reported", "2999-01-01")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "edit",
        EDIT_USAGE,
        f"Invalid value for '--reported': '2999-01-01' is after today ({TODAY}); "
        "effective dates cannot be in the future",
    )


def test_edit_adds_and_removes_parties_with_one_party_event_each(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--remove", "acquirer=a", "--add", "adviser=Goldman Sachs",
                 "--add", "Backer=SoftBank")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        'Created party "Goldman Sachs"\nCreated party "SoftBank"\nEdited deal "t-a"\n'
    )
    assert events(jio, "t-a")[2:] == [
        party_event(3, "removed", "A", "acquirer"),
        party_event(4, "added", "Goldman Sachs", "adviser"),
        party_event(5, "added", "SoftBank", "backer"),
    ]
    assert deal(jio, "t-a")["parties"] == [
        {"name": "T", "role": "target"},
        {"name": "Goldman Sachs", "role": "adviser"},
        {"name": "SoftBank", "role": "backer"},
    ]


def test_a_party_removed_and_added_again_the_same_day_is_recorded_each_time(jio: Invoke) -> None:
    jio("edit", "t-a", "--add", "adviser=X")
    jio("edit", "t-a", "--remove", "adviser=X")
    again = jio("edit", "t-a", "--add", "adviser=X")
    assert (again.exit_code, again.stderr) == (0, 'Edited deal "t-a"\n')
    assert [e["action"] for e in events(jio, "t-a")[2:]] == ["added", "removed", "added"]
    assert {"name": "X", "role": "adviser"} in deal(jio, "t-a")["parties"]
    assert jio("check").exit_code == 0


def test_a_title_changed_back_and_forth_is_recorded_each_time(jio: Invoke) -> None:
    for title in ("New", "Old title", "New"):
        assert jio("edit", "t-a", "--title", title).stderr == 'Edited deal "t-a"\n'
    assert len(events(jio, "t-a")) == 5
    assert deal(jio, "t-a")["title"] == "New"


def test_removing_a_party_not_in_that_role_is_refused(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--remove", "seller=A")
    assert (result.exit_code, result.stderr) == (
        1,
        f'Error: "A" is not seller in deal "t-a" on {TODAY}\n',
    )


def test_removing_an_unknown_party_is_refused_without_creating_it(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--remove", "adviser=Nobody")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == 'Error: no party named "Nobody" (see dealtrack party list)\n'


def test_adding_a_party_already_in_that_role_is_refused(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--title", "New", "--add", "acquirer=A")
    assert (result.exit_code, result.stderr) == (
        1,
        f'Error: "A" is already acquirer in deal "t-a" on {TODAY}\n',
    )
    assert deal(jio, "t-a")["title"] == "Old title"
    assert len(events(jio, "t-a")) == 2


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("acquirer", "'acquirer' is not ROLE=NAME; write e.g. acquirer=\"Reliance Jio\""),
        ("adviser= ", "'adviser= ' is not ROLE=NAME; write e.g. acquirer=\"Reliance Jio\""),
        ("buyer=Jio", "'buyer' is not a role; use one of: acquirer, seller, adviser, backer, other"),
        ("target=Jio", "'target' is not a role; use one of: acquirer, seller, adviser, backer, other"),
        ("backer=Soft;Bank", "'Soft;Bank' is not a valid party name: it may not contain ';', NUL "
                             "or control characters"),
    ],
)  # fmt: skip
def test_a_malformed_role_name_is_a_usage_error(jio: Invoke, option: str, message: str) -> None:
    result = jio("edit", "t-a", "--add", option)
    assert result.exit_code == 2
    assert result.stderr == usage_error("edit", EDIT_USAGE, f"Invalid value for '--add': {message}")
    assert len(events(jio, "t-a")) == 2


def test_edit_without_any_change_is_a_usage_error(jio: Invoke) -> None:
    result = jio("edit", "t-a")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "edit",
        EDIT_USAGE,
        "give at least one change: --title, --kind, --key, --target, --reported, --add or --remove",
    )


def test_an_edit_that_changes_nothing_records_nothing(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--title", "Old title", "--kind", "acquisition", "--key", "t-a",
                 "--target", "t", "--reported", "2020-01")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == 'Nothing recorded: deal "t-a" already has these values\n'
    assert len(events(jio, "t-a")) == 2


def test_edit_of_an_unknown_deal_is_refused(jio: Invoke) -> None:
    result = jio("edit", "t-b", "--title", "x")
    assert (result.exit_code, result.stderr) == (1, 'Error: no deal "t-b" (see dealtrack list)\n')


# Roles that cannot combine


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--add", "seller=a"), '"A" cannot be both acquirer and seller'),
        (("--add", "adviser=T"), '"T" is the target of this deal and cannot also be its adviser'),
        (("--target", "A"), '"A" is the target of this deal and cannot also be its acquirer'),
        (("--target", "New Co", "--add", "other=new co"),
         '"New Co" is the target of this deal and cannot also be its other'),
    ],
)  # fmt: skip
def test_edit_refuses_a_roster_with_roles_that_cannot_combine(
    jio: Invoke, ledger_db: LedgerUnderTest, args: tuple[str, ...], message: str
) -> None:
    before = ledger_db.contents()
    result = jio("edit", "t-a", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
    assert ledger_db.contents() == before


def test_edit_may_move_a_party_to_a_role_it_leaves_in_the_same_edit(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--remove", "acquirer=A", "--add", "seller=A", "--target", "T")
    assert (result.exit_code, result.stderr) == (0, 'Edited deal "t-a"\n')
    assert deal(jio, "t-a")["parties"] == [
        {"name": "T", "role": "target"},
        {"name": "A", "role": "seller"},
    ]


# Corrections leave updated alone; roster changes are dated news


def updated_dates(run: Invoke, *args: str) -> str:
    result = run("list", "-f", "csv", "--fields", "key,updated", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_corrections_and_voids_do_not_move_updated(jio: Invoke) -> None:
    jio("note", "t-a", "board met", "--on", "2020-03")  # event 3
    assert updated_dates(jio) == "key,updated\nt-a,2020-06\n"
    for correction in (
        ("edit", "t-a", "--title", "Jio bid", "--kind", "merger", "--key", "jio"),
        ("edit", "jio", "--target", "TikTok India", "--reported", "2019-12"),
    ):
        assert jio(*correction).exit_code == 0
        assert updated_dates(jio).splitlines()[1].endswith(",2020-06")
    voided = jio("void", "2", "--reason", "another deal's news")
    assert (voided.exit_code, voided.stderr) == (0, "Recorded event 6: event 2 is void\n")
    assert updated_dates(jio) == "key,updated\njio,2020-03\n"
    assert updated_dates(jio, "--updated-since", TODAY) == "key,updated\n"
    assert jio("check").exit_code == 0


def test_a_roster_change_is_a_party_event_dated_on_with_its_source(jio: Invoke) -> None:
    result = jio("edit", "t-a", "--add", "backer=SoftBank", "--on", "2020-03-02",
                 "--source", "Bloomberg", "--url", "https://example.com/b",
                 "--attribution", "anonymous")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == 'Created party "SoftBank"\nEdited deal "t-a"\n'
    history = events(jio, "t-a")
    assert [e["id"] for e in history] == [1, 3, 2]  # in the order of their dates
    assert history[1] == party_event(3, "added", "SoftBank", "backer") | {
        "on": "2020-03-02",
        "source": {"outlet": "Bloomberg", "url": "https://example.com/b",
                   "attribution": "anonymous"},
    }  # fmt: skip
    assert updated_dates(jio) == "key,updated\nt-a,2020-06\n"  # news, but not the latest
    assert jio("edit", "t-a", "--remove", "backer=SoftBank", "--on", "2020-09").exit_code == 0
    assert updated_dates(jio) == "key,updated\nt-a,2020-09\n"


def test_as_of_a_date_the_roster_holds_the_parties_in_it_then(jio: Invoke) -> None:
    jio("edit", "t-a", "--add", "acquirer=B", "--on", "2020-05-01")
    jio("edit", "t-a", "--remove", "acquirer=A", "--on", "2020-08")
    roster = "key,acquirers\n{}\n"
    listed = {
        day: jio("list", "--as-of", day, "-f", "csv", "--fields", "key,acquirers").stdout
        for day in ("2020-04-30", "2020-05-01", "2020-07", "2020-08")
    }
    assert listed == {
        "2020-04-30": roster.format("t-a,A"),
        "2020-05-01": roster.format("t-a,A; B"),
        "2020-07": roster.format("t-a,A; B"),
        "2020-08": roster.format("t-a,B"),
    }
    card = json.loads(jio("show", "t-a", "--as-of", "2020-04-30", "-f", "json").stdout)
    assert card["parties"] == [{"name": "T", "role": "target"}, {"name": "A", "role": "acquirer"}]
    assert [e["id"] for e in card["events"]] == [1]
    assert deal(jio, "t-a")["parties"] == [
        {"name": "T", "role": "target"},
        {"name": "B", "role": "acquirer"},
    ]


def test_party_filters_as_of_a_date_match_the_parties_in_force_then(jio: Invoke) -> None:
    jio("edit", "t-a", "--add", "acquirer=B", "--on", "2020-05-01")
    jio("edit", "t-a", "--remove", "acquirer=A", "--on", "2020-08")

    def matched(*args: str) -> str:
        result = jio("list", *args, "-f", "csv", "--fields", "key", "--no-headers")
        assert result.exit_code == 0, result.stderr
        return result.stdout

    assert matched("--acquirer", "B", "--as-of", "2020-04-30") == ""
    assert matched("--acquirer", "B", "--as-of", "2020-05-01") == "t-a\n"
    assert matched("--party", "A", "--as-of", "2020-07") == "t-a\n"
    assert matched("--party", "A", "--as-of", "2020-08") == ""
    assert matched("--party", "A") == ""
    assert matched("--party", "T", "--as-of", "2020-08") == "t-a\n"  # the target as it is now
    assert matched("--seller", "B", "--as-of", "2020-07") == ""


def test_a_back_dated_roster_change_is_judged_on_its_date_and_keeps_the_roster_honest(
    jio: Invoke,
) -> None:
    assert jio("edit", "t-a", "--add", "adviser=X", "--on", "2020-06").exit_code == 0
    early = jio("edit", "t-a", "--add", "adviser=X", "--on", "2020-02")  # not adviser then
    assert (early.exit_code, early.stderr) == (0, 'Edited deal "t-a"\n')
    refused = jio("edit", "t-a", "--remove", "adviser=X", "--on", "2020-01-15")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == 'Error: "X" is not adviser in deal "t-a" on 2020-01-15\n'
    assert jio("edit", "t-a", "--remove", "adviser=X", "--on", "2020-07").exit_code == 0
    advisers = [
        jio("list", *as_of, "-f", "csv", "--fields", "advisers", "--no-headers").stdout
        for as_of in (("--as-of", "2020-01"), ("--as-of", "2020-03"), ("--as-of", "2020-06"), ())
    ]
    assert advisers == ['""\n', "X\n", "X\n", '""\n']  # csv quotes a lone empty cell
    checked = jio("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_repeating_a_dated_roster_change_records_nothing(jio: Invoke) -> None:
    change = ("edit", "t-a", "--remove", "acquirer=A", "--add", "seller=S", "--on", "2020-07",
              "--source", "Reuters")  # fmt: skip
    assert jio(*change).stderr == 'Created party "S"\nEdited deal "t-a"\n'
    again = jio(*change)
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == 'Nothing recorded: deal "t-a" already has these values\n'
    assert len(events(jio, "t-a")) == 4


def test_a_roster_change_before_the_deal_was_reported_is_refused(
    jio: Invoke, ledger_db: LedgerUnderTest
) -> None:
    before = ledger_db.contents()
    result = jio("edit", "t-a", "--add", "backer=SoftBank", "--on", "2019-12-31")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: 2019-12-31 is before deal "t-a" was reported (2020-01); '
        "date the event on or after it\n"
    )
    assert ledger_db.contents() == before


@pytest.mark.parametrize(
    "option", [("--on", "2020-03"), ("--source", "Reuters"), ("--attribution", "official")]
)
def test_dating_or_sourcing_a_correction_is_a_usage_error(
    jio: Invoke, option: tuple[str, str]
) -> None:
    result = jio("edit", "t-a", "--title", "New", *option)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == usage_error(
        "edit",
        EDIT_USAGE,
        "--on, --source, --url and --attribution date and source --add and --remove; "
        "corrections are dated today",
    )
    assert deal(jio, "t-a")["title"] == "Old title"
