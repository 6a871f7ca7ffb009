"""Blanking the top-level definitions no layer reaches (`relevant_code`) changes no
finding: each case is checked against the analysis of the whole text."""

from __future__ import annotations

import ast
import atexit
import re
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from birnn_lint.engine import _analyze, check_source
from birnn_lint.findings import Finding
from birnn_lint.registry import check_rules
from birnn_lint.relevant_code import MIN_BLANKED_LINES, relevant_text
from birnn_lint.specs import load_spec

PRECISION = Path(__file__).parent.parent / "data" / "precision"

# Top-level code no layer reaches, long enough to be blanked.
FILLER = "".join(
    f"\n\ndef unrelated_{i}(values, scale=2):\n"
    + "".join(f"    values = [v * scale + {k} for v in values]\n" for k in range(12))
    + "    return values\n"
    for i in range(MIN_BLANKED_LINES // 12 + 2)
)


# A file alone in a folder of its own (nothing imports it; it imports nothing there).
ALONE = Path(tempfile.mkdtemp(prefix="relevant-code-")) / "m.py"
atexit.register(shutil.rmtree, ALONE.parent, True)


def _whole(source: str, path: Path = ALONE) -> list[Finding]:
    """The findings of the analysis of every line (no tree given: nothing blanked)."""
    return _analyze(source, str(path), None, path)


def _blanked(source: str, path: Path = ALONE) -> str:
    return relevant_text(source, ast.parse(source), path)


def _assert_same(source: str, path: Path = ALONE) -> list[Finding]:
    text = _blanked(source, path)
    assert text != source, "nothing blanked: the case does not test the blanking"
    assert text.count("\n") == source.count("\n")
    for kept, original in zip(text.split("\n"), source.split("\n"), strict=True):
        # a line is the file's own, or blank with its line break kept
        assert kept in (original, "\r" if original.endswith("\r") else "")
    found = check_source(source, str(path), path=path)
    assert found == _whole(source, path)
    return found


def _examples() -> list[object]:
    cases = []
    for rule in check_rules():
        for n, block in enumerate(re.findall(r"```python\n(.*?)```", load_spec(rule.code), re.S)):
            cases.append(pytest.param(block, id=f"{rule.code}-{n}"))
    for path in sorted(PRECISION.glob("*.py")):
        cases.append(pytest.param(path.read_text(), id=path.stem))
    return cases


@pytest.mark.parametrize("source", _examples())
def test_every_example_has_the_same_findings_with_unrelated_code_blanked(source: str) -> None:
    _assert_same(source + FILLER)


MODEL = """\
import torch
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16, bidirectional=True)

    def forward(self, x):
        return self.rnn(x)
"""


def test_a_module_level_object_links_its_readers() -> None:
    """`model` is bound at the top level from the layer's class: a function that reads
    it, far from any layer word, is kept."""
    reader = "\n\nmodel = Encoder()\n\n\ndef last(x):\n    out, h = model(x)\n    return h[-1]\n"
    source = MODEL + FILLER + reader
    found = _assert_same(source)
    assert [f.code for f in found] == ["BRN002"]


def test_a_helper_handed_the_results_is_kept() -> None:
    source = (
        MODEL.replace("return self.rnn(x)", "out, h = self.rnn(x)\n        return pool(h)")
        + FILLER
        + "\n\ndef pool(h):\n    return h[-1]\n"
    )
    assert [f.code for f in _assert_same(source)] == ["BRN002"]


def test_a_global_set_in_one_function_and_read_in_another_is_kept() -> None:
    source = (
        MODEL
        + FILLER
        + textwrap.dedent(
            """

        def build():
            global ENCODER
            ENCODER = Encoder()


        def read(x):
            out, h = ENCODER(x)
            return h[-1]
        """
        )
    )
    _assert_same(source)


def test_a_layer_from_getattr_is_kept() -> None:
    """A class only guessed to be recurrent makes a layer in a call naming a recurrent
    setting: a seed word."""
    source = (
        "import torch\nimport torch.nn as tnn\n"
        + FILLER
        + textwrap.dedent(
            """

        def make(kind, x):
            \"\"\"`kind`: "GRU" or "RNN".\"\"\"
            cell = getattr(tnn, kind)(8, 16, num_layers=2)
            out, h = cell(x, torch.zeros(1, x.size(1), 16))
            return out
        """
        )
    )
    assert "getattr(tnn, kind)" in _blanked(source)
    assert [f.code for f in _assert_same(source)] == ["BRN008"]


def test_line_breaks_and_positions_are_kept() -> None:
    reader = "\n\ndef last(x):\n    out, h = Encoder()(x)\n    return h[-1]\n"
    source = (MODEL + FILLER + reader).replace("\n", "\r\n")
    text = _blanked(source)
    assert text.count("\r\n") == source.count("\r\n")
    assert [(f.code, f.location) for f in _assert_same(source)] == [
        ("BRN002", check_source(source.replace("\r\n", "\n"), "m.py")[0].location)
    ]


def test_a_lone_carriage_return_keeps_the_whole_text() -> None:
    source = MODEL + "x = 1\ry = 2\n" + FILLER
    assert _blanked(source) == source


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_name_imported_from_the_project_is_a_seed(tmp_path: Path) -> None:
    """`Encoder` (no layer word) comes from a module the analysis follows."""
    main = (
        "import torch\nfrom models import Encoder\n\nrnn = torch.nn.LSTM(8, 8)\n"
        + FILLER
        + "\n\ndef last(x):\n    out, h = Encoder()(x)\n    return h[-1]\n"
    )
    root = _project(tmp_path, {"models.py": MODEL, "main.py": main})
    text = _blanked(main, root / "main.py")
    assert "out, h = Encoder()(x)" in text
    assert [f.code for f in _assert_same(main, root / "main.py")] == ["BRN002"]


def test_a_star_import_of_a_project_module_keeps_the_whole_text(tmp_path: Path) -> None:
    main = "import torch\nfrom models import *\n\nrnn = torch.nn.LSTM(8, 8)\n" + FILLER
    root = _project(tmp_path, {"models.py": MODEL, "main.py": main})
    assert _blanked(main, root / "main.py") == main


def test_a_file_other_files_import_is_read_whole(tmp_path: Path) -> None:
    """`train.py` hands the encoder's state to `helpers.last`; whether the analysis runs
    the importers' code into this file depends on all of it (`apply` calls what it
    receives): nothing is blanked."""
    helpers = MODEL + "\n\ndef last(h):\n    return h[-1]\n" + FILLER
    helpers += "\n\ndef apply(fn, x):\n    return fn(x)\n"
    train = (
        "import torch\nfrom helpers import last\n\n"
        "out, h = torch.nn.GRU(8, 16, bidirectional=True)(torch.zeros(3, 2, 8))\nfinal = last(h)\n"
    )
    root = _project(tmp_path, {"helpers.py": helpers, "train.py": train})
    assert _blanked(helpers, root / "helpers.py") == helpers
    found = check_source(helpers, str(root / "helpers.py"))
    assert found == _whole(helpers, root / "helpers.py")
    assert [f.code for f in found] == ["BRN002"]


ENCODER_NN = """

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16, bidirectional=True)

    def forward(self, x):
        out, h = self.rnn(x)
        return h[-1]
"""


def test_a_file_without_a_top_level_torch_import_is_read_whole() -> None:
    """Its bare `nn` is torch's because some code reads `torch` (here a function no
    layer reaches): blanking that function would silence the finding."""
    source = FILLER + ENCODER_NN + "\n\ndef seed(s):\n    torch.manual_seed(s)\n"
    assert _blanked(source) == source
    assert [f.code for f in check_source(source, str(ALONE))] == ["BRN002"]


def test_a_fix_is_built_from_the_whole_file() -> None:
    """The fresh name of an added import avoids every top-level name (here `torch_`,
    defined in a function no layer reaches): a file with findings is analysed whole."""
    source = (
        MODEL.replace("import torch\nimport torch.nn as nn\n", "import torch.nn as nn\n")
        + "\n\ndef torch_(a):\n    return a\n"
        + FILLER
        + "\n\ndef last(x, torch=None):\n    out, h = Encoder()(x)\n    return h[-1]\n"
    )
    found = _assert_same(source)
    assert found and found[0].fix is not None


@pytest.mark.parametrize(
    "head",
    [
        "import torch; import models\n",
        "import torch\ntry: import models\nexcept ImportError: models = None\n",
        "import torch\nfrom models import Encoder as Enc; models = None\n",
    ],
    ids=["after-semicolon", "in-try", "alias"],
)
def test_imports_of_any_form_are_followed(tmp_path: Path, head: str) -> None:
    use = "Enc" if " as Enc" in head else "models.Encoder"
    main = head + "\nrnn = torch.nn.LSTM(8, 8)\n" + FILLER
    main += f"\n\ndef last(x):\n    out, h = {use}()(x)\n    return h[-1]\n"
    root = _project(tmp_path, {"models.py": MODEL, "main.py": main})
    assert f"out, h = {use}()(x)" in _blanked(main, root / "main.py")
    assert [f.code for f in _assert_same(main, root / "main.py")] == ["BRN002"]


def test_a_budget_spent_on_other_functions_ends_as_for_the_whole_file() -> None:
    """Unrelated calls use up the file's budget of interpretations in the whole file;
    the findings reported are the whole file's."""
    busy = "\n\ndef inc(v):\n    return v + 1\n" + "".join(
        f"\n\ndef busy_{i}(v):\n"
        + "".join(f"    v = inc(v) + {k}\n" for k in range(20))
        + "    return v\n"
        for i in range(25)
    )
    source = MODEL + "\n\ndef read(x):\n    out, h = Encoder()(x)\n    return pool(h)\n"
    source += "\n\ndef pool(h):\n    return h[-1]\n" + busy
    assert check_source(source, str(ALONE)) == _whole(source)


def test_a_deeply_nested_file_is_read_whole() -> None:
    source = MODEL + "\n\ndef read(x):\n    out, h = Encoder()(x)\n    return h[-1]\n" + FILLER
    source += "\n\ndef deep(v):\n    return " + " + ".join(["v"] * 350) + "\n"
    assert check_source(source, str(ALONE)) == _whole(source)


def test_standard_input_is_read_whole() -> None:
    source = MODEL + FILLER
    assert relevant_text(source, ast.parse(source), None) == source
