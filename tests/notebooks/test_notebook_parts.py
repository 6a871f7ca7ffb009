"""The notebook package's parts on their own: masking IPython syntax, walking the JSON
text, and mapping module positions to cells."""

from __future__ import annotations

import json

import pytest

from birnn_lint.findings import Position
from birnn_lint.notebooks.cells import build_module, parse_notebook, split_module
from birnn_lint.notebooks.json_spans import LineIndex, decoded_to_raw, source_spans
from birnn_lint.notebooks.magics import mask_cell, unmask


def _mask(text: str) -> str:
    masked = mask_cell(text, [0])
    assert masked is not None
    return masked.text


@pytest.mark.parametrize(
    ("line", "stand_in"),
    [
        ("%time f(x)", "pass"),
        ("!pip install torch", "pass"),
        ("files = !ls -la", "files = None"),
        ("a, b = %sx echo 1", "a, b = None"),
        ("?rnn", "pass"),
        ("??rnn", "pass"),
        ("rnn?", "pass"),
        ("rnn.forward??", "pass"),
        ("%matplotlib?", "pass"),
        ("    %time step()", "    pass"),
    ],
)
def test_ipython_lines_become_statements_of_the_same_indentation(line: str, stand_in: str) -> None:
    masked = _mask(f"x = 1\n{line}\ny = 2\n")
    lines = masked.splitlines()
    assert lines[0] == "x = 1" and lines[2] == "y = 2"
    assert lines[1].startswith(stand_in + "  # birnn-lint-masked-line-")
    compile(masked.replace("    pass", "pass"), "<masked>", "exec")


@pytest.mark.parametrize(
    "text",
    [
        "s = '''\n!not a shell escape\n'''\n",
        "value = f(\n    !1 if False else 2,\n)\n",
        "x = 1 + \\\n!2\n",
        "print('where?')\n",
        "value = a % b\n",
        "flag = x != y\n",
        "# what is rnn?\n",
    ],
)
def test_python_lines_are_left_alone(text: str) -> None:
    assert _mask(text) == text


def test_a_continued_magic_is_masked_whole_and_restored() -> None:
    text = "!echo one \\\n    two\nlast = h_n[-1]\n"
    masked = mask_cell(text, [7])
    assert masked is not None
    assert masked.text.splitlines()[1].startswith("pass  # birnn-lint-masked-line-8")
    assert unmask(masked.text, masked.originals) == text
    # Wherever a fix moved them.
    moved = "import torch\n" + masked.text.replace("h_n[-1]", "torch.cat((h_n[-2], h_n[-1]))")
    assert unmask(moved, masked.originals) == "import torch\n" + text.replace(
        "h_n[-1]", "torch.cat((h_n[-2], h_n[-1]))"
    )


def test_cell_magics() -> None:
    assert _mask("%%time\nx = 1\n").splitlines()[1] == "x = 1"
    assert mask_cell("%%bash\necho hi\n", [0]) is None
    assert mask_cell("%%writefile a.py\nx = 1\n", [0]) is None


def test_string_tokens_map_decoded_offsets_to_raw_ones() -> None:
    value = 'a\tb"é\U0001f680c\n'
    for ensure_ascii in (True, False):
        token = json.dumps(value, ensure_ascii=ensure_ascii)
        for index in range(len(value) + 1):
            # The raw text before the offset decodes to the decoded text before the index.
            raw = decoded_to_raw(token, index)
            assert json.loads(token[:raw] + '"') == value[:index], (ensure_ascii, index)
        assert decoded_to_raw(token, len(value)) == len(token) - 1


def test_source_spans_and_line_index() -> None:
    data = {
        "cells": [
            {"cell_type": "markdown", "source": "# t"},
            {"cell_type": "code", "outputs": [{"text": ['a"]', "}{"]}], "source": ["x\n", "y"]},
            {"cell_type": "code", "source": "z = 1"},
        ],
        "nbformat": 4,
    }
    text = json.dumps(data, indent=1)
    spans = source_spans(text)
    assert [p.value for p in spans[1].pieces] == ["x\n", "y"]  # type: ignore[union-attr]
    assert spans[1].is_list and not spans[2].is_list  # type: ignore[union-attr]
    piece = spans[2].pieces[0]  # type: ignore[union-attr]
    assert text[piece.start : piece.end] == '"z = 1"'
    line, column = LineIndex(text).position(piece.start)
    assert text.splitlines()[line - 1][column - 1 :].startswith('"z = 1"')


def test_module_positions_map_back_to_cells() -> None:
    data = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# t"]},
            {"cell_type": "code", "metadata": {}, "source": ["import torch\n", "x = 1"]},
            {"cell_type": "code", "metadata": {}, "source": "%time y = 2\ny = 3\n"},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    notebook = parse_notebook(json.dumps(data))
    module = build_module(notebook)
    rows = module.text.splitlines()
    assert rows[0] == "# birnn-lint-cell 2" and rows[3] == "# birnn-lint-cell 3"
    assert module.locate(Position(1, 1)) == (None, Position(1, 1))
    assert module.locate(Position(3, 5)) == (2, Position(2, 5))
    assert module.locate(Position(6, 1)) == (3, Position(2, 1))
    assert module.locate(Position(4, 1)) == (2, Position(2, 1))  # a later marker
    assert split_module(module.text, module) == {
        2: "import torch\nx = 1",
        3: notebook.cell(3).masked.text,  # type: ignore[union-attr]
    }
    assert split_module(module.text.replace("cell 3", "cell 4"), module) is None
