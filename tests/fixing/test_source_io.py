"""Decoding and reading source files: what Python would decode, newlines untouched."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from birnn_lint.source_io import (
    SourceReadError,
    SourceWriteError,
    decode_source,
    encode_source,
    read_source,
)

ROUND_TRIPS = {
    "utf8": "x = 'é'\n".encode(),
    "bom": codecs.BOM_UTF8 + "x = 'é'\r\n".encode(),
    "latin1-cookie": "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
    "cp1252-cookie-line2": "#!/usr/bin/env python\n# coding=cp1252\nx = '€'\n".encode("cp1252"),
    "crlf": b"a = 1\r\nb = 2\r\n",
    "cr": b"a = 1\rb = 2\r",
    "mixed": b"a = 1\r\nb = 2\rc = 3\nd = 4",
    "trailing-whitespace-and-tabs": b"a = 1   \n\tb = 2\t\n\n\n",
    "empty": b"",
    "null-bytes": b"x = 1\x00\n",
}


@pytest.mark.parametrize("raw", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_decode_then_encode_gives_the_same_bytes(raw: bytes) -> None:
    text, encoding, bom = decode_source(raw)
    assert encode_source(text, encoding, bom) == raw


def test_newlines_are_not_translated() -> None:
    text, _, _ = decode_source(ROUND_TRIPS["mixed"])
    assert text == "a = 1\r\nb = 2\rc = 3\nd = 4"


def test_bom_is_reported_and_stripped_from_the_text() -> None:
    text, encoding, bom = decode_source(ROUND_TRIPS["bom"])
    assert (text, encoding, bom) == ("x = 'é'\r\n", "utf-8", True)


def test_coding_cookie_is_honoured() -> None:
    text, encoding, bom = decode_source(ROUND_TRIPS["latin1-cookie"])
    assert text.endswith("x = 'é'\n")
    assert codecs.lookup(encoding).name == "iso8859-1"
    assert bom is False


def test_null_bytes_are_not_a_decoding_error() -> None:
    assert decode_source(b"x = 1\x00\n")[0] == "x = 1\x00\n"


def test_invalid_utf8_says_where() -> None:
    raw = "a = 1\nb = 2\r\ns = 'é".encode() + b"\xff'\n"
    with pytest.raises(SourceReadError) as caught:
        decode_source(raw)
    assert str(caught.value) == "invalid UTF-8 at line 3, column 7 (byte 0xff)"


def test_invalid_utf8_on_the_first_line() -> None:
    with pytest.raises(SourceReadError, match=r"invalid UTF-8 at line 1, column 6 \(byte 0xe9\)"):
        decode_source(b"x = '\xe9'\n")


def test_unknown_encoding_cookie() -> None:
    with pytest.raises(SourceReadError) as caught:
        decode_source(b"# -*- coding: klingon -*-\nx = 1\n")
    assert str(caught.value) == "unknown encoding in the coding cookie: 'klingon'"


def test_bom_with_a_conflicting_cookie() -> None:
    with pytest.raises(SourceReadError, match="byte order mark"):
        decode_source(codecs.BOM_UTF8 + b"# coding: latin-1\nx = 1\n")


def test_text_that_the_encoding_cannot_hold_is_refused() -> None:
    with pytest.raises(SourceWriteError) as caught:
        encode_source("a = 1\nb = '€'\n", "iso-8859-1", False)
    assert "line 2, column 6" in str(caught.value)


def test_read_source_records_what_it_read(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    raw = ROUND_TRIPS["latin1-cookie"]
    path.write_bytes(raw)
    os.chmod(path, 0o640)
    source = read_source(path)
    expected = os.stat(path)
    assert source.path == path
    assert source.raw == raw
    assert source.text == raw.decode("latin-1")
    assert source.mode == 0o640
    snapshot = source.snapshot
    assert (snapshot.inode, snapshot.size, snapshot.mtime_ns) == (
        expected.st_ino,
        expected.st_size,
        expected.st_mtime_ns,
    )


def read_error(path: Path) -> str:
    with pytest.raises(SourceReadError) as caught:
        read_source(path)
    assert caught.value.path == path
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_unreadable_paths_give_one_line_messages(tmp_path: Path) -> None:
    folder = tmp_path / "x.py"
    folder.mkdir()
    assert read_error(folder) == "is a directory, not a file"

    assert read_error(tmp_path / "missing.py") == "no such file (it may have been deleted)"

    broken = tmp_path / "broken.py"
    broken.symlink_to(tmp_path / "nowhere.py")
    assert read_error(broken) == "broken symbolic link: its target does not exist"

    loop = tmp_path / "loop.py"
    loop.symlink_to(tmp_path / "loop2.py")
    (tmp_path / "loop2.py").symlink_to(loop)
    assert read_error(loop) == "symbolic link loop"

    (tmp_path / "file.txt").write_text("")
    assert read_error(tmp_path / "file.txt" / "x.py") == (
        "a component of the path is not a directory"
    )

    bad = tmp_path / "bad.py"
    bad.write_bytes(b"x = '\xff'\n")
    assert read_error(bad) == "invalid UTF-8 at line 1, column 6 (byte 0xff)"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    assert read_error(fifo) == "not a regular file"


def test_symlink_is_read_through(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_bytes(b"x = 1\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert read_source(link).text == "x = 1\n"


# Imports first, then drop to `nobody`: the interpreter may live where nobody cannot read.
_READ_AS_OTHER_USER = """
import json, os, sys
from pathlib import Path
from birnn_lint.source_io import SourceReadError, read_source
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
try:
    read_source(Path(sys.argv[1]))
    print(json.dumps(None))
except SourceReadError as error:
    print(json.dumps(str(error)))
"""


def test_a_file_without_read_permission(tmp_path: Path) -> None:
    """Mode 000. Root may read anything, so as root the check runs as `nobody`."""
    if os.geteuid() != 0:
        path = tmp_path / "secret.py"
        path.write_text("x = 1\n")
        os.chmod(path, 0)
        assert read_error(path) == "permission denied"
        return
    folder = Path(tempfile.mkdtemp(prefix="birnn-lint-perm-"))
    try:
        os.chmod(folder, 0o755)
        path = folder / "secret.py"
        path.write_text("x = 1\n")
        os.chmod(path, 0)
        result = subprocess.run(
            [sys.executable, "-c", _READ_AS_OTHER_USER, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd="/",
        )
        assert json.loads(result.stdout) == "permission denied"
    finally:
        shutil.rmtree(folder)
