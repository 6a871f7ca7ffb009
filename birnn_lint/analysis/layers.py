"""Recognising recurrent layer constructors and reading their configuration."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass, field, fields

import libcst as cst

from birnn_lint.analysis.values import LayerInfo, LayerKind, Setting

LAYER_CLASSES = {
    f"{prefix}.{kind}": kind
    for kind in ("RNN", "GRU", "LSTM")
    for prefix in ("torch.nn", "torch.nn.modules.rnn", "torch.nn.modules")
}

_GRU_ARGS = "input_size hidden_size num_layers bias batch_first dropout bidirectional".split()
# Positional order of each constructor's settings (nn.RNN takes `nonlinearity` 4th).
POSITIONAL = _POSITIONAL = {
    "RNN": _GRU_ARGS[:3] + ["nonlinearity"] + _GRU_ARGS[3:],
    "GRU": _GRU_ARGS,
    "LSTM": _GRU_ARGS + ["proj_size"],
}
_DEFAULTS = {"num_layers": 1, "batch_first": False, "bidirectional": False, "proj_size": 0}


def code(node: cst.CSTNode) -> str:
    """The node's source text. Names and attribute chains with no brackets or spaces, by
    far the most asked for (assignment keys), are read from their parts: generating
    source through libcst costs far more."""
    parts: list[str] = []
    part = node
    while type(part) is cst.Attribute and _bare(part) and _bare_dot(part):
        parts.append(part.attr.value)
        part = part.value
    if type(part) is cst.Name and _bare(part):
        parts.append(part.value)
        return ".".join(reversed(parts))
    return _EMPTY_MODULE.code_for_node(node)


_EMPTY_MODULE = cst.Module([])


def _bare(node: cst.Name | cst.Attribute) -> bool:
    return not node.lpar and not node.rpar


def _bare_dot(node: cst.Attribute) -> bool:
    dot = node.dot
    return (
        type(dot.whitespace_before) is cst.SimpleWhitespace
        and not dot.whitespace_before.value
        and type(dot.whitespace_after) is cst.SimpleWhitespace
        and not dot.whitespace_after.value
    )


def literal(node: cst.BaseExpression) -> tuple[bool, object]:
    """(True, value) for int / bool / None literals (and -int)."""
    if type(node) is cst.Integer:
        return True, int(node.value, 0)
    if type(node) is cst.Name and node.value in ("True", "False", "None"):
        return True, {"True": True, "False": False, "None": None}[node.value]
    if (
        type(node) is cst.UnaryOperation
        and type(node.operator) is cst.Minus
        and type(node.expression) is cst.Integer
    ):
        return True, -int(node.expression.value, 0)
    return False, None


@dataclass
class Scope:
    """Where a constructor call sits: its function, class and module, for resolving the
    names its arguments use."""

    module: cst.Module
    function: cst.FunctionDef | None = None
    klass: cst.ClassDef | None = None


# Nodes that hold no code: whitespace, comments, brackets and punctuation.
_SKIP = (
    cst.BaseParenthesizableWhitespace,
    cst.Comma,
    cst.Dot,
    cst.AssignEqual,
    cst.Colon,
    cst.Semicolon,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.EmptyLine,
    cst.TrailingWhitespace,
    cst.Newline,
    cst.Comment,
)
# Per type: whether its values are children worth walking (isinstance on libcst's
# classes, which are ABCs, costs far more than a dictionary look-up).
_WALKED: dict[type, bool] = {}
# Per node type, the fields whose declared type admits a child worth walking: most
# fields of a node are whitespace and brackets, and reading them is most of a walk.
_FIELDS: dict[type, tuple[str, ...]] = {}


def _walked(kind: type) -> bool:
    known = _WALKED.get(kind)
    if known is None:
        known = _WALKED[kind] = issubclass(kind, cst.CSTNode) and not issubclass(kind, _SKIP)
    return known


# Field types that never hold a node.
_LEAVES = (cst.CSTNode, cst.MaybeSentinel, str, bool, int, type(None))


def _admits_child(declared: object) -> bool:
    """Whether a field declared `declared` (a class, or `Sequence[...]`, `Optional`,
    `Union`...) may hold a node worth walking; anything unreadable may."""
    if isinstance(declared, type):
        return _walked(declared) or not issubclass(declared, _LEAVES)
    arguments = typing.get_args(declared)
    if typing.get_origin(declared) is typing.Literal:
        return False
    if not arguments:
        return True
    return any(_admits_child(argument) for argument in arguments)


def _child_fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind) if _admits_child(f.type))
    return names


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A node's children, read from its fields: libcst's own `children` runs a visitor
    and is many times slower. Whitespace, comments and punctuation are left out."""
    out: list[cst.CSTNode] = []
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        value_kind = type(value)
        if value_kind is list or value_kind is tuple:
            out.extend(v for v in value if _walked(type(v)))
        elif _walked(value_kind):
            out.append(value)
    return out


# Exact types (none has a subclass): isinstance on libcst's abstract classes is slow.
_DEFS = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def walk(node: cst.CSTNode, into_defs: bool = False) -> Iterator[cst.CSTNode]:
    """Nodes below `node` in source order, not entering nested defs unless asked."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not into_defs and current is not node and type(current) in _DEFS:
            continue
        stack.extend(reversed(children(current)))


# Assignments per scope node, built once per node: resolving a setting asks for many
# names in the same function or class. Cleared for each file.
_ASSIGNMENTS: dict[int, tuple[cst.CSTNode, dict[str, list[cst.BaseExpression]]]] = {}


def clear_caches() -> None:
    from birnn_lint.analysis import budget, layer_sets, object_settings

    _ASSIGNMENTS.clear()
    layer_sets.clear()
    object_settings.clear()
    budget.reset()


def _index_assignments(node: cst.CSTNode) -> dict[str, list[cst.BaseExpression]]:
    cached = _ASSIGNMENTS.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    index: dict[str, list[cst.BaseExpression]] = {}

    def add(target: cst.CSTNode, value: cst.BaseExpression) -> None:
        index.setdefault(code(target), []).append(value)

    unknowable = cst.Name("__unknowable__")
    for sub in walk(node):
        if type(sub) is cst.Assign:
            for t in sub.targets:
                if isinstance(t.target, (cst.Tuple, cst.List)):
                    for n in walk(t.target):
                        if isinstance(n, (cst.Name, cst.Attribute)):
                            add(n, unknowable)
                else:
                    add(t.target, sub.value)
        elif type(sub) is cst.AnnAssign and sub.value is not None:
            add(sub.target, sub.value)
        elif type(sub) is cst.AugAssign:
            add(sub.target, unknowable)
        elif isinstance(sub, (cst.For, cst.NamedExpr)):
            for n in walk(sub.target):
                if isinstance(n, (cst.Name, cst.Attribute)):
                    add(n, unknowable)
        elif type(sub) is cst.With:
            for item in sub.items:
                if item.asname is not None:
                    for n in walk(item.asname.name):
                        if isinstance(n, (cst.Name, cst.Attribute)):
                            add(n, unknowable)
    _ASSIGNMENTS[id(node)] = (node, index)
    return index


def assignments_in(node: cst.CSTNode, target_code: str) -> list[cst.BaseExpression]:
    """Values assigned to `target_code` (a name or `self.attr`) anywhere in `node`;
    a placeholder name stands for a value that cannot be known (unpacking, loops)."""
    return _index_assignments(node).get(target_code, [])


def _is_name(node: cst.BaseExpression, name: str) -> bool:
    """Whether `node` is the bare name `name` (what `code(node) == name` says, without
    generating code)."""
    return type(node) is cst.Name and not node.lpar and node.value == name


def first_param(function: cst.FunctionDef | None) -> str | None:
    """The name of a function's first parameter (a method's receiver)."""
    if function is None:
        return None
    params = list(function.params.posonly_params) + list(function.params.params)
    return params[0].name.value if params else None


def _params(function: cst.FunctionDef) -> dict[str, cst.Param]:
    p = function.params
    every = list(p.posonly_params) + list(p.params) + list(p.kwonly_params)
    return {param.name.value: param for param in every}


@dataclass
class SettingResolver:
    scope: Scope
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)
    depth: int = 0

    def resolve(self, node: cst.BaseExpression, carriers: frozenset[str] = frozenset()) -> Setting:
        text = code(node)
        carriers = carriers | {text}
        ok, value = literal(node)
        if ok:
            return Setting(value, text, False, carriers)
        if self.depth > 4:
            return Setting(None, text, True, carriers)
        if type(node) is cst.Name:
            return self._name(node.value, text, carriers)
        if (
            type(node) is cst.Attribute
            and type(node.value) is cst.Name
            and node.value.value == first_param(self.scope.function)
            and self.scope.klass is not None
        ):
            return self._self_attr(node.attr.value, text, carriers)
        return Setting(None, text, True, carriers | self._stored_roots(node))

    def _stored_roots(self, node: cst.BaseExpression) -> frozenset[str]:
        """`config.birnn` where the function also does `self.config = config`: then
        `self.config.birnn` carries the same setting."""
        fn = self.scope.function
        root: cst.BaseExpression = node
        while type(root) is cst.Attribute or type(root) is cst.Subscript:
            root = root.value
        if fn is None or type(root) is not cst.Name or root is node:
            return frozenset()
        rest = code(node)[len(root.value) :]
        out: set[str] = set()
        for sub in walk(fn.body):
            if type(sub) is cst.Assign and _is_name(sub.value, root.value):
                out.update(code(t.target) + rest for t in sub.targets)
        return frozenset(out)

    def dict_items(self, node: cst.BaseExpression) -> dict[str, cst.BaseExpression] | None:
        """The keys of a dict splatted into a constructor (`**params`), each with the one
        expression that sets it: a dict literal or `dict(...)` bound once to the name,
        then `params["k"] = v` and `params.update(k=v)` in the same body. A key set more
        than once reads as configurable; None when the dict cannot be read."""
        literal_node = node
        body: cst.CSTNode = self.scope.function.body if self.scope.function else self.scope.module
        if type(node) is cst.Name:
            values = assignments_in(body, node.value)
            if len(values) != 1:
                return None
            literal_node = values[0]
        found = _dict_literal(literal_node)
        if found is None:
            return None
        if type(node) is cst.Name:
            for key, value in _dict_updates(body, node.value):
                found[key] = cst.Name("__set_twice__") if key in found else value
        return found

    def _deeper(self, scope: Scope) -> SettingResolver:
        return SettingResolver(scope, self.classes, self.depth + 1)

    def _name(self, name: str, text: str, carriers: frozenset[str]) -> Setting:
        fn = self.scope.function
        if fn is not None:
            # `self.x = name` in the same function: `self.x` carries the same setting.
            for sub in walk(fn.body):
                if type(sub) is cst.Assign and _is_name(sub.value, name):
                    for t in sub.targets:
                        carriers = carriers | {code(t.target)}
            params = _params(fn)
            values = assignments_in(fn.body, name)
            if name in params and not values:
                default = params[name].default
                dflt = literal(default)[1] if default is not None else None
                return Setting(dflt, text, True, carriers)
            if len(values) == 1 and name not in params:
                inner = self._deeper(self.scope).resolve(values[0], carriers)
                return Setting(inner.value, text, inner.configurable, inner.carriers)
            if values:
                return Setting(None, text, True, carriers)
        module_values = [
            v
            for stmt in self.scope.module.body
            if not isinstance(stmt, (cst.FunctionDef, cst.ClassDef))
            for v in assignments_in(stmt, name)
        ]
        if len(module_values) == 1:
            inner = self._deeper(Scope(self.scope.module)).resolve(module_values[0], carriers)
            return Setting(inner.value, text, inner.configurable, inner.carriers)
        return Setting(None, text, True, carriers)

    def _self_attr(self, attr: str, text: str, carriers: frozenset[str]) -> Setting:
        klass = self.scope.klass
        assert klass is not None
        found: list[tuple[cst.FunctionDef, cst.BaseExpression]] = []
        for stmt in klass.body.body:
            receiver = first_param(stmt) if type(stmt) is cst.FunctionDef else None
            if type(stmt) is cst.FunctionDef and receiver is not None:
                for value in assignments_in(stmt.body, f"{receiver}.{attr}"):
                    found.append((stmt, value))
        if len(found) == 1:
            fn, value = found[0]
            inner = self._deeper(Scope(self.scope.module, fn, klass)).resolve(value, carriers)
            return Setting(inner.value, text, inner.configurable, inner.carriers)
        return Setting(None, text, True, carriers)


def read_config(call: cst.Call, kind: str, resolver: SettingResolver) -> dict[str, Setting] | None:
    """The constructor's settings by name; None when the call cannot be read
    (a `*args` splat before the settings we need)."""
    given: dict[str, cst.BaseExpression] = {}
    star_kwargs = False
    names = _POSITIONAL[kind]
    position = 0
    for arg in call.args:
        if arg.star == "*":
            return None
        if arg.star == "**":
            expanded = resolver.dict_items(arg.value)
            if expanded is None:
                star_kwargs = True
            else:
                given.update(expanded)
            continue
        if arg.keyword is not None:
            given[arg.keyword.value] = arg.value
        else:
            if position < len(names):
                given[names[position]] = arg.value
            position += 1
    settings: dict[str, Setting] = {}
    for key in ("num_layers", "hidden_size", "batch_first", "bidirectional", "proj_size"):
        if key in given:
            settings[key] = resolver.resolve(given[key])
        elif star_kwargs:
            settings[key] = Setting(None, "**kwargs", True, mentioned=False)
        else:
            default = _DEFAULTS.get(key)
            settings[key] = Setting(default, repr(default), False)
    return settings


def make_layer(
    call: cst.Call,
    kinds: frozenset[LayerKind],
    name: str,
    resolver: SettingResolver,
    ident: int,
) -> LayerInfo | None:
    """The layer a constructor call builds; with several kinds (a class chosen at run
    time), the arguments are read in the order GRU and LSTM share."""
    order = next(iter(kinds)).value if len(kinds) == 1 else "GRU"
    settings = read_config(call, order, resolver)
    if settings is None:
        return None
    if kinds != {LayerKind.LSTM}:
        settings["proj_size"] = Setting(0, "0", False)
    return LayerInfo(
        ident=ident,
        kinds=kinds,
        name=name,
        num_layers=settings["num_layers"],
        hidden_size=settings["hidden_size"],
        batch_first=settings["batch_first"],
        bidirectional=settings["bidirectional"],
        proj_size=settings["proj_size"],
        node=call,
    )


def _dict_literal(node: cst.BaseExpression) -> dict[str, cst.BaseExpression] | None:
    """`{"k": v, ...}` or `dict(k=v, ...)` with literal keys."""
    if type(node) is cst.Dict:
        out: dict[str, cst.BaseExpression] = {}
        for element in node.elements:
            if type(element) is not cst.DictElement or not isinstance(
                element.key, cst.SimpleString
            ):
                return None
            key = element.key.evaluated_value
            if not isinstance(key, str):
                return None
            out[key] = element.value
        return out
    if type(node) is cst.Call and type(node.func) is cst.Name and node.func.value == "dict":
        if any(a.keyword is None for a in node.args):
            return None
        return {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    return None


def _dict_updates(body: cst.CSTNode, name: str) -> list[tuple[str, cst.BaseExpression]]:
    """`name["k"] = v` and `name.update(k=v)` / `name.update({"k": v})` in `body`."""
    out: list[tuple[str, cst.BaseExpression]] = []
    for node in walk(body):
        if type(node) is cst.Assign and len(node.targets) == 1:
            target = node.targets[0].target
            if (
                type(target) is cst.Subscript
                and code(target.value) == name
                and len(target.slice) == 1
                and type(target.slice[0].slice) is cst.Index
                and type(target.slice[0].slice.value) is cst.SimpleString
            ):
                key = target.slice[0].slice.value.evaluated_value
                if isinstance(key, str):
                    out.append((key, node.value))
        elif (
            type(node) is cst.Call
            and type(node.func) is cst.Attribute
            and node.func.attr.value == "update"
            and code(node.func.value) == name
        ):
            for arg in node.args:
                if arg.keyword is not None:
                    out.append((arg.keyword.value, arg.value))
                elif not arg.star:
                    out.extend((_dict_literal(arg.value) or {}).items())
    return out
