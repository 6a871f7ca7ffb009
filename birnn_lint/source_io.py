"""Reading and writing the files birnn-lint checks and fixes, without losing a byte.

Text is decoded the way Python itself decides a file's encoding (PEP 263 cookie, UTF-8
BOM) and never has its newlines translated, so that writing a fixed file back changes
only the fixed spans. Writing goes through a temporary file in the same folder and a
rename, and is refused whenever it could overwrite something the user did not expect.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


class SourceReadError(Exception):
    """The file cannot be read or decoded; the message is one line without the path.
    `row` and `column` (1-based) say where, for a byte that does not decode."""

    def __init__(
        self, message: str, path: Path | None = None, row: int = 1, column: int = 1
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.row = row
        self.column = column


class SourceWriteError(Exception):
    """The fixed text was not written; the file on disk is as it was."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class FileSnapshot:
    """What identifies the version of a file that was read (of the symlink's target)."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    mode: int
    uid: int
    gid: int
    nlink: int

    @classmethod
    def of(cls, result: os.stat_result) -> FileSnapshot:
        return cls(
            device=result.st_dev,
            inode=result.st_ino,
            size=result.st_size,
            mtime_ns=result.st_mtime_ns,
            mode=result.st_mode,
            uid=result.st_uid,
            gid=result.st_gid,
            nlink=result.st_nlink,
        )

    def same_version(self, other: FileSnapshot) -> bool:
        return (self.device, self.inode, self.size, self.mtime_ns) == (
            other.device,
            other.inode,
            other.size,
            other.mtime_ns,
        )


@dataclass(frozen=True)
class SourceFile:
    path: Path
    raw: bytes
    text: str
    encoding: str
    bom: bool
    snapshot: FileSnapshot

    @property
    def mode(self) -> int:
        """The permission bits (as for `os.chmod`)."""
        return stat.S_IMODE(self.snapshot.mode)


# --- decoding -------------------------------------------------------------------------


def _position_of_byte(raw: bytes, offset: int, encoding: str) -> tuple[int, int]:
    """1-based line and column (in code points) of the byte at `offset`."""
    line = 1
    line_start = 0
    for match in _LINE_BREAK.finditer(raw, 0, offset):
        line += 1
        line_start = match.end()
    column = len(raw[line_start:offset].decode(encoding, errors="replace")) + 1
    return line, column


def _decode_error(raw: bytes, encoding: str, error: UnicodeDecodeError) -> SourceReadError:
    line, column = _position_of_byte(raw, error.start, encoding)
    bad = raw[error.start : error.start + 1].hex()
    name = "UTF-8" if codecs.lookup(encoding).name.startswith("utf-8") else encoding
    return SourceReadError(
        f"invalid {name} at line {line}, column {column} (byte 0x{bad})", row=line, column=column
    )


def decode_source(raw: bytes) -> tuple[str, str, bool]:
    """(text, encoding, bom) for a file's bytes, as Python would decode them.

    `encoding` is the codec to write the text back with ("utf-8" when there is a BOM:
    the BOM is reported separately). Newlines are kept exactly as they are. Null bytes
    decode fine: they are a syntax error, reported by the engine, not a decoding error.
    """
    try:
        detected, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as error:
        message = str(error)
        if "unknown encoding" in message:
            name = message.rsplit(":", 1)[-1].strip()
            raise SourceReadError(f"unknown encoding in the coding cookie: {name!r}") from None
        if "encoding problem" in message:
            raise SourceReadError(
                "the file starts with a UTF-8 byte order mark but its coding cookie "
                "names another encoding"
            ) from None
        # An undecodable first line without a cookie: say where, as for any other line.
        detected = "utf-8"
    bom = detected == "utf-8-sig"
    encoding = "utf-8" if bom else detected
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        raise _decode_error(body, encoding, error) from None
    return text, encoding, bom


def encode_source(text: str, encoding: str, bom: bool) -> bytes:
    """The bytes for `text` in the file's encoding; SourceWriteError if a character
    cannot be represented in it (e.g. a fix inserting non-Latin-1 text)."""
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError as error:
        before = text[: error.start]
        line = 1 + len(re.findall(r"\r\n|\r|\n", before))
        column = len(re.split(r"\r\n|\r|\n", before)[-1]) + 1
        raise SourceWriteError(
            f"the fixed text cannot be encoded in the file's encoding {encoding} "
            f"(character {text[error.start]!r} at line {line}, column {column})"
        ) from None
    return codecs.BOM_UTF8 + body if bom else body


# --- reading --------------------------------------------------------------------------


def _explain_os_error(error: OSError, path: Path) -> str:
    if error.errno == errno.ENOENT:
        if os.path.islink(path):
            return "broken symbolic link: its target does not exist"
        return "no such file (it may have been deleted)"
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EISDIR:
        return "is a directory, not a file"
    if error.errno == errno.ENOTDIR:
        return "a component of the path is not a directory"
    return f"cannot read: {error.strerror or error}"


def read_source(path: Path) -> SourceFile:
    """Read and decode one file; SourceReadError with a one-line message otherwise."""
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO named *.py must not hang the run.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise SourceReadError(_explain_os_error(error, path), path) from None
    try:
        result = os.fstat(fd)
        if stat.S_ISDIR(result.st_mode):
            raise SourceReadError("is a directory, not a file", path)
        if not stat.S_ISREG(result.st_mode):
            raise SourceReadError("not a regular file", path)
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as error:
        raise SourceReadError(_explain_os_error(error, path), path) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    try:
        text, encoding, bom = decode_source(raw)
    except SourceReadError as error:
        raise SourceReadError(error.message, path, error.row, error.column) from None
    return SourceFile(path, raw, text, encoding, bom, FileSnapshot.of(result))


# --- writing --------------------------------------------------------------------------


def _refuse(path: Path, message: str) -> SourceWriteError:
    return SourceWriteError(f"not written: {message}", path)


def _check_unchanged(original: SourceFile, target: Path) -> os.stat_result:
    """Stat of `target`, or SourceWriteError if it is not the version that was read."""
    try:
        current = os.stat(target)
    except FileNotFoundError:
        raise _refuse(original.path, "the file was deleted after it was read") from None
    except OSError as error:
        raise _refuse(original.path, f"cannot stat the file: {error.strerror}") from None
    if not FileSnapshot.of(current).same_version(original.snapshot):
        raise _refuse(original.path, "the file changed on disk after it was read")
    return current


def _content_unchanged(original: SourceFile, target: Path) -> bool:
    try:
        with open(target, "rb") as handle:
            return handle.read() == original.raw
    except OSError:
        return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; not every platform or filesystem allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(original: SourceFile, new_text: str) -> None:
    """Replace the file read as `original` by `new_text`, atomically.

    Written in the original encoding (and BOM), through a temporary file in the same
    folder that is fsynced and renamed over the file, with the file's mode (and owner,
    where that is allowed). A symlink is followed: its target is replaced, the link stays.
    Refused (SourceWriteError, nothing changed on disk) when the file changed since it was
    read, is read-only, has several hard links (a rename would split them), or the text
    is not encodable. Any failure leaves the original intact and no temporary file.
    """
    data = encode_source(new_text, original.encoding, original.bom)
    target = Path(os.path.realpath(original.path))
    current = _check_unchanged(original, target)
    if not _content_unchanged(original, target):
        raise _refuse(original.path, "the file changed on disk after it was read")
    mode = stat.S_IMODE(current.st_mode)
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise _refuse(original.path, "the file is read-only")
    if current.st_nlink > 1:
        raise _refuse(
            original.path,
            f"the file has {current.st_nlink} hard links; replacing it would split them",
        )

    import tempfile  # here: only a fix writes files, and tempfile is slow to import

    folder = target.parent
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".birnn-lint.tmp", dir=folder
        )
    except OSError as error:
        raise _refuse(
            original.path, f"cannot create a temporary file in {folder}: {error.strerror}"
        ) from None
    temp = Path(temp_name)
    try:
        try:
            _write_all(fd, data)
            if hasattr(os, "fchmod"):  # POSIX; elsewhere chmod by name below
                os.fchmod(fd, mode)
                _keep_owner(fd, current, original.path)
            os.fsync(fd)
        finally:
            os.close(fd)
        if not hasattr(os, "fchmod"):
            os.chmod(temp, mode)
        # A last look right before the rename narrows the window for concurrent edits.
        _check_unchanged(original, target)
        os.replace(temp, target)
    except SourceWriteError:
        _remove_quietly(temp)
        raise
    except OSError as error:
        _remove_quietly(temp)
        raise _refuse(original.path, error.strerror or str(error)) from None
    except BaseException:
        _remove_quietly(temp)
        raise
    _fsync_folder(folder)


def _keep_owner(fd: int, current: os.stat_result, path: Path) -> None:
    """The replacement is created by this user: give it the original's owner, or refuse
    rather than silently hand someone else's file to this user."""
    created = os.fstat(fd)
    if (created.st_uid, created.st_gid) == (current.st_uid, current.st_gid):
        return
    try:
        os.fchown(fd, current.st_uid, current.st_gid)
    except PermissionError:
        raise _refuse(
            path, f"cannot keep the file's owner (uid {current.st_uid}, gid {current.st_gid})"
        ) from None


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


__all__ = [
    "FileSnapshot",
    "SourceFile",
    "SourceReadError",
    "SourceWriteError",
    "decode_source",
    "encode_source",
    "read_source",
    "write_atomic",
]
