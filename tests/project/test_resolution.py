"""Cross-file resolution on real temporary projects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from birnn_lint.project import ClassInfo, ProjectIndex, SymbolKind

MakeProject = Callable[[dict[str, str]], Path]


def test_relative_import_and_base_in_another_module(make_project: MakeProject) -> None:
    root = make_project(
        {
            "models/__init__.py": "",
            "models/base.py": """
                from torch import nn

                class BaseEncoder(nn.Module):
                    pass
            """,
            "models/encoders.py": """
                import torch.nn as nn
                from .base import BaseEncoder

                class Encoder(BaseEncoder):
                    def __init__(self):
                        super().__init__()
                        self.rnn = nn.LSTM(8, 16, bidirectional=True)
            """,
            "models/seq2seq.py": "from .encoders import Encoder\n",
        }
    )
    user = root / "models" / "seq2seq.py"
    index = ProjectIndex.for_file(user)
    encoder = index.resolve_name(user, "Encoder")
    assert encoder is not None and encoder.kind is SymbolKind.CLASS
    assert encoder.path == root / "models" / "encoders.py"
    assert (encoder.line, encoder.module) == (5, "models.encoders")  # line 1 is blank
    assert isinstance(encoder.info, ClassInfo) and encoder.info.bases == ("BaseEncoder",)
    chain = [symbol.qualified_name for symbol in index.ancestors(encoder)]
    assert chain == ["models.base.BaseEncoder", "torch.nn.Module"]
    assert index.ancestors(encoder)[-1].is_torch
    assert index.qualified_name(root / "models" / "encoders.py", "nn.LSTM") == "torch.nn.LSTM"


def test_absolute_import_of_a_function_and_import_as(make_project: MakeProject) -> None:
    root = make_project(
        {
            "models/__init__.py": "",
            "models/rnn.py": "def build_rnn(n):\n    return n\n",
            "train.py": """
                from models.rnn import build_rnn
                import models.rnn as m
                import models.rnn
                import torch
            """,
        }
    )
    train = root / "train.py"
    index = ProjectIndex.for_file(train)
    function = index.resolve_name(train, "build_rnn")
    assert function is not None and function.kind is SymbolKind.FUNCTION
    assert (function.path, function.line) == (root / "models" / "rnn.py", 1)
    module = index.resolve_name(train, "m")
    assert module is not None and module.kind is SymbolKind.MODULE
    assert (module.name, module.path) == ("models.rnn", root / "models" / "rnn.py")
    # `import models.rnn` binds `models`; the attribute chain reaches the function.
    assert index.resolve_dotted(train, "models.rnn.build_rnn") == function
    assert index.resolve_dotted(train, "m.build_rnn") == function
    torch = index.resolve_name(train, "torch")
    assert torch is not None and torch.kind is SymbolKind.EXTERNAL and torch.name == "torch"
    assert index.module_path(train, "torch") is None
    assert index.qualified_name(train, "torch.nn.LSTM") == "torch.nn.LSTM"


def test_reexport_through_package_init(make_project: MakeProject) -> None:
    root = make_project(
        {
            "pkg/__init__.py": "from .encoder import Encoder\nfrom . import decoder\n",
            "pkg/encoder.py": "class Encoder: pass\n",
            "pkg/decoder.py": "class Decoder: pass\n",
            "app.py": "from pkg import Encoder, decoder\nfrom pkg.decoder import Decoder\n",
        }
    )
    app = root / "app.py"
    index = ProjectIndex.for_file(app)
    encoder = index.resolve_name(app, "Encoder")
    assert encoder is not None and encoder.path == root / "pkg" / "encoder.py"
    decoder = index.resolve_name(app, "decoder")
    assert decoder is not None and decoder.kind is SymbolKind.MODULE
    assert decoder.path == root / "pkg" / "decoder.py"
    assert index.resolve_dotted(app, "decoder.Decoder") == index.resolve_name(app, "Decoder")


def test_submodule_not_named_in_init(make_project: MakeProject) -> None:
    root = make_project(
        {
            "pkg/__init__.py": "",
            "pkg/layers.py": "class Layer: pass\n",
            "app.py": "from pkg import layers\n",
        }
    )
    index = ProjectIndex.for_file(root / "app.py")
    assert index.resolve_name(root / "app.py", "layers") is not None
    assert index.resolve_dotted(root / "app.py", "layers.Layer") is not None
    assert index.resolve_dotted(root / "app.py", "layers.Missing") is None


def test_namespace_package_and_levels(make_project: MakeProject) -> None:
    root = make_project(
        {
            "ns/sub/deep/__init__.py": "",
            "ns/sub/deep/mod.py": "from ...helpers import tool\nfrom .. import sibling\n",
            "ns/sub/sibling.py": "X = 1\n",
            "ns/helpers.py": "def tool(): pass\n",
            "app.py": "import ns.sub.sibling as s\nfrom ns.sub import deep\n",
        }
    )
    index = ProjectIndex.for_file(root / "app.py")
    mod = root / "ns" / "sub" / "deep" / "mod.py"
    tool = index.resolve_name(mod, "tool")
    assert tool is not None and tool.path == root / "ns" / "helpers.py"
    sibling = index.resolve_name(mod, "sibling")
    assert sibling is not None and sibling.path == root / "ns" / "sub" / "sibling.py"
    assert index.resolve_name(root / "app.py", "s") == sibling
    deep = index.resolve_name(root / "app.py", "deep")
    assert deep is not None and deep.path == root / "ns" / "sub" / "deep" / "__init__.py"
    namespace = index.resolve_module(root / "app.py", "ns.sub")
    assert namespace is not None and namespace.path is None and namespace.is_package
    assert index.module_path(mod, "", level=9) is None or True  # never raises


def test_star_import_brings_torch_names(make_project: MakeProject) -> None:
    root = make_project(
        {
            "utils.py": """
                import torch
                import torch.nn as nn
                from torch.nn import LSTM as _LSTM
                def helper(): pass
            """,
            "model.py": """
                from utils import *

                class Net(nn.Module):
                    def __init__(self):
                        self.rnn = nn.LSTM(4, 4, bidirectional=True)
            """,
        }
    )
    model = root / "model.py"
    index = ProjectIndex.for_file(model)
    nn = index.resolve_name(model, "nn")
    assert nn is not None and nn.kind is SymbolKind.EXTERNAL and nn.name == "torch.nn"
    assert index.qualified_name(model, "nn.LSTM") == "torch.nn.LSTM"
    stars = index.star_bindings(model)
    assert set(stars) == {"torch", "nn", "helper"}  # `_LSTM` is private
    assert stars["nn"].via == root / "utils.py" and stars["nn"].module == "utils"
    assert stars["helper"].symbol is not None
    assert stars["helper"].symbol.kind is SymbolKind.FUNCTION
    assert index.summary(root / "utils.py") is not None
    summary = index.summary(root / "utils.py")
    assert summary is not None and dict(summary.torch_names) == {
        "torch": "torch",
        "nn": "torch.nn",
        "_LSTM": "torch.nn.LSTM",
    }


def test_star_import_with_all_and_chains(make_project: MakeProject) -> None:
    root = make_project(
        {
            "base.py": "from torch.nn import *\nclass Base: pass\nclass Other: pass\n",
            "mid.py": "from base import *\n__all__ = ['Base']\n",
            "mid2.py": "from base import *\nfrom torch import nn\n",
            "app.py": "from mid import *\n",
            "app2.py": "from mid2 import *\nfrom os.path import *\n",
        }
    )
    index = ProjectIndex.for_file(root / "app.py")
    assert set(index.star_bindings(root / "app.py")) == {"Base"}
    assert index.resolve_name(root / "app.py", "Other") is None
    base = index.resolve_name(root / "app.py", "Base")
    assert base is not None and base.path == root / "base.py"
    # `mid` lists its exports: torch.nn's names do not pass through it.
    assert index.external_star_imports(root / "app.py") == ()
    assert index.external_star_imports(root / "app2.py") == ("torch.nn", "os.path")
    assert set(index.star_bindings(root / "app2.py")) == {"Base", "Other", "nn"}


def test_explicit_binding_after_star_wins_and_before_loses(make_project: MakeProject) -> None:
    root = make_project(
        {
            "utils.py": "import torch.nn as nn\nclass Net: pass\n",
            "after.py": "from utils import *\nnn = None\n",
            "before.py": "Net = None\nfrom utils import *\n",
        }
    )
    index = ProjectIndex.for_file(root / "after.py")
    shadowed = index.resolve_name(root / "after.py", "nn")
    assert shadowed is not None and shadowed.kind is SymbolKind.ASSIGNMENT
    assert shadowed.path == root / "after.py"
    net = index.resolve_name(root / "before.py", "Net")
    assert net is not None and net.kind is SymbolKind.CLASS and net.path == root / "utils.py"


def test_shadowed_name_is_the_local_one(make_project: MakeProject) -> None:
    root = make_project(
        {
            "layers.py": "class LSTM: pass\n",
            "model.py": """
                from torch.nn import LSTM
                from layers import LSTM
                import torch.nn as nn
                class nn: pass
            """,
        }
    )
    model = root / "model.py"
    index = ProjectIndex.for_file(model)
    lstm = index.resolve_name(model, "LSTM")
    assert lstm is not None and lstm.path == root / "layers.py" and not lstm.is_torch
    nn = index.resolve_name(model, "nn")
    assert nn is not None and nn.kind is SymbolKind.CLASS and nn.path == model
    summary = index.summary(model)
    assert summary is not None and summary.torch_names == {}


def test_conditional_imports_keep_the_main_branch(make_project: MakeProject) -> None:
    root = make_project(
        {
            "fast.py": "class Encoder: pass\n",
            "model.py": """
                from typing import TYPE_CHECKING
                try:
                    from fast import Encoder
                except ImportError:
                    Encoder = None
                if TYPE_CHECKING:
                    from torch import nn
                else:
                    nn = None
            """,
        }
    )
    model = root / "model.py"
    index = ProjectIndex.for_file(model)
    encoder = index.resolve_name(model, "Encoder")
    assert encoder is not None and encoder.kind is SymbolKind.CLASS
    assert index.qualified_name(model, "nn") == "torch.nn"


def test_aliases_are_followed_unless_asked_not_to(make_project: MakeProject) -> None:
    root = make_project(
        {
            "encoders.py": """
                import torch.nn as nn
                class RNNEncoder: pass
                Encoder = RNNEncoder
                RNN = nn.LSTM
                layer = nn.LSTM(4, 4)
            """,
            "app.py": "from encoders import Encoder, RNN, layer\n",
        }
    )
    app = root / "app.py"
    index = ProjectIndex.for_file(app)
    followed = index.resolve_name(app, "Encoder")
    assert followed is not None and followed.kind is SymbolKind.CLASS
    assert followed.name == "RNNEncoder"
    alias = index.resolve_name(app, "Encoder", follow_aliases=False)
    assert alias is not None and alias.kind is SymbolKind.ASSIGNMENT and alias.line == 4
    assert index.qualified_name(app, "RNN") == "torch.nn.LSTM"
    layer = index.resolve_name(app, "layer")
    assert layer is not None and layer.kind is SymbolKind.ASSIGNMENT
    assert layer.info is not None and getattr(layer.info, "value", None) == "nn.LSTM"
    assert getattr(layer.info, "is_call", None) is True


def test_cycles_terminate(make_project: MakeProject) -> None:
    root = make_project(
        {
            "a.py": "from b import *\nfrom b import y as x\nclass A: pass\n",
            "b.py": "from a import *\nfrom a import x as y\nclass B(A): pass\n",
            "c.py": "from c import c\nselfish = selfish\n",
            "pkg/__init__.py": "from . import loop\nfrom .loop import thing\n",
            "pkg/loop.py": "from pkg import thing\n",
        }
    )
    index = ProjectIndex.for_file(root / "a.py")
    assert index.resolve_name(root / "a.py", "x") is None
    assert index.resolve_name(root / "b.py", "y") is None
    b = index.resolve_name(root / "a.py", "B")
    assert b is not None and b.path == root / "b.py"
    assert [s.name for s in index.ancestors(b)] == ["A"]
    assert index.exported_names(root / "a.py") >= {"A", "B", "x", "y"}
    assert index.resolve_name(root / "c.py", "c") is None
    selfish = index.resolve_name(root / "c.py", "selfish")
    assert selfish is not None and selfish.kind is SymbolKind.ASSIGNMENT
    assert index.resolve_name(root / "pkg" / "loop.py", "thing") is None
    loop = index.resolve_name(root / "pkg" / "__init__.py", "loop")
    assert loop is not None and loop.path == root / "pkg" / "loop.py"


def test_missing_module_and_syntax_error(make_project: MakeProject) -> None:
    root = make_project(
        {
            "broken.py": "class Broken(:\n",
            "binary.py": "x = 1\x00\n",
            "app.py": """
                from missing_pkg import Thing
                from .nowhere import other
                from broken import Broken
                from binary import x
                import broken
                from broken import *
            """,
        }
    )
    app = root / "app.py"
    index = ProjectIndex.for_file(app)
    thing = index.resolve_name(app, "Thing")
    assert thing is not None and thing.kind is SymbolKind.EXTERNAL
    assert thing.name == "missing_pkg.Thing"
    assert index.resolve_name(app, "other") is None
    assert index.resolve_name(app, "Broken") is None
    assert index.resolve_name(app, "x") is None
    assert index.summary(root / "broken.py") is None
    assert index.source(root / "broken.py") == "class Broken(:\n"
    module = index.resolve_name(app, "broken")
    assert module is not None and module.kind is SymbolKind.MODULE
    assert index.resolve_dotted(app, "broken.Broken") is None
    assert index.star_bindings(app) == {}
    assert index.source(root / "does_not_exist.py") is None


def test_unreadable_bytes_are_none(make_project: MakeProject) -> None:
    root = make_project({"app.py": "from latin import x\n"})
    (root / "latin.py").write_bytes(b"x = '\xff'\n")
    index = ProjectIndex.for_file(root / "app.py")
    assert index.source(root / "latin.py") is None
    assert index.resolve_name(root / "app.py", "x") is None


def test_file_checked_alone_resolves_inside_its_project(make_project: MakeProject) -> None:
    """pre-commit passes one changed file: its imports still reach the project."""
    root = make_project(
        {
            ".git/": "",
            "pyproject.toml": "",
            "src/app/__init__.py": "",
            "src/app/nets/__init__.py": "from .rnn import build_rnn\n",
            "src/app/nets/rnn.py": "def build_rnn(): pass\n",
            "src/app/cli/train.py": "from app.nets import build_rnn\nfrom ..nets import rnn\n",
        }
    )
    train = root / "src" / "app" / "cli" / "train.py"
    index = ProjectIndex.for_file(train)
    assert index.root == root
    symbol = index.resolve_name(train, "build_rnn")
    assert symbol is not None and symbol.path == root / "src" / "app" / "nets" / "rnn.py"
    assert symbol.qualified_name == "app.nets.rnn.build_rnn"
    assert index.resolve_dotted(train, "rnn.build_rnn") == symbol


def test_unsaved_buffer_overrides_the_disk(make_project: MakeProject) -> None:
    root = make_project(
        {
            "layers.py": "class Old: pass\n",
            "model.py": "from layers import Old\n",
        }
    )
    model = root / "model.py"
    index = ProjectIndex.for_file(model, text="from layers import New\n")
    assert index.resolve_name(model, "Old") is None
    assert index.resolve_name(model, "New") is None  # layers.py has no New yet
    # The editor's buffer of layers.py, unsaved, adds it.
    same = ProjectIndex.for_file(root / "layers.py", text="class New: pass\n")
    assert same is index
    new = index.resolve_name(model, "New")
    assert new is not None and new.path == root / "layers.py"
    assert (root / "layers.py").read_text() == "class Old: pass\n"
    # A buffer for a file that is not on disk yet.
    draft = root / "draft.py"
    ProjectIndex.for_file(draft, text="from layers import New as N\n")
    assert index.resolve_name(draft, "N") == new
    index.clear_text(root / "layers.py")
    assert index.resolve_name(model, "New") is None
    assert index.resolve_name(draft, "N") is None


def test_invalidate_rereads_the_disk(make_project: MakeProject) -> None:
    root = make_project({"a.py": "class A: pass\n", "b.py": "from a import A\n"})
    index = ProjectIndex.for_file(root / "b.py")
    assert index.resolve_name(root / "b.py", "A") is not None
    (root / "a.py").write_text("A = 1\n")
    assert index.resolve_name(root / "b.py", "A") is not None  # a snapshot
    index.invalidate(root / "a.py")
    symbol = index.resolve_name(root / "b.py", "A")
    assert symbol is not None and symbol.kind is SymbolKind.ASSIGNMENT


def test_reads_only_what_resolution_reaches(make_project: MakeProject) -> None:
    files = {f"unused{i}.py": "import torch\n" for i in range(20)}
    files.update({"used.py": "class U: pass\n", "app.py": "from used import U\nimport unused0\n"})
    root = make_project(files)
    index = ProjectIndex.for_file(root / "app.py")
    assert index.resolve_name(root / "app.py", "U") is not None
    assert index.files_read == 2  # app.py and used.py
    assert index.resolve_name(root / "app.py", "unused0") is not None
    assert index.files_read == 2  # a module symbol needs no read of the module


def test_stub_only_module(make_project: MakeProject) -> None:
    root = make_project(
        {
            "ext/__init__.pyi": "DEFAULT: int\ndef run() -> None: ...\n",
            "app.py": "from ext import DEFAULT, run\n",
        }
    )
    index = ProjectIndex.for_file(root / "app.py")
    default = index.resolve_name(root / "app.py", "DEFAULT")
    assert default is not None and default.path == root / "ext" / "__init__.pyi"
    run = index.resolve_name(root / "app.py", "run")
    assert run is not None and run.kind is SymbolKind.FUNCTION


def test_data_folder_does_not_hide_an_external_package(make_project: MakeProject) -> None:
    root = make_project(
        {
            "torch/checkpoints/model.pt": "binary",
            "data/train/sample.txt": "text",
            "app.py": "import torch\nimport data\n",
        }
    )
    app = root / "app.py"
    index = ProjectIndex.for_file(app)
    torch = index.resolve_name(app, "torch")
    assert torch is not None and torch.kind is SymbolKind.EXTERNAL
    assert index.qualified_name(app, "torch.nn.LSTM") == "torch.nn.LSTM"
    data = index.resolve_name(app, "data")
    assert data is not None and data.kind is SymbolKind.EXTERNAL
