"""Party name keys and deal key slugs, computed in Python so SQLite and PostgreSQL agree."""

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

_WHITESPACE = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_LETTER = re.compile(r"[a-z]")
_FORBIDDEN = re.compile(r"[;\x00-\x1f\x7f-\x9f]")
MAX_NAME_LENGTH = 200
# What a deal key may be, for every message that refuses one.
KEY_RULE = "use lowercase letters and digits joined by '-'"


class InvalidName(ValueError):
    """A party name or deal key that cannot be stored."""


@functools.lru_cache(maxsize=8192)  # small: imports meet millions of names, most only once
def name_key(name: str) -> str:
    """The identity of a party name: NFKC, casefolded, white space folded."""
    if name.isascii():  # the same, for the names most files hold, at a third of the cost
        return " ".join(name.lower().split())
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def check_party_name(name: str) -> str:
    """Return the name as it will be displayed, or explain why it cannot be a party name.

    ``;`` separates names in import cells, so a name containing one could never round-trip.
    """
    display = _WHITESPACE.sub(" ", name).strip()
    if not display:
        raise InvalidName("a party name cannot be empty")
    if _FORBIDDEN.search(name):
        raise InvalidName(
            f"{display!r} is not a valid party name: it may not contain ';', NUL or control characters"
        )
    if len(display) > MAX_NAME_LENGTH:
        raise InvalidName(f"a party name may be at most {MAX_NAME_LENGTH} characters long")
    return display


def slug(text: str) -> str:
    """ASCII slug: NFKD, combining marks dropped, lowercase, other runs become '-' (Nestlé → nestle)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_SLUG.sub("-", ascii_only.lower()).strip("-")


def derived_key(target: str, acquirers: Sequence[str]) -> str:
    """A new deal's key when none is given: ``slug(target)-slug(first acquirer)``, or the
    target's slug alone. With no letter in it, the deal is keyed ``deal-<id>`` instead."""
    return (slug(target) + (f"-{slug(acquirers[0])}" if acquirers else "")).strip("-")


def first_free(key: str, taken: Callable[[str], bool]) -> str:
    """``key``, else ``key-2``, ``key-3``… the first that ``taken`` says is free."""
    candidate, n = key, 1
    while taken(candidate):
        n += 1
        candidate = f"{key}-{n}"
    return candidate


def invalid_key_message(key: str) -> str:
    """Why ``key`` was refused, with the rule and an example, as ``add`` and ``edit`` say it."""
    return (
        f"{key!r} is not a valid key; {KEY_RULE}, with at least one letter (e.g. tiktok-india-jio)"
    )


def is_valid_key(key: str) -> bool:
    """A deal key is lowercase words joined by '-', with at least one letter (so it is never an id)."""
    return bool(_KEY.fullmatch(key)) and _LETTER.search(key) is not None


def did_you_mean(wanted: str, known: Mapping[str, str]) -> str:
    """`` (did you mean "A"?)`` naming the closest of ``known`` (name key → name shown), or ""
    when none is close: a typo in a name or key should point at the right one."""
    import difflib  # only an error message needs it

    close = difflib.get_close_matches(name_key(wanted), list(known), n=3, cutoff=0.75)
    shown = dict.fromkeys(known[key] for key in close)  # an alias and its party may both be close
    if not shown:
        return ""
    return " (did you mean " + " or ".join(f'"{name}"' for name in shown) + "?)"


def checked_name(text: str) -> str:
    """``check_party_name``, without its regular expressions for the names most files hold:
    printable ASCII with no ';' and no run of spaces is as it will be shown once stripped (the
    only white space printable ASCII has is the space; its control characters are unprintable)."""
    if text.isascii() and text.isprintable() and ";" not in text and "  " not in text:
        display = text.strip()
        if display and len(display) <= MAX_NAME_LENGTH:
            return display
    return check_party_name(text)


def checked_key(text: str) -> str:
    """A deal key as given, or a ValueError saying why it is not one (``is_valid_key``). Keys
    are unique, so no cache helps: an ASCII key is checked by string methods instead of the
    rule's two regular expressions (lowercase alone says it has a letter and no capital)."""
    if not (
        text.isascii()
        and text.islower()
        and text.replace("-", "").isalnum()
        and "--" not in text
        and text[0] != "-"
        and text[-1] != "-"
    ) and not is_valid_key(text):
        raise ValueError(invalid_key_message(text))
    return text
