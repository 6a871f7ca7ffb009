"""Call contexts: how the analysis reached a body."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


@dataclass(frozen=True)
class CallContext:
    """The chain of calls that brought the analysis into a body: empty for a body analysed
    on its own (a root), else the call nodes from the root's body inwards."""

    calls: tuple[cst.Call, ...] = ()
    # The functions those calls went from and to, for messages: ("forward", "_pool").
    names: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.calls)

    def enter(self, call: cst.Call, caller: str, callee: str) -> CallContext:
        names = self.names or (caller,)
        return CallContext(self.calls + (call,), names + (callee,))

    def describe(self) -> str:
        """`in `_pool`, called from `forward``"""
        if not self.calls:
            return ""
        *callers, callee = self.names
        return f"in `{callee}`, called from `{'` from `'.join(reversed(callers))}`"


ROOT = CallContext()
