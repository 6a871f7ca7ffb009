"""The name resolver: every import form, module-level aliases, Python's scoping rules
and shadowing, conditional imports, star imports, and the tables a cross-file analysis
reads; then, end to end, that layers are recognised (or not) through it."""

import ast
import importlib
import textwrap

import libcst as cst
import pytest

from birnn_lint.analysis.layers import code, walk
from birnn_lint.analysis.names import TORCH_STAR_EXPORTS, ImportedName, Resolver
from birnn_lint.engine import check_source, constructs_a_layer


def _use(source: str, text: str) -> tuple[Resolver, cst.CSTNode]:
    """The resolver of `source` and the last Name/Attribute spelled `text` in it."""
    module = cst.parse_module(textwrap.dedent(source))
    found = [
        node
        for node in walk(module, into_defs=True)
        if isinstance(node, (cst.Name, cst.Attribute)) and code(node) == text
    ]
    assert found, f"{text!r} not in the source"
    return Resolver(module), found[-1]


def qualified(source: str, text: str) -> str | None:
    resolver, node = _use(source, text)
    return resolver.qualified(node)


def flagged(source: str) -> list[str]:
    return [f.code for f in check_source(textwrap.dedent(source), "r.py")]


# ---------------------------------------------------------------------- imports


@pytest.mark.parametrize(
    "imports, use, expected",
    [
        ("import torch", "torch.nn.LSTM", "torch.nn.LSTM"),
        ("import torch as t", "t.nn.GRU", "torch.nn.GRU"),
        ("import torch.nn as nn", "nn.LSTM", "torch.nn.LSTM"),
        ("import torch.nn", "torch.nn.RNN", "torch.nn.RNN"),
        # `import torch.nn` binds only `torch`...
        ("import torch.nn.functional", "functional.relu", None),
        # ... but an unbound `nn` in a file that uses torch is a fragment's: torch's
        ("import torch.nn", "nn.RNN", "torch.nn.RNN"),
        ("from torch import nn", "nn.LSTM", "torch.nn.LSTM"),
        ("from torch import nn as tnn", "tnn.LSTM", "torch.nn.LSTM"),
        ("from torch.nn import LSTM as Enc", "Enc", "torch.nn.LSTM"),
        ("from torch.nn import GRU, LSTM", "GRU", "torch.nn.GRU"),
        ("import torch.nn.functional as F", "F.dropout", "torch.nn.functional.dropout"),
        ("import torch", "torch.nn.modules.rnn.LSTM", "torch.nn.modules.rnn.LSTM"),
        ("from torch.nn.modules import rnn", "rnn.GRU", "torch.nn.modules.rnn.GRU"),
        (
            "from torch.nn.utils.rnn import pad_packed_sequence",
            "pad_packed_sequence",
            "torch.nn.utils.rnn.pad_packed_sequence",
        ),
        ("from torch.nn import *", "LSTM", "torch.nn.LSTM"),
        ("from torch.nn import *", "GRU", "torch.nn.GRU"),
        ("from torch.nn import *", "functional.dropout", "torch.nn.functional.dropout"),
        ("from torch.nn.modules.rnn import *", "RNN", "torch.nn.modules.rnn.RNN"),
        ("from torch.nn import *", "Transformerish", None),  # not a torch.nn export
        ("from __future__ import annotations\nimport torch", "torch.cat", "torch.cat"),
        ("import numpy as np", "np.stack", "numpy.stack"),
        ("", "LSTM", None),  # unbound: a builtin or a NameError
    ],
)
def test_import_forms(imports, use, expected):
    assert qualified(f"{imports}\nx = {use}\n", use) == expected


@pytest.mark.parametrize(
    "imports, use, expected",
    [
        ("from .encoders import Encoder", "Encoder", ".encoders.Encoder"),
        ("from . import utils", "utils.build", ".utils.build"),
        ("from .. import models", "models.rnn", "..models.rnn"),
        ("from ..models.rnn import build_rnn as b", "b", "..models.rnn.build_rnn"),
        ("from models.rnn import build_rnn", "build_rnn", "models.rnn.build_rnn"),
    ],
)
def test_relative_imports_stay_relative(imports, use, expected):
    """Module-relative names, for the cross-file analysis to resolve in its project."""
    assert qualified(f"{imports}\nx = {use}\n", use) == expected


def test_star_import_of_another_module_is_left_to_the_cross_file_analysis():
    resolver, node = _use("from utils import *\nx = nn.LSTM\n", "nn.LSTM")
    assert resolver.qualified(node) is None
    assert resolver.resolve(node).via_star == {"utils.nn.LSTM"}
    resolver, node = _use("from .utils import *\nx = LSTM\n", "LSTM")
    assert resolver.resolve(node).via_star == {".utils.LSTM"}


def test_torch_star_beside_another_star_is_ambiguous():
    """`utils` may define its own LSTM: only the project can say which one wins."""
    resolver, node = _use("from torch.nn import *\nfrom utils import *\nx = LSTM\n", "LSTM")
    resolution = resolver.resolve(node)
    assert resolution.targets == {"torch.nn.LSTM"}
    assert resolution.via_star == {"utils.LSTM"}
    assert resolver.qualified(node) is None


@pytest.mark.parametrize("module", sorted(TORCH_STAR_EXPORTS))
def test_star_export_tables_match_torch(module):
    """Each name listed as brought by `from M import *` is brought by real torch."""
    importlib.import_module(module)
    namespace: dict[str, object] = {}
    exec(f"from {module} import *", namespace)
    assert TORCH_STAR_EXPORTS[module] <= namespace.keys()


# ---------------------------------------------------------------------- aliases


@pytest.mark.parametrize(
    "source, use, expected",
    [
        ("import torch.nn as nn\nLSTM = nn.LSTM\n", "LSTM", "torch.nn.LSTM"),
        ("import torch\nCell = torch.nn.GRU\n", "Cell", "torch.nn.GRU"),
        ("import torch\nCell: type = torch.nn.GRU\n", "Cell", "torch.nn.GRU"),
        ("import torch\nA = torch.nn.GRU\nB = A\n", "B", "torch.nn.GRU"),
        ("import torch\nA = B = torch.nn.RNN\n", "A", "torch.nn.RNN"),
        ("import torch.nn.functional as F\nd = F.dropout\n", "d", "torch.nn.functional.dropout"),
        ("import torch\nnn = torch.nn\n", "nn.LSTM", "torch.nn.LSTM"),
        ("from torch import nn\nA, B = nn.GRU, nn.LSTM\n", "A", None),  # not followed
        ("from torch import nn\nCell = nn.GRU\nCell = make()\n", "Cell", None),
        ("LSTM = LSTM\n", "LSTM", None),  # a cycle adds nothing
        ("A = B\nB = A\n", "A", None),
    ],
)
def test_alias_assignments(source, use, expected):
    assert qualified(source + f"x = {use}\n", use) == expected


def test_a_conditional_alias_is_a_set_of_layers():
    resolver, node = _use("from torch import nn\nCell = nn.GRU if g else nn.LSTM\nCell\n", "Cell")
    assert resolver.resolve(node).targets == {"torch.nn.GRU", "torch.nn.LSTM"}
    assert resolver.qualified(node) is None  # more than one: not a single torch name


# ---------------------------------------------------------------------- conditional imports


def test_type_checking_import_counts():
    src = """
    from typing import TYPE_CHECKING
    if TYPE_CHECKING:
        from torch import nn
    x = nn.LSTM
    """
    assert qualified(src, "nn.LSTM") == "torch.nn.LSTM"


def test_the_same_import_in_every_branch_agrees():
    src = """
    try:
        import torch.nn as nn
    except ImportError:
        from torch import nn
    x = nn.LSTM
    """
    assert qualified(src, "nn.LSTM") == "torch.nn.LSTM"


def test_an_import_beside_a_fallback_value_is_ambiguous():
    src = """
    try:
        import torch.nn as nn
    except ImportError:
        nn = None
    x = nn.LSTM
    """
    resolver, node = _use(src, "nn.LSTM")
    resolution = resolver.resolve(node)
    assert resolution.targets == {"torch.nn.LSTM"} and resolution.opaque
    assert resolver.qualified(node) is None


def test_imports_of_different_things_in_branches_are_ambiguous():
    src = """
    if fast:
        from torch.nn import GRU as Cell
    else:
        from mylib import Cell
    x = Cell
    """
    assert qualified(src, "Cell") is None


# ---------------------------------------------------------------------- shadowing and scopes

HEADER = "import torch.nn as nn\nfrom torch.nn import LSTM\n"


@pytest.mark.parametrize(
    "body, use",
    [
        ("def f(nn):\n    return nn.LSTM\n", "nn.LSTM"),
        ("def f(*, nn=None):\n    return nn.LSTM\n", "nn.LSTM"),
        ("def f(*nn):\n    return nn.LSTM\n", "nn.LSTM"),
        ("g = lambda nn: nn.LSTM\n", "nn.LSTM"),
        ("for LSTM in layers:\n    x = LSTM\n", "LSTM"),
        ("def f():\n    for LSTM in layers:\n        pass\n    return LSTM\n", "LSTM"),
        ("class LSTM:\n    pass\nx = LSTM\n", "LSTM"),
        ("def nn():\n    pass\nx = nn.LSTM\n", "nn.LSTM"),
        ("nn = MyNN()\nx = nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    x = nn.LSTM\n    nn = 3\n", "nn.LSTM"),  # local in all of f
        ("def f():\n    nn += 1\n    return nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    with open(p) as nn:\n        return nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    with a as (b, nn):\n        return nn.LSTM\n", "nn.LSTM"),
        ("try:\n    pass\nexcept E as nn:\n    x = nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    if (nn := g()):\n        return nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    ys = [(nn := y) for y in xs]\n    return nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    a, *nn = g()\n    return nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    del nn\n    return nn.LSTM\n", "nn.LSTM"),
        ("match v:\n    case nn:\n        x = nn.LSTM\n", "nn.LSTM"),
        ("match v:\n    case [LSTM, *_]:\n        x = LSTM\n", "LSTM"),
        ("match v:\n    case [a, *LSTM]:\n        x = LSTM\n", "LSTM"),
        ("match v:\n    case {'k': 1, **nn}:\n        x = nn.LSTM\n", "nn.LSTM"),
        ("match v:\n    case C(x=1) | D() as LSTM:\n        x = LSTM\n", "LSTM"),
        ("def f():\n    global nn\n    nn = 3\nx = nn.LSTM\n", "nn.LSTM"),
        (
            "def f():\n    import torch.nn as nn\n    def g():\n        nonlocal nn\n"
            "        nn = 3\n    return nn.LSTM\n",
            "nn.LSTM",
        ),
        ("class M:\n    LSTM = make()\n    x = LSTM\n", "LSTM"),
        ("type LSTM = int\nx = LSTM\n", "LSTM"),
        ("def f[LSTM](x: LSTM):\n    return LSTM\n", "LSTM"),
    ],
)
def test_shadowed_names_are_not_torch(body, use):
    assert qualified(HEADER + body, use) is None


@pytest.mark.parametrize(
    "body, use",
    [
        # A class body does not enclose its methods.
        ("class M:\n    nn = 3\n    def f(self):\n        return nn.LSTM\n", "nn.LSTM"),
        ("class M:\n    nn = 3\n    xs = [nn.LSTM for _ in range(2)]\n", "nn.LSTM"),
        # Defaults, annotations, decorators and bases are read where the def is.
        ("def f(x=nn.LSTM, nn=None):\n    pass\n", "nn.LSTM"),
        ("def f(x: nn.LSTM, nn=None):\n    pass\n", "nn.LSTM"),
        ("@nn.LSTM\ndef f(nn):\n    pass\n", "nn.LSTM"),
        ("def f():\n    xs = [nn for nn in range(3)]\n    return nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    return [nn.LSTM for nn2 in nn.modules]\n", "nn.LSTM"),
        # Other functions' locals do not leak.
        ("def f(nn):\n    pass\ndef g():\n    return nn.LSTM\n", "nn.LSTM"),
        ("def f():\n    LSTM = 3\nx = LSTM\n", "LSTM"),
        # `global` sends a function's import to the module.
        ("def setup():\n    global tnn\n    import torch.nn as tnn\nx = tnn.LSTM\n", "tnn.LSTM"),
        # A function's own import.
        ("def f():\n    from torch import nn as inner\n    return inner.LSTM\n", "inner.LSTM"),
        ("def f():\n    def g():\n        return nn.LSTM\n    return g\n", "nn.LSTM"),
    ],
)
def test_scoping_rules_keep_torch_names(body, use):
    expected = "torch.nn.LSTM"
    assert qualified(HEADER.replace("nn.LSTM", "x") + body, use) == expected


def test_class_body_sees_its_own_binding_methods_see_the_module():
    src = """
    from torch.nn import LSTM as Cell
    class M:
        Cell = make()
        here = Cell
        def f(self):
            return Cell
    """
    module = cst.parse_module(textwrap.dedent(src))
    resolver = Resolver(module)
    uses = [n for n in walk(module, True) if isinstance(n, cst.Name) and n.value == "Cell"]
    in_class, in_method = uses[-2], uses[-1]
    assert resolver.qualified(in_class) is None
    assert resolver.qualified(in_method) == "torch.nn.LSTM"


def test_comprehension_first_iterable_is_read_in_the_class():
    src = """
    import torch.nn as nn
    class M:
        nn = make()
        xs = [a for a in nn.LSTM]
    """
    assert qualified(src, "nn.LSTM") is None


def test_a_function_import_of_another_module_is_that_module():
    src = "import torch.nn as nn\ndef f():\n    import mylib as nn\n    return nn.LSTM\n"
    assert qualified(src, "nn.LSTM") == "mylib.LSTM"


def test_a_node_built_after_parsing_resolves_to_nothing():
    resolver = Resolver(cst.parse_module("import torch\n"))
    assert resolver.qualified(cst.parse_expression("torch.cat")) is None


# ---------------------------------------------------------------------- tables


def test_tables_for_the_cross_file_analysis():
    src = """
    import torch
    import torch.nn as nn
    from .encoders import Encoder
    from .. import utils as u
    from helpers import *
    from . import *
    try:
        from torch.nn import LSTM as Cell
    except ImportError:
        Cell = None
    def build():
        global made
        made = 1
    class Model:
        pass
    """
    resolver = Resolver(cst.parse_module(textwrap.dedent(src)))
    assert resolver.imports == {
        "torch": (ImportedName("torch"),),
        "nn": (ImportedName("torch.nn"),),
        "Encoder": (ImportedName("encoders", "Encoder", 1),),
        "u": (ImportedName("", "utils", 2),),
        "Cell": (ImportedName("torch.nn", "LSTM"),),
    }
    assert [s.qualified for s in resolver.star_imports] == ["helpers", "."]
    assert resolver.top_level_names == {
        "torch",
        "nn",
        "Encoder",
        "u",
        "Cell",
        "build",
        "made",
        "Model",
    }
    assert resolver.resolve_global("Encoder").unique == ".encoders.Encoder"
    assert resolver.resolve_global("Cell").unique is None  # torch's, or None


@pytest.mark.parametrize(
    "source, exports",
    [
        ("import torch.nn as nn\nclass Enc: pass\n_private = 1\n", {"nn", "Enc"}),
        ("import torch.nn as nn\n__all__ = ['nn', 'X']\n", {"nn", "X"}),
        ("__all__ = ('a',)\n__all__ = ['b']\n", {"a", "b"}),
        ("__all__ = names()\n", None),
        ("__all__ = ['a']\n__all__ += ['b']\n", None),
    ],
)
def test_star_exports(source, exports):
    assert Resolver(cst.parse_module(source)).star_exports() == exports


# ---------------------------------------------------------------------- end to end

LAST_ROW = """
rnn = {ctor}(8, 16, 2, bidirectional=True)
out, h = rnn(x)
last = h[-1]
"""


@pytest.mark.parametrize(
    "setup, ctor, expected",
    [
        # An LSTM's h[-1] here is c_n (BRN006); a GRU's is the last row (BRN002).
        ("from torch.nn import *", "LSTM", "BRN006"),
        ("from torch.nn import *", "GRU", "BRN002"),
        ("import torch.nn as nn\nCell = nn.GRU", "Cell", "BRN002"),
        ("import torch\nLSTM = torch.nn.LSTM", "LSTM", "BRN006"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from torch import nn",
            "nn.GRU",
            "BRN002",
        ),
        ("from torch import nn as tnn", "tnn.GRU", "BRN002"),
    ],
)
def test_layers_recognised_through_the_resolver(setup, ctor, expected):
    assert flagged(setup + "\n" + LAST_ROW.format(ctor=ctor)) == [expected]


@pytest.mark.parametrize(
    "setup",
    [
        "import torch.nn as nn\nnn = MyNN()",
        "import torch.nn as nn\nclass nn:\n    GRU = staticmethod(make)",
        "import torch.nn as nn\nfor nn in registries:\n    pass",
        "from utils import *",
    ],
)
def test_layers_not_recognised_where_the_name_is_not_torch(setup):
    assert flagged(setup + "\n" + LAST_ROW.format(ctor="nn.GRU")) == []


def test_a_parameter_named_nn_is_not_torch_end_to_end():
    src = """
    import torch.nn as nn

    def build(nn, x):
        rnn = nn.GRU(8, 16, 2, bidirectional=True)
        out, h = rnn(x)
        return h[-1]

    def build_torch(x):
        rnn = nn.GRU(8, 16, 2, bidirectional=True)
        out, h = rnn(x)
        return h[-1]
    """
    found = check_source(textwrap.dedent(src), "r.py")
    assert [(f.code, f.location.row) for f in found] == [("BRN002", 12)]


@pytest.mark.parametrize(
    "source, constructs",
    [
        ("import torch.nn as nn\nCell = nn.GRU\nm = Cell(1, 2)\n", True),
        ("import torch.nn as nn\nCell = nn.GRU if g else nn.LSTM\nm = Cell(1, 2)\n", True),
        ("import torch\nA = torch.nn.LSTM\nB = A\nm = B(1, 2)\n", True),
        ("Cell = make()\nm = Cell(1, 2)\n", False),
    ],
)
def test_preselection_sees_module_level_aliases(source, constructs):
    """The built-in parser's pre-selection lets files that build a layer through an
    alias reach the resolver."""
    assert constructs_a_layer(ast.parse(source)) is constructs
