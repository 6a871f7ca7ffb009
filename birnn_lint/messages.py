"""A finding's message is one line. Code it quotes (between backticks) may span lines
and hold comments (`h_n[\n    -1  # the last\n]`): such a quote is shown as Python's
own unparsing of it, without the comments (`h_n[-1]`)."""

from __future__ import annotations

import ast
import re

_ONE_LINE = re.compile(r"\s*[\r\n]\s*")
_MULTI_LINE_QUOTE = re.compile(r"`([^`]*[\r\n][^`]*)`")


def _tidy(match: re.Match[str]) -> str:
    code = match.group(1)
    try:
        # In brackets, any expression may span lines as it did in the file.
        tree = ast.parse("(\n" + code + "\n)", mode="eval")
        return f"`{ast.unparse(tree)}`"
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return f"`{_ONE_LINE.sub(' ', code)}`"


def one_line_message(message: str) -> str:
    return _ONE_LINE.sub(" ", _MULTI_LINE_QUOTE.sub(_tidy, message))
