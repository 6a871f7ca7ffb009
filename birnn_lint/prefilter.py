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


LAYER_WORD_TEXT = re.compile(r"RNN|GRU|LSTM")
_LAYER_NAMES = frozenset({"RNN", "GRU", "LSTM", "RNNBase"})


# Per node type, the fields that may hold child nodes (`ctx`, a Load or Store marker on
# every name, holds none worth visiting).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
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
    used: list[ast.expr] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: this loop visits every node of the file
        if kind is ast.ImportFrom:
            assert isinstance(node, ast.ImportFrom)
            names.update(a.asname for a in node.names if a.asname and a.name in _LAYER_NAMES)
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
        for name in _child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend([v for v in value if isinstance(v, ast.AST)])
            elif isinstance(value, ast.AST):
                stack.append(value)
    return any(_last_names(value) & names for value in used)


def _last_names(node: ast.expr) -> set[str]:
    """The names a value may be: `nn.GRU` -> GRU, `a if c else b` -> both,
    `getattr(nn, name)` -> any of torch.nn's classes."""
    if isinstance(node, ast.IfExp):
        return _last_names(node.body) | _last_names(node.orelse)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and _last_names(node.args[0]) & {"nn"}
    ):
        return set(_LAYER_NAMES)
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return {node.id} if isinstance(node, ast.Name) else set()
