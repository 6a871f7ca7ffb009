"""`birnn-lint server`: the Language Server Protocol (3.17) server, over stdio.

Diagnostics are pushed (`textDocument/publishDiagnostics`) after open, save and a
debounced change, unless the client pulls them (`textDocument/diagnostic`). Every
handler that analyses runs the analysis on the session's worker thread and awaits it,
so that `$/cancelRequest` cancels it; an internal error is logged and shown as BRN902.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from birnn_lint import __version__
from birnn_lint.config import ConfigError
from birnn_lint.findings import Finding, Position
from birnn_lint.server import requests
from birnn_lint.server.diagnostics import diagnostics_by_uri
from birnn_lint.server.documents import Snapshot
from birnn_lint.server.incremental import quick_findings
from birnn_lint.server.linting import LintResult
from birnn_lint.server.positions import Encoding
from birnn_lint.server.session import Session
from birnn_lint.server.settings import SettingsStore, client_settings

# Diagnostics follow typing this long after the last change.
DEBOUNCE_SECONDS = 0.1
# Quick diagnostics (one definition re-analysed) are verified by a whole-file analysis
# once the typing has paused this long.
VERIFY_AFTER_SECONDS = 0.5
# Files whose change changes the settings of open documents.
_CONFIG_NAMES = ("pyproject.toml", ".gitignore")

log = logging.getLogger("birnn_lint.server")


class _Protocol(LanguageServerProtocol):
    def handle_message(self, message: Any) -> None:
        """After `shutdown`, a request other than `exit` is answered with InvalidRequest,
        as the protocol says (pygls would leave it unanswered)."""
        msg_id = getattr(message, "id", None)
        method = getattr(message, "method", None)
        if self._shutdown and msg_id is not None and method not in (None, types.EXIT):
            error = JsonRpcInvalidRequest("the server is shutting down")
            self._send_response(msg_id, None, error.to_response_error())
            return
        super().handle_message(message)


class BirnnLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "birnn-lint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithNotebook(
                        notebook="jupyter-notebook",
                        cells=[types.NotebookCellLanguage(language="python")],
                    )
                ],
                save=True,
            ),
            protocol_cls=_Protocol,
        )
        self.session = Session(SettingsStore(Path.cwd()))
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.debounce = DEBOUNCE_SECONDS
        self.shut_down = False  # a `shutdown` request came: `exit` then means success

    # --- what the client can do ---------------------------------------------------------

    @property
    def encoding(self) -> Encoding:
        return Encoding.named(str(self.workspace.position_encoding or ""))

    @property
    def pulls(self) -> bool:
        document = self.client_capabilities.text_document
        return document is not None and document.diagnostic is not None

    @property
    def resolves_edits(self) -> bool:
        """Whether the client asks for an action's edit with `codeAction/resolve`."""
        document = self.client_capabilities.text_document
        code_action = document.code_action if document is not None else None
        support = code_action.resolve_support if code_action is not None else None
        return support is not None and "edit" in support.properties

    @property
    def versioned_edits(self) -> bool:
        """Whether the client takes versioned document changes (and so refuses an edit
        made for another version of the buffer)."""
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace is not None else None
        return bool(edit is not None and edit.document_changes)

    def log_stale(self, title: str) -> None:
        self.window_log_message(
            types.LogMessageParams(
                type=types.MessageType.Info,
                message=f"birnn-lint: {title!r} not applied: the document changed since",
            )
        )

    def cancel_pending(self, unit: str) -> None:
        waiting = self.pending.pop(unit, None)
        if waiting is not None:
            waiting.cancel()

    # --- diagnostics ----------------------------------------------------------------------

    def report(self, result: LintResult) -> None:
        """Log what the user must hear of: an internal error, a configuration error."""
        if result.error is not None:
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=f"birnn-lint: internal error on {result.snapshot.uri}:\n{result.error}",
                )
            )
        error = self.session.config_error(result.snapshot)
        if error is not None:
            message = f"birnn-lint: {error} (the defaults are used)"
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Warning, message=message)
            )
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=message)
            )

    async def analyse(self, snapshot: Snapshot) -> LintResult:
        result = await self.session.result(snapshot)
        self.report(result)
        return result

    def publish(self, result: LintResult) -> None:
        snapshot = result.snapshot
        by_uri = diagnostics_by_uri(snapshot, result.findings, self.encoding)
        for uri, diagnostics in by_uri.items():
            version = snapshot.version if not snapshot.is_notebook else None
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
            )

    def schedule(self, unit: str, delay: float) -> None:
        """Push the unit's diagnostics after `delay`, replacing a push still waiting."""
        if self.pulls:
            return
        self.cancel_pending(unit)
        self.pending[unit] = asyncio.ensure_future(self._push_later(unit, delay))

    async def _push_later(self, unit: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            snapshot = self.session.snapshot(self.workspace, unit)
            if snapshot is None:
                return
            quick = await self._quick(unit, snapshot)
            if quick is not None:
                await asyncio.sleep(VERIFY_AFTER_SECONDS)
            result = await self.analyse(snapshot)
            # Published only if the buffer is still the one analysed, and if it differs
            # from the quick diagnostics already shown.
            if self.session.snapshot(self.workspace, unit) == snapshot and (
                quick is None or _shown(quick.findings) != _shown(result.findings)
            ):
                self.publish(result)
        except asyncio.CancelledError:
            raise
        except Exception:  # the server's own bug: logged, and the server keeps serving
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=f"birnn-lint: internal error on {unit}:\n{traceback.format_exc()}",
                )
            )
        finally:
            if self.pending.get(unit) is asyncio.current_task():
                del self.pending[unit]

    async def _quick(self, unit: str, snapshot: Snapshot) -> LintResult | None:
        """Publish quick diagnostics for an edit inside one definition (see
        incremental.py); None when the edit is not of that kind."""
        previous = self.session.exact(unit)
        if previous is None or previous.snapshot.text == snapshot.text:
            return None

        def compute() -> list[Finding] | None:
            try:
                return quick_findings(previous, snapshot)
            except Exception:  # the whole-file analysis that follows will tell
                return None

        findings = await self.session.run_quick(compute)
        if findings is None:
            return None
        quick = LintResult(snapshot, previous.settings, findings)
        if self.session.snapshot(self.workspace, unit) == snapshot:
            self.publish(quick)
        return quick

    def clear(self, uris: list[str]) -> None:
        for uri in uris:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    def recheck_all(self) -> None:
        """Settings changed: check every open document again."""
        if self.pulls:
            workspace = self.client_capabilities.workspace
            refresh = workspace.diagnostics if workspace is not None else None
            if refresh is not None and refresh.refresh_support:
                self.workspace_diagnostic_refresh(None)
            return
        for unit in self.session.units(self.workspace):
            self.schedule(unit, 0)

    def set_client_settings(self, raw: Any) -> None:
        try:
            self.session.store.set_client(client_settings(raw))
        except ConfigError as error:
            message = f"birnn-lint: {error} (the client's settings are ignored)"
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=message)
            )


def _shown(findings: list[Finding]) -> list[tuple[str, str, Position, Position]]:
    """What a diagnostic shows of a finding."""
    return [(f.code, f.message, f.location, f.end_location) for f in findings]


server = BirnnLanguageServer()
requests.register(server)


def serve() -> int:
    logging.basicConfig(level=logging.WARNING, format="birnn-lint server: %(message)s")
    # The protocol gets its own handle on stdout; stdout itself becomes stderr, so that
    # nothing printed by accident can corrupt the protocol's stream.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server.start_io(sys.stdin.buffer, protocol_out)
    # The protocol's exit code: 0 after a shutdown request, 1 for an exit without one.
    return 0 if server.shut_down else 1
