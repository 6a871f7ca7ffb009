"""The `birnn-lint prove` report: a table per rule, or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from birnn_lint.proof.device import Runtime
from birnn_lint.proof.matrix import RuleProof

_COLUMNS = (
    ("rule", 6),
    ("configurations", 14),
    ("flagged exactly where wrong", 27),
    ("fix equals truth", 16),
    ("corrected equals truth", 22),
    ("time", 7),
)


def _count(held: int | None, total: int) -> str:
    return "no fix" if held is None else f"{held}/{total}"


def header(runtime: Runtime, torch_version: str) -> str:
    tolerance = runtime.tolerance
    notes = ", ".join(runtime.notes)
    return (
        f"birnn-lint prove: torch {torch_version} on {runtime.describe()} ({notes}).\n"
        f"Equal: within atol {tolerance.atol:g}, rtol {tolerance.rtol:g}. Wrong: raises, "
        f"another shape, or a difference of {tolerance.wrong_gap:g} or more.\n"
    )


def render_text(proofs: Sequence[RuleProof], runtime: Runtime, torch_version: str) -> str:
    lines = [header(runtime, torch_version)]
    lines.append("  ".join(f"{name:<{width}}" for name, width in _COLUMNS).rstrip())
    for proof in proofs:
        total = proof.configurations
        cells = (
            proof.code,
            str(total),
            _count(proof.flagged, total),
            _count(proof.fix, total),
            _count(proof.corrected, total),
            f"{proof.seconds:.1f}s",
        )
        lines.append(
            "  ".join(
                f"{cell:<{width}}" for cell, (_, width) in zip(cells, _COLUMNS, strict=True)
            ).rstrip()
        )
    failures = [failure for proof in proofs for failure in proof.failures]
    configurations = sum(proof.configurations for proof in proofs)
    seconds = sum(proof.seconds for proof in proofs)
    lines.append("")
    if failures:
        lines.append(f"{len(failures)} claims do NOT hold:")
        lines.extend("  " + str(failure).rstrip().replace("\n", "\n    ") for failure in failures)
    else:
        rules = f"{len(proofs)} rule" + ("" if len(proofs) == 1 else "s")
        lines.append(
            f"Every claim holds: {rules}, {configurations} configurations, {seconds:.1f}s."
        )
    return "\n".join(lines) + "\n"


def render_json(
    proofs: Sequence[RuleProof], runtime: Runtime, torch_version: str
) -> dict[str, Any]:
    tolerance = runtime.tolerance
    return {
        "torch": torch_version,
        "device": runtime.describe(),
        "arithmetic": list(runtime.notes),
        "tolerance": {
            "atol": tolerance.atol,
            "rtol": tolerance.rtol,
            "wrong_gap": tolerance.wrong_gap,
        },
        "holds": all(proof.holds for proof in proofs),
        "rules": [
            {
                "code": proof.code,
                "configurations": proof.configurations,
                "flagged_exactly_where_wrong": proof.flagged,
                "fix_equals_truth": proof.fix,
                "corrected_equals_truth": proof.corrected,
                "seconds": round(proof.seconds, 3),
                "holds": proof.holds,
                "failures": [
                    {
                        "configuration": failure.config,
                        "claim": failure.claim.value,
                        "message": failure.message,
                    }
                    for failure in proof.failures
                ],
            }
            for proof in proofs
        ],
    }
