"""The first, byte-level pre-selection: which files can use a recurrent layer at all."""

from __future__ import annotations

# A recurrent layer can only be recognised through a name containing one of these,
# reached from an import of torch: files without both cannot produce a check finding.
LAYER_WORDS = (b"RNN", b"GRU", b"LSTM")
TORCH_WORD = b"torch"


def may_contain_findings(data: bytes) -> bool:
    """Cheap, exact pre-selection: False only where no rule can fire. Plain substring
    tests (`in`), several times faster than a regular expression over every byte of a
    tree."""
    return TORCH_WORD in data and any(word in data for word in LAYER_WORDS)
