"""Entry point of the analysis: source text in, findings out.

`check_source` never raises for bad input: a syntax error becomes a BRN900 finding and a
crash inside a rule a BRN902 finding naming the rule, so a run over many files goes on.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

from birnn_lint.findings import Finding, Position
from birnn_lint.registry import InternalErrorDiagnostic, SyntaxErrorDiagnostic

# A recurrent layer can only be recognised through a name containing one of these,
# reached from an import of torch: files without both cannot produce a check finding.
_LAYER_WORD = re.compile(rb"RNN|GRU|LSTM")
_TORCH_WORD = re.compile(rb"torch")


def may_contain_findings(data: bytes) -> bool:
    """Cheap, exact pre-selection: False only where no rule can fire."""
    return _TORCH_WORD.search(data) is not None and _LAYER_WORD.search(data) is not None


def _diagnostic(rule, filename: str, message: str, row: int = 1, column: int = 1) -> Finding:
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


def internal_error_finding(filename: str, what: str, error: BaseException) -> Finding:
    message = (
        f"internal error in {what}: {type(error).__name__}: {error}; "
        "please report this at the birnn-lint issue tracker with the file attached"
    )
    return _diagnostic(InternalErrorDiagnostic, filename, message)


def check_source(
    source: str,
    filename: str = "<string>",
    codes: Collection[str] | None = None,
) -> list[Finding]:
    """Findings for one file's text, sorted by position. `codes` limits the check rules
    run (None: all); diagnostics (BRN9xx) are always produced."""
    if not may_contain_findings(source.encode("utf-8", "surrogatepass")):
        return _syntax_only(source, filename)
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None  # libcst gives the verdict
    if tree is not None and not constructs_a_layer(tree):
        return []
    from birnn_lint.analysis.run import analyze  # deferred: libcst is slow to import

    return sorted(analyze(source, filename, codes), key=Finding.sort_key)


_LAYER_NAMES = frozenset({"RNN", "GRU", "LSTM"})


def constructs_a_layer(tree: ast.AST) -> bool:
    """Second, still exact, pre-selection on the built-in parser's tree: a file can only
    have findings if it calls something named RNN, GRU or LSTM (or an alias imported
    `as` another name). Most files that merely mention LSTM stop here, before libcst
    and its qualified-name analysis, which cost far more."""
    names = set(_LAYER_NAMES)
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(a.asname for a in node.names if a.asname and a.name in _LAYER_NAMES)
        elif isinstance(node, ast.Call):
            calls.append(node.func)
    for func in calls:
        last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if last in names:
            return True
    return False


def _syntax_only(source: str, filename: str) -> list[Finding]:
    """Files skipped by the pre-selection still get a syntax check, with the fast
    built-in compiler, so that BRN900 does not depend on the file's words."""
    try:
        compile(source, filename, "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError:
        # The running Python may be older than the code (PEP 695 generics on 3.11):
        # the verdict is libcst's, as for every other file.
        from birnn_lint.analysis.run import parse_failure

        return parse_failure(source, filename)
    except (RecursionError, MemoryError) as error:
        return [syntax_error_finding(filename, f"cannot parse: {type(error).__name__}")]
    except ValueError as error:  # null bytes
        return [syntax_error_finding(filename, f"cannot parse: {error}")]
    return []


__all__ = ["check_source", "may_contain_findings"]
