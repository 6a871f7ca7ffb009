"""An internal error is one readable line, whatever the exception's text holds."""

from __future__ import annotations

import libcst as cst

from birnn_lint.diagnostics import internal_error_finding


def test_a_syntax_tree_in_the_exception_is_cut_to_one_short_line() -> None:
    node = cst.parse_expression("torch.reshape(h, (x.size(0), -1))")
    finding = internal_error_finding("m.py", "the analysis", KeyError(node))
    assert finding.code == "BRN902"
    assert "\n" not in finding.message
    assert finding.message.startswith("internal error in the analysis: KeyError: Call(")
    assert len(finding.message) < 330
    assert finding.message.endswith("with the file attached")


def test_a_short_exception_text_is_kept_whole() -> None:
    finding = internal_error_finding("m.py", "the analysis", ValueError("boom"))
    assert "ValueError: boom;" in finding.message
