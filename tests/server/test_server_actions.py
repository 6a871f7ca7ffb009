"""Code actions and hover over a real LSP connection. Every edit is compared with what
`birnn-lint check --fix` (a real subprocess) makes of the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import (
    MODEL,
    apply_text_edits,
    capabilities,
    cli_fixed,
    diagnostics_of,
    edits_for,
    open_document,
    replace_all,
    start,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio

FIX_ALL = "source.fixAll.birnn-lint"


def _range(line: int, start: int, end: int) -> types.Range:
    return types.Range(
        start=types.Position(line=line, character=start),
        end=types.Position(line=line, character=end),
    )


async def _actions(
    client: LanguageClient, uri: str, rng: types.Range, only: list[str] | None = None
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def _applied(text: str, action: types.CodeAction, uri: str) -> str:
    assert action.edit is not None
    return apply_text_edits(text, edits_for(action.edit, uri))


async def test_quick_fixes_are_what_check_fix_makes(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities())
    uri = open_document(client, tmp_path / "model.py", MODEL)
    await diagnostics_of(client, uri, 2)

    on_brn002 = await _actions(client, uri, _range(5, 9, 9))
    titles = [a.title for a in on_brn002]
    assert titles == [
        "Fix BRN002: Join the last layer's forward and backward states (B x H becomes B x 2H)"
        " (unsafe)",
        "Disable BRN002 for this line",
        "Fix all safe birnn-lint findings",  # offered wherever a safe fix exists
    ]
    fix, disable, _ = on_brn002
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.diagnostics is not None and fix.diagnostics[0].code == "BRN002"
    assert not fix.is_preferred  # an unsafe fix is never the one applied blindly
    # Versioned: a client refuses it once the buffer is no longer version 1.
    assert fix.edit is not None and fix.edit.document_changes is not None
    (change,) = fix.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
    expected = cli_fixed(MODEL, "model.py", tmp_path, "--unsafe-fixes", "--ignore", "BRN003")
    assert _applied(MODEL, fix, uri) == expected
    assert "torch.cat((h_n[-2], h_n[-1]), dim=-1)" in expected
    assert _applied(MODEL, disable, uri) == MODEL.replace(
        "last = h_n[-1]\n", "last = h_n[-1]  # noqa: BRN002\n"
    )

    on_brn003 = await _actions(client, uri, _range(6, 8, 8))
    safe = on_brn003[0]
    assert "(unsafe)" not in safe.title and safe.is_preferred
    assert _applied(MODEL, safe, uri) == cli_fixed(MODEL, "model.py", tmp_path)


async def test_fix_all_applies_the_safe_fixes_only(client: LanguageClient, tmp_path: Path) -> None:
    result = await start(client, tmp_path, capabilities())
    provider = result.capabilities.code_action_provider
    assert isinstance(provider, types.CodeActionOptions)
    assert FIX_ALL in (provider.code_action_kinds or [])
    uri = open_document(client, tmp_path / "model.py", MODEL)
    (fix_all,) = await _actions(client, uri, _range(0, 0, 0), only=["source.fixAll"])
    assert fix_all.kind == FIX_ALL
    assert fix_all.title == "Fix all safe birnn-lint findings"
    fixed = _applied(MODEL, fix_all, uri)
    assert fixed == cli_fixed(MODEL, "model.py", tmp_path)
    assert "last = h_n[-1]\n" in fixed  # the unsafe BRN002 fix is not part of it
    # Asked for quick fixes only, there is no fix all.
    quick = await _actions(client, uri, _range(6, 8, 8), only=["quickfix"])
    assert quick and all(a.kind == "quickfix" for a in quick)


async def test_disable_merges_with_an_existing_noqa(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities())
    text = MODEL.replace("last = h_n[-1]", "last = h_n[-1]  # why  # noqa: BRN005")
    uri = open_document(client, tmp_path / "model.py", text)
    await diagnostics_of(client, uri, 2)
    actions = await _actions(client, uri, _range(5, 8, 8))
    (disable,) = [a for a in actions if a.title == "Disable BRN002 for this line"]
    assert _applied(text, disable, uri) == text.replace("# noqa: BRN005", "# noqa: BRN005, BRN002")


async def test_unsafe_fixes_can_be_turned_off(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities(), {"unsafeFixes": False})
    uri = open_document(client, tmp_path / "model.py", MODEL)
    titles = [a.title for a in await _actions(client, uri, _range(5, 8, 8), ["quickfix"])]
    assert titles == ["Disable BRN002 for this line"]


async def test_resolve_computes_the_edit_on_the_current_buffer(
    client: LanguageClient, tmp_path: Path
) -> None:
    await start(client, tmp_path, capabilities(resolve=True))
    uri = open_document(client, tmp_path / "model.py", MODEL)
    actions = await _actions(client, uri, _range(6, 8, 8))
    assert actions and all(a.edit is None for a in actions)  # cheap to list
    resolved = await client.code_action_resolve_async(actions[0])
    assert _applied(MODEL, resolved, uri) == cli_fixed(MODEL, "model.py", tmp_path)
    # Once the buffer changed, an action offered for the old text gets no edit.
    replace_all(client, uri, MODEL.replace("x = torch", "x  = torch"), 2)
    stale = await client.code_action_resolve_async(actions[0])
    assert stale.edit is None
    fresh = await _actions(client, uri, _range(6, 8, 8))
    assert (await client.code_action_resolve_async(fresh[0])).edit is not None


async def test_without_versioned_edits_plain_changes_are_sent(
    client: LanguageClient, tmp_path: Path
) -> None:
    await start(client, tmp_path, capabilities(versioned=False))
    uri = open_document(client, tmp_path / "model.py", MODEL)
    fix = (await _actions(client, uri, _range(6, 8, 8)))[0]
    assert fix.edit is not None and fix.edit.document_changes is None
    assert _applied(MODEL, fix, uri) == cli_fixed(MODEL, "model.py", tmp_path)


async def test_hover_shows_the_rule_page(client: LanguageClient, tmp_path: Path) -> None:
    await start(client, tmp_path, capabilities())
    uri = open_document(client, tmp_path / "model.py", MODEL)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=5, character=10),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    page = hover.contents.value
    assert page.startswith("### BRN002: hidden-last-index-one-direction")
    for section in ("What it does", "Why is this bad?", "Example", "Use instead"):
        assert f"**{section}**" in page
    assert "```python" in page and "Proof" not in page
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=2),
        )
    )
    assert nothing is None
