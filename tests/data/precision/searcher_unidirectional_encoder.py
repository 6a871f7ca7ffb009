# FP: the tutorial searcher built at the top level over an encoder built with
# bidirectional=False: the object is followed (README "objects built at the top level") but
# the scalar argument is not bound, so BRN001 fires "when bidirectional=True".
import torch.nn as nn


class EncoderRNN(nn.Module):
    def __init__(self, hidden_size, n_layers=1, bidirectional=True):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers, bidirectional=bidirectional)

    def forward(self, x):
        return self.gru(x)


class DecoderRNN(nn.Module):
    def __init__(self, hidden_size, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers)

    def forward(self, x, h):
        return self.gru(x, h)


class GreedySearchDecoder(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        out, encoder_hidden = self.encoder(x)
        decoder_hidden = encoder_hidden[: self.decoder.n_layers]
        return self.decoder(x, decoder_hidden)


encoder = EncoderRNN(500, 2, bidirectional=False)
decoder = DecoderRNN(500, 2)
searcher = GreedySearchDecoder(encoder, decoder)
