"""One rule's page example run on real torch (`birnn-lint rule CODE --run`): what the
flagged code computes, the truth from single-layer, single-direction modules holding the
same weights, and what the code as birnn-lint's fixer rewrites it computes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from torch import Tensor, nn

from birnn_lint.engine import check_source
from birnn_lint.findings import Finding
from birnn_lint.fixing import fix_source
from birnn_lint.proof.device import Runtime
from birnn_lint.proof.execution import (
    Run,
    clearly_differs,
    matches_truth,
    max_difference,
    run_example,
    truth_of,
)
from birnn_lint.proof.spec_examples import RuleSpec
from birnn_lint.proof.truths import TRUTHS, Truth, find_layer
from birnn_lint.registry import FixSafety

FILENAME = "example.py"
_LAYER_CALL = re.compile(r"\b(RNN|GRU|LSTM)\(")


@dataclass(frozen=True)
class Shown:
    """One piece of code, run: the lines that matter, its result and its truth."""

    lines: tuple[str, ...]
    run: Run
    truth: Truth

    @property
    def max_difference(self) -> float | None:
        return max_difference(self.run.result, self.truth) if self.run.ran else None


@dataclass(frozen=True)
class Demonstration:
    code: str
    name: str
    runtime: Runtime
    result_names: tuple[str, ...]
    layer_line: str  # the example's layer construction
    input_shape: tuple[int, ...]
    layer_kind: str  # "GRU"
    single_modules: int  # how many single-layer, single-direction modules give the truth
    truth_name: str
    truth_doc: str
    finding: Finding | None  # the rule's finding on the example (None: not flagged!)
    flagged: Shown
    fixed: Shown
    fixed_by: str  # "birnn-lint check --fix" / "... --unsafe-fixes" / "the page's corrected code"

    @property
    def flagged_is_wrong(self) -> bool:
        return clearly_differs(self.flagged.run, self.flagged.truth, self.runtime.tolerance)

    @property
    def fixed_is_right(self) -> bool:
        return matches_truth(self.fixed.run, self.fixed.truth, self.runtime.tolerance)

    @property
    def holds(self) -> bool:
        return self.finding is not None and self.flagged_is_wrong and self.fixed_is_right


def _changed_lines(before: str, after: str) -> tuple[str, ...]:
    """The lines of `after` that are not in `before` (what a fix wrote)."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines())
    new = after.splitlines()
    return tuple(
        line
        for tag, _, _, j1, j2 in matcher.get_opcodes()
        if tag in ("replace", "insert")
        for line in new[j1:j2]
    )


def demonstrate(name: str, spec: RuleSpec, runtime: Runtime) -> Demonstration:
    """Run the page's flagged example as written, its truth, and its fix."""
    code, proof = spec.code, spec.proof
    source = spec.flagged
    findings = [f for f in check_source(source, FILENAME) if f.code == code]
    finding = findings[0] if findings else None
    lines = source.splitlines()
    if finding is not None:
        flagged_lines = tuple(lines[finding.location.row - 1 : finding.end_location.row])
    else:
        flagged_lines = ()
    flagged_run = run_example(source, proof, runtime)
    flagged = Shown(flagged_lines, flagged_run, truth_of(flagged_run, proof))

    if spec.fix_safety is FixSafety.NONE:
        fixed_source, fixed_by = spec.corrected, "the page's corrected code"
    else:
        fixed_source = fix_source(source, FILENAME, unsafe=True).source
        unsafe = finding is None or finding.fix is None or finding.fix.applicability != "safe"
        fixed_by = "birnn-lint check --fix" + (" --unsafe-fixes" if unsafe else "")
    fixed_run = run_example(fixed_source, proof, runtime)
    fixed = Shown(_changed_lines(source, fixed_source), fixed_run, truth_of(fixed_run, proof))

    layer = find_layer(flagged_run.namespace)
    x = flagged_run.namespace.get("x")
    doc = (TRUTHS[proof.truth].__doc__ or "").strip().splitlines()
    return Demonstration(
        code=code,
        name=name,
        runtime=runtime,
        result_names=proof.result_names,
        layer_line=next((line.strip() for line in lines if _LAYER_CALL.search(line)), ""),
        input_shape=tuple(x.shape) if isinstance(x, Tensor) else (),
        layer_kind=type(layer).__name__,
        single_modules=_modules(layer),
        truth_name=proof.truth,
        truth_doc=" ".join(line.strip() for line in doc),
        finding=finding,
        flagged=flagged,
        fixed=fixed,
        fixed_by=fixed_by,
    )


def _modules(layer: nn.RNNBase) -> int:
    return layer.num_layers * (2 if layer.bidirectional else 1)
