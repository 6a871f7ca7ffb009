"""Module summaries read with `ast`, and their cache by content."""

from __future__ import annotations

from textwrap import dedent

from birnn_lint.project import (
    AssignmentInfo,
    ClassInfo,
    FunctionInfo,
    ImportInfo,
    StarImport,
    parse_summary,
    summarize,
)

SOURCE = dedent(
    """\
    import os, torch.nn
    import torch.nn.functional as F
    from torch import nn as tnn
    from . import sibling
    from ..pkg.mod import thing as other
    from utils import *

    class Encoder(tnn.Module, Mixin, Generic[T], metaclass=Meta):
        def forward(self, x):
            inner = 1
            return x

    async def fetch():
        pass

    LSTM = tnn.LSTM
    layer = tnn.LSTM(4, 8, bidirectional=True)
    a, b = 1, 2
    count: int = 3
    bare: int
    __all__ = ["Encoder", "layer"]
    __all__ += ["fetch"]
    """
)


def test_top_level_bindings() -> None:
    summary = parse_summary(SOURCE)
    assert summary is not None
    encoder = summary.bindings["Encoder"]
    assert encoder == ClassInfo("Encoder", ("tnn.Module", "Mixin", "Generic"), 8, 11)
    assert summary.bindings["fetch"] == FunctionInfo("fetch", 13, 14, True)
    assert "forward" not in summary.bindings and "inner" not in summary.bindings
    assert summary.bindings["LSTM"] == AssignmentInfo("LSTM", "tnn.LSTM", False, 16, 16)
    assert summary.bindings["layer"] == AssignmentInfo("layer", "tnn.LSTM", True, 17, 17)
    assert summary.bindings["a"] == AssignmentInfo("a", None, False, 18, 18)
    assert summary.bindings["count"] == AssignmentInfo("count", None, False, 19, 19)
    assert "bare" not in summary.bindings
    assert summary.bindings["torch"] == ImportInfo("torch", "torch", None, 0, 1)
    assert summary.bindings["os"] == ImportInfo("os", "os", None, 0, 1)
    assert summary.bindings["F"] == ImportInfo("F", "torch.nn.functional", None, 0, 2)
    assert summary.bindings["sibling"] == ImportInfo("sibling", "", "sibling", 1, 4)
    assert summary.bindings["other"] == ImportInfo("other", "pkg.mod", "thing", 2, 5)
    assert summary.star_imports == (StarImport("utils", 0, 6),)
    assert summary.all_names == ("Encoder", "layer", "fetch")
    assert set(summary.classes) == {"Encoder"}
    assert set(summary.functions) == {"fetch"}
    assert set(summary.imports) == {"os", "torch", "F", "tnn", "sibling", "other"}
    assert {"LSTM", "layer", "a", "b", "count", "__all__"} <= set(summary.assignments)


def test_torch_names() -> None:
    summary = parse_summary(SOURCE)
    assert summary is not None
    assert dict(summary.torch_names) == {
        "torch": "torch",
        "F": "torch.nn.functional",
        "tnn": "torch.nn",
        "LSTM": "torch.nn.LSTM",
    }


def test_later_binding_wins_but_alternatives_do_not() -> None:
    summary = parse_summary(
        dedent(
            """\
            import torch.nn as nn
            nn = None
            try:
                from fast import Encoder
            except ImportError:
                Encoder = None
            if cond:
                X = 1
            else:
                X = make()
            with ctx():
                Y = y
            """
        )
    )
    assert summary is not None
    assert isinstance(summary.bindings["nn"], AssignmentInfo)
    assert summary.torch_names == {}
    assert isinstance(summary.bindings["Encoder"], ImportInfo)
    assert summary.bindings["X"] == AssignmentInfo("X", None, False, 8, 8)
    assert summary.bindings["Y"] == AssignmentInfo("Y", "y", False, 12, 12)


def test_dynamic_all_is_unknown() -> None:
    summary = parse_summary("__all__ = [name for name in dir()]\n")
    assert summary is not None and summary.all_names is None


def test_broken_text_has_no_summary() -> None:
    assert parse_summary("def f(:\n") is None
    assert parse_summary("x = 1\x00\n") is None
    assert parse_summary("(" * 200_000) is None


def test_summaries_are_cached_by_content() -> None:
    text = "class Cached: pass\n"
    first = summarize(text)
    assert first is not None and summarize(text) is first
    assert summarize(text + "\n") is not first
    assert summarize("def f(:\n") is None


def test_stub_annotations_declare_names() -> None:
    stub = parse_summary("VALUE: int\nclass C: ...\n", stub=True)
    assert stub is not None and stub.bindings["VALUE"] == AssignmentInfo("VALUE", None, False, 1, 1)
    plain = parse_summary("VALUE: int\n")
    assert plain is not None and "VALUE" not in plain.bindings
    assert summarize("VALUE: int\n", stub=True) is not summarize("VALUE: int\n")
