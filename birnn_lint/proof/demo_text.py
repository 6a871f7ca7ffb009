"""A `Demonstration` as text: small tables of rows, the wrong ones marked, and as JSON."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

from birnn_lint.proof.demo import Demonstration, Shown
from birnn_lint.proof.device import Tolerance
from birnn_lint.proof.execution import shape_of

MAX_ROWS = 8
_PREVIEW = 2  # values shown from each end of a row
_WIDTH = 34


def rows(value: Any, names: Sequence[str] = ()) -> list[tuple[str, Tensor]]:
    """A value cut into labelled rows: a tensor by its leading axes (all but the last two,
    or the first of a matrix), a tuple item by item."""
    if isinstance(value, (tuple, list)):
        # Labels read as Python: `forward[0]` for `forward, backward = ...`, `halves[1][0]`
        # for one variable holding a tuple.
        if len(names) == len(value):
            labels = list(names)
        else:
            owner = names[0] if len(names) == 1 else ""
            labels = [f"{owner}[{i}]" for i in range(len(value))]
        return [
            (f"{label}{sub}", block)
            for label, item in zip(labels, value, strict=True)
            for sub, block in rows(item)
        ]
    if not isinstance(value, Tensor):
        return []
    value = value.detach().cpu().float()
    if value.dim() <= 1:
        return [("", value)]
    lead = value.shape[: max(1, value.dim() - 2)]
    return [
        ("[" + ", ".join(map(str, index)) + "]", value[index])
        for index in itertools.product(*(range(n) for n in lead))
    ]


def preview(block: Tensor) -> str:
    """The first and last values of a row: for [forward | backward] features, a bit of
    each direction."""
    flat = block.flatten().tolist()
    shown = [f"{v:+.3f}" for v in flat]
    if len(shown) > 2 * _PREVIEW:
        shown = [*shown[:_PREVIEW], "...", *shown[-_PREVIEW:]]
    return " ".join(shown)


def _same(a: Tensor | None, b: Tensor | None, tolerance: Tolerance) -> bool:
    return (
        a is not None
        and b is not None
        and a.shape == b.shape
        and bool(torch.allclose(a, b, atol=tolerance.atol, rtol=tolerance.rtol))
    )


def _shape(value: Any) -> str:
    shape = shape_of(value)
    return str(shape) if not isinstance(shape, str) else shape


def table(
    heading: str, shown: Shown, names: Sequence[str], tolerance: Tolerance, mark: str
) -> tuple[list[str], int, int]:
    """Rows of the code's value beside the truth's; (lines, rows wrong, rows compared)."""
    got = dict(rows(shown.run.result, names))
    want = dict(rows(shown.truth, names))
    labels = list(want) + [label for label in got if label not in want]
    width = max((len(label) for label in labels), default=0) + 2
    lines = [
        f"{'':<{width}}{heading:<{_WIDTH}}truth",
        f"{'':<{width}}{_shape(shown.run.result):<{_WIDTH}}{_shape(shown.truth)}",
    ]
    wrong = [label for label in labels if not _same(got.get(label), want.get(label), tolerance)]
    for label in labels[:MAX_ROWS]:
        left = preview(got[label]) if label in got else ""
        right = preview(want[label]) if label in want else ""
        flag = f"  <- {mark}" if label in wrong else ""
        lines.append(f"{label:<{width}}{left:<{_WIDTH}}{right}{flag}".rstrip())
    hidden = labels[MAX_ROWS:]
    if hidden:
        hidden_wrong = sum(label in wrong for label in hidden)
        lines.append(f"... {len(hidden)} more rows ({hidden_wrong} {mark})")
    return lines, len(wrong), len(labels)


def _gap(shown: Shown) -> str:
    gap = shown.max_difference
    return f"{gap:.3g}" if gap is not None else "n/a"


def render(demo: Demonstration) -> str:
    tolerance = demo.runtime.tolerance
    out: list[str] = []
    device = demo.runtime.describe()
    notes = ", ".join(demo.runtime.notes)
    out.append(
        f"{demo.code} {demo.name}: the rule page's example on torch {torch.__version__}, "
        f"{device} ({notes})"
    )
    out.append("")
    out.append(f"  {demo.layer_line}")
    out.append(f"  x = torch.randn{demo.input_shape}")
    out.extend(f"  {line.strip()}" for line in demo.flagged.lines)
    if demo.finding is None:
        out.append(f"  birnn-lint does not flag it: {demo.code} is not reported!")
    else:
        out.extend(
            textwrap.wrap(
                demo.finding.message,
                width=88,
                initial_indent=f"  -> {demo.code} ",
                subsequent_indent="     ",
                break_on_hyphens=False,
            )
        )
    out.append("")
    modules = f"{demo.single_modules} single-layer, single-direction {demo.layer_kind}s"
    out.append(f"The truth ({demo.truth_name}): {demo.truth_doc}")
    out.append(f"From {modules} holding the layer's weights, one sample at a time.")
    out.append("")

    names = demo.result_names
    flagged = demo.flagged
    if not flagged.run.ran:
        error = f"{type(flagged.run.error).__name__}: {flagged.run.error}".splitlines()[0]
        out.append(f"The flagged code raises {error}")
    else:
        lines, wrong, total = table("flagged code", flagged, names, tolerance, "wrong")
        out.extend(lines)
        if shape_of(flagged.run.result) != shape_of(flagged.truth):
            verdict = "another shape than the truth"
        else:
            verdict = f"largest difference {_gap(flagged)}"
        out.append(f"{wrong} of {total} rows wrong; {verdict}.")
    out.append("")

    out.append(f"Fixed by {demo.fixed_by}:")
    out.extend(f"  {line.strip()}" for line in demo.fixed.lines)
    out.append("")
    fixed = demo.fixed
    if not fixed.run.ran:
        error = f"{type(fixed.run.error).__name__}: {fixed.run.error}".splitlines()[0]
        out.append(f"The fixed code raises {error}")
    else:
        lines, wrong, total = table("fixed code", fixed, names, tolerance, "differs")
        out.extend(lines)
        within = f"equal means within atol {tolerance.atol:g}, rtol {tolerance.rtol:g}"
        if demo.fixed_is_right:
            out.append(f"Equal to the truth: largest difference {_gap(fixed)} ({within}).")
        else:
            out.append(f"NOT equal to the truth: {wrong} of {total} rows differ ({within}).")
    if demo.holds:
        out.append("")
        out.append(f"{demo.code} holds: the flagged code is wrong, the fixed code is right.")
    else:
        out.append("")
        out.append(f"{demo.code} does NOT hold on this torch and device; please report it.")
    return "\n".join(out) + "\n"


def to_json(demo: Demonstration) -> dict[str, Any]:
    def part(shown: Shown) -> dict[str, Any]:
        run = shown.run
        return {
            "code": list(shown.lines),
            "shape": shape_of(run.result) if run.ran else None,
            "error": None if run.ran else f"{type(run.error).__name__}: {run.error}",
            "truth_shape": shape_of(shown.truth),
            "max_difference": shown.max_difference,
        }

    return {
        "code": demo.code,
        "name": demo.name,
        "torch": torch.__version__,
        "device": str(demo.runtime.device),
        "tolerance": {"atol": demo.runtime.tolerance.atol, "rtol": demo.runtime.tolerance.rtol},
        "truth": demo.truth_name,
        "finding": demo.finding.message if demo.finding else None,
        "flagged": part(demo.flagged) | {"wrong": demo.flagged_is_wrong},
        "fixed": part(demo.fixed) | {"equals_truth": demo.fixed_is_right},
        "fixed_by": demo.fixed_by,
        "holds": demo.holds,
    }
