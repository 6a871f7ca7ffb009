"""Reading a spec's examples, fix safety and proof."""

from __future__ import annotations

import pytest
from sample_spec import CORRECTED, FENCE, FLAGGED, PROOF, SPEC

from birnn_lint.proof.spec_examples import SpecError, parse_proof, parse_rule_spec
from birnn_lint.proof.variants import Config


def test_parts_of_a_spec() -> None:
    spec = parse_rule_spec("BRN002", SPEC)
    assert spec.flagged == FLAGGED
    assert spec.corrected == CORRECTED
    assert spec.fix_safety == "unsafe"
    proof = spec.proof
    assert (proof.result_names, proof.truth) == (("summary",), "last_layer_both_directions")
    assert len(proof.configurations()) == 2 * 3 * 2 * 2
    assert {c.kind for c in proof.configurations()} == {"RNN", "GRU"}
    assert proof.is_wrong(Config("GRU", 1, False, True))
    assert not proof.is_wrong(Config("GRU", 3, True, False))


def _without(heading: str) -> str:
    return SPEC.replace(f"## {heading}\n", "## Something else\n")


@pytest.mark.parametrize("heading", ["Example", "Use instead", "Fix safety", "Proof"])
def test_a_missing_section_is_an_error(heading: str) -> None:
    with pytest.raises(SpecError, match=heading):
        parse_rule_spec("BRN002", _without(heading))


def test_two_examples_are_an_error() -> None:
    doubled = SPEC.replace("## Use instead\n", f"{FENCE}python\nx = 1\n{FENCE}\n\n## Use instead\n")
    with pytest.raises(SpecError, match="found 2"):
        parse_rule_spec("BRN002", doubled)


def test_fix_safety_must_be_a_known_word() -> None:
    with pytest.raises(SpecError, match="Fix safety"):
        parse_rule_spec("BRN002", SPEC.replace("**Unsafe**:", "Probably fine:"))
    safe = parse_rule_spec("BRN002", SPEC.replace("**Unsafe**:", "Safe (construction):"))
    assert safe.fix_safety == "safe"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('wrong_when = "bidirectional"', 'wrong_when = "num_layers"'), "not a bool"),
        (('wrong_when = "bidirectional"', 'wrong_when = "hidden > 1"'), "wrong_when"),
        (('kinds = ["RNN", "GRU"]', 'kinds = ["GRUCell"]'), "kinds"),
        (("num_layers = [1, 2, 3]", "num_layers = [true]"), "num_layers"),
        (("batch_first = [false, true]", "batch_first = []"), "batch_first"),
        (('result = "summary"', 'result = "summary"\natol = 1'), "unknown proof keys"),
        (('truth = "last_layer_both_directions"\n', ""), "missing proof keys"),
        (("num_layers = [1, 2, 3]", "num_layers = [1, 2"), "not valid TOML"),
    ],
)
def test_a_malformed_proof_is_an_error(change: tuple[str, str], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        parse_proof(PROOF.replace(*change))


def test_proof_with_initial_state_and_several_results() -> None:
    proof = parse_proof(
        PROOF.replace(
            'result = "summary"', 'result = "forward, backward"\nh0 = "init.transpose(0, 1)"'
        )
    )
    assert proof.result_names == ("forward", "backward")
    assert proof.h0 == "init.transpose(0, 1)" and proof.c0 is None
