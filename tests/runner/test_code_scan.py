"""The scan between the byte test and the parse (`names_a_layer_in_code`) is exact: it
turns a file down only where the parse-based pre-selection would too. It tells code
from strings and comments without parsing, so its cases are the lexer's."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from birnn_lint.prefilter import constructs_a_layer, may_contain_findings, names_a_layer_in_code

REPOSITORY = Path(__file__).resolve().parents[2]

CODE = [
    "x = nn.LSTM(1, 2)",
    's = "a # b"; rnn = nn.GRU(1, 2)',
    "s = 'a\\\\' ; rnn = nn.LSTM(1, 2)",  # the backslash is escaped: the string ends
    'f"{nn.LSTM(1, 2)}"',  # an f-string's replacement fields are code
    'F"""{nn.GRU(1, 2)}"""',
    'x = "unterminated nn.LSTM(1, 2)',  # not closed: the parser has the last word
    "from .encoders import EncoderRNN",
    "from .encoders import (\n    a,\n    EncoderRNN,\n)",
    "from .encoders import a, \\\n    EncoderRNN",
    "cell = getattr(\n    torch.nn, name)",
    "def f(layer: RNNBase) -> None: ...",
    "from torch.nn import LSTM as Recurrent\nrnn = Recurrent(1, 2)",
    "doc = '''LSTM''' ; rnn = nn.RNN(1, 2)",
    "if x: s = 'it''s'; rnn = nn.GRU(1, 2)",
    # The lexer's corners (found in review): a comment ended by a lone carriage return,
    # a relative import continued with CRLF or a comment holding `)`, a continuation
    # right after `from`, a comma in a comment inside `getattr(`, a non-ASCII name that
    # the parser normalises to LSTM.
    "# c\rrnn = nn.LSTM(8, 16)",
    "from .m import a, \\\r\n    EncoderRNN\r\nx = EncoderRNN(3)",
    "from .m import (  # see a)\n    EncoderRNN,\n)\nx = EncoderRNN(3)",
    "from \\\n.m import EncoderRNN\nx = EncoderRNN(3)",
    'cell = getattr(  # pick, one\n    nn, "L" + "STM")',
    "# LSTM\nm = nn.\uff2c\uff33\uff34\uff2d(3, 4)",
]

# Python 3.12's f-strings may hold the same quotes in their fields: whatever the running
# parser says, the scan lets them through.
NEWER_SYNTAX = [
    'x = f"{d["k"] or nn.LSTM(3, 4)}"',
    'x = f"""{"""a""" and nn.LSTM(1,2)}"""',
]

DOCUMENTATION = [
    "x = 1  # an LSTM",
    '"""An LSTM encoder."""',
    "s = 'LSTM'",
    's = "it\\"s an LSTM"',
    "s = 'a\\' LSTM'",
    'b = rb"LSTM"',
    '"""doc \\""" LSTM """',
    "s = '''a\nLSTM\n'''",
    "s = 'a\\\nLSTM'",  # a backslash continues a one-line string
    "x = LSTMCell(1, 2)",  # not the name of a recurrent layer class
    "x = MyRNN",
]


@pytest.mark.parametrize("text", CODE)
def test_a_layer_name_in_code_lets_the_file_through(text: str) -> None:
    assert names_a_layer_in_code(text.encode())


@pytest.mark.parametrize("text", NEWER_SYNTAX)
def test_f_string_fields_with_the_same_quotes_let_the_file_through(text: str) -> None:
    assert names_a_layer_in_code(text.encode())


@pytest.mark.parametrize("text", DOCUMENTATION)
def test_a_layer_name_only_in_strings_and_comments_turns_it_down(text: str) -> None:
    assert not names_a_layer_in_code(text.encode())


def _python_files() -> list[Path]:
    roots = [REPOSITORY / "tests", REPOSITORY / "birnn_lint", REPOSITORY / "examples"]
    torch_spec = next((Path(p) / "torch" for p in sys.path if (Path(p) / "torch").is_dir()), None)
    if torch_spec is not None:
        roots.append(torch_spec)
    return [path for root in roots for path in sorted(root.rglob("*.py"))]


def test_no_file_the_parse_would_keep_is_turned_down() -> None:
    """Over this repository's files and torch's own (the ones a byte test lets through):
    every file that builds a layer by the parse passes the scan, and the scan turns
    down many that only mention one."""
    kept = turned_down = 0
    for path in _python_files():
        data = path.read_bytes()
        if not may_contain_findings(data):
            continue
        try:
            builds = constructs_a_layer(ast.parse(data))
        except (SyntaxError, ValueError):
            continue
        passes = names_a_layer_in_code(data)
        assert passes or not builds, path
        kept += builds
        turned_down += not passes
    assert kept >= 20
    assert turned_down >= 10
