"""Decimal commas and grouping marks in amounts, as files saved in many locales write them.

``2,5`` can only be two and a half, and ``1.234,56`` and ``1,234,567`` say which mark is which;
but ``2,500`` and ``2.500`` read both ways, so without being told they are refused, never guessed:
a misread amount would be off by a factor of a thousand.
"""

import re

from dealtrack.vocabulary import quote_input

# A number with decimal or grouping marks.
_MARKED = re.compile(r"[0-9]+(?:[.,][0-9]+)+")
# Digits grouped in threes, or the Indian way (lakh, crore), with commas.
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}")


def plain_numbers(text: str, commas: str) -> str:
    """``text`` with each number rewritten without grouping and with ``.`` as its decimal mark,
    its commas read as ``commas`` says: ``decimal``, ``grouping`` or ``ask`` (as the numbers
    show it, refusing one that reads both ways). Raises ValueError, its message quoting text."""
    numbers = list(_MARKED.finditer(text))
    if commas == "ask":
        commas = _marks_shown(text, numbers)
    point, group = (",", ".") if commas == "decimal" else (".", ",")
    parts, at = [], 0
    for match in numbers:
        parts += [text[at : match.start()], _plain_number(match.group(), point, group, text)]
        at = match.end()
    return "".join([*parts, text[at:]])


def _marks_shown(text: str, numbers: list[re.Match[str]]) -> str:
    """``decimal`` or ``grouping``, as the numbers of ``text`` show it; refused if they do not
    say, or disagree."""
    said = set()
    for match in numbers:
        number = match.group()
        commas, dots = number.count(","), number.count(".")
        if commas and dots:  # the last mark is the decimal one: 1.234,56 or 1,234.56
            said.add("decimal" if number.rfind(",") > number.rfind(".") else "grouping")
        elif commas + dots > 1:  # only grouping repeats: 1,234,567 or 1.234.567
            said.add("grouping" if commas else "decimal")
        elif len(number) - max(number.find(","), number.find(".")) - 1 == 3:
            whole, _, thousandths = number.replace(",", ".").partition(".")
            point = f"{whole}.{thousandths}".rstrip("0").rstrip(".")
            raise ValueError(
                f"{quote_input(text)} is ambiguous: is that {point} or {whole},{thousandths}? "
                f"give --decimal-comma ({point}) or --grouping-comma ({whole},{thousandths})"
            )
        else:  # one mark not followed by three digits can only be a decimal one: 2,5 or 2.5
            said.add("decimal" if commas else "grouping")
    if len(said) > 1:
        raise ValueError(
            f"{quote_input(text)} writes one number with a decimal comma and another with a "
            "decimal point; write them the same way"
        )
    return said.pop() if said else "grouping"


def _plain_number(number: str, point: str, group: str, text: str) -> str:
    """``number`` without its grouping marks and with ``.`` for its decimal mark."""
    mark = "comma" if point == "," else "point"
    whole, has_point, fraction = number.partition(point)
    if point in fraction:
        raise ValueError(f"{quote_input(text)}: {number} has more than one decimal {mark}")
    if group in fraction:
        raise ValueError(
            f"{quote_input(text)} is not an amount; write e.g. 'EUR 2,5m' or 'EUR 1.234,56'"
        )
    if group in whole and not _GROUPED.fullmatch(whole.replace(group, ",")):
        example = "1,234,567".replace(",", group)
        raise ValueError(
            f"{quote_input(text)}: {whole!r} is not a grouped number; group digits in threes "
            f"({example!r}) or not at all"
        )
    return whole.replace(group, "") + ("." + fraction if has_point else "")
