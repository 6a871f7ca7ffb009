"""Which other files of the project a file's findings depend on.

The analysis follows a model imported from another module into that module's file; the
findings of the importing file then change when that file changes, though its own text
does not. The places that read another file for the analysis note it here, and the
result cache keeps the list with the findings (see `birnn_lint.cache`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_recording: list[set[Path]] = []


def note(path: Path) -> None:
    """`path` was read to decide the findings of the file being checked."""
    if _recording:
        _recording[-1].add(path.resolve())


@contextmanager
def recording() -> Iterator[set[Path]]:
    """Collect the files noted while the block runs."""
    found: set[Path] = set()
    _recording.append(found)
    try:
        yield found
    finally:
        _recording.pop()
