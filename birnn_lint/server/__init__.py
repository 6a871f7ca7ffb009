"""`birnn-lint server`: a Language Server Protocol server over stdio.

Its dependencies (pygls, lsprotocol) are the optional extra `birnn-lint[server]`:
nothing here is imported by `check`, and importing this package costs nothing until
`main` runs.
"""

from __future__ import annotations

import sys

INSTALL_HINT = "the language server needs the `server` extra: pip install 'birnn-lint[server]'"


def main() -> int:
    """Serve over stdin/stdout until the client says exit."""
    try:
        from birnn_lint.server.app import serve
    except ImportError as error:
        print(f"birnn-lint: error: {INSTALL_HINT} ({error})", file=sys.stderr)
        return 2
    return serve()
