"""Applying the fixes that rules attach to their findings: in text, and in files.

Fixes are sets of edits located by 1-based rows and columns (code points, end
exclusive), in lines split the way libcst counts them: "\\r\\n", "\\r" and "\\n" are each
one line break. Several fixes are applied in one pass when their edits do not overlap;
the others wait for a later pass, run on the re-checked text. A fix is only kept if the
result still parses, so the fixer can never turn a valid file into an invalid one.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from birnn_lint.engine import check_source, unreadable_finding
from birnn_lint.findings import Edit, Finding, Fix, Position
from birnn_lint.source_io import (
    SourceFile,
    SourceReadError,
    SourceWriteError,
    read_source,
    write_atomic,
)

Keep = Callable[[list[Finding], str], list[Finding]]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BARE_LF = re.compile(r"(?<!\r)\n")
_PYCF_ONLY_AST = 0x400


# --- text positions -------------------------------------------------------------------


class _Lines:
    """Offsets of the line starts of one text, for row/column <-> offset conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def line_end(self, index: int) -> int:
        """Offset of the end of line `index` (0-based), before its line break."""
        if index + 1 < len(self.starts):
            following = self.starts[index + 1]
            broken = self.text[following - 2 : following] == "\r\n"
            return following - (2 if broken else 1)
        return len(self.text)

    def offset(self, position: Position) -> int:
        index = position.row - 1
        if not 0 <= index < len(self.starts):
            raise ValueError(f"row {position.row} is outside the text (1..{len(self.starts)})")
        start = self.starts[index]
        width = self.line_end(index) - start
        if not 1 <= position.column <= width + 1:
            raise ValueError(
                f"column {position.column} is outside row {position.row} (1..{width + 1})"
            )
        return start + position.column - 1

    def position(self, offset: int) -> Position:
        index = bisect.bisect_right(self.starts, offset) - 1
        return Position(index + 1, offset - self.starts[index] + 1)


def dominant_newline(text: str) -> str:
    """The most frequent line break of `text` ("\\n" when there is none; ties go to the
    one that appears first)."""
    counts: dict[str, int] = {}
    for match in _LINE_BREAK.finditer(text):
        counts[match.group()] = counts.get(match.group(), 0) + 1
    if not counts:
        return "\n"
    return max(counts, key=lambda newline: counts[newline])  # dicts keep first-seen order


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    content: str


def _spans(lines: _Lines, edits: Sequence[Edit], newline: str) -> list[_Span]:
    """Edits as offsets, sorted, with bare "\\n" in their content turned into `newline`;
    ValueError if two of them overlap."""
    spans = []
    for edit in edits:
        start, end = lines.offset(edit.location), lines.offset(edit.end_location)
        if end < start:
            raise ValueError(f"edit ends before it starts: {edit}")
        content = edit.content if newline == "\n" else _BARE_LF.sub(newline, edit.content)
        spans.append(_Span(start, end, content))
    spans.sort(key=lambda span: (span.start, span.end))
    for before, after in zip(spans, spans[1:], strict=False):
        if _overlap(before, after):
            raise ValueError("edits overlap")
    return spans


def _overlap(a: _Span, b: _Span) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: their order would be a guess
    return a.start < b.end and b.start < a.end


def _splice(text: str, spans: Sequence[_Span]) -> str:
    pieces, cursor = [], 0
    for span in spans:
        pieces.append(text[cursor : span.start])
        pieces.append(span.content)
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def apply_edits(source: str, edits: Sequence[Edit], *, newline: str | None = None) -> str:
    """`source` with all `edits` applied at once (positions refer to `source`).

    "\\n" in an edit's content becomes `newline` (default: the source's dominant line
    break), so that fixing a CRLF file keeps it CRLF. ValueError for a position outside
    the text or for overlapping edits.
    """
    lines = _Lines(source)
    return _splice(source, _spans(lines, edits, newline or dominant_newline(source)))


# --- fixing text ----------------------------------------------------------------------


@dataclass
class FixOutcome:
    source: str
    # The findings whose fixes were applied, as reported on the original text (a finding
    # that only appeared after an earlier pass is relocated there; its edits are as applied).
    fixed: list[Finding]
    # The findings in the final text (after `keep`), located in it.
    remaining: list[Finding]
    messages: list[str] = field(default_factory=list)
    # The findings in the original text (after `keep`).
    initial: list[Finding] = field(default_factory=list)
    passes: int = 0


class _Applied:
    """What one pass changed, to map positions in its result back to its input.

    Each edit is refined into its changed blocks (difflib opcodes), so that text an edit
    merely wraps, like `h` in `h` -> `f(h)`, maps back to where it was.
    """

    def __init__(self, before: str, spans: Sequence[_Span]) -> None:
        # (start, end) in the text before the pass, and the length of the new text.
        self.blocks: list[tuple[int, int, int]] = []
        for span in spans:
            old = before[span.start : span.end]
            matcher = difflib.SequenceMatcher(None, old, span.content, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    self.blocks.append((span.start + i1, span.start + i2, j2 - j1))

    def back(self, offset: int) -> int:
        """The offset in the text before the pass; an offset inside new text maps to the
        start of the text it replaced."""
        delta = 0
        for start, end, length in self.blocks:
            new_start = start + delta
            if offset < new_start:
                break
            if offset < new_start + length:
                return start
            delta += length - (end - start)
        return offset - delta


class _History:
    """The passes applied so far, to locate later findings in the original text."""

    def __init__(self, original: str) -> None:
        self.original = _Lines(original)
        self.passes: list[_Applied] = []

    def to_original(self, lines: _Lines, position: Position) -> Position:
        try:
            offset = lines.offset(position)
        except ValueError:
            return position
        for applied in reversed(self.passes):
            offset = applied.back(offset)
        return self.original.position(offset)

    def relocate(self, finding: Finding, current: _Lines) -> Finding:
        if not self.passes:
            return finding
        statement = finding.statement
        if statement is not None:
            statement = (
                self.to_original(current, statement[0]),
                self.to_original(current, statement[1]),
            )
        return replace(
            finding,
            location=self.to_original(current, finding.location),
            end_location=self.to_original(current, finding.end_location),
            statement=statement,
        )


def _parses(source: str, must_compile: bool) -> bool:
    import libcst  # deferred: slow to import, and only needed once there is a fix

    try:
        libcst.parse_module(source)
        if must_compile:
            compile(source, "<fixed>", "exec", flags=_PYCF_ONLY_AST, dont_inherit=True)
    except Exception:  # any parser failure, RecursionError included, means "does not parse"
        return False
    return True


def _compiles(source: str) -> bool:
    try:
        compile(source, "<original>", "exec", flags=_PYCF_ONLY_AST, dont_inherit=True)
    except Exception:
        return False
    return True


def _applicable(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and bool(fix.edits) and (fix.applicability == "safe" or unsafe)


def _describe(filename: str, finding: Finding) -> str:
    return f"{filename}:{finding.location.row}:{finding.location.column}: {finding.code}"


@dataclass
class _Candidate:
    finding: Finding  # as reported on the current text
    first: Finding  # located in the original text
    spans: list[_Span]

    @property
    def key(self) -> tuple[str, Position, str]:
        """Identifies the fix across passes, whatever earlier passes moved."""
        assert self.finding.fix is not None
        return (self.first.code, self.first.location, self.finding.fix.message)


class _Passes:
    """Choosing and applying the fixes of each pass, and recording those dropped."""

    def __init__(self, filename: str, rejected: set[tuple[str, Position, str]]) -> None:
        self.filename = filename
        self.rejected = rejected
        self.messages: list[str] = []

    def drop(self, candidate: _Candidate, why: str) -> None:
        self.rejected.add(candidate.key)
        self.messages.append(f"{_describe(self.filename, candidate.first)}: fix dropped: {why}")

    def select(self, candidates: list[_Candidate], current: str) -> list[_Candidate]:
        """Fixes that change something, by position, skipping those overlapping an
        earlier one: they come back in a later pass, on the re-checked text."""
        useful = []
        for candidate in candidates:
            if all(current[s.start : s.end] == s.content for s in candidate.spans):
                self.drop(candidate, "it changes nothing")
            else:
                useful.append(candidate)
        useful.sort(key=lambda candidate: candidate.spans[0].start)
        chosen: list[_Candidate] = []
        taken: list[_Span] = []
        for candidate in useful:
            if not any(_overlap(a, b) for a in candidate.spans for b in taken):
                chosen.append(candidate)
                taken.extend(candidate.spans)
        return chosen

    def apply(
        self, current: str, chosen: list[_Candidate], must_compile: bool
    ) -> tuple[str, list[_Candidate], list[_Span]]:
        """Apply all chosen fixes; if the result does not parse, add them one by one and
        drop each one that breaks it."""
        spans = sorted((s for c in chosen for s in c.spans), key=lambda s: (s.start, s.end))
        result = _splice(current, spans)
        if _parses(result, must_compile):
            return result, chosen, spans
        accepted: list[_Candidate] = []
        spans = []
        for candidate in chosen:
            trial = sorted(spans + candidate.spans, key=lambda s: (s.start, s.end))
            if _parses(_splice(current, trial), must_compile):
                accepted.append(candidate)
                spans = trial
            else:
                assert candidate.finding.fix is not None
                message = candidate.finding.fix.message
                self.drop(candidate, f"the fixed code would not parse ({message})")
        return _splice(current, spans), accepted, spans


def fix_source(
    source: str,
    filename: str,
    *,
    unsafe: bool,
    codes: frozenset[str] | None = None,
    keep: Keep | None = None,
    max_passes: int = 10,
) -> FixOutcome:
    """Apply the applicable fixes (safe ones; unsafe ones too with `unsafe=True`) until
    none is left. Each pass applies every fix whose edits do not overlap an earlier one's;
    a fix whose result would not parse is dropped and reported in `messages`. Fixes still
    applicable after `max_passes` passes leave the source unchanged (and say so)."""

    def findings_of(text: str) -> list[Finding]:
        found = check_source(text, filename, codes)
        return keep(found, text) if keep is not None else found

    newline = dominant_newline(source)
    must_compile = _compiles(source)
    history = _History(source)
    current = source
    findings = findings_of(current)
    outcome = FixOutcome(source, fixed=[], remaining=[], initial=list(findings))
    # A finding fixed in a later pass is reported as in the original text when it was
    # there already (fix edits included), else relocated there.
    as_reported = {(f.code, f.location): f for f in findings}
    rejected: set[tuple[str, Position, str]] = set()
    passes = _Passes(filename, rejected)

    while True:
        lines = _Lines(current)
        candidates = []
        for finding in findings:
            if not _applicable(finding.fix, unsafe):
                continue
            assert finding.fix is not None
            first = history.relocate(finding, lines)
            first = as_reported.get((first.code, first.location), first)
            candidate = _Candidate(finding, first, [])
            if candidate.key in rejected:
                continue
            try:
                candidate.spans = _spans(lines, finding.fix.edits, newline)
            except ValueError as error:
                passes.drop(candidate, f"invalid edits ({error})")
                continue
            candidates.append(candidate)
        if not candidates:
            break
        if outcome.passes == max_passes:
            # Fixes that keep producing fixes are a bug of ours: write nothing.
            left = ", ".join(_describe(filename, c.first) for c in candidates)
            outcome.messages.append(
                f"{filename}: the fixes did not converge after {max_passes} passes (still "
                f"applicable: {left}); nothing was changed"
            )
            outcome.fixed = []
            current = source
            findings = outcome.initial
            break
        chosen = passes.select(candidates, current)
        result, accepted, spans = passes.apply(current, chosen, must_compile)
        if not accepted:
            continue  # every chosen fix was dropped: the others get their turn
        outcome.passes += 1
        outcome.fixed.extend(candidate.first for candidate in accepted)
        history.passes.append(_Applied(current, spans))
        current = result
        findings = findings_of(current)

    outcome.source = current
    outcome.remaining = findings
    outcome.messages[:0] = passes.messages
    return outcome


# --- fixing files ---------------------------------------------------------------------


@dataclass
class FileFixOutcome:
    path: Path
    display: str
    # Applied and written (empty when nothing could be written).
    fixed: list[Finding]
    # What the file on disk holds now: after a successful write, the findings of the
    # fixed text; after a failed one, those of the original; after a failed read, a
    # BRN901 finding.
    remaining: list[Finding]
    messages: list[str] = field(default_factory=list)
    # Why the file could not be read (remaining then holds the BRN901 finding) or why
    # the fixed text was not written (the file is unchanged).
    error: str | None = None
    # The text as read and the text with the fixes applied (None if unreadable).
    before: str | None = None
    after: str | None = None
    written: bool = False

    @property
    def changed(self) -> bool:
        """Whether the fixes change the text (whether or not it was written)."""
        return self.before is not None and self.after != self.before


def fix_file(
    path: Path,
    *,
    unsafe: bool,
    codes: frozenset[str] | None = None,
    keep: Keep | None = None,
    display: str | None = None,
    write: bool = True,
    max_passes: int = 10,
) -> FileFixOutcome:
    """Fix one file in place (`write=False`: only compute the result, e.g. for --diff).
    The file is rewritten only when a fix changed its text, and then only the fixed spans
    differ: encoding, BOM and line endings are kept (see `source_io.write_atomic`)."""
    path = Path(path)
    name = display if display is not None else str(path)
    try:
        original = read_source(path)
    except SourceReadError as error:
        return FileFixOutcome(
            path,
            name,
            [],
            [unreadable_finding(name, error.message, error.row, error.column)],
            error=error.message,
        )
    outcome = fix_source(
        original.text, name, unsafe=unsafe, codes=codes, keep=keep, max_passes=max_passes
    )
    return file_fix_outcome(path, name, original, outcome, write)


class FixedText(Protocol):
    """What fixing a text gives (`FixOutcome`, or a notebook's): enough to write it."""

    source: str
    fixed: list[Finding]
    remaining: list[Finding]
    messages: list[str]
    initial: list[Finding]


def file_fix_outcome(
    path: Path, name: str, original: SourceFile, outcome: FixedText, write: bool
) -> FileFixOutcome:
    """The outcome of fixing a file whose text `original` was fixed into
    `outcome.source`: written atomically when asked and when anything changed."""
    result = FileFixOutcome(
        path,
        name,
        outcome.fixed,
        outcome.remaining,
        messages=outcome.messages,
        before=original.text,
        after=outcome.source,
    )
    if not write or not result.changed:
        if not result.changed:
            result.fixed = []
        return result
    try:
        write_atomic(original, outcome.source)
    except SourceWriteError as error:
        result.error = error.message
        result.fixed = []
        result.remaining = outcome.initial
        return result
    result.written = True
    return result


# --- diff -----------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    """Lines with their line breaks, split as libcst counts them."""
    return [line for line in re.split(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)", text) if line]


def unified_diff(old: str, new: str, filename: str) -> str:
    """A unified diff with `a/` and `b/` headers (like `ruff --diff`); "" when equal."""
    if old == new:
        return ""
    out = []
    for line in difflib.unified_diff(
        _split_lines(old), _split_lines(new), fromfile=f"a/{filename}", tofile=f"b/{filename}"
    ):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


__all__ = [
    "FileFixOutcome",
    "FixOutcome",
    "apply_edits",
    "dominant_newline",
    "fix_file",
    "fix_source",
    "unified_diff",
]
