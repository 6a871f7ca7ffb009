"""`birnn-lint server` with an engine that fails on any text containing INJECTED_FAILURE:
the server's handling of an internal error is tested on a real failure, in a real
server process (the server itself is not changed)."""

from __future__ import annotations

import sys
from collections.abc import Collection

from birnn_lint import engine
from birnn_lint.findings import Finding

_real = engine.check_source


def _failing(
    source: str, filename: str = "<string>", codes: Collection[str] | None = None
) -> list[Finding]:
    if "INJECTED_FAILURE" in source:
        raise RuntimeError("injected failure")
    return _real(source, filename, codes)


engine.check_source = _failing

if __name__ == "__main__":
    from birnn_lint.server import main

    sys.exit(main())
