"""The forms of issue 10, section 1, as snippets of our own (form_snippets.py).

Each snippet is run on real torch: a bug snippet's `result` differs from the truth (or
torch rejects it), a correct one's equals it; these tests must pass. Each snippet is also
checked by birnn-lint as a project (the real CLI on the files): a bug snippet must get
its marked code on its marked line, a correct one nothing. Where birnn-lint does not yet
follow the form, that test is xfail(strict=True): it starts failing, as a reminder to
drop the mark, the day the analysis follows the form.
"""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import torch
from entry_point import BIRNN_LINT, write
from form_snippets import SNIPPETS, Snippet
from realworld_proofs import same
from torch import Tensor, nn

from birnn_lint.proof.truths import Reference, reference

MARK = re.compile(r"# <- (BRN\d{3})")

# Snippets whose lint test birnn-lint does not pass yet (the forms it does not follow;
# the check is a strict xfail). Measured on 2026-11-29.
NOT_YET: set[str] = set()


def _summary(ref: Reference) -> Tensor:
    return torch.cat(tuple(ref.h_n[-1]), dim=-1)


TRUTHS: dict[str, Callable[[Reference, dict[str, Any]], Tensor]] = {
    "summary": lambda ref, ns: _summary(ref),
    "summary_packed": lambda ref, ns: _summary(ref),
    "relu_summary": lambda ref, ns: torch.relu(_summary(ref)),
    "forward_every_layer": lambda ref, ns: ref.h_n[:, 0],
    "forward_last_layer": lambda ref, ns: ref.h_n[-1, 0],
    "hidden_size": lambda ref, ns: torch.tensor(ref.h_n.size(-1)),
    "output": lambda ref, ns: torch.cat(tuple(ref.outputs), dim=-1),
    "every_layer_both": lambda ref, ns: torch.cat((ref.h_n[:, 0], ref.h_n[:, 1]), dim=-1),
    "forward_last_layer_row": lambda ref, ns: ref.h_n[-1, 0].unsqueeze(0),
    # each sample's rows, layer-major: (batch, layers * directions * hidden)
    "per_sample": lambda ref, ns: ref.h_n.permute(2, 0, 1, 3).reshape(ref.h_n.size(2), -1),
}


@contextmanager
def importable(folder: Path) -> Iterator[None]:
    """`folder` on sys.path while the snippet runs; its modules forgotten afterwards."""
    before = set(sys.modules)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        for name in set(sys.modules) - before:
            module = getattr(sys.modules[name], "__file__", None) or ""
            if module.startswith(str(folder)):
                del sys.modules[name]


def execute(snippet: Snippet, folder: Path) -> dict[str, Any]:
    for relative, source in snippet.files.items():
        write(folder, relative, source)
    script = folder / list(snippet.files)[-1]
    torch.manual_seed(0)
    with importable(folder), torch.no_grad():
        # fragments use torch's names without importing them, as a notebook cell does
        return runpy.run_path(str(script), init_globals={"torch": torch, "nn": nn})


def truth_of(snippet: Snippet, ns: dict[str, Any]) -> Tensor:
    with torch.no_grad():
        layer = eval(snippet.layer, ns)  # noqa: S307 - our own snippet's expression
        layer_input = eval(snippet.layer_input, ns)  # noqa: S307
        lengths = ns.get("lengths") if snippet.truth == "summary_packed" else None
        ref = reference(layer, layer_input, lengths=None if lengths is None else lengths.tolist())
    return TRUTHS[snippet.truth](ref, ns)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.name)
def test_snippet_label_holds_on_torch(snippet: Snippet, tmp_path: Path) -> None:
    if snippet.raises:
        with pytest.raises(RuntimeError):
            execute(snippet, tmp_path)
        return
    ns = execute(snippet, tmp_path)
    value, truth = ns["result"], truth_of(snippet, ns)
    if snippet.is_bug:
        assert not same(value, truth), "the bug snippet computes the truth"
    else:
        assert same(value, truth), "the correct snippet differs from the truth"


def expected(snippet: Snippet) -> set[tuple[str, str, int]]:
    marks = set()
    for relative, source in snippet.files.items():
        for number, line in enumerate(source.splitlines(), start=1):
            found = MARK.search(line)
            if found:
                marks.add((found.group(1), relative, number))
    return marks


def lint_project(snippet: Snippet, folder: Path) -> set[tuple[str, str, int]]:
    for relative, source in snippet.files.items():
        write(folder, relative, source)
    done = subprocess.run(
        [BIRNN_LINT, "check", "--output-format", "json", "--isolated", "--no-cache"]
        + ["--exit-zero", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        (item["code"], Path(item["filename"]).as_posix().removeprefix("./"),
         item["location"]["row"])
        for item in json.loads(done.stdout)
    }  # fmt: skip


def _lint_cases() -> Iterator[Any]:
    for snippet in SNIPPETS:
        marks = [pytest.mark.xfail(strict=True)] if snippet.name in NOT_YET else []
        yield pytest.param(snippet, id=snippet.name, marks=marks)


@pytest.mark.parametrize("snippet", list(_lint_cases()))
def test_snippet_checked_as_labelled(snippet: Snippet, tmp_path: Path) -> None:
    assert lint_project(snippet, tmp_path) == expected(snippet)


def _fixable_bugs() -> Iterator[Any]:
    for snippet in SNIPPETS:
        if snippet.is_bug and snippet.name not in NOT_YET:
            yield pytest.param(snippet, id=snippet.name)


@pytest.mark.parametrize("snippet", list(_fixable_bugs()))
def test_the_fixed_snippet_computes_the_truth(snippet: Snippet, tmp_path: Path) -> None:
    """The code as birnn-lint rewrites it (unsafe fixes included) runs on torch and
    equals the truth; a finding without a fix leaves the file as it was."""
    for relative, source in snippet.files.items():
        write(tmp_path, relative, source)
    subprocess.run(
        [BIRNN_LINT, "check", "--fix", "--unsafe-fixes", "--isolated", "--no-cache"]
        + ["--exit-zero", "."],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    fixed = {r: (tmp_path / r).read_text() for r in snippet.files}
    if fixed == snippet.files:
        pytest.skip("no fix offered for this finding")
    ns = execute(Snippet(snippet.name, snippet.form, fixed, snippet.truth, snippet.layer,
                         snippet.layer_input), tmp_path)  # fmt: skip
    assert same(ns["result"], truth_of(snippet, ns)), fixed
