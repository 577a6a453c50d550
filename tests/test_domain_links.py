"""The pure rules of links: stakes, control, a link's periods, and loops of control."""

import datetime
import itertools
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.dates import PartialDate, Precision, parse_date
from dealtrack.domain.links import (
    StakeError,
    fold_links,
    in_force,
    is_control,
    overlaps,
    parse_stake,
    stake_string,
    stake_words,
    unlink_problem,
)
from dealtrack.domain.parties import ParentLoop, control_loop, control_problem

STAMP = "2026-12-03T09:00:00.000000Z"


def link_event(id: int, type: str, on: str | None, **fields: Any) -> SimpleNamespace:
    date = parse_date(on) if on else None
    base = {
        "id": id, "type": type, "on": date.start if date else None,
        "on_precision": date.precision.value if date else None, "recorded_at": STAMP,
        "voided": False, "until": None, "until_precision": None, "stake": None,
    }  # fmt: skip
    return SimpleNamespace(**(base | fields))


def spans(events: list[SimpleNamespace]) -> list[tuple[int, str | None, str | None]]:
    return [
        (p.event.id, str(p.since) if p.since else None, str(p.until) if p.until else None)
        for p in fold_links(events)
    ]


@given(st.integers(1, 100_00))
def test_a_stake_reads_back_from_its_words_and_its_string(stake: int) -> None:
    assert parse_stake(stake_words(stake)) == stake
    assert parse_stake(stake_string(stake) or "") == stake


def test_stakes_are_percentages_exact_to_a_hundredth() -> None:
    assert [parse_stake(text) for text in ("39", "39.5", " 51% ", "0.01", "100")] == [
        39_00, 39_50, 51_00, 1, 100_00,
    ]  # fmt: skip
    assert (stake_string(39_50), stake_words(39_50), stake_string(None)) == ("39.50", "39.5%", None)
    for text in ("0", "100.01", "1.234", "-5", "half", ""):
        with pytest.raises(StakeError):
            parse_stake(text)


def test_control_is_leading_or_owning_more_than_half_or_an_unstated_stake() -> None:
    assert is_control("leads", None) and is_control("owns", None) and is_control("owns", 50_01)
    assert not is_control("owns", 50_00) and not is_control("backs", None)


def test_a_link_is_in_force_from_its_start_until_the_day_it_ends() -> None:
    day = datetime.date(2021, 2, 13)
    assert in_force(None, None, day) and in_force(day, None, day)
    assert not in_force(None, day, day) and in_force(None, day + datetime.timedelta(1), day)
    assert overlaps((None, day), (None, None)) and not overlaps((None, day), (day, None))


def test_a_new_stake_ends_the_old_and_an_unlink_ends_what_is_in_force() -> None:
    events = [
        link_event(1, "link", "2016", stake=39_00),
        link_event(2, "link", "2018-09", stake=100_00),
        link_event(3, "unlink", "2023"),
        link_event(4, "link", None),
    ]
    assert spans(events) == [(4, None, "2016"), (1, "2016", "2018-09"), (2, "2018-09", "2023")]


def test_voided_events_are_left_out_of_the_fold() -> None:
    events = [link_event(1, "link", "2016"), link_event(2, "unlink", "2020", voided=True)]
    assert spans(events) == [(1, "2016", None)]


@given(st.lists(st.tuples(st.sampled_from(["link", "unlink"]), st.integers(2000, 2030))))
def test_an_accepted_unlink_ends_everything_that_began_before_its_date(
    changes: list[tuple[str, int]],
) -> None:
    """Recorded in date order, each unlink the command would accept, folded with what came
    before: nothing that began before its date holds on it, and every period runs forward."""
    events: list[SimpleNamespace] = []
    for number, (kind, year) in enumerate(sorted(changes, key=lambda c: c[1]), 1):
        event = link_event(number, kind, str(year))
        if kind == "unlink" and unlink_problem(fold_links(events), parse_date(str(year))):
            continue
        events.append(event)
        periods = fold_links(events)
        day = datetime.date(year, 1, 1)
        if kind == "unlink":
            began = [p for p in periods if p.since is None or p.since.start < day]
            assert not any(p.holds_on(day) for p in began)
        assert all(p.since.start <= p.until.start for p in periods if p.since and p.until)


def test_an_unlink_needs_a_link_in_force_that_began_before_it() -> None:
    periods = fold_links([link_event(1, "link", "2020")])
    year = PartialDate(datetime.date(2020, 1, 1), Precision.YEAR)
    assert unlink_problem(periods, year) == "no link in force on 2020 to end"
    assert unlink_problem(periods, parse_date("2020-02")) is None


def reaches(graph: dict[int, list[int]], start: int, goal: int) -> bool:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for above in graph.get(node, []):
            if above not in seen:
                seen.add(above)
                todo.append(above)
    return False


graphs = st.dictionaries(
    st.integers(0, 6), st.lists(st.integers(0, 6), max_size=3, unique=True), max_size=7
)


@given(graphs, st.integers(0, 6), st.integers(0, 6))
def test_control_closes_a_loop_exactly_when_the_party_already_controls_the_holder(
    controllers: dict[int, list[int]], party: int, holder: int
) -> None:
    """``controllers[x]`` are the parties that control x; a chain of control is walked up."""
    loop = control_loop(party, holder, lambda p: controllers.get(p, []))
    closes = reaches(controllers, holder, party)
    assert (loop is not None and loop.new) == closes
    if loop is not None:
        chain = loop.chain
        assert chain[0] == chain[-1]
        steps = list(itertools.pairwise(chain))
        first = steps.pop(0) if loop.new else None
        assert first in (None, (party, holder))
        assert all(above in controllers.get(below, []) for below, above in steps)


def test_a_loop_of_control_is_the_shortest_and_is_told_in_words() -> None:
    controllers = {"fund": ["gp", "bank"], "gp": ["founder"], "bank": ["company"]}
    assert control_loop("company", "fund", lambda p: controllers.get(p, [])) == ParentLoop(
        ("company", "fund", "bank", "company"), new=True
    )
    assert control_problem(
        "fund", "company", "own", lambda p: controllers.get(p, []), str.title
    ) == (
        '"Fund" cannot own "Company": that is a loop of control (Company → Fund → Bank → Company)'
    )
    looped = {"fund": ["gp"], "gp": ["fund"]}
    assert control_problem("fund", "x", "lead", lambda p: looped.get(p, []), str) == (
        '"fund" cannot lead "x": the chain of control above "fund" already loops '
        "(fund → gp → fund); end one of those links or parents first"
    )
