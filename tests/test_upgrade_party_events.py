"""Revision 0008: renames and merges are events; a ledger from before it takes them, and going
back below it drops them alone (the aliases and merged roles they left stay)."""

import json

from tests.conftest import Invoke, LedgerUnderTest
from tests.ledger_json import party


def test_a_ledger_upgraded_to_0008_records_renames_and_merges(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ledger_db.downgrade("0007_links")
    assert story("db", "upgrade").exit_code == 0
    renamed = story("party", "edit", "Reliance Jio", "--name", "Jio Platforms", "--on", "2021")
    assert renamed.exit_code == 0
    assert story("party", "add", "Jio").exit_code == 0
    merged = story("party", "merge", "Jio", "Reliance Jio", "--yes")
    assert (merged.exit_code, merged.stderr) == (
        0, 'Recorded event 6: merged "Jio" into "Jio Platforms"\n',
    )  # fmt: skip
    feed = json.loads(story("history", "-f", "json").stdout)
    assert [(e["id"], e["type"]) for e in feed if e["deal"] is None] == [
        (5, "rename"), (6, "merge"),
    ]  # fmt: skip
    checked = story("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_downgrading_below_0008_drops_renames_and_merges_only(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    assert story("party", "link", "SoftBank", "--backs", "InMobi").exit_code == 0
    assert story("party", "edit", "Reliance Jio", "--name", "Jio Platforms").exit_code == 0
    ledger_db.downgrade("0007_links")
    assert story("db", "upgrade").exit_code == 0
    assert story("db", "status").stdout.endswith("events: 5\n")
    assert party(story, "Reliance Jio")["name"] == "Jio Platforms"
    assert story("party", "history", "Jio Platforms", "-f", "json").stdout == "[]\n"
    checked = story("check")
    assert (checked.exit_code, checked.output) == (0, "")
