"""``dealtrack show`` (the deal card) and ``dealtrack history`` (events)."""

import datetime
import json
import re
from typing import Any

import pytest

from tests.conftest import STORY, BuiltLedger, Invoke

JIO = "tiktok-india-reliance-jio"
GLANCE = "tiktok-india-glance-digital-experience"
GOOGLE = "glance-digital-experience-google"
RECORDED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
DEAL_KEYS = [
    "id",
    "key",
    "title",
    "kind",
    "status",
    "reason",
    "target",
    "parties",
    "value",
    "reported",
    "updated",
    "notes",
]
EVENT_HEAD = ["id", "deal", "type", "on", "recorded_at"]
EVENT_TAIL = ["source", "note"]
# What the history table says of the story's created events (the widest cell of its column).
JIO_CREATED = (
    "created in negotiation with TikTok India (target), Reliance Jio (acquirer), "
    "ByteDance (seller), valued at USD 3bn"
)
GLANCE_CREATED = (
    "created in negotiation with TikTok India (target), Glance Digital Experience (acquirer), "
    "ByteDance (seller), SoftBank (backer)"
)


JOURNAL = (
    ("add", "Alpha", "--acquirer", "Buyer", "--value", "$2bn", "--on", "2019-05"),
    (
        "value",
        "alpha-buyer",
        "$2.5bn",
        "--on",
        "2019-06",
        "--basis",
        "estimated",
        "--note",
        "analyst estimate",
    ),
    (
        "status",
        "alpha-buyer",
        "in-negotiation",
        "--on",
        "2019-07",
        "--source",
        "Reuters",
        "--url",
        "https://example.com/a",
        "--attribution",
        "on-record",
    ),
    ("note", "alpha-buyer", "board met", "--on", "2019-08"),
    (
        "edit",
        "alpha-buyer",
        "--title",
        "Project A",
        "--remove",
        "acquirer=Buyer",
        "--add",
        "acquirer=Other",
    ),
    ("void", "2", "--reason", "wrong figure"),
    ("value", "alpha-buyer", "--undisclosed", "--on", "2019-09"),
)


@pytest.fixture
def journal(built_ledger: BuiltLedger) -> Invoke:
    """One deal with an event of every type: created (1), value (2, voided), status (3), note (4),
    edit (5), party removed and added (6, 7), void (8), value made undisclosed (9)."""
    return built_ledger(JOURNAL)


def events_of(run: Invoke, *args: str) -> list[dict[str, Any]]:
    result = run("history", *args, "-f", "json")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    events: list[dict[str, Any]] = json.loads(result.stdout)
    return events


def ids(run: Invoke, *args: str) -> list[int]:
    return [event["id"] for event in events_of(run, *args)]


def test_show_prints_the_card_with_history_and_rivals(story: Invoke) -> None:
    result = story("show", GLANCE)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "Deal:     tiktok-india-glance-digital-experience (#2)\n"
        "Title:    TikTok India / Glance Digital Experience\n"
        "Kind:     asset-sale\n"
        "Status:   in negotiation\n"
        "Value:    undisclosed\n"
        "Reported: 2021-02-13\n"
        "Updated:  2021-02-13\n"
        "Target:   TikTok India\n"
        "Acquirer: Glance Digital Experience\n"
        "Seller:   ByteDance\n"
        "Backer:   SoftBank\n"
        "Notes:    initial phase of negotiations\n"
        "Sources:  Bloomberg (anonymous)\n"
        "\n"
        "History\n"
        f"id    on          type     {'what':{len(GLANCE_CREATED)}}  source                 note\n"
        f"----  ----------  -------  {'-' * len(GLANCE_CREATED)}  ---------------------"
        "  -----------------------------\n"
        f"3     2021-02-13  created  {GLANCE_CREATED}  Bloomberg (anonymous)"
        "  initial phase of negotiations\n"
        "\n"
        "Rival deals on TikTok India\n"
        "key                        acquirers     status    value\n"
        "-------------------------  ------------  --------  -------\n"
        "tiktok-india-reliance-jio  Reliance Jio  failed    USD 3bn\n"
    )


def test_show_takes_an_id_as_well_as_a_key(story: Invoke) -> None:
    assert story("show", "2").stdout == story("show", GLANCE).stdout


def test_show_card_names_several_acquirers_and_the_value_basis(story: Invoke) -> None:
    result = story("show", GOOGLE)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:9] == [
        "Deal:      glance-digital-experience-google (#3)",
        "Title:     Glance Digital Experience / Google, Mithril Capital",
        "Kind:      investment",
        "Status:    completed",
        "Value:     USD 145m (reported)",
        "Reported:  2020-12",
        "Updated:   2020-12",
        "Target:    Glance Digital Experience",
        "Acquirers: Google, Mithril Capital",
    ]
    assert "Rival deals" not in result.stdout


def test_show_json_is_the_deal_then_events_then_rivals_then_conflicts(story: Invoke) -> None:
    result = story("show", JIO, "-f", "json")
    assert result.exit_code == 0
    card = json.loads(result.stdout)
    assert list(card) == [*DEAL_KEYS, "events", "rivals", "conflicts"]
    assert card["conflicts"] == []
    assert card["status"] == "failed"
    assert card["reason"] == "did not go through for undisclosed reasons"
    assert card["value"] == {
        "amount": "3000000000.00",
        "high": None,
        "currency": "USD",
        "basis": "reported",
    }
    assert [e["id"] for e in card["events"]] == [1, 2]
    assert card["events"][0]["parties"] == [
        {"name": "TikTok India", "role": "target"},
        {"name": "Reliance Jio", "role": "acquirer"},
        {"name": "ByteDance", "role": "seller"},
    ]
    assert card["events"][1] | {"recorded_at": None} == {
        "id": 2,
        "deal": JIO,
        "type": "status",
        "on": "2021-02-13",
        "recorded_at": None,
        "status": "failed",
        "reason": "did not go through for undisclosed reasons",
        "source": {"outlet": "Bloomberg", "url": None, "attribution": "unattributed"},
        "note": None,
    }
    assert card["rivals"] == [
        {
            "key": GLANCE,
            "acquirers": ["Glance Digital Experience"],
            "status": "in-negotiation",
            "value": None,
        },
    ]


def test_show_json_of_a_deal_without_rivals_has_an_empty_list(story: Invoke) -> None:
    card = json.loads(story("show", GOOGLE, "-f", "json").stdout)
    assert card["rivals"] == []
    assert card["parties"] == [
        {"name": "Glance Digital Experience", "role": "target"},
        {"name": "Google", "role": "acquirer"},
        {"name": "Mithril Capital", "role": "acquirer"},
    ]


def test_show_as_of_shows_the_state_then_and_hides_later_rivals(story: Invoke) -> None:
    result = story("show", JIO, "--as-of", "2020-12-31")
    assert result.exit_code == 0
    assert result.stdout == (
        "Deal:     tiktok-india-reliance-jio (#1)\n"
        "Title:    TikTok India / Reliance Jio\n"
        "Kind:     asset-sale\n"
        "Status:   in negotiation\n"
        "Value:    USD 3bn (reported)\n"
        "Reported: 2020-08\n"
        "Updated:  2020-08\n"
        "Target:   TikTok India\n"
        "Acquirer: Reliance Jio\n"
        "Seller:   ByteDance\n"
        "\n"
        "History\n"
        f"id    on       type     {'what':{len(JIO_CREATED)}}  source    note\n"
        f"----  -------  -------  {'-' * len(JIO_CREATED)}  --------  ------\n"
        f"1     2020-08  created  {JIO_CREATED}\n"
    )


def test_show_json_as_of_holds_only_the_events_up_to_the_date(story: Invoke) -> None:
    card = json.loads(story("show", JIO, "--as-of", "2020-12-31", "-f", "json").stdout)
    assert (card["status"], card["reason"], card["updated"]) == ("in-negotiation", None, "2020-08")
    assert [e["id"] for e in card["events"]] == [1]
    assert card["rivals"] == []


def test_show_as_of_gives_rivals_their_state_then(story: Invoke) -> None:
    story("status", GLANCE, "failed", "--on", "2021-06")
    then = json.loads(story("show", JIO, "--as-of", "2021-03", "-f", "json").stdout)
    now = json.loads(story("show", JIO, "-f", "json").stdout)
    assert [r["status"] for r in then["rivals"]] == ["in-negotiation"]
    assert [r["status"] for r in now["rivals"]] == ["failed"]


def test_show_as_of_before_the_deal_was_reported_is_refused(story: Invoke) -> None:
    result = story("show", GLANCE, "--as-of", "2020-12-31")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'Error: deal "tiktok-india-glance-digital-experience" was not yet reported on 2020-12-31'
        " (reported 2021-02-13)\n"
    )


def test_show_unknown_deal_exits_1(story: Invoke) -> None:
    for ref in ("no-such-deal", "99"):
        result = story("show", ref)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == f'Error: no deal "{ref}" (see dealtrack list)\n'


def test_show_card_marks_voided_events_and_drops_their_notes(journal: Invoke) -> None:
    result = journal("show", "alpha-buyer")
    assert result.exit_code == 0
    assert "Value:    undisclosed\n" in result.stdout
    assert "Notes:    board met\n" in result.stdout
    assert "Sources:  Reuters (on-record)\n" in result.stdout
    assert "2     2019-06     value (void)  value USD 2.5bn" in result.stdout


def test_history_of_one_deal_lists_its_events_in_order(story: Invoke) -> None:
    result = story("history", JIO)
    assert result.exit_code == 0
    assert result.stderr == ""
    failed = "failed (did not go through for undisclosed reasons)"
    assert result.stdout == (
        f"id    on          deal                       type     {'what':{len(JIO_CREATED)}}"
        "  source     note\n"
        f"----  ----------  -------------------------  -------  {'-' * len(JIO_CREATED)}"
        "  ---------  ------\n"
        f"1     2020-08     tiktok-india-reliance-jio  created  {JIO_CREATED}\n"
        f"2     2021-02-13  tiktok-india-reliance-jio  status   {failed:{len(JIO_CREATED)}}"
        "  Bloomberg\n"
    )


def test_history_without_deal_is_the_ledger_wide_feed_newest_last(story: Invoke) -> None:
    assert ids(story) == [1, 4, 2, 3]


def test_history_since_and_until_bound_the_events_dates(story: Invoke) -> None:
    assert ids(story, "--since", "2021") == [2, 3]
    assert ids(story, "--until", "2020-08") == [1]
    assert ids(story, "--since", "2020-12", "--until", "2020-12") == [4]
    assert ids(story, "--until", "2020") == [1, 4]


def test_history_since_is_not_the_deals_reported_date(story: Invoke) -> None:
    # The Jio talks were reported in 2020, but their failure is a 2021 event.
    assert ids(story, JIO, "--since", "2021") == [2]


def test_history_as_of_leaves_out_later_events(story: Invoke) -> None:
    assert ids(story, "--as-of", "2020-12-31") == [1, 4]
    assert ids(story, JIO, "--as-of", "2020-12-31") == [1]
    assert ids(story, "--as-of", "2020-11") == [1]


def test_history_filters_choose_the_deals(story: Invoke) -> None:
    assert ids(story, "--party", "Google") == [4]
    assert ids(story, "--status", "failed") == [1, 2]
    assert ids(story, "--target", "TikTok India", "--since", "2021") == [2, 3]


def test_history_with_no_matching_events(story: Invoke) -> None:
    result = story("history", "--since", "2021-03", "-f", "json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")
    result = story("history", "--party", "Nobody", "-f", "jsonl")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == 'Note: no party named "Nobody"; it matches no deal\n'


def test_history_of_an_unknown_deal_exits_1(story: Invoke) -> None:
    result = story("history", "nope")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == 'Error: no deal "nope" (see dealtrack list)\n'


def test_event_json_has_type_specific_keys_only_for_its_type(journal: Invoke) -> None:
    events = {e["id"]: e for e in events_of(journal, "alpha-buyer")}
    shapes = {
        1: ["status", "reason", "value", "parties"],  # created, with its opening roster
        2: ["value"],  # value
        3: ["status", "reason"],  # status
        4: ["text"],  # note
        5: ["changes"],  # edit
        6: ["action", "party", "role"],  # party removed
        7: ["action", "party", "role"],  # party added
        8: ["reason", "voids"],  # void
        9: ["value"],  # value made undisclosed
    }
    for event_id, keys in shapes.items():
        assert list(events[event_id]) == [*EVENT_HEAD, *keys, *EVENT_TAIL], event_id
    for event in events.values():
        assert RECORDED_AT.fullmatch(event["recorded_at"]), event


def test_event_json_values(journal: Invoke) -> None:
    today = datetime.date.today().isoformat()
    events = {e["id"]: e for e in events_of(journal, "alpha-buyer")}
    assert events[1]["on"] == "2019-05"
    assert events[1]["status"] == "rumored"
    assert events[1]["value"] == {
        "amount": "2000000000.00",
        "high": None,
        "currency": "USD",
        "basis": "reported",
    }
    assert events[1]["parties"] == [
        {"name": "Alpha", "role": "target"},
        {"name": "Buyer", "role": "acquirer"},
    ]
    assert events[2]["value"]["basis"] == "estimated"
    assert events[2]["note"] == "analyst estimate"
    assert events[3]["source"] == {
        "outlet": "Reuters",
        "url": "https://example.com/a",
        "attribution": "on-record",
    }
    assert events[4]["text"] == "board met"
    assert events[4]["source"] is None
    assert (events[5]["on"], events[5]["changes"]) == (today, {"title": [None, "Project A"]})
    assert (events[6]["action"], events[6]["party"], events[6]["role"]) == (
        "removed",
        "Buyer",
        "acquirer",
    )
    assert (events[7]["action"], events[7]["party"], events[7]["role"]) == (
        "added",
        "Other",
        "acquirer",
    )
    assert (events[8]["voids"], events[8]["reason"]) == (2, "wrong figure")
    assert events[9]["value"] is None


def test_history_orders_by_effective_date_not_recording_time(journal: Invoke) -> None:
    # Event 9 was recorded last but took effect in 2019, before the edits made today.
    assert ids(journal, "alpha-buyer") == [1, 2, 3, 4, 9, 5, 6, 7, 8]


def test_history_table_describes_each_event_and_marks_voided_ones(journal: Invoke) -> None:
    result = journal(
        "history", "alpha-buyer", "--fields", "id,type,what,source,note", "-f", "plain"
    )
    assert result.exit_code == 0
    created = "created rumored with Alpha (target), Buyer (acquirer), valued at USD 2bn"
    width = len(created)
    assert result.stdout == (
        f"id    type          {'what':{width}}  source               note\n"
        f"1     created       {created}\n"
        f"2     value (void)  {'value USD 2.5bn':{width}}                       analyst estimate\n"
        f"3     status        {'in negotiation':{width}}  Reuters (on-record)\n"
        "4     note          note: board met\n"
        "9     value         value undisclosed\n"
        "5     edit          title: (default) \u2192 Project A\n"
        "6     party         removed acquirer Buyer\n"
        "7     party         added acquirer Other\n"
        "8     void          voids event 2 (wrong figure)\n"
    )


def test_a_mistyped_deal_key_suggests_the_closest_keys(story: Invoke) -> None:
    result = story("show", "tiktok-india-reliance")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: no deal "tiktok-india-reliance" (did you mean "tiktok-india-reliance-jio"?)\n'
    )


def test_a_mistyped_party_in_a_filter_suggests_names_and_aliases(story: Invoke) -> None:
    for typed, meant in (
        ("Googel", "Google"),
        ("Glanse", "Glance"),
        ("bytedance ltd", "ByteDance"),
    ):
        result = story("list", "--party", typed, "-f", "csv", "--fields", "key")
        assert (result.exit_code, result.stdout) == (0, "key\n")
        assert result.stderr == (
            f'Note: no party named "{typed}"; it matches no deal (did you mean "{meant}"?)\n'
        )


LATER_NEWS = (
    ("note", JIO, "Jio weighs the bid", "--on", "2020-09"),  # event 5
    ("note", JIO, "talks stalled", "--on", "2021-01"),  # event 6
    ("edit", JIO, "--add", "adviser=Morgan Stanley", "--on", "2021-01-15", "--source", "Reuters"),
)


@pytest.fixture
def later_news(built_ledger: BuiltLedger) -> Invoke:
    """The story, with two notes on the Jio talks (events 5 and 6) and an adviser joining them
    on 2021-01-15 (event 7)."""
    return built_ledger(STORY, LATER_NEWS)


def test_show_as_of_leaves_out_the_notes_and_parties_of_later_events(later_news: Invoke) -> None:
    result = later_news("show", JIO, "--as-of", "2020-12-31")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Deal:     tiktok-india-reliance-jio (#1)\n"
        "Title:    TikTok India / Reliance Jio\n"
        "Kind:     asset-sale\n"
        "Status:   in negotiation\n"
        "Value:    USD 3bn (reported)\n"
        "Reported: 2020-08\n"
        "Updated:  2020-09\n"
        "Target:   TikTok India\n"
        "Acquirer: Reliance Jio\n"
        "Seller:   ByteDance\n"
        "Notes:    Jio weighs the bid\n"
        "\n"
        "History\n"
        f"id    on       type     {'what':{len(JIO_CREATED)}}  source    note\n"
        f"----  -------  -------  {'-' * len(JIO_CREATED)}  --------  ------\n"
        f"1     2020-08  created  {JIO_CREATED}\n"
        "5     2020-09  note     note: Jio weighs the bid\n"
    )


def test_show_json_as_of_holds_the_notes_and_parties_in_force_then(later_news: Invoke) -> None:
    then = json.loads(later_news("show", JIO, "--as-of", "2021-01", "-f", "json").stdout)
    assert (then["notes"], then["updated"]) == (
        ["Jio weighs the bid", "talks stalled"],
        "2021-01-15",
    )
    assert then["parties"][-1] == {"name": "Morgan Stanley", "role": "adviser"}
    before = json.loads(later_news("show", JIO, "--as-of", "2021-01-14", "-f", "json").stdout)
    assert (before["notes"], before["updated"]) == (
        ["Jio weighs the bid", "talks stalled"],
        "2021-01",
    )
    assert [p["role"] for p in before["parties"]] == ["target", "acquirer", "seller"]


def test_list_as_of_leaves_out_later_notes_and_parties(later_news: Invoke) -> None:
    fields = ("-f", "csv", "--fields", "key,advisers,notes,updated", "--target", "TikTok India")
    then = later_news("list", "--as-of", "2020-12", *fields)
    assert then.stdout == f"key,advisers,notes,updated\n{JIO},,Jio weighs the bid,2020-09\n"
    now = later_news("list", *fields)
    assert now.stdout == (
        "key,advisers,notes,updated\n"
        f"{JIO},Morgan Stanley,Jio weighs the bid; talks stalled,2021-02-13\n"
        f"{GLANCE},,initial phase of negotiations,2021-02-13\n"
    )


def test_history_table_marks_a_voided_event_even_when_its_void_is_not_listed(run: Invoke) -> None:
    assert run("add", "Orbit", "--acquirer", "One", "--on", "2020-01").exit_code == 0
    assert run("value", "orbit-one", "$3bn", "--on", "2020-06").exit_code == 0
    assert run("void", "2", "--reason", "misread").exit_code == 0
    # The void is dated today: --until 2021 leaves it out, but event 2 is void all the same.
    result = run("history", "orbit-one", "--until", "2021", "--fields", "id,on,type,what")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "id    on       type          what\n"
        "----  -------  ------------  ---------------------------------------------------\n"
        "1     2020-01  created       created rumored with Orbit (target), One (acquirer)\n"
        "2     2020-06  value (void)  value USD 3bn\n"
    )
