# FP: same mechanism with a layer chosen at run time between two attributes
# (`rnn = self.a if first else self.b`, both built with bidirectional=bidirectional).
import torch
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, bidirectional=False):
        super().__init__()
        self.bidirectional = bidirectional
        self.a = nn.GRU(8, 16, 2, bidirectional=bidirectional)
        self.b = nn.GRU(8, 16, 2, bidirectional=bidirectional)

    def forward(self, x, first):
        rnn = self.a if first else self.b
        out, h = rnn(x)
        if self.bidirectional:
            return torch.cat((h[-2], h[-1]), dim=1)
        return h[-1]
