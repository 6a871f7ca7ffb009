"""Rewriting an example for a configuration, checked on the layer and input it then builds."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import torch
from sample_spec import FLAGGED
from torch import nn

from birnn_lint.proof.variants import KINDS, Config, VariantError, make_variant

INPUT = "x = torch.randn(4, 3, 5)\n"
ALL = [Config(*c) for c in itertools.product(KINDS, (1, 2, 3), (False, True), (False, True))]


def _built(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    torch.manual_seed(0)
    with torch.no_grad():
        exec(compile(source, "example.py", "exec"), namespace)
    return namespace


def _layer(namespace: dict[str, Any]) -> nn.RNNBase:
    (layer,) = [v for v in namespace.values() if isinstance(v, nn.RNNBase)]
    return layer


def _assert_configured(layer: nn.RNNBase, config: Config) -> None:
    assert type(layer).__name__ == config.kind
    assert layer.num_layers == config.num_layers
    assert layer.batch_first == config.batch_first
    assert layer.bidirectional == config.bidirectional


@pytest.mark.parametrize("config", ALL, ids=lambda c: c.id)
def test_variant_builds_the_configured_layer_and_input(config: Config) -> None:
    # Built up to the layer call: the flagged example's h_n unpacking is GRU/RNN-only.
    source = make_variant(FLAGGED, config)
    namespace = _built(source.split("output, h_n")[0])
    _assert_configured(_layer(namespace), config)
    T, B = 4, 3  # as written: time-major (4, 3, 5)
    assert namespace["x"].shape == ((B, T, 5) if config.batch_first else (T, B, 5))
    assert "# a comment the rewrite keeps" in source


def test_batch_first_example_swaps_back_to_time_major() -> None:
    source = """\
import torch
rnn = torch.nn.LSTM(input_size=5, hidden_size=6, batch_first=True)
x = torch.randn(3, 4, 5)
"""
    for config in (Config("GRU", 2, False, True), Config("LSTM", 1, True, False)):
        namespace = _built(make_variant(source, config))
        _assert_configured(_layer(namespace), config)
        assert namespace["x"].shape == ((3, 4, 5) if config.batch_first else (4, 3, 5))


def test_positional_num_layers_and_imported_class_name() -> None:
    source = """\
import torch
from torch.nn import LSTM
rnn = LSTM(5, 6, 3, bias=False)
x = torch.randn(4, 3, 5)
"""
    config = Config("GRU", 2, True, True)
    variant = make_variant(source, config)
    assert "GRU(5, 6, 2, bias=False" in variant
    namespace = _built(variant.replace("from torch.nn import LSTM", "from torch.nn import GRU"))
    _assert_configured(_layer(namespace), config)
    assert not _layer(namespace).bias


def test_settings_bound_to_names_are_rewritten_where_bound() -> None:
    source = """\
import torch
from torch import nn
layers, directions = 2, 2
bidirectional = True
rnn = nn.RNN(5, 6, num_layers=layers, bidirectional=bidirectional)
x = torch.randn(4, 3, 5)
h0 = torch.zeros(layers * directions, 3, 6)
"""
    config = Config("GRU", 3, False, False)
    namespace = _built(make_variant(source, config))
    _assert_configured(_layer(namespace), config)
    assert namespace["layers"] == 3 and namespace["bidirectional"] is False


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import torch\nx = torch.randn(4, 3, 5)\n", "found 0"),
        (
            "import torch\na = torch.nn.GRU(5, 6)\nb = torch.nn.GRU(5, 6)\n" + INPUT,
            "found 2",
        ),
        ("import torch\nrnn = torch.nn.GRU(5, 6)\n", r"x = torch.randn"),
        ("import torch\nrnn = torch.nn.GRU(5, 6, 1, True)\nx = torch.randn(4, 3, 5)\n", "keywords"),
        (
            "import torch\nrnn = torch.nn.GRU(5, 6, batch_first=bf)\nx = torch.randn(4, 3, 5)\n",
            "bound 0 times",
        ),
        (
            "import torch\nrnn = torch.nn.GRU(5, 6, nonlinearity='relu')\n" + INPUT,
            "nonlinearity",
        ),
        (
            "import torch\nfrom torch.nn.utils.rnn import pack_padded_sequence\n"
            "rnn = torch.nn.GRU(5, 6)\nx = torch.randn(4, 3, 5)\n"
            "p = pack_padded_sequence(x, [4, 3, 2])\n",
            "pack_padded_sequence",
        ),
    ],
)
def test_examples_the_rewrite_cannot_vary(source: str, message: str) -> None:
    with pytest.raises(VariantError, match=message):
        make_variant(source, Config("GRU", 2, True, True))


def test_packing_example_keeps_its_layout() -> None:
    source = """\
import torch
from torch.nn.utils.rnn import pack_padded_sequence
rnn = torch.nn.GRU(5, 6)
x = torch.randn(4, 3, 5)
lengths = torch.tensor([4, 3, 2])
packed_out, h_n = rnn(pack_padded_sequence(x, lengths))
"""
    config = Config("RNN", 3, False, True)
    namespace = _built(make_variant(source, config))
    _assert_configured(_layer(namespace), config)
