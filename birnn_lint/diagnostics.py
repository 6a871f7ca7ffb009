"""Findings for files birnn-lint could not check: syntax errors (BRN900), unreadable files
(BRN901), internal errors (BRN902) and files too large to analyze (BRN903)."""

from __future__ import annotations

import ast
import re

from birnn_lint.findings import Finding, Position
from birnn_lint.registry import (
    InternalErrorDiagnostic,
    Rule,
    SyntaxErrorDiagnostic,
    TooComplexDiagnostic,
    UnreadableFileDiagnostic,
)

# Past these, libcst (which builds a far larger tree than the built-in parser, and
# recurses natively) would take minutes and gigabytes, or overflow the C stack: such a
# file gets a BRN903 diagnostic instead of an analysis.
MAX_SOURCE_CHARS = 2_000_000
MAX_NODES = 100_000
MAX_DEPTH = 500
# Rows count "\r\n", "\r" and "\n" as line breaks, as the tokenizer does.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
DUMMY_NAME = "<birnn-lint>"  # compile() re-reads the named file for error columns


def _diagnostic(
    rule: type[Rule], filename: str, message: str, row: int = 1, column: int = 1
) -> Finding:
    return Finding(
        code=rule.code,
        name=rule.name,
        message=message,
        filename=filename,
        location=Position(row, column),
        end_location=Position(row, column),
    )


def syntax_error_finding(filename: str, message: str, row: int = 1, column: int = 1) -> Finding:
    return _diagnostic(SyntaxErrorDiagnostic, filename, message, row, column)


def unreadable_finding(filename: str, message: str, row: int = 1, column: int = 1) -> Finding:
    return _diagnostic(UnreadableFileDiagnostic, filename, message, row, column)


def null_byte_finding(source: str, filename: str) -> Finding | None:
    """BRN900 at the first null byte, which CPython refuses (libcst does not)."""
    offset = source.find("\0")
    if offset < 0:
        return None
    row, line_start = 1, 0
    for match in _LINE_BREAK.finditer(source, 0, offset):
        row, line_start = row + 1, match.end()
    column = offset - line_start + 1
    return syntax_error_finding(
        filename, "syntax error: source code string cannot contain null bytes", row, column
    )


def too_complex_finding(filename: str, what: str) -> Finding:
    return _diagnostic(
        TooComplexDiagnostic,
        filename,
        f"not analyzed: the file is too large or too deeply nested for the analysis ({what}; "
        f"limits: {MAX_SOURCE_CHARS:,} characters, {MAX_NODES:,} syntax nodes, "
        f"nesting {MAX_DEPTH})",
    )


# An exception's text may be a whole syntax tree (a KeyError on a node): one line of it.
_MAX_ERROR_TEXT = 200


def internal_error_finding(filename: str, what: str, error: BaseException) -> Finding:
    text = " ".join(str(error).split())
    if len(text) > _MAX_ERROR_TEXT:
        text = text[: _MAX_ERROR_TEXT - 3] + "..."
    message = (
        f"internal error in {what}: {type(error).__name__}: {text}; "
        "please report this at the birnn-lint issue tracker with the file attached"
    )
    return _diagnostic(InternalErrorDiagnostic, filename, message)


def cpython_syntax_error(source: str, filename: str) -> Finding | None:
    """CPython's verdict on `source` as a BRN900 finding, or None when it compiles."""
    try:
        ast.parse(source, DUMMY_NAME)
    except SyntaxError as error:
        return cpython_error_finding(filename, error)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def cpython_error_finding(filename: str, error: SyntaxError) -> Finding:
    return syntax_error_finding(
        filename, f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1
    )
