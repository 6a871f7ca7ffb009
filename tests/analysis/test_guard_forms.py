"""Direction guards through copies of the flag: a local, a dict item, a helper's
parameter, another object's attribute, a flag set in the layer's own branches. Each
reproducer in tests/data/precision (the right branch) is silent; here the same code
with the branches swapped is flagged, so the guard is read, not just ignored."""

from __future__ import annotations

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
