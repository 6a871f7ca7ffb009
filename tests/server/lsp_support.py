"""What the language-server tests share: client capabilities, documents, waiting for
diagnostics, and applying an edit the way an editor does."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from entry_point import BIRNN_LINT
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = ClientServerConfig(server_command=[BIRNN_LINT, "server"])

# BRN002 (unsafe fix) on row 6 and BRN003 (safe fix) on row 7; 1-based rows.
MODEL = """\
import torch
from torch import nn
rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)
x = torch.randn(5, 3, 8)
output, h_n = rnn(x)
last = h_n[-1]
flat = h_n.view(h_n.size(1), -1)
"""


def capabilities(
    *, pull: bool = False, resolve: bool = False, versioned: bool = True, watch: bool = True
) -> types.ClientCapabilities:
    return types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=versioned),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=watch
            ),
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True),
        ),
        text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities() if pull else None,
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                version_support=True, code_description_support=True
            ),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=["quickfix", "source"]
                    )
                ),
                data_support=True,
                resolve_support=(
                    types.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None
                ),
            ),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
        notebook_document=types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities()
        ),
    )


def accept_registrations(client: LanguageClient) -> list[types.Registration]:
    """Make the test client answer `client/registerCapability`; returns what it got."""
    registered: list[types.Registration] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    return registered


def record_publications(client: LanguageClient) -> list[types.PublishDiagnosticsParams]:
    """Keep every `publishDiagnostics` the client gets (pytest-lsp keeps the last)."""
    published: list[types.PublishDiagnosticsParams] = []
    features = client.protocol.fm.features
    default = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        default(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    return published


async def start(
    client: LanguageClient,
    root: Path,
    caps: types.ClientCapabilities,
    options: dict[str, Any] | None = None,
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="project")],
            initialization_options=options,
        )
    )


def open_document(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )
    return uri


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """A full-text change, as a client without incremental sync sends it."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll until `condition()` is truthy; return its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError("the condition was not met in time")
        await asyncio.sleep(0.02)


async def diagnostics_of(
    client: LanguageClient, uri: str, count: int | None = None, timeout: float = 30.0
) -> Sequence[types.Diagnostic]:
    """The pushed diagnostics of `uri` once there are some (or exactly `count`)."""

    def ready() -> Any:
        if uri not in client.diagnostics:
            return None
        found = client.diagnostics[uri]
        if count is None or len(found) == count:
            return list(found) or [None]
        return None

    found = await wait_for(ready, timeout)
    return [d for d in found if d is not None]


_BREAK = re.compile(r"\r\n|\r|\n")


def _offset(text: str, position: types.Position) -> int:
    """The offset of an LSP position (UTF-16 columns) in `text`."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line = text[start:end].rstrip("\r\n")
    units = 0
    for column, char in enumerate(line):
        if units >= position.character:
            return start + column
        units += 2 if ord(char) > 0xFFFF else 1
    return start + len(line)


def apply_text_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP text edits (all relative to `text`) as an editor does."""
    spans = sorted(
        ((_offset(text, e.range.start), _offset(text, e.range.end), e.new_text) for e in edits),
        key=lambda span: span[:2],
    )
    pieces, cursor = [], 0
    for start, end, new in spans:
        assert start >= cursor, "overlapping edits"
        pieces.append(text[cursor:start])
        pieces.append(new)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    found: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit)
        if change.text_document.uri == uri:
            found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    found.extend((edit.changes or {}).get(uri, []))
    return found


def cli_fixed(text: str, filename: str, cwd: Path, *flags: str) -> str:
    """What `birnn-lint check --fix FLAGS` makes of `text` (as standard input)."""
    done = subprocess.run(
        [BIRNN_LINT, "check", "--fix", *flags, "--stdin-filename", filename, "-"],
        input=text.encode("utf-8"),
        capture_output=True,
        cwd=cwd,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout.decode("utf-8")


PYTHON = sys.executable
