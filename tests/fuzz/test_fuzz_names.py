"""The name resolver against CPython itself: generated modules bind `nn`, `LSTM`, `F` and
`torch` in every way the resolver knows (imports, aliases, values, defs, classes,
parameters, loops, `with`, walrus, `del`, `global`, comprehensions, lambdas, class
bodies), then probe them; the modules run with real torch, and wherever the resolver
names a torch object for a probe, the probe must have seen exactly that object every
time it ran. (The resolver may say nothing where it cannot be sure; it must never be
wrong.)"""

from __future__ import annotations

import importlib

import libcst as cst
from fuzz_properties import budget
from hypothesis import given
from hypothesis import strategies as st

from birnn_lint.analysis.names import Resolver

NAMES = ("nn", "LSTM", "F", "torch")
USES = ("nn.LSTM", "nn.GRU", "LSTM", "F", "F.dropout", "torch.nn.LSTM", "nn", "torch.cat")
PRELUDE = """\
class Fake:
    LSTM = GRU = dropout = nn = cat = None
class ctx:
    def __enter__(self):
        return Fake()
    def __exit__(self, *a):
        return False
"""
# Statements that bind `{n}` ({m}: another name); each runs inside `try`, so a NameError
# on the way only skips it.
BINDERS = (
    "import torch.nn as {n}",
    "from torch import nn as {n}",
    "from torch.nn import LSTM as {n}",
    "from torch.nn import GRU as {n}",
    "import torch.nn.functional as {n}",
    "import torch",
    "{n} = Fake()",
    "{n} = None",
    "{n} = torch.nn.LSTM",
    "{n} = nn.GRU",
    "{n} = {m}",
    "{n} = torch.nn.LSTM if flag else torch.nn.GRU",
    "for {n} in [Fake()]: pass",
    "with ctx() as {n}: pass",
    "({n} := Fake())",
    "del {n}",
    "{n}: object = Fake()",
)
MODULE_ONLY = ("from torch.nn import *", "from torch import *", "import torch.nn")


class Source:
    """Lines being generated, and the number of the next probe."""

    def __init__(self) -> None:
        self.probes = 0

    def probe(self, draw: st.DrawFn) -> str:
        self.probes += 1
        return f"_probe({self.probes}, {draw(st.sampled_from(USES))})"


def _guarded(statement: str) -> list[str]:
    return ["try:", f"    {statement}", "except Exception:", "    pass"]


@st.composite
def _block(
    draw: st.DrawFn, source: Source, depth: int, where: str, params: tuple[str, ...] = ()
) -> list[str]:
    lines: list[str] = []
    templates = BINDERS + (MODULE_ONLY if where == "module" else ())
    free = [n for n in NAMES if n not in params]
    if where == "function" and free and draw(st.booleans()):
        lines.append(f"global {draw(st.sampled_from(free))}")
        # CPython refuses an annotated global.
        templates = tuple(t for t in templates if ": object" not in t)
    calls: list[str] = []
    for index in range(draw(st.integers(1, 6))):
        choice = draw(st.integers(0, 9 if depth < 2 else 6))
        n, m = draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES))
        if choice <= 2:
            lines += _guarded(draw(st.sampled_from(templates)).format(n=n, m=m))
        elif choice <= 4:
            lines += _guarded(source.probe(draw))
        elif choice == 5:
            lines += _guarded(f"[{source.probe(draw)} for {n} in [Fake()]]")
        elif choice == 6:
            lines += _guarded(f"(lambda {n}=Fake(): {source.probe(draw)})()")
        elif choice in (7, 8):  # a function, called at the end of this block
            params = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=2))
            name = f"f{depth}_{index}"
            signature = ", ".join(f"{p}=Fake()" for p in params)
            body = draw(_block(source, depth + 1, "function", tuple(params)))
            lines.append(f"def {name}({signature}):")
            lines += ["    " + line for line in body]
            calls.append(f"{name}()")
        else:  # a class: its body, and a method called at the end of this block
            name = f"C{depth}_{index}"
            body = draw(_block(source, depth + 1, "class"))
            method = draw(_block(source, depth + 1, "function"))
            lines.append(f"class {name}:")
            lines += ["    " + line for line in body]
            lines.append("    def method(self):")
            lines += ["        " + line for line in method]
            calls.append(f"{name}().method()")
    for call in calls:
        lines += _guarded(call)
    return lines


@st.composite
def modules(draw: st.DrawFn) -> str:
    source = Source()
    lines = draw(_block(source, 0, "module"))
    flag = draw(st.booleans())
    return PRELUDE + f"flag = {flag}\n" + "\n".join(lines) + "\n"


def _torch_object(qualified: str) -> object:
    parts = qualified.split(".")
    value: object = importlib.import_module(parts[0])
    for part in parts[1:]:
        value = getattr(value, part)
    return value


def _probed(source: str) -> dict[int, list[object]]:
    seen: dict[int, list[object]] = {}

    def probe(key: int, value: object) -> None:
        seen.setdefault(key, []).append(value)

    exec(compile(source, "<names>", "exec"), {"__name__": "fuzzed", "_probe": probe})
    return seen


@budget(examples=150, deadline_seconds=10)
@given(modules())
def test_resolver_names_only_what_python_binds(source: str) -> None:
    seen = _probed(source)
    module = cst.parse_module(source)
    resolver = Resolver(module)
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if not (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value == "_probe"
        ):
            continue
        key = int(node.args[0].value.value)  # type: ignore[attr-defined]
        name = resolver.qualified(node.args[1].value)
        if name is None or key not in seen:
            continue
        expected = _torch_object(name)
        assert all(value is expected for value in seen[key]), (name, key, seen[key])
