"""The first, byte-level pre-selection: which files can use a recurrent layer at all."""

from __future__ import annotations

import re

# A recurrent layer can only be recognised through a name containing one of these...
LAYER_WORDS = (b"RNN", b"GRU", b"LSTM")
# ... reached from torch: a file that writes `torch`, or one whose names may come from a
# star import (`from utils import *` where utils imports torch.nn: the file itself may
# never write `torch`). Without both no check rule can fire.
TORCH_WORD = b"torch"
STAR_IMPORT = re.compile(rb"import\s*\*")


def may_contain_findings(data: bytes) -> bool:
    """Cheap, exact pre-selection: False only where no rule can fire.

    Plain substring tests (`in`) are several times faster than a regular expression's
    alternation; the star-import pattern is searched only in files without `torch`."""
    if TORCH_WORD not in data and STAR_IMPORT.search(data) is None:
        return False
    return any(word in data for word in LAYER_WORDS)
