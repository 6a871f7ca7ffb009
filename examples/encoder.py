"""A bidirectional encoder with three classic layout misreadings (see `birnn-lint check`)."""

import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, vocab: int = 100, hidden: int = 32, num_layers: int = 2) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.rnn = nn.LSTM(16, hidden, num_layers=num_layers, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens)  # (batch, seq, 16)
        output, (h_n, c_n) = self.rnn(x)
        last_state = h_n[-1]  # BRN002: only the backward direction
        per_sample = h_n.view(x.size(0), -1)  # BRN003: mixes samples
        last_step = output[:, -1]  # BRN005: backward half has seen one token
        return self.out(last_step) + last_state.sum() + per_sample.sum()
