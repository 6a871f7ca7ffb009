"""The one-file case of the README's speed table: a 60-line tagger with a bidirectional
LSTM encoder (`python benchmarks/run.py --corpora "1 file" --single-file THIS`)."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, vocab, embed=64, hidden=128, layers=2, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.rnn = nn.LSTM(
            embed,
            hidden,
            num_layers=layers,
            bidirectional=True,
            batch_first=True,
            dropout=dropout,
        )
        self.proj = nn.Linear(2 * hidden, hidden)
        self.hidden = hidden
        self.layers = layers

    def forward(self, tokens, lengths):
        x = self.embed(tokens)
        packed = nn.utils.rnn.pack_padded_sequence(
            x, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, (h_n, c_n) = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        h = h_n.view(self.layers, 2, tokens.size(0), self.hidden)
        last = torch.cat([h[-1, 0], h[-1, 1]], dim=-1)
        return self.proj(out), last


class Tagger(nn.Module):
    def __init__(self, vocab, tags, hidden=128):
        super().__init__()
        self.encoder = Encoder(vocab, hidden=hidden)
        self.out = nn.Linear(hidden, tags)
        self.drop = nn.Dropout(0.2)

    def forward(self, tokens, lengths):
        states, summary = self.encoder(tokens, lengths)
        logits = self.out(self.drop(states))
        return F.log_softmax(logits, dim=-1), summary


def build(vocab=1000, tags=17):
    model = Tagger(vocab, tags)
    return model


if __name__ == "__main__":
    m = build()
    tokens = torch.randint(0, 1000, (3, 7))
    lengths = torch.tensor([7, 5, 2])
    scores, summary = m(tokens, lengths)
    print(scores.shape, summary.shape)
