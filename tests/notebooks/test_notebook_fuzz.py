"""Properties over mutated notebooks: checking and fixing never raise, a notebook that
is not valid stays untouched, and a fix changes nothing but code cells' sources."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notebook_support import CROSS_CELL, notebook, with_outputs

from birnn_lint.notebooks.check import check_notebook, fix_notebook
from birnn_lint.notebooks.magics import mask_cell, unmask

_BASE = json.dumps(
    json.loads(
        json.dumps(with_outputs(notebook(CROSS_CELL + [("code", "%time x\n!ls\nlast = h_n[-1]")])))
    ),
    indent=1,
)
_PIECES = ['"', "\\", "\\n", "[", "]", "{", "}", ",", ":", "%", "!", "?", "\n", "é", "\\u00e9"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = _BASE
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "truncate"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(_PIECES)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
        else:
            text = text[:at] + "torch LSTM"
    return text


def _without_sources(data: dict[str, object]) -> object:
    cells = data.get("cells")
    if isinstance(cells, list):
        data = dict(data)
        data["cells"] = [
            {k: v for k, v in c.items() if k != "source"}
            if isinstance(c, dict) and c.get("cell_type") == "code"
            else c
            for c in cells
        ]
    return data


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_checking_and_fixing_a_mutated_notebook_never_fails(text: str) -> None:
    findings = check_notebook(text, "nb.ipynb")
    outcome = fix_notebook(text, "nb.ipynb", unsafe=True)
    try:
        before = json.loads(text)
    except ValueError:
        before = None
    if any(f.code == "BRN901" for f in findings):
        assert outcome.source == text  # never rewritten
        return
    if outcome.source != text:
        assert before is not None
        after = json.loads(outcome.source)
        assert _without_sources(after) == _without_sources(before)
        assert check_notebook(outcome.source, "nb.ipynb") == outcome.remaining


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "x = 1",
                "%time f()",
                "!ls",
                "s = '''",
                "'''",
                "y = (",
                ")",
                "    !echo",
                "a?",
                "b = !c \\",
                "  d",
                "",
                "# c",
            ]
        ),
        max_size=12,
    )
)
def test_masking_keeps_lines_and_unmasking_restores_them(lines: list[str]) -> None:
    text = "\n".join(lines)
    masked = mask_cell(text, [0])
    assert masked is not None
    assert len(masked.text.splitlines()) == len(text.splitlines())
    assert unmask(masked.text, masked.originals) == text
