"""Generated RNN programs (see rnn_programs.py): findings and fixes stay where they
belong, and the fixer's output parses and is a fixed point."""

from __future__ import annotations

from fuzz_properties import budget, check_analysis, check_fixes, compiles
from hypothesis import given
from rnn_programs import rnn_programs


@budget(examples=60, deadline_seconds=10)
@given(rnn_programs())
def test_rnn_programs(source: str) -> None:
    assert compiles(source), "the generator made invalid Python"
    check_analysis(source)
    check_fixes(source)
