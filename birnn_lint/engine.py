"""Entry point of the analysis: source text in, findings out.

`check_source` never raises for bad input: a syntax error becomes a BRN900 finding and a
crash inside a rule a BRN902 finding naming the rule, so a run over many files goes on.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection
from pathlib import Path

from birnn_lint.diagnostics import (
    DUMMY_NAME,
    MAX_DEPTH,
    MAX_NODES,
    MAX_SOURCE_CHARS,
    cpython_error_finding,
    cpython_syntax_error,
    internal_error_finding,
    null_byte_finding,
    syntax_error_finding,
    too_complex_finding,
    unreadable_finding,
)
from birnn_lint.findings import Finding
from birnn_lint.prefilter import (
    constructs_a_layer,
    may_contain_findings,
    names_a_layer_in_code,
)

# An imported name that may be a model of the project (`EncoderRNN`).

# CPython accepts at most 200 nested brackets; libcst is never given more than this.
_MAX_BRACKETS = 150
# Deeper than this (syntax-tree levels), a file is analysed whole (`relevant_code`).
_MAX_DEPTH_TO_BLANK = 100
_BRACKETS = re.compile(r"[\[\](){}]")


def check_source(
    source: str,
    filename: str = "<string>",
    codes: Collection[str] | None = None,
    path: Path | None = None,
) -> list[Finding]:
    """Findings for one file's text, sorted by position. `codes` limits the check rules
    run (None: all); diagnostics (BRN9xx) are always produced.

    A file that cannot use a recurrent layer (see `may_contain_findings` and
    `names_a_layer_in_code`) is never parsed; the others are parsed with the built-in
    parser first, and analyzed with libcst only when they construct a layer and are of
    a size libcst can handle.
    `path`: where the file is, when `filename` (the name findings carry) does not say:
    its imports are resolved in the project there."""
    if path is None and filename not in ("-", "<string>", "<stdin>"):
        path = Path(filename)
    data = source.encode("utf-8", "surrogatepass")
    imports_layers: bool | None = None  # found out only when needed
    if not (may_contain_findings(data) and names_a_layer_in_code(data)):
        imports_layers = _imports_project_layers(path, data)
        if not imports_layers:
            return []
    if len(source) > MAX_SOURCE_CHARS:
        return [too_complex_finding(filename, f"{len(source):,} characters")]
    null_byte = null_byte_finding(source, filename)
    if null_byte is not None:
        return [null_byte]
    try:
        tree = ast.parse(source, DUMMY_NAME)
    except SyntaxError as error:
        if _max_brackets(source) > _MAX_BRACKETS or "nested" in (error.msg or ""):
            return [cpython_error_finding(filename, error)]
        # libcst may read code newer than the running Python (PEP 695, PEP 758); where it
        # cannot either, the verdict is reported with CPython's message.
        return _analyze(source, filename, codes, path)
    except RecursionError:
        return [syntax_error_finding(filename, "cannot parse: the code is nested too deeply")]
    except MemoryError:
        return [too_complex_finding(filename, "more than the memory available")]
    except ValueError as error:  # null bytes
        return [syntax_error_finding(filename, f"syntax error: {error}")]
    if not constructs_a_layer(tree) and not (
        imports_layers if imports_layers is not None else _imports_project_layers(path, data)
    ):
        return []
    nodes, depth = _survey(tree)
    if nodes > MAX_NODES:
        return [too_complex_finding(filename, f"{nodes:,} syntax nodes")]
    if depth > MAX_DEPTH:
        return [too_complex_finding(filename, f"expressions nested {depth} deep")]
    # A deep expression may exhaust the stack in the analysis of any body: only a file
    # without one has bodies left out (their "too deeply nested" would go unreported).
    return _analyze(source, filename, codes, path, tree if depth <= _MAX_DEPTH_TO_BLANK else None)


def _imports_project_layers(path: Path | None, data: bytes) -> bool:
    """Whether the file imports a module of its project that builds a layer (a model
    whose results it may read), or is handed one by a file that imports it: then it is
    analysed though it names no layer."""
    if path is None:
        return False
    from birnn_lint.project.handed_layers import handed_layers
    from birnn_lint.project.layer_imports import imports_project_layers

    return imports_project_layers(path, data) or handed_layers(path, data)


def _analyze(
    source: str,
    filename: str,
    codes: Collection[str] | None,
    path: Path | None,
    tree: ast.Module | None = None,
) -> list[Finding]:
    """libcst's analysis; with the built-in parser's `tree`, first of the part of the
    file connected to a layer only (`relevant_code`), then, if that finds anything, of
    the whole file (most files that reach the analysis have no finding)."""
    from birnn_lint.analysis.run import analyze  # deferred: libcst is slow to import
    from birnn_lint.relevant_code import relevant_text

    code = source if tree is None else relevant_text(source, tree, path)
    found = analyze(source, filename, codes, path, code)
    if found and code is not source:
        # Findings and fixes as the whole file has them: a fix picks a fresh name and
        # the place of an added import from the whole module.
        found = analyze(source, filename, codes, path)
    return sorted(found, key=Finding.sort_key)


def _max_brackets(source: str) -> int:
    """An upper bound of bracket nesting (brackets in strings count too)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(source):
        depth += 1 if match.group() in "([{" else -1
        deepest = max(deepest, depth)
    return deepest


def _survey(tree: ast.AST) -> tuple[int, int]:
    """(node count, depth): asked only of a file that constructs a layer, the few that
    go on to libcst."""
    nodes = deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > deepest:
            deepest = depth
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend([(v, depth + 1) for v in value if isinstance(v, ast.AST)])
            elif isinstance(value, ast.AST):
                stack.append((value, depth + 1))
    return nodes, deepest


__all__ = [
    "check_source",
    "cpython_syntax_error",
    "internal_error_finding",
    "may_contain_findings",
    "syntax_error_finding",
    "too_complex_finding",
    "unreadable_finding",
]
