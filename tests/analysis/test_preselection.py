"""The pre-selections skip files only where no rule can fire."""

import ast
import re

import pytest

from birnn_lint.engine import check_source, constructs_a_layer, may_contain_findings
from birnn_lint.registry import check_rules
from birnn_lint.specs import load_spec


def spec_examples():
    for rule in check_rules():
        for block in re.findall(r"```python\n(.*?)```", load_spec(rule.code), re.S):
            yield pytest.param(block, id=rule.code)


@pytest.mark.parametrize("source", list(spec_examples()))
def test_every_spec_example_passes_both_stages(source):
    assert may_contain_findings(source.encode())
    assert constructs_a_layer(ast.parse(source))


@pytest.mark.parametrize(
    "source, constructs",
    [
        ("from torch.nn import LSTM as Enc\nm = Enc(1, 2)\n", True),
        ("import torch.nn.modules.rnn as r\nm = r.GRU(1, 2)\n", True),
        ("import torch\nassert isinstance(m, torch.nn.LSTM)\n", False),
        ("import torch\n# an LSTM would go here\nx = torch.zeros(3)\n", False),
    ],
)
def test_constructor_stage(source, constructs):
    assert constructs_a_layer(ast.parse(source)) is constructs


def test_a_skipped_file_still_gets_its_syntax_checked():
    assert [f.code for f in check_source("import torch\nLSTM = (\n", "s.py")] == ["BRN900"]
    assert check_source("import torch\nx = 'LSTM'\n", "s.py") == []
