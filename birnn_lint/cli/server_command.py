"""`birnn-lint server`: the language server (LSP over stdio)."""

from __future__ import annotations

import click


@click.command()
def server() -> int:
    """Run the language server (LSP over stdio; needs `birnn-lint[server]`)."""
    from birnn_lint.server import main as serve

    return serve()
