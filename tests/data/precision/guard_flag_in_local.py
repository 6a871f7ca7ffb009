# FP: the layer flag copied into a local (`bi = self.rnn.bidirectional; if bi:`) is not a guard.
import torch
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, bidirectional):
        super().__init__()
        self.rnn = nn.GRU(8, 16, 2, bidirectional=bidirectional)

    def forward(self, x):
        out, h = self.rnn(x)
        bi = self.rnn.bidirectional
        if bi:
            return torch.cat([h[-2], h[-1]], 1)
        return h[-1]
