"""Calls of the project's own functions and methods, interpreted in the caller's context:
call-site sensitive, bounded in depth, memoised per call site and abstract arguments
(and, for a method, the attributes of the object it runs on)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import libcst as cst

from birnn_lint.analysis import budget
from birnn_lint.analysis.env import Status, merge_values, pending_of
from birnn_lint.analysis.layers import literal, walk
from birnn_lint.analysis.statements import Statements
from birnn_lint.analysis.values import UNKNOWN, ConstValue, Instance, LayerRef, SizeValue, Value
from birnn_lint.layout import Size

if TYPE_CHECKING:
    from birnn_lint.analysis.file_state import FileState

# What a call leaves: the value returned, the statuses of held-back findings after it,
# the size aliases it learnt, and (a method) the attributes of `self` at its end.
Summary = tuple[Value, dict[int, Status], dict[str, str], tuple[tuple[str, Value], ...]]

# How deep the analysis follows calls (`main()` -> `train_iters()` -> `train()` ->
# `encoder(x)`).
MAX_CALL_DEPTH = 4


class Functions(Statements):
    def call_function(
        self,
        node: cst.Call,
        callee: cst.FunctionDef,
        method: bool,
        klass: cst.ClassDef | None = None,
        owner: FileState | None = None,
        instance: Instance | None = None,
        on_self: bool = False,
        closure: bool = False,
    ) -> Value:
        """Interpret `callee` with the values this call passes, in this call's context
        (a method: on `instance`, whose attributes are known, when given). `on_self`: a
        method of the object this code runs on (`self.build()`, `super().__init__(...)`):
        what it stores in `self` is seen here afterwards. `closure`: a function defined
        in this body, run with this body's bindings and object."""
        if on_self and instance is None:
            instance = self.this()
        args = [(a, self.flag_of(a.value, self.expr(a.value))) for a in node.args]
        if (
            self.context.depth >= MAX_CALL_DEPTH
            or callee in self.stack
            or not _fits(node, callee, method)
        ):
            for _, value in args:
                self.use(value)
            return UNKNOWN
        self.file.called.add(callee)
        values: list[Value] = [v for _, v in args]
        if instance is not None:
            values.append(instance)
        if closure:
            # Keyed by the bindings it reads and the findings they hold back, not by the
            # call: a closure called at many places with the same values runs once.
            reads = self._reads(callee)
            relevant: set[int] = set()
            for value in values + [v for _, v in reads]:
                relevant |= pending_of(value)
            env = self.env
            # What the path fixed (directions, kinds, input axes) and how the arguments
            # are named also shape the run.
            path = (
                frozenset(env.directions.items()),
                env.kinds,
                frozenset(env.dim_alias.items()),
                tuple(a.keyword.value if a.keyword else a.star for a in node.args),
            )
            extra: tuple[object, ...] = (*reads, path)
            key = self.file.summary_key(None, callee, values, env, extra, relevant)
        else:
            key = self.file.summary_key(node, callee, values, self.env)
        cached = self.file.summaries.get(key) if key is not None else None
        statuses: dict[int, Status]
        if cached is None and not budget.spend():
            for _, passed in args:
                self.use(passed)
            return UNKNOWN
        if cached is not None:
            value, statuses, aliases, stored = cached
        else:
            value, statuses, aliases, stored = self.interpret_callee(
                node,
                callee,
                method,
                args,
                klass or (self.klass if method or closure else None),
                owner,
                self.instance if closure else instance,
                closure,
            )
            if key is not None:
                self.file.summaries[key] = (value, statuses, aliases, stored)
        for ident, status in statuses.items():
            self.env.set_status(ident, status)
        self.env.dim_alias.update(aliases)
        if on_self:
            for name, held in stored:
                self.env.values["self." + name] = held
        return value

    def _reads(self, closure: cst.FunctionDef) -> tuple[tuple[str, Value], ...]:
        """The caller's bindings of the names a closure reads (`self.x`, `st.h` too)."""
        names = _names_read(closure)
        values = self.env.values
        return tuple(
            (key, value)
            for key, value in sorted(values.items(), key=lambda item: item[0])
            if key.split(".", 1)[0] in names
        )

    def interpret_callee(
        self,
        node: cst.Call,
        callee: cst.FunctionDef,
        method: bool,
        args: list[tuple[cst.Arg, Value]],
        klass: cst.ClassDef | None,
        owner: FileState | None = None,
        instance: Instance | None = None,
        closure: bool = False,
    ) -> Summary:
        file = owner or self.file  # another file's facts for a class imported from there
        caller = (
            self.scope_node.name.value
            if type(self.scope_node) is cst.FunctionDef
            else self.file.top_level_name
        )
        context = self.context.enter(node, caller, callee.name.value)
        if closure:  # the body's names, and what its path fixed (directions, kinds)
            env = self.env.copy()
        else:
            env = file.method_env(callee)
            env.pending = dict(self.env.pending)
            env.dim_alias = dict(self.env.dim_alias)
        if instance is not None:
            for name, held in instance.attributes:
                env.values["self." + name] = held
        inner = type(self)(file, callee, env, context, self.stack + (callee,), klass)
        inner.instance = instance
        inner.concrete = True  # its parameters hold what this call passes (or defaults)
        escaped = inner.bind_parameters(callee, args, method)
        for value in escaped:
            self.use(value)
        inner.run_body()
        inner.env = inner.exit_env()
        inner.escape(everything=False)
        exit_env = inner.env
        returned: Value = UNKNOWN
        if inner.return_values:
            returned = inner.return_values[0]
            for other in inner.return_values[1:]:
                returned = merge_values(returned, other)
            if returned is UNKNOWN:
                saved, inner.env = inner.env, exit_env
                for value in inner.return_values:
                    inner.use(value)
                exit_env, inner.env = inner.env, saved
        stored = inner.attributes() if method else ()
        if instance is not None and callee.name.value == "__init__":
            returned = Instance(instance.klass, stored)
        return returned, dict(exit_env.pending), dict(exit_env.dim_alias), stored

    def bind_parameters(
        self, callee: cst.FunctionDef, args: list[tuple[cst.Arg, Value]], method: bool
    ) -> list[Value]:
        """Bind the callee's parameters to the arguments; returns the values that could
        not be matched to a parameter (they escape)."""
        params = callee.params
        positional = list(params.posonly_params) + list(params.params)
        if method and positional:
            positional = positional[1:]
        by_name = {p.name.value: p for p in positional + list(params.kwonly_params)}
        given: dict[str, Value] = {}
        escaped: list[Value] = []
        position = 0
        for arg, value in args:
            if arg.star:
                escaped.append(value)
                position = len(positional)  # what follows a splat cannot be placed
                continue
            if arg.keyword is not None:
                if arg.keyword.value in by_name:
                    given[arg.keyword.value] = value
                else:
                    escaped.append(value)
                continue
            if position < len(positional):
                given[positional[position].name.value] = value
            else:
                escaped.append(value)
            position += 1
        for name, param in by_name.items():
            received = self.file.received_layer(param) if not args else None
            if name in given:
                self.env.assign(name, given[name])
            elif received is not None:
                self.env.assign(name, LayerRef(received))
            elif param.default is not None:
                ok, default = literal(param.default)
                if ok and isinstance(default, int) and not isinstance(default, bool):
                    self.env.assign(name, SizeValue(Size(default), param.default))
                elif ok and (default is None or isinstance(default, (bool, str))):
                    self.env.assign(name, ConstValue(default))
                else:
                    self.env.assign(name, UNKNOWN)
            else:
                self.env.assign(name, UNKNOWN)
        for star in (params.star_arg, params.star_kwarg):
            if type(star) is cst.Param:
                self.env.assign(star.name.value, UNKNOWN)
        return escaped


@functools.lru_cache(maxsize=1024)
def _names_read(function: cst.FunctionDef) -> frozenset[str]:
    """Every name a function's body mentions (a superset of the free names it reads)."""
    return frozenset(n.value for n in walk(function.body, True) if type(n) is cst.Name)


def _fits(node: cst.Call, callee: cst.FunctionDef, method: bool) -> bool:
    """Whether the call can bind to the callee: more positional arguments than it takes
    (and no `*args`) is a TypeError at run time, so the body never runs with them."""
    params = callee.params
    if type(params.star_arg) is cst.Param or any(a.star for a in node.args):
        return True
    static = any(
        type(d.decorator) is cst.Name and d.decorator.value == "staticmethod"
        for d in callee.decorators
    )
    taken = len(params.posonly_params) + len(params.params) - (1 if method and not static else 0)
    given = sum(1 for a in node.args if a.keyword is None)
    return given <= taken
