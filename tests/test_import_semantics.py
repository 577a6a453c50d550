"""``import``: matching, merging, updating, idempotency, atomicity, rejects and dry runs."""

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.import_files import STATUS_CHOICES, SUMMARY, write
from tests.ledger_json import deal, deals, events, keys


def summary(run: Invoke, path: str, *args: str, code: int = 0) -> tuple[int, ...]:
    """Import and return (rows, added, updated, unchanged, rejected) from the exact summary."""
    result = run("import", path, *args)
    assert result.exit_code == code, result.stderr
    match = SUMMARY.fullmatch(result.stderr)
    assert match is not None, result.stderr
    return tuple(int(n) for n in match.groups())


def exported(run: Invoke) -> str:
    result = run("export", "-f", "json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_key_only_row_updates_the_deal(story: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "key,status\ntiktok-india-glance-digital-experience,agreed\n")
    assert summary(story, path) == (1, 0, 1, 0, 0)
    assert deal(story, "tiktok-india-glance-digital-experience")["status"] == "agreed"
    assert events(story, "tiktok-india-glance-digital-experience")[-1]["status"] == "agreed"


def test_row_matches_on_natural_key_after_alias_resolution(story: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "target,acquirers,reported,status,date\nTikTok India,Glance,2021-02-13,agreed,2021-03\n",
    )
    assert summary(story, path) == (1, 0, 1, 0, 0)
    assert keys(story) == [
        "tiktok-india-reliance-jio",
        "tiktok-india-glance-digital-experience",
        "glance-digital-experience-google",
    ]
    assert deal(story, "tiktok-india-glance-digital-experience")["status"] == "agreed"


def test_row_matching_two_deals_is_a_row_error(story: Invoke, tmp_path: Path) -> None:
    story("add", "TikTok India", "--acquirer", "Glance", "--on", "2021-02-13", "--new")
    before = exported(story)
    path = write(tmp_path, "d.csv", "target,acquirers,reported\nTikTok India,Glance,2021-02-13\n")
    result = story("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: row: matches 2 deals (tiktok-india-glance-digital-experience, "
        "tiktok-india-glance-digital-experience-2); give the key of one\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    assert exported(story) == before


def test_rows_see_deals_earlier_rows_created(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "key,target,acquirers,reported,status,date\n"
        "acme-deal,Acme,Big Co,2020-01,rumored,\n"
        "acme-deal,,,,in-negotiation,2020-03\n"
        ",Acme,Big Co,2020-01,agreed,2020-05\n",
    )
    assert summary(run, path) == (3, 1, 2, 0, 0)
    assert keys(run) == ["acme-deal"]
    assert deal(run, "acme-deal")["status"] == "agreed"


def test_repeated_rows_are_merged_later_wins_field_by_field(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "target,acquirers,status,value,kind,reported,notes\n"
        "Acme,Big Co,in-negotiation,$1bn,merger,2020,first\n"
        "Acme,Big Co,agreed,,,2020,\n"
        "Acme,Big Co,agreed,,,2020,\n",
    )
    assert summary(run, path) == (3, 1, 1, 1, 0)
    got = deal(run, "acme-big-co")
    assert (got["status"], got["kind"], got["value"]["amount"], got["notes"]) == (
        "agreed",
        "merger",
        "1000000000.00",
        ["first"],
    )
    assert [(e["type"], e["note"]) for e in events(run, "acme-big-co")] == [("created", "first")]


def test_a_created_deal_is_one_event_with_its_roster_and_note_as_add_records_it(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "target,acquirers,reported,notes\nAcme,Big Co,2020,talks\n")
    assert summary(run, path) == (1, 1, 0, 0, 0)
    history = events(run, "acme-big-co")
    assert [(e["id"], e["type"], e.get("parties"), e["note"]) for e in history] == [
        (1, "created", [{"name": "Acme", "role": "target"}, {"name": "Big Co", "role": "acquirer"}],
         "talks"),
    ]  # fmt: skip
    assert summary(run, path) == (1, 0, 0, 1, 0)  # the note is on file: nothing to add


def test_a_note_dated_after_the_report_is_a_note_event_on_its_date(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "d.csv", "target,acquirers,reported,date,notes\nAcme,Big Co,2020,2021-05,talks\n"
    )
    assert summary(run, path) == (1, 1, 0, 0, 0)
    history = events(run, "acme-big-co")
    assert [(e["type"], e["on"], e.get("text"), e["note"]) for e in history] == [
        ("created", "2020", None, None),
        ("note", "2021-05", "talks", None),
    ]


def test_status_is_compared_with_the_state_in_force_on_the_rows_date(
    run: Invoke, tmp_path: Path
) -> None:
    run("add", "Acme", "--acquirer", "Big Co", "--on", "2020-01")
    run("status", "acme-big-co", "agreed", "--on", "2020-06")
    path = write(tmp_path, "d.csv", "key,status,date\nacme-big-co,in-negotiation,2020-03\n")
    assert summary(run, path) == (1, 0, 1, 0, 0)
    history = [(e["type"], e["on"], e.get("status")) for e in events(run, "acme-big-co")]
    assert history[-2:] == [
        ("status", "2020-03", "in-negotiation"),
        ("status", "2020-06", "agreed"),
    ]
    assert deal(run, "acme-big-co")["status"] == "agreed"
    # agreed is already in force on 2020-07: nothing to record
    later = write(tmp_path, "later.csv", "key,status,date\nacme-big-co,agreed,2020-07\n")
    assert summary(run, later) == (1, 0, 0, 1, 0)
    assert summary(run, path) == (1, 0, 0, 1, 0)


def test_backdated_status_illegal_before_a_later_one_is_a_row_error(
    run: Invoke, tmp_path: Path
) -> None:
    run("add", "Acme", "--on", "2020-01", "--status", "in-negotiation")
    run("status", "acme", "agreed", "--on", "2020-06")
    path = write(tmp_path, "d.csv", "key,status,date\nacme,completed,2020-03\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f'{path}:2: status: deal "acme" becomes agreed on 2020-06, which cannot follow completed\n'
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_value_is_compared_with_the_value_in_force_on_the_rows_date(
    run: Invoke, tmp_path: Path
) -> None:
    run("add", "Acme", "--on", "2020-01", "--value", "$1bn")
    run("value", "acme", "$2bn", "--on", "2020-06")
    same = write(tmp_path, "same.csv", "key,value,date\nacme,$1bn,2020-03\n")
    assert summary(run, same) == (1, 0, 0, 1, 0)
    other = write(tmp_path, "other.csv", "key,value,date\nacme,$1.5bn,2020-03\n")
    assert summary(run, other) == (1, 0, 1, 0, 0)
    assert deal(run, "acme")["value"]["amount"] == "2000000000.00"
    assert [(e["type"], e["on"]) for e in events(run, "acme")][-2:] == [
        ("value", "2020-03"),
        ("value", "2020-06"),
    ]


def test_party_column_is_the_complete_set_for_its_role(run: Invoke, tmp_path: Path) -> None:
    run("add", "Acme", "--acquirer", "Big Co", "--acquirer", "Mid Co", "--seller", "Owner",
        "--on", "2020")  # fmt: skip
    path = write(tmp_path, "d.csv", "key,acquirers,sellers,date\nacme-big-co,Big Co;New Co,,2021\n")
    assert summary(run, path) == (1, 0, 1, 0, 0)
    assert deal(run, "acme-big-co")["parties"] == [
        {"name": "Acme", "role": "target"},
        {"name": "Big Co", "role": "acquirer"},
        {"name": "New Co", "role": "acquirer"},
        {"name": "Owner", "role": "seller"},
    ]
    changes = [
        (e["action"], e["party"], e["role"], e["on"])
        for e in events(run, "acme-big-co")
        if e["type"] == "party" and e["on"] == "2021"
    ]
    assert changes == [
        ("removed", "Mid Co", "acquirer", "2021"),
        ("added", "New Co", "acquirer", "2021"),
    ]
    assert summary(run, path) == (1, 0, 0, 1, 0)


def test_party_column_is_compared_with_the_roster_in_force_on_the_rows_date(
    run: Invoke, tmp_path: Path
) -> None:
    """A party that joined after the row's date is no change to the roster then; one that left
    after it, and that the row leaves out, left on the row's date: the later event keeps it out."""
    run("add", "Acme", "--acquirer", "Big Co", "--on", "2020-01")
    run("edit", "acme-big-co", "--add", "acquirer=Late Co", "--on", "2020-06")
    run("edit", "acme-big-co", "--add", "adviser=Bank", "--on", "2020-02")
    run("edit", "acme-big-co", "--remove", "adviser=Bank", "--on", "2020-09")
    path = write(
        tmp_path, "d.csv", "key,acquirers,advisers,date\nacme-big-co,Big Co,Other,2020-03\n"
    )
    assert summary(run, path) == (1, 0, 1, 0, 0)
    history = events(run, "acme-big-co")
    changes = [(e["action"], e["party"], e["role"], e["on"]) for e in history if e.get("party")]
    assert changes[-4:] == [
        ("removed", "Bank", "adviser", "2020-03"),
        ("added", "Other", "adviser", "2020-03"),
        ("added", "Late Co", "acquirer", "2020-06"),
        ("removed", "Bank", "adviser", "2020-09"),
    ]
    assert deal(run, "acme-big-co")["parties"] == [
        {"name": "Acme", "role": "target"},
        {"name": "Big Co", "role": "acquirer"},
        {"name": "Late Co", "role": "acquirer"},
        {"name": "Other", "role": "adviser"},
    ]
    assert deal(run, "acme-big-co")["updated"] == "2020-09"
    assert summary(run, path) == (1, 0, 0, 1, 0)
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_a_rows_corrections_do_not_move_updated(run: Invoke, tmp_path: Path) -> None:
    run("add", "Acme", "--on", "2020-01")
    path = write(tmp_path, "d.csv", "key,title,kind\nacme,Project Acme,merger\n")
    assert summary(run, path) == (1, 0, 1, 0, 0)
    shown = deal(run, "acme")
    assert (shown["title"], shown["kind"], shown["updated"]) == (
        "Project Acme",
        "merger",
        "2020-01",
    )
    assert [e["type"] for e in events(run, "acme")] == ["created", "edit"]


def test_a_different_target_is_a_row_error(story: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "key,target\ntiktok-india-reliance-jio,Glance\n")
    result = story("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: target: deal tiktok-india-reliance-jio is on another target; "
        "a deal's target changes only with dealtrack edit\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_notes_already_recorded_are_not_repeated(story: Invoke, tmp_path: Path) -> None:
    key = "tiktok-india-glance-digital-experience"
    path = write(tmp_path, "d.csv", f"key,notes\n{key},initial phase of negotiations\n")
    assert summary(story, path) == (1, 0, 0, 1, 0)
    fresh = write(tmp_path, "fresh.csv", f"key,notes\n{key},SoftBank leads\n")
    assert summary(story, fresh) == (1, 0, 1, 0, 0)
    assert summary(story, fresh) == (1, 0, 0, 1, 0)
    assert deal(story, key)["notes"] == ["initial phase of negotiations", "SoftBank leads"]


CONFLICT = (
    "target,acquirers,reported,status,date\nAcme,Big Co,2020-01,agreed,2020-02\nZed,,2020,,\n"
)


@pytest.mark.parametrize(
    ("mode", "counts", "status"),
    [("update", (2, 1, 1, 0, 0), "agreed"), ("skip", (2, 1, 0, 1, 0), "rumored")],
)
def test_on_conflict_update_or_skip(
    run: Invoke, tmp_path: Path, mode: str, counts: tuple[int, ...], status: str
) -> None:
    run("add", "Acme", "--acquirer", "Big Co", "--on", "2020-01")
    path = write(tmp_path, "d.csv", CONFLICT)
    assert summary(run, path, "--on-conflict", mode) == counts
    assert [(d["key"], d["status"]) for d in deals(run)] == [
        ("acme-big-co", status),
        ("zed", "rumored"),
    ]


def test_on_conflict_fail_makes_a_match_a_row_error(run: Invoke, tmp_path: Path) -> None:
    run("add", "Acme", "--acquirer", "Big Co", "--on", "2020-01")
    before = exported(run)
    path = write(tmp_path, "d.csv", CONFLICT)
    result = run("import", path, "--on-conflict", "fail")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: row: matches existing deal acme-big-co (--on-conflict fail)\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    assert exported(run) == before


IDEMPOTENT = (
    "target,acquirers,sellers,status,value,currency,reported,date,notes\n"
    "Acme,Big Co,Owner,in-negotiation,$1-2bn,,2020-01,2020-02,talks\n"
    "Acme,Big Co,Owner;Fund,agreed,,,2020-01,2020-05,agreed\n"
    "Zed,,,rumored,70352 crore,INR,2019,,\n"
    "Zed,,,failed,,,2019,2019-09,collapsed\n"
    "Nestlé,Glance,,completed,,,2018,2018-12,\n"
)


def test_importing_the_same_file_twice_equals_importing_it_once(
    story: Invoke, tmp_path: Path
) -> None:
    story("add", "Acme", "--acquirer", "Big Co", "--on", "2020-01", "--status", "rumored")
    story("status", "acme-big-co", "completed", "--on", "2020-09")  # a later status: backdating
    path = write(tmp_path, "d.csv", IDEMPOTENT)
    assert summary(story, path) == (5, 2, 3, 0, 0)
    once = exported(story)
    assert summary(story, path) == (5, 0, 0, 5, 0)
    assert exported(story) == once
    assert summary(story, path, "--on-conflict", "update") == (5, 0, 0, 5, 0)
    assert exported(story) == once


def test_importing_a_json_array_twice_equals_once(run: Invoke, tmp_path: Path) -> None:
    rows = [
        {"target": "Acme", "acquirers": ["Big Co"], "reported": "2020", "status": "agreed"},
        {
            "target": "Acme",
            "acquirers": "Big Co",
            "reported": "2020",
            "date": "2021",
            "status": "completed",
        },
    ]
    path = write(tmp_path, "d.json", json.dumps(rows))
    assert summary(run, path) == (2, 1, 1, 0, 0)
    once = exported(run)
    assert summary(run, path) == (2, 0, 0, 2, 0)
    assert exported(run) == once


def good_rows(count: int) -> str:
    return "".join(f"Target {i},Buyer {i},rumored,$1m,2020\n" for i in range(count))


def test_one_bad_row_at_the_end_leaves_the_ledger_byte_for_byte_unchanged(
    story: Invoke, tmp_path: Path, db_path: Path
) -> None:
    before = db_path.read_bytes()
    content = (
        "target,acquirers,status,value,reported\n" + good_rows(2000) + "Bad,X,nonsense,$1m,2020\n"
    )
    path = write(tmp_path, "d.csv", content)
    result = story("import", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:2002: status: 'nonsense' is not a status; {STATUS_CHOICES}\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )
    assert db_path.read_bytes() == before
    assert len(deals(story)) == 3


def test_failed_import_into_a_new_ledger_leaves_no_file(
    run: Invoke, tmp_path: Path, db_path: Path
) -> None:
    path = write(tmp_path, "d.csv", "target,status,reported\nAcme,zz,2020\n")
    assert run("import", path).exit_code == 1
    assert not db_path.exists()


def test_more_than_fifty_problems_show_fifty_then_a_count(run: Invoke, tmp_path: Path) -> None:
    content = "target,status,reported\n" + "".join(f"T{i},zz,2020\n" for i in range(61))
    path = write(tmp_path, "d.csv", content)
    result = run("import", path)
    assert result.exit_code == 1
    expected = [f"{path}:{n}: status: 'zz' is not a status; {STATUS_CHOICES}" for n in range(2, 52)]
    assert result.stderr.splitlines() == [
        *expected,
        "… and 11 more problems",
        f"Error: 61 problems in {path}; nothing imported",
    ]


def test_rows_with_different_keys_on_one_natural_key_are_two_deals(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "key,target,acquirers,reported,status\n"
        "first-bid,Acme,Big Co,2020,rumored\n"
        "second-bid,Acme,Big Co,2020,agreed\n"
        "second-bid,Acme,Big Co,2020,in-negotiation\n",
    )
    assert summary(run, path) == (3, 2, 1, 0, 0)
    assert [(d["key"], d["status"]) for d in deals(run)] == [
        ("first-bid", "rumored"),
        ("second-bid", "in-negotiation"),
    ]
    assert summary(run, path) == (3, 0, 0, 3, 0)


def test_unkeyed_row_matching_two_deals_of_the_file_is_a_row_error(
    run: Invoke, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "key,target,acquirers,reported\nfirst-bid,Acme,Big Co,2020\nsecond-bid,Acme,Big Co,2020\n"
        ",Acme,Big Co,2020\n",
    )
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:4: row: matches 2 deals (first-bid, second-bid); give the key of one\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_a_key_only_row_naming_no_deal_is_a_row_error(run: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "key,status\nno-such-deal,agreed\n")
    result = run("import", path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{path}:2: target: required to match or create a deal (or give the key of an existing "
        "deal)\n"
        f"Error: 1 problem in {path}; nothing imported\n"
    )


def test_a_derived_key_gives_way_to_a_key_later_in_the_file(run: Invoke, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.csv",
        "key,target,acquirers,reported\n,Acme,Big Co,2020\nacme-big-co,Other,Big Co,2021\n",
    )
    assert summary(run, path) == (2, 2, 0, 0, 0)
    assert [(d["key"], d["target"]) for d in deals(run)] == [
        ("acme-big-co-2", "Acme"),
        ("acme-big-co", "Other"),
    ]
    assert summary(run, path) == (2, 0, 0, 2, 0)


@pytest.mark.parametrize(
    ("keyed", "between", "after"),
    [(False, 200, 0), (True, 3_000, 0), (True, 3_000, 3_000)],
    ids=["staged", "written as read, then rolled back", "the repeat written too"],
)
def test_rows_of_one_deal_far_apart_are_merged_and_new_deals_keep_file_order(
    run: Invoke, tmp_path: Path, keyed: bool, between: int, after: int
) -> None:
    """With keys, into an empty ledger, the rows are written as they are read, thousands of them
    before a row turns out to meet the first; the import then rolls them back and takes the
    staged path, which rows without keys take from the start. With rows after the repeat, the
    repeat itself reaches the ledger's unique key first."""

    def row(key: str, cells: str) -> str:
        return f"{key},{cells}\n" if keyed else f"{cells}\n"

    middle = "".join(
        row(f"target-{n}-buyer", f"Target {n},Buyer,2020,rumored") for n in range(between)
    )
    path = write(
        tmp_path,
        "d.csv",
        row("key", "target,acquirers,reported,status")
        + row("acme-big-co", "Acme,Big Co,2020,rumored")
        + middle
        + row("acme-big-co", "Acme,Big Co,2020,agreed")
        + "".join(row(f"later-{n}", f"Later {n},Buyer,2021,rumored") for n in range(after)),
    )
    rows = between + after + 2
    assert summary(run, path) == (rows, rows - 1, 1, 0, 0)
    listed = deals(run)
    assert [(d["id"], d["key"], d["status"]) for d in listed[:2]] == [
        (1, "acme-big-co", "agreed"),
        (2, "target-0-buyer", "rumored"),
    ]
    assert [d["id"] for d in listed] == list(range(1, rows))
    assert [(e["type"], e["status"]) for e in events(run, "acme-big-co")] == [("created", "agreed")]
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")
    assert summary(run, path) == (rows, 0, 0, rows, 0)


def test_a_deal_object_after_flat_rows_finds_the_parties_and_deals_they_created(
    run: Invoke, tmp_path: Path
) -> None:
    records = [
        {"key": "acme-deal", "target": "Acme", "acquirers": "Big Co", "reported": "2020"},
        {
            "key": "acme-deal",
            "target": "Acme",
            "kind": "acquisition",
            "reported": "2020",
            "status": "agreed",
            "parties": [{"name": "Big Co", "role": "acquirer"}],
        },
    ]
    path = write(tmp_path, "d.json", json.dumps(records))
    assert run("import", path).exit_code == 0
    assert keys(run) == ["acme-deal"]
    parties = run("party", "list", "-f", "json")
    assert [p["name"] for p in json.loads(parties.stdout)] == ["Acme", "Big Co"]


def test_a_created_roster_in_another_order_is_the_same_event(run: Invoke, tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "tiktok-india.json"
    document = json.loads(example.read_text(encoding="utf-8"))
    for deal_object in document["deals"]:
        roster = deal_object["events"][0]["parties"]
        roster.append(roster.pop(0))  # the target last
    reordered = write(tmp_path, "reordered.json", json.dumps(document))
    assert summary(run, str(example)) == (6, 6, 0, 0, 0)  # three deals and three links
    assert summary(run, reordered) == (6, 0, 0, 6, 0)


def test_history_in_flat_formats_lists_the_created_roster(run: Invoke) -> None:
    run("add", "=Acme", "--acquirer", "Big Co", "--adviser", "Lazard", "--on", "2020")
    flat = run("history", "acme-big-co", "-f", "csv", "--fields", "id,type,parties")
    assert flat.stdout == (
        "id,type,parties\n1,created,'=Acme (target); Big Co (acquirer); Lazard (adviser)\n"
    )
