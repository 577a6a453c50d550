"""The ``built_ledger`` fixture's copies are the ledgers their commands would have recorded.

Tests start from copies of a ledger built once per session; these tests hold the copy to what
replaying the commands into a fresh ledger gives, on SQLite and on PostgreSQL alike.
"""

import json
import os
import stat
from typing import Any

from click.testing import CliRunner, Result

from dealtrack.cli import dealtrack
from dealtrack.db import HEAD_REVISION
from tests.conftest import STORY, Invoke, LedgerUnderTest, NewLedger


def replayed(ledger: LedgerUnderTest) -> Invoke:
    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner(catch_exceptions=False).invoke(
            dealtrack, ["--db", ledger.url, *args], input=input
        )

    for args in STORY:
        assert invoke(*args).exit_code == 0
    return invoke


def document(run: Invoke) -> Any:
    """The ledger's export, without the times its events were recorded."""
    exported = run("export", "-f", "json")
    assert (exported.exit_code, exported.stderr) == (0, "")
    ledger = json.loads(exported.stdout)
    for deal in ledger["deals"]:
        for event in deal["events"]:
            del event["recorded_at"]
    return ledger


def counts(run: Invoke) -> str:
    status = run("db", "status")
    assert status.exit_code == 0, status.stderr
    return status.stdout.split("\n", 1)[1]  # without the line naming the ledger


def test_a_copy_of_the_story_holds_what_replaying_the_story_records(
    story: Invoke, new_ledger: NewLedger
) -> None:
    fresh = replayed(new_ledger("fresh.db"))
    assert document(story) == document(fresh)
    assert (
        counts(story)
        == counts(fresh)
        == (f"revision: {HEAD_REVISION}\nparties: 8\ndeals: 3\nevents: 4\n")
    )


def test_a_copy_of_the_story_numbers_new_deals_and_events_as_the_story_would(
    story: Invoke, new_ledger: NewLedger
) -> None:
    fresh = replayed(new_ledger("fresh.db"))
    for run in (story, fresh):
        added = run("add", "Later", "--on", "2021-03")
        assert (added.exit_code, added.stdout, added.stderr) == (
            0,
            "later\n",
            'Created party "Later"\nAdded deal "later"\n',
        )
        noted = run("note", "later", "still later", "--on", "2021-04")
        assert (noted.exit_code, noted.stderr) == (0, "Recorded event 6: note on later\n")
    assert document(story) == document(fresh)


def test_a_copied_sqlite_ledger_is_private_like_a_new_one(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    if ledger_db.path is None:
        return  # a schema on the server: no file to hold a mode
    assert stat.S_IMODE(os.stat(ledger_db.path).st_mode) == 0o600
