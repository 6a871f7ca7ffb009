# FP: `self.num_directions == 1` is read as "bidirectional" (guards._comparison_sense:
# `1 in (2, True)` is True in Python), so the unidirectional branch is flagged.
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, bidirectional=False):
        super().__init__()
        self.num_directions = 2 if bidirectional else 1
        self.gru = nn.GRU(8, 16, 2, bidirectional=bidirectional)

    def forward(self, x):
        out, h = self.gru(x)
        return h[-1] if self.num_directions == 1 else h[-2:].transpose(0, 1).reshape(x.size(1), -1)
