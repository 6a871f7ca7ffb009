"""The README's example file: flagged as documented, and right once fixed, on real torch."""

from pathlib import Path

import torch

from birnn_lint.engine import check_source
from birnn_lint.fixing import fix_source
from birnn_lint.proof.truths import TRUTHS, reference

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "encoder.py"


def _encoder(source: str):
    namespace: dict = {"__name__": "example"}
    exec(compile(source, str(EXAMPLE), "exec"), namespace)  # noqa: S102 - our own example
    torch.manual_seed(0)
    return namespace["Encoder"]().eval()


def _truth(model, tokens):
    """What forward() means to compute, from per-layer, per-direction reference runs."""
    ref = reference(model.rnn, model.embed(tokens))
    return (
        model.out(TRUTHS["sequence_summary"](ref))
        + TRUTHS["last_layer_both_directions"](ref).sum()
        + TRUTHS["final_states_per_sample"](ref).sum()
    )


def test_example_is_flagged_and_wrong_then_fixed_and_right():
    source = EXAMPLE.read_text()
    assert [f.code for f in check_source(source, "encoder.py")] == ["BRN002", "BRN003", "BRN005"]
    tokens = torch.randint(0, 100, (3, 7))
    with torch.no_grad():
        model = _encoder(source)
        assert not torch.allclose(model(tokens), _truth(model, tokens), atol=1e-5)
        fixed = fix_source(source, "encoder.py", unsafe=True)
        assert check_source(fixed.source, "encoder.py") == []
        model = _encoder(fixed.source)
        assert torch.allclose(model(tokens), _truth(model, tokens), atol=1e-5)
