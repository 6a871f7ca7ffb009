"""Suppression comments: `# noqa`, `# noqa: BRN002, BRN005` and the file-level
`# birnn-lint: noqa` (optionally with codes); and `--add-noqa`, which writes them.

Comments are found with `tokenize`, so a `# noqa` inside a string is not a comment.
A finding is suppressed by a comment on its first line; the file-level directive counts
only on a line of its own (as ruff's `# ruff: noqa`), so that it is never a line
comment's typo that silences a whole file. The diagnostics (BRN900-BRN903: a file that
could not be checked) are never suppressed by comments, only by `ignore` or
`per-file-ignores`: a comment in a file that does not parse or read cannot be trusted
to be one, and an internal error must reach the user.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from birnn_lint.findings import Finding

_CODE = r"[A-Z]+[0-9]+"
_CODE_LIST = rf"{_CODE}(?:[\s,]+{_CODE})*"
# Read as flake8 does: the word noqa after a hash, then an optional colon and codes;
# a colon without valid codes after it still means all codes.
_LINE_NOQA = re.compile(
    rf"#\s*noqa(?![A-Za-z0-9_-])(?:\s*:\s*(?P<codes>{_CODE_LIST}))?", re.IGNORECASE
)
_FILE_NOQA = re.compile(
    rf"#\s*birnn-lint\s*:\s*noqa(?:\s*:\s*(?P<codes>{_CODE_LIST}))?\s*$", re.IGNORECASE
)
_SPLIT_CODES = re.compile(r"[\s,]+")
_DIAGNOSTIC_PREFIX = "BRN9"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _codes(text: str | None) -> frozenset[str] | None:
    if not text:
        return None
    return frozenset(code.upper() for code in _SPLIT_CODES.split(text.strip()) if code)


@dataclass(frozen=True)
class Comment:
    row: int
    column: int  # 0-based, in code points
    text: str
    own_line: bool = False  # nothing but blanks before it on its line


@dataclass
class Directives:
    file_all: bool = False
    file_codes: frozenset[str] = frozenset()
    # Row -> the codes its noqa comment names, or None when it names none (all codes).
    lines: dict[int, frozenset[str] | None] = field(default_factory=dict)

    def suppresses(self, finding: Finding) -> bool:
        code = finding.code
        if code.startswith(_DIAGNOSTIC_PREFIX):
            return False
        if self.file_all or code in self.file_codes:
            return True
        row = finding.location.row
        if row not in self.lines:
            return False
        codes = self.lines[row]
        return codes is None or code in codes


def _tokens(source: str) -> Iterator[tokenize.TokenInfo]:
    """The tokens of `source` up to the first tokenizer error (a file with a syntax
    error still has its earlier comments read). Newlines are read universally, so rows
    count "\\r\\n", "\\r" and "\\n" as the engine does."""
    readline = io.StringIO(source, newline=None).readline
    try:
        yield from tokenize.generate_tokens(readline)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return


def comments(source: str) -> list[Comment]:
    return [
        Comment(
            token.start[0],
            token.start[1],
            token.string,
            own_line=not token.line[: token.start[1]].strip(),
        )
        for token in _tokens(source)
        if token.type == tokenize.COMMENT
    ]


def parse_directives(source: str) -> Directives:
    directives = Directives()
    file_codes: set[str] = set()
    for comment in comments(source):
        whole = _FILE_NOQA.match(comment.text) if comment.own_line else None
        if whole:
            codes = _codes(whole.group("codes"))
            if codes is None:
                directives.file_all = True
            else:
                file_codes |= codes
            continue
        match = _LINE_NOQA.search(comment.text)
        if match:
            codes = _codes(match.group("codes"))
            previous = directives.lines.get(comment.row, frozenset())
            if codes is None or previous is None:
                directives.lines[comment.row] = None
            else:
                directives.lines[comment.row] = previous | codes
    directives.file_codes = frozenset(file_codes)
    return directives


def filter_suppressed(findings: Sequence[Finding], source_text: str) -> list[Finding]:
    """The findings not suppressed by a noqa comment in `source_text`."""
    if not findings or "noqa" not in source_text.lower():
        return list(findings)
    directives = parse_directives(source_text)
    return [finding for finding in findings if not directives.suppresses(finding)]


# --- writing noqa comments --------------------------------------------------------------


def _physical_lines(source: str) -> list[tuple[str, str]]:
    """(line, line break) pairs, split on "\\r\\n", "\\r" and "\\n" only."""
    lines = []
    start = 0
    for match in _LINE_BREAK.finditer(source):
        lines.append((source[start : match.start()], match.group()))
        start = match.end()
    if start < len(source) or not lines:
        lines.append((source[start:], ""))
    return lines


@dataclass
class NoqaResult:
    source: str
    added: int  # comments written or extended
    # Rows where no comment can go: the line ends inside a string or continues with `\`.
    skipped: list[int] = field(default_factory=list)


def add_noqa(source: str, findings: Sequence[Finding]) -> NoqaResult:
    """`source` with a `# noqa: CODES` for every finding not yet suppressed: appended to
    the finding's first line, or merged into a `# noqa: ...` already there. Other
    comments stay. Diagnostics (BRN9xx) get none: a comment cannot silence a file that
    does not parse. Running it again changes nothing."""
    directives = parse_directives(source)
    wanted: dict[int, set[str]] = {}
    for finding in findings:
        if finding.code.startswith("BRN9") or directives.suppresses(finding):
            continue
        wanted.setdefault(finding.location.row, set()).add(finding.code)
    if not wanted:
        return NoqaResult(source, 0)

    # Rows whose end can take a comment: those closed by a NEWLINE or NL token (not in a
    # string, not continued by a backslash). Also the last noqa comment of each row.
    closable: set[int] = set()
    noqa_comment: dict[int, tuple[int, str]] = {}
    for token in _tokens(source):
        if token.type in (tokenize.NEWLINE, tokenize.NL):
            closable.add(token.start[0])
        elif token.type == tokenize.COMMENT and _LINE_NOQA.search(token.string):
            noqa_comment[token.start[0]] = (token.start[1], token.string)

    lines = _physical_lines(source)
    added = 0
    skipped = []
    for row in sorted(wanted):
        if row > len(lines) or row not in closable:
            skipped.append(row)
            continue
        text, newline = lines[row - 1]
        if row in noqa_comment:
            column, comment = noqa_comment[row]
            match = _LINE_NOQA.search(comment)
            assert match is not None and match.group("codes")  # blanket ones suppress all
            existing = _SPLIT_CODES.split(match.group("codes").strip())
            missing = sorted(wanted[row] - {code.upper() for code in existing})
            merged = ", ".join([*existing, *missing])
            new_comment = comment[: match.start("codes")] + merged + comment[match.end("codes") :]
            text = text[:column] + new_comment + text[column + len(comment) :]
        else:
            body = text.rstrip(" \t")
            separator = "  " if body.strip() else ""
            text = f"{body}{separator}# noqa: {', '.join(sorted(wanted[row]))}"
        lines[row - 1] = (text, newline)
        added += 1
    return NoqaResult("".join(line + newline for line, newline in lines), added, skipped)
