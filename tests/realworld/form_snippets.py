"""One small snippet of our own per form of issue 10, section 1, as bug and correct pairs.

A bug snippet marks its flagged line with `# <- BRNnnn`; every snippet sets `result`,
which test_form_snippets.py compares with the truth on real torch. Sizes: input 4,
hidden 6, batch 3, 5 steps. Multi-file snippets list their files; the last one runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from realworld_sites import Form


@dataclass(frozen=True)
class Snippet:
    name: str
    form: Form
    files: dict[str, str]  # relative path -> source; the last file is the script
    truth: str  # a name in test_form_snippets.TRUTHS
    layer: str  # expression (in the script's namespace) of the layer the truth runs
    layer_input: str = "x"  # expression of that layer's input
    raises: bool = False  # the misreading makes torch raise instead of computing

    @property
    def is_bug(self) -> bool:
        return any("# <- BRN" in source for source in self.files.values())


def one(
    name: str,
    form: Form,
    source: str,
    truth: str,
    layer: str = "rnn",
    layer_input: str = "x",
    raises: bool = False,
) -> Snippet:
    return Snippet(name, form, {f"{name}.py": source}, truth, layer, layer_input, raises)


HEAD = "import torch\nfrom torch import nn\n"

PLAIN = (
    HEAD
    + """
rnn = nn.GRU(4, 6, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 4)
output, h_n = rnn(x)
result = {expr}
"""
)

SHAPE_ONLY = (
    HEAD
    + """
rnn = nn.LSTM(4, 6, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 4)
output, hidden = rnn(x)
result = torch.tensor(hidden[-1].size(-1))
"""
)

ANNOTATED = (
    HEAD
    + """

class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn: nn.Module = nn.LSTM(4, 6, num_layers=2, batch_first=True, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, (h_n, c_n) = self.rnn(x)
        return {expr}


model = Encoder()
x = torch.randn(3, 5, 4)
result = model(x)
"""
)

SETTINGS = (
    HEAD
    + """
params = {{"hidden_size": 6, "num_layers": 2, "batch_first": True}}
params["bidirectional"] = True
rnn = nn.GRU(4, **params)
x = torch.randn(3, 5, 4)
output, h_n = rnn(x)
result = {expr}
"""
)

CLASS_RUNTIME = (
    HEAD
    + """
CELLS = {{"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}}


class Encoder(nn.Module):
    def __init__(self, cell: str = "lstm") -> None:
        super().__init__()
        self.rnn = CELLS[cell](4, 6, num_layers=2, bidirectional=True)

    def forward(self, x):
        output, state = self.rnn(x)
        if isinstance(state, tuple):
            state = state[0]
        return {expr}


model = Encoder()
x = torch.randn(5, 3, 4)
result = model(x)
"""
)

CROSS_FUNCTION = (
    HEAD
    + """

def summarize(output):
    return {expr}


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(4, 6, batch_first=True, bidirectional=True)

    def forward(self, x):
        output, _ = self.rnn(x)
        return summarize(output)


model = Classifier()
x = torch.randn(3, 5, 4)
result = model(x)
"""
)

INIT_HIDDEN = (
    HEAD
    + """

class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(4, 6, num_layers=2, bidirectional=True)

    def init_hidden(self, batch):
        return (torch.zeros({rows}, batch, 6), torch.zeros({rows}, batch, 6)){mark}

    def forward(self, x, hidden):
        output, _ = self.rnn(x, hidden)
        return output


model = Tagger()
x = torch.randn(5, 3, 4)
result = model(x, model.init_hidden(3))
"""
)

ENCODERS = (
    HEAD
    + """

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 6, num_layers=2, bidirectional=True)

    def forward(self, x):
        return self.rnn(x)
"""
)

TRAIN = """import torch
from encoders import Encoder

encoder = Encoder()
x = torch.randn(5, 3, 4)
output, h_n = encoder(x)
result = {expr}
"""

RECEIVED = (
    HEAD
    + """

class Seq2Vec(nn.Module):
    def __init__(self, rnn: nn.RNNBase) -> None:
        super().__init__()
        self.rnn = rnn
        self.directions = 2 if rnn.bidirectional else 1

    def forward(self, x):
        _, h_n = self.rnn(x)
        {body}


encoder = Seq2Vec(nn.GRU(4, 6, num_layers=2, bidirectional=True))
x = torch.randn(5, 3, 4)
result = encoder(x)
"""
)

SHAPE_PRESERVING = (
    HEAD
    + """

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(4, 6, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.3)

    def forward(self, x):
        output, _ = self.rnn(x)
        output = torch.relu(self.dropout(output))
        return {expr}


model = Classifier().eval()
x = torch.randn(3, 5, 4)
result = model(x)
"""
)

CONTAINER = (
    HEAD
    + """

class Stack(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnns = nn.ModuleList(
            [nn.LSTM(4 if i == 0 else 12, 6, bidirectional=True) for i in range(2)]
        )

    def forward(self, x):
        for rnn in self.rnns:
            x, (h_n, c_n) = rnn(x)
        return {expr}


model = Stack()
x = torch.randn(5, 3, 4)
result = model(x)
"""
)

MODULE_RESULTS = (
    HEAD
    + """

class Encoder(nn.Module):
    def __init__(self, n_layers=1):
        super().__init__()
        self.rnn = nn.GRU(4, 6, n_layers, bidirectional=True)

    def forward(self, x):
        return self.rnn(x)


class Decoder(nn.Module):
    def __init__(self, n_layers=1):
        super().__init__()
        self.n_layers = n_layers
        self.rnn = nn.GRU(4, 6, n_layers)

    def forward(self, x, hidden):
        return self.rnn(x, hidden)


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        encoder_outputs, encoder_hidden = self.encoder(x)
        return {expr}


model = Seq2Seq(Encoder(2), Decoder(2))
x = torch.randn(5, 3, 4)
result = model(x)
"""
)

LENGTHS = (
    HEAD
    + """from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

rnn = nn.GRU(4, 6, batch_first=True, bidirectional=True)
x = torch.randn(3, 5, 4)
lengths = torch.tensor([5, 3, 2])
packed_output, _ = rnn(pack_padded_sequence(x, lengths, batch_first=True))
output, _ = pad_packed_sequence(packed_output, batch_first=True)
result = {expr}
"""
)

FRAGMENT = """
rnn = nn.LSTM(4, 6, batch_first=True, bidirectional={bidirectional})
x = torch.randn(3, 5, 4)
output, (h_n, c_n) = rnn(x)
result = output[:, -1, :]{mark}
"""

# A project module that binds torch's names, star-imported by a file that never writes
# `torch` before its layer (the file's own `torch` comes from the star import too).
UTILS = "import torch\nimport torch.nn as nn\n"

STAR_PROJECT = """from utils import *

rnn = nn.LSTM(4, 6, batch_first=True, bidirectional={bidirectional})
x = torch.randn(3, 5, 4)
output, _ = rnn(x)
result = output[:, -1, :]{mark}
"""

GATHER = (
    HEAD
    + """from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

rnn = nn.LSTM(4, 6, batch_first=True, bidirectional={bidirectional})
x = torch.randn(3, 5, 4)
lengths = torch.tensor([5, 3, 2])
packed_output, _ = rnn(pack_padded_sequence(x, lengths, batch_first=True))
output, _ = pad_packed_sequence(packed_output, batch_first=True)
index = (lengths - 1).view(-1, 1, 1).expand(-1, 1, output.size(2))
result = {expr}
"""
)

STAR_IMPORT = """import torch
from torch.nn import *

rnn = GRU(4, 6, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 4)
output, h_n = rnn(x)
result = h_n[-1]  # <- BRN002
"""

ALIASED = """import torch
import torch.nn.modules.rnn as rnn_modules

rnn = rnn_modules.GRU(4, 6, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 4)
output, h_n = rnn(x)
result = h_n[-1]  # <- BRN002
"""

SHADOWED = (
    HEAD
    + """

class LSTM(nn.Module):
    \"\"\"Not torch's LSTM: returns (1, batch, 2 * hidden) summaries and nothing else.\"\"\"

    def __init__(self):
        super().__init__()
        self.inner = nn.GRU(4, 6, bidirectional=True)

    def forward(self, x):
        _, h_n = self.inner(x)
        return torch.cat((h_n[-2], h_n[-1]), dim=-1).unsqueeze(0), None


rnn = LSTM()
x = torch.randn(5, 3, 4)
summary, _ = rnn(x)
result = summary[-1]
"""
)

CHUNK = (
    HEAD
    + """
rnn = nn.GRU(4, 6, num_layers=3, bidirectional=True)
x = torch.randn(5, 3, 4)
output, h_n = rnn(x)
result = torch.cat({expr}, dim=2){mark}
"""
)

# Sentence-VAE's encoder: the class by name, every row of the state flattened per sample
# with a size the analysis cannot compute (`hidden_factor` stored in __init__).
ROW_COUNT_VIEW = (
    HEAD
    + """
class Encoder(nn.Module):
    def __init__(self, cell="gru", num_layers=2, bidirectional=True):
        super().__init__()
        self.bidirectional = bidirectional
        self.num_layers = num_layers
        self.hidden_size = 6
        rnn = nn.GRU if cell == "gru" else nn.RNN
        self.rnn = rnn(4, 6, num_layers=num_layers, bidirectional=bidirectional,
                       batch_first=True)
        self.hidden_factor = (2 if bidirectional else 1) * num_layers

    def forward(self, tokens):
        batch_size = tokens.size(0)
        _, hidden = self.rnn(tokens * 1.0)
        if self.bidirectional or self.num_layers > 1:
            hidden = {expr}
        return hidden


model = Encoder()
x = torch.randn(3, 5, 4)
result = model(x)
"""
)

CAT_LAST_TWO = "torch.cat((h_n[-2], h_n[-1]), dim=1)"
HALVES_LAST_FIRST = "torch.cat((output[:, -1, :6], output[:, 0, 6:]), dim=-1)"

F = Form
SNIPPETS: list[Snippet] = [
    one("plain_bug", F.PLAIN, PLAIN.format(expr="h_n[-1]  # <- BRN002"), "summary"),
    one("plain_correct", F.PLAIN, PLAIN.format(expr=CAT_LAST_TWO), "summary"),
    one("shape_only_correct", F.PLAIN, SHAPE_ONLY, "hidden_size"),
    one("annotated_bug", F.ANNOTATED, ANNOTATED.format(expr="h_n[-1]  # <- BRN002"),
        "summary", "model.rnn"),
    one("annotated_correct", F.ANNOTATED, ANNOTATED.format(expr=CAT_LAST_TWO),
        "summary", "model.rnn"),
    one("settings_bug", F.SETTINGS_CONTAINER,
        SETTINGS.format(expr="output[:, -1, :]  # <- BRN005"), "summary"),
    one("settings_correct", F.SETTINGS_CONTAINER, SETTINGS.format(expr=HALVES_LAST_FIRST),
        "summary"),
    one("class_runtime_bug", F.CLASS_RUNTIME,
        CLASS_RUNTIME.format(expr="state[-1]  # <- BRN002"), "summary", "model.rnn"),
    one("class_runtime_correct", F.CLASS_RUNTIME,
        CLASS_RUNTIME.format(expr="torch.cat((state[-2], state[-1]), dim=1)"),
        "summary", "model.rnn"),
    one("cross_function_bug", F.CROSS_FUNCTION,
        CROSS_FUNCTION.format(expr="output[:, -1]  # <- BRN005"), "summary", "model.rnn"),
    one("cross_function_correct", F.CROSS_FUNCTION,
        CROSS_FUNCTION.format(expr=HALVES_LAST_FIRST), "summary", "model.rnn"),
    one("init_hidden_bug", F.CROSS_FUNCTION,
        INIT_HIDDEN.format(rows=2, mark="  # <- BRN008"), "output", "model.rnn", raises=True),
    one("init_hidden_correct", F.CROSS_FUNCTION, INIT_HIDDEN.format(rows=4, mark=""),
        "output", "model.rnn"),
    Snippet("cross_file_bug", F.CROSS_FILE,
            {"encoders.py": ENCODERS, "train.py": TRAIN.format(expr="h_n[-1]  # <- BRN002")},
            "summary", "encoder.rnn"),
    Snippet("cross_file_correct", F.CROSS_FILE,
            {"encoders.py": ENCODERS, "train.py": TRAIN.format(expr=CAT_LAST_TWO)},
            "summary", "encoder.rnn"),
    one("received_bug", F.RECEIVED_LAYER,
        RECEIVED.format(body="return h_n[-1]  # <- BRN002"), "summary", "encoder.rnn"),
    one("received_correct", F.RECEIVED_LAYER,
        RECEIVED.format(body="last = h_n.view(self.rnn.num_layers, self.directions, "
                        "h_n.size(1), -1)[-1]\n        return torch.cat(tuple(last), dim=-1)"),
        "summary", "encoder.rnn"),
    one("shape_preserving_bug", F.SHAPE_PRESERVING,
        SHAPE_PRESERVING.format(expr="output[:, -1, :]  # <- BRN005"), "relu_summary",
        "model.rnn"),
    one("shape_preserving_correct", F.SHAPE_PRESERVING,
        SHAPE_PRESERVING.format(expr=HALVES_LAST_FIRST), "relu_summary", "model.rnn"),
    one("container_bug", F.CONTAINER, CONTAINER.format(expr="h_n[-1]  # <- BRN002"),
        "summary", "model.rnns[-1]", layer_input="model.rnns[0](x)[0]"),
    one("container_correct", F.CONTAINER,
        CONTAINER.format(expr="torch.cat((h_n[0], h_n[1]), dim=-1)"),
        "summary", "model.rnns[-1]", layer_input="model.rnns[0](x)[0]"),
    one("module_results_bug", F.MODULE_RESULTS,
        MODULE_RESULTS.format(expr="encoder_hidden[: self.decoder.n_layers]  # <- BRN001"),
        "forward_every_layer", "model.encoder.rnn"),
    one("module_results_correct", F.MODULE_RESULTS,
        MODULE_RESULTS.format(expr="encoder_hidden[0::2]"),
        "forward_every_layer", "model.encoder.rnn"),
    one("chunk_bug", F.PLAIN, CHUNK.format(expr="h_n.chunk(2, dim=0)", mark="  # <- BRN001"),
        "every_layer_both", "rnn"),
    one("chunk_correct", F.PLAIN, CHUNK.format(expr="(h_n[0::2], h_n[1::2])", mark=""),
        "every_layer_both", "rnn"),
    one("module_results_one_layer_bug", F.MODULE_RESULTS,
        MODULE_RESULTS.replace("Decoder(2)", "Decoder(1)").format(
            expr="encoder_hidden[: self.decoder.n_layers]  # <- BRN001"),
        "forward_last_layer_row", "model.encoder.rnn"),
    one("module_results_one_layer_correct", F.MODULE_RESULTS,
        MODULE_RESULTS.replace("Decoder(2)", "Decoder(1)").format(expr="encoder_hidden[-2:-1]"),
        "forward_last_layer_row", "model.encoder.rnn"),
    one("lengths_bug", F.LENGTHS_LAST_STEP,
        LENGTHS.format(expr="output[torch.arange(3), lengths - 1]  # <- BRN005"),
        "summary_packed"),
    one("lengths_correct", F.LENGTHS_LAST_STEP,
        LENGTHS.format(expr="torch.cat((output[torch.arange(3), lengths - 1, :6], "
                       "output[:, 0, 6:]), dim=-1)"), "summary_packed"),
    one("lengths_locals_bug", F.LENGTHS_LAST_STEP,
        LENGTHS.format(expr="output[rows, steps, :]  # <- BRN005").replace(
            "result =", "rows = torch.arange(0, x.size(0)).long()\n"
            "steps = (lengths - 1).to(x.device)\nresult ="),
        "summary_packed"),
    one("lengths_locals_correct", F.LENGTHS_LAST_STEP,
        LENGTHS.format(expr="torch.cat((output[rows, steps, :6], output[:, 0, 6:]), dim=-1)")
        .replace("result =", "rows = torch.arange(0, x.size(0)).long()\n"
                 "steps = (lengths - 1).to(x.device)\nresult ="),
        "summary_packed"),
    one("gather_bug", F.LENGTHS_LAST_STEP,
        GATHER.format(bidirectional=True,
                      expr="output.gather(1, index).squeeze(1)  # <- BRN005"),
        "summary_packed"),
    one("gather_correct", F.LENGTHS_LAST_STEP,
        GATHER.format(bidirectional=True,
                      expr="torch.cat((output.gather(1, index).squeeze(1)[:, :6], "
                      "output[:, 0, 6:]), dim=-1)"), "summary_packed"),
    one("gather_unidirectional_correct", F.LENGTHS_LAST_STEP,
        GATHER.format(bidirectional=False, expr="output.gather(1, index).squeeze(1)"),
        "summary_packed"),
    one("fragment_bug", F.FRAGMENT, FRAGMENT.format(bidirectional=True, mark="  # <- BRN005"),
        "summary"),
    one("fragment_correct", F.FRAGMENT, FRAGMENT.format(bidirectional=False, mark=""),
        "forward_last_layer"),
    one("star_import_bug", F.FRAGMENT, STAR_IMPORT, "summary"),
    Snippet("star_project_bug", F.FRAGMENT,
            {"utils.py": UTILS,
             "star_project.py": STAR_PROJECT.format(bidirectional=True,
                                                    mark="  # <- BRN005")},
            "summary", "rnn"),
    Snippet("star_project_correct", F.FRAGMENT,
            {"utils.py": UTILS,
             "star_project.py": STAR_PROJECT.format(bidirectional=False, mark="")},
            "forward_last_layer", "rnn"),
    one("row_count_view_bug", F.CLASS_RUNTIME,
        ROW_COUNT_VIEW.format(
            expr="hidden.view(batch_size, self.hidden_size * self.hidden_factor)"
            "  # <- BRN003"),
        "per_sample", "model.rnn"),
    one("row_count_view_correct", F.CLASS_RUNTIME,
        ROW_COUNT_VIEW.format(
            expr="hidden.transpose(0, 1).reshape(batch_size, "
            "self.hidden_size * self.hidden_factor)"),
        "per_sample", "model.rnn"),
    one("aliased_bug", F.NAME_RESOLUTION, ALIASED, "summary"),
    one("shadowed_correct", F.NAME_RESOLUTION, SHADOWED, "summary", "rnn.inner"),
]  # fmt: skip
