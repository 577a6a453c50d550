"""JSON values where text is due: taken as they are when text, refused by their JSON type else."""

from typing import Any

import pytest

from dealtrack.domain.json_values import json_date_text, json_names, json_text, json_type


@pytest.mark.parametrize(
    ("value", "name"),
    [({"a": 1}, "an object"), ([1], "an array"), (3, "a number"), (2.5, "a number"),
     (True, "a boolean"), (None, "null"), ("x", "text")],
)  # fmt: skip
def test_json_types_are_named_as_json_names_them(value: Any, name: str) -> None:
    assert json_type(value) == name


def test_text_is_text_and_nothing_else_is_turned_into_it() -> None:
    assert json_text(" Acme ") == " Acme "
    for value, found in (({"a": 1}, "an object"), ([1, 2], "an array"), (7, "a number"),
                         (False, "a boolean")):  # fmt: skip
        with pytest.raises(ValueError, match=rf"^expected text, found {found}$"):
            json_text(value)


def test_a_date_may_be_an_integer_year_but_not_a_boolean_or_a_fraction() -> None:
    assert json_date_text(2021) == "2021"
    assert json_date_text("2021-02") == "2021-02"
    for value, found in ((True, "a boolean"), (2021.5, "a number"), ([2021], "an array")):
        with pytest.raises(ValueError) as error:
            json_date_text(value)
        assert str(error.value) == (
            f"expected a date as text (or a year as a number), found {found}"
        )


def test_a_list_of_names_holds_only_text() -> None:
    assert json_names(["Google", "Mithril Capital"]) == ["Google", "Mithril Capital"]
    with pytest.raises(ValueError, match=r"^item 2: expected text, found a number$"):
        json_names(["Google", 2])
