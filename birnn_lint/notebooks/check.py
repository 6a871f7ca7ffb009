"""Checking, fixing, `--add-noqa` and `--diff` for one notebook's text.

Everything runs on the joined module (see `cells`): the analysis and the fixer see one
Python file, `# noqa` comments work as in a .py file, and the results are moved back
into cells. A notebook that is not valid JSON or not nbformat 4 gets one BRN901
finding and is never rewritten.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from birnn_lint.engine import check_source, may_contain_findings, unreadable_finding
from birnn_lint.findings import Finding, Position
from birnn_lint.fixing import FileFixOutcome, file_fix_outcome, fix_source, unified_diff
from birnn_lint.notebooks.cells import (
    CellKind,
    Module,
    Notebook,
    NotebookError,
    build_module,
    locate_findings,
    parse_notebook,
    split_module,
)
from birnn_lint.notebooks.magics import unmask
from birnn_lint.notebooks.write import NotebookWriteError, write_cells

Keep = Callable[[list[Finding], str], list[Finding]]


def notebook_error_finding(filename: str, error: NotebookError) -> Finding:
    finding = unreadable_finding(filename, error.message)
    where = Position(error.row, error.column)
    return replace(finding, location=where, end_location=where)


def _parse(text: str, filename: str) -> Notebook | Finding:
    try:
        return parse_notebook(text)
    except NotebookError as error:
        return notebook_error_finding(filename, error)


def check_notebook(text: str, filename: str, codes: Collection[str] | None = None) -> list[Finding]:
    """The findings of a notebook's text, noqa comments applied, located in cells.

    Like a .py file, a notebook that cannot use a recurrent layer (no `torch` and no
    `RNN`/`GRU`/`LSTM` anywhere in it) is not parsed at all."""
    from birnn_lint.noqa import filter_suppressed

    if not may_contain_findings(text.encode("utf-8", "surrogatepass")):
        return []
    notebook = _parse(text, filename)
    if isinstance(notebook, Finding):
        return [notebook]
    if not notebook.python:
        return []
    module = build_module(notebook)
    findings = filter_suppressed(check_source(module.text, filename, codes), module.text)
    return locate_findings(findings, notebook, module)


def cell_sources(text: str) -> dict[int, str]:
    """Cell index -> source of the code cells, for showing findings ({} if unreadable)."""
    try:
        notebook = parse_notebook(text)
    except NotebookError:
        return {}
    return {c.index: c.source for c in notebook.cells if c.kind is CellKind.CODE}


# --- rewriting cells ------------------------------------------------------------------


def _new_text(notebook: Notebook, module: Module, fixed_module: str) -> str:
    """The notebook's JSON text with the cells that `fixed_module` changes rewritten."""
    cells = split_module(fixed_module, module)
    if cells is None:
        raise NotebookWriteError("a fix changed the boundaries between cells")
    sources = {}
    for index, masked_text in cells.items():
        cell = notebook.cell(index)
        assert cell.masked is not None
        source = unmask(masked_text, cell.masked.originals)
        if source != cell.source:
            sources[index] = source
    return write_cells(notebook, sources) if sources else notebook.text


@dataclass
class NotebookFix:
    source: str  # the new JSON text (the old one if nothing changed)
    fixed: list[Finding]
    remaining: list[Finding]
    initial: list[Finding]
    messages: list[str] = field(default_factory=list)
    error: str | None = None


def fix_notebook(
    text: str,
    filename: str,
    *,
    unsafe: bool,
    codes: frozenset[str] | None = None,
    keep: Keep | None = None,
    max_passes: int = 10,
) -> NotebookFix:
    """Apply the fixes to the notebook's code cells (see `fixing.fix_source`)."""
    notebook = _parse(text, filename)
    if isinstance(notebook, Finding):
        return NotebookFix(text, [], [notebook], [notebook], error=notebook.message)
    if not notebook.python:
        return NotebookFix(text, [], [], [])
    module = build_module(notebook)
    outcome = fix_source(
        module.text, filename, unsafe=unsafe, codes=codes, keep=keep, max_passes=max_passes
    )
    initial = locate_findings(outcome.initial, notebook, module)
    fixed = locate_findings(outcome.fixed, notebook, module)
    if outcome.source == module.text:
        return NotebookFix(text, [], initial, initial, outcome.messages)
    try:
        new_text = _new_text(notebook, module, outcome.source)
        new_notebook = parse_notebook(new_text)
    except (NotebookWriteError, NotebookError) as error:
        message = f"{filename}: fixes not applied: {error}"
        return NotebookFix(text, [], initial, initial, [*outcome.messages, message])
    new_module = build_module(new_notebook)
    if new_module.text == outcome.source:
        remaining = locate_findings(outcome.remaining, new_notebook, new_module)
    else:  # cannot happen unless masking differs; recheck rather than guess
        found = check_source(new_module.text, filename, codes)
        found = keep(found, new_module.text) if keep is not None else found
        remaining = locate_findings(found, new_notebook, new_module)
    return NotebookFix(new_text, fixed, remaining, initial, outcome.messages)


@dataclass
class NotebookNoqa:
    source: str
    added: int
    skipped: list[tuple[int, int]]  # (cell, row) where no comment can go


def add_noqa_notebook(text: str, findings: Sequence[Finding]) -> NotebookNoqa:
    """`# noqa: CODE` comments for findings located in cells (NotebookError,
    NotebookWriteError if the notebook cannot be read or rewritten)."""
    from birnn_lint.noqa import add_noqa

    notebook = parse_notebook(text)
    module = build_module(notebook)
    moved = []
    for finding in findings:
        if finding.cell is None:
            continue
        row = module.module_row(finding.cell, finding.location.row)
        moved.append(replace(finding, location=Position(row, finding.location.column)))
    result = add_noqa(module.text, moved)
    skipped = [module.locate(Position(row, 1)) for row in result.skipped]
    cells = [(cell, where.row) for cell, where in skipped if cell is not None]
    if not result.added:
        return NotebookNoqa(text, 0, cells)
    return NotebookNoqa(_new_text(notebook, module, result.source), result.added, cells)


def notebook_diff(old: str, new: str, filename: str) -> str:
    """A unified diff of each code cell that differs, headed `a/NAME:cell N`."""
    if old == new:
        return ""
    try:
        before, after = parse_notebook(old), parse_notebook(new)
    except NotebookError:
        return unified_diff(old, new, filename)
    out = []
    for a, b in zip(before.cells, after.cells, strict=False):
        if a.kind is CellKind.CODE and a.source != b.source:
            out.append(unified_diff(a.source, b.source, f"{filename}:cell {a.index}"))
    return "".join(out) or "".join(
        difflib.unified_diff(old.splitlines(True), new.splitlines(True), filename, filename)
    )


# --- files ----------------------------------------------------------------------------


def fix_notebook_file(
    path: Path,
    *,
    unsafe: bool,
    codes: frozenset[str] | None = None,
    keep: Keep | None = None,
    display: str | None = None,
    write: bool = True,
    max_passes: int = 10,
) -> FileFixOutcome:
    """`fixing.fix_file` for a notebook: the same outcome, `before` and `after` being the
    JSON texts; written atomically, and only when a cell changed."""
    from birnn_lint.source_io import SourceReadError, read_source

    name = display if display is not None else str(path)
    try:
        original = read_source(path)
    except SourceReadError as error:
        finding = unreadable_finding(name, error.message)
        return FileFixOutcome(path, name, [], [finding], error=error.message)
    outcome = fix_notebook(
        original.text, name, unsafe=unsafe, codes=codes, keep=keep, max_passes=max_passes
    )
    result = file_fix_outcome(path, name, original, outcome, write and outcome.error is None)
    if outcome.error is not None:
        result.fixed = []  # reported as the BRN901 finding it is
    return result


@dataclass
class NoqaFileOutcome:
    source: str | None  # the JSON text now on disk
    added: int
    skipped: list[Finding]  # findings whose line cannot take a comment
    notes: list[str]
    failed: bool


def add_noqa_notebook_file(
    path: Path, display: str, findings: Sequence[Finding]
) -> NoqaFileOutcome:
    """`--add-noqa` for a notebook file: comments added in its cells, written atomically."""
    from birnn_lint.source_io import SourceReadError, SourceWriteError, read_source, write_atomic

    try:
        original = read_source(path)
        result = add_noqa_notebook(original.text, findings)
        if result.added:
            write_atomic(original, result.source)
    except (SourceReadError, SourceWriteError) as error:
        return NoqaFileOutcome(None, 0, [], [f"{display}: {error.message}"], True)
    except (NotebookError, NotebookWriteError) as error:
        return NoqaFileOutcome(None, 0, [], [f"{display}: not written: {error}"], True)
    notes = [
        f"{display}:cell {cell}:{row}: no noqa comment added: the line ends inside a "
        "string or continues with a backslash"
        for cell, row in result.skipped
    ]
    skipped = [f for f in findings if (f.cell, f.location.row) in set(result.skipped)]
    return NoqaFileOutcome(result.source, result.added, skipped, notes, False)


__all__ = [
    "NotebookFix",
    "NotebookNoqa",
    "NoqaFileOutcome",
    "add_noqa_notebook",
    "add_noqa_notebook_file",
    "cell_sources",
    "check_notebook",
    "fix_notebook",
    "fix_notebook_file",
    "notebook_diff",
]
