"""A new text of a snapshot as an LSP workspace edit.

The edit is the line diff between the buffer's text and the new one, each block trimmed
to the characters that differ; applied to the buffer it gives exactly the new text.
It names the document's version, so that a client refuses it once the buffer changed.
A notebook's edit is split over its cells.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from birnn_lint.server.documents import Snapshot, split_changes
from birnn_lint.server.positions import Encoding, LineIndex, TextChange, text_changes


def _text_edits(
    text: str, changes: Sequence[TextChange], encoding: Encoding
) -> list[types.TextEdit]:
    index = LineIndex(text, encoding)
    edits = []
    for change in changes:
        start = index.to_lsp(index.position_at(change.start))
        end = index.to_lsp(index.position_at(change.end))
        edits.append(
            types.TextEdit(
                range=types.Range(
                    start=types.Position(line=start.line, character=start.character),
                    end=types.Position(line=end.line, character=end.character),
                ),
                new_text=change.content,
            )
        )
    return edits


def workspace_edit(
    snapshot: Snapshot, new_text: str, encoding: Encoding, *, versioned: bool
) -> types.WorkspaceEdit | None:
    """None when there is nothing to change, or a notebook edit would cross cells."""
    changes = text_changes(snapshot.text, new_text)
    if not changes:
        return None
    documents: list[tuple[str, int | None, list[types.TextEdit]]] = []
    if not snapshot.is_notebook:
        documents.append(
            (snapshot.uri, snapshot.version, _text_edits(snapshot.text, changes, encoding))
        )
    else:
        by_cell = split_changes(snapshot, changes)
        if by_cell is None:
            return None
        for cell in snapshot.cells:
            if cell.uri in by_cell:
                edits = _text_edits(cell.text, by_cell[cell.uri], encoding)
                documents.append((cell.uri, snapshot.cell_version(cell.uri), edits))
    if versioned:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=version
                    ),
                    edits=list(edits),
                )
                for uri, version, edits in documents
            ]
        )
    return types.WorkspaceEdit(changes={uri: edits for uri, _, edits in documents})
