"""render: JSON laid out exactly as json.dumps(indent=2, ensure_ascii=False) does, tables written
in pages, and tables cut to a terminal's width."""

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack import render
from dealtrack.render import (
    STREAMED_TABLES,
    json_pages,
    jsonl_pages,
    neutralise,
    render_rows,
    row_pages,
    table_pages,
    to_json,
    to_jsonl,
)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
# json.dumps writes a key that is not a string as its JSON text, quoted; to_json must too.
keys = st.text() | st.none() | st.booleans() | st.integers()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner) | st.tuples(inner, inner) | st.dictionaries(keys, inner),
    max_leaves=30,
)


@given(documents)
def test_to_json_matches_the_standard_library_byte_for_byte(document: object) -> None:
    assert to_json(document) == json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def test_to_json_keeps_non_ascii_text_as_written() -> None:
    assert to_json({"name": "Nestlé ₹"}) == '{\n  "name": "Nestlé ₹"\n}\n'


def test_formula_like_text_gets_a_quote_but_numbers_do_not() -> None:
    assert [neutralise(c) for c in ("=SUM(A1)", "+1 555", "-5", "@cmd", "\tx", "plain")] == [
        "'=SUM(A1)",
        "'+1 555",
        "-5",
        "'@cmd",
        "'\tx",
        "plain",
    ]


def test_keys_that_compare_equal_keep_their_own_text() -> None:
    # False, 0 and 0.0 are one dict key; a cache of key texts once wrote {0: None} as "false".
    assert [to_json({k: None}) for k in (False, 0, 0.0, True, 1)] == [
        '{\n  "false": null\n}\n',
        '{\n  "0": null\n}\n',
        '{\n  "0.0": null\n}\n',
        '{\n  "true": null\n}\n',
        '{\n  "1": null\n}\n',
    ]


@given(st.lists(documents, max_size=5))
def test_json_pages_join_to_the_whole_array(records: list[object]) -> None:
    assert "".join(json_pages(records)) == to_json(records)
    assert "".join(jsonl_pages(records)) == to_jsonl(records)


def numbered(count: int) -> list[dict[str, str]]:
    """Rows whose widest cells come first, so the first page sets every width."""
    return [{"id": str(count - n), "what": "x" * (count - n)} for n in range(count)]


@pytest.mark.parametrize("fmt", sorted({"table", *STREAMED_TABLES}))
def test_a_long_table_drawn_in_pages_is_the_table_drawn_whole(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tabulate import tabulate

    monkeypatch.setattr(render, "FIRST_PAGE", 4)
    monkeypatch.setattr(render, "PAGE", 3)
    rows = numbered(11)
    whole = tabulate(
        [[r["id"], r["what"]] for r in rows],
        headers=["id", "what"],
        tablefmt="simple" if fmt == "table" else fmt,
        disable_numparse=True,
    )
    pages = list(table_pages(rows, ("id", "what"), fmt, True))
    assert len(pages) == 4  # 4 rows, then 3, 3 and 1
    assert "".join(pages) == whole + "\n"


def test_the_first_page_is_written_before_the_later_rows_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(render, "FIRST_PAGE", 2)
    monkeypatch.setattr(render, "PAGE", 5)
    read: list[int] = []

    def rows() -> Iterator[dict[str, str]]:
        for n in range(100):
            read.append(n)
            yield {"id": str(n)}

    for fmt in ("table", "csv", "json"):
        read.clear()
        pages = json_pages(rows()) if fmt == "json" else row_pages(rows(), ("id",), fmt, True)
        first = next(pages)
        assert first.startswith(("id", "[")), first
        assert len(read) <= 6  # a page at most, never all hundred rows


ROWS = [
    {
        "key": "fox-disney",
        "status": "completed",
        "title": "21st Century Fox / The Walt Disney Company",
        "acquirers": "The Walt Disney Company",
    },
    {"key": "fox-comcast", "status": "failed", "title": "Fox / Comcast", "acquirers": "Comcast"},
]
FIELDS = ("key", "status", "title", "acquirers")


def test_a_table_wider_than_the_terminal_cuts_its_widest_text_columns() -> None:
    cut = render_rows(ROWS, FIELDS, "table", True, 50, {"title", "acquirers"})
    assert cut == (
        "key          status     title         acquirers\n"
        "-----------  ---------  ------------  ------------\n"
        "fox-disney   completed  21st Centur…  The Walt Di…\n"
        "fox-comcast  failed     Fox / Comca…  Comcast\n"
    )
    assert max(len(line) for line in cut.splitlines()) == 50


def test_keys_statuses_and_money_are_never_cut_even_when_the_table_cannot_fit() -> None:
    assert render_rows(ROWS, FIELDS, "table", True, 20, {"title", "acquirers"}) == (
        # A cut column stays as wide as its header and the two spaces tabulate gives it.
        "key          status     title    acquirers\n"
        "-----------  ---------  -------  -----------\n"
        "fox-disney   completed  21st C…  The Walt D…\n"
        "fox-comcast  failed     Fox / …  Comcast\n"
    )


def test_a_table_that_fits_or_has_no_width_is_never_cut() -> None:
    whole = render_rows(ROWS, FIELDS, "table", True)
    assert "21st Century Fox / The Walt Disney Company" in whole
    assert render_rows(ROWS, FIELDS, "table", True, 200, {"title", "acquirers"}) == whole
    assert render_rows(ROWS, FIELDS, "csv", True, 20, {"title"}) == render_rows(
        ROWS, FIELDS, "csv", True
    )
