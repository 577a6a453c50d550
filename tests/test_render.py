"""render.to_json lays JSON out exactly as json.dumps(indent=2, ensure_ascii=False) does."""

import json

from hypothesis import given
from hypothesis import strategies as st

from dealtrack.render import neutralise, to_json

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
