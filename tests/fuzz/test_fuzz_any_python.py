"""Arbitrary valid Python (hypothesmith): the analyzer never fails and the fixer never
breaks code. A prelude with a bidirectional LSTM makes the code pass the engine's
pre-filter, so that it goes through libcst and the whole analysis, not just `compile`."""

from __future__ import annotations

import hypothesmith
from fuzz_properties import budget, check_analysis, check_fixes
from hypothesis import given
from hypothesis import strategies as st

PRELUDE = (
    "import torch\n"
    "rnn = torch.nn.LSTM(4, 8, num_layers=2, bidirectional=True)\n"
    "output, (h_n, c_n) = rnn(x)\n"
)

programs = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


@budget(examples=60, deadline_seconds=10)
@given(programs, st.sampled_from(("before", "after", "alone")))
def test_any_python(code: str, prelude: str) -> None:
    if prelude == "before":
        code = PRELUDE + code
    elif prelude == "after":
        code = code + "\n" + PRELUDE
    check_analysis(code)
    check_fixes(code)
