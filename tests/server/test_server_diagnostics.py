"""Diagnostics over a real LSP connection: pushed on open, change and save, cleared on
close, pulled on request; each with its rule, link, message and full span."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsp_support import (
    MODEL,
    capabilities,
    diagnostics_of,
    open_document,
    replace_all,
    start,
    wait_for,
)
from lsprotocol import types
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


async def test_a_change_checks_the_unsaved_buffer_not_the_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "model.py"
    path.write_text(MODEL, encoding="utf-8")  # on disk: two findings, never changed
    await start(client, tmp_path, capabilities())
    uri = open_document(client, path, MODEL)
    await diagnostics_of(client, uri, 2)
    without_brn002 = MODEL.replace("last = h_n[-1]", "last = h_n[-2:]")
    replace_all(client, uri, without_brn002, 2)
    found = await diagnostics_of(client, uri, 1)
    assert [d.code for d in found] == ["BRN003"]
    assert path.read_text(encoding="utf-8") == MODEL


async def test_incremental_changes_are_debounced(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities())
    uri = open_document(client, tmp_path / "model.py", MODEL)
    await diagnostics_of(client, uri, 2)
    published = client.published  # type: ignore[attr-defined]
    published.clear()
    # Five keystrokes in a burst, each an incremental change: `h_n[-1]` -> `h_n[-2:]`.
    line = 5
    edits = [("-1", "-2"), ("-2", "-2:")]
    version = 1
    for old, new in edits:
        start_col = MODEL.splitlines()[line].index("h_n[") + 4
        version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=line, character=start_col),
                            end=types.Position(line=line, character=start_col + len(old)),
                        ),
                        text=new,
                    )
                ],
            )
        )
    found = await diagnostics_of(client, uri, 1)
    assert [d.code for d in found] == ["BRN003"]
    # One analysis for the burst: only the last version was published.
    assert [p.version for p in published] == [3]


async def test_save_and_close(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(MODEL, encoding="utf-8")
    await start(client, tmp_path, capabilities())
    uri = open_document(client, path, MODEL)
    await diagnostics_of(client, uri, 2)
    client.diagnostics.pop(uri)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert len(await diagnostics_of(client, uri, 2)) == 2
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert await diagnostics_of(client, uri, 0) == []


async def test_pull_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    result = await start(client, tmp_path, capabilities(pull=True))
    provider = result.capabilities.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.inter_file_dependencies is False
    uri = open_document(client, tmp_path / "model.py", MODEL)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert sorted(str(d.code) for d in report.items) == ["BRN002", "BRN003"]
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            previous_result_id=report.result_id,
        )
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == report.result_id
    replace_all(client, uri, MODEL.replace("last = h_n[-1]", "last = h_n[-2:]"), 2)
    changed = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            previous_result_id=report.result_id,
        )
    )
    assert isinstance(changed, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in changed.items] == ["BRN003"]
    # A client that pulls is never pushed to (it would see every finding twice).
    assert uri not in client.diagnostics


async def test_a_buffer_that_does_not_parse_gets_brn900_and_the_server_goes_on(
    client: LanguageClient, tmp_path: Path
) -> None:
    await start(client, tmp_path, capabilities())
    broken = MODEL.replace("last = h_n[-1]", "last = h_n[-1")
    uri = open_document(client, tmp_path / "model.py", broken)
    (diagnostic,) = await diagnostics_of(client, uri, 1)
    assert diagnostic.code == "BRN900"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert "syntax error" in diagnostic.message
    assert diagnostic.range.start.line in (5, 6)
    replace_all(client, uri, MODEL, 2)
    assert len(await diagnostics_of(client, uri, 2)) == 2


async def test_noqa_in_the_buffer_is_honoured(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities())
    quiet = MODEL.replace("last = h_n[-1]", "last = h_n[-1]  # noqa: BRN002")
    uri = open_document(client, tmp_path / "model.py", quiet)
    assert [d.code for d in await diagnostics_of(client, uri, 1)] == ["BRN003"]


async def test_positions_count_utf16_code_units(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities())
    wide = MODEL.replace("last = h_n[-1]", 's = "𝄞"; last = h_n[-1]')
    uri = open_document(client, tmp_path / "model.py", wide)
    found = {d.code: d for d in await diagnostics_of(client, uri, 2)}
    # 's = "𝄞"; last = ' is 16 code points and 17 UTF-16 units (𝄞 takes two).
    assert found["BRN002"].range.start == types.Position(line=5, character=17)
    assert found["BRN002"].range.end == types.Position(line=5, character=24)


CLASS_MODEL = """\
import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, h_n = self.rnn(x)
        return h_n[-1]


def flat(x: torch.Tensor) -> torch.Tensor:
    rnn = nn.GRU(8, 16, bidirectional=True)
    output, h_n = rnn(x)
    return h_n.view(h_n.size(1), -1)
"""


async def test_an_edit_inside_a_definition_is_answered_and_then_verified(
    client: LanguageClient, tmp_path: Path
) -> None:
    await start(client, tmp_path, capabilities())
    uri = open_document(client, tmp_path / "model.py", CLASS_MODEL)
    assert sorted(str(d.code) for d in await diagnostics_of(client, uri, 2)) == [
        "BRN002",
        "BRN003",
    ]
    published = client.published  # type: ignore[attr-defined]
    published.clear()
    # Two lines added in the method: the finding below moves down two rows.
    edited = CLASS_MODEL.replace(
        "        return h_n[-1]\n", "        y = x\n        z = y\n        return h_n[-1]\n"
    )
    replace_all(client, uri, edited, 2)
    await wait_for(lambda: published)
    found = {d.code: d for d in published[0].diagnostics}
    assert found["BRN002"].range.start.line == 13
    assert found["BRN003"].range.start.line == 19
    await asyncio.sleep(2)  # the typing pause, then the whole-file check
    # The whole-file analysis agreed: nothing was published a second time.
    assert [p.version for p in published] == [2]
