"""Rule registration: every module in `birnn_lint.rules` defines one `Rule` subclass.

Rules are discovered, never listed by hand: adding `birnn_lint/rules/brn0NN_name.py`
and `rules/BRN0NN-name.md` is all it takes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import ClassVar


class Rule:
    """Base of every check. Subclasses set the class attributes and implement hooks
    (see `birnn_lint.analysis.events`)."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    # "safe", "unsafe" or None when the rule offers no automatic fix.
    fix_safety: ClassVar[str | None] = None
    # "check" for analysis rules; "diagnostic" for syntax/IO/internal errors.
    kind: ClassVar[str] = "check"


class Diagnostic(Rule):
    kind = "diagnostic"


class SyntaxErrorDiagnostic(Diagnostic):
    code = "BRN900"
    name = "syntax-error"
    summary = "The file is not valid Python; nothing in it was checked."


class UnreadableFileDiagnostic(Diagnostic):
    code = "BRN901"
    name = "unreadable-file"
    summary = "The file could not be read or decoded; nothing in it was checked."


class InternalErrorDiagnostic(Diagnostic):
    code = "BRN902"
    name = "internal-error"
    summary = "birnn-lint failed on this file; please report it."


class TooComplexDiagnostic(Diagnostic):
    code = "BRN903"
    name = "too-complex-to-analyze"
    summary = "The file is too large or too deeply nested to analyze; nothing in it was checked."


DIAGNOSTICS: tuple[type[Rule], ...] = (
    SyntaxErrorDiagnostic,
    UnreadableFileDiagnostic,
    InternalErrorDiagnostic,
    TooComplexDiagnostic,
)


@cache
def check_rules() -> tuple[type[Rule], ...]:
    """The analysis rules, sorted by code, imported from `birnn_lint.rules`."""
    from birnn_lint import rules as package

    found: list[type[Rule]] = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and getattr(value, "code", None)
            ):
                found.append(value)
    codes = [r.code for r in found]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise RuntimeError(f"rule codes registered twice: {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda r: r.code))


def all_rules() -> tuple[type[Rule], ...]:
    """Analysis rules and diagnostics, sorted by code."""
    return tuple(sorted(check_rules() + DIAGNOSTICS, key=lambda r: r.code))


def rule_by_code(code: str) -> type[Rule] | None:
    for rule in all_rules():
        if rule.code == code:
            return rule
    return None
