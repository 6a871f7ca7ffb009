"""write_atomic: the file is replaced whole or not at all, and never behind the user's back."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from birnn_lint.source_io import SourceFile, SourceWriteError, read_source, write_atomic

ORIGINAL = b"# -*- coding: latin-1 -*-\r\nx = '\xe9'\r\ny = 2\r\n"
NEW_TEXT = "# -*- coding: latin-1 -*-\r\nx = '\xe9'\r\ny = 3\r\n"


def make(folder: Path, name: str = "m.py", data: bytes = ORIGINAL, mode: int = 0o644) -> Path:
    path = folder / name
    path.write_bytes(data)
    os.chmod(path, mode)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".birnn-lint.tmp"))


def refused(source: SourceFile, text: str = NEW_TEXT) -> str:
    with pytest.raises(SourceWriteError) as caught:
        write_atomic(source, text)
    return str(caught.value)


def test_writes_in_the_original_encoding_and_keeps_the_mode(tmp_path: Path) -> None:
    path = make(tmp_path, mode=0o751)
    inode = os.stat(path).st_ino
    write_atomic(read_source(path), NEW_TEXT)
    assert path.read_bytes() == ORIGINAL.replace(b"y = 2", b"y = 3")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    assert os.stat(path).st_ino != inode  # replaced by rename, not rewritten in place
    assert leftovers(tmp_path) == []


def test_bom_is_written_back(tmp_path: Path) -> None:
    path = make(tmp_path, data=b"\xef\xbb\xbfx = '\xc3\xa9'\n")
    write_atomic(read_source(path), "x = 'è'\n")
    assert path.read_bytes() == b"\xef\xbb\xbfx = '\xc3\xa8'\n"


def test_symlink_stays_a_link_and_its_target_is_fixed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = make(tmp_path / "real", mode=0o600)
    link = tmp_path / "link.py"
    link.symlink_to(Path("real") / "m.py")
    write_atomic(read_source(link), NEW_TEXT)
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("real") / "m.py")
    assert target.read_bytes() == ORIGINAL.replace(b"y = 2", b"y = 3")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert leftovers(tmp_path) == leftovers(tmp_path / "real") == []


def test_read_only_file_is_reported_and_untouched(tmp_path: Path) -> None:
    path = make(tmp_path, mode=0o444)
    before = os.stat(path)
    assert refused(read_source(path)) == "not written: the file is read-only"
    assert path.read_bytes() == ORIGINAL
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns, after.st_mode) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_mode,
    )
    assert leftovers(tmp_path) == []


def test_file_changed_after_reading_is_not_overwritten(tmp_path: Path) -> None:
    path = make(tmp_path)
    source = read_source(path)
    path.write_bytes(ORIGINAL + b"z = 4\r\n")
    assert refused(source) == "not written: the file changed on disk after it was read"
    assert path.read_bytes() == ORIGINAL + b"z = 4\r\n"


def test_same_size_edit_with_restored_mtime_is_still_detected(tmp_path: Path) -> None:
    path = make(tmp_path)
    source = read_source(path)
    edited = ORIGINAL.replace(b"y = 2", b"y = 9")
    path.write_bytes(edited)
    os.utime(path, ns=(source.snapshot.mtime_ns, source.snapshot.mtime_ns))
    assert refused(source) == "not written: the file changed on disk after it was read"
    assert path.read_bytes() == edited


def test_file_replaced_or_deleted_after_reading(tmp_path: Path) -> None:
    path = make(tmp_path)
    source = read_source(path)
    os.unlink(path)
    assert refused(source) == "not written: the file was deleted after it was read"
    assert not path.exists()
    make(tmp_path)  # same bytes, but another file (inode)
    assert refused(source) == "not written: the file changed on disk after it was read"
    assert path.read_bytes() == ORIGINAL


def test_hard_linked_file_is_not_split(tmp_path: Path) -> None:
    path = make(tmp_path)
    os.link(path, tmp_path / "other.py")
    assert "2 hard links" in refused(read_source(path))
    assert path.read_bytes() == (tmp_path / "other.py").read_bytes() == ORIGINAL


def test_text_the_encoding_cannot_hold_is_refused(tmp_path: Path) -> None:
    path = make(tmp_path)
    message = refused(read_source(path), NEW_TEXT.replace("y = 3", "y = '€'"))
    assert "cannot be encoded" in message and "iso-8859-1" in message
    assert path.read_bytes() == ORIGINAL
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_is_kept(tmp_path: Path) -> None:
    path = make(tmp_path)
    os.chown(path, 65534, 65534)
    write_atomic(read_source(path), NEW_TEXT)
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (65534, 65534)


# --- faults in the middle of the write ------------------------------------------------


def _fails_for_temp_files(real, error: OSError):
    """Wrap an os function so it fails only on birnn-lint's temporary file."""

    def wrapper(*args, **kwargs):
        fd = args[0]
        name = os.readlink(f"/proc/self/fd/{fd}") if isinstance(fd, int) else str(fd)
        if name.endswith(".birnn-lint.tmp"):
            raise error
        return real(*args, **kwargs)

    return wrapper


def assert_intact(path: Path, folder: Path) -> None:
    assert path.read_bytes() == ORIGINAL
    assert leftovers(folder) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_disk_full_after_a_partial_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make(tmp_path)
    source = read_source(path)
    real_write = os.write
    calls = []

    def write(fd: int, data) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".birnn-lint.tmp"):
            calls.append(len(data))
            if len(calls) > 1:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, bytes(data[:10]))  # a short write, then the disk is full
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    assert refused(source) == "not written: No space left on device"
    monkeypatch.undo()
    assert calls[0] == len(ORIGINAL)
    assert_intact(path, tmp_path)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_fsync_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make(tmp_path)
    source = read_source(path)
    monkeypatch.setattr(
        os, "fsync", _fails_for_temp_files(os.fsync, OSError(errno.EIO, os.strerror(errno.EIO)))
    )
    assert refused(source) == "not written: Input/output error"
    monkeypatch.undo()
    assert_intact(path, tmp_path)


def test_rename_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make(tmp_path)
    source = read_source(path)

    def replace(src, dst) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(os, "replace", replace)
    assert "not written: Invalid cross-device link" == refused(source)
    monkeypatch.undo()
    assert_intact(path, tmp_path)


def test_interrupt_during_the_write_removes_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path)
    source = read_source(path)

    def replace(src, dst) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(source, NEW_TEXT)
    monkeypatch.undo()
    assert_intact(path, tmp_path)


_WRITE_UNDER_A_FILE_SIZE_LIMIT = """
import json, resource, signal, sys
from pathlib import Path
from birnn_lint.source_io import SourceWriteError, read_source, write_atomic
source = read_source(Path(sys.argv[1]))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write(), not a killed process
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
try:
    write_atomic(source, source.text + "y = 0\\n" * 1000)
    print(json.dumps(None))
except SourceWriteError as error:
    print(json.dumps(str(error)))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_a_real_write_failure_from_the_kernel(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel fail write() with EFBIG past a size: a real fault
    in the middle of the write, without root."""
    path = make(tmp_path)
    limit = len(ORIGINAL) + 100
    result = subprocess.run(
        [sys.executable, "-c", _WRITE_UNDER_A_FILE_SIZE_LIMIT, str(path), str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == "not written: File too large"
    assert_intact(path, tmp_path)


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, where root may mount one; skipped elsewhere."""
    mount_point = tmp_path / f"tiny-{uuid.uuid4().hex[:8]}"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_full_disk_on_a_tiny_filesystem(tiny_filesystem: Path) -> None:
    path = make(tiny_filesystem)
    filler = tiny_filesystem / "filler.bin"
    with open(filler, "wb", buffering=0) as handle:  # fill the filesystem to the last page
        with pytest.raises(OSError) as full:
            while True:
                handle.write(b"\0" * 4096)
        assert full.value.errno == errno.ENOSPC
    source = read_source(path)
    assert refused(source, NEW_TEXT + "z = 0\r\n" * 2000) == "not written: No space left on device"
    assert_intact(path, tiny_filesystem)
    # Once there is room again, the same write goes through.
    filler.unlink()
    write_atomic(source, NEW_TEXT)
    assert path.read_bytes() == ORIGINAL.replace(b"y = 2", b"y = 3")
    assert leftovers(tiny_filesystem) == []
