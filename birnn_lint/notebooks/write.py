"""New sources for some cells, written into the notebook's JSON text in its own style.

Only the changed cells' `source` values are replaced; every other character of the text
stays. The new value follows the old one: a string stays a string, a list of lines stays
a list with the same indentation and separators, a line that did not change keeps its
exact JSON spelling, and non-ASCII text is escaped only if the notebook escapes it. The
result is read back and compared with what was meant before it is used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from copy import deepcopy

from birnn_lint.notebooks.cells import Notebook
from birnn_lint.notebooks.json_spans import SourceSpan

_ESCAPED_NON_ASCII = re.compile(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]|[1-9a-fA-F])")
_LINES = re.compile(r"[^\n]*\n|[^\n]+")


class NotebookWriteError(Exception):
    """The new text could not be made safely; the notebook is left as it was."""


def _escapes_non_ascii(text: str) -> bool:
    """Whether the notebook was written with `ensure_ascii` (as `json.dump` defaults to;
    nbformat writes UTF-8 as it is)."""
    return text.isascii() and _ESCAPED_NON_ASCII.search(text) is not None


def _value(text: str, span: SourceSpan, source: str, ascii_only: bool) -> str:
    if not span.is_list:
        return json.dumps(source, ensure_ascii=ascii_only)
    known = {piece.value: text[piece.start : piece.end] for piece in reversed(span.pieces)}
    lines = _LINES.findall(source)
    if not lines:
        return "[]"
    tokens = [known.get(line) or json.dumps(line, ensure_ascii=ascii_only) for line in lines]
    pieces = span.pieces
    if not pieces:
        return "[" + ", ".join(tokens) + "]"
    opening = text[span.start + 1 : pieces[0].start]
    closing = text[pieces[-1].end : span.end - 1]
    if len(pieces) > 1:
        separator = text[pieces[0].end : pieces[1].start]
    else:
        separator = "," + opening if "\n" in opening else ", "
    return "[" + opening + separator.join(tokens) + closing + "]"


def write_cells(notebook: Notebook, sources: Mapping[int, str]) -> str:
    """The notebook's text with the given cells' sources (cell index -> text) replaced."""
    spans = notebook.spans()
    if spans is None:
        raise NotebookWriteError("the notebook's JSON could not be walked")
    text = notebook.text
    ascii_only = _escapes_non_ascii(text)
    replaced = []
    for index, source in sources.items():
        span = spans[index - 1] if index <= len(spans) else None
        if span is None:
            raise NotebookWriteError(f"cell {index} has no source to replace")
        replaced.append((span.start, span.end, _value(text, span, source, ascii_only)))
    pieces = []
    cursor = 0
    for start, end, value in sorted(replaced):
        pieces.append(text[cursor:start])
        pieces.append(value)
        cursor = end
    pieces.append(text[cursor:])
    result = "".join(pieces)
    _verify(notebook, sources, result)
    return result


def _verify(notebook: Notebook, sources: Mapping[int, str], result: str) -> None:
    """The new text must read as the old notebook with exactly these sources changed."""
    try:
        data = json.loads(result)
    except ValueError as error:
        raise NotebookWriteError(f"the rewritten notebook is not valid JSON: {error}") from None
    expected = deepcopy(notebook.data)
    for index, source in sources.items():
        cell = expected["cells"][index - 1]
        old = cell.get("source")
        cell["source"] = source if isinstance(old, str) else _LINES.findall(source)
    got = deepcopy(data)
    for index in sources:
        if isinstance(got["cells"][index - 1].get("source"), list):
            # Lines may be split differently than json.loads would group them.
            source = "".join(got["cells"][index - 1]["source"])
            got["cells"][index - 1]["source"] = _LINES.findall(source)
    if got != expected:
        raise NotebookWriteError("the rewritten notebook differs from the intended one")


__all__ = ["NotebookWriteError", "write_cells"]
