"""A 1,000-line model file for the server benchmark: recurrent encoders (with the usual
layout mistakes) among the data handling, training and evaluation code around them."""

from __future__ import annotations

_HEADER = '''"""Sequence models for the benchmark."""

import math
import random
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

'''

_MODEL = '''

class Encoder{i}(nn.Module):
    """Encoder number {i}."""

    def __init__(self, vocab: int = 1000, embed: int = 64, hidden: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.rnn = nn.{kind}(embed, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(2 * hidden, 10)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.embed(tokens))
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        output, hidden = self.rnn(packed)
        output, _ = pad_packed_sequence(output, batch_first=True)
        {state}
        summary = {read}
        return self.head(self.dropout(summary))
'''

_HELPERS = """

@dataclass
class Batch{i}:
    tokens: torch.Tensor
    lengths: torch.Tensor
    labels: torch.Tensor


def make_batch_{i}(size: int = 8, length: int = 20, vocab: int = 1000) -> Batch{i}:
    lengths = torch.randint(1, length + 1, (size,))
    tokens = torch.randint(0, vocab, (size, length))
    labels = torch.randint(0, 10, (size,))
    for row, n in enumerate(lengths.tolist()):
        tokens[row, n:] = 0
    return Batch{i}(tokens, lengths, labels)


def learning_rate_{i}(step: int, warmup: int = 100, base: float = 1e-3) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, 10_000 - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def train_{i}(model: nn.Module, steps: int = 10, seed: int = {i}) -> list[float]:
    random.seed(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    losses = []
    for step in range(steps):
        batch = make_batch_{i}()
        for group in optimizer.param_groups:
            group["lr"] = learning_rate_{i}(step)
        logits = model(batch.tokens, batch.lengths)
        loss = nn.functional.cross_entropy(logits, batch.labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(float(loss))
    return losses


def evaluate_{i}(model: nn.Module, batches: int = 4) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for _ in range(batches):
            batch = make_batch_{i}()
            predicted = model(batch.tokens, batch.lengths).argmax(dim=-1)
            correct += int((predicted == batch.labels).sum())
            total += batch.labels.numel()
    model.train()
    return correct / max(total, 1)
"""

_READS = [
    ("h_n = hidden", "h_n[-1]"),  # BRN002
    ("h_n, c_n = hidden", "h_n[-1]"),
    ("h_n = hidden", "torch.cat((h_n[-2], h_n[-1]), dim=-1)"),  # right
    ("h_n = hidden", "output[:, -1]"),  # BRN009
]


def model_source(lines: int = 1000) -> str:
    """About `lines` lines: encoders and their helpers, in turn."""
    parts = [_HEADER]
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        kind = "LSTM" if i % 2 else "GRU"
        state, read = _READS[i % len(_READS)]
        if kind == "GRU" and "c_n" in state:
            state = "h_n = hidden"
        if kind == "LSTM" and "c_n" not in state:
            state = "h_n, c_n = hidden"
        parts.append(_MODEL.format(i=i, kind=kind, state=state, read=read))
        parts.append(_HELPERS.format(i=i))
        i += 1
    text = "".join(parts)
    return "\n".join(text.split("\n")[:lines]) + "\n"
