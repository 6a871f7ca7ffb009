"""Where each code cell's `source` lies in a notebook's JSON text, character by character.

The standard `json` module gives values, not positions. To rewrite one cell's source and
keep every other byte, and to point a finding at the line of the `.ipynb` file that holds
it, this module walks the text once: it descends only into the top-level object, its
`cells` array and each cell's `source`, and skips every other value (outputs, images,
metadata) with C-speed string scanning. It runs on text `json.loads` already accepted.
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable
from dataclasses import dataclass

# The standard library's string scanner (in C where available): (value, end offset) of
# the string whose opening quote is just before the given offset. typeshed omits it.
scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

_SPACE = re.compile(r"[ \t\n\r]*")
_STRUCTURE = re.compile(r'["\[\]{}]')
_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


class SpanError(ValueError):
    """The text is not shaped as expected (the caller treats the notebook as unreadable)."""


@dataclass(frozen=True)
class StringToken:
    """One JSON string: its decoded value and where its quotes are in the text."""

    value: str
    start: int  # offset of the opening quote
    end: int  # offset after the closing quote


@dataclass(frozen=True)
class SourceSpan:
    """A cell's `source` value: a string or an array of strings."""

    start: int
    end: int
    # The strings in order (one for the string form).
    pieces: tuple[StringToken, ...]
    is_list: bool


def _skip_space(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def _string(text: str, index: int) -> StringToken:
    if index >= len(text) or text[index] != '"':
        raise SpanError(f"expected a string at offset {index}")
    value, end = scanstring(text, index + 1, True)
    return StringToken(value, index, end)


def _skip_string(text: str, index: int) -> int:
    """The offset after the string whose opening quote is at `index`, without decoding
    it: a 2 MB base64 image is skipped at the speed of `str.find`."""
    position = index + 1
    while True:
        quote = text.find('"', position)
        if quote < 0:
            raise SpanError("unclosed string")
        backslashes = 0
        while text[quote - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return quote + 1
        position = quote + 1


def _skip_value(text: str, index: int) -> int:
    """The offset after the value starting at `index`."""
    if index >= len(text):
        raise SpanError("unexpected end of the text")
    char = text[index]
    if char == '"':
        return _skip_string(text, index)
    if char in "[{":
        depth = 0
        position = index
        while True:
            match = _STRUCTURE.search(text, position)
            if match is None:
                raise SpanError("unclosed array or object")
            found = match.group()
            if found == '"':
                position = _skip_string(text, match.start())
                continue
            depth += 1 if found in "[{" else -1
            position = match.end()
            if depth == 0:
                return position
    match = _SCALAR.match(text, index)
    if match is None:
        raise SpanError(f"unexpected character at offset {index}")
    return match.end()


def _members(text: str, index: int) -> list[tuple[StringToken, int, int]]:
    """(key, value start, value end) of the object starting at `index`."""
    if text[index] != "{":
        raise SpanError(f"expected an object at offset {index}")
    members: list[tuple[StringToken, int, int]] = []
    position = _skip_space(text, index + 1)
    if text[position] == "}":
        return members
    while True:
        key = _string(text, position)
        position = _skip_space(text, key.end)
        if text[position] != ":":
            raise SpanError(f"expected ':' at offset {position}")
        start = _skip_space(text, position + 1)
        end = _skip_value(text, start)
        members.append((key, start, end))
        position = _skip_space(text, end)
        if text[position] == "}":
            return members
        if text[position] != ",":
            raise SpanError(f"expected ',' at offset {position}")
        position = _skip_space(text, position + 1)


def _elements(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each element of the array spanning [start, end)."""
    if text[start] != "[":
        raise SpanError(f"expected an array at offset {start}")
    elements: list[tuple[int, int]] = []
    position = _skip_space(text, start + 1)
    while position < end - 1:
        element_end = _skip_value(text, position)
        elements.append((position, element_end))
        position = _skip_space(text, element_end)
        if text[position] == ",":
            position = _skip_space(text, position + 1)
    return elements


def _last(members: list[tuple[StringToken, int, int]], name: str) -> tuple[int, int] | None:
    # json.loads keeps the last of duplicate keys; so does this.
    found = None
    for key, start, end in members:
        if key.value == name:
            found = (start, end)
    return found


def source_spans(text: str) -> list[SourceSpan | None]:
    """The `source` span of every cell in order (None for a cell without a string or
    list-of-strings source). SpanError if the text is not a JSON object with `cells`."""
    start = _skip_space(text, 0)
    cells = _last(_members(text, start), "cells")
    if cells is None:
        raise SpanError("no cells")
    spans: list[SourceSpan | None] = []
    for cell_start, _ in _elements(text, *cells):
        if text[cell_start] != "{":
            spans.append(None)
            continue
        source = _last(_members(text, cell_start), "source")
        if source is None:
            spans.append(None)
        elif text[source[0]] == '"':
            spans.append(SourceSpan(*source, (_string(text, source[0]),), False))
        elif text[source[0]] == "[":
            pieces = tuple(_string(text, s) for s, _ in _elements(text, *source))
            spans.append(SourceSpan(*source, pieces, True))
        else:
            spans.append(None)
    return spans


def decoded_to_raw(token_text: str, index: int) -> int:
    """Offset in a string token's text (quotes included) of the decoded character
    `index`: escapes (`\\n`, `\\u00e9`, surrogate pairs) take several characters."""
    if "\\" not in token_text:
        return 1 + index
    raw = 1
    decoded = 0
    while decoded < index and raw < len(token_text) - 1:
        if token_text[raw] != "\\":
            raw += 1
        elif token_text[raw + 1] != "u":
            raw += 2
        else:
            code = int(token_text[raw + 2 : raw + 6], 16)
            raw += 6
            follows = token_text[raw : raw + 2] == "\\u"
            if 0xD800 <= code < 0xDC00 and follows:
                low = int(token_text[raw + 2 : raw + 6], 16)
                if 0xDC00 <= low < 0xE000:
                    raw += 6
        decoded += 1
    return raw


class LineIndex:
    """1-based line and column (in code points) of offsets in a text. Counted on
    demand with C-speed `str.count` / `str.rfind`: a 50 MB notebook has few lines but
    many characters, and only a handful of offsets are ever asked for."""

    def __init__(self, text: str) -> None:
        self.text = text

    def position(self, offset: int) -> tuple[int, int]:
        text = self.text
        # "\r\n", "\r" and "\n" are one line break each.
        breaks = (
            text.count("\n", 0, offset)
            + text.count("\r", 0, offset)
            - text.count("\r\n", 0, offset)
        )
        end = offset
        if offset > 0 and text[offset - 1] == "\r" and text[offset : offset + 1] == "\n":
            breaks -= 1  # inside a "\r\n": counted once its "\n" is passed
            end = offset - 1
        start = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
        return breaks + 1, offset - start + 1


__all__ = [
    "LineIndex",
    "SourceSpan",
    "SpanError",
    "StringToken",
    "decoded_to_raw",
    "source_spans",
]
