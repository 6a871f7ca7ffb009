"""Parse one file with libcst, interpret its bodies, and turn reports into findings.

Names are resolved by our own resolver (needed to recognise layers) for every parsed
file; libcst's position metadata is computed only for files that have something to report.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from birnn_lint.analysis import events as ev
from birnn_lint.analysis.env import Env
from birnn_lint.analysis.file_state import FileState
from birnn_lint.analysis.interpreter import Interpreter
from birnn_lint.analysis.layers import clear_caches
from birnn_lint.analysis.names import Resolver
from birnn_lint.engine import (
    cpython_syntax_error,
    internal_error_finding,
    syntax_error_finding,
)
from birnn_lint.findings import Edit, Finding, Fix, Position
from birnn_lint.registry import check_rules

_ONE_LINE = re.compile(r"\s*[\r\n]\s*")


def parse_failure(source: str, filename: str) -> list[Finding]:
    """The BRN900 finding for a file libcst cannot parse: CPython's message and position
    where CPython rejects it too (they read better), else libcst's."""
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        ours = cpython_syntax_error(source, filename)
        if ours is not None:
            return [ours]
        return [
            syntax_error_finding(
                filename, f"syntax error: {error.message}", error.raw_line, error.raw_column + 1
            )
        ]
    except RecursionError:
        return [syntax_error_finding(filename, "cannot parse: the code is nested too deeply")]
    except Exception as error:  # noqa: BLE001 - e.g. null bytes
        return [syntax_error_finding(filename, f"cannot parse: {error}")]
    return []


def analyze(source: str, filename: str, codes: Collection[str] | None) -> list[Finding]:
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return parse_failure(source, filename)
    clear_caches()
    rules = [r() for r in check_rules() if codes is None or r.code in codes]
    if not rules:
        return []
    names = Resolver(module)
    context = ev.RuleContext(module)
    reports: list[ev.Report] = []
    errors: list[Finding] = []
    state = FileState(module, names, rules, context)
    state.findings = reports
    for scope_node, env in _bodies(state):
        try:
            interp = Interpreter(state, scope_node, env)
            body = (
                scope_node.body.body if isinstance(scope_node, cst.FunctionDef) else scope_node.body
            )
            interp.run_block(body)  # type: ignore[arg-type]
            state.settle(interp.pendings)
        except RecursionError:
            errors.append(
                syntax_error_finding(filename, "cannot analyze: the code is nested too deeply")
            )
        except Exception as error:  # noqa: BLE001 - one body's crash must not stop the run
            where = scope_node.name.value if isinstance(scope_node, cst.FunctionDef) else "<module>"
            errors.append(internal_error_finding(filename, f"the analysis of {where}", error))
    if not reports:
        return errors
    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except RecursionError:
        return [syntax_error_finding(filename, "cannot analyze: the code is nested too deeply")]
    return errors + _findings(reports, positions, filename, context.torch_import)


def _bodies(state: FileState):
    """The module's top level, then every function, each with the layers it can see."""
    yield state.module, Env()
    for function in state.functions():
        yield function, state.method_env(function)


def _position(positions, node: cst.CSTNode) -> tuple[Position, Position]:
    rng = positions[node]
    return (
        Position(rng.start.line, rng.start.column + 1),
        Position(rng.end.line, rng.end.column + 1),
    )


def _findings(
    reports: list[ev.Report], positions, filename: str, import_edit: Edit | None
) -> list[Finding]:
    from birnn_lint.registry import rule_by_code

    seen: set[tuple[str, int]] = set()
    out: list[Finding] = []
    for report in reports:
        key = (report.code, id(report.node))
        if key in seen:
            continue
        seen.add(key)
        start, end = _position(positions, report.node)
        fix = None
        if report.fix is not None:
            edits = [
                Edit(content, *_position(positions, node))
                for node, content in report.fix.replacements
            ]
            if report.fix.needs_torch and import_edit is not None:
                edits.insert(0, import_edit)
            fix = Fix(report.fix.applicability, report.fix.message, tuple(edits))  # type: ignore[arg-type]
        rule = rule_by_code(report.code)
        statement = None
        if report.statement is not None and not isinstance(report.statement, cst.Module):
            statement = _position(positions, report.statement)
        out.append(
            Finding(
                code=report.code,
                name=rule.name if rule else report.name,
                # Quoted code may span lines: a message is one line.
                message=_ONE_LINE.sub(" ", report.message),
                filename=filename,
                location=start,
                end_location=end,
                fix=fix,
                statement=statement,
            )
        )
    return out
