"""Execute an example and compare what it computed with a truth."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Any

import torch
from spec_examples import Proof
from torch import Tensor
from truths import TRUTHS, Truth, TruthError, reference_from_namespace

SEED = 0
ATOL = 1e-6


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


def run_example(source: str, proof: Proof) -> Run:
    """Exec `source` with a fixed seed; the result is the proof's variable(s)."""
    namespace: dict[str, Any] = {"__name__": "__birnn_example__"}
    run = Run(source, namespace)
    torch.manual_seed(SEED)
    try:
        with contextlib.redirect_stdout(io.StringIO()), torch.no_grad():
            exec(compile(source, "example.py", "exec"), namespace)
        values = tuple(namespace[name] for name in proof.result_names)
        run.result = values[0] if len(values) == 1 else values
    except Exception as error:  # raising is a result too: it differs from every truth
        run.error = error
    return run


def truth_of(run: Run, proof: Proof) -> Truth:
    """The proof's truth for the layer and input this run built (which must exist even
    when the example raised later)."""
    if proof.truth not in TRUTHS:
        raise TruthError(f"no truth named {proof.truth!r} in tests/runtime/truths.py")
    ref = reference_from_namespace(run.namespace, h0=proof.h0, c0=proof.c0)
    return TRUTHS[proof.truth](ref)


def shape_of(value: Any) -> Any:
    if isinstance(value, Tensor):
        return tuple(value.shape)
    if isinstance(value, (tuple, list)):
        return tuple(shape_of(v) for v in value)
    return type(value).__name__


def equals(value: Any, truth: Truth) -> bool:
    """Same structure, same shapes, values within ATOL."""
    if isinstance(truth, Tensor):
        return (
            isinstance(value, Tensor)
            and value.shape == truth.shape
            and torch.allclose(value.detach().to(truth.dtype), truth, atol=ATOL)
        )
    return (
        isinstance(value, (tuple, list))
        and len(value) == len(truth)
        and all(equals(v, t) for v, t in zip(value, truth, strict=True))
    )


def matches_truth(run: Run, truth: Truth) -> bool:
    return run.ran and equals(run.result, truth)


def describe(run: Run, truth: Truth) -> str:
    """One line for an assertion message."""
    if not run.ran:
        return f"raised {type(run.error).__name__}: {run.error}"
    got, want = shape_of(run.result), shape_of(truth)
    if got != want:
        return f"shape {got}, truth {want}"
    if isinstance(truth, Tensor) and isinstance(run.result, Tensor):
        gap = (run.result.detach().to(truth.dtype) - truth).abs().max().item()
        return f"shape {got}, max difference from the truth {gap:.3g}"
    return f"shape {got}, values differ from the truth"
