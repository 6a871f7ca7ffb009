"""Bad configuration and bad standard input, end to end.

A configuration that cannot be used stops the run with exit 2 and one line naming the
file (never a traceback, never an "internal error"); globs that match nothing are not
errors, as in git; standard input that is not UTF-8 is a finding like a file's."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hardening_support import FLAGGED, birnn, drop_root_prefix, flagged_line, shared_folder, write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _toml_error(text: str) -> str:
    """What the TOML parser birnn-lint uses says about `text`."""
    with pytest.raises(tomllib.TOMLDecodeError) as error:
        tomllib.loads(text)
    return str(error.value)


def _fails(root: Path, *args: str, prefix: tuple[str, ...] = ()) -> str:
    """Run a check that must stop on the configuration; its one line of stderr."""
    write(root, "model.py", FLAGGED)
    result = birnn("check", "--no-cache", *args, cwd=root, prefix=prefix)
    assert (result.code, result.out) == (2, ""), result
    assert len(result.err.splitlines()) == 1, result
    return result.err.rstrip("\n")


BAD_TOML = {
    "unclosed table": "[tool.birnn-lint\nselect = [\n",
    "byte order mark": "\ufeff[tool.birnn-lint]\nselect = []\n",
    "duplicate key": '[tool.birnn-lint]\nselect = ["BRN002"]\nselect = ["BRN003"]\n',
    "bare string": "[tool.birnn-lint]\nselect = BRN002\n",
}


@pytest.mark.parametrize("name", sorted(BAD_TOML))
def test_invalid_toml(tmp_path: Path, name: str) -> None:
    text = BAD_TOML[name]
    path = write(tmp_path, "pyproject.toml", text)
    assert _fails(tmp_path) == f"birnn-lint: error: cannot parse {path}: {_toml_error(text)}"


def test_toml_nested_too_deeply(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert _fails(tmp_path) == f"birnn-lint: error: cannot parse {path}: it is nested too deeply"


def test_toml_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", b'[tool.birnn-lint]\nselect = ["\xff"]\n')
    assert _fails(tmp_path) == f"birnn-lint: error: cannot parse {path}: it is not valid UTF-8"


WRONG_TYPES = {
    "datetime": (
        "select = 1979-05-27T07:32:00Z",
        "`select` in [tool.birnn-lint] of {path} must be a list of strings, not a datetime",
    ),
    "list of integers": (
        "extend-select = [1, 2]",
        "`extend-select` in [tool.birnn-lint] of {path} must be a list of strings, not a list",
    ),
    "table in a list": (
        "exclude = [{a = 1}]",
        "`exclude` in [tool.birnn-lint] of {path} must be a list of strings, not a list",
    ),
    "string for codes": (
        'per-file-ignores = {"a.py" = "BRN002"}',
        "`per-file-ignores.a.py` in [tool.birnn-lint] of {path} must be a list of strings, "
        "not a string",
    ),
    "float for a flag": (
        "force-exclude = 1.5",
        "`force-exclude` in [tool.birnn-lint] of {path} must be true or false, not a number",
    ),
    "null byte in a code": (
        'ignore = ["BRN\\u0000"]',
        "unknown rule code or prefix 'BRN\\x00' in `ignore` of {path} (did you mean 'BRN'?)",
    ),
}


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_wrong_types(tmp_path: Path, name: str) -> None:
    setting, message = WRONG_TYPES[name]
    path = write(tmp_path, "pyproject.toml", f"[tool.birnn-lint]\n{setting}\n")
    assert _fails(tmp_path) == f"birnn-lint: error: {message.format(path=path)}"


def test_our_table_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", "[tool]\nbirnn-lint = 3\n")
    assert _fails(tmp_path) == f"birnn-lint: error: [tool.birnn-lint] in {path} must be a table"


def test_unreadable_config() -> None:
    prefix = drop_root_prefix()
    with shared_folder() as root:
        path = write(root, "pyproject.toml", "[tool.birnn-lint]\n")
        os.chmod(path, 0)
        message = _fails(root, prefix=prefix)
        named = _fails(root, "--config", "pyproject.toml", prefix=prefix)
    assert message == named == f"birnn-lint: error: cannot read {path}: Permission denied"


def test_missing_config(tmp_path: Path) -> None:
    assert (
        _fails(tmp_path, "--config", "nope.toml")
        == "birnn-lint: error: --config nope.toml: no such file"
    )


def test_globs_that_match_nothing_are_not_errors(tmp_path: Path) -> None:
    """A reversed range (`[z-a]`) is an invalid regex but a valid glob that matches
    nothing, for git and for birnn-lint, wherever it is written."""
    write(
        tmp_path,
        "pyproject.toml",
        "[tool.birnn-lint]\n"
        'extend-exclude = ["[z-a]*"]\n'
        'per-file-ignores = {"[z-a].py" = ["BRN"]}\n',
    )
    write(tmp_path, ".gitignore", "[z-a]*\n[!z-a]\n")
    write(tmp_path, "model.py", FLAGGED)
    result = birnn(
        "check",
        "--no-cache",
        "--format",
        "concise",
        "-q",
        "--extend-exclude",
        "x[9-0]",
        cwd=tmp_path,
    )
    assert (result.code, result.lines, result.err) == (1, [flagged_line("model.py")], ""), result


def test_a_folder_named_pyproject_toml_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").mkdir()
    write(tmp_path, "model.py", FLAGGED)
    result = birnn("check", "--no-cache", "--format", "concise", "-q", cwd=tmp_path)
    assert (result.code, result.lines) == (1, [flagged_line("model.py")]), result


# --- standard input -----------------------------------------------------------------------

STDIN = {
    "invalid utf-8": (
        b"x = '\xff'\n",
        "-:1:6: BRN901 invalid UTF-8 at line 1, column 6 (byte 0xff)",
    ),
    "binary": (b"\x89PNG\r\n\x1a\n", "-:1:1: BRN901 invalid UTF-8 at line 1, column 1 (byte 0x89)"),
    "null byte": (
        b"import torch\nx = 1\x00\nrnn = torch.nn.LSTM(1, 2)\n",
        "-:2:6: BRN900 syntax error: source code string cannot contain null bytes",
    ),
    "unknown cookie": (
        b"# coding: klingon\nx = 1\n",
        "-:1:1: BRN901 unknown encoding in the coding cookie: 'klingon'",
    ),
}


@pytest.mark.parametrize("name", sorted(STDIN))
def test_bad_standard_input(tmp_path: Path, name: str) -> None:
    data, line = STDIN[name]
    result = birnn("check", "--no-cache", "--format", "concise", "-", cwd=tmp_path, input=data)
    assert (result.code, result.lines, result.err) == (1, [line, "Found 1 finding."], ""), result
    # With --fix the input comes back unchanged on stdout, the report on stderr.
    fixed = birnn(
        "check", "--no-cache", "--format", "concise", "--fix", "-", cwd=tmp_path, input=data
    )
    assert fixed.code == 1, fixed
    assert fixed.raw_out == data
    assert fixed.err.splitlines() == [line, "Found 1 finding (0 fixed, 1 remaining)."]


def test_latin1_standard_input_is_fixed_in_latin1(tmp_path: Path) -> None:
    data = ("# coding: latin-1\n" + FLAGGED.replace("h_n[-1]", "h_n[-1]  # é")).encode("latin-1")
    result = birnn("check", "--no-cache", "--fix", "--unsafe-fixes", "-", cwd=tmp_path, input=data)
    assert result.code == 0, result
    fixed = b"torch.cat((h_n[-2], h_n[-1]), dim=-1)"
    assert result.err == "Found 1 finding (1 fixed, 0 remaining).\n"
    assert result.raw_out == data.replace(b"h_n[-1]", fixed)
