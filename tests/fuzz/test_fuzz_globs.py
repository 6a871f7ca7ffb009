"""Any glob a user or a .gitignore can hold becomes a valid matcher: a bad glob must
never end a run with a regex error."""

from __future__ import annotations

from fuzz_properties import budget
from hypothesis import given
from hypothesis import strategies as st

from birnn_lint.discovery import PathGlob, compile_glob, parse_gitignore

globs = st.text(alphabet="ab-z[]!^*?/\\. \n#", max_size=16)


@budget(examples=500, deadline_seconds=5)
@given(globs, st.text(alphabet="ab-z/.", max_size=10))
def test_globs_always_compile(pattern: str, path: str) -> None:
    compile_glob(pattern).match(path)
    PathGlob.parse(pattern)
    for rule in parse_gitignore(pattern):
        rule.regex.match(path)
