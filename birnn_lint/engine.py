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

# A recurrent layer can only be recognised through a name containing one of these,
# reached from an import of torch: files without both cannot produce a check finding.
_LAYER_WORD = re.compile(rb"RNN|GRU|LSTM")
_TORCH_WORD = re.compile(rb"torch")

# CPython accepts at most 200 nested brackets; libcst is never given more than this.
_MAX_BRACKETS = 150
_BRACKETS = re.compile(r"[\[\](){}]")


def may_contain_findings(data: bytes) -> bool:
    """Cheap, exact pre-selection: False only where no rule can fire."""
    return _TORCH_WORD.search(data) is not None and _LAYER_WORD.search(data) is not None


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
    nodes, depth, constructs = _survey(tree)
    if not constructs:
        return []
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


def _survey(tree: ast.AST) -> tuple[int, int, bool]:
    """(node count, depth, whether the file constructs a layer) in one walk."""
    nodes = deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return nodes, deepest, constructs_a_layer(tree)


def constructs_a_layer(tree: ast.AST) -> bool:
    """Second, still exact, pre-selection on the built-in parser's tree: a file can only
    have findings if it names RNN, GRU, LSTM or RNNBase (called, or as a class value
    chosen at run time, or an alias imported `as` another name). Most files that merely
    mention LSTM in text stop here, before libcst and its qualified-name analysis."""
    names = set(_LAYER_NAMES)
    type_tests: set[int] = set()  # `isinstance(m, nn.LSTM)` builds nothing
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname for a in node.names if a.asname and a.name in _LAYER_NAMES)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("isinstance", "issubclass")
            and len(node.args) == 2
        ):
            type_tests.update(id(n) for n in ast.walk(node.args[1]))
    for node in ast.walk(tree):
        if id(node) in type_tests:
            continue
        if isinstance(node, ast.Attribute) and node.attr in names:
            return True
        if isinstance(node, ast.Name) and node.id in names:
            return True
    return False


__all__ = [
    "check_source",
    "cpython_syntax_error",
    "internal_error_finding",
    "may_contain_findings",
    "syntax_error_finding",
    "too_complex_finding",
    "unreadable_finding",
]
