"""The fold of events into a deal's state and roster, and roster changes (pure: no database)."""

import datetime
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.domain.changes import apply_roster_change, changes_roster, changes_to_reach
from dealtrack.domain.fold import (
    PAYLOAD_COLUMNS,
    decode_roster,
    encode_roster,
    fold_opening_roster,
    fold_state,
    identity,
    in_order,
    roster,
    roster_in_force,
    roster_on,
)
from dealtrack.domain.links import LINK_PAYLOAD
from dealtrack.models import Event
from dealtrack.vocabulary import ROLES

DAY = datetime.date(2021, 2, 13)
STAMP = "2026-12-03T09:00:00.000000Z"


def event(id: int, type: str, **fields: Any) -> SimpleNamespace:
    columns = dict.fromkeys(c.name for c in Event.__table__.columns)
    base = {"on": DAY, "on_precision": "day", "recorded_at": STAMP, "voided": False}
    return SimpleNamespace(**(columns | base | {"id": id, "type": type} | fields))


def test_identity_compares_every_column_but_id_time_note_and_void_mark() -> None:
    others = {"id", "deal_id", "type", "on", "on_precision", "recorded_at", "voided", "note"}
    others |= set(LINK_PAYLOAD) - set(PAYLOAD_COLUMNS)  # a link's events: see link_identity
    assert set(PAYLOAD_COLUMNS) == {c.name for c in Event.__table__.columns} - others
    assert identity(event(1, "note", text="x", note="a")) == identity(event(2, "note", text="x"))


@given(st.lists(st.tuples(st.integers(1, 10**9), st.sampled_from(ROLES)), max_size=8))
def test_a_roster_survives_its_encoding(pairs: list[tuple[int, str]]) -> None:
    assert decode_roster(encode_roster(pairs)) == pairs


def test_the_roster_is_the_created_one_changed_by_live_party_events() -> None:
    events = [
        event(1, "created", parties=encode_roster([(1, "target"), (2, "acquirer"), (3, "seller")])),
        event(2, "party", action="removed", party_id=3, role="seller"),
        event(3, "party", action="added", party_id=4, role="backer", voided=True),
        event(4, "party", action="added", party_id=5, role="adviser"),
    ]
    assert list(roster(events)) == [(2, "acquirer"), (5, "adviser")]


def test_only_live_opening_party_events_fold_into_the_created_event() -> None:
    created = event(1, "created", source_outlet="Wire")
    events = [
        created,
        event(2, "party", action="added", party_id=1, role="target", source_outlet="Wire"),
        event(3, "party", action="added", party_id=3, role="seller", source_outlet="Wire"),
        event(4, "party", action="added", party_id=2, role="acquirer", source_outlet="Wire"),
        event(5, "party", action="added", party_id=6, role="adviser", source_outlet="Wire",
              voided=True),
        event(6, "void", voids=5),
        event(7, "party", action="added", party_id=7, role="backer",
              recorded_at="2026-12-04T00:00:00.000000Z", source_outlet="Wire"),
        event(8, "party", action="added", party_id=8, role="other"),  # another source
    ]  # fmt: skip
    folded = fold_opening_roster(events)
    assert [e.id for e in folded] == [1, 5, 6, 7, 8]
    assert decode_roster(created.parties) == [(1, "target"), (2, "acquirer"), (3, "seller")]
    assert fold_opening_roster(folded) == folded  # a created event with a roster stays as it is


# updated: the date of the latest news, never of a correction

REPORTED = SimpleNamespace(reported=datetime.date(2020, 1, 1), reported_precision="month")


def dated(id: int, type: str, on: str, **fields: Any) -> SimpleNamespace:
    day = datetime.date.fromisoformat(on)
    return event(id, type, on=day, recorded_at=f"2026-12-03T09:00:0{id}.000000Z", **fields)


NEWS = [
    dated(1, "created", "2020-01-01", status="rumored", on_precision="month"),
    dated(2, "status", "2020-06-01", status="in-negotiation"),
    dated(3, "note", "2020-03-05", text="board met"),
]


def test_updated_is_the_latest_live_news() -> None:
    assert str(fold_state(REPORTED, in_order(NEWS, REPORTED)).updated) == "2020-06-01"
    party = dated(4, "party", "2020-09-09", action="added", party_id=7, role="backer")
    value = dated(5, "value", "2020-08-01", amount=100, currency="USD", basis="reported")
    assert str(fold_state(REPORTED, in_order([*NEWS, party, value], REPORTED)).updated) == (
        "2020-09-09"
    )


def test_edits_and_voids_do_not_move_updated() -> None:
    voided = [NEWS[0], dated(2, "status", "2020-06-01", status="agreed", voided=True), NEWS[2]]
    corrections = [
        dated(4, "edit", "2026-12-03", changes='{"title": ["A", "B"]}'),
        dated(5, "void", "2026-12-03", voids=2, reason="wrong deal"),
    ]
    state = fold_state(REPORTED, in_order([*voided, *corrections], REPORTED))
    assert (state.status, str(state.updated)) == ("rumored", "2020-03-05")


def test_a_created_event_dates_updated_by_the_deals_reported_date_and_precision() -> None:
    created = dated(1, "created", "2019-05-05", status="rumored")
    edit = dated(2, "edit", "2026-12-03", changes='{"reported": ["2019-05-05", "2020-01"]}')
    assert str(fold_state(REPORTED, [created, edit]).updated) == "2020-01"


def test_as_of_a_day_updated_is_the_latest_news_by_then() -> None:
    state = fold_state(REPORTED, in_order(NEWS, REPORTED), as_of=datetime.date(2020, 5, 31))
    assert (state.status, str(state.updated)) == ("rumored", "2020-03-05")


event_types = st.sampled_from(["status", "value", "party", "note", "edit"])


@given(
    st.lists(
        st.tuples(event_types, st.dates(datetime.date(2020, 1, 1), datetime.date(2026, 12, 3))),
        max_size=8,
    ),
    st.dates(datetime.date(2020, 1, 1), datetime.date(2026, 12, 3)),
)
def test_a_correction_never_changes_the_folded_state(
    history: list[tuple[str, datetime.date]], day: datetime.date
) -> None:
    events = [dated(1, "created", "2020-01-01", status="rumored")]
    for number, (kind, on) in enumerate(history, start=2):
        fields = {"status": "agreed"} if kind == "status" else {}
        events.append(event(number, kind, on=on, recorded_at=STAMP, **fields))
    corrections = [event(100, "edit", on=day, changes="{}"), event(101, "void", on=day, voids=2)]
    assert fold_state(REPORTED, in_order([*events, *corrections], REPORTED)) == fold_state(
        REPORTED, in_order(events, REPORTED)
    )


# The roster as of a day


def test_the_roster_as_of_a_day_leaves_out_later_changes_whenever_recorded() -> None:
    events = in_order(
        [
            dated(1, "created", "2020-01-01", parties=encode_roster([(1, "target"), (2, "acquirer")])),
            dated(2, "party", "2020-05-01", action="added", party_id=3, role="acquirer"),
            dated(3, "party", "2020-03-01", action="removed", party_id=2, role="acquirer"),
            dated(4, "party", "2020-04-01", action="added", party_id=4, role="backer", voided=True),
        ],
        REPORTED,
    )  # fmt: skip
    assert list(roster_on(REPORTED, events, datetime.date(2020, 2, 29))) == [(2, "acquirer")]
    assert list(roster_on(REPORTED, events, datetime.date(2020, 4, 30))) == []
    assert list(roster_on(REPORTED, events, datetime.date(2020, 5, 1))) == [(3, "acquirer")]


def test_the_roster_in_force_reads_no_events_when_no_news_is_later() -> None:
    deal = SimpleNamespace(updated=datetime.date(2020, 6, 1), **vars(REPORTED))
    current = [SimpleNamespace(party_id=2, role="acquirer")]

    def unread() -> list[Any]:
        raise AssertionError("the events were read")

    assert roster_in_force(deal, lambda: current, unread, datetime.date(2020, 6, 1)) == {
        (2, "acquirer"): None
    }
    events = [dated(1, "created", "2020-01-01", parties=encode_roster([(5, "seller")]))]
    assert roster_in_force(deal, lambda: current, lambda: events, datetime.date(2020, 5, 31)) == {
        (5, "seller"): None
    }


# Roster changes: one rule for edit --add/--remove and for import rows


def test_changes_to_reach_a_roles_complete_set_remove_then_add() -> None:
    in_force = [(2, "acquirer"), (3, "acquirer"), (4, "seller")]
    assert changes_to_reach(in_force, "acquirer", [5, 3, 5]) == [
        ("removed", 2, "acquirer"),
        ("added", 5, "acquirer"),
    ]
    assert changes_to_reach(in_force, "seller", [4]) == []
    assert changes_to_reach(in_force, "backer", [2]) == [("added", 2, "backer")]


@given(
    st.lists(st.tuples(st.integers(1, 6), st.sampled_from(ROLES[1:])), unique=True),
    st.sampled_from(ROLES[1:]),
    st.lists(st.integers(1, 6)),
)
def test_applying_the_changes_to_reach_a_set_reaches_it(
    pairs: list[tuple[int, str]], role: str, wanted: list[int]
) -> None:
    in_force = dict.fromkeys(pairs)
    for change in changes_to_reach(list(in_force), role, wanted):
        assert changes_roster(in_force, change)
        apply_roster_change(in_force, change)
    assert {party for party, held in in_force if held == role} == set(wanted)
    assert {p for p in in_force if p[1] != role} == {p for p in pairs if p[1] != role}
