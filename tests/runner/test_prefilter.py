"""The pre-filter is exact: every rule's examples, in many variants, are analysed the same
with it (through the runner) as by the full analysis that never skips a file."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from birnn_lint.analysis.run import analyze
from birnn_lint.engine import may_contain_findings
from birnn_lint.findings import Finding
from birnn_lint.registry import check_rules
from birnn_lint.runner import check_files
from birnn_lint.specs import load_spec

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_LAYER = re.compile(r"\bnn\.(RNN|GRU|LSTM)\b")


def _examples(code: str) -> tuple[str, list[str]]:
    spec = load_spec(code)
    assert spec is not None, f"{code} has no spec"
    flagged = spec.split("## Example", 1)[1].split("\n## ", 1)[0]
    [example] = _BLOCK.findall(flagged)
    return example, _BLOCK.findall(spec)


def _variants(text: str) -> list[str]:
    """The example with every layer class and both directions, plus the other layout
    and the other usual way of importing `nn`."""
    out = []
    for kind, bidirectional in itertools.product(("RNN", "GRU", "LSTM"), ("True", "False")):
        variant = _LAYER.sub(f"nn.{kind}", text)
        out.append(re.sub(r"bidirectional=(True|False)", f"bidirectional={bidirectional}", variant))
    flipped = {"True": "False", "False": "True"}
    out.append(re.sub(r"batch_first=(True|False)", lambda m: f"batch_first={flipped[m[1]]}", text))
    out.append(text.replace("from torch import nn\n", "import torch.nn as nn\n"))
    return list(dict.fromkeys(out))


def _checks(text: str) -> list[Finding]:
    """What the analysis finds when nothing is skipped (diagnostics left out)."""
    found = analyze(text, "example.py", None)
    return sorted((f for f in found if not f.code.startswith("BRN9")), key=Finding.sort_key)


CODES = [rule.code for rule in check_rules()]


def test_every_check_rule_is_covered() -> None:
    assert len(CODES) >= 12


@pytest.mark.parametrize("code", CODES)
def test_no_example_with_a_finding_is_skipped(code: str) -> None:
    flagged, blocks = _examples(code)
    assert any(f.code == code for f in _checks(flagged)), f"{code}'s example is not flagged"
    for block in blocks:
        for variant in _variants(block):
            if _checks(variant):
                assert may_contain_findings(variant.encode("utf-8")), variant


def test_the_runner_reports_what_the_full_analysis_finds(tmp_path: Path) -> None:
    files: list[tuple[Path, str]] = []
    expected: dict[str, list[Finding]] = {}
    for code in CODES:
        flagged, _ = _examples(code)
        for i, variant in enumerate(_variants(flagged)[:3]):
            name = f"{code}_{i:02d}.py"
            (tmp_path / name).write_text(variant)
            files.append((tmp_path / name, name))
            expected[name] = [Finding(**{**f.__dict__, "filename": name}) for f in _checks(variant)]
    results = check_files(files, codes=None, jobs=2)
    assert {r.display: r.findings for r in results} == expected
    assert sum(map(len, expected.values())) >= len(CODES)
