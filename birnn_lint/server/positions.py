"""Positions between the engine and the editor, and text edits from a text's change.

The engine counts rows from 1 and columns from 1 in code points; LSP counts both from 0,
columns in the code units of the negotiated encoding (UTF-16 unless the client offers
another). Both read "\\r\\n", "\\r" and "\\n" as one line break each.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from enum import Enum

from birnn_lint.findings import Position

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Encoding(Enum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"

    @classmethod
    def named(cls, name: str | None) -> Encoding:
        for encoding in cls:
            if encoding.value == name:
                return encoding
        return cls.UTF16  # the protocol's default


def _units(text: str, encoding: Encoding) -> int:
    if encoding is Encoding.UTF32:
        return len(text)
    if encoding is Encoding.UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


@dataclass(frozen=True)
class LspPosition:
    """A 0-based line and a character offset in the negotiated code units."""

    line: int
    character: int


class LineIndex:
    """Line starts of one text, for offsets, engine positions and LSP positions."""

    def __init__(self, text: str, encoding: Encoding = Encoding.UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_text(self, index: int) -> str:
        """Line `index` (0-based) without its line break."""
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset_of(self, position: Position) -> int:
        """The offset of an engine position, clamped into the text."""
        index = min(max(position.row - 1, 0), len(self.starts) - 1)
        line = self.line_text(index)
        return self.starts[index] + min(max(position.column - 1, 0), len(line))

    def position_at(self, offset: int) -> Position:
        index = bisect.bisect_right(self.starts, offset) - 1
        return Position(index + 1, offset - self.starts[index] + 1)

    def to_lsp(self, position: Position) -> LspPosition:
        index = min(max(position.row - 1, 0), len(self.starts) - 1)
        line = self.line_text(index)
        column = min(max(position.column - 1, 0), len(line))
        return LspPosition(index, _units(line[:column], self.encoding))

    def from_lsp(self, position: LspPosition) -> Position:
        """The engine position of an LSP position (past the end: clamped to it)."""
        if position.line >= len(self.starts):
            return self.position_at(len(self.text))
        index = max(position.line, 0)
        line = self.line_text(index)
        units = 0
        for column, char in enumerate(line):
            if units >= position.character:
                return Position(index + 1, column + 1)
            units += _units(char, self.encoding)
        return Position(index + 1, len(line) + 1)


@dataclass(frozen=True)
class TextChange:
    """Replace text[start:end] (offsets in the old text) by `content`."""

    start: int
    end: int
    content: str


def _lines(text: str) -> list[str]:
    """Lines with their breaks, split as the engine splits them."""
    pieces, cursor = [], 0
    for match in _LINE_BREAK.finditer(text):
        pieces.append(text[cursor : match.end()])
        cursor = match.end()
    if cursor < len(text):
        pieces.append(text[cursor:])
    return pieces


def text_changes(old: str, new: str) -> list[TextChange]:
    """Non-overlapping changes, in order, that turn `old` into exactly `new`: a line diff,
    each changed block trimmed to the characters that differ (so that a fix that wraps
    `h_n[-1]` touches that expression, not its whole line)."""
    if old == new:
        return []
    old_lines, new_lines = _lines(old), _lines(new)
    old_starts = [0]
    for line in old_lines:
        old_starts.append(old_starts[-1] + len(line))
    new_starts = [0]
    for line in new_lines:
        new_starts.append(new_starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = old_starts[i1], old_starts[i2]
        content = new[new_starts[j1] : new_starts[j2]]
        before = old[start:end]
        prefix = 0
        limit = min(len(before), len(content))
        while prefix < limit and before[prefix] == content[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < limit - prefix
            and before[len(before) - 1 - suffix] == content[len(content) - 1 - suffix]
        ):
            suffix += 1
        changes.append(
            TextChange(start + prefix, end - suffix, content[prefix : len(content) - suffix])
        )
    return changes


def apply_changes(text: str, changes: list[TextChange]) -> str:
    """`text` with `changes` (sorted, non-overlapping) applied."""
    pieces, cursor = [], 0
    for change in changes:
        pieces.append(text[cursor : change.start])
        pieces.append(change.content)
        cursor = change.end
    pieces.append(text[cursor:])
    return "".join(pieces)
