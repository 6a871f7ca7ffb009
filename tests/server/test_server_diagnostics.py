"""Diagnostics over a real LSP connection: pushed on open, change and save, cleared on
close, pulled on request; each with its rule, link, message and full span."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from lsp_support import (
    MODEL,
    capabilities,
    diagnostics_of,
    open_document,
    replace_all,
    start,
)
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio


async def test_open_pushes_the_findings(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities())
    uri = open_document(client, tmp_path / "model.py", MODEL)
    found = await diagnostics_of(client, uri, 2)
    brn002, brn003 = sorted(found, key=lambda d: str(d.code))
    assert brn002.code == "BRN002"
    assert brn002.source == "birnn-lint"
    assert brn002.severity == types.DiagnosticSeverity.Warning
    assert "`rnn` (GRU, bidirectional, num_layers=2)" in brn002.message
    # `last = h_n[-1]`: the whole of `h_n[-1]`, 0-based.
    assert brn002.range == types.Range(
        start=types.Position(line=5, character=7), end=types.Position(line=5, character=14)
    )
    assert brn002.code_description is not None
    href = brn002.code_description.href
    assert href.startswith("file://") and href.endswith("BRN002-hidden-last-index-one-direction.md")
    assert Path(href.removeprefix("file://")).is_file()
    assert brn003.code == "BRN003"
