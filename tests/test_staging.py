"""The Stage: an import's rows, new parties and new keys in a private scratch database."""

import datetime
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.bulk.creating import number_parties, party_names
from dealtrack.bulk.rows import FlatRow
from dealtrack.bulk.snapshot import Snapshot
from dealtrack.bulk.staging import RECENT, IdSet, Stage, pack, unpack
from dealtrack.dates import PartialDate, Precision
from dealtrack.money import Amount
from dealtrack.names import (
    MAX_NAME_LENGTH,
    check_party_name,
    checked_key,
    checked_name,
    invalid_key_message,
    is_valid_key,
    name_key,
)


def staged(rows: list[tuple[str | None, str | None, bool]]) -> Stage:
    """A Stage holding one row per (key, natural key, known), at lines 2, 3, …"""
    stage = Stage()
    for line, (key, natural, known) in enumerate(rows, start=2):
        stage.add_row(FlatRow(line, key=key), natural, known)
    stage.finish_reading()
    return stage


def test_rows_that_share_a_key_or_a_natural_key_or_match_the_ledger_go_to_the_matcher() -> None:
    stage = staged(
        [
            ("a", "n1", False),
            (None, "n2", False),
            ("a", None, False),
            (None, "n2", False),
            ("b", "n3", True),
            ("c", "n4", False),
        ]
    )
    assert [(seq, unpack(row).line) for seq, row, _ in stage.rows_to_match()] == [
        (1, 2),
        (2, 3),
        (3, 4),
        (4, 5),
        (5, 6),
    ]


def test_only_rows_that_meet_no_other_come_back_whole() -> None:
    stage = staged([("a", "n1", False), ("b", "n2", False), ("a", None, False)])
    assert list(stage.rows_in_order()) == [
        (1, None, None),
        (2, FlatRow(3, key="b"), None),
        (3, None, None),
    ]


def test_rows_keep_their_record_for_rejects() -> None:
    stage = Stage()
    stage.add_row(FlatRow(2, key="a"), None, False, {"key": "a", "extra": [1, None]})
    stage.finish_reading()
    assert list(stage.rows_in_order()) == [
        (1, FlatRow(2, key="a"), {"key": "a", "extra": [1, None]})
    ]


def test_a_free_key_passes_over_the_ledger_the_file_and_keys_derived_before() -> None:
    stage = staged([("acme-big-co", "n1", False)])
    assert stage.free_key("acme-big-co", {}) == "acme-big-co-2"
    assert stage.free_key("acme-big-co", {"acme-big-co-3": 7}) == "acme-big-co-4"
    assert stage.free_key("other", {}) == "other"
    assert stage.free_key("other", {}) == "other-2"


def test_a_new_party_is_found_after_the_recent_names_are_forgotten() -> None:
    stage = staged([])
    assert stage.new_party("acme") is None
    stage.add_party("acme", 1, "Acme")
    for n in range(RECENT + 1):
        stage.add_party(f"party {n}", n + 2, f"Party {n}")
    assert "acme" not in stage.recent_parties
    assert stage.new_party("acme") == 1
    assert (stage.party_name(1), stage.party_name(0)) == ("Acme", None)


def test_rows_and_parties_staged_by_the_hundred_come_back_all_and_in_order() -> None:
    stage = Stage()
    for line in range(2, 125):  # two statements of 50 rows, then 23 one by one
        stage.add_row(FlatRow(line, key=f"k{line}"), f"n{line}", False)
        stage.add_party(f"party {line}", line, f"Party {line}")
    stage._flush_parties()
    stage.finish_reading()
    assert [row.line for _, row, _ in stage.rows_in_order() if row] == list(range(2, 125))
    assert stage.db.execute("SELECT count(*), min(id), max(id) FROM party").fetchone() == (
        123,
        2,
        124,
    )
    stage.recent_parties.clear()
    assert [stage.new_party(f"party {line}") for line in (2, 51, 52, 124)] == [2, 51, 52, 124]


names = st.lists(st.sampled_from(["Acme", "ACME ", "Beta", "Gamma", "Ledger Co"]), max_size=6)


@given(st.lists(names, max_size=8))
def test_a_deals_parties_numbered_at_once_get_the_ids_one_by_one_would(
    deals: list[list[str]],
) -> None:
    def snapshot() -> Snapshot:
        return Snapshot(party_ids={"ledger co": 3}, next_party_id=10)

    one_by_one, at_once = (Stage(), snapshot()), (Stage(), snapshot())
    for deal in deals:
        expected = [one_by_one[0].party(one_by_one[1], name_key(n), n) for n in deal]
        ids, created = number_parties(*at_once, deal)
        assert ids == [found for found, _ in expected]
        assert [party_id for party_id, _, _ in created] == [f for f, new in expected if new]
    assert at_once[1].next_party_id == one_by_one[1].next_party_id


def test_a_new_deals_parties_are_numbered_target_first_then_by_role() -> None:
    row = FlatRow(2, target="T", roles={"adviser": ["V"], "acquirer": ["A", "B"], "seller": ["S"]})
    assert party_names(row) == ["T", "A", "B", "S", "V"]


def test_deals_made_by_deal_objects_are_found_by_key_and_by_natural_key() -> None:
    stage = staged([])
    acme = (1, frozenset({2, 3}), datetime.date(2020, 1, 1), "year")
    other = (1, frozenset({2}), datetime.date(2020, 1, 1), "year")
    stage.add_deal("acme-big-co", 7, acme)
    stage.add_deal("acme-big-co-2", 9, (1, frozenset({3, 2}), datetime.date(2020, 1, 1), "year"))
    assert (stage.deal_id("acme-big-co-2"), stage.deal_id("other")) == (9, None)
    assert (stage.deals_on(acme), stage.deals_on(other)) == ([7, 9], [])


def test_the_scratch_database_is_a_deleted_0600_file_once_it_outgrows_memory() -> None:
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to find the scratch file SQLite opened")
    stage = Stage()
    assert stage.db.execute("PRAGMA database_list").fetchall() == [(0, "main", "")]
    for line in range(20_000):
        stage.add_row(FlatRow(line, title="x" * 300), None, False)
    stage.finish_reading()
    scratch = {fd: target for fd, target in open_files() if "etilqs_" in target}  # SQLite's name
    assert scratch
    assert all(target.endswith(" (deleted)") for target in scratch.values())
    assert {stat.S_IMODE(os.fstat(fd).st_mode) for fd in scratch} == {0o600}
    stage.close()


def open_files() -> list[tuple[int, str]]:
    """(descriptor, what it is open on) for this process."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            found.append((int(name), os.readlink(f"/proc/self/fd/{name}")))
        except FileNotFoundError:  # the descriptor listdir itself had open
            continue
    return found


texts = st.none() | st.text(max_size=20)
dates = st.none() | st.builds(
    PartialDate, st.dates(datetime.date(1800, 1, 1)), st.sampled_from(list(Precision))
)
amounts = st.none() | st.builds(
    Amount,
    st.integers(0, 2**62),
    st.none() | st.integers(0, 2**62),
    st.sampled_from(["USD", "INR"]),
)
roles = st.dictionaries(
    st.sampled_from(["acquirer", "seller", "adviser"]), st.lists(st.text(min_size=1), max_size=3)
)
flat_rows = st.builds(
    FlatRow,
    line=st.integers(1, 10**9),
    key=texts, title=texts, kind=texts, target=texts, roles=roles, status=texts, reason=texts,
    value=amounts, value_given=st.booleans(), basis=texts, reported=dates, date=dates,
    outlet=texts, url=texts, attribution=texts, notes=texts,
)  # fmt: skip


@given(flat_rows)
def test_a_packed_row_unpacks_to_the_same_row(row: FlatRow) -> None:
    assert unpack(pack(row)) == row


ids = st.integers(1, 2**63 - 1) | st.integers(1, 5_000)


@given(st.lists(ids), st.lists(ids))
def test_an_id_set_holds_what_a_set_holds(added: list[int], probes: list[int]) -> None:
    taken = IdSet()
    for value in added:
        taken.add(value)
    assert [v in taken for v in added + probes] == [v in set(added) for v in added + probes]


def test_an_id_set_keeps_a_far_id_out_of_its_bitmap() -> None:
    taken = IdSet()
    for value in range(1, 100_001):
        taken.add(value)
    taken.add(2**62)
    assert len(taken.bits) < 100_000 // 8 * 2
    assert 2**62 in taken and 100_000 in taken and 100_001 not in taken and 0 not in taken


def _outcome(check: Callable[[str], str], text: str) -> str:
    """What a check makes of text: the text it keeps, or its error's message."""
    try:
        return "kept " + check(text)
    except ValueError as error:  # InvalidName is one
        return f"refused {type(error).__name__}: {error}"


@given(st.text(alphabet=st.characters(max_codepoint=0xA0)) | st.text(max_size=205))
def test_a_party_name_is_checked_alike_with_or_without_its_ascii_shortcut(text: str) -> None:
    assert _outcome(checked_name, text) == _outcome(check_party_name, text)
    long = "x" * (MAX_NAME_LENGTH - 1) + text
    assert _outcome(checked_name, long) == _outcome(check_party_name, long)


@given(st.text(alphabet="ab9-A_ é"))
def test_a_deal_key_is_checked_alike_with_or_without_its_ascii_shortcut(text: str) -> None:
    def by_the_rule(key: str) -> str:
        if not is_valid_key(key):
            raise ValueError(invalid_key_message(key))
        return key

    assert _outcome(checked_key, text) == _outcome(by_the_rule, text)
