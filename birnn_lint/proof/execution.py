"""Execute an example and compare what it computed with a truth."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from birnn_lint.proof.device import TOLERANCES, DeviceKind, Runtime, Tolerance, quiet
from birnn_lint.proof.spec_examples import Proof
from birnn_lint.proof.truths import TRUTHS, Truth, TruthError, reference_from_namespace

SEED = 0
CPU = TOLERANCES[DeviceKind.CPU]
ATOL = CPU.atol


@dataclass
class Run:
    """An executed example: its result, or the error it raised, and its truth."""

    source: str
    namespace: dict[str, Any]
    result: Any = None
    error: BaseException | None = None

    @property
    def ran(self) -> bool:
        return self.error is None


def run_example(source: str, proof: Proof, runtime: Runtime | None = None) -> Run:
    """Exec `source` with a fixed seed (on the runtime's device, CPU by default); the
    result is the proof's variable(s)."""
    namespace: dict[str, Any] = {"__name__": "__birnn_example__"}
    run = Run(source, namespace)
    torch.manual_seed(SEED)
    placement = runtime.placement() if runtime is not None else contextlib.nullcontext()
    try:
        with contextlib.redirect_stdout(io.StringIO()), torch.no_grad(), quiet(), placement:
            exec(compile(source, "example.py", "exec"), namespace)
        values = tuple(namespace[name] for name in proof.result_names)
        run.result = values[0] if len(values) == 1 else values
    except Exception as error:  # raising is a result too: it differs from every truth
        run.error = error
    return run


def truth_of(run: Run, proof: Proof) -> Truth:
    """The proof's truth for the layer and input this run built (which must exist even
    when the example raised later), computed on the CPU."""
    if proof.truth not in TRUTHS:
        raise TruthError(f"no truth named {proof.truth!r} in birnn_lint/proof/truths.py")
    ref = reference_from_namespace(run.namespace, h0=proof.h0, c0=proof.c0)
    with quiet():
        return TRUTHS[proof.truth](ref)


def shape_of(value: Any) -> Any:
    if isinstance(value, Tensor):
        return tuple(value.shape)
    if isinstance(value, (tuple, list)):
        return tuple(shape_of(v) for v in value)
    return type(value).__name__


def _on_truth(value: Tensor, truth: Tensor) -> Tensor:
    return value.detach().to(device=truth.device, dtype=truth.dtype)


def equals(value: Any, truth: Truth, tolerance: Tolerance = CPU) -> bool:
    """Same structure, same shapes, values within the tolerance."""
    if isinstance(truth, Tensor):
        return (
            isinstance(value, Tensor)
            and value.shape == truth.shape
            and torch.allclose(
                _on_truth(value, truth), truth, atol=tolerance.atol, rtol=tolerance.rtol
            )
        )
    return (
        isinstance(value, (tuple, list))
        and len(value) == len(truth)
        and all(equals(v, t, tolerance) for v, t in zip(value, truth, strict=True))
    )


def max_difference(value: Any, truth: Truth) -> float | None:
    """The largest absolute difference between `value` and the truth, None when their
    structure or shapes differ (nan when a value is nan)."""
    if isinstance(truth, Tensor):
        if not isinstance(value, Tensor) or value.shape != truth.shape:
            return None
        if truth.numel() == 0:
            return 0.0
        return float((_on_truth(value, truth) - truth).abs().max().item())
    if not isinstance(value, (tuple, list)) or len(value) != len(truth):
        return None
    gaps = [max_difference(v, t) for v, t in zip(value, truth, strict=True)]
    if any(gap is None for gap in gaps):
        return None
    return max((gap for gap in gaps if gap is not None), default=0.0)


def matches_truth(run: Run, truth: Truth, tolerance: Tolerance = CPU) -> bool:
    return run.ran and equals(run.result, truth, tolerance)


def clearly_differs(run: Run, truth: Truth, tolerance: Tolerance = CPU) -> bool:
    """The run is wrong beyond doubt: it raised, has another structure or shape, or is
    at least `wrong_gap` away from the truth somewhere (far above rounding)."""
    if not run.ran:
        return True
    gap = max_difference(run.result, truth)
    return gap is None or gap >= tolerance.wrong_gap


def describe(run: Run, truth: Truth) -> str:
    """One line for an assertion message."""
    if not run.ran:
        return f"raised {type(run.error).__name__}: {run.error}"
    got, want = shape_of(run.result), shape_of(truth)
    if got != want:
        return f"shape {got}, truth {want}"
    gap = max_difference(run.result, truth)
    if gap is not None:
        return f"shape {got}, max difference from the truth {gap:.3g}"
    return f"shape {got}, values differ from the truth"
