"""Rule registration: every module in `birnn_lint.rules` defines one `Rule` subclass.

Rules are discovered, never listed by hand: adding `birnn_lint/rules/brn0NN_name.py`
and `rules/BRN0NN-name.md` is all it takes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import ClassVar

from birnn_lint.strenum import StrEnum


class FixSafety(StrEnum):
    """The applicability of the fixes a rule offers (each fix carries its own)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    SAFE_OR_UNSAFE = "safe or unsafe"
    NONE = "none"


class FixAvailability(StrEnum):
    """Whether every finding of the rule comes with a fix (ruff's availability)."""

    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NONE = "none"


class Rule:
    """Base of every check. Subclasses set the class attributes and implement hooks
    (see `birnn_lint.analysis.contract`). A rule's one-line summary is written once, on
    its page in `rules/`, and read from there."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str] = ""
    fix_safety: ClassVar[FixSafety] = FixSafety.NONE
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NONE
    # "check" for analysis rules; "diagnostic" for syntax/IO/internal errors.
    kind: ClassVar[str] = "check"


class Diagnostic(Rule):
    kind = "diagnostic"


class SyntaxErrorDiagnostic(Diagnostic):
    code = "BRN900"
    name = "syntax-error"


class UnreadableFileDiagnostic(Diagnostic):
    code = "BRN901"
    name = "unreadable-file"


class InternalErrorDiagnostic(Diagnostic):
    code = "BRN902"
    name = "internal-error"


class TooComplexDiagnostic(Diagnostic):
    code = "BRN903"
    name = "too-complex-to-analyze"


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
    for rule in found:
        rule.summary = spec_summary(rule.code) or rule.name
    codes = [r.code for r in found]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise RuntimeError(f"rule codes registered twice: {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda r: r.code))


def spec_summary(code: str) -> str | None:
    """The paragraph under a rule page's title: the rule's one-line summary."""
    from birnn_lint.specs import load_spec

    text = load_spec(code)
    if text is None:
        return None
    paragraph: list[str] = []
    for line in text.splitlines()[1:]:
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return " ".join(paragraph) or None


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Analysis rules and diagnostics, sorted by code."""
    for diagnostic in DIAGNOSTICS:
        diagnostic.summary = spec_summary(diagnostic.code) or diagnostic.name
    return tuple(sorted(check_rules() + DIAGNOSTICS, key=lambda r: r.code))


def rule_by_code(code: str) -> type[Rule] | None:
    for rule in all_rules():
        if rule.code == code:
            return rule
    return None
