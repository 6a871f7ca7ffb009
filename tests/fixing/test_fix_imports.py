"""torch_name: the name a fix must use for torch, and where `import torch` goes."""

from __future__ import annotations

import libcst
import pytest

from birnn_lint.fix_imports import torch_name
from birnn_lint.fixing import apply_edits


def name_and_result(source: str) -> tuple[str, str]:
    name, edit = torch_name(libcst.parse_module(source))
    result = apply_edits(source, [edit]) if edit else source
    libcst.parse_module(result)
    return name, result


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("import torch\n", "torch"),
        ("import torch as t\n", "t"),
        ("import numpy as np, torch as th\n", "th"),
        ("import torch.nn\n", "torch"),  # binds `torch` too
        ("import torch as t\nimport torch\n", "torch"),  # the plain name wins
        ("try:\n    import torch as tt\nexcept ImportError:\n    tt = None\n", "tt"),
    ],
)
def test_existing_import_is_used_and_nothing_is_added(source: str, name: str) -> None:
    assert torch_name(libcst.parse_module(source)) == (name, None)


def test_from_import_only_needs_the_import() -> None:
    source = "from torch import nn\nrnn = nn.GRU(8, 16)\n"
    assert name_and_result(source) == (
        "torch",
        "import torch\nfrom torch import nn\nrnn = nn.GRU(8, 16)\n",
    )


def test_import_torch_nn_as_alias_does_not_bind_torch() -> None:
    assert name_and_result("import torch.nn as nn\n") == (
        "torch",
        "import torch\nimport torch.nn as nn\n",
    )


def test_goes_after_docstring_future_imports_and_header_comments() -> None:
    source = (
        "#!/usr/bin/env python\n"
        "# -*- coding: latin-1 -*-\n"
        '"""Module docstring."""\n'
        "from __future__ import annotations\n"
        "\n"
        "# third party\n"
        "import os\n"
        "from torch import nn\n"
    )
    assert name_and_result(source)[1] == (
        "#!/usr/bin/env python\n"
        "# -*- coding: latin-1 -*-\n"
        '"""Module docstring."""\n'
        "from __future__ import annotations\n"
        "\n"
        "# third party\n"
        "import torch\n"
        "import os\n"
        "from torch import nn\n"
    )


def test_multi_line_docstring_and_no_other_import() -> None:
    source = '"""One.\n\nTwo.\n"""\nfrom __future__ import annotations\nx = 1\n'
    assert name_and_result(source)[1] == (
        '"""One.\n\nTwo.\n"""\nfrom __future__ import annotations\nimport torch\nx = 1\n'
    )


def test_keeps_the_files_line_breaks() -> None:
    crlf = '"""doc"""\r\nfrom torch import nn\r\n'
    assert name_and_result(crlf)[1] == '"""doc"""\r\nimport torch\r\nfrom torch import nn\r\n'
    cr = "# header\rfrom torch import nn\r"
    assert name_and_result(cr)[1] == "# header\rimport torch\rfrom torch import nn\r"


@pytest.mark.parametrize(
    ("source", "result"),
    [
        ("", "import torch\n"),
        ("# only a comment\n", "# only a comment\nimport torch\n"),
        ("# no final newline", "# no final newline\nimport torch\n"),
        ('"""doc"""', '"""doc"""\nimport torch\n'),
        ("x = 1\n", "import torch\nx = 1\n"),
    ],
)
def test_files_without_imports(source: str, result: str) -> None:
    assert name_and_result(source) == ("torch", result)


def test_positions_are_one_based() -> None:
    _, edit = torch_name(libcst.parse_module('"""doc"""\n\nfrom torch import nn\n'))
    assert edit is not None
    assert (edit.location.row, edit.location.column) == (3, 1)
    assert edit.location == edit.end_location


@pytest.mark.parametrize(
    ("source", "result"),
    [
        ("# a\n\n# b\n@dec\ndef f(): pass\n", "# a\n\n# b\nimport torch\n@dec\ndef f(): pass\n"),
        ("if x:\n    pass\nimport os", "if x:\n    pass\nimport torch\nimport os"),
        ('"""doc"""\n# trailing', '"""doc"""\nimport torch\n# trailing'),
        (
            "x = 1  # c\r\n\r\n# lead\r\nimport os\r\n",
            "x = 1  # c\r\n\r\n# lead\r\nimport torch\r\nimport os\r\n",
        ),
    ],
)
def test_rows_after_compound_statements_and_comments(source: str, result: str) -> None:
    assert name_and_result(source) == ("torch", result)


def test_rows_agree_with_libcst_positions() -> None:
    """The row is computed from generated prefixes; libcst's own positions must agree."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    source = (
        "#!/usr/bin/env python\n"
        '"""Doc\n\nstring."""\n'
        "from __future__ import annotations\n"
        "\n"
        "class A:\n"
        "    x = (1,\n"
        "         2)\n"
        "\n"
        "\n"
        "# group\n"
        "from torch import nn  # trailing\n"
    )
    module = libcst.parse_module(source)
    _, edit = torch_name(module)
    assert edit is not None
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert edit.location.row == positions[module.body[-1]].start.line == 13
