"""Following real code (issue 10, section 1): for each form, the wrong code is flagged
and the right code is silent. Each snippet is our own minimal version of a pattern seen
in public repositories (see tests/realworld/)."""

from __future__ import annotations

import textwrap

import pytest

from birnn_lint.engine import check_source

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"

# name -> (form, code with {read} where the last layer's state or last step is read,
#          wrong read, right read, expected code for the wrong read)
FORMS: dict[str, tuple[str, str, str, str, str]] = {
    "annotated attribute": (
        "annotated",
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn: nn.Module = nn.LSTM(8, 16, 2, bidirectional=True)

            def forward(self, x):
                out, (h, c) = self.rnn(x)
                return {read}
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "annotated local": (
        "annotated",
        """
        def f(x):
            rnn: nn.GRU = nn.GRU(8, 16, bidirectional=True)
            out, h = rnn(x)
            return {read}
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "class chosen in branches": (
        "class choice",
        """
        class M(nn.Module):
            def __init__(self, cell_type):
                super().__init__()
                if cell_type == "gru":
                    cell = nn.GRU
                else:
                    cell = nn.RNN
                self.rnn = cell(8, 16, 2, bidirectional=True, batch_first=True)

            def forward(self, x):
                out, h = self.rnn(x)
                return {read}
        """,
        "out[:, -1]",
        "torch.cat((out[:, -1, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "class from a registry": (
        "class choice",
        """
        CELLS = {{"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}}

        class M(nn.Module):
            def __init__(self, cell_type):
                super().__init__()
                self.rnn = CELLS[cell_type](8, 16, bidirectional=True)

            def forward(self, x):
                out, _ = self.rnn(x)
                return {read}
        """,
        "out[-1]",
        "torch.cat((out[-1, :, :16], out[0, :, 16:]), -1)",
        "BRN005",
    ),
    "attribute assigned in branches": (
        "class choice",
        """
        class M(nn.Module):
            def __init__(self, lstm):
                super().__init__()
                if lstm:
                    self.rnn = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
                else:
                    self.rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)

            def forward(self, x):
                out, _ = self.rnn(x)
                return {read}
        """,
        "out[:, -1]",
        "torch.cat((out[:, -1, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "class attribute in a subclass": (
        "class choice",
        """
        class Base(nn.Module):
            _cell = None

            def __init__(self):
                super().__init__()
                self.rnn = self._cell(8, 16, 2, bidirectional=True)

            def forward(self, x):
                out, h = self.rnn(x)
                return {read}

        class GRUModel(Base):
            _cell = nn.GRU
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "results handed to a helper": (
        "crossing functions",
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)

            def _pool(self, output):
                return {read}

            def forward(self, x):
                output, h_n = self.rnn(x)
                return self._pool(output)
        """,
        "output[:, -1]",
        "torch.cat((output[:, -1, :16], output[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "layer from a factory method": (
        "crossing functions",
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = self._make_rnn()

            def _make_rnn(self):
                return nn.LSTM(8, 16, 2, bidirectional=True)

            def forward(self, x):
                out, (h, c) = self.rnn(x)
                return {read}
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "layer passed as an argument": (
        "crossing functions",
        """
        def encode(encoder, window):
            out, h = encoder(window)
            return {read}

        def build():
            return nn.GRU(8, 16, 2, bidirectional=True)

        result = encode(build(), torch.randn(5, 3, 8))
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "a model called at module level": (
        "module results through callers",
        """
        class Encoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.GRU(8, 16, 2, bidirectional=True)

            def forward(self, x):
                return self.rnn(x)

        encoder = Encoder()
        outputs, hidden = encoder(torch.randn(5, 3, 8))
        summary = {read}
        """,
        "hidden[-1]",
        "torch.cat((hidden[-2], hidden[-1]), -1)",
        "BRN002",
    ),
    "an encoder inside a model": (
        "module results through callers",
        """
        class Encoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.LSTM(8, 16, 2, bidirectional=True, batch_first=True)

            def forward(self, x):
                output, (h, c) = self.rnn(x)
                return output, h

        class Seq2Seq(nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = Encoder()

            def forward(self, x):
                output, hidden = self.encoder(x)
                return {read}
        """,
        "hidden[-1]",
        "torch.cat((hidden[-2], hidden[-1]), -1)",
        "BRN002",
    ),
    "super().forward": (
        "crossing functions",
        """
        class Base(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.GRU(8, 16, bidirectional=True)

            def forward(self, x):
                return self.rnn(x)

        class Child(Base):
            def forward(self, x):
                out, h = super().forward(x)
                return {read}
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "through a dropout module": (
        "shape-preserving",
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)
                self.dropout = nn.Dropout(0.1)

            def forward(self, x, mask):
                out, _ = self.rnn(x)
                out = self.dropout(out)
                out = torch.relu(F.dropout(out, 0.2)) * mask
                return {read}
        """,
        "out[:, -1]",
        "torch.cat((out[:, -1, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "layers in a ModuleList": (
        "containers",
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.rnns = nn.ModuleList()
                for i in range(n):
                    self.rnns.append(nn.GRU(8, 16, bidirectional=True))

            def forward(self, x):
                for rnn in self.rnns:
                    x, h = rnn(x)
                return {read}
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "layers in a comprehension": (
        "containers",
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.layers = nn.ModuleList(
                    [nn.LSTM(8, 16, batch_first=True, bidirectional=True) for _ in range(n)]
                )

            def forward(self, x):
                out, _ = self.layers[0](x)
                return {read}
        """,
        "out[:, -1]",
        "torch.cat((out[:, -1, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "settings in a dict": (
        "settings through containers",
        """
        class M(nn.Module):
            def __init__(self, hidden, bidirectional):
                super().__init__()
                params = {{"input_size": 8, "hidden_size": hidden, "num_layers": 2}}
                params["bidirectional"] = bidirectional
                self.rnn = nn.LSTM(**params)

            def forward(self, x):
                out, (h, c) = self.rnn(x)
                return {read}
        """,
        "h[-1]",
        "h[-2:].transpose(0, 1).reshape(x.size(1), -1)",
        "BRN002",
    ),
    "last valid step by lengths": (
        "lengths",
        """
        rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)

        def f(x, lengths):
            out, _ = rnn(x)
            return {read}
        """,
        "out[torch.arange(out.size(0)), lengths - 1]",
        "torch.cat((out[torch.arange(out.size(0)), lengths - 1][:, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "last valid step by gather": (
        "lengths",
        """
        rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)

        def f(x, lengths):
            out, _ = rnn(x)
            last = {read}
            return last
        """,
        "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2))).squeeze(1)",
        "torch.cat((out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))"
        ".squeeze(1)[:, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "last valid step by gather, index in a local name, time-major": (
        "lengths",
        """
        rnn = nn.LSTM(8, 16, bidirectional=True)

        def f(x, lengths):
            out, _ = rnn(x)
            index = (lengths - 1).view(1, -1, 1).expand(1, -1, out.size(2))
            return {read}
        """,
        "out.gather(0, index).squeeze(0)",
        "torch.cat((out.gather(0, index).squeeze(0)[:, :16], out[0, :, 16:]), -1)",
        "BRN005",
    ),
    "last valid step by gather after pad_packed_sequence": (
        "lengths",
        """
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

        rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)

        def f(x, lengths):
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            out, _ = rnn(packed)
            out, lens = pad_packed_sequence(out, batch_first=True)
            index = (lens - 1).view(-1, 1).expand(len(lens), out.size(2))
            index = index.unsqueeze(1)
            return {read}
        """,
        "out.gather(1, index).squeeze(1)",
        "torch.cat((out.gather(1, index).squeeze(1)[:, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "a layer received as an annotated parameter": (
        "received",
        """
        def summarize(rnn: nn.GRU, x):
            out, h = rnn(x)
            if rnn.bidirectional:
                return {read}
            return h[-1]
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "state of a layer that may be an LSTM, told apart by isinstance": (
        "class choice",
        """
        CELLS = {{"gru": nn.GRU, "lstm": nn.LSTM}}

        class M(nn.Module):
            def __init__(self, cell="gru"):
                super().__init__()
                self.rnn = CELLS[cell](8, 16, 2, bidirectional=True)

            def forward(self, x):
                out, state = self.rnn(x)
                if isinstance(state, tuple):
                    state = state[0]
                return {read}
        """,
        "state[-1]",
        "torch.cat((state[-2], state[-1]), -1)",
        "BRN002",
    ),
    "class from a registry through a function we cannot read": (
        "class choice",
        """
        from somewhere import get_from_registry

        REGISTRY = {{"rnn": nn.RNN, "gru": nn.GRU}}

        class M(nn.Module):
            def __init__(self, cell_type):
                super().__init__()
                layer_class = get_from_registry(cell_type, REGISTRY)
                self.rnn = layer_class(8, 16, 2, batch_first=True, bidirectional=True)

            def forward(self, x):
                out, h = self.rnn(x)
                return {read}
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "initial state from another method called on the object": (
        "cross-function",
        """
        class Tagger(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.LSTM(8, 16, num_layers=2, bidirectional=True)

            def init_hidden(self, batch):
                return ({read}, torch.zeros(4, batch, 16))

            def forward(self, x, hidden):
                out, _ = self.rnn(x, hidden)
                return out

        model = Tagger()
        out = model(torch.randn(5, 3, 8), model.init_hidden(3))
        """,
        "torch.zeros(2, batch, 16)",
        "torch.zeros(4, batch, 16)",
        "BRN008",
    ),
    "layer passed to the constructor": (
        "received",
        """
        class Seq2Vec(nn.Module):
            def __init__(self, rnn):
                super().__init__()
                self.rnn = rnn

            def forward(self, x):
                _, h = self.rnn(x)
                return {read}

        encoder = Seq2Vec(nn.GRU(8, 16, num_layers=2, bidirectional=True))
        summary = encoder(torch.randn(5, 3, 8))
        """,
        "h[-1]",
        "torch.cat((h[-2], h[-1]), -1)",
        "BRN002",
    ),
    "object built at the top level, moved to a device, never called there": (
        "module results",
        """
        class Encoder(nn.Module):
            def __init__(self, n_layers=1):
                super().__init__()
                self.gru = nn.GRU(8, 16, n_layers, bidirectional=True)

            def forward(self, x):
                return self.gru(x)

        class Decoder(nn.Module):
            def __init__(self, n_layers=1):
                super().__init__()
                self.n_layers = n_layers
                self.gru = nn.GRU(8, 16, n_layers)

        class Search(nn.Module):
            def __init__(self, encoder, decoder):
                super().__init__()
                self.encoder = encoder
                self.decoder = decoder

            def forward(self, x):
                outputs, hidden = self.encoder(x)
                return {read}

        encoder = Encoder(2).to("cpu")
        decoder = Decoder(2)
        encoder.train()
        searcher = Search(encoder, decoder)
        """,
        "hidden[: self.decoder.n_layers]",
        "hidden[0::2]",
        "BRN001",
    ),
    "state sliced by a decoder's layer count in a training function": (
        "module results",
        """
        class Encoder(nn.Module):
            def __init__(self, n_layers=1):
                super().__init__()
                self.gru = nn.GRU(8, 16, n_layers, bidirectional=True)

            def forward(self, x):
                return self.gru(x)

        class Decoder(nn.Module):
            def __init__(self, n_layers=1):
                super().__init__()
                self.n_layers = n_layers
                self.gru = nn.GRU(8, 16, n_layers)

        def train(x, encoder, decoder):
            encoder_outputs, encoder_hidden = encoder(x)
            return {read}

        def train_iters(encoder, decoder):
            return train(torch.randn(5, 3, 8), encoder, decoder)

        train_iters(Encoder(2), Decoder(2))
        """,
        "encoder_hidden[: decoder.n_layers]",
        "encoder_hidden[0::2]",
        "BRN001",
    ),
    "kind chosen at run time, branches on a string naming it": (
        "class choice",
        """
        class M(nn.Module):
            def __init__(self, rnn_type, layers=2):
                super().__init__()
                self.rnn_type = rnn_type
                if rnn_type == "LSTM":
                    self.rnn = nn.LSTM(8, 16, layers, bidirectional=True)
                else:
                    self.rnn = nn.GRU(8, 16, layers, bidirectional=True)

            def forward(self, x):
                out, state = self.rnn(x)
                if self.rnn_type == "LSTM":
                    state = (state[0].contiguous(), state[1].contiguous())
                else:
                    state = state.contiguous()
                if self.rnn_type != "LSTM":
                    return {read}
                return state[0]
        """,
        "torch.cat(state.chunk(2, dim=0), dim=2)",
        "torch.cat((state[0::2], state[1::2]), dim=2)",
        "BRN001",
    ),
    "kind chosen at run time, branches on isinstance of the layer": (
        "class choice",
        """
        class M(nn.Module):
            def __init__(self, use_lstm):
                super().__init__()
                cell = nn.LSTM if use_lstm else nn.GRU
                self.rnn = cell(8, 16, 2, bidirectional=True)

            def forward(self, x):
                out, state = self.rnn(x)
                if isinstance(self.rnn, nn.LSTM):
                    h_n = state[0]
                else:
                    h_n = state
                return {read}
        """,
        "h_n[-1]",
        "torch.cat((h_n[-2], h_n[-1]), -1)",
        "BRN002",
    ),
    "layer built by a subclass, stored by the base's __init__": (
        "received",
        """
        class Recurrent(nn.Module):
            def __init__(self, recurrent):
                super(Recurrent, self).__init__()
                self.recurrent = recurrent

            def forward(self, x):
                out, h = self.recurrent(x)
                return {read}

        class BiGRU(Recurrent):
            def __init__(self, hidden_size):
                recurrent = nn.GRU(8, hidden_size, batch_first=True, bidirectional=True)
                super(BiGRU, self).__init__(recurrent)
        """,
        "out[:, -1, :]",
        "torch.cat((out[:, -1, :16], out[:, 0, 16:]), dim=-1)",
        "BRN005",
    ),
    "output unpacked where the packing is not seen": (
        "lengths",
        """
        class Tagger(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.LSTM(8, 16, batch_first=True)

            def forward(self, packed):
                out, _ = self.rnn(packed)
                out, lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
                return {read}
        """,
        "out[:, -1, :]",
        "out[torch.arange(out.size(0)), lengths - 1]",
        "BRN009",
    ),
    "class from getattr(nn, name) called at once, state wrapped in Variable": (
        "class choice",
        """
        from torch.autograd import Variable

        class Char(nn.Module):
            def __init__(self, model_type, num_layers):
                super().__init__()
                self.num_layers = num_layers
                self.rnn = getattr(nn, model_type)(8, 16, num_layers=num_layers, bidirectional=True)

            def forward(self, x, hidden):
                return self.rnn(x, hidden)

            def init_hidden(self):
                return Variable(torch.zeros({read}, 1, 16))

        char = Char("GRU", 2)
        out = char(torch.randn(5, 1, 8), char.init_hidden())
        """,
        "self.num_layers",
        "self.num_layers * 2",
        "BRN008",
    ),
    "layers in an nn.ModuleDict": (
        "container",
        """
        class Both(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnns = nn.ModuleDict(
                    {{"words": nn.LSTM(8, 16, bidirectional=True), "chars": nn.GRU(8, 16)}}
                )

            def forward(self, x):
                out, _ = self.rnns["words"](x)
                return {read}
        """,
        "out[-1]",
        "torch.cat((out[-1, :, :16], out[0, :, 16:]), dim=-1)",
        "BRN005",
    ),
    "sizes from local names": (
        "sizes",
        """
        rnn = nn.GRU(8, 16, bidirectional=True)

        def f(x):
            out, h_n = rnn(x)
            H = 16
            return {read}
        """,
        "h_n.view(-1, 2 * H)",
        "h_n.transpose(0, 1).reshape(-1, 2 * H)",
        "BRN003",
    ),
    "a size the analysis cannot compute beside the batch": (
        "sizes",
        """
        class VAE(nn.Module):
            def __init__(self, num_layers=2, bidirectional=True):
                super().__init__()
                self.hidden_size = 16
                self.hidden_factor = (2 if bidirectional else 1) * num_layers
                self.rnn = nn.GRU(8, 16, num_layers, bidirectional=bidirectional,
                                  batch_first=True)

            def forward(self, tokens):
                batch_size = tokens.size(0)
                _, hidden = self.rnn(self.embed(tokens))
                return {read}
        """,
        "hidden.view(batch_size, self.hidden_size * self.hidden_factor)",
        "hidden.transpose(0, 1).reshape(batch_size, self.hidden_size * self.hidden_factor)",
        "BRN003",
    ),
    "rows of each layer by a comprehension's index": (
        "plain",
        """
        rnn = nn.LSTM(8, 16, num_layers=2, bidirectional=True)

        def f(x):
            out, (h, c) = rnn(x)
            return torch.cat([{read} for k in range(2)], dim=0)
        """,
        "torch.cat([h[2 * k], h[2 * k + 1]], 0).view(1, x.size(1), 32)",
        "torch.cat([h[2 * k], h[k * 2 + 1]], 1).view(1, x.size(1), 32)",
        "BRN003",
    ),
    "a closure defined in the body": (
        "cross-function",
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)

            def forward(self, x):
                out, h = self.rnn(x)

                def summary(state):
                    return {read}

                return summary(h)
        """,
        "state[-1]",
        "torch.cat((state[-2], state[-1]), dim=-1)",
        "BRN002",
    ),
    "a closure reading the body's names under a direction test": (
        "cross-function",
        """
        class M(nn.Module):
            def __init__(self, num_layers=2, bidirectional=False):
                super().__init__()
                self.num_layers = num_layers
                self.bidirectional = bidirectional
                self.rnn = nn.LSTM(8, 16, num_layers=num_layers, bidirectional=bidirectional)

            def forward(self, x):
                bsz = x.size(1)
                out, (h, c) = self.rnn(x)
                if self.bidirectional:

                    def combine(outs):
                        return torch.cat([{read} for i in range(self.num_layers)], dim=0)

                    h = combine(h)
                return h
        """,
        "torch.cat([outs[2 * i], outs[2 * i + 1]], dim=0).view(1, bsz, 32)",
        "torch.cat([outs[2 * i], outs[2 * i + 1]], dim=1).view(1, bsz, 32)",
        "BRN003",
    ),
    "each sample's last step, a trailing colon and arange from 0": (
        "lengths-last-step",
        """
        rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)

        def f(x, lengths):
            out, h = rnn(x)
            return {read}
        """,
        "out[torch.arange(0, x.size(0)), lengths - 1, :]",
        "torch.cat((out[torch.arange(0, x.size(0)), lengths - 1, :16], out[:, 0, 16:]), -1)",
        "BRN005",
    ),
    "each sample's last step through local names": (
        "lengths-last-step",
        """
        rnn = nn.LSTM(8, 16, batch_first=True, bidirectional=True)

        def f(x, lengths):
            out, (h, c) = rnn(x)
            rows = torch.arange(x.size(0)).long()
            steps = (lengths - 1).to(x.device)
            return {read}
        """,
        "out[rows, steps]",
        "torch.cat((out[rows, steps, :16], out[:, 0, 16:]), dim=-1)",
        "BRN005",
    ),
    "rows of each layer by a loop's index": (
        "plain",
        """
        class M(nn.Module):
            def __init__(self, layers=3):
                super().__init__()
                self.layers = layers
                self.rnn = nn.GRU(8, 16, num_layers=layers, bidirectional=True)

            def forward(self, x):
                out, h = self.rnn(x)
                joined = []
                for i in range(self.layers):
                    joined.append({read})
                return joined
        """,
        "torch.cat((h[2 * i], h[2 * i + 1]), dim=0).reshape(x.size(1), -1)",
        "torch.cat((h[2 * i], h[2 * i + 1]), dim=1)",
        "BRN003",
    ),
}


def _source(template: str, read: str) -> str:
    return HEADER + textwrap.dedent(template).format(read=read)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_wrong_read_is_flagged(name: str) -> None:
    _, template, wrong, _, code = FORMS[name]
    found = check_source(_source(template, wrong), "reach.py")
    assert [f.code for f in found] == [code], [f.message for f in found]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_the_right_read_is_silent(name: str) -> None:
    _, template, _, right, _ = FORMS[name]
    found = check_source(_source(template, right), "reach.py")
    assert found == [], [f.message for f in found]


@pytest.mark.parametrize(
    "loop",
    [
        "for k in range(3)",  # not the layer count: the rows are not each layer's
        "for k in range(n)",  # an unknown count
        "for k in reversed(range(2))",  # not `range(n)` itself
    ],
)
def test_rows_by_an_index_over_something_else_are_not_followed(loop: str) -> None:
    template = """
        rnn = nn.LSTM(8, 16, num_layers=2, bidirectional=True)

        def f(x, n):
            out, (h, c) = rnn(x)
            return [torch.cat([h[2 * k], h[2 * k + 1]], 0).view(1, x.size(1), 32) LOOP]
        """
    found = check_source(_source(template.replace("LOOP", loop), ""), "reach.py")
    assert found == [], [f.message for f in found]


def test_a_shadowed_range_is_not_an_index() -> None:
    template = """
        def range(n):
            return [0] * n

        rnn = nn.LSTM(8, 16, num_layers=2, bidirectional=True)

        def f(x):
            out, (h, c) = rnn(x)
            return [torch.cat([h[2 * k], h[2 * k + 1]], 0).view(1, x.size(1), 32)
                    for k in range(2)]
        """
    found = check_source(_source(template, ""), "reach.py")
    assert found == [], [f.message for f in found]


def test_a_decorated_or_shadowed_closure_is_not_followed() -> None:
    template = """
        import functools

        rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)

        def f(x):
            out, h = rnn(x)

            @functools.lru_cache
            def last(state):
                return state[-1]

            def first(state):
                return state[-1]

            first = len
            return last(h), first(h)
        """
    found = check_source(_source(template, ""), "reach.py")
    assert found == [], [f.message for f in found]


@pytest.mark.parametrize(
    "read",
    [
        "out[torch.arange(x.size(0)), lengths - 1, :16]",  # the forward half only
        "out[rows, lengths - 1]",  # rows assigned twice: not followed
        "out[torch.arange(1, x.size(0)), lengths - 1]",  # not every sample from 0
    ],
)
def test_a_last_step_index_that_is_not_each_samples_whole_step_is_not_followed(
    read: str,
) -> None:
    template = """
        rnn = nn.GRU(8, 16, batch_first=True, bidirectional=True)

        def f(x, lengths, flip):
            out, h = rnn(x)
            rows = torch.arange(x.size(0))
            if flip:
                rows = rows.flip(0)
            return {read}
        """
    found = check_source(_source(template, read), "reach.py")
    assert found == [], [f.message for f in found]
