"""What every part of the interpreter shares: its state on the current path, and the
operations the parts call on each other (declared here, defined by `Interpreter`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint.analysis.context import ROOT, CallContext
from birnn_lint.analysis.env import Env, Status, merge
from birnn_lint.analysis.values import (
    UNKNOWN,
    EitherState,
    Instance,
    ModuleClass,
    Tensor,
    TupleValue,
    Value,
)

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
    klass: cst.ClassDef | None
    # The functions being interpreted, outermost first: a recursive call is not followed.
    stack: tuple[cst.FunctionDef, ...]
    # Environments at `return` / `raise`, and the values returned.
    exits: list[Env]
    return_values: list[Value]
    returned: bool

    def __init__(
        self,
        file: FileState,
        scope_node: cst.CSTNode,
        env: Env,
        context: CallContext = ROOT,
        stack: tuple[cst.FunctionDef, ...] = (),
        klass: cst.ClassDef | None = None,
    ) -> None:
        self.file = file
        # The class of the object the method runs on (a subclass of the method's own
        # class when it is inherited): `self.x` is looked up there.
        self.klass = klass or file.class_of(scope_node)
        self.scope_node = scope_node
        self.env = env
        self.context = context
        self.stack = stack
        self.current_statement = scope_node
        self.receiver = file.receiver(scope_node)
        # The object a method runs on, when its attributes are known (see `Instance`).
        self.instance: Instance | None = None
        # Reached through a call whose arguments are bound (not a body analysed on its
        # own): the layers it builds take the settings its parameters hold.
        self.concrete = False
        self.exits: list[Env] = []
        self.return_values: list[Value] = []
        self.returned = False

    def attributes(self) -> tuple[tuple[str, Value], ...]:
        """The `self.*` values the environment holds, as an object's attributes."""
        return tuple(
            sorted(
                (key[len("self.") :], value)
                for key, value in self.env.values.items()
                if key.startswith("self.") and key.count(".") == 1 and value is not UNKNOWN
            )
        )

    def this(self) -> Instance | None:
        """The object this method runs on, with the attributes it holds now."""
        if self.instance is not None:
            return Instance(self.instance.klass, self.attributes())
        if self.klass is None:
            return None
        return Instance(ModuleClass(self.klass, self.file), self.attributes())

    def run_body(self) -> None:
        node = self.scope_node
        if type(node) is cst.FunctionDef:
            body = node.body
            self.run_block(body.body if type(body) is cst.IndentedBlock else [body])
        elif type(node) is cst.Module:
            self.run_block(node.body)

    def exit_env(self) -> Env:
        """The environment after the body, merged over every way out of it."""
        ends = list(self.exits)
        if not self.returned:
            ends.append(self.env)
        return merge(ends) if ends else self.env

    def escape(self, everything: bool) -> None:
        """At the end of a body: values kept in attributes outlive it (and, at module
        level, every global may be imported): they count as used."""
        for key, value in self.env.values.items():
            if everything or "." in key:
                self.use(value)

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
        elif isinstance(value, EitherState):
            self.use(value.tensor)
            self.use(value.lstm)

    def key(self, node: cst.BaseExpression) -> str | None:
        """The environment key of a name or attribute chain: `x`, `self.rnn` (the
        receiver spelled `self` whatever the method calls it), else None."""
        parts: list[str] = []
        while type(node) is cst.Attribute:
            parts.append(node.attr.value)
            node = node.value
        if type(node) is not cst.Name:
            return None
        root = "self" if parts and node.value == self.receiver else node.value
        return ".".join([root, *reversed(parts)])
