"""The Stage: an import's rows, new parties and new keys in a private scratch database."""

from dealtrack.bulk.staging import RECENT, Stage


def staged(rows: list[tuple[str | None, str | None, bool]]) -> Stage:
    """A Stage holding one row per (key, natural key, known), at lines 2, 3, …"""
    stage = Stage()
    for line, (key, natural, known) in enumerate(rows, start=2):
        stage.add_row(line, key, natural, known, {"line": str(line)})
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
    assert [(seq, line) for seq, line, _, _ in stage.rows_to_match()] == [
        (1, 2),
        (2, 3),
        (3, 4),
        (4, 5),
        (5, 6),
    ]


def test_only_rows_that_meet_no_other_come_back_with_their_cells() -> None:
    stage = staged([("a", "n1", False), ("b", "n2", False), ("a", None, False)])
    assert list(stage.rows_in_order()) == [
        (1, 2, None, None),
        (2, 3, {"line": "3"}, None),
        (3, 4, None, None),
    ]


def test_rows_keep_their_record_for_rejects() -> None:
    stage = Stage()
    stage.add_row(2, "a", None, False, {"key": "a"}, {"key": "a", "extra": [1, None]})
    stage.finish_reading()
    assert list(stage.rows_in_order()) == [(1, 2, {"key": "a"}, {"key": "a", "extra": [1, None]})]


def test_a_free_key_passes_over_the_ledger_the_file_and_deals_made_before() -> None:
    stage = staged([("acme-big-co", "n1", False)])
    assert stage.free_key("acme-big-co", {}, 1) == "acme-big-co-2"
    assert stage.free_key("acme-big-co", {"acme-big-co-3": 7}, 2) == "acme-big-co-4"
    assert list(stage.taken_keys()) == [("acme-big-co-2", 1), ("acme-big-co-4", 2)]


def test_a_new_party_is_found_after_the_recent_names_are_forgotten() -> None:
    stage = staged([])
    assert stage.new_party("acme") is None
    stage.add_party("acme", 1, "Acme")
    for n in range(RECENT + 1):
        stage.add_party(f"party {n}", n + 2, f"Party {n}")
    assert "acme" not in stage.recent_parties
    assert stage.new_party("acme") == 1
    assert next(stage.new_parties()) == ("acme", 1, "Acme")


def test_the_scratch_database_is_a_temporary_file_no_one_else_can_open() -> None:
    stage = Stage()
    assert stage.db.execute("PRAGMA database_list").fetchall() == [(0, "main", "")]
    stage.close()
