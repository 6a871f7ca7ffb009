"""How much calling an analysis may follow.

Loops run to a fixpoint and every pass may call the file's functions again with new
statuses: in a long training script the calls it follows multiply. Past this many
callee interpretations in one file's analysis, further calls are not followed (their
results are unknown, as for a call too deep); the findings made so far stand.
"""

from __future__ import annotations

MAX_INTERPRETATIONS = 400

_spent = 0


def reset() -> None:
    global _spent
    _spent = 0


def spend() -> bool:
    """Count one callee interpretation; False once the budget is spent."""
    global _spent
    _spent += 1
    return _spent <= MAX_INTERPRETATIONS
