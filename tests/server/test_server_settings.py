"""Settings over a real LSP connection: the project's [tool.birnn-lint] found from the
file's folder, reloaded when it changes; the client's select/ignore on top; excluded
files get nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import MODEL, capabilities, diagnostics_of, open_document, start, wait_for
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio


def _project(root: Path, table: str) -> None:
    (root / "pyproject.toml").write_text(f"[tool.birnn-lint]\n{table}\n", encoding="utf-8")


async def test_the_project_configuration_applies_and_is_reloaded(
    client: LanguageClient, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    _project(project, 'ignore = ["BRN002"]')
    await start(client, tmp_path, capabilities())
    # The server asked to hear of configuration files changing.
    registered = client.registrations  # type: ignore[attr-defined]
    await wait_for(lambda: registered)
    (registration,) = registered
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [w["globPattern"] for w in registration.register_options["watchers"]]
    assert "**/pyproject.toml" in globs

    uri = open_document(client, project / "src" / "model.py", MODEL)
    assert [d.code for d in await diagnostics_of(client, uri, 1)] == ["BRN003"]

    _project(project, 'ignore = ["BRN003"]')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(project / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed
                )
            ]
        )
    )
    await wait_for(lambda: [d.code for d in client.diagnostics.get(uri, [])] == ["BRN002"])


async def test_per_file_ignores_and_excludes(client: LanguageClient, tmp_path: Path) -> None:
    _project(
        tmp_path,
        'extend-exclude = ["generated"]\nper-file-ignores = { "legacy_*.py" = ["BRN003"] }',
    )
    await start(client, tmp_path, capabilities())
    legacy = open_document(client, tmp_path / "legacy_model.py", MODEL)
    assert [d.code for d in await diagnostics_of(client, legacy, 1)] == ["BRN002"]
    excluded = open_document(client, tmp_path / "generated" / "model.py", MODEL)
    assert await diagnostics_of(client, excluded, 0) == []


async def test_client_settings_override_the_project(client: LanguageClient, tmp_path: Path) -> None:
    _project(tmp_path, 'ignore = ["BRN002"]')
    await start(client, tmp_path, capabilities(), {"settings": {"select": ["BRN002"]}})
    uri = open_document(client, tmp_path / "model.py", MODEL)
    # The client's `select` replaces the selection, as `check --select` does.
    assert [d.code for d in await diagnostics_of(client, uri, 1)] == ["BRN002"]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"birnn-lint": {"select": ["BRN002"], "ignore": ["BRN002"]}}
        )
    )
    assert await diagnostics_of(client, uri, 0) == []
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"birnn-lint": {}})
    )
    # Without client settings, the project's own selection is back.
    assert [d.code for d in await diagnostics_of(client, uri, 1)] == ["BRN003"]


async def test_a_bad_configuration_is_shown_and_the_defaults_used(
    client: LanguageClient, tmp_path: Path
) -> None:
    _project(tmp_path, 'selct = ["BRN002"]')
    await start(client, tmp_path, capabilities())
    uri = open_document(client, tmp_path / "model.py", MODEL)
    assert len(await diagnostics_of(client, uri, 2)) == 2
    await wait_for(lambda: client.messages)
    assert "unknown key 'selct'" in client.messages[0].message


async def test_unknown_client_settings_are_reported(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities(), {"select": ["BRN999"]})
    uri = open_document(client, tmp_path / "model.py", MODEL)
    assert len(await diagnostics_of(client, uri, 2)) == 2
    await wait_for(lambda: client.messages)
    assert "BRN999" in client.messages[0].message
