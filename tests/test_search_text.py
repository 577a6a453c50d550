"""The search rules as pure code: folding, the query grammar, and the query strings each backend
receives (which no text can turn into a syntax error)."""

import functools
import sqlite3
import string
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealtrack.dates import parse_date
from dealtrack.domain.new_deal import Opening, new_deal_rows
from dealtrack.domain.search import (
    Phrase,
    Query,
    fold,
    fts5_match,
    indexed,
    matched_spans,
    parse_query,
    snippet,
    tsquery,
)
from dealtrack.names import name_key
from dealtrack.search_index import search_table_ddl
from dealtrack.search_rows import FIELDS, indexed_words, new_deal_fields
from tests.conftest import TEST_DB_URL, _libpq_url


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ørsted", "orsted"),
        ("Société Générale", "societe generale"),
        ("Straße", "strasse"),
        ("Œuvre Ærø", "oeuvre aero"),
        ("Łódź Đakovo", "lodz dakovo"),
        ("ＡＢＣ", "abc"),
    ],
)
def test_fold_drops_accents_case_and_spells_out_letters(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_indexed_text_is_the_folded_words_joined_by_spaces() -> None:
    assert indexed("AT&T buys d'Arcy, S&P 500") == "at t buys d arcy s p 500"


def phrase(*words: str, prefix: bool = False) -> Phrase:
    return Phrase(tuple(words), prefix)


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Jio Platforms", Query(((phrase("jio"),), (phrase("platforms"),)))),
        ("Jio-Platforms", Query(((phrase("jio", "platforms"),),))),
        ('"reliance jio', Query(((phrase("reliance", "jio"),),))),
        ("tik*", Query(((phrase("tik", prefix=True),),))),
        (
            "glance OR jio -softbank",
            Query(((phrase("glance"), phrase("jio")),), (phrase("softbank"),)),
        ),
        ("AT&T", Query(((phrase("at", "t"),),))),
        ("- * OR & OR", Query(())),
    ],
)
def test_queries_parse_into_groups_of_phrases(text: str, query: Query) -> None:
    assert parse_query(text) == query


def test_query_strings_quote_every_word() -> None:
    query = parse_query('glance OR near* -and "jio platforms"')
    assert fts5_match(query.groups) == '("glance" OR "near"*) AND "jio platforms"'
    assert tsquery(query) == "('glance' | 'near':*) & (('jio' <-> 'platforms')) & !('and')"


def test_a_snippet_marks_matches_in_the_original_text() -> None:
    text = "Bloomberg, citing anonymous sources close to Ørsted"
    spans = matched_spans(text, parse_query("orsted anonymous"))
    assert snippet(text, spans, ("[", "]"), 60) == (
        "Bloomberg, citing [anonymous] sources close to [Ørsted]"
    )


@pytest.fixture(scope="module")
def fts5() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    for statement in search_table_ddl("sqlite"):
        connection.execute(statement)
    values = ["at t buys d arcy", "orsted", "s p 500", "jio platforms", "and or not near"]
    connection.execute(
        f"INSERT INTO deal_search ({', '.join(FIELDS)}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608
        values,
    )
    yield connection
    connection.close()


@given(st.text())
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=st.sampled_from(list("aZé-*\"'&() OR:^.\\ ø")) | st.characters()))
def test_any_text_is_a_query_fts5_accepts(fts5: sqlite3.Connection, text: str) -> None:
    query = parse_query(text)
    if query.groups:
        fts5.execute(
            "SELECT rowid FROM deal_search WHERE deal_search MATCH ?", (fts5_match(query.groups),)
        ).fetchall()
    for excluded in query.excluded:
        fts5.execute(
            "SELECT rowid FROM deal_search WHERE deal_search MATCH ?", (fts5_match(((excluded,),)),)
        ).fetchall()


@functools.cache
def _postgresql() -> Any:
    import psycopg

    return psycopg.connect(_libpq_url(TEST_DB_URL), autocommit=True)


@pytest.mark.postgres
@given(st.text(alphabet=st.sampled_from(list("aZé-*\"'&():!|<>\\ ø")) | st.characters()))
def test_any_text_is_a_tsquery_postgresql_accepts(text: str) -> None:
    query = parse_query(text)
    if not query.is_empty:
        _postgresql().execute("SELECT to_tsquery('simple', %s)", (tsquery(query),)).fetchall()


@given(st.lists(st.none() | st.text() | st.text(alphabet=string.printable), max_size=4))
def test_the_sqlite_folding_function_gives_what_indexed_gives(values: list[str | None]) -> None:
    assert indexed_words(*values) == indexed(" ".join(v for v in values if v))


_SPELLINGS = (
    str.upper,
    str.casefold,
    functools.partial(unicodedata.normalize, "NFKC"),
    functools.partial(unicodedata.normalize, "NFKD"),
    lambda name: f" {name.replace(' ', '  ')}\t",
)


@given(st.text(), st.sampled_from(_SPELLINGS))
def test_two_spellings_of_one_party_name_index_the_same_words(
    name: str, spelled: Callable[[str], str]
) -> None:
    """An import indexes a party under the name a row spells it with, which may differ from the
    ledger's spelling as far as name keys allow."""
    other = spelled(name)
    if name_key(other) == name_key(name):
        assert indexed(other) == indexed(name)


def test_a_new_deal_s_index_row_holds_its_fields_in_event_order() -> None:
    reported, later = parse_date("2021-03"), parse_date("2021-06-01")
    opening = Opening(
        deal_id=7, key="bnp", title="Retail arm", kind="acquisition", target_id=1,
        roster=[(2, "acquirer")], reported=reported, effective=later, recorded_at="t",
        status="failed", reason="Blocked by regulators", note="First look",
        note_text="Talks ended", source=("Reuters", None, "anonymous"),
    )  # fmt: skip
    fields = new_deal_fields(new_deal_rows(opening, 1), ["Société Générale", "BNP  Paribas"])
    assert fields == (
        "retail arm",
        "societe generale bnp paribas",
        "talks ended first look",
        "blocked by regulators",
        "reuters reuters reuters",
    )


def test_a_new_deal_s_default_title_is_not_indexed_as_a_title() -> None:
    """An import row may spell out the title a deal gets anyway; the deal stores none, and its
    index row has no title, as ``reindex`` would write it."""
    opening = Opening(
        deal_id=7, key="jio", title=None, kind="acquisition", target_id=1,
        roster=[(2, "acquirer")], reported=parse_date("2020-08"),
        effective=parse_date("2020-08"), recorded_at="t",
    )  # fmt: skip
    fields = new_deal_fields(new_deal_rows(opening, 1), ["TikTok India", "Reliance Jio"])
    assert fields == ("", "tiktok india reliance jio", "", "", "")
