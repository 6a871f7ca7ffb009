"""Huge, long and deeply nested input, end to end, in bounded time and memory.

Each run is measured (wall time, and peak resident memory from wait4) and bounded: it is
killed after TIME_LIMIT seconds, and its address space is capped so that a run that
would eat the machine's memory fails fast instead. The bounds are generous on purpose
(a pre-commit hook on one file must never take minutes or gigabytes); the measured
numbers are printed (`pytest -s`) to follow them over time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hardening_support import FLAGGED, Result, birnn_measured, flagged_line, write

TIME_LIMIT = 60.0  # seconds
MEMORY_LIMIT = 1 << 30  # peak resident memory, bytes
ADDRESS_SPACE = 4 << 30  # hard cap on the process's address space

PRELUDE = "import torch\nrnn = torch.nn.LSTM(4, 4)\n"
TEN_MB = 10_000_000
ONE_MB = 1_000_000


def _measured(tmp_path: Path, *args: str) -> Result:
    result = birnn_measured(
        "check",
        "--no-cache",
        "--format",
        "concise",
        *args,
        cwd=tmp_path,
        timeout=TIME_LIMIT,
        address_space=ADDRESS_SPACE,
    )
    print(f"\n{' '.join(args)}: {result.seconds:.1f} s, {result.max_rss / 2**20:.0f} MiB")
    assert result.seconds < TIME_LIMIT
    assert result.max_rss < MEMORY_LIMIT, f"peak memory {result.max_rss / 2**20:.0f} MiB"
    return result


def _table_module(size: int) -> str:
    """Generated data, the way code generators write it (no torch, no layers)."""
    parts, total, i = [], 0, 0
    while total < size:
        chunk = f"ENTRY_{i} = {{'id': {i}, 'name': 'item{i}', 'weights': ({i}, {i * 2}, -{i})}}\n"
        parts.append(chunk)
        total += len(chunk)
        i += 1
    return "".join(parts)


def _model_module(size: int) -> tuple[str, int]:
    """Generated models, each with a bidirectional LSTM read correctly, then FLAGGED's
    mistake at the end. Returns the text and the row of the finding."""
    parts = ["import torch\nfrom torch import nn\n\n"]
    total, i = 0, 0
    while total < size:
        chunk = (
            f"class Model{i}(nn.Module):\n"
            f"    def __init__(self):\n"
            f"        super().__init__()\n"
            f"        self.rnn = nn.LSTM({8 + i % 5}, 16, num_layers=2, bidirectional=True)\n"
            f"\n"
            f"    def forward(self, x):\n"
            f"        output, (h_n, c_n) = self.rnn(x)\n"
            f"        return torch.cat((h_n[-2], h_n[-1]), dim=-1) * {i}\n\n\n"
        )
        parts.append(chunk)
        total += len(chunk)
        i += 1
    text = "".join(parts)
    return text + FLAGGED, text.count("\n") + 6


def test_ten_megabytes_of_generated_data(tmp_path: Path) -> None:
    write(tmp_path, "table.py", _table_module(TEN_MB))
    result = _measured(tmp_path, "table.py")
    assert (result.code, result.lines) == (0, ["All checks passed!"]), result


def _too_complex(name: str, what: str) -> str:
    return (
        f"{name}:1:1: BRN903 not analyzed: the file is too large or too deeply nested for "
        f"the analysis ({what}; limits: 2,000,000 characters, 100,000 syntax nodes, "
        "nesting 500)"
    )


def test_ten_megabytes_of_generated_models(tmp_path: Path) -> None:
    text, _ = _model_module(TEN_MB)
    write(tmp_path, "models.py", text)
    write(tmp_path, "model.py", FLAGGED)
    result = _measured(tmp_path, "-q", "models.py", "model.py")
    expected = [flagged_line("model.py"), _too_complex("models.py", f"{len(text):,} characters")]
    assert (result.code, sorted(result.lines)) == (1, sorted(expected)), result


def test_one_megabyte_line(tmp_path: Path) -> None:
    numbers = ", ".join(str(i) for i in range(ONE_MB // 7))
    assert len(numbers) > ONE_MB
    write(tmp_path, "data.py", f"DATA = [{numbers}]\n")
    write(tmp_path, "model.py", FLAGGED + f"DATA = [{numbers}]\n")
    result = _measured(tmp_path, "-q", "data.py", "model.py")
    assert result.code == 1, result
    assert len(result.lines) == 1 and result.lines[0].startswith(
        "model.py:1:1: BRN903 not analyzed: the file is too large or too deeply nested for "
        "the analysis (142,914 syntax nodes"
    ), result


def test_finding_on_a_one_megabyte_line(tmp_path: Path) -> None:
    padding = "a" * ONE_MB
    write(
        tmp_path, "model.py", FLAGGED.replace("last = h_n[-1]", f'last = h_n[-1]; s = "{padding}"')
    )
    result = _measured(tmp_path, "-q", "model.py")
    assert (result.code, result.lines) == (1, [flagged_line("model.py")]), result


# (source, row, column, message) of CPython's verdict. Nesting beyond what CPython
# accepts is a syntax error, never a crash: libcst's parser recurses natively and would
# overflow the C stack (a segfault) on thousands of brackets.
NESTED = {
    "parentheses": (
        "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n",
        1,
        205,
        "syntax error: too many nested parentheses",
    ),
    "brackets": (
        "x = " + "[" * 3000 + "]" * 3000 + "\n",
        1,
        205,
        "syntax error: too many nested parentheses",
    ),
    "operator chain": (
        "x = 1" + " + 1" * 20_000 + "\n",
        1,
        1,
        "cannot parse: the code is nested too deeply",
    ),
    "attribute chain": (
        "x = a" + ".b" * 20_000 + "\n",
        1,
        1,
        "cannot parse: the code is nested too deeply",
    ),
    "indentation": (
        "".join(" " * i + "if x:\n" for i in range(150)) + " " * 150 + "pass\n",
        101,
        1,
        "syntax error: too many levels of indentation",
    ),
}


@pytest.mark.parametrize("prelude", [False, True], ids=["compiler", "analysis"])
@pytest.mark.parametrize("name", sorted(NESTED))
def test_deep_nesting_is_a_diagnostic(tmp_path: Path, name: str, prelude: bool) -> None:
    source, row, column, message = NESTED[name]
    if prelude:
        source = PRELUDE + source
        row += 2 if row > 1 or "syntax error" in message else 0
    write(tmp_path, "deep.py", source)
    write(tmp_path, "model.py", FLAGGED)
    result = _measured(tmp_path, "-q", "deep.py", "model.py")
    assert result.code == 1, result
    # Without torch the file is never parsed; with it, the built-in parser's verdict.
    deep = [f"deep.py:{row}:{column}: BRN900 {message}"] if prelude else []
    assert result.lines == [*deep, flagged_line("model.py")]
