"""A spec-shaped text, BRN002-like, for testing the harness without the linter."""

from __future__ import annotations

FENCE = "`" * 3

FLAGGED = """\
import torch
from torch import nn

rnn = nn.GRU(5, 6, num_layers=2, bidirectional=True)  # a comment the rewrite keeps
x = torch.randn(4, 3, 5)
output, h_n = rnn(x)
summary = h_n[-1]
"""

CORRECTED = """\
import torch
from torch import nn

rnn = nn.GRU(5, 6, num_layers=2, bidirectional=True)
x = torch.randn(4, 3, 5)
output, h_n = rnn(x)
directions = 2 if rnn.bidirectional else 1
summary = torch.cat(tuple(h_n[-directions:]), dim=-1)
"""

# What BRN002's unsafe fix writes for a bidirectional layer.
FIXED_EXPRESSION = "torch.cat((h_n[-2], h_n[-1]), dim=-1)"

PROOF = """\
result = "summary"                    # the variable holding the expression under test
truth = "last_layer_both_directions"
kinds = ["RNN", "GRU"]
num_layers = [1, 2, 3]
batch_first = [false, true]
bidirectional = [true, false]
wrong_when = "bidirectional"
"""

SPEC = f"""\
# BRN002: hidden-last-index-one-direction

`h_n[-1]` of a bidirectional layer is only the backward direction of the last layer.

## What it does

Flags `h_n[-1]` used as a summary of a bidirectional layer.

## Why is this bad?

h_n is `(num_layers * num_directions, B, H)`, layer-major:

{FENCE}python
## not a heading: a comment inside code
h_n = h_n
{FENCE}

## Example

{FENCE}python
{FLAGGED}{FENCE}

## Use instead

{FENCE}python
{CORRECTED}{FENCE}

## Fix safety

**Unsafe**: the summary becomes `B x 2H` instead of `B x H`.

## Proof

{FENCE}toml
{PROOF}{FENCE}
"""
