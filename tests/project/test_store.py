"""Summaries kept on disk under the result cache's root."""

from __future__ import annotations

from pathlib import Path

from birnn_lint import cache
from birnn_lint.project import ProjectIndex, SummaryStore, SymbolKind, parse_summary, summary
from birnn_lint.project.store import from_data, to_data

TEXT = """\
import torch.nn as nn
from .base import *
from . import sibling as sib
class Encoder(nn.Module, Mixin): pass
async def run(): pass
LSTM = nn.LSTM
layer = nn.LSTM(4, 4)
__all__ = ["Encoder", "run"]
"""


def test_round_trip() -> None:
    original = parse_summary(TEXT)
    assert original is not None
    again = from_data(to_data(original))
    assert again is not None
    assert dict(again.bindings) == dict(original.bindings)
    assert again.star_imports == original.star_imports
    assert again.all_names == original.all_names
    assert dict(again.torch_names) == dict(original.torch_names)
    assert from_data(to_data(None)) is None


def test_index_reads_the_store_instead_of_parsing(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    (project / "layers.py").write_text("class Layer: pass\n")
    (project / "app.py").write_text("from layers import Layer\n")
    store = SummaryStore(tmp_path / "cache")
    try:
        ProjectIndex.configure(store)
        index = ProjectIndex.for_file(project / "app.py")
        assert index.resolve_name(project / "app.py", "Layer") is not None
        entries = sorted(store.folder.rglob("*.json"))
        assert len(entries) == 2
        assert (tmp_path / "cache" / "CACHEDIR.TAG").is_file()

        # A new process: nothing in memory. Plant a different summary under layers.py's
        # key: the index believes the store, which shows it did not parse the file.
        summary._by_content.clear()
        key = summary.content_key("class Layer: pass\n")
        planted = parse_summary("def Layer(): pass\n")
        store.put(key, planted)
        ProjectIndex.reset()
        index = ProjectIndex.for_file(project / "app.py")
        symbol = index.resolve_name(project / "app.py", "Layer")
        assert symbol is not None and symbol.kind is SymbolKind.FUNCTION

        # A damaged entry is a miss: the file is parsed again.
        for entry in store.folder.rglob("*.json"):
            entry.write_bytes(b"{not json")
        summary._by_content.clear()
        ProjectIndex.reset()
        index = ProjectIndex.for_file(project / "app.py")
        symbol = index.resolve_name(project / "app.py", "Layer")
        assert symbol is not None and symbol.kind is SymbolKind.CLASS
    finally:
        ProjectIndex.configure(None)
    assert cache.clean(tmp_path / "cache")
    assert not store.folder.exists()


def test_unwritable_store_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = SummaryStore(blocker / "cache")
    store.put("ab" * 16, parse_summary("x = 1\n"))
    assert isinstance(store.get("ab" * 16), summary.Missing)
