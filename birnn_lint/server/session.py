"""The server's state: snapshots of the open documents, and their lint results.

Each analysis unit (a text document, or a notebook whose code cells form one module)
has at most one analysis running; its result is cached for as long as the text and
the settings stay the same, so that pushes, pulls, hovers and code actions of one
version share one analysis. Analyses and fixes run one at a time on a worker thread
(the engine keeps per-run caches), keeping the event loop free for new messages and
`$/cancelRequest`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.workspace import Workspace

from birnn_lint.server.documents import Snapshot, notebook_snapshot, text_snapshot
from birnn_lint.server.linting import LintResult, lint
from birnn_lint.server.settings import SettingsStore

T = TypeVar("T")
_PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class _Entry:
    key: tuple[int, str]  # (settings generation, analysed text)
    future: asyncio.Future[LintResult]


class Session:
    def __init__(self, store: SettingsStore) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="birnn-lint")
        # Quick analyses of one definition (see incremental.py) do not queue behind a
        # whole-file analysis. The engine's only shared cache is keyed by node identity.
        self._quick_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quick")
        self._entries: dict[str, _Entry] = {}
        # The last whole-file result of each unit, with its settings generation.
        self._exact: dict[str, tuple[int, LintResult]] = {}
        # Configuration errors already shown (per generation), not to repeat them.
        self.reported: set[tuple[int, str]] = set()

    # --- documents --------------------------------------------------------------------

    @staticmethod
    def unit_of(workspace: Workspace, uri: str) -> str:
        """The analysis unit of a document: its notebook for a cell, else itself."""
        notebook = workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    @staticmethod
    def snapshot(workspace: Workspace, unit: str) -> Snapshot | None:
        """The unit's current text, or None when it is closed or not Python."""
        notebook = workspace.get_notebook_document(notebook_uri=unit)
        if notebook is not None:
            cells = []
            for cell in notebook.cells:
                if cell.kind != types.NotebookCellKind.Code:
                    continue
                document = workspace.text_documents.get(unquote(cell.document))
                if document is None or (document.language_id or "python") != "python":
                    continue
                cells.append((cell.document, document.source, document.version))
            if not cells:
                return None
            return notebook_snapshot(unit, notebook.version, cells)
        document = workspace.text_documents.get(unquote(unit))
        if document is None:
            return None
        language = document.language_id
        if language not in (None, "", "python") and not unit.endswith(_PYTHON_SUFFIXES):
            return None
        return text_snapshot(unit, document.version, document.source)

    @staticmethod
    def units(workspace: Workspace) -> list[str]:
        """Every open unit: notebooks, and text documents that are not cells."""
        notebooks = list(workspace.notebook_documents.values())
        cells = {unquote(cell.document) for notebook in notebooks for cell in notebook.cells}
        found = [notebook.uri for notebook in notebooks]
        found += [d.uri for key, d in workspace.text_documents.items() if key not in cells]
        return found

    # --- analysis ---------------------------------------------------------------------

    async def run(self, function: Callable[[], T]) -> T:
        """Run `function` on the worker thread; awaiting it can be cancelled."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function)

    async def run_quick(self, function: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._quick_executor, function)

    def exact(self, unit: str) -> LintResult | None:
        """The unit's last whole-file result under the current settings."""
        found = self._exact.get(unit)
        return found[1] if found is not None and found[0] == self.store.generation else None

    async def result(self, snapshot: Snapshot) -> LintResult:
        """The snapshot's lint result, from the cache or a (shared) new analysis.
        Cancelling the caller does not cancel an analysis others may wait for."""
        key = (self.store.generation, snapshot.text)
        entry = self._entries.get(snapshot.uri)
        if entry is None or entry.key != key:
            resolved = self.store.for_path(snapshot.path)
            settings = resolved.settings
            loop = asyncio.get_running_loop()
            future = asyncio.ensure_future(
                loop.run_in_executor(self._executor, lint, snapshot, settings)
            )
            entry = _Entry(key, future)
            self._entries[snapshot.uri] = entry
        found = await asyncio.shield(entry.future)
        if entry.key[0] == self.store.generation and snapshot.uri in self._entries:
            self._exact[snapshot.uri] = (entry.key[0], found)
        # The same text under a new version: the result is the new version's.
        return found if found.snapshot == snapshot else replace(found, snapshot=snapshot)

    def config_error(self, snapshot: Snapshot) -> str | None:
        """A configuration error not yet shown for this snapshot's project."""
        error = self.store.for_path(snapshot.path).error
        if error is None or (self.store.generation, error) in self.reported:
            return None
        self.reported.add((self.store.generation, error))
        return error

    def forget(self, unit: str) -> None:
        self._entries.pop(unit, None)
        self._exact.pop(unit, None)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._quick_executor.shutdown(wait=False, cancel_futures=True)

    def root(self, workspace: Workspace) -> Path:
        return Path(workspace.root_path) if workspace.root_path else Path.cwd()
