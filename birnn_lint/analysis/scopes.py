"""The scopes of a module and how each name is bound in them, from one walk.

Python's rules: a function, lambda, comprehension or class body is a scope; a class body
does not enclose its methods (lookups skip it, see names.py); a name bound anywhere in a
function is local to all of it; `global` and `nonlocal` send a function's bindings to the
scope they name; default values, annotations, decorators, bases and a comprehension's
first iterable belong to the enclosing scope; a walrus in a comprehension binds outside
it. Every binding is kept, whatever branch it is in: the resolver decides what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import libcst as cst

from birnn_lint.analysis.factories import forwarded_class
from birnn_lint.analysis.layers import children


class ScopeKind(Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"
    TYPE_PARAMS = "type parameters"  # `def f[T]()`: the scope holding T


class BindingKind(Enum):
    IMPORT = "import"  # import m / from m import x
    ALIAS = "alias"  # NAME = dotted.name (or `a.b if c else d.e`)
    DECLARATION = "declaration"  # `x: int`, `del x`: local, but no value
    OTHER = "other"  # any value we do not follow: a parameter, a def, `x = f()`, ...


@dataclass(frozen=True)
class ImportedName:
    """What an import binds: `module` (dotted, without the leading dots of a relative
    import), `name` imported from it (None: the module itself), `level` (number of dots)."""

    module: str
    name: str | None = None
    level: int = 0

    @property
    def qualified(self) -> str:
        """ "torch.nn.LSTM"; relative imports keep their dots: ".encoders.Encoder"."""
        return join_names("." * self.level + self.module, self.name or "")


@dataclass(frozen=True, eq=False)
class Binding:
    kind: BindingKind
    node: cst.CSTNode  # the statement, parameter or target that binds
    imported: ImportedName | None = None  # IMPORT
    value: cst.BaseExpression | None = None  # ALIAS: the expression aliased


@dataclass(eq=False)
class Scope:
    kind: ScopeKind
    node: cst.CSTNode
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
# Node types the walk treats specially; every other node only has its children walked.
_SPECIAL: frozenset[type] = frozenset(
    {
        *_COMPREHENSIONS,
        cst.FunctionDef,
        cst.ClassDef,
        cst.Lambda,
        cst.CompFor,
        cst.Import,
        cst.ImportFrom,
        cst.Global,
        cst.Nonlocal,
        cst.Assign,
        cst.AnnAssign,
        cst.AugAssign,
        cst.For,
        cst.WithItem,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.NamedExpr,
        cst.Del,
        cst.MatchAs,
        cst.MatchStar,
        cst.MatchMapping,
        cst.TypeAlias,
    }
)


class ModuleScopes:
    """Every scope of a module, the scope each name node is read in, its star imports."""

    def __init__(self, module: cst.Module) -> None:
        self.module_scope = Scope(ScopeKind.MODULE, module, None)
        self.scopes: list[Scope] = [self.module_scope]
        self.scope_of: dict[cst.Name, Scope] = {}
        self.star_imports: tuple[ImportedName, ...] = ()
        self._walk(module)
        self._settle_declarations()

    def _new_scope(self, kind: ScopeKind, node: cst.CSTNode, parent: Scope) -> Scope:
        scope = Scope(kind, node, parent)
        self.scopes.append(scope)
        return scope

    def _walk(self, module: cst.Module) -> None:
        stack: list[tuple[cst.CSTNode, Scope]] = [(module, self.module_scope)]
        push = stack.append
        while stack:
            node, scope = stack.pop()
            # Dispatch on the exact type: isinstance on libcst's classes (ABCs) is slow.
            kind = type(node)
            if type(node) is cst.Name:
                self.scope_of[node] = scope
            elif type(node) is cst.Attribute:
                push((node.value, scope))  # `.attr` is no name of this module
            elif kind in _SPECIAL:
                self._special(node, scope, stack)
            else:
                # Reversed: statements are then met in source order (star imports' order).
                stack.extend((child, scope) for child in reversed(children(node)))

    def _special(
        self, node: cst.CSTNode, scope: Scope, stack: list[tuple[cst.CSTNode, Scope]]
    ) -> None:
        """A node that opens a scope, imports, declares or binds names."""
        push = stack.append
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self._definition(node, scope, stack)
        elif type(node) is cst.Lambda:
            inner = self._new_scope(ScopeKind.LAMBDA, node, scope)
            self._parameters(node.params, inner, scope, stack)
            push((node.body, inner))
        elif isinstance(node, _COMPREHENSIONS):
            inner = self._new_scope(ScopeKind.COMPREHENSION, node, scope)
            push((node.for_in.iter, scope))  # evaluated where the comprehension is
            self._comp_for(node.for_in, inner, stack, first=True)
            for part in children(node):
                if part is not node.for_in:
                    push((part, inner))
        elif type(node) is cst.CompFor:
            self._comp_for(node, scope, stack, first=False)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            self._import(node, scope)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            names = scope.globals if type(node) is cst.Global else scope.nonlocals
            names.update(item.name.value for item in node.names)
        else:
            self._bindings_of(node, scope)
            stack.extend((child, scope) for child in reversed(children(node)))

    def _definition(
        self,
        node: cst.FunctionDef | cst.ClassDef,
        scope: Scope,
        stack: list[tuple[cst.CSTNode, Scope]],
    ) -> None:
        forwarded = forwarded_class(node) if type(node) is cst.FunctionDef else None
        if forwarded is not None:  # `def LSTM(a, b, **kw): return nn.LSTM(a, b, **kw)`
            scope.bind(node.name.value, Binding(BindingKind.ALIAS, node, value=forwarded))
        else:
            scope.bind(node.name.value, Binding(BindingKind.OTHER, node))
        stack.extend((d.decorator, scope) for d in node.decorators)
        outer = scope
        if node.type_parameters is not None:
            outer = self._new_scope(ScopeKind.TYPE_PARAMS, node, scope)
            for param in node.type_parameters.params:
                self._bind_target(param.param.name, outer, Binding(BindingKind.OTHER, param))
                stack.extend((c, outer) for c in children(param.param) if c is not param.param.name)
        if isinstance(node, cst.ClassDef):
            stack.extend((arg.value, outer) for arg in (*node.bases, *node.keywords))
            stack.append((node.body, self._new_scope(ScopeKind.CLASS, node, outer)))
            return
        if node.returns is not None:
            stack.append((node.returns.annotation, outer))
        inner = self._new_scope(ScopeKind.FUNCTION, node, outer)
        self._parameters(node.params, inner, outer, stack)
        stack.append((node.body, inner))

    def _parameters(
        self,
        params: cst.Parameters,
        inner: Scope,
        outer: Scope,
        stack: list[tuple[cst.CSTNode, Scope]],
    ) -> None:
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for extra in (params.star_arg, params.star_kwarg):
            if type(extra) is cst.Param:
                every.append(extra)
        for param in every:
            self._bind_target(param.name, inner, Binding(BindingKind.OTHER, param))
            if param.annotation is not None:
                stack.append((param.annotation.annotation, outer))
            if param.default is not None:
                stack.append((param.default, outer))

    def _comp_for(
        self,
        node: cst.CompFor,
        scope: Scope,
        stack: list[tuple[cst.CSTNode, Scope]],
        first: bool,
    ) -> None:
        self._bind_target(node.target, scope, Binding(BindingKind.OTHER, node))
        stack.append((node.target, scope))
        if not first:
            stack.append((node.iter, scope))
        stack.extend((c.test, scope) for c in node.ifs)
        if node.inner_for_in is not None:
            stack.append((node.inner_for_in, scope))

    def _import(self, node: cst.Import | cst.ImportFrom, scope: Scope) -> None:
        local: cst.BaseExpression
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = _dotted(alias.name)
                if alias.asname is not None:
                    imported = ImportedName(dotted)
                    local = alias.asname.name
                else:  # `import torch.nn` binds `torch`
                    imported = ImportedName(dotted.split(".", 1)[0])
                    local = alias.name
                    while type(local) is cst.Attribute:
                        local = local.value
                self._bind_target(local, scope, Binding(BindingKind.IMPORT, node, imported))
            return
        module = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if module == "__future__":
            return
        if isinstance(node.names, cst.ImportStar):
            self.star_imports += (ImportedName(module, None, level),)
            return
        for alias in node.names:
            imported = ImportedName(module, _dotted(alias.name), level)
            local = alias.asname.name if alias.asname is not None else alias.name
            self._bind_target(local, scope, Binding(BindingKind.IMPORT, node, imported))

    def _bindings_of(self, node: cst.CSTNode, scope: Scope) -> None:
        """Record the names a statement or expression binds (its parts are walked after)."""
        if type(node) is cst.Assign:
            alias = _aliasable(node.value)
            for target in node.targets:
                named = type(target.target) is cst.Name
                kind = BindingKind.ALIAS if alias and named else BindingKind.OTHER
                self._bind_target(target.target, scope, Binding(kind, node, value=node.value))
        elif type(node) is cst.AnnAssign:
            if node.value is None:
                kind = BindingKind.DECLARATION
            elif _aliasable(node.value) and type(node.target) is cst.Name:
                kind = BindingKind.ALIAS
            else:
                kind = BindingKind.OTHER
            self._bind_target(node.target, scope, Binding(kind, node, value=node.value))
        elif isinstance(node, (cst.AugAssign, cst.For)):
            self._bind_target(node.target, scope, Binding(BindingKind.OTHER, node))
        elif isinstance(node, (cst.WithItem, cst.ExceptHandler, cst.ExceptStarHandler)):
            asname = node.asname if isinstance(node, cst.WithItem) else node.name
            if asname is not None:
                self._bind_target(asname.name, scope, Binding(BindingKind.OTHER, node))
        elif type(node) is cst.NamedExpr:
            while scope.kind is ScopeKind.COMPREHENSION:  # binds outside the comprehension
                assert scope.parent is not None
                scope = scope.parent
            self._bind_target(node.target, scope, Binding(BindingKind.OTHER, node))
        elif type(node) is cst.Del:
            self._bind_target(node.target, scope, Binding(BindingKind.DECLARATION, node))
        elif isinstance(node, (cst.MatchAs, cst.MatchStar)):
            if node.name is not None:
                self._bind_target(node.name, scope, Binding(BindingKind.OTHER, node))
        elif type(node) is cst.MatchMapping:
            if node.rest is not None:
                self._bind_target(node.rest, scope, Binding(BindingKind.OTHER, node))
        elif isinstance(node, cst.TypeAlias):
            self._bind_target(node.name, scope, Binding(BindingKind.OTHER, node))

    def _bind_target(self, target: cst.CSTNode, scope: Scope, binding: Binding) -> None:
        """Bind every name an assignment target holds (`a`, `a, (b, *c)`); attributes and
        subscripts bind no name."""
        pending = [target]
        while pending:
            node = pending.pop()
            if type(node) is cst.Name:
                scope.bind(node.value, binding)
                self.scope_of[node] = scope
            elif isinstance(node, (cst.Tuple, cst.List)):
                pending.extend(e.value for e in node.elements)
            elif type(node) is cst.StarredElement:
                pending.append(node.value)

    def _settle_declarations(self) -> None:
        """Move the bindings of `global` / `nonlocal` names to the scope they live in,
        innermost scopes first (a nonlocal may name another nonlocal)."""
        for scope in reversed(self.scopes):
            for name in scope.globals:
                if scope is not self.module_scope and name in scope.bindings:
                    self.module_scope.bindings.setdefault(name, []).extend(scope.bindings.pop(name))
            for name in scope.nonlocals:
                home = _enclosing_function(scope, name)
                if home is not None and name in scope.bindings:
                    home.bindings.setdefault(name, []).extend(scope.bindings.pop(name))


def _enclosing_function(scope: Scope, name: str) -> Scope | None:
    """The function scope a `nonlocal name` in `scope` refers to."""
    current = scope.parent
    fallback = None
    while current is not None and current.kind is not ScopeKind.MODULE:
        if current.kind in (ScopeKind.FUNCTION, ScopeKind.LAMBDA):
            if name in current.bindings or name in current.nonlocals:
                return current
            fallback = fallback or current
        current = current.parent
    return fallback


def _aliasable(value: cst.BaseExpression) -> bool:
    """A dotted name, or a conditional choosing between such (`nn.GRU if g else nn.LSTM`)."""
    if type(value) is cst.IfExp:
        return _aliasable(value.body) and _aliasable(value.orelse)
    while type(value) is cst.Attribute:
        value = value.value
    return type(value) is cst.Name


def join_names(module: str, name: str) -> str:
    """`module.name`, where `module` may be empty or only dots (relative imports)."""
    if not name or not module.strip("."):
        return module + name
    return f"{module}.{name}"


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a name or an attribute chain (read without generating source), else
    None."""
    parts: list[str] = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _dotted(node: cst.BaseExpression) -> str:
    found = dotted_name(node)
    assert found is not None
    return found
