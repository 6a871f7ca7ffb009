"""Functions that only forward their arguments to a class: `def LSTM(input_size,
hidden_size, **kwargs): m = nn.LSTM(input_size, hidden_size, **kwargs); <initialise m>;
return m` (fairseq's helpers, copied into many projects).

A call of such a function builds what the class builds with the same arguments, so the
name resolver reads the function's name as an alias of the class: `LSTM(embed_dim, 512,
num_layers=2, bidirectional=True)` is then a layer with those settings, read at the call.
Only the syntax is read; anything that could change the arguments or what is returned
makes the function an ordinary one.
"""

from __future__ import annotations

import libcst as cst

from birnn_lint.analysis.layers import POSITIONAL, children


def forwarded_class(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The class expression (`nn.LSTM`) a forwarding function calls, else None."""
    params = function.params
    if (
        function.decorators
        or params.posonly_params
        or params.kwonly_params
        or type(params.star_arg) is cst.Param
        or any(p.default is not None for p in params.params)
        or type(function.body) is not cst.IndentedBlock
        or not function.body.body
    ):
        return None
    kwargs = params.star_kwarg.name.value if type(params.star_kwarg) is cst.Param else None
    names = [p.name.value for p in params.params]
    first, *rest = function.body.body
    small = _alone(first)
    if type(small) is cst.Return and small.value is not None and not rest:
        return _forwarding_call(small.value, names, kwargs, function.name.value)
    if not (
        type(small) is cst.Assign
        and len(small.targets) == 1
        and type(small.targets[0].target) is cst.Name
    ):
        return None
    held = small.targets[0].target.value
    if held in names or held == kwargs or not rest or not _returns_only(rest, held):
        return None
    return _forwarding_call(small.value, names, kwargs, function.name.value)


def _forwarding_call(
    value: cst.BaseExpression, names: list[str], kwargs: str | None, own: str
) -> cst.BaseExpression | None:
    """`Class(p1, ..., pk, **kwargs)` of a recurrent class: the parameters in order,
    nothing else, named as the class names its own first k (so that a caller's
    `LSTM(8, 16, 2, bidirectional=True)` means what it would mean to the class)."""
    func = value.func if type(value) is cst.Call else None
    if type(func) is cst.Name and func.value != own:  # not a call of itself
        last = func.value
    elif type(func) is cst.Attribute:
        last = func.attr.value
    else:
        return None
    assert type(value) is cst.Call
    if names != POSITIONAL.get(last, [])[: len(names)]:
        return None
    expected = [(name, "") for name in names] + ([(kwargs, "**")] if kwargs else [])
    given = [
        (arg.value.value, arg.star) if type(arg.value) is cst.Name and arg.keyword is None else None
        for arg in value.args
    ]
    return func if given == expected else None


def _alone(statement: cst.BaseStatement) -> cst.BaseSmallStatement | None:
    """The one small statement a line holds (`x = f()`, `return x`), else None."""
    if type(statement) is cst.SimpleStatementLine and len(statement.body) == 1:
        return statement.body[0]
    return None


def _returns_only(statements: list[cst.BaseStatement], held: str) -> bool:
    """The statements after `held = Class(...)` never rebind `held` nor leave another
    way than their last, `return held`."""
    final = _alone(statements[-1])
    if not (type(final) is cst.Return and type(final.value) is cst.Name):
        return False
    if final.value.value != held:
        return False
    stack: list[cst.CSTNode] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, _OPAQUE_NODES) or (type(node) is cst.Return and node is not final):
            return False  # a nested scope, a generator, another exit: not read
        if held in _bound_names(node) or _changes(node, held):
            return False
        stack.extend(children(node))
    return True


# Nodes after which the function's result is not read from the syntax alone.
_OPAQUE_NODES = (
    cst.FunctionDef,
    cst.ClassDef,
    cst.Lambda,
    cst.Global,
    cst.Nonlocal,
    cst.Yield,
    cst.Await,
)


def _changes(node: cst.CSTNode, held: str) -> bool:
    """`held.batch_first = True`, `held.x[0] = ...`, `del held.x`, `setattr(held, ...)`:
    the object returned is no longer what the class built from the arguments."""
    targets: list[cst.BaseExpression] = []
    if type(node) is cst.Assign:
        targets = [t.target for t in node.targets]
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.Del)):
        targets = [node.target]
    elif type(node) is cst.Call and type(node.func) is cst.Name and node.args:
        if node.func.value in ("setattr", "delattr"):
            targets = [node.args[0].value]
    for target in targets:
        while isinstance(target, (cst.Attribute, cst.Subscript)):
            target = target.value
        if type(target) is cst.Name and target.value == held:
            return True
    return False


def _bound_names(node: cst.CSTNode) -> set[str]:
    """The plain names `node` binds itself (`x = ...`, `for x in`, `x += 1`, `del x`,
    `as x`, `(x := ...)`); attributes and items bind no name."""
    targets: list[cst.BaseExpression] = []
    if type(node) is cst.Assign:
        targets = [t.target for t in node.targets]
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr, cst.CompFor)):
        targets = [node.target]
    elif type(node) is cst.Del:
        targets = [node.target]
    elif type(node) is cst.AsName:
        targets = [node.name]
    names: set[str] = set()
    while targets:
        target = targets.pop()
        if type(target) is cst.Name:
            names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            targets.extend(e.value for e in target.elements)
        elif type(target) is cst.StarredElement:
            targets.append(target.value)
    return names
