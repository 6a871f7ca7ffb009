"""Runtime proofs run real torch modules: one thread keeps them fast and repeatable on
small sizes, and torch's warning about a missing numpy is noise here."""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402

torch.set_num_threads(1)
