# FP: both classes take n_layers with default 1 and are built without it, so the encoder
# has one bidirectional layer and h[:self.decoder.n_layers] is h[:1], the forward state;
# BRN001 still says "layer 0's forward and backward states" (defaults not bound).
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, size, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(size, size, n_layers, bidirectional=True)

    def forward(self, x):
        return self.gru(x)


class Dec(nn.Module):
    def __init__(self, size, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(size, size, n_layers)

    def forward(self, x, h):
        return self.gru(x, h)


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Enc(100)
        self.decoder = Dec(100)

    def forward(self, x):
        out, h = self.encoder(x)
        return self.decoder(x, h[: self.decoder.n_layers])
