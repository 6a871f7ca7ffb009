"""fix_source: passes, overlaps, dropped fixes and idempotence."""

from __future__ import annotations

import re

import libcst
from fixer_support import BRN002_SNIPPET, Keep, marker_rule, position_of

from birnn_lint.findings import Edit, Finding, Position
from birnn_lint.fix_imports import torch_name
from birnn_lint.fixing import FixOutcome, fix_source


def both(*hooks: Keep) -> Keep:
    def keep(findings: list[Finding], source: str) -> list[Finding]:
        for hook in hooks:
            findings = hook(findings, source)
        return findings

    return keep


def assert_idempotent(outcome: FixOutcome, **options) -> None:
    again = fix_source(outcome.source, "m.py", **options)
    assert again.source == outcome.source
    assert again.fixed == []


# --- the real rule (passes once the rules land) ---------------------------------------


def brn002(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "BRN002"]


def test_brn002_unsafe_fix_needs_unsafe() -> None:
    outcome = fix_source(BRN002_SNIPPET, "m.py", unsafe=False)
    assert outcome.source == BRN002_SNIPPET
    assert outcome.fixed == []
    [finding] = brn002(outcome.remaining)
    assert (finding.location.row, finding.location.column) == (6, 8)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


def test_brn002_fixed_with_unsafe() -> None:
    outcome = fix_source(BRN002_SNIPPET, "m.py", unsafe=True)
    [fixed] = outcome.fixed
    assert (fixed.code, fixed.location, fixed.filename) == ("BRN002", Position(6, 8), "m.py")
    assert brn002(outcome.remaining) == []
    assert outcome.messages == []
    libcst.parse_module(outcome.source)
    # Only the flagged line changes; torch is already imported.
    old, new = BRN002_SNIPPET.splitlines(), outcome.source.splitlines()
    assert new[:5] == old[:5] and len(new) == len(old)
    assert new[5].startswith("last = ") and new[5] != old[5]
    assert_idempotent(outcome, unsafe=True)


def test_brn002_suppressed_by_keep_is_not_fixed() -> None:
    def drop_brn002(findings: list[Finding], source: str) -> list[Finding]:
        return [f for f in findings if f.code != "BRN002"]

    outcome = fix_source(BRN002_SNIPPET, "m.py", unsafe=True, keep=drop_brn002)
    assert (outcome.source, outcome.fixed) == (BRN002_SNIPPET, [])


def test_brn002_not_selected_by_codes_is_not_fixed() -> None:
    outcome = fix_source(BRN002_SNIPPET, "m.py", unsafe=True, codes=frozenset({"BRN001"}))
    assert (outcome.source, outcome.fixed) == (BRN002_SNIPPET, [])


IMPORT_NEEDED = (
    '"""Model."""\n'
    "from __future__ import annotations\n"
    "\n"
    "from torch import nn\n"
    "\n"
    "rnn = nn.GRU(8, 16, num_layers=2, bidirectional=True)\n"
    "\n"
    "\n"
    "def encode(x):\n"
    "    output, h_n = rnn(x)\n"
    "    first = h_n[-1]  # keep this comment\n"
    "    return first, h_n[-1]\n"
)


def test_brn002_fixes_add_import_torch_once() -> None:
    outcome = fix_source(IMPORT_NEEDED, "m.py", unsafe=True)
    lines = outcome.source.splitlines()
    assert lines[:5] == [
        '"""Model."""',
        "from __future__ import annotations",
        "",
        "import torch",
        "from torch import nn",
    ]
    assert outcome.source.count("import torch\n") == 1
    assert lines[11].endswith("  # keep this comment") and "torch." in lines[11]
    assert "torch." in lines[12]
    # Both reported as on the original text, the second fixed in a later pass.
    assert outcome.fixed == brn002(outcome.initial)
    assert [f.location.row for f in outcome.fixed] == [11, 12]
    assert outcome.messages == []
    assert_idempotent(outcome, unsafe=True)


def test_brn002_fix_uses_the_torch_alias() -> None:
    source = BRN002_SNIPPET.replace("import torch\n", "import torch as t\n").replace(
        "torch.randn", "t.randn"
    )
    outcome = fix_source(source, "m.py", unsafe=True)
    assert len(outcome.fixed) == 1
    assert "import torch\n" not in outcome.source
    assert outcome.source.splitlines()[-1].startswith("last = t.")


# --- the fixer's mechanics, with marker rules -----------------------------------------


def _matching_paren(source: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(source)):
        depth += {"(": 1, ")": -1}.get(source[index], 0)
        if depth == 0:
            return index
    raise AssertionError("unbalanced")


def _rename_call(match: re.Match[str], source: str) -> list[Edit]:
    """`f(...)` -> `g(...)`, as an edit replacing the whole call (so nested calls overlap)."""
    end = _matching_paren(source, match.end() - 1) + 1
    call = source[match.start() : end]
    return [Edit("g" + call[1:], position_of(source, match.start()), position_of(source, end))]


def test_overlapping_fixes_are_applied_in_later_passes() -> None:
    outcome = fix_source(
        "x = f(f(a), f(b))\ny = 1\n", "m.py", unsafe=False, keep=marker_rule(r"\bf\(", _rename_call)
    )
    assert outcome.source == "x = g(g(a), g(b))\ny = 1\n"
    assert outcome.passes == 2
    # Reported where they were in the original text, in the order they were fixed.
    assert [f.location for f in outcome.fixed] == [Position(1, 5), Position(1, 7), Position(1, 13)]
    assert outcome.remaining == [] and outcome.messages == []


def test_fixes_that_need_torch_add_one_import() -> None:
    def use_cat(match: re.Match[str], source: str) -> list[Edit]:
        name, import_edit = torch_name(libcst.parse_module(source))
        value = match.group(1)
        start = position_of(source, match.start(1))
        end = position_of(source, match.end())
        edits = [Edit(f"{name}.cat(({value}[-2], {value}[-1]), dim=-1)", start, end)]
        return edits + ([import_edit] if import_edit else [])

    source = "from torch import nn\na = h[-1]\nb = c[-1]\n"
    outcome = fix_source(source, "m.py", unsafe=True, keep=marker_rule(r"= (\w+)\[-1\]$", use_cat))
    assert outcome.source == (
        "import torch\n"
        "from torch import nn\n"
        "a = torch.cat((h[-2], h[-1]), dim=-1)\n"
        "b = torch.cat((c[-2], c[-1]), dim=-1)\n"
    )
    assert outcome.passes == 2  # the second import edit overlapped the first one
    assert [f.location for f in outcome.fixed] == [Position(2, 3), Position(3, 3)]

    aliased = fix_source(
        "import torch as t\nb = c[-1]\n",
        "m.py",
        unsafe=True,
        keep=marker_rule(r"= (\w+)\[-1\]$", use_cat),
    )
    assert aliased.source == "import torch as t\nb = t.cat((c[-2], c[-1]), dim=-1)\n"


def test_a_fix_that_would_not_parse_is_dropped_and_reported() -> None:
    keep = both(
        marker_rule(r"\bBAD\b", "(", code="TST001"), marker_rule(r"\bGOOD\b", "fine", code="TST002")
    )
    outcome = fix_source("x = BAD\ny = GOOD\n", "m.py", unsafe=False, keep=keep)
    assert outcome.source == "x = BAD\ny = fine\n"
    assert [f.code for f in outcome.fixed] == ["TST002"]
    assert outcome.messages == [
        "m.py:1:5: TST001: fix dropped: the fixed code would not parse (replace 'BAD')"
    ]
    assert [f.code for f in outcome.remaining] == ["TST001"]
    again = fix_source(outcome.source, "m.py", unsafe=False, keep=keep)
    assert again.source == outcome.source and again.fixed == []


def test_a_fix_that_never_converges_changes_nothing() -> None:
    def increment(match: re.Match[str], source: str) -> list[Edit]:
        start, end = position_of(source, match.start(1)), position_of(source, match.end(1))
        return [Edit(str(int(match.group(1)) + 1), start, end)]

    outcome = fix_source(
        "n = 0\n", "m.py", unsafe=False, keep=marker_rule(r"^n = (\d+)", increment), max_passes=3
    )
    assert outcome.source == "n = 0\n"
    assert outcome.fixed == [] and [f.code for f in outcome.remaining] == ["TST001"]
    assert outcome.messages == [
        "m.py: the fixes did not converge after 3 passes (still applicable: m.py:1:1: "
        "TST001); nothing was changed"
    ]


def test_a_fix_that_changes_nothing_is_dropped() -> None:
    outcome = fix_source("x = same\n", "m.py", unsafe=False, keep=marker_rule(r"same", "same"))
    assert outcome.source == "x = same\n" and outcome.fixed == []
    assert outcome.messages == ["m.py:1:5: TST001: fix dropped: it changes nothing"]


def test_a_fix_with_edits_outside_the_text_is_dropped() -> None:
    def outside(match: re.Match[str], source: str) -> list[Edit]:
        return [Edit("y", Position(9, 1), Position(9, 2))]

    outcome = fix_source("x = 1\n", "m.py", unsafe=False, keep=marker_rule(r"x", outside))
    assert outcome.source == "x = 1\n"
    assert outcome.messages == [
        "m.py:1:1: TST001: fix dropped: invalid edits (row 9 is outside the text (1..2))"
    ]


def test_unsafe_fixes_only_with_unsafe() -> None:
    keep = marker_rule(r"\bold\b", "new", applicability="unsafe")
    assert fix_source("old = 1\n", "m.py", unsafe=False, keep=keep).source == "old = 1\n"
    assert fix_source("old = 1\n", "m.py", unsafe=True, keep=keep).source == "new = 1\n"


def test_line_breaks_in_fix_content_follow_the_file() -> None:
    keep = marker_rule(r"\bX\b", "(\n    1\n)")
    outcome = fix_source("a = X\r\nb = X\r\n", "m.py", unsafe=False, keep=keep)
    assert outcome.source == "a = (\r\n    1\r\n)\r\nb = (\r\n    1\r\n)\r\n"
    assert [f.location for f in outcome.fixed] == [Position(1, 5), Position(2, 5)]


def test_a_file_with_a_syntax_error_is_left_alone() -> None:
    broken = "from torch.nn import LSTM\nx = (\nold\n"
    outcome = fix_source(broken, "m.py", unsafe=True, keep=marker_rule(r"old", "new"))
    # The marker fix would be applicable, but the result could never parse.
    assert outcome.source == broken
    assert "BRN900" in [f.code for f in outcome.remaining]
