"""`check --fix --unsafe-fixes` through the entry point never loses data: what it writes
parses, what it may not write it reports, links stay links, and files without findings
keep every byte. (Faults inside the write itself are tested in tests/fixing.)"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import libcst
from hardening_support import FLAGGED, birnn, flagged_line, write

from birnn_lint.registry import check_rules
from birnn_lint.specs import load_spec

FIX = ("check", "--no-cache", "--fix", "--unsafe-fixes")


def _flagged_example(code: str) -> str:
    spec = load_spec(code)
    assert spec is not None, code
    return spec.split("\n## Example", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def test_every_written_file_parses(tmp_path: Path) -> None:
    """Every rule's flagged example, fixed in place, in several line-break styles."""
    originals = {}
    for rule in check_rules():
        example = _flagged_example(rule.code)
        for style, newline in (("lf", "\n"), ("crlf", "\r\n")):
            name = f"{rule.code}_{style}.py"
            originals[name] = write(tmp_path, name, example.replace("\n", newline)).read_bytes()
    result = birnn(*FIX, "--format", "concise", cwd=tmp_path)
    assert result.code in (0, 1), result
    assert result.err == "", result
    changed = 0
    for name, before in originals.items():
        after = (tmp_path / name).read_bytes()
        text = after.decode("utf-8")
        ast.parse(text)
        libcst.parse_module(text)
        changed += after != before
        if b"\r\n" in before:  # line breaks stay what they were
            assert b"\n" not in after.replace(b"\r\n", b""), name
    assert changed, "no example was fixed"


def test_read_only_file_is_reported_not_forced(tmp_path: Path) -> None:
    path = write(tmp_path, "model.py", FLAGGED)
    os.chmod(path, 0o444)
    result = birnn(*FIX, "--format", "concise", cwd=tmp_path)
    assert result.code == 1, result
    assert result.lines == [
        flagged_line("model.py", marker="[*]"),
        "Found 1 finding (0 fixed, 1 remaining).",
        "1 fix not applied (see the warnings above).",
    ]
    assert result.err == "birnn-lint: warning: model.py: not written: the file is read-only\n"
    assert path.read_text() == FLAGGED
    assert os.stat(path).st_mode & 0o777 == 0o444


def test_symlink_stays_a_link_and_its_target_is_fixed(tmp_path: Path) -> None:
    target = write(tmp_path, "real/model.py", FLAGGED)
    os.chmod(target, 0o640)
    link = tmp_path / "link.py"
    link.symlink_to("real/model.py")
    result = birnn(*FIX, "link.py", cwd=tmp_path)
    assert result.code == 0, result
    assert result.lines == ["Found 1 finding (1 fixed, 0 remaining)."]
    assert link.is_symlink() and os.readlink(link) == "real/model.py"
    assert "h_n[-2]" in target.read_text()
    assert os.stat(target).st_mode & 0o777 == 0o640
    # Walking the folder meets the file twice (as the link and as itself): fixed once.
    target.write_text(FLAGGED)
    again = birnn(*FIX, cwd=tmp_path)
    assert again.lines == ["Found 1 finding (1 fixed, 0 remaining)."], again
    assert target.read_text().count("torch.cat") == 1


# Files with nothing to fix, in every form a file can take: after --fix they must be the
# same bytes, never rewritten (same inode and mtime). Each has torch and a layer, read
# correctly, so that the whole analysis runs on it.
CORRECT = FLAGGED.replace("h_n[-1]", "torch.cat((h_n[-2], h_n[-1]), dim=-1)")
UNTOUCHED = {
    "lf.py": CORRECT.encode(),
    "crlf.py": CORRECT.replace("\n", "\r\n").encode(),
    "cr.py": CORRECT.replace("\n", "\r").encode(),
    "bom.py": b"\xef\xbb\xbf" + CORRECT.encode(),
    "latin1.py": ("# -*- coding: latin-1 -*-\n# café\n" + CORRECT).encode("latin-1"),
    "trailing_space.py": CORRECT.replace("\n", "  \t\n").encode(),
    "no_final_newline.py": CORRECT.rstrip("\n").encode(),
    "tabs_and_form_feed.py": ("\x0c" + CORRECT + "if rnn:\n\tpass\n").encode(),
    "mixed.py": CORRECT.replace("\n", "\r\n", 3).encode(),
    "suppressed.py": FLAGGED.replace("h_n[-1]", "h_n[-1]  # noqa: BRN002").encode(),
}


def test_files_without_findings_keep_every_byte(tmp_path: Path) -> None:
    before = {}
    for name, content in UNTOUCHED.items():
        path = write(tmp_path, name, content)
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
        before[name] = os.stat(path)
    result = birnn(*FIX, cwd=tmp_path)
    assert (result.code, result.lines, result.err) == (0, ["All checks passed!"], ""), result
    for name, content in UNTOUCHED.items():
        path = tmp_path / name
        assert path.read_bytes() == content, name
        after = os.stat(path)
        assert (after.st_ino, after.st_mtime_ns) == (before[name].st_ino, before[name].st_mtime_ns)


def test_only_the_fixed_span_changes(tmp_path: Path) -> None:
    """BOM, CRLF and trailing whitespace around a fixed line survive the CLI's round trip."""
    original = b"\xef\xbb\xbf" + FLAGGED.replace("\n", "  \r\n").encode()
    path = write(tmp_path, "model.py", original)
    result = birnn(*FIX, cwd=tmp_path)
    assert result.code == 0, result
    fixed = b"torch.cat((h_n[-2], h_n[-1]), dim=-1)"
    assert path.read_bytes() == original.replace(b"h_n[-1]", fixed)
