"""The runtime proof of every rule: its spec's examples, linted, run on real torch layers,
fixed by birnn-lint's own fixer and run again, in every configuration of its proof."""

from __future__ import annotations

from functools import cache

import pytest
from execution import describe, matches_truth, run_example, shape_of, truth_of
from spec_examples import RuleSpec, SpecError, load_rule_spec
from truths import TRUTHS
from variants import Config, make_variant

from birnn_lint.engine import check_source
from birnn_lint.findings import Finding
from birnn_lint.fixing import FixOutcome, fix_source
from birnn_lint.registry import check_rules
from birnn_lint.specs import specs_dir

FILENAME = "example.py"


@cache
def _spec(code: str) -> RuleSpec:
    return load_rule_spec(code)


def _cases() -> list:
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


def _findings(source: str) -> list[Finding]:
    findings = check_source(source, FILENAME)
    broken = [f for f in findings if f.code.startswith("BRN9")]
    assert not broken, f"birnn-lint failed on the example: {broken}\n{source}"
    return findings


def _lines(findings: list[Finding]) -> str:
    return "; ".join(f"{f.code} {f.location.row}:{f.location.column} {f.message}" for f in findings)


def _inferred(config: Config) -> str:
    """How a message must describe the example's layer: what the module really is."""
    directions = "bidirectional" if config.bidirectional else "unidirectional"
    layout = ", batch_first=True" if config.batch_first else ""
    return f"`rnn` ({config.kind}, {directions}, num_layers={config.num_layers}{layout}):"


@pytest.mark.parametrize(("code", "config"), CASES)
def test_flagged_example_and_its_fix(code: str, config: Config) -> None:
    spec = _spec(code)
    proof = spec.proof
    wrong = proof.is_wrong(config)
    where = f"{code} {config.id} (wrong_when {proof.wrong_when!r} is {wrong})"
    flagged = make_variant(spec.flagged, config)

    found = [f for f in _findings(flagged) if f.code == code]
    assert bool(found) == wrong, f"{where}: findings {_lines(found)}\n{flagged}"
    for finding in found:
        assert finding.message.startswith(_inferred(config)), f"{where}: {finding.message}"

    run = run_example(flagged, proof)
    truth = truth_of(run, proof)
    assert matches_truth(run, truth) != wrong, f"{where}: flagged example {describe(run, truth)}"

    if spec.fix_safety == "none":
        return
    offered = {f.fix.applicability if f.fix else "none" for f in found}
    allowed = set(spec.fix_safety.split(" or "))
    assert offered <= allowed, f"{where}: the spec's fix is {spec.fix_safety}: {offered}"
    outcome: FixOutcome = fix_source(flagged, FILENAME, unsafe=True)
    fixed_source = outcome.source
    assert any(f.code == code for f in outcome.fixed) == wrong, (
        f"{where}: fixes applied {_lines(outcome.fixed)}; {outcome.messages}"
    )
    still = [f for f in _findings(fixed_source) if f.code == code]
    assert not still, f"{where}: after the fix {_lines(still)}\n{fixed_source}"
    fixed = run_example(fixed_source, proof)
    fixed_truth = truth_of(fixed, proof)
    assert matches_truth(fixed, fixed_truth), (
        f"{where}: fixed example {describe(fixed, fixed_truth)}\n{fixed_source}"
    )
    if offered == {"safe"} and run.ran:
        assert shape_of(fixed.result) == shape_of(run.result), (
            f"{where}: a safe fix changed the shape {shape_of(run.result)} -> "
            f"{shape_of(fixed.result)}\n{fixed_source}"
        )


@pytest.mark.parametrize(("code", "config"), CASES)
def test_corrected_example(code: str, config: Config) -> None:
    spec = _spec(code)
    corrected = make_variant(spec.corrected, config)
    findings = _findings(corrected)
    assert not findings, f"{code} {config.id}: corrected example flagged: {_lines(findings)}"
    run = run_example(corrected, spec.proof)
    truth = truth_of(run, spec.proof)
    assert matches_truth(run, truth), f"{code} {config.id}: corrected {describe(run, truth)}"


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
        if spec.fix_safety != (rule.fix_safety or "none"):
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
