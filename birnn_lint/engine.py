"""Entry point of the analysis: source text in, findings out.

`check_source` never raises for bad input: a syntax error becomes a BRN900 finding and a
crash inside a rule a BRN902 finding naming the rule, so a run over many files goes on.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

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
from birnn_lint.prefilter import may_contain_findings

# An imported name that may be a model of the project (`EncoderRNN`).
_LAYER_WORD_TEXT = re.compile(r"RNN|GRU|LSTM")

# CPython accepts at most 200 nested brackets; libcst is never given more than this.
_MAX_BRACKETS = 150
_BRACKETS = re.compile(r"[\[\](){}]")


def check_source(
    source: str,
    filename: str = "<string>",
    codes: Collection[str] | None = None,
) -> list[Finding]:
    """Findings for one file's text, sorted by position. `codes` limits the check rules
    run (None: all); diagnostics (BRN9xx) are always produced.

    A file that cannot use a recurrent layer (see `may_contain_findings`) is never
    parsed; the others are parsed with the built-in parser first, and analyzed with
    libcst only when they construct a layer and are of a size libcst can handle."""
    if not may_contain_findings(source.encode("utf-8", "surrogatepass")):
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
        return _analyze(source, filename, codes)
    except RecursionError:
        return [syntax_error_finding(filename, "cannot parse: the code is nested too deeply")]
    except MemoryError:
        return [too_complex_finding(filename, "more than the memory available")]
    except ValueError as error:  # null bytes
        return [syntax_error_finding(filename, f"syntax error: {error}")]
    if not constructs_a_layer(tree):
        return []
    nodes, depth = _survey(tree)
    if nodes > MAX_NODES:
        return [too_complex_finding(filename, f"{nodes:,} syntax nodes")]
    if depth > MAX_DEPTH:
        return [too_complex_finding(filename, f"expressions nested {depth} deep")]
    return _analyze(source, filename, codes)


def _analyze(source: str, filename: str, codes: Collection[str] | None) -> list[Finding]:
    from birnn_lint.analysis.run import analyze  # deferred: libcst is slow to import

    return sorted(analyze(source, filename, codes), key=Finding.sort_key)


def _max_brackets(source: str) -> int:
    """An upper bound of bracket nesting (brackets in strings count too)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(source):
        depth += 1 if match.group() in "([{" else -1
        deepest = max(deepest, depth)
    return deepest


_LAYER_NAMES = frozenset({"RNN", "GRU", "LSTM", "RNNBase"})


# Per node type, the fields that may hold child nodes (`ctx`, a Load or Store marker on
# every name, holds none worth visiting).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(f for f in kind._fields if f != "ctx")  # type: ignore[attr-defined]
    return fields


def _survey(tree: ast.AST) -> tuple[int, int]:
    """(node count, depth): asked only of a file that constructs a layer, the few that
    go on to libcst."""
    nodes = deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return nodes, deepest


def constructs_a_layer(tree: ast.AST) -> bool:
    """Second, still exact, pre-selection on the built-in parser's tree: a file can only
    have findings if it builds a layer: it calls RNN, GRU or LSTM (or an alias imported
    `as` another name, or a model of the project imported by such a name), or keeps such
    a class as a value (an assignment, a registry dict, a branch) or a parameter's
    annotation. Most files that merely mention LSTM stop here, before libcst."""
    names = set(_LAYER_NAMES)
    used: list[ast.expr] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: this loop visits every node of the file
        if kind is ast.ImportFrom:
            assert isinstance(node, ast.ImportFrom)
            names.update(a.asname for a in node.names if a.asname and a.name in _LAYER_NAMES)
            if node.level and any(_LAYER_WORD_TEXT.search(a.name) for a in node.names):
                # `from .encoders import EncoderRNN`: a model of the project, followed
                # into its file.
                names.update(a.asname or a.name for a in node.names)
        elif kind is ast.Call:
            assert isinstance(node, ast.Call)
            used.append(node.func)
        elif kind is ast.Assign or kind is ast.AnnAssign:
            assert isinstance(node, (ast.Assign, ast.AnnAssign))
            if node.value is not None:
                used.append(node.value)
        elif kind is ast.Dict:
            assert isinstance(node, ast.Dict)
            used.extend(v for v in node.values if v is not None)
        elif kind is ast.arg:
            assert isinstance(node, ast.arg)
            if node.annotation is not None:
                used.extend(n for n in ast.walk(node.annotation) if isinstance(n, ast.expr))
        # The children, as `ast.iter_child_nodes` gives them less the context markers,
        # inline: this walk runs over every file that passes the byte-level pre-filter.
        for name in _child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend([v for v in value if isinstance(v, ast.AST)])
            elif isinstance(value, ast.AST):
                stack.append(value)
    return any(_last_names(value) & names for value in used)


def _last_names(node: ast.expr) -> set[str]:
    """The names a value may be: `nn.GRU` -> GRU, `a if c else b` -> both."""
    if isinstance(node, ast.IfExp):
        return _last_names(node.body) | _last_names(node.orelse)
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return {node.id} if isinstance(node, ast.Name) else set()


__all__ = [
    "check_source",
    "cpython_syntax_error",
    "internal_error_finding",
    "may_contain_findings",
    "syntax_error_finding",
    "too_complex_finding",
    "unreadable_finding",
]
