"""A pytest-lsp client driving `birnn-lint server` (the installed console script) over
stdio; each test initializes it with the capabilities it needs."""

from __future__ import annotations

import pytest_lsp
from lsp_support import SERVER, accept_registrations, record_publications
from pytest_lsp import LanguageClient


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    lsp_client.registrations = accept_registrations(lsp_client)  # type: ignore[attr-defined]
    lsp_client.published = record_publications(lsp_client)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()
