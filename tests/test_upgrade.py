"""Upgrading a ledger from each earlier revision keeps every party, deal and event (issue 4).

The story ledger is recorded at head, taken back to the earlier revision with Alembic, then
upgraded by dealtrack: ``db upgrade`` on either backend, or any command on SQLite (which first
backs the file up).
"""

import datetime
import json
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from dealtrack.db import HEAD_REVISION
from dealtrack.migrate import KNOWN_REVISIONS
from tests.conftest import Invoke, LedgerUnderTest

EARLIER = KNOWN_REVISIONS[:-1]


def assert_sqlite_references_hold(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("revision", EARLIER)
def test_db_upgrade_from_an_earlier_revision_keeps_every_row(
    story: Invoke, ledger_db: LedgerUnderTest, revision: str
) -> None:
    before = story("export", "-f", "json").stdout
    counts = story("db", "status").stdout
    ledger_db.downgrade(revision)
    assert ledger_db.revision() == revision

    upgraded = story("db", "upgrade")
    assert (upgraded.exit_code, upgraded.stdout) == (0, "")
    notice = f"Upgraded the ledger from revision {revision} to {HEAD_REVISION}"
    if ledger_db.path is not None:
        notice += f"; a backup at revision {revision} is in {ledger_db.path}.bak-{revision}"
    assert upgraded.stderr == notice + "\n"
    again = story("db", "upgrade")
    assert again.stderr == f"Ledger is at revision {HEAD_REVISION}\n"
    assert ledger_db.revision() == HEAD_REVISION
    assert story("export", "-f", "json").stdout == before
    assert story("db", "status").stdout == counts
    checked = story("check")
    assert (checked.exit_code, checked.output) == (0, "")
    if ledger_db.path is not None:
        assert_sqlite_references_hold(ledger_db.path)


@pytest.mark.sqlite_only("backs up and upgrades a ledger file on first use")
@pytest.mark.parametrize("revision", EARLIER)
def test_first_command_on_an_older_ledger_file_backs_it_up_then_upgrades_it(
    story: Invoke, ledger_db: LedgerUnderTest, revision: str
) -> None:
    assert ledger_db.path is not None
    listed = story("list", "-f", "json").stdout
    ledger_db.downgrade(revision)

    again = story("list", "-f", "json")
    backup = Path(f"{ledger_db.path}.bak-{revision}")
    assert (again.exit_code, again.stdout) == (0, listed)
    assert again.stderr == (
        f"Upgraded the ledger from revision {revision} to {HEAD_REVISION}; "
        f"a backup at revision {revision} is in {backup}\n"
    )
    assert story("list", "-f", "json").stderr == ""
    assert ledger_db.revision() == HEAD_REVISION
    assert_sqlite_references_hold(ledger_db.path)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with closing(sqlite3.connect(backup)) as connection:
        assert connection.execute("SELECT version_num FROM dealtrack_version").fetchall() == [
            (revision,)
        ]
        # From revision 0005 on, a deal's opening roster is in its created event.
        events = 14 if revision < "0005" else 4
        assert connection.execute("SELECT count(*) FROM event").fetchone() == (events,)


def test_upgrade_to_0005_folds_only_the_live_opening_party_events(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    """A revision 0004 ledger kept the roster as party events; 0005 folds the live ones that
    share the created event's stamp into it and leaves voided ones, voids, edits and later
    roster changes as they were."""
    added = run(
        "add", "T", "--acquirer", "A", "--seller", "S", "--adviser", "V",
        "--on", "2020-01", "--source", "Wire",
    )  # fmt: skip
    assert added.exit_code == 0
    assert run("edit", "t-a", "--add", "backer=B").exit_code == 0  # event 2
    assert run("edit", "t-a", "--title", "T deal").exit_code == 0  # event 3
    assert run("note", "t-a", "looks likely", "--on", "2020-03").exit_code == 0  # event 4
    ledger_db.downgrade("0004_keys_in_code_point_order")  # the roster becomes events 5 to 8
    # As revision 0004 recorded a mistaken opening adviser, corrected by a void:
    ledger_db.sql(
        "UPDATE event SET voided = true WHERE id = 8 AND role = 'adviser'",
        'INSERT INTO event (id, deal_id, type, "on", on_precision, recorded_at, voids, voided,'
        " reason) VALUES (9, 1, 'void', '2026-12-01', 'day', '2026-12-01T00:00:00.000000Z', 8,"
        " false, 'no adviser')",
        "DELETE FROM participant WHERE role = 'adviser'",
    )

    assert run("db", "upgrade").exit_code == 0
    events = json.loads(run("history", "t-a", "-f", "json").stdout)
    summary = [
        (e["id"], e["type"], e.get("parties"), e.get("party"), e.get("role"), e.get("voids"))
        for e in events
    ]
    roster = [
        {"name": "T", "role": "target"},
        {"name": "A", "role": "acquirer"},
        {"name": "S", "role": "seller"},
    ]
    assert summary == [
        (1, "created", roster, None, None, None),
        (8, "party", None, "V", "adviser", None),
        (4, "note", None, None, None, None),
        (9, "void", None, None, None, 8),
        (2, "party", None, "B", "backer", None),
        (3, "edit", None, None, None, None),
    ]
    assert events[0]["source"] == {"outlet": "Wire", "url": None, "attribution": "unattributed"}
    card = json.loads(run("show", "t-a", "-f", "json").stdout)
    assert [(p["name"], p["role"]) for p in card["parties"]] == [
        ("T", "target"), ("A", "acquirer"), ("S", "seller"), ("B", "backer"),
    ]  # fmt: skip
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


def cached_updated(ledger_db: LedgerUnderTest) -> list[tuple[str, str]]:
    """Each deal's cached ``updated`` and its precision, read past dealtrack (which would
    upgrade an older ledger file before reading it)."""
    query = "SELECT updated, updated_precision FROM deal ORDER BY id"
    if ledger_db.path is not None:
        with closing(sqlite3.connect(ledger_db.path)) as connection:
            rows = connection.execute(query).fetchall()
    else:
        from sqlalchemy import text

        with ledger_db._connect() as connection:
            rows = connection.execute(text(query)).all()
    return [(str(updated), precision) for updated, precision in rows]


def test_upgrade_to_0006_dates_updated_by_the_latest_news_not_the_latest_correction(
    run: Invoke, ledger_db: LedgerUnderTest
) -> None:
    """Revision 0005's dealtrack moved ``updated`` to the day of an edit; 0006 recomputes it
    from the live created, status, value, party and note events, and going back restores the
    old dates."""
    today = datetime.date.today().isoformat()
    commands = (
        ("add", "T", "--acquirer", "A", "--on", "2020-01"),  # event 1
        ("status", "t-a", "in-negotiation", "--on", "2020-06"),  # event 2
        ("note", "t-a", "board met", "--on", "2020-03"),
        ("edit", "t-a", "--title", "T deal"),
        ("void", "2", "--reason", "another deal's news"),
        ("add", "U", "--on", "2019"),
        ("edit", "u", "--kind", "merger"),
        ("add", "V", "--on", "2019-05-02"),
        ("edit", "v", "--add", "backer=B", "--on", "2021-01"),
        ("edit", "v", "--key", "v-deal"),
    )
    for command in commands:
        assert run(*command).exit_code == 0, command
    ledger_db.downgrade("0005_roster_in_created_event")
    assert cached_updated(ledger_db) == [(today, "day")] * 3

    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0
    assert cached_updated(ledger_db) == [
        ("2020-03-01", "month"),
        ("2019-01-01", "year"),
        ("2021-01-01", "month"),
    ]
    listed = run("list", "-f", "csv", "--fields", "key,updated")
    assert listed.stdout == "key,updated\nt-a,2020-03\nu,2019\nv-deal,2021-01\n"
    checked = run("check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_a_ledger_upgraded_to_0007_numbers_link_events_after_its_deal_events(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    ledger_db.downgrade("0006_updated_ignores_corrections")
    assert story("db", "upgrade").exit_code == 0
    linked = story("party", "link", "SoftBank", "--backs", "InMobi", "--source", "Bloomberg")
    assert (linked.exit_code, linked.stderr) == (0, "Recorded event 5: SoftBank backs InMobi\n")
    assert story("void", "5", "--reason", "unsure").stderr == "Recorded event 6: event 5 is void\n"
    removed = story("rm", "tiktok-india-reliance-jio", "--yes")  # its events were 1 and 2
    assert removed.exit_code == 0
    again = story("party", "link", "SoftBank", "--backs", "ByteDance")
    assert again.stderr == "Recorded event 7: SoftBank backs ByteDance\n"
    checked = story("check")
    assert (checked.exit_code, checked.output) == (0, "")
    if ledger_db.path is not None:
        assert_sqlite_references_hold(ledger_db.path)


def test_downgrading_below_0007_drops_links_and_their_events_only(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    before = story("export", "-f", "json").stdout
    assert story("party", "link", "SoftBank", "--backs", "InMobi").exit_code == 0
    assert story("void", "5", "--reason", "unsure").exit_code == 0
    ledger_db.downgrade("0006_updated_ignores_corrections")
    assert story("db", "upgrade").exit_code == 0
    assert story("export", "-f", "json").stdout == before
    assert story("db", "status").stdout.endswith("events: 4\n")
    assert json.loads(story("history", "-f", "json").stdout)[-1]["deal"] is not None


def test_a_ledger_upgraded_to_0009_keeps_exchange_rates_and_downgrading_drops_only_them(
    story: Invoke, ledger_db: LedgerUnderTest
) -> None:
    before = story("export", "-f", "json").stdout
    ledger_db.downgrade("0008_party_events")
    assert story("db", "upgrade").exit_code == 0
    assert story("export", "-f", "json").stdout == before
    said = story("fx", "set", "INR", "USD", "0.0135", "--on", "2020-08-28", "--source", "RBI")
    assert (said.exit_code, said.stderr) == (
        0,
        "Recorded rate: 1 INR = 0.0135 USD on 2020-08-28 (RBI)\n",
    )
    assert story("fx", "list", "-f", "csv").stdout == (
        "on,base,currency,rate,source\n2020-08-28,INR,USD,0.0135,RBI\n"
    )
    ledger_db.downgrade("0008_party_events")
    assert story("db", "upgrade").exit_code == 0
    assert story("fx", "list", "-f", "csv").stdout == "on,base,currency,rate,source\n"
    assert story("export", "-f", "json").stdout == before
    checked = story("check")
    assert (checked.exit_code, checked.output) == (0, "")
