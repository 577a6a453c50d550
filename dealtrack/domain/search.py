"""Search as pure rules: how text is folded and split into words, what a query means, and how
it reads in each backend's own query language.

Both backends index the same words: dealtrack folds and splits the text itself (so `orsted`
finds Ørsted alike on SQLite and PostgreSQL) and stores the words joined by spaces, which both
backends' tokenizers then take as they are. A query is folded and split the same way, and every
word is quoted when it is written into a MATCH string or a tsquery: no text a user types can
reach either parser as syntax.
"""

import re
import unicodedata
from dataclasses import dataclass

# Letters that NFKD leaves whole (no combining mark to drop), spelled as their plain letters; and
# the ypogegrammeni, which NFKD turns into a mark that casefolding would have made ι: spelled ι
# so that two spellings of one party name (equal name keys) always give the same words.
_SPELLED = str.maketrans(
    {"ø": "o", "ß": "ss", "œ": "oe", "æ": "ae", "ł": "l", "đ": "d", "ı": "i", "ð": "d", "þ": "th"}
    | {"ͺ": "ι"}
)
# A word is a run of letters and digits; everything else (punctuation, `&`, `'`, `_`) parts words,
# as SQLite's unicode61 tokenizer parts them.
_WORD = re.compile(r"[^\W_]+")
ASCII_WORD = re.compile(r"[a-z0-9]+")  # the same, for lowercase ASCII text


def _fold_once(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELLED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Text as the index compares it: no accents, no case, a few letters spelled out."""
    if text.isascii():
        return text.lower()
    # Twice: casefolding a bare letter may give one with a mark again (ǰ is j and a caron).
    return _fold_once(_fold_once(text))


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return _WORD.findall(fold(text))


def indexed(text: str | None) -> str:
    """The text an index column stores: the folded words joined by single spaces."""
    return " ".join(words(text)) if text else ""


@dataclass(frozen=True)
class Phrase:
    """Words that must follow one another; ``prefix``: the last one may go on (``word*``)."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """Every group must match (one of its phrases, when ``OR`` joined them); no excluded one may."""

    groups: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded


# A quoted phrase (closed or running to the end), or a run of anything but space and quotes.
_PIECE = re.compile(r'"([^"]*)"?|[^\s"]+')


def parse_query(text: str) -> Query:
    """Any text is a query: pieces without a word (`-`, `*`, `&`) are left out, and a lone or
    dangling ``OR`` joins nothing."""
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = False
    for match in _PIECE.finditer(text):
        quoted, piece = match.group(1), match.group(0)
        if quoted is None and piece == "OR":
            join_next = bool(groups)
            continue
        negated = quoted is None and piece.startswith("-")
        body = quoted if quoted is not None else piece.lstrip("-")
        prefix = quoted is None and body.endswith("*")
        found = tuple(words(body))
        if not found:
            continue
        phrase = Phrase(found, prefix)
        if negated:
            excluded.append(phrase)
        elif join_next:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        join_next = False
    return Query(tuple(tuple(group) for group in groups), tuple(excluded))


def _fts5_phrase(phrase: Phrase) -> str:
    # Words hold only letters and digits, so a double quote can never occur inside one; quoted
    # all the same, a word such as AND, NOT or NEAR is never an operator.
    quoted = '"' + " ".join(phrase.words) + '"'
    return quoted + "*" if phrase.prefix else quoted


def _fts5_any(phrases: tuple[Phrase, ...]) -> str:
    joined = " OR ".join(_fts5_phrase(p) for p in phrases)
    return f"({joined})" if len(phrases) > 1 else joined


def fts5_match(phrases: tuple[tuple[Phrase, ...], ...]) -> str:
    """An FTS5 MATCH string: every group, each one of its phrases."""
    return " AND ".join(_fts5_any(group) for group in phrases)


def _lexeme(word: str) -> str:
    # A tsquery lexeme in quotes; a quote or backslash would be doubled, though words hold none.
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_phrase(phrase: Phrase) -> str:
    lexemes = [_lexeme(word) for word in phrase.words]
    if phrase.prefix:
        lexemes[-1] += ":*"
    joined = " <-> ".join(lexemes)
    return f"({joined})" if len(lexemes) > 1 else joined


def _ts_any(phrases: tuple[Phrase, ...]) -> str:
    return "(" + " | ".join(_ts_phrase(p) for p in phrases) + ")"


def tsquery(query: Query) -> str:
    """The text for PostgreSQL's ``to_tsquery('simple', …)``: every group and no excluded phrase."""
    parts = [_ts_any(group) for group in query.groups]
    parts += ["!" + _ts_any((phrase,)) for phrase in query.excluded]
    return " & ".join(parts)


def _matches_at(found: list[str], start: int, phrase: Phrase) -> bool:
    wanted = phrase.words
    if start + len(wanted) > len(found):
        return False
    for offset, word in enumerate(wanted):
        candidate = found[start + offset]
        last = offset == len(wanted) - 1
        if candidate != word and not (last and phrase.prefix and candidate.startswith(word)):
            return False
    return True


def matched_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where in ``text`` (character offsets of the original) the query's phrases match."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    found = [fold(text[start:end]) for start, end in spans]
    hits: list[tuple[int, int]] = []
    phrases = [phrase for group in query.groups for phrase in group]
    for index in range(len(found)):
        for phrase in phrases:
            if _matches_at(found, index, phrase):
                end = index + len(phrase.words) - 1
                hits.append((spans[index][0], spans[end][1]))
                break
    return hits


def snippet(text: str, spans: list[tuple[int, int]], marks: tuple[str, str], width: int) -> str:
    """``text`` cut to about ``width`` characters around its first match, matches marked."""
    first = spans[0][0]
    # A third of the room before the match, more when the text ends soon after it.
    start = max(0, min(first - width // 3, len(text) - width))
    end = min(len(text), max(start + width, spans[0][1]))
    if start > 0:  # begin at a word
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", spans[0][1], end)
        end = space if space != -1 else end
    pieces, at = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces += [text[at:span_start], marks[0], text[span_start:span_end], marks[1]]
        at = span_end
    pieces.append(text[at:end])
    body = " ".join("".join(pieces).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
