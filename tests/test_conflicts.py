"""``conflicts`` and the card's ``Conflicts:`` lines: who reaches both sides of a deal, and how."""

import json
from typing import Any

from tests.conftest import Invoke, LedgerUnderTest

BID = "tiktok-india-glance-digital-experience"
SOFTBANK = (
    "SoftBank — buy: backs InMobi, parent of Glance Digital Experience (acquirer); backer · "
    "sell: backs ByteDance, parent of TikTok India (target); backs ByteDance (seller)"
)


def ok(run: Invoke, *args: str) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr


def found(run: Invoke, *args: str) -> list[dict[str, Any]]:
    result = run("conflicts", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    conflicts: list[dict[str, Any]] = json.loads(result.stdout)
    return conflicts


def words(run: Invoke, *args: str) -> str:
    result = run("conflicts", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def step(holder: str, kind: str, party: str, via: str | None = None) -> dict[str, Any]:
    return {"holder": holder, "kind": kind, "party": party, "via": via}


def linked_story(story: Invoke) -> Invoke:
    ok(story, "party", "link", "SoftBank", "--backs", "InMobi", "--source", "Bloomberg")
    ok(story, "party", "link", "SoftBank", "--backs", "ByteDance", "--source", "Bloomberg")
    return story


def test_the_worked_example_finds_softbank_on_both_sides_of_the_glance_bid(story: Invoke) -> None:
    run = linked_story(story)
    assert words(run, BID) == SOFTBANK + "\n"
    assert found(run, BID) == [
        {
            "deal": BID,
            "party": "SoftBank",
            "kind": "conflict",
            "buy": [
                {
                    "party": "Glance Digital Experience",
                    "role": "acquirer",
                    "path": [
                        step("SoftBank", "backs", "InMobi"),
                        step("InMobi", "parent", "Glance Digital Experience"),
                    ],
                },
                {"party": "SoftBank", "role": "backer", "path": []},
            ],
            "sell": [
                {
                    "party": "TikTok India",
                    "role": "target",
                    "path": [
                        step("SoftBank", "backs", "ByteDance"),
                        step("ByteDance", "parent", "TikTok India"),
                    ],
                },
                {
                    "party": "ByteDance",
                    "role": "seller",
                    "path": [step("SoftBank", "backs", "ByteDance")],
                },
            ],
        }
    ]


def test_the_jio_deal_and_the_investment_have_none(story: Invoke) -> None:
    run = linked_story(story)
    for deal in ("tiktok-india-reliance-jio", "glance-digital-experience-google"):
        result = run("conflicts", deal, "--all")
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "Note: no conflicts\n")
        assert found(run, deal) == []


def test_the_card_shows_a_conflicts_line_and_its_json_the_conflicts(story: Invoke) -> None:
    run = linked_story(story)
    card = run("show", BID).stdout.splitlines()
    assert card[12:14] == ["Sources:   Bloomberg (anonymous)", f"Conflicts: {SOFTBANK}"]
    shown = json.loads(run("show", BID, "-f", "json").stdout)
    assert list(shown)[-3:] == ["events", "rivals", "conflicts"]
    assert shown["conflicts"] == [
        {k: v for k, v in c.items() if k != "deal"} for c in found(run, BID)
    ]
    assert "Conflicts" not in run("show", "tiktok-india-reliance-jio").stdout


def test_conflicts_of_every_matching_deal_as_a_table(story: Invoke) -> None:
    run = linked_story(story)
    ok(run, "party", "link", "Google", "--backs", "ByteDance")
    table = words(run).splitlines()
    assert [line.split()[:3] for line in table[2:]] == [
        [BID, "Google", "conflict"],
        [BID, "SoftBank", "conflict"],
    ]
    assert table[0].split() == ["deal", "party", "kind", "buy", "side", "sell", "side"]
    assert (
        "backs Glance Digital Experience via glance-digital-experience-google (acquirer)"
        in (table[2])
    )
    assert [c["party"] for c in found(run, "--limit", "1")] == ["Google"]
    assert found(run, "--status", "failed") == []
    csv = run("conflicts", "-f", "csv", "--fields", "party,kind").stdout
    assert csv == "party,kind\nGoogle,conflict\nSoftBank,conflict\n"


def test_a_deals_own_implied_links_never_count(run: Invoke) -> None:
    ok(run, "add", "Glance", "--kind", "investment", "--acquirer", "Google", "--seller", "InMobi",
       "--status", "completed", "--on", "2020-12")  # fmt: skip
    ok(run, "party", "link", "Google", "--backs", "InMobi")
    assert found(run, "glance-google") == [
        {
            "deal": "glance-google", "party": "Google", "kind": "conflict",
            "buy": [{"party": "Google", "role": "acquirer", "path": []}],
            "sell": [{"party": "InMobi", "role": "seller",
                      "path": [step("Google", "backs", "InMobi")]}],
        }
    ]  # fmt: skip
    # Google reaches the target only through this deal's own investment: not a toehold
    assert [c["kind"] for c in found(run, "glance-google", "--all")] == ["conflict"]


def test_a_toehold_and_a_rollover_are_shown_only_with_all(run: Invoke) -> None:
    ok(run, "party", "link", "Fox", "--owns", "Sky", "--stake", "39")
    ok(run, "add", "Sky", "--acquirer", "Fox", "--on", "2016-12")
    ok(run, "party", "link", "KKR", "--backs", "Bidco")
    ok(run, "add", "Widget", "--acquirer", "Bidco", "--seller", "KKR", "--on", "2020")
    assert found(run) == []
    every = found(run, "--all")
    assert [(c["deal"], c["party"], c["kind"]) for c in every] == [
        ("sky-fox", "Fox", "toehold"),
        ("widget-bidco", "KKR", "rollover"),
    ]
    assert every[0]["sell"] == [
        {"party": "Sky", "role": "target", "path": [step("Fox", "owns", "Sky")]}
    ]
    assert words(run, "sky-fox", "--all") == (
        "Fox (toehold) — buy: acquirer · sell: owns Sky (target)\n"
    )


def test_an_adviser_with_a_stake_on_one_side_is_a_conflict(run: Invoke) -> None:
    ok(run, "add", "Target", "--acquirer", "Buyer", "--seller", "Seller", "--adviser", "Bank",
       "--on", "2020")  # fmt: skip
    assert found(run, "target-buyer") == []
    ok(run, "party", "link", "Bank", "--owns", "Buyer", "--stake", "5")
    assert words(run, "target-buyer") == "Bank (adviser) — buy: owns Buyer (acquirer)\n"


def test_chains_hold_at_most_one_interest_edge_and_depth_edges(run: Invoke) -> None:
    ok(run, "add", "Target", "--acquirer", "Buyer", "--seller", "Seller", "--on", "2020")
    ok(run, "party", "link", "Fund", "--backs", "Seller")
    ok(run, "party", "link", "Fund of Funds", "--backs", "Fund")
    ok(run, "party", "link", "Fund of Funds", "--backs", "Buyer")
    ok(run, "party", "link", "Fund", "--backs", "Buyer Holdings")
    assert found(run, "target-buyer") == []  # two interest edges, or no path to Buyer
    ok(run, "party", "edit", "Buyer", "--parent", "Buyer Mid")
    ok(run, "party", "edit", "Buyer Mid", "--parent", "Buyer Top")
    ok(run, "party", "edit", "Buyer Top", "--parent", "Buyer Holdings")
    assert found(run, "target-buyer") == []  # Fund → Buyer Holdings → … → Buyer is 4 edges
    [deep] = found(run, "target-buyer", "--depth", "4")
    assert (deep["party"], [len(r["path"]) for r in deep["buy"] + deep["sell"]]) == ("Fund", [4, 1])


def test_links_count_on_the_deals_date_or_as_of(run: Invoke) -> None:
    ok(run, "add", "Target", "--acquirer", "Buyer", "--seller", "Seller", "--on", "2020-06")
    ok(run, "party", "link", "Fund", "--backs", "Seller", "--on", "2019")
    ok(run, "party", "link", "Fund", "--backs", "Buyer", "--on", "2021")
    assert found(run, "target-buyer") == []
    assert [c["party"] for c in found(run, "target-buyer", "--as-of", "2021")] == ["Fund"]
    ok(run, "party", "unlink", "Fund", "--backs", "Seller", "--on", "2021-06")
    assert found(run, "target-buyer", "--as-of", "2021-06") == []
    result = run("conflicts", "target-buyer", "--as-of", "2019")
    assert (result.exit_code, result.stderr) == (
        1, 'Error: deal "target-buyer" was not yet reported on 2019 (reported 2020-06)\n'
    )  # fmt: skip


def test_a_completed_sale_of_a_unit_ends_its_parents_control(run: Invoke) -> None:
    ok(run, "party", "add", "Unit", "--parent", "Group")
    ok(run, "party", "link", "Fund", "--backs", "Group")
    ok(run, "party", "link", "Fund", "--backs", "Rival")
    ok(run, "add", "Unit", "--acquirer", "Rival", "--seller", "Group", "--on", "2020")
    assert [c["party"] for c in found(run, "unit-rival")] == ["Fund"]
    ok(run, "add", "Unit", "--kind", "asset-sale", "--acquirer", "New Owner", "--on", "2021",
       "--status", "completed", "--key", "sold")  # fmt: skip
    ok(run, "add", "Unit", "--acquirer", "Rival", "--on", "2022", "--key", "later")
    # New Owner now owns Unit (implied by the completed sale); Group no longer controls it
    later = found(run, "later", "--all")
    assert later == []
    ok(run, "party", "link", "Fund", "--backs", "New Owner")
    [conflict] = found(run, "later")
    assert conflict["sell"][0]["path"] == [
        step("Fund", "backs", "New Owner"),
        step("New Owner", "owns", "Unit", "sold"),
    ]


def test_of_equal_paths_the_one_through_names_that_sort_first_is_shown(run: Invoke) -> None:
    ok(run, "add", "Target", "--acquirer", "Buyer", "--seller", "Seller", "--on", "2020")
    ok(run, "party", "link", "Fund", "--backs", "Seller")
    for middle in ("Zeta", "alpha", "Mid"):
        ok(run, "party", "link", "Fund", "--backs", middle)
        ok(run, "party", "link", middle, "--owns", "Buyer")
    [conflict] = found(run, "target-buyer")
    assert conflict["buy"][0]["path"] == [
        step("Fund", "backs", "alpha"),
        step("alpha", "owns", "Buyer"),
    ]


def test_a_loop_in_imported_links_is_walked_once(run: Invoke, ledger_db: LedgerUnderTest) -> None:
    ok(run, "add", "Target", "--acquirer", "Buyer", "--seller", "Seller", "--on", "2020")
    ok(run, "party", "link", "A", "--owns", "Buyer")
    ok(run, "party", "link", "A", "--owns", "Seller")
    ok(run, "party", "link", "B", "--owns", "A")
    ledger_db.sql(  # A owns B too, as raw data could say
        "INSERT INTO event (id, type, recorded_at, holder_id, link_kind, party_id, voided)"
        " SELECT 9, 'link', '2026-12-01T00:00:00.000000Z', a.id, 'owns', b.id, false"
        " FROM party a, party b WHERE a.name = 'A' AND b.name = 'B'",
        "INSERT INTO link (id, holder_id, kind, party_id) SELECT id, holder_id, link_kind,"
        " party_id FROM event WHERE id = 9",
    )
    assert [c["party"] for c in found(run, "target-buyer", "--depth", "9")] == ["A", "B"]
