"""Quick diagnostics for an edit inside one top-level definition.

The analysis reads a function's body with the layers of the module's top-level
statements and of its own class only (`FileState.method_env`, `SettingResolver`): the
findings inside a top-level `def` or `class` depend on its own text and on the
module's statements outside every definition, never on the other definitions. So when
an edit stays inside one definition, the new findings there come from analysing the
text without the other definitions (rows mapped back), and the findings
elsewhere are the last exact result's, moved by the lines the edit added or removed.

The server publishes this at once and verifies it with a whole-file analysis when the
typing pauses; anything that does not fit (a syntax error, an edit between
definitions or across two, a noqa comment in the edit, a diagnostic in the last
result) takes the whole-file analysis straight away.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from birnn_lint import engine
from birnn_lint.findings import Finding, Position
from birnn_lint.server.documents import Snapshot
from birnn_lint.server.linting import LintResult, keep_for

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Block:
    """A top-level definition's lines (1-based, inclusive; decorators included)."""

    first: int
    last: int
    kind: str
    name: str


def _lines(text: str) -> list[str]:
    return _LINES.findall(text)


@lru_cache(maxsize=4)  # the last exact text is compared with edit after edit
def definitions(text: str) -> tuple[Block, ...] | None:
    """The top-level definitions, or None when the text does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found = []
    for node in tree.body:
        if isinstance(node, _DEFINITIONS) and node.end_lineno is not None:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found.append(Block(first, node.end_lineno, type(node).__name__, node.name))
    return tuple(found)


def _containing(blocks: tuple[Block, ...], first: int, last: int) -> Block | None:
    return next((b for b in blocks if b.first <= first and last <= b.last), None)


def quick_findings(previous: LintResult, snapshot: Snapshot) -> list[Finding] | None:
    """The findings of `snapshot`, from `previous` (the exact result of an earlier text
    under the same settings) and an analysis of the one definition the edit changed;
    None when the edit is not of that kind."""
    if previous.excluded or previous.snapshot.is_notebook or snapshot.is_notebook:
        return None
    if any(f.code.startswith("BRN9") for f in previous.findings):
        return None
    old, new = _lines(previous.snapshot.text), _lines(snapshot.text)
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    if prefix == len(old) == len(new):
        return list(previous.findings)
    suffix = 0
    while (
        suffix < min(len(old), len(new)) - prefix
        and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]
    ):
        suffix += 1
    changed_old = old[prefix : len(old) - suffix]
    changed_new = new[prefix : len(new) - suffix]
    if any("noqa" in line.lower() for line in changed_old + changed_new):
        return None  # a suppression comment may reach beyond the definition
    new_blocks = definitions(snapshot.text)
    old_blocks = definitions(previous.snapshot.text)
    if new_blocks is None or old_blocks is None:
        return None
    # 1-based rows of the change (a pure deletion: the row where it happened).
    new_block = _containing(new_blocks, prefix + 1, max(prefix + 1, len(new) - suffix))
    old_block = _containing(old_blocks, prefix + 1, max(prefix + 1, len(old) - suffix))
    if new_block is None or old_block is None:
        return None
    delta = len(new) - len(old)
    if (new_block.kind, new_block.name, new_block.first) != (
        old_block.kind,
        old_block.name,
        old_block.first,
    ) or new_block.last - old_block.last != delta:
        return None

    # The definition analysed alone: the other definitions left out. Rows are mapped
    # back to the buffer's (columns are unchanged: whole lines are left out).
    others = {
        row
        for block in new_blocks
        if block is not new_block
        for row in range(block.first, block.last + 1)
    }
    # Blank lines outside the definition are left out too: they cost libcst nodes.
    kept = [
        row
        for row in range(1, len(new) + 1)
        if row not in others and (new_block.first <= row <= new_block.last or new[row - 1].strip())
    ]
    reduced = "".join(new[row - 1] for row in kept)
    settings = previous.settings
    inside = []
    for finding in engine.check_source(reduced, snapshot.display, settings.codes):
        moved = _mapped(finding, kept)
        if new_block.first <= moved.location.row <= new_block.last:
            inside.append(moved)
    if any(f.code.startswith("BRN9") for f in inside):
        return None
    outside = []
    for finding in previous.findings:
        row = finding.location.row
        if row < old_block.first:
            outside.append(finding)
        elif row > old_block.last:
            outside.append(_moved(finding, delta))
    merged = sorted(outside + inside, key=Finding.sort_key)
    return keep_for(snapshot, settings)(merged, snapshot.text)


def _mapped(finding: Finding, kept: list[int]) -> Finding:
    def place(position: Position) -> Position:
        index = min(position.row, len(kept)) - 1
        return Position(kept[index], position.column)

    return replace(
        finding, location=place(finding.location), end_location=place(finding.end_location)
    )


def _moved(finding: Finding, rows: int) -> Finding:
    def move(position: Position) -> Position:
        return Position(position.row + rows, position.column)

    # Only the span moves: a quick result is for display; fixes use exact results.
    return replace(
        finding, location=move(finding.location), end_location=move(finding.end_location)
    )
