"""`birnn-lint prove` run as users run it: on the CPU, on a deliberately wrong claim,
without torch, and on an unavailable device."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from prove_support import birnn, spec_with, without_torch

from birnn_lint.registry import check_rules

QUICK = "BRN001,BRN008"  # a safe fix and a flagged example that raises


def test_prove_on_cpu_holds_and_reports_every_claim() -> None:
    result = birnn("prove", "--select", QUICK, "--format", "json")
    assert result.code == 0, result
    report = result.json()
    assert report["holds"] is True
    assert report["torch"] == torch.__version__ and report["device"] == "cpu"
    assert report["tolerance"]["atol"] < report["tolerance"]["wrong_gap"] / 100
    assert [rule["code"] for rule in report["rules"]] == ["BRN001", "BRN008"]
    for rule in report["rules"]:
        total = rule["configurations"]
        assert total >= 6, rule
        assert rule["flagged_exactly_where_wrong"] == total
        assert rule["fix_equals_truth"] == total
        assert rule["corrected_equals_truth"] == total
        assert rule["failures"] == [] and rule["seconds"] > 0


def test_prove_text_table() -> None:
    result = birnn("prove", "--select", "BRN001")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == f"birnn-lint prove: torch {torch.__version__} on cpu (float32)."
    header = next(line for line in lines if line.startswith("rule "))
    for column in ("configurations", "flagged exactly where wrong", "fix equals truth", "time"):
        assert column in header
    (row,) = [line for line in lines if line.startswith("BRN001 ")]
    assert row.split()[:5] == ["BRN001", "12", "12/12", "12/12", "12/12"], row
    assert lines[-1].startswith("Every claim holds: 1 rule, 12 configurations")


def test_a_wrong_claim_is_reported_as_failing(tmp_path: Path) -> None:
    """BRN002's page claiming its flagged example is wrong for unidirectional layers (it is
    wrong for bidirectional ones): every configuration contradicts the claim."""
    page = spec_with(
        "BRN002", 'wrong_when = "bidirectional"', 'wrong_when = "not bidirectional"', tmp_path
    )
    result = birnn("prove", "--spec", page, "--format", "json")
    assert result.code == 1, result
    (rule,) = result.json()["rules"]
    assert rule["code"] == "BRN002" and not rule["holds"]
    assert rule["flagged_exactly_where_wrong"] == 0
    failed = {failure["configuration"] for failure in rule["failures"]}
    assert "GRU-L2-tm-bi" in failed and "RNN-L1-bf-uni" in failed

    text = birnn("prove", "--spec", page)
    assert text.code == 1
    assert "claims do NOT hold" in text.out
    assert "BRN002 GRU-L2-tm-bi (flagged): (wrong_when 'not bidirectional' is False)" in text.out


def test_a_wrong_truth_is_reported_as_failing(tmp_path: Path) -> None:
    """BRN001's page naming the layer-major truth: its fixed and corrected code (which
    are direction-major) now contradict the page."""
    page = spec_with(
        "BRN001",
        'truth = "final_states_direction_major"',
        'truth = "final_states"',
        tmp_path,
    )
    result = birnn("prove", "--spec", page, "--format", "json")
    assert result.code == 1, result
    (rule,) = result.json()["rules"]
    assert rule["fix_equals_truth"] == 0 and rule["corrected_equals_truth"] == 0
    claims = {failure["claim"] for failure in rule["failures"]}
    assert {"fix", "corrected"} <= claims


def test_every_rule_is_selectable_and_unknown_ones_are_refused() -> None:
    codes = [rule.code for rule in check_rules()]
    assert codes[0] == "BRN001" and len(codes) >= 13
    refused = birnn("prove", "--select", "BRN900")
    assert refused.code == 2 and "no check rule" in refused.err
    assert birnn("prove", "--select", "BRN001", "--spec", "x.md").code == 2


def test_without_torch_prove_says_how_to_install(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(without_torch(tmp_path)))
    result = birnn("prove", env=env)
    assert result.code == 2, result
    assert 'pip install "birnn-lint[prove]"' in result.err
    assert result.out == ""


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_unavailable_cuda_cannot_run() -> None:
    result = birnn("prove", "--device", "cuda", "--select", "BRN001")
    assert result.code == 2, result
    assert "CUDA is not available" in result.err


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device (none here)")
def test_prove_on_cuda() -> None:
    result = birnn("prove", "--device", "cuda", "--format", "json")
    assert result.code == 0, result
    report = result.json()
    assert report["device"].startswith("cuda") and "TF32 off (cuBLAS and cuDNN)" in str(report)


@pytest.mark.skipif(
    not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()),
    reason="needs an Apple MPS device (none here)",
)
def test_prove_on_mps() -> None:
    result = birnn("prove", "--device", "mps", "--format", "json")
    assert result.code == 0, result
