"""Source that is not (valid, UTF-8) Python, end to end: one exact diagnostic per bad
file, at the right place, the other files still checked, exit 1, nothing on stderr.

Each case runs twice: as written, where the engine's pre-filter leaves it to CPython's
compiler, and behind a prelude with torch and an LSTM, where libcst and the whole
analysis see it. Both paths must say the same thing (rows shift by the prelude)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hardening_support import FLAGGED, birnn, flagged_line, write

PRELUDE = "import torch\nrnn = torch.nn.LSTM(4, 4)\n"
PRELUDE_ROWS = 2


@dataclass(frozen=True)
class Case:
    body: bytes
    # (row, column, code, message) in the body alone; None: nothing to report.
    expected: tuple[int, int, str, str] | None
    # Bytes that must stay in front of the prelude (a BOM, a coding cookie), and the
    # line break the prelude uses.
    head: bytes = b""
    newline: str = "\n"
    # Whether the row of `expected` moves with the prelude (False for diagnostics that
    # are always at 1:1) and whether the message names a row that moves with it ({row}).
    moves: bool = True
    prelude: bool = True


def _syntax(row: int, column: int, message: str) -> tuple[int, int, str, str]:
    return (row, column, "BRN900", f"syntax error: {message}")


CASES: dict[str, Case] = {
    "py2_print": Case(
        b'print "x"\n',
        _syntax(1, 1, "Missing parentheses in call to 'print'. Did you mean print(...)?"),
    ),
    "py2_exec": Case(
        b"exec 'x = 1'\n",
        _syntax(1, 1, "Missing parentheses in call to 'exec'. Did you mean exec(...)?"),
    ),
    "py2_raise": Case(b'raise E, "message"\n', _syntax(1, 8, "invalid syntax")),
    "py2_backtick": Case(b"x = `1`\n", _syntax(1, 5, "invalid syntax")),
    "py2_not_equal": Case(b"if x <> y:\n    pass\n", _syntax(1, 6, "invalid syntax")),
    "py2_long": Case(b"x = 10L\n", _syntax(1, 6, "invalid decimal literal")),
    # Not an error: Python 3.14 reads it as `except (Exception, e):` (PEP 758), and
    # birnn-lint accepts code of newer Pythons than the one it runs on.
    "py2_except_is_py314": Case(b"try:\n    pass\nexcept Exception, e:\n    pass\n", None),
    "py2_octal": Case(
        b"x = 0777\n",
        _syntax(
            1,
            5,
            "leading zeros in decimal integer literals are not permitted; "
            "use an 0o prefix for octal integers",
        ),
    ),
    "bad_parameter": Case(b"def f(:\n    pass\n", _syntax(1, 7, "invalid syntax")),
    "never_closed": Case(b"x = (1,\n", _syntax(1, 5, "'(' was never closed")),
    "unterminated_string": Case(
        b's = "abc\n', _syntax(1, 5, "unterminated string literal (detected at line {row})")
    ),
    "missing_block": Case(
        b"if True:\nprint(1)\n",
        _syntax(2, 1, "expected an indented block after 'if' statement on line {row-1}"),
    ),
    "tabs_and_spaces": Case(
        b"if True:\n\tx = 1\n        y = 2\n",
        _syntax(3, 1, "inconsistent use of tabs and spaces in indentation"),
    ),
    "backslash_at_eof": Case(b"x = 1 +\\\n", _syntax(1, 9, "unexpected EOF while parsing")),
    # At the null byte (CPython says 1:1, or no line at all).
    "null_byte": Case(
        b"x = 1\x00\n",
        (1, 6, "BRN900", "syntax error: source code string cannot contain null bytes"),
    ),
    "binary_png": Case(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        (1, 1, "BRN901", "invalid UTF-8 at line 1, column 1 (byte 0x89)"),
        moves=False,
        prelude=False,
    ),
    "binary_with_nulls": Case(
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x03\x00>\x00\n",
        (1, 8, "BRN900", "syntax error: source code string cannot contain null bytes"),
        moves=False,
        prelude=False,
    ),
    "invalid_utf8": Case(
        b'x = "\xff"\n',
        (1, 6, "BRN901", "invalid UTF-8 at line {row}, column 6 (byte 0xff)"),
    ),
    "utf8_encoded_surrogate": Case(
        b"x = '\xed\xa0\x80'\n",
        (1, 6, "BRN901", "invalid UTF-8 at line {row}, column 6 (byte 0xed)"),
    ),
    "latin1_cookie": Case(b'x = "\xe9t\xe9"\n', None, head=b"# -*- coding: latin-1 -*-\n"),
    "latin1_cookie_syntax_error": Case(
        b'x = ("\xe9\xe9\xe9", :)\n', _syntax(1, 13, "invalid syntax"), head=b"# coding: latin-1\n"
    ),
    "unknown_cookie": Case(
        b"x = 1\n",
        (1, 1, "BRN901", "unknown encoding in the coding cookie: 'klingon'"),
        head=b"# -*- coding: klingon -*-\n",
        moves=False,
    ),
    "bom_and_latin1_cookie": Case(
        b"x = 1\n",
        (
            1,
            1,
            "BRN901",
            "the file starts with a UTF-8 byte order mark but its coding cookie names "
            "another encoding",
        ),
        head=b"\xef\xbb\xbf# coding: latin-1\n",
        moves=False,
    ),
    "bom": Case(b"x = 1\n", None, head=b"\xef\xbb\xbf"),
    "bom_syntax_error": Case(
        'x = ("ééé", :)\n'.encode(), _syntax(1, 13, "invalid syntax"), head=b"\xef\xbb\xbf"
    ),
    "non_ascii_syntax_error": Case('x = ("ééé", :)\n'.encode(), _syntax(1, 13, "invalid syntax")),
    "cr_only": Case(
        b"a = 1\rb = 2\rdef f(:\r    pass\r", _syntax(3, 7, "invalid syntax"), newline="\r"
    ),
    "crlf": Case(
        b"a = 1\r\nb = 2\r\ndef f(:\r\n    pass\r\n",
        _syntax(3, 7, "invalid syntax"),
        newline="\r\n",
    ),
    "mixed_line_endings": Case(
        b"a = 1\r\nb = 2\rdef f(:\n    pass\n", _syntax(3, 7, "invalid syntax")
    ),
    "mixed_line_endings_valid": Case(b"a = 1\r\nb = 2\rc = 3\n", None),
    "tabs": Case(b"if True:\n\tx = 1\n\tif x:\n\t\ty = 2\n", None),
    "form_feed": Case(b"\x0cx = 1\n", None),
    "empty": Case(b"", None),
    "only_comments": Case(b"# one\n# two\n#\n", None),
    "no_final_newline": Case(b"x = 1", None),
}


def _content(case: Case, prelude: bool) -> bytes:
    if not prelude:
        return case.head + case.body
    return case.head + PRELUDE.replace("\n", case.newline).encode() + case.body


def _expected(name: str, case: Case, prelude: bool) -> str | None:
    if case.expected is None:
        return None
    if case.expected[2] == "BRN900" and not prelude:
        return None  # a file that cannot use torch's recurrent layers is never parsed
    row, column, code, message = case.expected
    head_rows = case.head.count(b"\n")
    shift = head_rows + (PRELUDE_ROWS if prelude else 0)
    named_row = row + shift
    if case.moves:
        row = named_row
    message = message.replace("{row-1}", str(named_row - 1)).replace("{row}", str(named_row))
    return f"{name}.py:{row}:{column}: {code} {message}"


def _project(root: Path, prelude: bool) -> list[str]:
    """Every case as a file, plus a file with a finding; the expected concise lines."""
    expected = []
    for name, case in CASES.items():
        if prelude and not case.prelude:
            continue
        write(root, f"{name}.py", _content(case, prelude))
        line = _expected(name, case, prelude)
        if line is not None:
            expected.append(line)
    write(root, "zz_model.py", FLAGGED)
    expected.append(flagged_line("zz_model.py"))
    return sorted(expected)


@pytest.mark.parametrize("prelude", [False, True], ids=["compiler", "analysis"])
def test_each_bad_file_gets_one_exact_diagnostic(tmp_path: Path, prelude: bool) -> None:
    expected = _project(tmp_path, prelude)
    result = birnn("check", "--no-cache", "--format", "concise", "-q", cwd=tmp_path)
    assert result.code == 1, result
    assert result.lines == expected, result
    assert result.err == ""


def test_summary_counts_every_bad_file(tmp_path: Path) -> None:
    expected = _project(tmp_path, prelude=True)
    result = birnn("check", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert result.code == 1, result
    assert result.lines == [
        *expected,
        f"Found {len(expected)} findings.",
        "No fixes available (1 unsafe fix available with `--fix --unsafe-fixes`).",
    ]


def test_fix_writes_no_bad_file(tmp_path: Path) -> None:
    """`--fix --unsafe-fixes` fixes the good file and leaves every bad one byte for byte."""
    _project(tmp_path, prelude=True)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("*.py") if p.name != "zz_model.py"}
    result = birnn("check", "--no-cache", "--fix", "--unsafe-fixes", "-q", cwd=tmp_path)
    assert result.code == 1, result  # the diagnostics remain
    after = {p.name: p.read_bytes() for p in tmp_path.glob("*.py") if p.name != "zz_model.py"}
    assert after == before
    assert "h_n[-2]" in (tmp_path / "zz_model.py").read_text()


def test_full_format_shows_the_bad_line(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", b"from torch.nn import LSTM\r\n\tx = (1,\r\n")
    result = birnn("check", "--no-cache", "broken.py", cwd=tmp_path)
    assert result.code == 1, result
    assert result.out == (
        "broken.py:2:1: BRN900 syntax error: unexpected indent\n"
        "  |\n"
        "2 |     x = (1,\n"
        "  | ^ BRN900\n"
        "  |\n"
        "\n"
        "Found 1 finding.\n"
    )


def _with_breaks(text: str, breaks: list[str]) -> bytes:
    lines = text.splitlines()
    assert len(lines) == len(breaks)
    return "".join(line + breaks[i] for i, line in enumerate(lines)).encode()


# Findings on files with odd encodings and line breaks land on the right row and column
# (1-based code points), as they would in the same code written plainly.
POSITIONED = {
    "crlf": (FLAGGED.replace("\n", "\r\n").encode(), 6, 8),
    "cr_only": (FLAGGED.replace("\n", "\r").encode(), 6, 8),
    "bom": (b"\xef\xbb\xbf" + FLAGGED.encode(), 6, 8),
    "latin1": (
        ("# coding: latin-1\n" + FLAGGED.replace("last =", "é = 1; last =")).encode("latin-1"),
        7,
        15,
    ),
    "astral": (FLAGGED.replace("last =", 's = "😀😀"; last =').encode(), 6, 18),
    "tab": (FLAGGED.replace("last = ", "last =\t").encode(), 6, 8),
    "mixed": (_with_breaks(FLAGGED, ["\r\n", "\r", "\n", "\r", "\r\n", "\n"]), 6, 8),
}


def test_findings_are_placed_in_code_points_whatever_the_encoding(tmp_path: Path) -> None:
    for name, (content, _, _) in POSITIONED.items():
        write(tmp_path, f"{name}.py", content)
    result = birnn("check", "--no-cache", "--format", "concise", "-q", cwd=tmp_path)
    assert result.code == 1, result
    assert result.lines == sorted(
        flagged_line(f"{name}.py", row, column) for name, (_, row, column) in POSITIONED.items()
    )
