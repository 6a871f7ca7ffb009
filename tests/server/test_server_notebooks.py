"""Notebooks over a real LSP connection: the code cells are checked as one module (as
they run), each finding is shown in its cell, and fixes edit that cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import (
    apply_text_edits,
    capabilities,
    diagnostics_of,
    edits_for,
    start,
    wait_for,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio

CELLS = [
    (types.NotebookCellKind.Code, "import torch\nfrom torch import nn"),
    (types.NotebookCellKind.Markup, "# The encoder\nIts last state, `h_n[-1]`."),
    (
        types.NotebookCellKind.Code,
        "rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)\n"
        "x = torch.randn(5, 3, 8)\noutput, h_n = rnn(x)\n",
    ),
    (types.NotebookCellKind.Code, "last = h_n[-1]"),
    (types.NotebookCellKind.Code, "flat = h_n.view(h_n.size(1), -1)\nflat.shape"),
]


def _open(client: LanguageClient, path: Path) -> list[str]:
    uris = [f"vscode-notebook-cell:{path}#cell{i}" for i in range(len(CELLS))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=path.as_uri(),
                notebook_type="jupyter-notebook",
                version=1,
                cells=[
                    types.NotebookCell(kind=kind, document=uri)
                    for (kind, _), uri in zip(CELLS, uris, strict=True)
                ],
            ),
            cell_text_documents=[
                types.TextDocumentItem(
                    uri=uri,
                    language_id="python" if kind == types.NotebookCellKind.Code else "markdown",
                    version=1,
                    text=text,
                )
                for (kind, text), uri in zip(CELLS, uris, strict=True)
            ],
        )
    )
    return uris


async def test_each_cell_gets_its_findings(client: LanguageClient, tmp_path: Path) -> None:
    result = await start(client, tmp_path, capabilities())
    sync = result.capabilities.notebook_document_sync
    assert isinstance(sync, types.NotebookDocumentSyncOptions)
    uris = _open(client, tmp_path / "analysis.ipynb")
    (brn002,) = await diagnostics_of(client, uris[3], 1)
    assert brn002.code == "BRN002"
    assert "`rnn` (GRU, bidirectional, num_layers=2)" in brn002.message
    assert brn002.range == types.Range(
        start=types.Position(line=0, character=7), end=types.Position(line=0, character=14)
    )
    (brn003,) = await diagnostics_of(client, uris[4], 1)
    assert brn003.code == "BRN003" and brn003.range.start.line == 0
    assert await diagnostics_of(client, uris[0], 0) == []
    assert await diagnostics_of(client, uris[2], 0) == []
    assert uris[1] not in client.diagnostics  # markdown is not Python

    # The quick fix edits its own cell, exactly as the fixer rewrites the module.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uris[3]),
            range=brn002.range,
            context=types.CodeActionContext(diagnostics=[brn002], only=["quickfix"]),
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and "BRN002" in a.title)
    assert fix.edit is not None
    assert [c.text_document.uri for c in fix.edit.document_changes or []] == [uris[3]]  # type: ignore[union-attr]
    fixed = apply_text_edits(CELLS[3][1], edits_for(fix.edit, uris[3]))
    assert fixed == "last = torch.cat((h_n[-2], h_n[-1]), dim=-1)"

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uris[4]),
            position=types.Position(line=0, character=10),
        )
    )
    assert hover is not None and "BRN003" in hover.contents.value  # type: ignore[union-attr]

    # Editing a cell re-checks the notebook.
    client.notebook_document_did_change(
        types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(
                version=2, uri=(tmp_path / "analysis.ipynb").as_uri()
            ),
            change=types.NotebookDocumentChangeEvent(
                cells=types.NotebookDocumentCellChanges(
                    text_content=[
                        types.NotebookDocumentCellContentChanges(
                            document=types.VersionedTextDocumentIdentifier(uri=uris[3], version=2),
                            changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
                        )
                    ]
                )
            ),
        )
    )
    assert await diagnostics_of(client, uris[3], 0) == []
    assert len(await diagnostics_of(client, uris[4], 1)) == 1

    client.notebook_document_did_close(
        types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(
                uri=(tmp_path / "analysis.ipynb").as_uri()
            ),
            cell_text_documents=[types.TextDocumentIdentifier(uri=uri) for uri in uris],
        )
    )
    await wait_for(lambda: len(client.diagnostics[uris[4]]) == 0)


async def test_pull_diagnostics_of_a_cell(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities(pull=True))
    uris = _open(client, tmp_path / "analysis.ipynb")
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uris[4]))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["BRN003"]
