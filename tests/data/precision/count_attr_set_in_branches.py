# FP: a direction count set in the same if/else branches as the layer
# (`if bidirec: self.n_direction = 2; self.gru = GRU(.., bidirectional=True) else: ... = 1`)
# is not tied to the layer, so `h[-1]` under `self.n_direction != 2` is flagged.
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, bidirec=False):
        super().__init__()
        if bidirec:
            self.n_direction = 2
            self.gru = nn.GRU(8, 16, 2, bidirectional=True)
        else:
            self.n_direction = 1
            self.gru = nn.GRU(8, 16, 2)

    def forward(self, x):
        out, h = self.gru(x)
        if self.n_direction == 2:
            h = h[-2:]
        else:
            h = h[-1]
        return out, h
