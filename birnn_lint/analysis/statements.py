"""Statements: control flow, and every construct that binds a name.

Each path through a body has its own environment; paths join by merging them. A
construct that binds a name either binds what the analysis knows of the value or makes
the name hold an unknown object, so a rebinding is never missed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from birnn_lint.analysis import budget
from birnn_lint.analysis.env import Env, merge, pending_of
from birnn_lint.analysis.guards import DirectionGuard, Guards
from birnn_lint.analysis.layer_sets import merged_layer
from birnn_lint.analysis.values import (
    UNKNOWN,
    LayerList,
    LayerRef,
    LocalDef,
    ShapeValue,
    SizeValue,
    Tensor,
    TupleTag,
    TupleValue,
    Value,
)

# A loop body is interpreted until its environment stops changing, at most this often.
MAX_LOOP_PASSES = 4


class Statements(Guards):
    def run_block(self, body: object) -> None:
        assert isinstance(body, Sequence)
        for stmt in body:
            if self.returned:
                return  # unreachable after return / raise
            self.statement(stmt)

    def statement(self, stmt: cst.CSTNode) -> None:
        budget.statement()
        self.current_statement = stmt
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                if not self.returned:
                    self.small_statement(small)
        elif type(stmt) is cst.If:
            self.if_statement(stmt)
        elif isinstance(stmt, (cst.For, cst.While)):
            self.loop(stmt)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self.try_statement(stmt)
        elif type(stmt) is cst.With:
            for item in stmt.items:
                self.use(self.expr(item.item))
                if item.asname is not None:
                    self.bind(item.asname.name, UNKNOWN)
            self.run_block(stmt.body.body)
        elif type(stmt) is cst.Match:
            self.match_statement(stmt)
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            if type(self.scope_node) is not cst.Module:  # a nested def rebinds its name
                value: Value = UNKNOWN
                if type(stmt) is cst.FunctionDef and not stmt.decorators:
                    value = LocalDef(self.file.opaque_for(stmt).ident, stmt, self.scope_node)
                self.env.assign(stmt.name.value, value)
        elif type(stmt) is cst.IndentedBlock:
            self.run_block(stmt.body)

    def small_statement(self, small: cst.BaseSmallStatement) -> None:
        if type(small) is cst.Assign:
            value = self.flag_of(small.value, self.expr(small.value))
            for target in small.targets:
                self.bind(target.target, value)
        elif type(small) is cst.AnnAssign:
            if small.value is not None:
                self.bind(small.target, self.expr(small.value))
        elif type(small) is cst.AugAssign:
            self.use(self.expr(small.value))
            self.use(self.expr(small.target))
            self.bind(small.target, UNKNOWN)
        elif type(small) is cst.Expr:
            self.use(self.expr(small.value))
        elif type(small) is cst.Return:
            value = self.expr(small.value) if small.value is not None else UNKNOWN
            self.return_values.append(value)
            self.exit()
        elif type(small) is cst.Raise:
            if small.exc is not None:
                self.use(self.expr(small.exc))
            self.exit()
        elif type(small) is cst.Del:
            for name in _names(small.target):
                self.env.values.pop(name, None)
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            for item in small.names:
                self.env.assign(item.name.value, UNKNOWN)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            names = small.names
            if isinstance(names, Sequence):
                for alias in names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    for name in _names(bound):
                        local = name.split(".")[0]
                        if type(self.scope_node) is cst.Module:
                            # A global import: what it names is looked up where it is
                            # used (a class of another module only if it is called).
                            self.env.values.pop(local, None)
                        else:
                            self.env.assign(local, UNKNOWN)
        elif type(small) is cst.Assert:
            self.use(self.expr(small.test))
            if small.msg is not None:
                self.use(self.expr(small.msg))

    def exit(self) -> None:
        self.exits.append(self.env.copy())
        self.returned = True

    # ------------------------------------------------------------------ branches

    def branch(self, run: object, guard: DirectionGuard | object | None, taken: bool) -> Env:
        """Run `run` (a block, or a callable) on a copy of the current environment under
        the guard's assumption; return its environment, with `self.returned` telling
        whether the path ended."""
        saved = self.env
        self.env = saved.copy()
        self.returned = False
        if guard is not None:
            self.apply_guard(guard, taken)  # type: ignore[arg-type]
        if callable(run):
            run()
        elif run is not None:
            self.run_block(run)
        out = self.env
        self.env = saved
        return out

    def join_paths(self, paths: list[tuple[Env, bool]]) -> None:
        """Continue after branches: with the paths that did not end, merged."""
        live = [env for env, ended in paths if not ended]
        self.env = merge(live) if live else merge([env for env, _ in paths])
        self.returned = not live

    def if_statement(self, stmt: cst.If) -> None:
        self.current_statement = stmt
        self.use(self.expr(stmt.test))
        guard = self.guard(stmt.test)
        then = self.branch(stmt.body.body, guard, True)
        then_ended = self.returned
        orelse = stmt.orelse
        other_run: object
        if type(orelse) is cst.If:
            other_run = lambda: self.if_statement(orelse)  # noqa: E731
        else:
            other_run = orelse.body.body if orelse is not None else None
        other = self.branch(other_run, guard, False)
        self.join_paths([(then, then_ended), (other, self.returned)])

    def loop(self, stmt: cst.For | cst.While) -> None:
        self.current_statement = stmt
        element: Value = self.file.opaque_for(stmt)
        if isinstance(stmt, cst.For):
            iterated = self.expr(stmt.iter)
            if isinstance(iterated, LayerList) and iterated.layers:
                element = LayerRef(merged_layer(list(iterated.layers)))  # each member
            else:
                self.use(iterated)
                if type(stmt.target) is cst.Name:
                    element = self.loop_index(stmt.iter, stmt) or element
        else:
            self.use(self.expr(stmt.test))
        entry = self.env
        for _ in range(MAX_LOOP_PASSES):

            def body() -> None:
                if type(stmt) is cst.For:
                    self.bind(stmt.target, element)
                self.run_block(stmt.body.body)

            self.env = entry
            after = self.branch(body, None, True)
            merged = merge([entry, after])
            if merged.same_as(entry):
                break
            entry = merged
        self.env = entry
        self.returned = False
        if stmt.orelse is not None:
            self.run_block(stmt.orelse.body.body)

    def try_statement(self, stmt: cst.Try | cst.TryStar) -> None:
        before = self.env.copy()

        def body_then_else() -> None:
            self.run_block(stmt.body.body)
            if stmt.orelse is not None and not self.returned:
                self.run_block(stmt.orelse.body.body)

        done = self.branch(body_then_else, None, True)
        paths = [(done, self.returned)]
        # An exception may come from anywhere in the body: a handler starts from what
        # held before it or after it.
        raised = merge([before, done])
        for handler in stmt.handlers:
            self.env = raised

            def run_handler(h: cst.ExceptHandler | cst.ExceptStarHandler = handler) -> None:
                if h.name is not None:
                    self.bind(h.name.name, UNKNOWN)
                self.run_block(h.body.body)

            paths.append((self.branch(run_handler, None, True), self.returned))
        self.join_paths(paths)
        if stmt.finalbody is not None:
            ended = self.returned
            self.returned = False
            self.run_block(stmt.finalbody.body.body)
            self.returned = self.returned or ended

    def match_statement(self, stmt: cst.Match) -> None:
        self.use(self.expr(stmt.subject))
        before = self.env
        paths: list[tuple[Env, bool]] = []
        irrefutable = False
        for case in stmt.cases:
            self.env = before

            def run_case(c: cst.MatchCase = case) -> None:
                for name in _pattern_names(c.pattern):
                    self.env.assign(name, UNKNOWN)
                if c.guard is not None:
                    self.use(self.expr(c.guard))
                self.run_block(c.body.body)

            paths.append((self.branch(run_case, None, True), self.returned))
            irrefutable = irrefutable or (
                type(case.pattern) is cst.MatchAs
                and case.pattern.pattern is None
                and case.guard is None
            )
        self.env = before
        if not irrefutable:
            paths.append((before.copy(), False))
        self.join_paths(paths)

    # ------------------------------------------------------------------ binding

    def bind(self, target: cst.BaseExpression, value: Value) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            self.bind_sequence(target, value)
            return
        key = self.key(target)
        if key is not None and isinstance(target, (cst.Name, cst.Attribute)):
            if type(self.scope_node) is cst.Module and key in self.env.values:
                # A global could be read (imported, inspected) until it is rebound.
                self.env.settle_open(pending_of(self.env.values[key]))
            self.env.assign(key, value)
            if type(target) is cst.Name:
                # `self.x` entries of an object rebound by name are no longer known.
                for stale in [k for k in self.env.values if k.startswith(key + ".")]:
                    del self.env.values[stale]
            return
        if type(target) is cst.Subscript:
            self.use(self.expr(target.value))
        self.use(value)  # stored where the analysis does not follow

    def bind_sequence(self, target: cst.Tuple | cst.List, value: Value) -> None:
        elements = list(target.elements)
        items: list[Value] | None = None
        if isinstance(value, TupleValue) and len(value.items) == len(elements):
            items = list(value.items)
        elif isinstance(value, ShapeValue) and len(value.sizes) == len(elements):
            items = [SizeValue(s) if s is not None else UNKNOWN for s in value.sizes]
        elif isinstance(value, Tensor):
            parts = self.unbind_values(value, 0, len(elements))
            items = list(parts) if parts is not None else None
        if (
            isinstance(value, TupleValue)
            and value.tag is TupleTag.PADDED
            and items
            and isinstance(items[0], Tensor)
            and type(elements[1].value) is cst.Name
        ):
            lengths = self.file.opaque_for(elements[1].value)
            items[1] = lengths
            items[0] = Tensor(
                items[0].layer,
                items[0].role,
                items[0].layout,
                items[0].directions,
                items[0].padded,
                (elements[1].value.value, lengths),
                items[0].pending,
            )
        for i, element in enumerate(elements):
            if type(element) is cst.StarredElement:
                self.bind(element.value, UNKNOWN)
                continue
            self.bind(element.value, items[i] if items else UNKNOWN)
        if items is None:
            self.use(value)


def _names(node: cst.CSTNode) -> Iterator[str]:
    """Names bound or deleted by a target expression."""
    if type(node) is cst.Name:
        yield node.value
    elif type(node) is cst.Attribute:
        parts: list[str] = []
        current: cst.BaseExpression = node
        while type(current) is cst.Attribute:
            parts.append(current.attr.value)
            current = current.value
        if type(current) is cst.Name:
            yield ".".join([current.value, *reversed(parts)])
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from _names(element.value)
    elif type(node) is cst.StarredElement:
        yield from _names(node.value)


def _pattern_names(pattern: cst.MatchPattern) -> Iterator[str]:
    """Names a `case` pattern captures."""
    stack: list[cst.CSTNode] = [pattern]
    while stack:
        node = stack.pop()
        if type(node) is cst.MatchAs and node.name is not None:
            yield node.name.value
        elif type(node) is cst.MatchStar and node.name is not None:
            yield node.name.value
        elif type(node) is cst.MatchMapping and node.rest is not None:
            yield node.rest.value
        stack.extend(node.children)
