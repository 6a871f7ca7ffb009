"""Functions that only forward their arguments to a class (`birnn_lint.analysis.factories`):
read as the class, so a call of one builds a layer with the call's settings."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from birnn_lint.analysis.factories import forwarded_class
from birnn_lint.engine import check_source

# fairseq's helper, as copied into many projects (our own spelling of it).
FORWARDING = {
    "assign, initialise, return": """
        def LSTM(input_size, hidden_size, **kwargs):
            m = nn.LSTM(input_size, hidden_size, **kwargs)
            for name, param in m.named_parameters():
                if "weight" in name or "bias" in name:
                    param.data.uniform_(-0.1, 0.1)
            return m
        """,
    "return at once": """
        def GRU(input_size, hidden_size, **kwargs):
            return nn.GRU(input_size, hidden_size, **kwargs)
        """,
    "no keyword splat": """
        def make(input_size, hidden_size):
            layer = torch.nn.LSTM(input_size, hidden_size)
            layer.flatten_parameters()
            return layer
        """,
}

NOT_FORWARDING = {
    "an extra setting": """
        def LSTM(input_size, hidden_size, **kwargs):
            return nn.LSTM(input_size, hidden_size, batch_first=True, **kwargs)
        """,
    "parameters reordered": """
        def LSTM(hidden_size, input_size, **kwargs):
            return nn.LSTM(input_size, hidden_size, **kwargs)
        """,
    "a default": """
        def LSTM(input_size, hidden_size=16, **kwargs):
            return nn.LSTM(input_size, hidden_size, **kwargs)
        """,
    "positional splat": """
        def LSTM(*args, **kwargs):
            return nn.LSTM(*args, **kwargs)
        """,
    "rebound before returned": """
        def LSTM(input_size, hidden_size, **kwargs):
            m = nn.LSTM(input_size, hidden_size, **kwargs)
            m = Wrapper(m)
            return m
        """,
    "rebound in a loop target": """
        def LSTM(input_size, hidden_size, **kwargs):
            m = nn.LSTM(input_size, hidden_size, **kwargs)
            for m in [m]:
                pass
            return m
        """,
    "another exit": """
        def LSTM(input_size, hidden_size, **kwargs):
            m = nn.LSTM(input_size, hidden_size, **kwargs)
            if kwargs.get("wrap"):
                return Wrapper(m)
            return m
        """,
    "returns something else": """
        def LSTM(input_size, hidden_size, **kwargs):
            m = nn.LSTM(input_size, hidden_size, **kwargs)
            return m, None
        """,
    "named unlike the class's parameters": """
        def LSTM(input_size, hidden_size, num_layers, bidirectional, **kwargs):
            # nn.LSTM's fourth parameter is `bias`: LSTM(8, 16, 1, bidirectional=True)
            # builds a unidirectional layer with bias=True.
            return nn.LSTM(input_size, hidden_size, num_layers, bidirectional, **kwargs)
        """,
    "changes the object it returns": """
        def LSTM(input_size, hidden_size, **kwargs):
            m = nn.LSTM(input_size, hidden_size, **kwargs)
            m.batch_first = True
            return m
        """,
    "changes it through setattr": """
        def LSTM(input_size, hidden_size, **kwargs):
            m = nn.LSTM(input_size, hidden_size, **kwargs)
            setattr(m, "batch_first", True)
            return m
        """,
    "decorated": """
        @register
        def LSTM(input_size, hidden_size, **kwargs):
            return nn.LSTM(input_size, hidden_size, **kwargs)
        """,
    "calls itself": """
        def LSTM(input_size, hidden_size, **kwargs):
            return LSTM(input_size, hidden_size, **kwargs)
        """,
}


def _function(source: str) -> cst.FunctionDef:
    module = cst.parse_module(textwrap.dedent(source))
    found = [s for s in module.body if type(s) is cst.FunctionDef]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("name", sorted(FORWARDING))
def test_a_forwarding_function_names_its_class(name: str) -> None:
    forwarded = forwarded_class(_function(FORWARDING[name]))
    assert forwarded is not None
    assert cst.Module([]).code_for_node(forwarded) in ("nn.LSTM", "nn.GRU", "torch.nn.LSTM")


@pytest.mark.parametrize("name", sorted(NOT_FORWARDING))
def test_a_function_that_changes_anything_is_not_forwarding(name: str) -> None:
    assert forwarded_class(_function(NOT_FORWARDING[name])) is None


ENCODER = """
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, num_layers=2, bidirectional=True):
        super().__init__()
        self.lstm = LSTM(8, 16, num_layers=num_layers, bidirectional=bidirectional)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return {read}


{helper}
"""


@pytest.mark.parametrize("helper", ["assign, initialise, return", "return at once"])
def test_a_layer_built_by_a_forwarding_function_has_the_call_settings(helper: str) -> None:
    source = textwrap.dedent(FORWARDING[helper]).replace("GRU", "LSTM")
    wrong = ENCODER.format(read="h[-1]", helper=source)
    found = check_source(wrong, "enc.py")
    assert [f.code for f in found] == ["BRN002"], [f.message for f in found]
    assert "LSTM, bidirectional configurable, num_layers=num_layers" in found[0].message
    right = ENCODER.format(read="torch.cat((h[-2], h[-1]), dim=-1)", helper=source)
    assert check_source(right, "enc.py") == []
