"""``party link`` and ``party unlink``: links as ledger events, voided, listed and checked."""

import json
from typing import Any

import pytest

from tests.conftest import Invoke, LedgerUnderTest


def ok(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stderr


def feed(run: Invoke, *args: str) -> list[dict[str, Any]]:
    result = run("history", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    events: list[dict[str, Any]] = json.loads(result.stdout)
    return events


def refused(run: Invoke, *args: str) -> str:
    result = run(*args)
    assert (result.exit_code, result.stdout) == (1, "")
    return result.stderr


def test_party_link_records_an_event_and_creates_unknown_parties(run: Invoke) -> None:
    said = ok(run, "party", "link", "SoftBank", "--backs", "InMobi", "--source", "Bloomberg")
    assert said == (
        'Created party "SoftBank"\nCreated party "InMobi"\n'
        "Recorded event 1: SoftBank backs InMobi\n"
    )
    [event] = feed(run)
    recorded_at = event.pop("recorded_at")
    assert recorded_at.endswith("Z")
    assert event == {
        "id": 1, "deal": None, "type": "link", "on": None, "holder": "SoftBank", "kind": "backs",
        "party": "InMobi", "stake": None, "until": None,
        "source": {"outlet": "Bloomberg", "url": None, "attribution": "unattributed"},
        "note": None,
    }  # fmt: skip


def test_a_stake_and_dates_keep_their_precision(run: Invoke) -> None:
    said = ok(run, "party", "link", "Fox", "--owns", "Sky", "--stake", "39.14", "--on", "2016-12",
              "--until", "2018", "--note", "before the bid")  # fmt: skip
    assert said.endswith("Recorded event 1: Fox owns 39.14% of Sky since 2016-12 until 2018\n")
    [event] = feed(run)
    assert (event["on"], event["stake"], event["until"], event["note"]) == (
        "2016-12",
        "39.14",
        "2018",
        "before the bid",
    )
    table = run("history", "--fields", "id,on,what").stdout
    assert table.splitlines()[2:] == ["1     2016-12  Fox owns 39.14% of Sky until 2018"]


def test_an_identical_link_is_recorded_once(run: Invoke, ledger_db: LedgerUnderTest) -> None:
    link = ("party", "link", "SoftBank", "--backs", "InMobi", "--source", "Bloomberg")
    ok(run, *link)
    before = ledger_db.contents()
    again = run(*link)
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == (
        'Nothing recorded: the ledger already records that "SoftBank" backs "InMobi"\n'
    )
    assert ledger_db.contents() == before
    other_source = ok(run, "party", "link", "SoftBank", "--backs", "InMobi", "--source", "FT")
    assert other_source == "Recorded event 2: SoftBank backs InMobi\n"


def test_a_party_linked_to_itself_is_refused_and_nothing_is_created(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ok(run, "party", "add", "ByteDance")
    before = ledger_db.contents()
    assert refused(run, "party", "link", "bytedance", "--owns", "ByteDance") == (
        'Error: "ByteDance" cannot own itself\n'
    )
    assert refused(run, "party", "link", "Nobody", "--leads", "nobody") == (
        'Error: "Nobody" cannot lead itself\n'
    )
    assert ledger_db.contents() == before


def test_a_link_that_closes_a_loop_of_control_is_refused_naming_the_chain(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ok(run, "party", "add", "TikTok India", "--parent", "ByteDance")
    ok(run, "party", "link", "Zhang Yiming", "--leads", "ByteDance")
    before = ledger_db.contents()
    assert refused(run, "party", "link", "TikTok India", "--owns", "Zhang Yiming") == (
        'Error: "TikTok India" cannot own "Zhang Yiming": that is a loop of control '
        "(Zhang Yiming → TikTok India → ByteDance → Zhang Yiming)\n"
    )
    assert ledger_db.contents() == before


def test_a_parent_cannot_close_a_loop_of_control_through_links(run: Invoke) -> None:
    ok(run, "party", "link", "SoftBank", "--owns", "Vision Fund")
    ok(run, "party", "link", "Vision Fund", "--owns", "InMobi", "--stake", "51")
    assert refused(run, "party", "edit", "SoftBank", "--parent", "InMobi") == (
        'Error: "InMobi" cannot be the parent of "SoftBank": that is a cycle '
        "(SoftBank → InMobi → Vision Fund → SoftBank)\n"
    )


def test_interest_and_links_of_other_times_close_no_loop(run: Invoke) -> None:
    ok(run, "party", "link", "A", "--owns", "B", "--stake", "50")
    ok(run, "party", "link", "B", "--owns", "A")  # a stake of half is no control
    ok(run, "party", "link", "C", "--leads", "D", "--on", "2010", "--until", "2015")
    ok(run, "party", "link", "D", "--leads", "C", "--on", "2015")  # after C's lead ended
    assert refused(run, "party", "link", "D", "--owns", "C", "--on", "2012") == (
        'Error: "D" cannot own "C": that is a loop of control (C → D → C)\n'
    )


def test_stake_and_kind_are_checked_as_usage(run: Invoke, ledger_db: LedgerUnderTest) -> None:
    for args, message in (
        (("--owns", "B", "--stake", "0"), "a stake is above 0 and at most 100 percent"),
        (("--owns", "B", "--stake", "100.01"), "a stake is above 0 and at most 100 percent"),
        (("--owns", "B", "--stake", "1.234"), "with at most two decimals"),
        (("--backs", "B", "--stake", "5"), "--stake: a stake goes with owns, not backs"),
        (("B",), "say how HOLDER is linked to PARTY: --owns, --backs or --leads"),
    ):
        result = run("party", "link", "A", *args)
        assert result.exit_code == 2, args
        assert message in result.stderr
    assert not ledger_db.exists()


def test_until_must_follow_since(run: Invoke) -> None:
    assert refused(
        run, "party", "link", "A", "--backs", "B", "--on", "2020", "--until", "2020"
    ) == ("Error: --until 2020 is not after --on 2020\n")


def test_unlink_ends_the_link_in_force_from_its_date(run: Invoke) -> None:
    ok(run, "party", "link", "SoftBank", "--backs", "ByteDance", "--on", "2018")
    said = ok(run, "party", "unlink", "softbank", "--backs", "ByteDance", "--on", "2024-06",
              "--source", "Reuters")  # fmt: skip
    assert said == "Recorded event 2: SoftBank backs ByteDance until 2024-06\n"
    assert refused(run, "party", "unlink", "SoftBank", "--backs", "ByteDance", "--on", "2025") == (
        'Error: "SoftBank" backs "ByteDance": no link in force on 2025 to end\n'
    )
    assert refused(run, "party", "unlink", "SoftBank", "--backs", "ByteDance", "--on", "2017") == (
        'Error: "SoftBank" backs "ByteDance": no link in force on 2017 to end\n'
    )
    again = run("party", "unlink", "SoftBank", "--backs", "ByteDance", "--on", "2024-06",
                "--source", "Reuters")  # fmt: skip
    assert again.stderr == (
        "Nothing recorded: the ledger already records the end of "
        '"SoftBank" backs "ByteDance" on that date\n'
    )
    [_, unlink] = feed(run)
    del unlink["recorded_at"]
    assert unlink == {
        "id": 2, "deal": None, "type": "unlink", "on": "2024-06", "holder": "SoftBank",
        "kind": "backs", "party": "ByteDance",
        "source": {"outlet": "Reuters", "url": None, "attribution": "unattributed"}, "note": None,
    }  # fmt: skip


def test_unlink_needs_a_date(run: Invoke) -> None:
    result = run("party", "unlink", "A", "--backs", "B")
    assert result.exit_code == 2
    assert "Missing option '--on'" in result.stderr


def test_void_of_a_link_event_and_of_that_void(run: Invoke) -> None:
    ok(run, "party", "link", "A", "--owns", "B", "--on", "2020")
    ok(run, "party", "unlink", "A", "--owns", "B", "--on", "2021")
    assert ok(run, "void", "2", "--reason", "never sold") == "Recorded event 3: event 2 is void\n"
    assert ok(run, "void", "3", "--reason", "it was sold") == "Recorded event 4: event 3 is void\n"
    assert refused(run, "void", "3", "--reason", "again") == "Error: event 3 is already void\n"
    types = run("history", "--fields", "id,type,what").stdout.splitlines()[2:]
    assert [" ".join(line.split()) for line in types] == [
        "1 link A owns B",
        "2 unlink A no longer owns B",
        "3 void (void) voids event 2 (never sold)",
        "4 void voids event 3 (it was sold)",
    ]
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_voiding_an_unlink_that_would_bring_back_a_loop_is_refused(run: Invoke) -> None:
    ok(run, "party", "link", "A", "--leads", "B", "--on", "2010")
    ok(run, "party", "unlink", "A", "--leads", "B", "--on", "2012")
    ok(run, "party", "link", "B", "--leads", "A", "--on", "2015")
    assert refused(run, "void", "2", "--reason", "oops") == (
        'Error: "A" cannot lead "B": that is a loop of control (B → A → B)\n'
    )


def test_the_ledger_wide_feed_holds_link_events_in_order_but_deal_filters_leave_them_out(
    run: Invoke,
) -> None:
    ok(run, "add", "TikTok India", "--seller", "ByteDance", "--on", "2020-08")
    ok(run, "party", "link", "SoftBank", "--backs", "ByteDance", "--on", "2021")
    ok(run, "party", "link", "SoftBank", "--backs", "InMobi")
    assert [(e["id"], e["type"]) for e in feed(run)] == [(3, "link"), (1, "created"), (2, "link")]
    assert [e["id"] for e in feed(run, "--since", "2021")] == [2]
    assert [e["id"] for e in feed(run, "--until", "2020")] == [3, 1]
    assert [e["id"] for e in feed(run, "--as-of", "2020-12")] == [3, 1]
    assert [e["id"] for e in feed(run, "--party", "ByteDance")] == [1]
    assert [e["id"] for e in feed(run, "tiktok-india")] == [1]


def test_check_keeps_links_and_finds_a_cache_that_lies(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ok(run, "party", "link", "A", "--owns", "B", "--on", "2020")
    ok(run, "party", "unlink", "A", "--owns", "B", "--on", "2021")
    assert run("check").exit_code == 0
    ledger_db.sql("UPDATE link SET until = NULL, until_precision = NULL WHERE id = 1")
    checked = run("check")
    assert checked.exit_code == 1
    assert checked.stderr == (
        "link 1: cached until is None but its events say datetime.date(2021, 1, 1)\n"
        "link 1: cached until_precision is None but its events say 'year'\n"
        "Error: 2 problems in the ledger; see above\n"
    )


def test_party_rm_keeps_a_linked_party(run: Invoke) -> None:
    ok(run, "party", "link", "Peter Thiel", "--leads", "Mithril Capital")
    for name in ("Peter Thiel", "Mithril Capital"):
        assert refused(run, "party", "rm", name) == (
            f'Error: party "{name}" is in a link; a linked party is kept\n'
        )


@pytest.mark.parametrize("kind", ["--owns", "--backs", "--leads"])
def test_each_kind_of_link_is_recorded_under_its_name(run: Invoke, kind: str) -> None:
    ok(run, "party", "link", "H", kind, "P")
    assert feed(run)[0]["kind"] == kind[2:]


def link(direction: str, kind: str, party: str, **fields: Any) -> dict[str, Any]:
    base = {"stake": None, "since": None, "until": None, "via": None}
    return {"direction": direction, "kind": kind, "party": party, **(base | fields)}


def links_of(run: Invoke, name: str, *args: str) -> list[dict[str, Any]]:
    result = run("party", "show", name, "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    links: list[dict[str, Any]] = json.loads(result.stdout)["links"]
    return links


def test_party_show_lists_links_in_force_with_implied_ones_and_their_deal(story: Invoke) -> None:
    run = story
    ok(run, "party", "link", "SoftBank", "--backs", "InMobi", "--source", "Bloomberg")
    ok(run, "party", "link", "Peter Thiel", "--leads", "Mithril Capital")
    ok(run, "party", "link", "Mithril Capital", "--owns", "Glance", "--stake", "7.5",
       "--on", "2021-01", "--until", "2022")  # fmt: skip
    via = "glance-digital-experience-google"
    assert links_of(run, "Glance") == [  # today: the stake ended in 2022
        link("held_by", "backs", "Google", since="2020-12", via=via),
        link("held_by", "backs", "Mithril Capital", since="2020-12", via=via),
    ]
    as_of = links_of(run, "Glance", "--as-of", "2021-06")
    assert as_of == [
        link("held_by", "owns", "Mithril Capital", stake="7.50", since="2021-01", until="2022"),
        link("held_by", "backs", "Google", since="2020-12", via=via),
        link("held_by", "backs", "Mithril Capital", since="2020-12", via=via),
    ]
    assert links_of(run, "Glance", "--as-of", "2020-11") == []
    assert links_of(run, "Mithril Capital", "--as-of", "2021-06") == [
        link("held_by", "leads", "Peter Thiel"),
        link("holds", "owns", "Glance Digital Experience", stake="7.50", since="2021-01",
             until="2022"),
        link("holds", "backs", "Glance Digital Experience", since="2020-12", via=via),
    ]  # fmt: skip
    card = run("party", "show", "Peter Thiel").stdout
    assert card.endswith(
        "Links\n"
        "direction    kind    party            stake    since    until    via\n"
        "-----------  ------  ---------------  -------  -------  -------  -----\n"
        "holds        leads   Mithril Capital\n"
    )
