# FP: `if self.encoder.bidirectional:` (the flag the encoder object stored next to its layer)
# is not read as a direction guard for the state the same object returned.
import torch
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, bidirectional):
        super().__init__()
        self.bidirectional = bidirectional
        self.rnn = nn.GRU(8, 16, 2, bidirectional=bidirectional)

    def forward(self, x):
        return self.rnn(x)


class Seq2Seq(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, x):
        out, h = self.encoder(x)
        if self.encoder.bidirectional:
            return torch.cat([h[-2], h[-1]], 1)
        return h[-1]


model = Seq2Seq(Enc(bidirectional=True))
