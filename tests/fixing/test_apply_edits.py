"""apply_edits: 1-based code-point columns, end exclusive, libcst's line breaks."""

from __future__ import annotations

import pytest

from birnn_lint.findings import Edit, Position
from birnn_lint.fixing import apply_edits, dominant_newline, unified_diff


def edit(content: str, start: tuple[int, int], end: tuple[int, int]) -> Edit:
    return Edit(content, Position(*start), Position(*end))


def test_replacement_within_a_line() -> None:
    assert apply_edits("last = h[-1]\n", [edit("h[-2:]", (1, 8), (1, 13))]) == "last = h[-2:]\n"


def test_several_edits_refer_to_the_original_positions() -> None:
    source = "a = 1\nb = 22\nc = 333\n"
    edits = [edit("X", (3, 5), (3, 8)), edit("Y", (1, 5), (1, 6)), edit("", (2, 1), (3, 1))]
    assert apply_edits(source, edits) == "a = Y\nc = X\n"


def test_multi_line_span_and_content() -> None:
    source = "x = f(\n    a,\n    b,\n)\ny = 2\n"
    result = apply_edits(source, [edit("g(\n    b,\n    a,\n)", (1, 5), (4, 2))])
    assert result == "x = g(\n    b,\n    a,\n)\ny = 2\n"


def test_insertion_at_start_and_at_end_of_file() -> None:
    source = "x = 1\n"
    edits = [edit("import torch\n", (1, 1), (1, 1)), edit("y = 2\n", (2, 1), (2, 1))]
    assert apply_edits(source, edits) == "import torch\nx = 1\ny = 2\n"


def test_end_of_file_without_final_newline() -> None:
    assert apply_edits("x = 1", [edit("\ny = 2", (1, 6), (1, 6))]) == "x = 1\ny = 2"


def test_columns_count_code_points() -> None:
    source = "s = 'héllo 🐍'; t = s\n"
    # "t" is the 16th code point of the line (the snake is one code point).
    assert source[15] == "t"
    assert apply_edits(source, [edit("u", (1, 16), (1, 17))]) == "s = 'héllo 🐍'; u = s\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a = 1\r\nb = 2\r\n", "a = 1\r\nb = (\r\n    2\r\n)\r\n"),
        ("a = 1\rb = 2\r", "a = 1\rb = (\r    2\r)\r"),
        ("a = 1\nb = 2\n", "a = 1\nb = (\n    2\n)\n"),
    ],
    ids=["crlf", "cr", "lf"],
)
def test_rows_and_new_lines_follow_the_file(source: str, expected: str) -> None:
    assert apply_edits(source, [edit("(\n    2\n)", (2, 5), (2, 6))]) == expected


def test_mixed_line_endings_count_each_break_once() -> None:
    source = "a\r\nb\rc\nd"
    assert apply_edits(source, [edit("D", (4, 1), (4, 2)), edit("B", (2, 1), (2, 2))]) == (
        "a\r\nB\rc\nD"
    )


def test_content_already_using_the_files_breaks_is_kept() -> None:
    assert apply_edits("a\r\nb\r\n", [edit("x\r\ny", (2, 1), (2, 2))]) == "a\r\nx\r\ny\r\n"


def test_explicit_newline_overrides_detection() -> None:
    assert apply_edits("a\nb\n", [edit("x\ny", (1, 1), (1, 2))], newline="\r\n") == "x\r\ny\nb\n"


def test_dominant_newline() -> None:
    assert dominant_newline("a\r\nb\r\nc\n") == "\r\n"
    assert dominant_newline("a\rb\nc\r") == "\r"
    assert dominant_newline("a\nb\r\n") == "\n"  # a tie goes to the first one
    assert dominant_newline("no break") == "\n"


@pytest.mark.parametrize(
    ("start", "end"),
    [((3, 1), (3, 1)), ((1, 7), (1, 7)), ((0, 1), (1, 1)), ((1, 0), (1, 1)), ((1, 3), (1, 2))],
)
def test_positions_outside_the_text_are_rejected(
    start: tuple[int, int], end: tuple[int, int]
) -> None:
    with pytest.raises(ValueError):
        apply_edits("x = 1\n", [edit("y", start, end)])


def test_a_column_inside_a_crlf_break_is_rejected() -> None:
    with pytest.raises(ValueError):
        apply_edits("ab\r\ncd\r\n", [edit("", (1, 4), (2, 1))])


def test_overlapping_edits_are_rejected() -> None:
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("abcdef\n", [edit("x", (1, 1), (1, 4)), edit("y", (1, 3), (1, 5))])
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("abcdef\n", [edit("x", (1, 2), (1, 2)), edit("y", (1, 2), (1, 2))])


def test_adjacent_edits_and_an_insertion_before_a_replacement() -> None:
    edits = [edit("1", (1, 1), (1, 3)), edit("2", (1, 3), (1, 5)), edit("0", (1, 1), (1, 1))]
    assert apply_edits("abcdef\n", edits) == "012ef\n"


def test_unified_diff_has_ruff_style_headers() -> None:
    diff = unified_diff("a = 1\nb = 2\n", "a = 1\nb = 3\n", "pkg/m.py")
    assert diff.splitlines() == [
        "--- a/pkg/m.py",
        "+++ b/pkg/m.py",
        "@@ -1,2 +1,2 @@",
        " a = 1",
        "-b = 2",
        "+b = 3",
    ]
    assert unified_diff("same\n", "same\n", "m.py") == ""


def test_unified_diff_marks_a_missing_final_newline_and_keeps_crlf() -> None:
    diff = unified_diff("a\r\nb", "a\r\nc", "m.py")
    assert "-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n" in diff
    assert " a\r\n" in diff
