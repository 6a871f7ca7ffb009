"""Fragments (issue 10, form 11): torch's names used without a binding of the file's own.

A notebook cell pasted into a script reads `nn`, `LSTM`, `GRU`, `RNN` unbound: they are
torch's where nothing binds them and the file uses torch (it imports torch, or reads the
name `torch`). A star import of a project module is followed into the project (the real
CLI on real files); a star import of a module outside it may bind anything: only `nn`
(beside a use of torch) is still read as torch's. And the last valid step taken by
`gather` (form 10) is checked where a unidirectional reading is right and silent.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from entry_point import BIRNN_LINT, write

from birnn_lint.analysis.layers import code, walk
from birnn_lint.analysis.names import Resolution, Resolver
from birnn_lint.analysis.project_stars import ProjectStars
from birnn_lint.engine import check_source
from birnn_lint.prefilter import may_contain_findings

BODY = """
rnn = {ctor}(4, 6, num_layers=2, bidirectional=True)

def last(x):
    output, h_n = rnn(x)
    return h_n[-1]
"""


def codes(source: str) -> list[str]:
    return [f.code for f in check_source(textwrap.dedent(source), "fragment.py")]


def fragment(head: str, ctor: str = "nn.GRU") -> str:
    return textwrap.dedent(head) + BODY.format(ctor=ctor)


# ------------------------------------------------------------- a file on its own


@pytest.mark.parametrize(
    "head, ctor",
    [
        ("x = torch.randn(5, 3, 4)\n", "nn.GRU"),  # a notebook cell: no import at all
        ("x = torch.randn(5, 3, 4)\n", "GRU"),
        ("import torch\n", "nn.GRU"),
        ("import torch.nn\n", "nn.GRU"),  # binds only `torch`: `nn` is the fragment's
        ("from torch import Tensor\n", "RNN"),
        ("def f():\n    import torch\n", "nn.GRU"),  # an import in any scope
        ("from fastai.text import *\ny = torch.zeros(1)\n", "nn.GRU"),  # `nn` beside torch
    ],
)
def test_unbound_torch_names_in_a_file_that_uses_torch_are_torchs(head: str, ctor: str) -> None:
    assert codes(fragment(head, ctor)) == ["BRN002"]


def test_a_unidirectional_fragment_is_silent() -> None:
    source = fragment("x = torch.randn(5, 3, 4)\n").replace("bidirectional=True", "")
    assert codes(source) == []


@pytest.mark.parametrize(
    "head, ctor",
    [
        ("", "nn.GRU"),  # the file never uses torch: `nn` may be anything
        ("x = np.zeros(3)\n", "GRU"),
        # Bound by the file: a parameter, an assignment, a class, a deletion.
        ("import torch\nnn = make_nn()\n", "nn.GRU"),
        ("import torch\nfrom mylib import GRU\n", "GRU"),
        ("import torch\nclass GRU:\n    pass\n", "GRU"),
        ("import torch\nGRU = None\ndel GRU\n", "GRU"),
        ("import torch\nfor nn in modules:\n    pass\n", "nn.GRU"),
        # A star import from outside the project may bind the bare class names.
        ("import torch\nfrom keras.layers import *\n", "GRU"),
        ("from keras.layers import *\n", "nn.GRU"),  # and `nn`, with no use of torch
        # `torch` bound to something else is no use of torch.
        ("torch = load_backend()\nx = torch.zeros(3)\n", "nn.GRU"),
    ],
)
def test_names_the_file_may_bind_otherwise_stay_unknown(head: str, ctor: str) -> None:
    assert codes(fragment(head, ctor)) == []


def test_a_parameter_named_nn_in_a_fragment_is_not_torch() -> None:
    source = """
    x = torch.randn(5, 3, 4)

    def build(nn):
        rnn = nn.GRU(4, 6, num_layers=2, bidirectional=True)
        output, h_n = rnn(x)
        return h_n[-1]
    """
    assert codes(source) == []


def _resolver(source: str) -> Resolver:
    return Resolver(cst.parse_module(textwrap.dedent(source)))


@pytest.mark.parametrize(
    "source, uses",
    [
        ("import torch\n", True),
        ("import torch.nn.functional as F\n", True),
        ("from torch.nn import *\n", True),
        ("def f():\n    from torch import nn\n", True),
        ("x = torch.zeros(1)\n", True),  # read where nothing binds it
        ("import numpy as np\n", False),
        ("torch = 3\nx = torch\n", False),
        ("def f(torch):\n    return torch.zeros(1)\n", False),
        ("s = 'torch'\n", False),
    ],
)
def test_when_a_file_uses_torch(source: str, uses: bool) -> None:
    assert _resolver(source).uses_torch is uses


def _qualified(resolver: Resolver, module: cst.Module, text: str) -> str | None:
    found = [n for n in walk(module, into_defs=True) if code(n) == text]
    assert found, text
    return resolver.qualified(found[-1])


def test_the_resolver_reads_a_fragments_names_as_torchs() -> None:
    module = cst.parse_module("x = torch.zeros(1)\na = nn.LSTM\nb = GRU\nc = RNN\nd = Linear\n")
    resolver = Resolver(module)
    assert _qualified(resolver, module, "nn.LSTM") == "torch.nn.LSTM"
    assert _qualified(resolver, module, "GRU") == "torch.nn.GRU"
    assert _qualified(resolver, module, "RNN") == "torch.nn.RNN"
    assert _qualified(resolver, module, "torch.zeros") == "torch.zeros"
    assert _qualified(resolver, module, "Linear") is None  # only the four names


# ------------------------------------------------------------- star imports of the project


def lint(root: Path, *paths: str) -> set[tuple[str, str, int]]:
    """The real CLI on the files (or the whole folder): (code, file, row) per finding."""
    done = subprocess.run(
        [BIRNN_LINT, "check", "--output-format", "json", "--isolated", "--no-cache"]
        + ["--exit-zero", *(paths or (".",))],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        (item["code"], Path(item["filename"]).name, item["location"]["row"])
        for item in json.loads(done.stdout)
    }


MODEL = """from utils import *


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = {ctor}(4, 6, batch_first=True, bidirectional={bidirectional})

    def forward(self, x):
        out, _ = self.rnn(x)
        return out[:, -1, :]
"""


def project(root: Path, utils: str, ctor: str = "nn.LSTM", bidirectional: bool = True) -> None:
    write(root, "pyproject.toml", "[project]\nname = 'p'\n")
    write(root, "utils.py", textwrap.dedent(utils))
    write(root, "model.py", MODEL.format(ctor=ctor, bidirectional=bidirectional))


@pytest.mark.parametrize(
    "utils, ctor",
    [
        ("import torch\nimport torch.nn as nn\n", "nn.LSTM"),
        ("from torch import nn\n", "nn.LSTM"),
        ("import torch.nn as nn\nfrom torch.nn import LSTM\n", "LSTM"),
        ("from torch.nn import *\n", "LSTM"),  # utils star-imports torch.nn in its turn
        ("from helpers import *\n", "nn.GRU"),  # utils -> helpers -> torch
        ("__all__ = ['nn', 'GRU']\nfrom torch import nn\nfrom torch.nn import GRU\n", "GRU"),
    ],
)
def test_names_bound_by_a_star_imported_project_module_are_followed(
    tmp_path: Path, utils: str, ctor: str
) -> None:
    project(tmp_path, utils, ctor)
    write(tmp_path, "helpers.py", "import torch\nfrom torch import nn\n")
    assert lint(tmp_path) == {("BRN005", "model.py", 11)}
    assert lint(tmp_path, "model.py") == {("BRN005", "model.py", 11)}  # checked alone


def test_a_unidirectional_layer_through_a_project_star_import_is_silent(tmp_path: Path) -> None:
    project(tmp_path, "import torch.nn as nn\n", bidirectional=False)
    assert lint(tmp_path) == set()


@pytest.mark.parametrize(
    "utils",
    [
        "class nn:\n    LSTM = object\n",  # the project's own `nn`
        "nn = make_backend()\n",  # a value not followed
        "from mxnet.gluon import *\n",  # a star import the project cannot read
        "__all__ = ['helper']\nimport torch.nn as nn\n",  # not exported, and no torch here
        "import torch.nn as nn\ndef broken(:\n",  # cannot be read: may bind anything
    ],
)
def test_a_star_imported_project_module_binding_otherwise_stays_silent(
    tmp_path: Path, utils: str
) -> None:
    project(tmp_path, utils)
    assert ("BRN005", "model.py", 11) not in lint(tmp_path, "model.py")


def test_project_stars_answer_per_name(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'p'\n")
    write(tmp_path, "utils.py", "import torch.nn as nn\nfrom torch.nn import *\nx = f()\n")
    main = write(tmp_path, "main.py", "from utils import *\nfrom numpy import *\n")
    module = cst.parse_module(main.read_text())
    stars = ProjectStars(main)
    utils_star, numpy_star = Resolver(module).star_imports
    answers = {name: stars.through(utils_star, name) for name in ("nn", "GRU", "x", "zeros")}
    assert answers["nn"] == Resolution(frozenset({"torch.nn"}))
    assert answers["GRU"] == Resolution(frozenset({"torch.nn.GRU"}))  # utils' torch.nn star
    assert answers["x"] == Resolution(opaque=True)  # a value: not followed
    assert answers["zeros"] == Resolution()  # not brought by utils
    assert stars.through(numpy_star, "nn") is None  # outside the project: unknown


def test_a_cycle_of_star_imports_ends(tmp_path: Path) -> None:
    write(tmp_path, "a.py", "from b import *\nimport torch.nn as nn\n")
    write(tmp_path, "b.py", "from a import *\n")
    project(tmp_path, "from b import *\n")
    assert lint(tmp_path, "model.py") == {("BRN005", "model.py", 11)}


# ------------------------------------------------------------- the pre-selection


@pytest.mark.parametrize(
    "text, passes",
    [
        (b"from utils import *\nrnn = nn.LSTM(4, 6)\n", True),  # no `torch` in it
        (b"from utils import  *\nrnn = LSTM(4, 6)\n", True),
        (b"x = torch.zeros(1)\nrnn = nn.GRU(4, 6)\n", True),
        (b"rnn = nn.GRU(4, 6)\n", False),  # neither torch nor a star import
        (b"from utils import *\nx = 1\n", False),  # no layer word
    ],
)
def test_the_preselection_lets_star_importing_files_through(text: bytes, passes: bool) -> None:
    assert may_contain_findings(text) is passes


# ------------------------------------------------------------- gather: what stays silent

GATHER = """
import torch
from torch import nn

rnn = nn.GRU(8, 16, batch_first=True, bidirectional={bidirectional})

def f(x, lengths):
    out, _ = rnn(x)
    return {read}
"""


@pytest.mark.parametrize(
    "bidirectional, read",
    [
        # A unidirectional output's last valid step is its summary.
        (False, "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))"),
        # Only the first feature (the forward half's): not both directions.
        (True, "out.gather(1, (lengths - 1).view(-1, 1, 1))"),
        # Along the batch axis, or by an index not counted from the lengths.
        (True, "out.gather(0, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))"),
        (True, "out.gather(1, lengths.view(-1, 1, 1).expand(-1, 1, out.size(2)))"),
        # Only its size read.
        (True, "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, 32)).size(-1)"),
        # The backward half taken from step 0 beside it.
        (
            True,
            "torch.cat((out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, 32))"
            "[:, 0, :16], out[:, 0, 16:]), -1)",
        ),
    ],
)
def test_gather_reads_that_are_right_or_not_the_last_valid_step_are_silent(
    bidirectional: bool, read: str
) -> None:
    assert codes(GATHER.format(bidirectional=bidirectional, read=read)) == []


def test_a_gather_index_name_bound_twice_from_elsewhere_is_not_followed() -> None:
    read = "out.gather(1, index)"
    source = GATHER.format(bidirectional=True, read=read).replace(
        "    return out.gather",
        "    for index in pool:\n        pass\n"
        "    index = (lengths - 1).view(-1, 1, 1).expand(-1, 1, 32)\n"
        "    return out.gather",
    )
    assert "for index in pool" in source
    assert codes(source) == []


def test_gather_with_a_literal_feature_size_is_flagged() -> None:
    read = "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, 32))"
    assert codes(GATHER.format(bidirectional=True, read=read)) == ["BRN005"]
