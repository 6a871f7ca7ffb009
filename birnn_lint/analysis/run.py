"""Parse one file with libcst, interpret its bodies, and turn reports into findings.

Names are resolved by our own resolver (needed to recognise layers) for every parsed
file; libcst's position metadata is computed only for files that have something to report.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from birnn_lint.analysis import events as ev
from birnn_lint.analysis.callers import analyse_importers, uses_what_it_receives
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.env import Env, Status, pending_of
from birnn_lint.analysis.file_state import FileState
from birnn_lint.analysis.interpreter import Interpreter
from birnn_lint.analysis.layers import clear_caches
from birnn_lint.analysis.names import Resolver
from birnn_lint.analysis.project_stars import ProjectStars
from birnn_lint.analysis.values import EitherState, Instance, LayerList, LayerRef, Value
from birnn_lint.diagnostics import (
    cpython_syntax_error,
    internal_error_finding,
    syntax_error_finding,
)
from birnn_lint.findings import Edit, Finding, Fix, Position
from birnn_lint.messages import one_line_message
from birnn_lint.project import ProjectIndex, dependencies
from birnn_lint.registry import check_rules

Positions = Mapping[cst.CSTNode, CodeRange]


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


def analyze(
    source: str,
    filename: str,
    codes: Collection[str] | None,
    path: Path | None = None,
    code: str | None = None,
) -> list[Finding]:
    """Findings for `source`; `code`, when given, is the text parsed in its place: the
    same lines, with those the analysis cannot need blanked (`relevant_code`)."""
    try:
        module = _parse(source if code is None else code)
    except (cst.ParserSyntaxError, RecursionError):
        return parse_failure(source, filename)
    clear_caches()
    rules = [
        r()
        for r in check_rules()
        if issubclass(r, CheckRule) and (codes is None or r.code in codes)
    ]
    if not rules:
        return []
    context = ev.RuleContext(module, defer_torch=True)
    errors: list[Finding] = []
    if path is None and filename not in ("-", "<string>"):
        path = Path(filename)
    # Star imports of the project's modules are followed into them (a file alone: none).
    names = Resolver(module, ProjectStars(path, source) if path is not None else None)
    load = _loader(rules)
    state = FileState(module, names, rules, context, path, load, source)
    returned: list[tuple[cst.CSTNode, Env, set[int]]] = []
    roots: list[tuple[cst.CSTNode, cst.ClassDef | None]] = [(module, None)]
    roots += [(function, state.class_of(function)) for function in state.functions()]
    roots += state.inherited_methods()
    for scope_node, klass in roots:
        try:
            returned.append(_analyze_root(state, scope_node, klass))
        except RecursionError:
            errors.append(
                syntax_error_finding(filename, "cannot analyze: the code is nested too deeply")
            )
        except Exception as error:  # noqa: BLE001 - one body's crash must not stop the run
            where = scope_node.name.value if type(scope_node) is cst.FunctionDef else "<module>"
            errors.append(internal_error_finding(filename, f"the analysis of {where}", error))
    for method, instance in _instance_methods(state, state.globals.values()):
        try:
            returned.append(_analyze_root(state, method, instance.klass.node, instance))
        except RecursionError:
            errors.append(
                syntax_error_finding(filename, "cannot analyze: the code is nested too deeply")
            )
        except Exception as error:  # noqa: BLE001 - one body's crash must not stop the run
            errors.append(
                internal_error_finding(filename, f"the analysis of {method.name.value}", error)
            )
    if path is not None and uses_what_it_receives(state):
        for importer, problem in _from_importers(state, path, rules, load):
            where = f"the analysis of {importer.name}"
            errors.append(internal_error_finding(filename, where, problem))
    for body, env, idents in returned:
        if body not in state.called:  # returned to callers outside the file: used
            for ident in idents:
                env.set_status(ident, Status.USED)
            state.settle(env, keep=set(env.pending) - idents)
    reports = state.merged()
    if not reports and not state.failures:
        return errors
    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except RecursionError:
        return [syntax_error_finding(filename, "cannot analyze: the code is nested too deeply")]
    for failure in state.failures:
        row = positions[failure.line_node].start.line
        what = f"rule {failure.code} at line {row} (the rule is off for the rest of the file)"
        finding = internal_error_finding(filename, what, failure.error)
        errors.append(replace(finding, location=Position(row, 1), end_location=Position(row, 1)))
    return errors + _findings(reports, positions, filename)


# Modules parsed in this process, by text, most recent last: a file of a project is parsed
# once, whether it is checked or read for the classes another file imports from it.
# Bounded by their text's size (a libcst tree takes about 100 bytes per character).
_PARSED: OrderedDict[str, cst.Module] = OrderedDict()
_PARSED_CHARS = 256 * 1024
_PARSED_FILE_CHARS = 32 * 1024


def _parse(text: str) -> cst.Module:
    module = _PARSED.get(text)
    if module is not None:
        _PARSED.move_to_end(text)
        return module
    module = cst.parse_module(text)
    if len(text) <= _PARSED_FILE_CHARS:
        _PARSED[text] = module
        kept = sum(map(len, _PARSED))
        while kept > _PARSED_CHARS:
            kept -= len(_PARSED.popitem(last=False)[0])
    return module


# The facts of other files of a project, by path and text: read only when a class
# imported from there is used (their own findings are theirs, never reported here).
_OTHER_FILES: dict[tuple[Path, int], FileState | None] = {}


def _loader(rules: list[CheckRule]) -> Callable[[Path], FileState | None]:
    def load(path: Path) -> FileState | None:
        dependencies.note(path)
        text = ProjectIndex.for_file(path).source(path)
        if text is None:
            return None
        key = (path, hash(text))
        if key not in _OTHER_FILES:
            _OTHER_FILES[key] = None  # while it is built: an import cycle stops here
            try:
                module = _parse(text)
            except (cst.ParserSyntaxError, RecursionError, ValueError):
                return None
            context = ev.RuleContext(module, defer_torch=True)
            names = Resolver(module, ProjectStars(path))
            _OTHER_FILES[key] = FileState(
                module, names, rules, context, path, load, text, buffer=False, eager=False
            )
        return _OTHER_FILES[key]

    return load


def _from_importers(
    state: FileState, path: Path, rules: list[CheckRule], load: Callable[[Path], FileState | None]
) -> list[tuple[Path, BaseException]]:
    """This file's code as the project's other files use it (see `callers`): each
    importer is read afresh, with this file's facts standing for this file."""
    own = path.resolve()

    def load_here(other: Path) -> FileState | None:
        return state if other.resolve() == own else load(other)

    def importer_state(other: Path) -> FileState | None:
        dependencies.note(other)
        text = ProjectIndex.for_file(other).source(other)
        if text is None:
            return None
        try:
            module = _parse(text)
        except (cst.ParserSyntaxError, RecursionError, ValueError):
            return None
        names = Resolver(module, ProjectStars(other))
        context = ev.RuleContext(module, defer_torch=True)
        found = FileState(
            module, names, rules, context, other, load_here, text, buffer=False, eager=False
        )
        found.top_level_name = other.name  # "called from `main` from `train.py`"
        return found

    def top_level(other: FileState) -> Env:
        env = _analyze_root(other, other.module, None)[1]
        # Objects of this file's classes the importer builds with layers handed in
        # (`searcher = GreedySearchDecoder(encoder, decoder)` in `cb.py`): their methods
        # run on them, called or not.
        for method, instance in _instance_methods(state, other.globals.values()):
            _, method_env, idents = _analyze_root(state, method, instance.klass.node, instance)
            for ident in idents:
                method_env.set_status(ident, Status.USED)
            state.settle(method_env)
        return env

    return analyse_importers(state, path, importer_state, top_level)


def _instance_methods(
    state: FileState, values: Iterable[Value]
) -> list[tuple[cst.FunctionDef, Instance]]:
    """The methods of `state`'s classes on the objects among `values` (a top level's
    globals) built with layers or modules passed in (`searcher =
    GreedySearchDecoder(encoder, decoder)`): analysed on those objects too, whether or
    not the file calls them."""
    out: list[tuple[cst.FunctionDef, Instance]] = []
    seen: set[Instance] = set()
    for value in values:
        if (
            not isinstance(value, Instance)
            or value in seen
            or value.klass.file is not state
            or not any(isinstance(v, _HELD) for _, v in value.attributes)
        ):
            continue
        seen.add(value)
        for stmt in value.klass.node.body.body:
            if type(stmt) is cst.FunctionDef and stmt.name.value != "__init__":
                out.append((stmt, value))
    return out


_HELD = (Instance, LayerRef, LayerList, EitherState)


def _analyze_root(
    state: FileState,
    scope_node: cst.CSTNode,
    klass: cst.ClassDef | None,
    instance: Instance | None = None,
) -> tuple[cst.CSTNode, Env, set[int]]:
    """Interpret a body on its own (parameters unknown; a method on `instance` when
    given); settle what it holds back, except what leaves through its return value: the
    callers in the file decide that."""
    env = state.method_env(scope_node) if type(scope_node) is cst.FunctionDef else Env()
    if instance is not None:
        for name, held in instance.attributes:
            env.values["self." + name] = held
    interp = Interpreter(state, scope_node, env, klass=klass)
    interp.instance = instance
    if type(scope_node) is cst.Module:
        state.top_level = lambda: interp.env.values
    if type(scope_node) is cst.FunctionDef:
        interp.bind_parameters(scope_node, [], method=interp.receiver is not None)
    interp.run_body()
    interp.env = interp.exit_env()
    if type(scope_node) is cst.Module:
        state.globals = dict(interp.env.values)
        state.top_level = None
    interp.escape(everything=type(scope_node) is cst.Module)
    idents: set[int] = set()
    for value in interp.return_values:
        idents |= pending_of(value)
    state.settle(interp.env, keep=idents)
    return scope_node, interp.env, idents


def _position(positions: Positions, node: cst.CSTNode) -> tuple[Position, Position]:
    rng = positions[node]
    return (
        Position(rng.start.line, rng.start.column + 1),
        Position(rng.end.line, rng.end.column + 1),
    )


def _findings(reports: list[ev.Report], positions: Positions, filename: str) -> list[Finding]:
    from birnn_lint.registry import rule_by_code

    out: list[Finding] = []
    for report in reports:
        start, end = _position(positions, report.node)
        fix = None
        if report.fix is not None:
            edits = [
                Edit(content, *_position(positions, node))
                for node, content in report.fix.replacements
            ]
            if report.fix.torch_import is not None:
                edits.insert(0, report.fix.torch_import)
            fix = Fix(report.fix.applicability.value, report.fix.message, tuple(edits))
        rule = rule_by_code(report.code)
        statement = None
        if report.statement is not None and type(report.statement) is not cst.Module:
            statement = _position(positions, report.statement)
        out.append(
            Finding(
                code=report.code,
                name=rule.name if rule else report.name,
                message=one_line_message(report.message),
                filename=filename,
                location=start,
                end_location=end,
                fix=fix,
                statement=statement,
            )
        )
    return out
