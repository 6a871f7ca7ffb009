"""What every part of the interpreter shares: its state on the current path, and the
operations the parts call on each other (declared here, defined by `Interpreter`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint.analysis.context import CallContext
from birnn_lint.analysis.env import Env, Status
from birnn_lint.analysis.values import Tensor, TupleValue, Value

if TYPE_CHECKING:
    from birnn_lint.analysis.file_state import FileState


class InterpreterBase:
    """The state of one interpretation of one body."""

    file: FileState
    env: Env
    scope_node: cst.CSTNode
    context: CallContext
    # The statement being interpreted: a finding's fix edits must stay inside it.
    current_statement: cst.CSTNode
    # The name of the method's first parameter (`self`, `this`), if a method.
    receiver: str | None

    def expr(self, node: cst.BaseExpression) -> Value:
        raise NotImplementedError

    def bind(self, target: cst.BaseExpression, value: Value) -> None:
        raise NotImplementedError

    def run_block(self, body: object) -> None:
        raise NotImplementedError

    def use(self, value: Value) -> None:
        """`value` flows somewhere the model does not follow: held-back findings on it
        are confirmed."""
        if isinstance(value, Tensor):
            for ident in value.pending:
                self.env.set_status(ident, Status.USED)
        elif isinstance(value, TupleValue):
            for item in value.items:
                self.use(item)

    def key(self, node: cst.BaseExpression) -> str | None:
        """The environment key of a name or attribute chain: `x`, `self.rnn` (the
        receiver spelled `self` whatever the method calls it), else None."""
        parts: list[str] = []
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        root = "self" if parts and node.value == self.receiver else node.value
        return ".".join([root, *reversed(parts)])
