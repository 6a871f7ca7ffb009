# FP: a helper receives the flag as an argument (`last_state(h, self.bidirectional)`) and
# branches on it; the parameter is not tied to the layer setting in the callee context.
import torch
import torch.nn as nn


def last_state(h, bidirectional):
    if bidirectional:
        return torch.cat([h[-2], h[-1]], 1)
    return h[-1]


class Enc(nn.Module):
    def __init__(self, bidirectional):
        super().__init__()
        self.bidirectional = bidirectional
        self.rnn = nn.GRU(8, 16, 2, bidirectional=bidirectional)

    def forward(self, x):
        out, h = self.rnn(x)
        return last_state(h, self.bidirectional)
