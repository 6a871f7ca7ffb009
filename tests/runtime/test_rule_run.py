"""`birnn-lint rule CODE --run`: every check rule's page example shown on real torch."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import torch
from prove_support import RULES, birnn, without_torch

from birnn_lint.proof.demo import demonstrate
from birnn_lint.proof.demo_text import render, rows
from birnn_lint.proof.device import DeviceKind, prepare
from birnn_lint.proof.spec_examples import load_rule_spec
from birnn_lint.registry import check_rules

CHECK_RULES = [rule for rule in check_rules()]


def test_brn001_demonstration_as_users_see_it() -> None:
    result = birnn("rule", "BRN001", "--run")
    assert result.code == 0, result
    out = result.out
    title = "BRN001 hidden-direction-layer-order: the rule page's example on torch"
    assert out.startswith(f"{title} {torch.__version__}, cpu")
    assert "  states = h_n.view(2, rnn.num_layers, h_n.size(1), rnn.hidden_size)\n" in out
    assert "  -> BRN001 `rnn` (GRU, bidirectional, num_layers=3):" in out
    assert "From 6 single-layer, single-direction GRUs holding the layer's weights" in out
    flagged, fixed = out.split("Fixed by birnn-lint check --fix:")
    # h_n.view(2, 3, ...) against the truth: rows [0, 0] and [1, 2] are right by
    # coincidence of the layout (rows 0 and 5), the four others are another layer's state.
    marked = re.findall(r"^(\[\d, \d\]) .*<- wrong$", flagged, re.MULTILINE)
    assert marked == ["[0, 1]", "[0, 2]", "[1, 0]", "[1, 1]"], flagged
    assert re.search(r"^\[0, 0\] ", flagged, re.MULTILINE)
    assert "4 of 6 rows wrong; largest difference" in flagged
    assert (
        "  states = h_n.view(rnn.num_layers, 2, h_n.size(1), rnn.hidden_size).transpose(0, 1)"
        in fixed
    )
    assert "<-" not in fixed and "Equal to the truth: largest difference" in fixed
    assert out.rstrip().endswith(
        "BRN001 holds: the flagged code is wrong, the fixed code is right."
    )


def test_brn001_demonstration_as_json() -> None:
    result = birnn("rule", "BRN001", "--run", "--format", "json")
    assert result.code == 0, result
    demo = result.json()
    assert demo["holds"] and demo["flagged"]["wrong"] and demo["fixed"]["equals_truth"]
    assert demo["flagged"]["shape"] == demo["flagged"]["truth_shape"] == [2, 3, 4, 16]
    assert demo["flagged"]["max_difference"] > 0.1
    assert demo["fixed"]["max_difference"] < 1e-6


@pytest.mark.parametrize("code", [rule.code for rule in CHECK_RULES])
def test_every_check_rule_has_a_demonstration_that_holds(code: str) -> None:
    runtime = prepare(DeviceKind.CPU)
    rule = next(r for r in CHECK_RULES if r.code == code)
    demo = demonstrate(rule.name, load_rule_spec(code), runtime)
    assert demo.finding is not None and demo.finding.code == code
    assert demo.flagged.lines, "the flagged line is shown"
    assert demo.flagged_is_wrong and demo.fixed_is_right
    text = render(demo)
    assert f"{code} holds:" in text
    if demo.flagged.run.ran:
        assert "<- wrong" in text or "another shape" in text


def test_rows_follow_the_layout() -> None:
    h = torch.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)
    assert [label for label, _ in rows(h)] == [f"[{d}, {k}]" for d in range(2) for k in range(3)]
    assert [label for label, _ in rows(h[0, 0])] == ["[0]", "[1]", "[2]", "[3]"]
    pair = rows((h[0, 0], h[1, 1]), ("forward", "backward"))
    assert pair[0][0] == "forward[0]" and pair[-1][0] == "backward[3]"
    halves = rows((h[0, 0], h[1, 1]), ("halves",))
    assert halves[0][0] == "halves[0][0]" and halves[-1][0] == "halves[1][3]"


def test_diagnostics_and_unknown_codes_have_nothing_to_run() -> None:
    diagnostic = birnn("rule", "BRN900", "--run")
    assert diagnostic.code == 2 and "diagnostic" in diagnostic.err
    assert birnn("rule", "BRN999", "--run").code == 2
    assert birnn("rule", "--all", "--run").code == 2


def test_without_torch_rule_run_says_how_to_install(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(without_torch(tmp_path)))
    result = birnn("rule", "BRN001", "--run", env=env)
    assert result.code == 2, result
    assert "cannot import torch" in result.err
    assert 'pip install "birnn-lint[prove]"' in result.err
    # The page itself needs no torch.
    page = birnn("rule", "BRN001", env=env)
    assert page.code == 0 and page.out.startswith("# BRN001")


def _masked(text: str) -> str:
    """Text with its numbers (values, differences, torch's version) masked: float32
    rounding may differ in the last digits between CPUs."""
    return re.sub(r"[+-]?\d+(\.\d+)*(e-?\d+)?(\+\w+)?", "N", text)


def test_readme_shows_the_real_brn001_demonstration() -> None:
    readme = (RULES.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("$ birnn-lint rule BRN001 --run\n") + len(
        "$ birnn-lint rule BRN001 --run\n"
    )
    shown = readme[start : readme.index("```", start)]
    result = birnn("rule", "BRN001", "--run")
    assert _masked(shown) == _masked(result.out)
