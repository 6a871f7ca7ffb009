"""The proof of a rule: its spec's examples, linted, run on real torch layers, fixed by
birnn-lint's own fixer and run again, in every configuration of its `## Proof`.

Three claims per configuration (what `tests/runtime/test_rule_proofs.py` asserts and
`birnn-lint prove` reports):

- flagged: birnn-lint reports the rule exactly where `wrong_when` holds, with a message
  that describes the real layer, and the flagged code's result is wrong (raises, has
  another shape, or differs far above the tolerance) exactly there, and equals the
  truth elsewhere;
- fix: the rule's fix is applied exactly where `wrong_when` holds, the fixed code gets no
  finding of the rule and equals the truth (keeping the shape, for a safe fix);
- corrected: the `## Use instead` example gets no finding at all and equals the truth.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from birnn_lint.engine import check_source
from birnn_lint.findings import Finding
from birnn_lint.fixing import fix_source
from birnn_lint.proof.device import Runtime
from birnn_lint.proof.execution import (
    CPU,
    clearly_differs,
    describe,
    matches_truth,
    run_example,
    shape_of,
    truth_of,
)
from birnn_lint.proof.spec_examples import RuleSpec
from birnn_lint.proof.variants import Config, make_variant
from birnn_lint.registry import FixSafety
from birnn_lint.strenum import StrEnum

FILENAME = "example.py"


class Claim(StrEnum):
    FLAGGED = "flagged"
    FIX = "fix"
    CORRECTED = "corrected"


@dataclass(frozen=True)
class Failure:
    code: str
    config: str  # Config.id
    claim: Claim
    message: str

    def __str__(self) -> str:
        return f"{self.code} {self.config} ({self.claim}): {self.message}"


def _findings(source: str) -> tuple[list[Finding], list[Finding]]:
    """(findings, birnn-lint's own failures on the source)."""
    findings = check_source(source, FILENAME)
    return findings, [f for f in findings if f.code.startswith("BRN9")]


def _lines(findings: Sequence[Finding]) -> str:
    return "; ".join(f"{f.code} {f.location.row}:{f.location.column} {f.message}" for f in findings)


def inferred(config: Config) -> str:
    """How a message must describe the example's layer: what the module really is."""
    directions = "bidirectional" if config.bidirectional else "unidirectional"
    layout = ", batch_first=True" if config.batch_first else ""
    return f"`rnn` ({config.kind}, {directions}, num_layers={config.num_layers}{layout}):"


def prove_flagged(spec: RuleSpec, config: Config, runtime: Runtime | None = None) -> list[Failure]:
    """The flagged and fix claims of one configuration: the problems found (none: both
    hold)."""
    code, proof = spec.code, spec.proof
    tolerance = runtime.tolerance if runtime is not None else CPU
    wrong = proof.is_wrong(config)
    where = f"(wrong_when {proof.wrong_when!r} is {wrong})"
    failures: list[Failure] = []

    def fail(claim: Claim, message: str) -> list[Failure]:
        failures.append(Failure(code, config.id, claim, message))
        return failures

    flagged = make_variant(spec.flagged, config)
    findings, broken = _findings(flagged)
    if broken:
        return fail(Claim.FLAGGED, f"birnn-lint failed on the example: {_lines(broken)}\n{flagged}")
    found = [f for f in findings if f.code == code]
    run = run_example(flagged, proof, runtime)
    truth = truth_of(run, proof)
    if bool(found) != wrong:
        fail(Claim.FLAGGED, f"{where}: findings [{_lines(found)}]\n{flagged}")
    elif wrong_message := next(
        (f.message for f in found if not f.message.startswith(inferred(config))), None
    ):
        fail(Claim.FLAGGED, f"{where}: the message misdescribes the layer: {wrong_message}")
    elif wrong and not clearly_differs(run, truth, tolerance):
        fail(Claim.FLAGGED, f"{where}: flagged example not clearly wrong: {describe(run, truth)}")
    elif not wrong and not matches_truth(run, truth, tolerance):
        fail(Claim.FLAGGED, f"{where}: flagged example {describe(run, truth)}")

    if spec.fix_safety is FixSafety.NONE:
        return failures
    offered = {f.fix.applicability if f.fix else "none" for f in found}
    # "safe or unsafe": each finding's fix is one or the other.
    if not offered <= set(spec.fix_safety.value.split(" or ")):
        return fail(Claim.FIX, f"{where}: the spec's fix is {spec.fix_safety}: {sorted(offered)}")
    outcome = fix_source(flagged, FILENAME, unsafe=True)
    fixed_source = outcome.source
    if any(f.code == code for f in outcome.fixed) != wrong:
        return fail(
            Claim.FIX, f"{where}: fixes applied [{_lines(outcome.fixed)}]; {outcome.messages}"
        )
    still = [f for f in _findings(fixed_source)[0] if f.code == code]
    if still:
        return fail(Claim.FIX, f"{where}: after the fix {_lines(still)}\n{fixed_source}")
    fixed = run_example(fixed_source, proof, runtime)
    fixed_truth = truth_of(fixed, proof)
    if not matches_truth(fixed, fixed_truth, tolerance):
        return fail(
            Claim.FIX, f"{where}: fixed example {describe(fixed, fixed_truth)}\n{fixed_source}"
        )
    if offered == {"safe"} and run.ran:
        if shape_of(fixed.result) != shape_of(run.result):
            return fail(
                Claim.FIX,
                f"{where}: a safe fix changed the shape {shape_of(run.result)} -> "
                f"{shape_of(fixed.result)}\n{fixed_source}",
            )
    return failures


def prove_corrected(
    spec: RuleSpec, config: Config, runtime: Runtime | None = None
) -> list[Failure]:
    """The corrected claim of one configuration."""
    tolerance = runtime.tolerance if runtime is not None else CPU
    corrected = make_variant(spec.corrected, config)
    findings, _ = _findings(corrected)
    if findings:
        message = f"corrected example flagged: {_lines(findings)}"
        return [Failure(spec.code, config.id, Claim.CORRECTED, message)]
    run = run_example(corrected, spec.proof, runtime)
    truth = truth_of(run, spec.proof)
    if not matches_truth(run, truth, tolerance):
        message = f"corrected example {describe(run, truth)}"
        return [Failure(spec.code, config.id, Claim.CORRECTED, message)]
    return []


@dataclass
class RuleProof:
    """A rule's whole matrix: how many configurations each claim held in."""

    code: str
    configurations: int = 0
    flagged: int = 0
    fix: int | None = 0  # None: the rule has no fix
    corrected: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.failures


def prove_rule(
    spec: RuleSpec,
    runtime: Runtime,
    progress: Callable[[str], None] | None = None,
) -> RuleProof:
    """Every configuration of the rule's proof; an error of the harness itself (an
    example the rewrite or the truth cannot handle) is a failure of that configuration."""
    started = time.perf_counter()
    result = RuleProof(spec.code, fix=None if spec.fix_safety is FixSafety.NONE else 0)
    for config in spec.proof.configurations():
        if progress is not None:
            progress(f"{spec.code} {config.id}")
        result.configurations += 1
        try:
            failures = prove_flagged(spec, config, runtime)
            failures += prove_corrected(spec, config, runtime)
        except Exception as error:  # the proof could not run: that is not a proof
            message = f"the proof could not run: {type(error).__name__}: {error}"
            failures = [Failure(spec.code, config.id, Claim.FLAGGED, message)]
            failed = {Claim.FLAGGED, Claim.FIX, Claim.CORRECTED}
        else:
            failed = {f.claim for f in failures}
        result.failures += failures
        result.flagged += Claim.FLAGGED not in failed
        result.corrected += Claim.CORRECTED not in failed
        if result.fix is not None:
            result.fix += Claim.FIX not in failed
    result.seconds = time.perf_counter() - started
    return result
