"""How much calling an analysis may follow.

Loops run to a fixpoint and every pass may call the file's functions again with new
statuses: in a long training script the calls it follows multiply, and each call site
of a long helper (or closure) is interpreted in its own context. Past this many callee
interpretations, or this many statements interpreted in all, in one file's analysis,
further calls are not followed (their results are unknown, as for a call too deep); the
findings made so far stand.
"""

from __future__ import annotations

MAX_INTERPRETATIONS = 400
# About two seconds of interpretation; torch's biggest files interpret under a tenth.
MAX_STATEMENTS = 200_000

_spent = 0
_statements = 0


def reset() -> None:
    global _spent, _statements
    _spent = 0
    _statements = 0


def statement() -> None:
    """Count one statement interpreted."""
    global _statements
    _statements += 1


def spend() -> bool:
    """Count one callee interpretation; False once the budget is spent."""
    global _spent
    _spent += 1
    return _spent <= MAX_INTERPRETATIONS and _statements <= MAX_STATEMENTS
