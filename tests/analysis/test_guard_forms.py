"""Direction guards through copies of the flag: a local, a dict item, a helper's
parameter, another object's attribute, a flag set in the layer's own branches. Each
reproducer in tests/data/precision (the right branch) is silent; here the same code
with the branches swapped is flagged, so the guard is read, not just ignored."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from birnn_lint.engine import check_source

FOLDER = Path(__file__).parent.parent / "data" / "precision"

# Reproducer -> (the branch body made wrong, the rule that must flag it).
SWAPPED = {
    "guard_flag_in_local.py": ("        if bi:\n", "        if not bi:\n", "BRN002"),
    "guard_flag_in_dict.py": (
        '        if self.params["bidirectional"]:\n',
        '        if not self.params["bidirectional"]:\n',
        "BRN002",
    ),
    "guard_flag_passed_to_helper.py": (
        "    if bidirectional:\n",
        "    if not bidirectional:\n",
        "BRN002",
    ),
    "guard_on_other_objects_flag.py": (
        "        if self.encoder.bidirectional:\n",
        "        if not self.encoder.bidirectional:\n",
        "BRN002",
    ),
    "count_attr_set_in_branches.py": (
        "        if self.n_direction == 2:\n",
        "        if self.n_direction == 1:\n",
        "BRN002",
    ),
}


@pytest.mark.parametrize("name", sorted(SWAPPED))
def test_the_right_branch_is_silent(name: str) -> None:
    assert check_source((FOLDER / name).read_text(), name) == []


@pytest.mark.parametrize("name", sorted(SWAPPED))
def test_the_swapped_branch_is_flagged(name: str) -> None:
    old, new, code = SWAPPED[name]
    text = (FOLDER / name).read_text()
    assert old in text
    found = check_source(text.replace(old, new), name)
    assert [f.code for f in found] == [code], [f.message for f in found]


def test_a_slice_by_a_count_short_of_the_whole_state_is_still_flagged() -> None:
    text = (FOLDER / "slice_covers_whole_state.py").read_text()
    found = check_source(text.replace("self.n_layers = 4", "self.n_layers = 2"), "s.py")
    assert [f.code for f in found] == ["BRN001"]


# Copies that are not the flag any more: each still flagged (found in review).
NOT_GUARDS = {
    "flag compared with a count": """
        import torch
        from torch import nn


        class Enc(nn.Module):
            def __init__(self, bidirectional):
                super().__init__()
                self.bidirectional = bidirectional
                self.rnn = nn.GRU(8, 16, bidirectional=bidirectional)

            def forward(self, x):
                out, h = self.rnn(x)
                bi = self.bidirectional
                if bi == 2:  # a bool is never 2: h[-1] is always returned
                    return torch.cat((h[-2], h[-1]), -1)
                return h[-1]
    """,
    "count reassigned before the test": """
        import torch
        from torch import nn


        class Enc(nn.Module):
            def __init__(self, bidirectional):
                super().__init__()
                if bidirectional:
                    self.n_dir = 2
                    self.rnn = nn.GRU(8, 16, bidirectional=True)
                else:
                    self.n_dir = 1
                    self.rnn = nn.GRU(8, 16)

            def forward(self, x):
                out, h = self.rnn(x)
                self.n_dir = 1
                if self.n_dir == 2:
                    return torch.cat((h[-2], h[-1]), -1)
                return h[-1]
    """,
}


@pytest.mark.parametrize("name", sorted(NOT_GUARDS))
def test_a_copy_that_no_longer_is_the_flag_is_no_guard(name: str) -> None:
    found = check_source(textwrap.dedent(NOT_GUARDS[name]), "m.py")
    assert [f.code for f in found] == ["BRN002"], [f.message for f in found]
