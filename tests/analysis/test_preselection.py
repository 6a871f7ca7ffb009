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
        ("import torch.nn as tnn\nm = getattr(tnn, kind)(1, 2, num_layers=2)\n", True),
        ("from torch import nn as N\nm = getattr(N, kind)(1, 2, num_layers=2)\n", True),
        ("import torch.nn as tnn\nm = getattr(other, kind)(1, 2)\n", False),
        ("import torch\nassert isinstance(m, torch.nn.LSTM)\n", False),
        ("import torch\n# an LSTM would go here\nx = torch.zeros(3)\n", False),
    ],
)
def test_constructor_stage(source, constructs):
    assert constructs_a_layer(ast.parse(source)) is constructs


def test_a_file_that_cannot_use_a_layer_is_never_parsed():
    assert check_source("x = (\n", "s.py") == []  # not torch code: left to other tools
    assert [f.code for f in check_source("import torch\nLSTM = (\n", "s.py")] == ["BRN900"]
    assert check_source("import torch\nx = 'LSTM'\n", "s.py") == []


def test_limits_give_a_diagnostic_not_an_analysis():
    big = "import torch\nrnn = torch.nn.LSTM(1, 2)\nDATA = [" + "1, " * 110_000 + "]\n"
    (finding,) = check_source(big, "big.py")
    assert finding.code == "BRN903" and "110,0" in finding.message
    nested = "import torch\nrnn = torch.nn.LSTM(1, 2)\nx = " + "(" * 3000 + "1" + ")" * 3000
    (finding,) = check_source(nested, "deep.py")
    assert (finding.code, finding.message) == (
        "BRN900",
        "syntax error: too many nested parentheses",
    )


def test_getattr_of_torch_nn_under_another_name_passes_the_scan():
    """`import torch.nn as tnn` then `getattr(tnn, kind)`: the layer's name is only in a
    string; the scan lets the file through to the parse."""
    from birnn_lint.prefilter import names_a_layer_in_code

    source = b"import torch.nn as tnn\nKINDS = ('GRU', 'LSTM')\nm = getattr(tnn, k)(1, 2)\n"
    assert names_a_layer_in_code(source)
    assert not names_a_layer_in_code(source.replace(b"getattr", b"choose"))
