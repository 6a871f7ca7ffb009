# FP: `!= 1` on a direction count is read the wrong way round as well.
import torch
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, bidirectional=False):
        super().__init__()
        self.num_directions = 2 if bidirectional else 1
        self.gru = nn.GRU(8, 16, 2, bidirectional=bidirectional)

    def forward(self, x):
        out, h = self.gru(x)
        if self.num_directions != 1:
            return torch.cat([h[-2], h[-1]], 1)
        return h[-1]
