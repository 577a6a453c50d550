"""The rows a new deal produces (pure: no database): the same for ``add`` and for imports."""

import datetime
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.dates import PartialDate, Precision
from dealtrack.domain.fold import decode_roster, fold_state, in_order, roster
from dealtrack.domain.new_deal import (
    CREATED_FIELDS,
    DEAL_FIELDS,
    FOLLOWING_FIELDS,
    Opening,
    default_title,
    derived_deal_key,
    may_be_default,
    new_deal_rows,
    source_columns,
    stored_title,
)
from dealtrack.models import Deal, Event
from dealtrack.money import Amount

AUG_2020 = PartialDate(datetime.date(2020, 8, 1), Precision.MONTH)
FEB_13 = PartialDate(datetime.date(2021, 2, 13), Precision.DAY)
STAMP = "2026-12-03T09:00:00.000000Z"


def opening(**given: Any) -> Opening:
    fields: dict[str, Any] = {
        "deal_id": 7, "key": "tiktok-india-reliance-jio", "title": None, "kind": "asset-sale",
        "target_id": 1, "roster": [(2, "acquirer"), (3, "seller")], "reported": AUG_2020,
        "effective": AUG_2020, "recorded_at": STAMP,
    }  # fmt: skip
    return Opening(**(fields | given))


def test_field_orders_are_the_tables_columns() -> None:
    assert tuple(c.name for c in Deal.__table__.columns) == DEAL_FIELDS
    assert set(CREATED_FIELDS) | set(FOLLOWING_FIELDS) <= {c.name for c in Event.__table__.columns}


def test_a_new_deal_is_one_created_event_holding_its_roster() -> None:
    rows = new_deal_rows(
        opening(status="in-negotiation", value=Amount(300_000_000_000, None, "USD")), 40
    )
    created = dict(zip(CREATED_FIELDS, rows.created, strict=True))
    assert created == {
        "id": 40, "deal_id": 7, "on": "2020-08-01", "on_precision": "month",
        "recorded_at": STAMP, "status": "in-negotiation", "reason": None,
        "amount": 300_000_000_000, "high": None, "currency": "USD", "basis": "reported",
        "source_outlet": None, "source_url": None, "source_attribution": None, "note": None,
        "parties": '[[1,"target"],[2,"acquirer"],[3,"seller"]]',
    }  # fmt: skip
    assert rows.following == []
    assert rows.participants == [(7, 2, "acquirer"), (7, 3, "seller")]
    deal = dict(zip(DEAL_FIELDS, rows.deal, strict=True))
    assert (deal["status"], deal["updated"], deal["updated_precision"]) == (
        "in-negotiation",
        "2020-08-01",
        "month",
    )


def test_a_later_status_and_value_follow_a_rumored_creation() -> None:
    rows = new_deal_rows(
        opening(
            effective=FEB_13,
            status="failed",
            reason="undisclosed reasons",
            value=Amount(100, None, "USD"),
            value_given=True,
            source=source_columns("Bloomberg", None, None),
            note_text="revived later?",
        ),
        10,
    )
    assert rows.created[5:11] == ("rumored", None, None, None, None, None)
    following = [dict(zip(FOLLOWING_FIELDS, e, strict=True)) for e in rows.following]
    assert [(e["id"], e["type"], e["on"]) for e in following] == [
        (11, "status", "2021-02-13"),
        (12, "value", "2021-02-13"),
        (13, "note", "2021-02-13"),
    ]
    assert following[0]["reason"] == "undisclosed reasons"
    assert following[2]["text"] == "revived later?"
    assert following[0]["source_attribution"] == "unattributed"


def test_key_and_title_defaults() -> None:
    assert derived_deal_key("TikTok India", ["Reliance Jio"], 3) == "tiktok-india-reliance-jio"
    assert derived_deal_key("123", [], 3) == "deal-3"
    assert stored_title("TikTok India / Reliance Jio", "TikTok India", ["Reliance Jio"]) is None
    assert stored_title("Jio's bid", "TikTok India", ["Reliance Jio"]) == "Jio's bid"


NAMES = st.text(min_size=1, max_size=20)


@given(NAMES, st.lists(NAMES, max_size=3))
def test_a_default_title_is_always_one_that_may_be_default(
    target: str, acquirers: list[str]
) -> None:
    assert may_be_default(default_title(target, acquirers), bool(acquirers))


def test_a_title_without_a_slash_is_no_default_when_the_deal_has_acquirers() -> None:
    assert not may_be_default("Jio's bid", with_acquirers=True)
    assert may_be_default("Jio's bid", with_acquirers=False)  # it could be the target's name
    assert may_be_default("TikTok India / Reliance Jio", with_acquirers=True)


statuses = st.sampled_from(["rumored", "in-negotiation", "agreed", "completed", "failed"])
dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2025, 12, 31)).map(
    lambda d: PartialDate(d, Precision.DAY)
)


@given(
    reported=dates,
    days_later=st.integers(0, 400),
    status=st.none() | statuses,
    reason=st.none() | st.text(min_size=1, max_size=5),
    amount=st.none() | st.integers(1, 10**12),
    value_given=st.booleans(),
    note_text=st.none() | st.just("a note"),
    roster_size=st.integers(0, 4),
)
def test_the_deal_row_caches_exactly_what_its_events_fold_to(
    reported: PartialDate,
    days_later: int,
    status: str | None,
    reason: str | None,
    amount: int | None,
    value_given: bool,
    note_text: str | None,
    roster_size: int,
) -> None:
    effective = PartialDate(reported.start + datetime.timedelta(days=days_later), Precision.DAY)
    value = Amount(amount, None, "EUR") if amount is not None and value_given else None
    made = opening(
        reported=reported, effective=effective, status=status, reason=reason, value=value,
        value_given=value_given, note_text=note_text,
        roster=[(10 + n, "acquirer") for n in range(roster_size)],
    )  # fmt: skip
    rows = new_deal_rows(made, 1)
    # Days as the ledger gives them back: dates, where the rows bind their ISO text.
    deal = SimpleNamespace(**as_read(dict(zip(DEAL_FIELDS, rows.deal, strict=True))))
    created = dict(zip(CREATED_FIELDS, rows.created, strict=True)) | {"type": "created"}
    events = [as_read(created)] + [
        as_read(dict(zip(FOLLOWING_FIELDS, e, strict=True))) for e in rows.following
    ]
    as_events = [
        SimpleNamespace(**(dict.fromkeys(EVENT_NAMES) | e | {"voided": False})) for e in events
    ]
    state = fold_state(deal, in_order(as_events, deal))
    cached = (deal.status, deal.reason, deal.amount, deal.high, deal.currency, deal.basis)
    assert cached == (state.status, state.reason, state.amount, state.high, state.currency,
                      state.basis)  # fmt: skip
    assert (deal.updated, deal.updated_precision) == (
        state.updated.start,
        state.updated.precision.value,
    )
    assert list(roster(as_events)) == [(p, r) for _, p, r in rows.participants]
    assert decode_roster(created["parties"])[0] == (1, "target")


EVENT_NAMES = [c.name for c in Event.__table__.columns]
DAY_COLUMNS = ("on", "reported", "updated")


def as_read(row: dict[str, Any]) -> dict[str, Any]:
    return row | {c: datetime.date.fromisoformat(row[c]) for c in DAY_COLUMNS if c in row}
