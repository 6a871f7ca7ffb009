"""fix_file on real files: untouched bytes without fixes, only fixed spans with them."""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

import libcst
import pytest
from fixer_support import BRN002_SNIPPET, marker_rule

from birnn_lint.fixing import fix_file, unified_diff
from birnn_lint.source_io import decode_source

# Files the marker rule rewrites: `OLD` becomes a multi-line, non-ASCII expression
# (Latin-1 encodable), so that encodings and line breaks are all put to the test.
MARKER = marker_rule(r"\bOLD\b", "(\n    'é'\n)")
MARKED_TEXT = "# é\nx = OLD  \ny = 2\t\n\nz = OLD\n"

VARIANTS = {
    "utf8": MARKED_TEXT.encode(),
    "latin1-cookie": ("# -*- coding: latin-1 -*-\n" + MARKED_TEXT).encode("latin-1"),
    "bom": codecs.BOM_UTF8 + MARKED_TEXT.encode(),
    "crlf": MARKED_TEXT.replace("\n", "\r\n").encode(),
    "cr": MARKED_TEXT.replace("\n", "\r").encode(),
    "mixed": "# é\r\nx = OLD  \ny = 2\t\r\n\r\nz = OLD".encode(),
    "bom-crlf-no-final-newline": codecs.BOM_UTF8 + MARKED_TEXT.replace("\n", "\r\n")[:-2].encode(),
}


def breaks(data: bytes) -> list[bytes]:
    return re.findall(rb"\r\n|\r|\n", data)


def changed_region(old: bytes, new: bytes) -> tuple[int, int, int]:
    """(start, old end, new end) of the bytes between the common prefix and suffix."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, len(old) - end, len(new) - end


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=VARIANTS.keys())
def test_no_applicable_fix_leaves_the_file_untouched(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(raw)
    before = os.stat(path)
    outcome = fix_file(path, unsafe=True)  # no marker rule: nothing to fix
    assert outcome.error is None and not outcome.written and not outcome.changed
    after = os.stat(path)
    assert path.read_bytes() == raw
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("raw", VARIANTS.values(), ids=VARIANTS.keys())
def test_only_the_fixed_spans_change(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(raw)
    outcome = fix_file(path, unsafe=False, keep=MARKER)
    assert outcome.error is None and outcome.written
    assert len(outcome.fixed) == 2 and outcome.remaining == []
    new = path.read_bytes()
    text, encoding, bom = decode_source(new)
    original_text, original_encoding, original_bom = decode_source(raw)
    assert (encoding, bom) == (original_encoding, original_bom)
    assert text.count("'é'") == 2
    libcst.parse_module(text)

    # Everything outside the two `OLD` spans is byte-identical, in order.
    pieces = raw.split(b"OLD")
    assert len(pieces) == 3
    assert new.startswith(pieces[0]) and new.endswith(pieces[2])
    assert pieces[1] in new[len(pieces[0]) : len(new) - len(pieces[2])]
    # The inserted line breaks are the file's dominant ones.
    dominant = max(set(breaks(raw)), key=breaks(raw).count)
    inserted = new[len(pieces[0]) : len(new) - len(pieces[2])].replace(pieces[1], b"")
    assert breaks(inserted) == [dominant] * 4

    again = fix_file(path, unsafe=False, keep=MARKER)
    assert not again.written and again.fixed == [] and path.read_bytes() == new


def test_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_bytes(VARIANTS["utf8"])
    os.chmod(path, 0o750)
    assert fix_file(path, unsafe=False, keep=MARKER).written
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o750


def test_diff_only_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(VARIANTS["utf8"])
    outcome = fix_file(path, unsafe=False, keep=MARKER, write=False, display="pkg/m.py")
    assert not outcome.written and outcome.changed and len(outcome.fixed) == 2
    assert path.read_bytes() == VARIANTS["utf8"]
    assert outcome.before is not None and outcome.after is not None
    diff = unified_diff(outcome.before, outcome.after, outcome.display)
    assert diff.startswith("--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ ")
    assert "-x = OLD  \n+x = (\n+    'é'\n+)  \n" in diff


def test_read_only_file_is_reported_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(VARIANTS["crlf"])
    os.chmod(path, 0o444)
    outcome = fix_file(path, unsafe=False, keep=MARKER)
    assert outcome.error == "not written: the file is read-only"
    assert not outcome.written and outcome.fixed == []
    assert [f.code for f in outcome.remaining] == ["TST001", "TST001"]
    assert path.read_bytes() == VARIANTS["crlf"]


def test_a_fix_that_latin1_cannot_hold_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    raw = b"# -*- coding: latin-1 -*-\nx = OLD\n"
    path.write_bytes(raw)
    outcome = fix_file(path, unsafe=False, keep=marker_rule(r"\bOLD\b", "'€'"))
    assert outcome.error is not None and "cannot be encoded" in outcome.error
    assert path.read_bytes() == raw


def test_unreadable_file_gives_brn901(tmp_path: Path) -> None:
    outcome = fix_file(tmp_path / "gone.py", unsafe=True, display="gone.py")
    assert outcome.error == "no such file (it may have been deleted)"
    [finding] = outcome.remaining
    assert (finding.code, finding.filename, finding.message) == (
        "BRN901",
        "gone.py",
        "no such file (it may have been deleted)",
    )


def test_symlinked_file_is_fixed_at_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_bytes(VARIANTS["utf8"])
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert fix_file(link, unsafe=False, keep=MARKER).written
    assert link.is_symlink() and b"'\xc3\xa9'" in target.read_bytes()


# --- the real rule (passes once the rules land) ---------------------------------------

BRN002_VARIANTS = {
    "lf": BRN002_SNIPPET.encode(),
    "crlf": BRN002_SNIPPET.replace("\n", "\r\n").encode(),
    "cr": BRN002_SNIPPET.replace("\n", "\r").encode(),
    "latin1-cookie": ("# coding: latin-1\n# é\n" + BRN002_SNIPPET).encode("latin-1"),
    "bom": codecs.BOM_UTF8 + BRN002_SNIPPET.encode(),
}


@pytest.mark.parametrize("raw", BRN002_VARIANTS.values(), ids=BRN002_VARIANTS.keys())
def test_brn002_end_to_end(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "model.py"
    path.write_bytes(raw)
    before = os.stat(path)

    safe_only = fix_file(path, unsafe=False)
    assert not safe_only.written and safe_only.fixed == []
    assert "BRN002" in [f.code for f in safe_only.remaining]
    assert path.read_bytes() == raw and os.stat(path).st_ino == before.st_ino

    outcome = fix_file(path, unsafe=True)
    assert outcome.error is None and outcome.written
    assert [f.code for f in outcome.fixed] == ["BRN002"]
    assert "BRN002" not in [f.code for f in outcome.remaining]
    new = path.read_bytes()
    # Only the last line (`last = h_n[-1]`) changed, and its line break is kept.
    start, old_end, _ = changed_region(raw, new)
    last_line = raw.rindex(b"last = h_n[-1]")
    assert last_line <= start and old_end <= last_line + len(b"last = h_n[-1]")
    assert new.endswith(raw[old_end:])
    assert decode_source(new)[1:] == decode_source(raw)[1:]

    again = fix_file(path, unsafe=True)
    assert not again.written and again.fixed == [] and path.read_bytes() == new
