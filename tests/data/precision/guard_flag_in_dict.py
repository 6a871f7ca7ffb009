# FP: the setting comes from params["bidirectional"] and the guard tests the same subscript;
# the subscript is not tied to the layer setting.
import torch
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, params):
        super().__init__()
        self.params = params
        self.rnn = nn.GRU(8, 16, 2, bidirectional=params["bidirectional"])

    def forward(self, x):
        out, h = self.rnn(x)
        if self.params["bidirectional"]:
            return torch.cat([h[-2], h[-1]], 1)
        return h[-1]
