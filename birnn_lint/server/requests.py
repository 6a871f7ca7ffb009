"""The server's handlers: lifecycle, document sync, diagnostics, code actions, hover."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from birnn_lint.findings import Position
from birnn_lint.server import actions
from birnn_lint.server.diagnostics import diagnostic_for, diagnostics_by_uri
from birnn_lint.server.documents import Snapshot, from_cell
from birnn_lint.server.hover import hover_markdown
from birnn_lint.server.positions import LineIndex, LspPosition
from birnn_lint.server.workspace_edits import workspace_edit

if TYPE_CHECKING:  # the server imports this module, not the other way round
    from birnn_lint.server.app import BirnnLanguageServer

_KINDS = [types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND]
_WATCHED = ["**/pyproject.toml", "**/.gitignore"]


def _wanted(kind: str, only: list[str] | None) -> bool:
    """Whether a requested kind list includes `kind` (kinds are dot-separated paths)."""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def _engine_position(snapshot: Snapshot, uri: str, position: types.Position, ls: Any) -> Position:
    """A position in `uri` (the document, or one of the notebook's cells) as a position
    of the analysed text."""
    lsp = LspPosition(position.line, position.character)
    cell = snapshot.cell(uri) if snapshot.is_notebook else None
    if cell is None:
        return LineIndex(snapshot.text, ls.encoding).from_lsp(lsp)
    return from_cell(cell, LineIndex(cell.text, ls.encoding).from_lsp(lsp))


def register(server: BirnnLanguageServer) -> None:  # noqa: C901 - one closure per handler
    @server.feature(types.INITIALIZE)
    def initialize(ls: BirnnLanguageServer, params: types.InitializeParams) -> None:
        ls.session.store.fallback_root = ls.session.root(ls.workspace)
        ls.set_client_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    def initialized(ls: BirnnLanguageServer, params: types.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED]
        )
        ls.client_register_capability(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="birnn-lint-config",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=options,
                    )
                ]
            )
        )

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: BirnnLanguageServer, params: Any) -> None:
        ls.shut_down = True
        for task in list(ls.pending.values()):
            task.cancel()
        ls.session.close()

    # --- text documents -------------------------------------------------------------------

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: BirnnLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: BirnnLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(ls.session.unit_of(ls.workspace, params.text_document.uri), ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: BirnnLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(ls.session.unit_of(ls.workspace, params.text_document.uri), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: BirnnLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel_pending(uri)
        ls.session.forget(uri)
        ls.clear([uri])

    # --- notebooks ------------------------------------------------------------------------

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: BirnnLanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(
        ls: BirnnLanguageServer, params: types.DidChangeNotebookDocumentParams
    ) -> None:
        change = params.change
        if change is not None and change.cells is not None and change.cells.structure:
            removed = [cell.document for cell in change.cells.structure.array.cells or []]
            gone = [c.uri for c in change.cells.structure.did_close or []]
            ls.clear([uri for uri in removed + gone if uri not in ls.workspace.text_documents])
        ls.schedule(params.notebook_document.uri, ls.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: BirnnLanguageServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(
        ls: BirnnLanguageServer, params: types.DidCloseNotebookDocumentParams
    ) -> None:
        uri = params.notebook_document.uri
        ls.cancel_pending(uri)
        ls.session.forget(uri)
        ls.clear([cell.uri for cell in params.cell_text_documents])

    # --- settings -------------------------------------------------------------------------

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: BirnnLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        ls.set_client_settings(params.settings)
        ls.recheck_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: BirnnLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith((".toml", ".gitignore")) for change in params.changes):
            ls.session.store.invalidate()
            ls.recheck_all()

    # --- requests -------------------------------------------------------------------------

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="birnn-lint", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    async def pull(
        ls: BirnnLanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        snapshot = ls.session.snapshot(ls.workspace, ls.session.unit_of(ls.workspace, uri))
        if snapshot is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result = await ls.analyse(snapshot)
        items = diagnostics_by_uri(snapshot, result.findings, ls.encoding).get(uri, [])
        result_id = f"{ls.session.store.generation}:{hash(snapshot.text)}:{len(items)}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=_KINDS, resolve_provider=True),
    )
    async def code_action(
        ls: BirnnLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        unit = ls.session.unit_of(ls.workspace, uri)
        snapshot = ls.session.snapshot(ls.workspace, unit)
        if snapshot is None:
            return None
        result = await ls.analyse(snapshot)
        start = _engine_position(snapshot, uri, params.range.start, ls)
        end = _engine_position(snapshot, uri, params.range.end, ls)
        only = list(params.context.only) if params.context.only else None
        plans = actions.plans(
            result,
            start,
            end,
            quick_fixes=_wanted(types.CodeActionKind.QuickFix, only),
            fix_all_wanted=_wanted(actions.FIX_ALL_KIND, only),
            unsafe_fixes=ls.session.store.client.unsafe_fixes,
        )
        found = []
        for plan in plans:
            action = types.CodeAction(
                title=plan.title,
                kind=plan.kind.lsp_kind,
                is_preferred=plan.preferred or None,
                data={
                    "uri": unit,
                    "version": snapshot.version,
                    "kind": plan.kind.value,
                    "finding": actions.finding_key(plan.finding) if plan.finding else None,
                },
            )
            if plan.finding is not None:
                shown = diagnostic_for(snapshot, plan.finding, ls.encoding)
                action.diagnostics = [shown[1]] if shown is not None else None
            if not ls.resolves_edits:
                action = await _resolve(ls, action)
                if action.edit is None:
                    continue
            found.append(action)
        return found

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(
        ls: BirnnLanguageServer, action: types.CodeAction
    ) -> types.CodeAction:
        return await _resolve(ls, action)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: BirnnLanguageServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        snapshot = ls.session.snapshot(ls.workspace, ls.session.unit_of(ls.workspace, uri))
        if snapshot is None:
            return None
        result = await ls.analyse(snapshot)
        markdown = hover_markdown(
            result.findings, _engine_position(snapshot, uri, params.position, ls)
        )
        if markdown is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown)
        )


async def _resolve(ls: BirnnLanguageServer, action: types.CodeAction) -> types.CodeAction:
    """The action with its edit, computed on the buffer's current text; without one when
    the buffer changed since the action was offered (or the fix no longer applies)."""
    data = action.data if isinstance(action.data, dict) else {}
    unit = str(data.get("uri", ""))
    snapshot = ls.session.snapshot(ls.workspace, unit)
    if snapshot is None or snapshot.version != data.get("version"):
        ls.log_stale(action.title)
        return action
    result = await ls.analyse(snapshot)
    try:
        kind = actions.ActionKind(data.get("kind"))
    except ValueError:
        return action
    finding = actions.find(result, data["finding"]) if data.get("finding") else None
    if kind is not actions.ActionKind.FIX_ALL and finding is None:
        return action
    plan = actions.Plan(action.title, kind, finding)
    text = await ls.session.run(lambda: actions.new_text(result, plan))
    if text is None or ls.session.snapshot(ls.workspace, unit) != snapshot:
        return action
    action.edit = workspace_edit(snapshot, text, ls.encoding, versioned=ls.versioned_edits)
    return action
