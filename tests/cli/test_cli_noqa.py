"""Suppression comments and --add-noqa, end to end and on the text functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from cli_support import FLAGGED, FLAGGED_AT, birnn, concise_findings, write

from birnn_lint.engine import check_source
from birnn_lint.noqa import add_noqa, filter_suppressed

FLAGGED_LINE = "last = h_n[-1]"
# BRN002 on line 6 and BRN005 (`output[-1]`) on line 7.
TWO_RULES = FLAGGED + "summary = output[-1]\n"
# The BRN002 finding spans lines 7-9; its statement starts on line 6.
MULTI_LINE = FLAGGED.replace(FLAGGED_LINE, "last = torch.relu(\n    h_n[\n        -1\n    ]\n)")


def _flagged_with(comment: str) -> str:
    return FLAGGED.replace(FLAGGED_LINE, f"{FLAGGED_LINE}  {comment}")


CASES = [
    (_flagged_with("# noqa"), True),
    (_flagged_with("# NOQA"), True),
    (_flagged_with("# noqa: BRN002"), True),
    (_flagged_with("#noqa:BRN002"), True),
    (_flagged_with("# noqa: BRN005, BRN002"), True),
    (_flagged_with("# noqa: E501 BRN002"), True),
    (_flagged_with("# type: ignore  # noqa: BRN002"), True),
    (_flagged_with("# noqa: BRN005"), False),
    (_flagged_with("# noqa: E501"), False),
    (_flagged_with("# noqanything"), False),
    (FLAGGED.replace(FLAGGED_LINE, FLAGGED_LINE + '; s = "# noqa"'), False),
    ("# birnn-lint: noqa\n" + FLAGGED, True),
    (FLAGGED + "# birnn-lint: noqa: BRN002\n", True),
    ("# birnn-lint: noqa: BRN005\n" + FLAGGED, False),
    ('"""# birnn-lint: noqa"""\n' + FLAGGED, False),
    # The file-level directive counts only on a line of its own (README, as ruff).
    (_flagged_with("# birnn-lint: noqa"), False),
    (FLAGGED.replace("x = torch", "x = 1  # birnn-lint: noqa\nx = torch"), False),
    ("    # birnn-lint: noqa\n" + FLAGGED, True),
    (MULTI_LINE.replace("    h_n[\n", "    h_n[  # noqa: BRN002\n"), True),
    (MULTI_LINE.replace("        -1\n", "        -1  # noqa: BRN002\n"), False),
    (MULTI_LINE.replace("torch.relu(\n", "torch.relu(  # noqa: BRN002\n"), False),
]


@pytest.mark.parametrize(("source", "suppressed"), CASES)
def test_suppression(source: str, suppressed: bool) -> None:
    findings = [f for f in check_source(source, "m.py") if f.code == "BRN002"]
    assert len(findings) == 1, "the example must be flagged without its comment"
    assert (filter_suppressed(findings, source) == []) == suppressed


def test_suppression_end_to_end(tmp_path: Path) -> None:
    for index, (source, _) in enumerate(CASES):
        write(tmp_path, f"case_{index:02}.py", source)
    result = birnn("check", "--format", "concise", "--no-cache", cwd=tmp_path)
    flagged = {path for path, *_ in concise_findings(result.out)}
    expected = {f"case_{i:02}.py" for i, (_, suppressed) in enumerate(CASES) if not suppressed}
    assert flagged == expected, result


def test_only_the_named_code_is_suppressed(tmp_path: Path) -> None:
    source = TWO_RULES.replace("summary = output[-1]", "summary = output[-1]  # noqa: BRN002")
    write(tmp_path, "model.py", source)
    result = birnn("check", "--format", "concise", cwd=tmp_path)
    assert [code for *_, code in concise_findings(result.out)] == ["BRN002", "BRN005"]


def test_add_noqa_writes_comments_once(tmp_path: Path) -> None:
    source = TWO_RULES.replace("summary = output[-1]", "summary = output[-1]  # keep me")
    path = write(tmp_path, "model.py", source)
    first = birnn("check", "--add-noqa", cwd=tmp_path)
    assert first.code == 0, first
    assert "Added 2 noqa directives." in first.out
    text = path.read_text(encoding="utf-8")
    assert "last = h_n[-1]  # noqa: BRN002\n" in text
    assert "summary = output[-1]  # keep me  # noqa: BRN005\n" in text
    assert birnn("check", cwd=tmp_path).code == 0
    second = birnn("check", "--add-noqa", cwd=tmp_path)
    assert "Added 0 noqa directives." in second.out
    assert path.read_text(encoding="utf-8") == text


def test_add_noqa_merges_into_an_existing_noqa(tmp_path: Path) -> None:
    source = TWO_RULES.replace("summary = output[-1]", "summary = output[-1]  # noqa: E501")
    path = write(tmp_path, "model.py", source)
    assert birnn("check", "--add-noqa", cwd=tmp_path).code == 0
    assert "summary = output[-1]  # noqa: E501, BRN005\n" in path.read_text(encoding="utf-8")
    assert birnn("check", cwd=tmp_path).code == 0


def test_add_noqa_text_function() -> None:
    crlf = MULTI_LINE.replace("\n", "\r\n")
    findings = check_source(crlf, "m.py")
    result = add_noqa(crlf, findings)
    assert result.added == 1
    assert "    h_n[  # noqa: BRN002\r\n" in result.source
    assert result.source.count("\r\n") == crlf.count("\r\n")
    ast.parse(result.source)
    assert filter_suppressed(check_source(result.source, "m.py"), result.source) == []
    assert add_noqa(result.source, check_source(result.source, "m.py")).source == result.source


def test_add_noqa_leaves_lines_that_cannot_take_a_comment() -> None:
    source = FLAGGED.replace(FLAGGED_LINE, 'last = h_n[-1] + len("""\n""")')
    findings = [f for f in check_source(source, "m.py") if f.code == "BRN002"]
    assert [f.location.row for f in findings] == [FLAGGED_AT[0]]
    result = add_noqa(source, findings)
    assert result.source == source and result.skipped == [FLAGGED_AT[0]]


def test_diagnostics_are_hidden_only_by_settings(tmp_path: Path) -> None:
    """README: BRN900 can be hidden only by `ignore` or `per-file-ignores`, not by a
    comment (which, in a file that does not parse, may not be one)."""
    from cli_support import BROKEN

    write(tmp_path, "line.py", BROKEN.replace("def f(:", "def f(:  # noqa"))
    write(tmp_path, "coded.py", BROKEN.replace("def f(:", "def f(:  # noqa: BRN900"))
    write(tmp_path, "file.py", "# birnn-lint: noqa\n" + BROKEN)
    result = birnn("check", "--format", "concise", "--no-cache", cwd=tmp_path)
    assert sorted(concise_findings(result.out)) == [
        ("coded.py", 1, 7, "BRN900"),
        ("file.py", 2, 7, "BRN900"),
        ("line.py", 1, 7, "BRN900"),
    ], result
    assert birnn("check", "--ignore", "BRN900", cwd=tmp_path).code == 0
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.birnn-lint]\nper-file-ignores = { "*.py" = ["BRN900"] }\n',
    )
    assert birnn("check", cwd=tmp_path).code == 0
