"""The runtime proof of every rule (`birnn_lint.proof.matrix`, what `birnn-lint prove`
runs): its spec's examples, linted, run on real torch layers, fixed by birnn-lint's own
fixer and run again, in every configuration of its proof."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from birnn_lint.proof.matrix import prove_corrected, prove_flagged
from birnn_lint.proof.spec_examples import RuleSpec, SpecError, load_rule_spec
from birnn_lint.proof.truths import TRUTHS
from birnn_lint.proof.variants import Config
from birnn_lint.registry import check_rules
from birnn_lint.specs import specs_dir


@cache
def _spec(code: str) -> RuleSpec:
    return load_rule_spec(code)


def _cases() -> list[Any]:
    cases = []
    for rule in check_rules():
        try:
            configurations = _spec(rule.code).proof.configurations()
        except SpecError:  # reported by test_catalogue_complete; keep one failing case here
            cases.append(pytest.param(rule.code, None, id=f"{rule.code}-spec"))
            continue
        cases.extend(
            pytest.param(rule.code, config, id=f"{rule.code}-{config.id}")
            for config in configurations
        )
    return cases


CASES = _cases()


@pytest.mark.parametrize(("code", "config"), CASES)
def test_flagged_example_and_its_fix(code: str, config: Config) -> None:
    failures = prove_flagged(_spec(code), config)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize(("code", "config"), CASES)
def test_corrected_example(code: str, config: Config) -> None:
    failures = prove_corrected(_spec(code), config)
    assert not failures, "\n".join(map(str, failures))


def test_catalogue_complete() -> None:
    """Every check rule has a spec with both examples, a fix safety that matches the rule
    and a proof whose truth exists and which shows the flagged example wrong somewhere;
    every check spec belongs to a registered rule."""
    rules = check_rules()
    assert rules, "no check rules are registered"
    problems: list[str] = []
    for rule in rules:
        try:
            spec = _spec(rule.code)
        except SpecError as error:
            problems.append(str(error))
            continue
        if spec.fix_safety != rule.fix_safety:
            problems.append(
                f"{rule.code}: the spec says the fix is {spec.fix_safety}, "
                f"the rule says {rule.fix_safety}"
            )
        if spec.proof.truth not in TRUTHS:
            problems.append(f"{rule.code}: unknown truth {spec.proof.truth!r}")
        if not any(spec.proof.is_wrong(c) for c in spec.proof.configurations()):
            problems.append(f"{rule.code}: wrong_when holds in no configuration of the proof")
    registered = {rule.code for rule in rules}
    for path in sorted(specs_dir().glob("BRN*.md")):
        code = path.name.split("-", 1)[0]
        if not code.startswith("BRN9") and code not in registered:
            problems.append(f"{path.name}: no registered rule {code}")
    assert not problems, "\n".join(problems)
