"""The first, byte-level pre-selection: which files can use a recurrent layer at all."""

from __future__ import annotations

import re

# A recurrent layer can only be recognised through a name containing one of these,
# reached from an import of torch: files without both cannot produce a check finding.
LAYER_WORD = re.compile(rb"RNN|GRU|LSTM")
TORCH_WORD = re.compile(rb"torch")


def may_contain_findings(data: bytes) -> bool:
    """Cheap, exact pre-selection: False only where no rule can fire."""
    return TORCH_WORD.search(data) is not None and LAYER_WORD.search(data) is not None
