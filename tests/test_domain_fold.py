"""The fold of events into a deal's state and roster (pure: no database)."""

import datetime
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.domain.fold import (
    PAYLOAD_COLUMNS,
    decode_roster,
    encode_roster,
    fold_opening_roster,
    identity,
    roster,
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
