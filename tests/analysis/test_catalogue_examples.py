"""Every spec's flagged example gives exactly its rule; its corrected example nothing."""

import re

import pytest

from birnn_lint.engine import check_source
from birnn_lint.registry import check_rules
from birnn_lint.specs import load_spec

CODES = [r.code for r in check_rules()]


def examples(code: str) -> tuple[str, str]:
    text = load_spec(code)
    assert text is not None, f"{code} has no spec in rules/"
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 2, f"{code}: expected an Example and a Use instead block"
    return blocks[0], blocks[1]


@pytest.mark.parametrize("code", CODES)
def test_flagged_example_gives_exactly_its_rule(code):
    flagged, _ = examples(code)
    found = check_source(flagged, "example.py")
    assert [f.code for f in found] == [code], [f.message for f in found]
    assert found[0].fix is not None and found[0].fix.edits


@pytest.mark.parametrize("code", CODES)
def test_corrected_example_is_silent(code):
    _, corrected = examples(code)
    assert check_source(corrected, "example.py") == []


@pytest.mark.parametrize("code", CODES)
def test_message_names_the_layer_and_its_configuration(code):
    flagged, _ = examples(code)
    (finding,) = check_source(flagged, "example.py")
    assert "`rnn` (" in finding.message and "num_layers=" in finding.message
