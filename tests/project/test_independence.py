"""The project index stands alone: importing it loads neither torch, nor libcst, nor the
per-file interpreter (which imports it, never the reverse)."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, sys
import birnn_lint.project
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'libcst')
                or m.startswith('birnn_lint.analysis'))
print(json.dumps(loaded))
"""


def test_import_loads_no_torch_libcst_or_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
