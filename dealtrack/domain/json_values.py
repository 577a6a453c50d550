"""Values that arrive as JSON: a field that takes text takes a JSON string, and nothing else is
turned into one (``{"a": 1}`` is not a party's name, and ``[1, 2]`` are not two of them).
"""

from typing import Any


def json_type(value: Any) -> str:
    """The JSON type of a decoded value, as a message names it: "an object", "a number"…"""
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):  # before int: True is an int to Python
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "null" if value is None else type(value).__name__


def json_text(value: Any) -> str:
    """A JSON string as it is; any other JSON value is refused, naming its type."""
    if type(value) is str:
        return value
    raise ValueError(f"expected text, found {json_type(value)}")


def json_date_text(value: Any) -> str:
    """A date given as text, or as a bare integer year (2021 means "2021")."""
    if type(value) is int:
        return str(value)
    try:
        return json_text(value)
    except ValueError:
        raise ValueError(
            f"expected a date as text (or a year as a number), found {json_type(value)}"
        ) from None


def json_names(value: list[Any]) -> list[str]:
    """An array of names, each a JSON string."""
    for number, item in enumerate(value, start=1):
        if type(item) is not str:
            raise ValueError(f"item {number}: expected text, found {json_type(item)}")
    return value
