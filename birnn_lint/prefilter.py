"""The first, byte-level pre-selection: which files can use a recurrent layer at all."""

from __future__ import annotations

import ast
import re

# A recurrent layer can only be recognised through a name containing one of these...
LAYER_WORDS = (b"RNN", b"GRU", b"LSTM")
# ... reached from torch: a file that writes `torch`, or one whose names may come from a
# star import (`from utils import *` where utils imports torch.nn: the file itself may
# never write `torch`). Without both no check rule can fire.
TORCH_WORD = b"torch"
STAR_IMPORT = re.compile(rb"import\s*\*")


def may_contain_findings(data: bytes) -> bool:
    """Cheap, exact pre-selection: False only where no rule can fire.

    Plain substring tests (`in`) are several times faster than a regular expression's
    alternation; the star-import pattern is searched only in files without `torch`."""
    if TORCH_WORD not in data and STAR_IMPORT.search(data) is None:
        return False
    return any(word in data for word in LAYER_WORDS)


def names_a_layer_in_code(data: bytes) -> bool:
    """Cheap, exact pre-selection between the byte test and the parse: False only where
    `constructs_a_layer` is False for any parse of `data`. Its layer names must then
    appear as whole words outside strings and comments (a relative import of a name that
    contains one, or `getattr(nn, ...)`, also lets the file through). Most files that
    pass the byte test name LSTM only in their documentation.

    Where the scan could misread the code it lets the file through: non-ASCII bytes in
    code (an identifier such as `ＬＳＴＭ` is normalised to `LSTM` by the parser), and the
    rest of the line after an f-string (from Python 3.12 its fields may hold the same
    quotes)."""
    if _GETATTR_NN.search(data) is not None:
        return True
    if b"getattr" in data and _NN_AS.search(data) is not None:
        return True  # torch.nn under another name (`import torch.nn as tnn`)
    if any(_relative_imports_layer(data, m.end()) for m in _RELATIVE_FROM.finditer(data)):
        return True
    position = 0
    while True:
        match = _CODE_SCAN.search(data, position)
        if match is None:
            return False
        start = match.start()
        first = data[start]
        if first == _HASH:
            position = _line_end(data, start)
            if position == -1:
                return False
            continue
        if first != _QUOTE and first != _APOSTROPHE:
            return True  # a layer name in code, or a non-ASCII identifier that may be one
        end = _string_end(data, start)
        if end == -1:
            return True  # unterminated: the parser has the last word
        if _is_formatted(data, start):
            line_end = _line_end(data, end)
            if LAYER_WORD_BYTES.search(data, start, len(data) if line_end == -1 else line_end):
                return True  # its replacement fields are code
        position = end


def _line_end(data: bytes, start: int) -> int:
    """Where the physical line holding `start` ends (at `\n` or a lone `\r`), or -1."""
    newline = data.find(b"\n", start)
    carriage = data.find(b"\r", start, len(data) if newline == -1 else newline)
    return carriage if carriage != -1 else newline


def _relative_imports_layer(data: bytes, position: int) -> bool:
    """Whether the relative `from ... import` statement read from `position` (just past
    `from .`) names something containing a layer word: the statement is read to its end,
    through brackets, comments and backslash continuations."""
    depth = 0
    words = bytearray()
    end = len(data)
    while position < end:
        char = data[position]
        if char == _HASH:  # a comment: the statement goes on only inside brackets
            line_end = _line_end(data, position)
            if line_end == -1 or depth == 0:
                break
            position = line_end
            continue
        if char == _BACKSLASH:
            position += 3 if data.startswith(b"\\\r\n", position) else 2
            continue
        if char in (_NEWLINE, _CARRIAGE, _SEMICOLON) and depth == 0:
            break
        if char == _OPEN:
            depth += 1
        elif char == _CLOSE:
            depth -= 1
            if depth <= 0:
                break
        words.append(char)
        position += 1
    return LAYER_WORD_TEXT_BYTES.search(bytes(words)) is not None


LAYER_WORD_BYTES = re.compile(rb"\b(?:RNNBase|RNN|GRU|LSTM)\b")
_CODE_SCAN = re.compile(rb"#|'|\"|\b(?:RNNBase|RNN|GRU|LSTM)\b|[\x80-\xff]")
_HASH, _QUOTE, _APOSTROPHE = ord("#"), ord('"'), ord("'")
# `from .encoders import ...` (a line may be continued right after `from`).
_RELATIVE_FROM = re.compile(rb"\bfrom(?:[ \t\f]|\\(?:\r\n|\r|\n))+\.")
LAYER_WORD_TEXT_BYTES = re.compile(rb"RNN|GRU|LSTM")
# `getattr(nn, ...)`, `getattr(torch.nn, ...)`: the first argument, comments skipped.
_GETATTR_NN = re.compile(rb"getattr\s*\((?:[^,#]|#[^\n\r]*)*?\bnn\b")
_NN_AS = re.compile(rb"\bnn\s+as\b")
_BACKSLASH, _NEWLINE, _CARRIAGE, _SEMICOLON = ord("\\"), ord("\n"), ord("\r"), ord(";")
_OPEN, _CLOSE = ord("("), ord(")")
# The rest of a one-line string after its opening quote: a backslash escapes anything,
# a line break included.
_SINGLE_REST = {
    _QUOTE: re.compile(rb'(?:[^"\\\n\r]|\\.)*"', re.S),
    _APOSTROPHE: re.compile(rb"(?:[^'\\\n\r]|\\.)*'", re.S),
}


def _string_end(data: bytes, start: int) -> int:
    """Where the string literal whose opening quote is at `start` ends (just past its
    closing quote), or -1 when it is not closed."""
    quote = data[start : start + 1]
    if data.startswith(quote * 3, start):
        position = start + 3
        while True:
            close = data.find(quote * 3, position)
            if close == -1:
                return -1
            slashes = 0
            while data[close - 1 - slashes] == 0x5C:  # backslash
                slashes += 1
            if slashes % 2 == 0:
                return close + 3
            position = close + 1
    match = _SINGLE_REST[data[start]].match(data, start + 1)
    return -1 if match is None else match.end()


_PREFIX_LETTERS = frozenset(b"rRbBuUfFtT")


def _is_formatted(data: bytes, start: int) -> bool:
    """Whether the string opening at `start` has an f (or t) prefix."""
    begin = start
    while begin > 0 and data[begin - 1] in _PREFIX_LETTERS and start - begin < 3:
        begin -= 1
    return any(letter in b"fFtT" for letter in data[begin:start])


LAYER_WORD_TEXT = re.compile(r"RNN|GRU|LSTM")
_LAYER_NAMES = frozenset({"RNN", "GRU", "LSTM", "RNNBase"})


# Per node type, the fields that may hold child nodes (`ctx`, a Load or Store marker on
# every name, holds none worth visiting).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(f for f in kind._fields if f != "ctx")  # type: ignore[attr-defined]
    return fields


def constructs_a_layer(tree: ast.AST) -> bool:
    """Second, still exact, pre-selection on the built-in parser's tree: a file can only
    have findings if it builds a layer: it calls RNN, GRU or LSTM (or an alias imported
    `as` another name, or a model of the project imported by such a name), or keeps such
    a class as a value (an assignment, a registry dict, a branch) or a parameter's
    annotation. Most files that merely mention LSTM stop here, before libcst."""
    names = set(_LAYER_NAMES)
    torch_nn = {"nn"}  # `getattr(nn, name)`, also as `import torch.nn as tnn`
    used: list[ast.expr] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: this loop visits every node of the file
        if kind is ast.Import:
            assert isinstance(node, ast.Import)
            torch_nn.update(a.asname for a in node.names if a.asname and a.name == "torch.nn")
        elif kind is ast.ImportFrom:
            assert isinstance(node, ast.ImportFrom)
            names.update(a.asname for a in node.names if a.asname and a.name in _LAYER_NAMES)
            if node.module == "torch" and not node.level:
                torch_nn.update(a.asname for a in node.names if a.asname and a.name == "nn")
            if node.level and any(LAYER_WORD_TEXT.search(a.name) for a in node.names):
                # `from .encoders import EncoderRNN`: a model of the project, followed
                # into its file.
                names.update(a.asname or a.name for a in node.names)
        elif kind is ast.Call:
            assert isinstance(node, ast.Call)
            used.append(node.func)
        elif kind is ast.Assign or kind is ast.AnnAssign:
            assert isinstance(node, (ast.Assign, ast.AnnAssign))
            if node.value is not None:
                used.append(node.value)
        elif kind is ast.Dict:
            assert isinstance(node, ast.Dict)
            used.extend(v for v in node.values if v is not None)
        elif kind is ast.arg:
            assert isinstance(node, ast.arg)
            if node.annotation is not None:
                used.extend(n for n in ast.walk(node.annotation) if isinstance(n, ast.expr))
        # The children, as `ast.iter_child_nodes` gives them less the context markers,
        # inline: this walk runs over every file that passes the byte-level pre-filter.
        for name in child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend([v for v in value if isinstance(v, ast.AST)])
            elif isinstance(value, ast.AST):
                stack.append(value)
    return any(_last_names(value, torch_nn) & names for value in used)


def _last_names(node: ast.expr, torch_nn: set[str]) -> set[str]:
    """The names a value may be: `nn.GRU` -> GRU, `a if c else b` -> both,
    `getattr(nn, name)` (`torch_nn`: torch.nn's names) -> any of torch.nn's classes."""
    if isinstance(node, ast.IfExp):
        return _last_names(node.body, torch_nn) | _last_names(node.orelse, torch_nn)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and _last_names(node.args[0], torch_nn) & torch_nn
    ):
        return set(_LAYER_NAMES)
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return {node.id} if isinstance(node, ast.Name) else set()
