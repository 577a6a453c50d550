"""``dealtrack status``: the lifecycle rules, checked at the event's own date, and --force."""

import datetime
import itertools

import pytest

from tests.conftest import Invoke
from tests.ledger_json import deal, events, usage_error

TODAY = datetime.date.today().isoformat()
STATUSES = ("rumored", "in-negotiation", "agreed", "completed", "failed")
LEGAL = {
    "rumored": STATUSES,
    "in-negotiation": ("in-negotiation", "agreed", "completed", "failed"),
    "agreed": ("agreed", "completed", "failed"),
    "completed": ("completed",),
    "failed": ("rumored", "in-negotiation", "failed"),
}
FORCE = " (use --force to record it anyway)"


def add_deal(run: Invoke, status: str = "rumored", on: str = "2020-01") -> None:
    result = run("add", "T", "--acquirer", "A", "--status", status, "--on", on)
    assert result.exit_code == 0, result.stderr


def refused_in_force(status: str, on: str) -> str:
    if status == "completed":
        allowed = "a completed deal's status is final (only restating it is allowed)"
    else:
        allowed = f"from {status} it can become {', '.join(LEGAL[status])}"
    return f'Error: deal "t-a" is {status} on {on}; {allowed}{FORCE}\n'


def test_status_records_the_change_with_its_source_and_confirms(run: Invoke) -> None:
    add_deal(run, "in-negotiation")
    result = run("status", "t-a", "agreed", "--on", "2020-06-15", "--reason", "signed SPA",
                 "--source", "Reuters", "--url", "https://example.com/spa",
                 "--attribution", "official", "--note", "per filing")  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "Recorded event 2: t-a is agreed on 2020-06-15\n"
    assert events(run, "t-a")[-1] == {
        "id": 2,
        "deal": "t-a",
        "type": "status",
        "on": "2020-06-15",
        "status": "agreed",
        "reason": "signed SPA",
        "source": {
            "outlet": "Reuters",
            "url": "https://example.com/spa",
            "attribution": "official",
        },
        "note": "per filing",
    }
    shown = deal(run, "t-a")
    assert (shown["status"], shown["reason"], shown["updated"]) == (
        "agreed", "signed SPA", "2020-06-15",
    )  # fmt: skip


def test_status_takes_effect_today_by_default(run: Invoke) -> None:
    add_deal(run)
    result = run("status", "1", "In Negotiation")
    assert result.stderr == f"Recorded event 2: t-a is in-negotiation on {TODAY}\n"
    shown = deal(run, "t-a")
    assert (shown["status"], shown["updated"]) == ("in-negotiation", TODAY)


def test_failed_deal_keeps_its_reason_until_talks_revive(run: Invoke) -> None:
    add_deal(run, "in-negotiation")
    run("status", "t-a", "failed", "--on", "2021-02-13", "--reason", "did not go through")
    assert (deal(run, "t-a")["status"], deal(run, "t-a")["reason"]) == (
        "failed", "did not go through",
    )  # fmt: skip
    run("status", "t-a", "in_negotiation", "--on", "2021-03")
    assert (deal(run, "t-a")["status"], deal(run, "t-a")["reason"]) == ("in-negotiation", None)


@pytest.mark.parametrize(("current", "new"), list(itertools.product(STATUSES, STATUSES)))
def test_a_change_is_recorded_only_when_legal_from_the_status_in_force(
    run: Invoke, current: str, new: str
) -> None:
    add_deal(run, current)
    result = run("status", "t-a", new, "--on", "2020-06")
    if new in LEGAL[current]:
        assert (result.exit_code, result.stderr) == (
            0,
            f"Recorded event 2: t-a is {new} on 2020-06\n",
        )
        assert deal(run, "t-a")["status"] == new
    else:
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == refused_in_force(current, "2020-06")
        assert deal(run, "t-a")["status"] == current
        assert len(events(run, "t-a")) == 1


def test_nothing_leaves_completed_but_a_second_source_may_restate_it(run: Invoke) -> None:
    add_deal(run, "completed")
    assert run("status", "t-a", "failed", "--on", "2021").stderr == refused_in_force(
        "completed", "2021"
    )
    restated = run("status", "t-a", "completed", "--on", "2020-02", "--source", "Reuters")
    assert (restated.exit_code, restated.stderr) == (
        0,
        "Recorded event 2: t-a is completed on 2020-02\n",
    )


def test_a_backdated_change_is_judged_by_the_status_in_force_on_its_date(run: Invoke) -> None:
    add_deal(run, "rumored")
    run("status", "t-a", "failed", "--on", "2020-09")
    # failed now, but rumored in March: agreed was legal then, and failed may follow agreed
    result = run("status", "t-a", "agreed", "--on", "2020-03")
    assert (result.exit_code, result.stderr) == (0, "Recorded event 3: t-a is agreed on 2020-03\n")
    assert deal(run, "t-a")["status"] == "failed"
    assert [e.get("status") for e in events(run, "t-a")] == ["rumored", "agreed", "failed"]


def test_a_later_status_cannot_be_stranded_by_a_backdated_change(run: Invoke) -> None:
    add_deal(run, "rumored")
    run("status", "t-a", "completed", "--on", "2020-06")
    result = run("status", "t-a", "failed", "--on", "2020-03")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f'Error: deal "t-a" becomes completed on 2020-06, which cannot follow failed{FORCE}\n'
    )
    assert len(events(run, "t-a")) == 2


def test_the_next_later_status_may_follow_a_backdated_change(run: Invoke) -> None:
    add_deal(run, "rumored")
    run("status", "t-a", "completed", "--on", "2020-06")
    result = run("status", "t-a", "in-negotiation", "--on", "2020-03")
    assert result.exit_code == 0
    assert deal(run, "t-a")["status"] == "completed"


def test_a_change_after_the_latest_status_is_judged_by_the_latest(run: Invoke) -> None:
    add_deal(run, "in-negotiation")
    run("status", "t-a", "agreed", "--on", "2020-06")
    assert run("status", "t-a", "rumored", "--on", "2020-07").stderr == refused_in_force(
        "agreed", "2020-07"
    )
    assert run("status", "t-a", "rumored", "--on", "2020-03").stderr == refused_in_force(
        "in-negotiation", "2020-03"
    )


def test_force_records_a_change_the_rules_refuse(run: Invoke) -> None:
    add_deal(run, "completed")
    result = run("status", "t-a", "failed", "--on", "2021", "--reason", "unwound", "--force")
    assert (result.exit_code, result.stderr) == (0, "Recorded event 2: t-a is failed on 2021\n")
    assert (deal(run, "t-a")["status"], deal(run, "t-a")["reason"]) == ("failed", "unwound")


def test_force_records_a_change_that_strands_the_next_status(run: Invoke) -> None:
    add_deal(run, "rumored")
    run("status", "t-a", "completed", "--on", "2020-06")
    result = run("status", "t-a", "failed", "--on", "2020-03", "--force")
    assert result.exit_code == 0
    assert [e.get("status") for e in events(run, "t-a")] == ["rumored", "failed", "completed"]


def test_a_voided_status_no_longer_constrains_new_ones(run: Invoke) -> None:
    add_deal(run, "in-negotiation")
    run("status", "t-a", "completed", "--on", "2020-06")
    assert run("void", "2", "--reason", "wrong deal").exit_code == 0
    result = run("status", "t-a", "failed", "--on", "2020-07")
    assert result.exit_code == 0, result.stderr
    assert deal(run, "t-a")["status"] == "failed"


def test_an_identical_status_event_records_nothing_and_succeeds(run: Invoke) -> None:
    add_deal(run, "in-negotiation")
    run("status", "t-a", "failed", "--on", "2021-02-13", "--reason", "r", "--source", "Bloomberg")
    before = events(run, "t-a")
    again = run("status", "t-a", "failed", "--on", "2021-02-13", "--reason", "r",
                "--source", "Bloomberg", "--note", "seen again")  # fmt: skip
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == 'Nothing recorded: deal "t-a" already has this status event\n'
    assert events(run, "t-a") == before


def test_a_status_dated_before_the_deal_was_reported_is_refused(run: Invoke) -> None:
    add_deal(run, "rumored", on="2020-08")
    result = run("status", "t-a", "in-negotiation", "--on", "2020-07-31")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        'Error: 2020-07-31 is before deal "t-a" was reported (2020-08); '
        "date the event on or after it\n"
    )
    assert len(events(run, "t-a")) == 1


def test_a_status_dated_after_today_is_a_usage_error(run: Invoke) -> None:
    add_deal(run)
    result = run("status", "t-a", "agreed", "--on", "2999")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "status",
        "[OPTIONS] DEAL STATUS",
        f"Invalid value for '--on': '2999' is after today ({TODAY}); "
        "effective dates cannot be in the future",
    )


def test_an_unknown_status_is_a_usage_error(run: Invoke) -> None:
    add_deal(run)
    result = run("status", "t-a", "closing")
    assert result.exit_code == 2
    assert result.stderr == usage_error(
        "status",
        "[OPTIONS] DEAL STATUS",
        "Invalid value for 'STATUS': 'closing' is not a status; use one of: rumored, "
        "in-negotiation, agreed, completed, failed",
    )


@pytest.mark.parametrize("ref", ["nope", "99"])
def test_status_of_an_unknown_deal_is_refused(run: Invoke, ref: str) -> None:
    add_deal(run)
    result = run("status", ref, "agreed")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f'Error: no deal "{ref}" (see dealtrack list)\n'


def test_a_failure_s_word_is_recorded_as_failed_with_the_word_as_its_reason(run: Invoke) -> None:
    add_deal(run, "in talks")
    result = run("status", "t-a", "Withdrawn", "--on", "2020-03")
    assert (result.exit_code, result.stderr) == (0, "Recorded event 2: t-a is failed on 2020-03\n")
    assert (deal(run, "t-a")["status"], deal(run, "t-a")["reason"]) == ("failed", "withdrawn")


def test_a_reason_given_wins_over_the_word(run: Invoke) -> None:
    add_deal(run)
    result = run("status", "t-a", "blocked", "--on", "2020-03", "--reason", "regulator said no")
    assert result.exit_code == 0, result.stderr
    assert (deal(run, "t-a")["status"], deal(run, "t-a")["reason"]) == (
        "failed",
        "regulator said no",
    )


def test_a_word_that_only_names_a_status_gives_no_reason(run: Invoke) -> None:
    add_deal(run, "signed")
    assert (deal(run, "t-a")["status"], deal(run, "t-a")["reason"]) == ("agreed", None)


def test_announced_is_a_usage_error_that_asks_which_status_is_meant(run: Invoke) -> None:
    add_deal(run)
    result = run("status", "t-a", "announced")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == usage_error(
        "status",
        "[OPTIONS] DEAL STATUS",
        "Invalid value for 'STATUS': 'announced' is not a status: an announced deal may be an "
        "agreed merger (agreed) or an unsolicited offer (rumored or in-negotiation); say which",
    )


def test_a_status_filter_takes_the_trade_press_words(run: Invoke) -> None:
    add_deal(run, "abandoned")
    listed = run("list", "--status", "withdrawn", "-f", "csv", "--fields", "key,status,reason")
    assert (listed.exit_code, listed.stdout) == (0, "key,status,reason\nt-a,failed,abandoned\n")
