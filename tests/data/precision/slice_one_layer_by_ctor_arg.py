# FP: Enc(1)/Dec(1): one layer, so h[:decoder.n_layers] is h[:1], the forward state of
# the only layer; num_layers passed to the constructor is not bound, and BRN001 claims it
# takes "layer 0 forward and backward". (Silent when the GRU says num_layers=1 literally.)
import torch.nn as nn


class Enc(nn.Module):
    def __init__(self, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(8, 16, n_layers, bidirectional=True)

    def forward(self, x):
        return self.gru(x)


class Dec(nn.Module):
    def __init__(self, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(8, 16, n_layers)

    def forward(self, x, h):
        return self.gru(x, h)


def run(x):
    encoder = Enc(1)
    decoder = Dec(1)
    out, h = encoder(x)
    # one layer: h[:1] is exactly the forward direction's final state
    return decoder(x, h[: decoder.n_layers])
