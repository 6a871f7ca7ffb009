"""The function forms of tensor methods (`torch.reshape(h, ...)`, `torch.chunk(out, ...)`):
reported on the code as written, and fixed into code that torch proves right.

They used to be analysed through a call built for the method form, which had no place in
the file: every such finding ended as an internal error (BRN902)."""

from __future__ import annotations

from typing import Any

import pytest
import torch

from birnn_lint.engine import check_source
from birnn_lint.fixing import fix_source

HEAD = """import torch
from torch import nn

torch.manual_seed(0)
rnn = nn.GRU(4, 6, num_layers=3, bidirectional=True{batch_first})
x = torch.randn({shape})
out, h = rnn(x)
"""

# name -> (batch_first, the flagged line, the code the flagged line means, rule)
CASES: dict[str, tuple[bool, str, str, str]] = {
    "torch.reshape batch-first": (
        True,
        "result = torch.reshape(h, (x.size(0), -1))",
        "result = torch.stack([h[:, b].reshape(-1) for b in range(x.size(0))])",
        "BRN003",
    ),
    "torch.chunk of the rows": (
        False,
        "result = torch.cat(torch.chunk(h, 2, dim=0), dim=-1)",
        "result = torch.cat((h[0::2], h[1::2]), dim=-1)",
        "BRN001",
    ),
    "torch.chunk of the output, axis named": (
        False,
        "result = torch.chunk(out, 2, dim=1)[0]",
        "result = out[..., :6]",
        "BRN010",
    ),
    "torch.chunk of the output, default axis": (
        False,
        "result = torch.chunk(out, 2)[0]",
        "result = out[..., :6]",
        "BRN010",
    ),
    "torch.reshape of an expression": (
        True,
        "result = torch.reshape(h * 1.0, (x.size(0), -1))",
        "result = torch.stack([h[:, b].reshape(-1) for b in range(x.size(0))])",
        "BRN003",
    ),
    "torch.chunk of an expression's rows": (
        False,
        "result = torch.cat(torch.chunk(h + 0, 2), dim=-1)",
        "result = torch.cat((h[0::2], h[1::2]), dim=-1)",
        "BRN001",
    ),
    "torch.chunk of the output, the input by keyword": (
        False,
        "result = torch.chunk(chunks=2, input=out, dim=1)[0]",
        "result = out[..., :6]",
        "BRN010",
    ),
    "torch.unsqueeze of the state, then its last row": (
        False,
        "result = torch.unsqueeze(h, 0)[0][-1]",
        "result = torch.cat((h[-2], h[-1]), dim=-1)",
        "BRN002",
    ),
    "method chunk of the output, default axis": (
        False,
        "result = out.chunk(2)[0]",
        "result = out[..., :6]",
        "BRN010",
    ),
}


def _source(batch_first: bool, line: str) -> str:
    shape = "3, 6, 4" if batch_first else "6, 3, 4"
    return (
        HEAD.format(batch_first=", batch_first=True" if batch_first else "", shape=shape)
        + line
        + "\n"
    )


def _run(source: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "snippet.py", "exec"), namespace)
    return namespace["result"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_function_form_is_reported_where_written_and_fixed_right(name: str) -> None:
    batch_first, line, meant, code = CASES[name]
    source = _source(batch_first, line)
    found = check_source(source, "m.py")
    assert [(f.code, f.location.row) for f in found] == [(code, 8)], [f.message for f in found]
    truth = _run(_source(batch_first, meant))
    assert not (_run(source).shape == truth.shape and torch.equal(_run(source), truth))
    fixed = fix_source(source, "m.py", unsafe=True)
    assert [f.code for f in fixed.fixed] == [code]
    assert torch.equal(_run(fixed.source), truth), fixed.source.splitlines()[-1]


def test_a_module_alias_is_not_taken_for_the_tensor() -> None:
    source = _source(False, "fwd, bwd = th.chunk(h, 2)\nresult = torch.cat((fwd, bwd), -1)")
    source = source.replace("import torch\n", "import torch\nimport torch as th\n", 1)
    fixed = fix_source(source, "m.py", unsafe=True)
    assert [f.code for f in fixed.fixed] == ["BRN001"]
    assert "th[" not in fixed.source
    truth = _run(_source(False, "result = torch.cat((h[0::2], h[1::2]), dim=-1)"))
    assert torch.equal(_run(fixed.source), truth)


def test_no_fix_where_moving_the_batch_first_would_not_separate_the_samples() -> None:
    # (T, B) step means viewed as (-1, 2 * B): each row holds (step, sample) pairs; moving
    # the batch first would still put two samples in each row, so no fix is offered.
    source = _source(False, "s = out.mean(2)\nresult = s.reshape(-1, 2 * x.size(1))")
    [finding] = check_source(source, "m.py")
    assert finding.code == "BRN003" and finding.fix is None
    ns: dict[str, Any] = {}
    exec(compile(source, "snippet.py", "exec"), ns)
    # Row 0 is steps 0 and 1 of every sample: three samples' values side by side.
    assert torch.equal(ns["result"][0], torch.cat((ns["s"][0], ns["s"][1])))
