"""Running a spec's examples against the truth, on the BRN002-like sample spec: the part
of the proof that needs no linter."""

from __future__ import annotations

import pytest
import torch
from sample_spec import FIXED_EXPRESSION, SPEC

from birnn_lint.proof.execution import (
    Run,
    clearly_differs,
    equals,
    matches_truth,
    max_difference,
    run_example,
    shape_of,
    truth_of,
)
from birnn_lint.proof.spec_examples import parse_proof, parse_rule_spec
from birnn_lint.proof.variants import make_variant

SAMPLE = parse_rule_spec("BRN002", SPEC)
CONFIGS = SAMPLE.proof.configurations()


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.id)
def test_sample_examples_against_the_truth(config) -> None:
    proof = SAMPLE.proof
    wrong = proof.is_wrong(config)
    flagged = run_example(make_variant(SAMPLE.flagged, config), proof)
    truth = truth_of(flagged, proof)
    assert flagged.ran
    assert matches_truth(flagged, truth) != wrong
    corrected = run_example(make_variant(SAMPLE.corrected, config), proof)
    assert matches_truth(corrected, truth_of(corrected, proof))
    if wrong:  # what the rule's unsafe fix would write: right, and wider
        fixed_source = make_variant(SAMPLE.flagged, config).replace("h_n[-1]", FIXED_EXPRESSION)
        fixed = run_example(fixed_source, proof)
        assert matches_truth(fixed, truth_of(fixed, proof))
        assert shape_of(fixed.result) != shape_of(flagged.result)


def test_an_example_that_raises_differs_but_still_has_a_truth() -> None:
    config = CONFIGS[0]
    source = make_variant(SAMPLE.flagged, config).replace("h_n[-1]", "h_n.view(7, -1, 6)")
    run = run_example(source, SAMPLE.proof)
    assert not run.ran and isinstance(run.error, RuntimeError)
    assert not matches_truth(run, truth_of(run, SAMPLE.proof))


def test_initial_state_expression_and_tuple_results() -> None:
    source = """\
import torch
from torch import nn

rnn = nn.GRU(5, 6, num_layers=2, bidirectional=True)
x = torch.randn(4, 3, 5)
init = torch.randn(3, 4, 6)  # per sample: (B, L*D, H)
output, h_n = rnn(x, init.transpose(0, 1).contiguous())
forward, backward = output[..., :6], output[..., 6:]
"""
    proof_text = """\
result = "forward, backward"
truth = "output_direction_halves"
kinds = ["GRU"]
num_layers = [2]
batch_first = [false]
bidirectional = [true]
wrong_when = "False"
"""
    proof = parse_proof(proof_text + 'h0 = "init.transpose(0, 1)"\n')
    run = run_example(source, proof)
    assert matches_truth(run, truth_of(run, proof))
    # Without the proof's h0 the truth starts from zeros, and the example disagrees.
    zero_start = parse_proof(proof_text)
    assert not matches_truth(run, truth_of(run, zero_start))


def test_comparison_catches_shape_and_value_changes() -> None:
    truth = torch.arange(6.0).reshape(2, 3)
    assert equals(truth.clone(), truth)
    assert not equals(truth.reshape(3, 2), truth)
    assert not equals(truth + 1e-3, truth)
    assert not equals((truth,), truth)
    assert not equals(truth, (truth,))
    assert equals((truth, truth), (truth.clone(), truth.clone()))
    assert not equals((truth, truth), (truth,))


def test_a_wrong_claim_needs_a_difference_far_above_the_tolerance() -> None:
    """A result a rounding-sized step away from the truth is neither equal (above atol)
    nor wrong beyond doubt: a proof claiming either fails."""
    truth = torch.linspace(-1, 1, 12).reshape(3, 4)
    ran = Run("", {})
    for step, equal, wrong in ((0.0, True, False), (2e-5, False, False), (0.01, False, True)):
        ran.result = truth + step
        assert matches_truth(ran, truth) is equal, step
        assert clearly_differs(ran, truth) is wrong, step
    ran.result = truth.T
    assert clearly_differs(ran, truth)  # another shape
    raised = Run("", {}, error=RuntimeError("size mismatch"))
    assert clearly_differs(raised, truth) and not matches_truth(raised, truth)
    ran.result = (truth, truth + 0.5)
    assert (
        clearly_differs(ran, (truth, truth)) and max_difference(ran.result, (truth, truth)) == 0.5
    )
