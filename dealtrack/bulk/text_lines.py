"""The lines of an import's text: UTF-8 (a BOM is fine) or UTF-16 with its BOM, decoded line by
line, so a bad byte is reported with its line instead of failing the file."""

import codecs
import itertools
from collections.abc import Iterable, Iterator
from typing import BinaryIO


class BadLines(set[int]):
    """The lines of a file that did not decode, and the encoding they were read in."""

    encoding = "UTF-8"

    def problem(self, line: int, near: bool = False) -> str:
        advice = "save the file as UTF-8" + (
            "" if self.encoding == "UTF-8" else " (or as UTF-16 with its byte-order mark)"
        )
        return f"invalid {self.encoding} {'near' if near else 'on'} line {line}; {advice}"


def decoded_lines(stream: BinaryIO, bad: BadLines, held: list[str] | None = None) -> Iterator[str]:
    """The text's lines: UTF-8 (a BOM dropped) or UTF-16 with its BOM, as Excel saves "Unicode
    text". A line that does not decode is noted in ``bad`` and replaced; ``held`` (if given)
    collects the lines as they are read, for the caller to clear."""
    head = stream.read(2)
    raw_lines: Iterable[bytes]
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        codec = "utf-16-le" if head == codecs.BOM_UTF16_LE else "utf-16-be"
        bad.encoding = "UTF-16"
        raw_lines = _utf16_lines(stream, codec)
    else:
        codec = "utf-8"
        first = head if b"\n" in head else head + stream.readline()
        if first.startswith(codecs.BOM_UTF8):
            first = first[len(codecs.BOM_UTF8) :]
        *ended, rest = first.split(b"\n")
        raw_lines = itertools.chain([p + b"\n" for p in ended], [rest] if rest else [], stream)
    for number, raw in enumerate(raw_lines, start=1):
        try:
            line = raw.decode(codec)
        except UnicodeDecodeError:
            bad.add(number)
            line = raw.decode(codec, errors="replace")
        if held is not None:
            held.append(line)
        yield line


def _utf16_lines(stream: BinaryIO, codec: str) -> Iterator[bytes]:
    """UTF-16 lines as bytes, each ending after its newline's code unit: split on whole code
    units only, since a newline's byte also occurs inside other characters (U+010A is 0A 01)."""
    newline = "\n".encode(codec)
    buffer, at = bytearray(), 0
    while True:
        found = buffer.find(newline, at)
        while found != -1 and (found - at) % 2:
            found = buffer.find(newline, found + 1)
        if found != -1:
            yield bytes(buffer[at : found + 2])
            at = found + 2
            continue
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        del buffer[:at]
        buffer += chunk
        at = 0
    if at < len(buffer):
        yield bytes(buffer[at:])
