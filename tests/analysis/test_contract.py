"""The rule contract (issue 9): typed handlers, a rule tested alone, failures contained
per rule, summaries written once, fix availability published as it is, and a package
without import circles or oversized modules."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from birnn_lint import layout as lay
from birnn_lint.analysis import events as ev
from birnn_lint.analysis.contract import CheckRule
from birnn_lint.analysis.values import (
    STATE_H,
    LayerInfo,
    LayerKind,
    Setting,
    Tensor,
)
from birnn_lint.engine import check_source
from birnn_lint.registry import FixSafety, all_rules, check_rules, spec_summary
from birnn_lint.rules.brn002_hidden_last_index_one_direction import (
    HiddenLastIndexOneDirection,
)

PACKAGE = Path(__file__).resolve().parents[2] / "birnn_lint"


def _layer(bidirectional: bool) -> LayerInfo:
    call = cst.parse_expression("nn.GRU(8, 16, 2, bidirectional=True)")
    assert isinstance(call, cst.Call)
    return LayerInfo(
        ident=1,
        kinds=frozenset({LayerKind.GRU}),
        name="rnn",
        num_layers=Setting(2, "2"),
        hidden_size=Setting(16, "16"),
        batch_first=Setting(False, "False"),
        bidirectional=Setting(bidirectional, str(bidirectional)),
        proj_size=Setting(0, "0"),
        node=call,
    )


def _index_event(module: cst.Module, bidirectional: bool) -> ev.IndexEvent:
    statement = module.body[0]
    assert isinstance(statement, cst.SimpleStatementLine)
    expression = statement.body[0]
    assert isinstance(expression, cst.Expr) and isinstance(expression.value, cst.Subscript)
    layer = _layer(bidirectional)
    directions = 2 if bidirectional else 1
    state = lay.state_layout(layer.layers_size, directions, layer.hidden, layer.ident)
    tensor = Tensor(layer, STATE_H, state, directions)
    items: list[object] = [-1]
    return ev.IndexEvent(expression.value, tensor, tuple(items), lay.index(state, items))


def test_a_rule_alone_fed_an_event() -> None:
    module = cst.parse_module("h_n[-1]\n")
    ctx = ev.RuleContext(module)
    HiddenLastIndexOneDirection().on_index(_index_event(module, True), ctx)
    [(report, wait)] = ctx.reports
    assert report.code == "BRN002" and wait == {ev.Wait.JOIN}
    assert report.fix is not None and report.fix.applicability is ev.Applicability.UNSAFE
    assert report.fix.replacements[0][1] == "torch.cat((h_n[-2], h_n[-1]), dim=-1)"


def test_a_rule_alone_stays_silent_on_a_unidirectional_state() -> None:
    module = cst.parse_module("h_n[-1]\n")
    ctx = ev.RuleContext(module)
    HiddenLastIndexOneDirection().on_index(_index_event(module, False), ctx)
    assert ctx.reports == []


def test_rules_declare_the_events_they_handle() -> None:
    for rule in check_rules():
        assert issubclass(rule, CheckRule)
        assert rule.handled_events(), f"{rule.code} handles no event"
    assert HiddenLastIndexOneDirection.handled_events() == (ev.IndexEvent,)


BROKEN = """
import torch, torch.nn as nn
rnn = nn.GRU(8, 16, 3, bidirectional=True)

def f(x):
    out, h = rnn(x)
    a = h[-1]
    b = h.view(2, 3, x.size(1), 16)
    return a, b
"""


def test_a_rule_that_raises_costs_only_its_own_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: CheckRule, event: ev.IndexEvent, ctx: ev.RuleContext) -> None:
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(HiddenLastIndexOneDirection, "on_index", boom)
    found = check_source(textwrap.dedent(BROKEN), "broken.py")
    codes = [(f.code, f.location.row) for f in found]
    assert ("BRN902", 7) in codes  # named at the line where the rule failed
    [internal] = [f for f in found if f.code == "BRN902"]
    assert "BRN002" in internal.message and "ZeroDivisionError" in internal.message
    assert ("BRN001", 8) in codes  # the other rules' findings are kept


def test_every_summary_is_written_once_on_the_rule_page() -> None:
    for rule in all_rules():
        assert rule.summary == spec_summary(rule.code), rule.code
    for module in (PACKAGE / "rules").glob("brn*.py"):
        assert not re.search(r"^\s+summary\s*=", module.read_text(), re.M), module.name


def test_fix_safety_is_published_as_it_is() -> None:
    rules = {r.code: r for r in check_rules()}
    assert rules["BRN004"].fix_safety is FixSafety.SAFE_OR_UNSAFE
    done = subprocess.run(
        [sys.executable, "-m", "birnn_lint.cli", "rule", "--all", "--output-format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    published = {r["code"]: r for r in json.loads(done.stdout)}
    assert published["BRN004"]["fix"] == "safe or unsafe"
    assert published["BRN002"]["fix_availability"] == "always"
    assert published["BRN005"]["fix_availability"] == "sometimes"


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    typing_only: set[str] = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in ast.walk(node):  # imports for type checking only: no cycle at run time
                if isinstance(sub, ast.ImportFrom) and sub.module:
                    typing_only.add(sub.module)
    return {f for f in found - typing_only if f.startswith("birnn_lint")}


def test_no_import_circles() -> None:
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {
        name: {m for m in _imports(p, name) if m in modules and m != name}
        for name, p in modules.items()
    }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, " -> ".join(visiting[visiting.index(name) :] + [name])
        visiting.append(name)
        for nxt in sorted(graph[name]):
            if nxt != name.rsplit(".", 1)[0]:  # a module importing its own package
                visit(nxt)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_modules_are_small_enough_to_read_in_one_sitting(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= 520, f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
