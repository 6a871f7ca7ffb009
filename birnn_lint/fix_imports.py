"""Helpers for fixes that need `torch` in scope (e.g. to insert `torch.cat(...)`).

A fix must use the name under which the file imported torch (`import torch as t` gives
`t.cat`) and add `import torch` only where the file has no such import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from birnn_lint.findings import Edit, Position

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _imports_at_module_level(module: cst.Module) -> Iterator[cst.Import]:
    """`import ...` statements run at module level: top-level ones and those in the body
    of a top-level `try:` (the usual optional-import pattern)."""
    lines: list[cst.SimpleStatementLine] = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            lines.append(statement)
        elif isinstance(statement, cst.Try):
            lines.extend(s for s in statement.body.body if isinstance(s, cst.SimpleStatementLine))
    for line in lines:
        for small in line.body:
            if isinstance(small, cst.Import):
                yield small


def _bound_torch_name(module: cst.Module) -> str | None:
    """The name bound to the torch package itself, preferring a plain `import torch`."""
    aliases = []
    for statement in _imports_at_module_level(module):
        for alias in statement.names:
            dotted = _dotted(alias.name)
            if alias.asname is None and (dotted == "torch" or dotted.startswith("torch.")):
                return "torch"  # `import torch.nn` binds `torch` as well
            if dotted == "torch" and alias.asname is not None:
                target = alias.asname.name
                if isinstance(target, cst.Name):
                    aliases.append(target.value)
    return aliases[0] if aliases else None


def _is_docstring(statement: _Statement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    return isinstance(small, cst.Expr) and isinstance(
        small.value, (cst.SimpleString, cst.ConcatenatedString)
    )


def _is_future_import(statement: _Statement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and bool(statement.body)
        and isinstance(statement.body[0], cst.ImportFrom)
        and _dotted(statement.body[0].module or cst.Name("")) == "__future__"
    )


def _is_import(statement: _Statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and isinstance(
        statement.body[0] if statement.body else None, (cst.Import, cst.ImportFrom)
    )


def _rows_before(module: cst.Module, count: int) -> int:
    """Line breaks in the header and the first `count` statements: the 0-based row where
    the statement after them (its leading comments included) starts. Only that prefix is
    generated, so this stays cheap on large files, unlike a full position pass."""
    if count == 0:
        return len(module.header)  # one line each (an empty module would render as "\n")
    prefix = module.with_changes(body=module.body[:count], footer=(), has_trailing_newline=True)
    return len(_LINE_BREAK.findall(prefix.code))


def _insert_import(module: cst.Module, name: str = "torch") -> Edit:
    """Where `import torch` goes: before the first other import, else after the module
    docstring and `from __future__` imports, else before the first statement (after
    the shebang, coding cookie and header comments), else at the end."""
    newline = module.default_newline
    line = f"import torch{newline}" if name == "torch" else f"import torch as {name}{newline}"
    body = list(module.body)
    preamble = 0
    if body and _is_docstring(body[0]):
        preamble = 1
    while preamble < len(body) and _is_future_import(body[preamble]):
        preamble += 1

    def at_row(row: int) -> Edit:
        return Edit(line, Position(row, 1), Position(row, 1))

    for index in range(preamble, len(body)):
        if _is_import(body[index]):
            return at_row(_rows_before(module, index) + len(body[index].leading_lines) + 1)
    if preamble:
        if preamble < len(body) or module.footer or module.has_trailing_newline:
            return at_row(_rows_before(module, preamble) + 1)
    elif body:
        return at_row(_rows_before(module, 0) + len(body[0].leading_lines) + 1)
    # Nothing after the insertion point (a file of at most a docstring, `__future__`
    # imports and comments): append, on a line of its own.
    code_lines = _LINE_BREAK.split(module.code)
    rows = len(code_lines)
    last_row = code_lines[-1]
    end = Position(rows, len(last_row) + 1)
    return Edit((newline if last_row else "") + line, end, end)


def torch_name(module: cst.Module) -> tuple[str, Edit | None]:
    """The name to refer to torch by in `module`, and the edit adding `import torch`
    (None when the file already binds torch at module level).

    `import torch` and `import torch.nn` give "torch", `import torch as t` gives "t";
    `from torch import nn` binds no name for torch itself, so it needs the import.
    Positions of the edit are 1-based; its content ends with the file's line break.
    """
    bound = _bound_torch_name(module)
    if bound is not None:
        return bound, None
    return "torch", _insert_import(module)


def torch_name_at(module: cst.Module, enclosing: list[cst.CSTNode]) -> tuple[str, Edit | None]:
    """The name to refer to torch by at a place whose enclosing scopes (functions,
    lambdas, comprehensions, innermost last) are `enclosing`: the module's own name for
    torch unless a local binding hides it there, else a name free in every scope, with
    the edit importing torch under it."""
    bound, edit = torch_name(module)
    hidden: set[str] = set()
    for scope in enclosing:
        hidden |= bindings(scope)
    if bound not in hidden:
        return bound, edit
    taken = hidden | bindings(module)
    for candidate in ("torch", "torch_", "_torch", "torch__"):
        if candidate not in taken:
            return candidate, _insert_import(module, candidate)
    return "torch", None  # unreachable in practice; the fix then does not parse as meant


# The node types `bindings` looks at (exact types: none has a subclass, and isinstance on
# libcst's abstract classes is slow enough to count on every node of a body).
_BINDING_KINDS = frozenset(
    {
        cst.FunctionDef,
        cst.ClassDef,
        cst.AssignTarget,
        cst.AnnAssign,
        cst.AugAssign,
        cst.For,
        cst.NamedExpr,
        cst.CompFor,
        cst.AsName,
        cst.Global,
        cst.Nonlocal,
        cst.ImportAlias,
        cst.MatchAs,
        cst.MatchStar,
    }
)


def bindings(scope: cst.CSTNode) -> set[str]:
    """Names bound in `scope` itself (not in scopes nested in it)."""
    from birnn_lint.analysis.layers import walk

    names: set[str] = set()
    if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
        params = scope.params
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        every += [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        names.update(p.name.value for p in every)
    body = scope.body if isinstance(scope, (cst.FunctionDef, cst.Module)) else scope
    for node in walk(body if isinstance(body, cst.CSTNode) else scope):
        if type(node) not in _BINDING_KINDS:
            continue
        if node is not scope and isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            names.add(node.name.value)
        targets: list[cst.CSTNode] = []
        if isinstance(node, cst.AssignTarget):
            targets.append(node.target)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.For, cst.NamedExpr)):
            targets.append(node.target)
        elif isinstance(node, cst.CompFor) and scope is not node:
            targets.append(node.target)
        elif isinstance(node, cst.AsName):
            targets.append(node.name)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            names.update(n.name.value for n in node.names)
        elif isinstance(node, cst.ImportAlias) and node.asname is None:
            names.add(_dotted(node.name).split(".")[0])
        elif isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            names.add(node.name.value)
        for target in targets:
            names.update(_target_names(target))
    return names


def _target_names(target: cst.CSTNode) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


__all__ = ["bindings", "torch_name", "torch_name_at"]
