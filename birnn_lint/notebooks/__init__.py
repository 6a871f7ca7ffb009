"""Jupyter notebooks (`.ipynb`): their code cells checked as one module, in cell order.

- `json_spans`: where each cell's `source` lies in the JSON text (to keep every other
  byte when a cell is rewritten, and to point into the file);
- `magics`: IPython syntax masked so that the rest of a cell parses;
- `cells`: the notebook read and validated, its code cells joined into one module, and
  positions in that module mapped back to (cell, row, column);
- `write`: changed cells' sources written back into the JSON text;
- `check`: checking, fixing, `--add-noqa` and `--diff` for a notebook's text.

The JSON is read and written with the standard library: `nbformat` would re-serialise
the whole file (and is a heavy dependency); this package rewrites only the changed
cells' `source` values and keeps the rest of the text as it was.
"""

from __future__ import annotations

from pathlib import PurePath

NOTEBOOK_SUFFIX = ".ipynb"


def is_notebook(path: str | PurePath) -> bool:
    return str(path).lower().endswith(NOTEBOOK_SUFFIX)


__all__ = ["NOTEBOOK_SUFFIX", "is_notebook"]
