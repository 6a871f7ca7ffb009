"""The result cache: findings keyed by a file's content, birnn-lint's version and the
active settings, under a root folder the CLI chooses (`.birnn_lint_cache/`).

Layout (everything below the root is disposable; `clean` removes it whole):

    CACHEDIR.TAG, .gitignore            mark the folder as a cache for backup tools and git
    <bucket>/entries/<sha256>.json      findings for one content, in one bucket
    <bucket>/index.json                 path -> (stat signature, content hash): lets a warm
                                        run skip reading and hashing unchanged files

A bucket is one combination of birnn-lint version, Python version and selected codes, so
changing any of them starts afresh without touching what other settings stored.

Safety: every file is written to a temporary name and renamed into place, so readers see
a whole entry or none; an entry that does not parse is a miss. Concurrent runs may race
on the same entry: both write the same content-derived findings, so either wins. The
index is only a shortcut to a content hash: it is trusted for a file only when its size,
mtime, ctime, inode and device are unchanged AND its last change (ctime) was well before
the index entry was made, so a rewrite within the filesystem's timestamp granularity
cannot be mistaken for the old content (git's "racy" rule).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from birnn_lint import __version__
from birnn_lint.findings import Edit, Finding, Fix, Position

CACHE_DIR_NAME = ".birnn_lint_cache"
_TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
_TAG = (
    f"{_TAG_SIGNATURE}\n"
    "# This file is a cache directory tag created by birnn-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_FORMAT = 1
# A file changed less than this long before it was stat'ed is not put in the index:
# timestamps are coarse (a clock tick, or 2 s on FAT), and a second write within the
# same tick would leave every stat field but the content unchanged.
_RACY_SECONDS = 2.0

# Unreferenced entries kept before pruning: files checked while still changing (not
# indexed yet) and other runs' files reuse them.
_SPARE_ENTRIES = 256

# (size, mtime_ns, ctime_ns, inode, device)
StatSignature = tuple[int, int, int, int, int]


class CacheError(Exception):
    """The cache root exists but is not a birnn-lint cache (so it is not removed)."""


def settings_key(codes: Iterable[str] | None) -> str:
    """What the findings of a content depend on besides the content itself."""
    selected = "all" if codes is None else ",".join(sorted(codes))
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    material = f"{_FORMAT}|{__version__}|{python}|{selected}"
    import hashlib  # here, not at the top: the CLI imports this module for a name only

    return hashlib.sha256(material.encode()).hexdigest()[:16]


def content_hash(raw: bytes) -> str:
    import hashlib

    return hashlib.sha256(raw).hexdigest()


def signature(result: os.stat_result) -> StatSignature:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino, result.st_dev)


def is_settled(result: os.stat_result, now: float) -> bool:
    """True when the file's last change is old enough for its stat to identify it."""
    return result.st_ctime < now - _RACY_SECONDS and result.st_mtime < now - _RACY_SECONDS


# --- findings <-> JSON ------------------------------------------------------------------


def _pos(position: Position) -> list[int]:
    return [position.row, position.column]


def _finding_to_data(finding: Finding) -> dict[str, Any]:
    """Everything but the filename: one content can sit at several paths."""
    data: dict[str, Any] = {
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
        "location": _pos(finding.location),
        "end": _pos(finding.end_location),
    }
    if finding.fix is not None:
        data["fix"] = {
            "applicability": finding.fix.applicability,
            "message": finding.fix.message,
            "edits": [
                [e.content, _pos(e.location), _pos(e.end_location)] for e in finding.fix.edits
            ],
        }
    if finding.statement is not None:
        data["statement"] = [_pos(finding.statement[0]), _pos(finding.statement[1])]
    if finding.cell is not None:
        data["cell"] = finding.cell
    if finding.file_span is not None:
        data["file_span"] = [_pos(finding.file_span[0]), _pos(finding.file_span[1])]
    return data


def _position(data: Any) -> Position:
    row, column = data
    if not isinstance(row, int) or not isinstance(column, int):
        raise TypeError("position")
    return Position(row, column)


def _finding_from_data(data: dict[str, Any], filename: str) -> Finding:
    fix = None
    if data.get("fix") is not None:
        raw_fix = data["fix"]
        fix = Fix(
            applicability=raw_fix["applicability"],
            message=str(raw_fix["message"]),
            edits=tuple(
                Edit(str(content), _position(start), _position(end))
                for content, start, end in raw_fix["edits"]
            ),
        )
    statement = None
    if data.get("statement") is not None:
        start, end = data["statement"]
        statement = (_position(start), _position(end))
    file_span = None
    if data.get("file_span") is not None:
        start, end = data["file_span"]
        file_span = (_position(start), _position(end))
    cell = data.get("cell")
    if cell is not None and not isinstance(cell, int):
        raise TypeError("cell")
    return Finding(
        code=str(data["code"]),
        message=str(data["message"]),
        filename=filename,
        location=_position(data["location"]),
        end_location=_position(data["end"]),
        fix=fix,
        name=str(data["name"]),
        statement=statement,
        cell=cell,
        file_span=file_span,
    )


# --- files --------------------------------------------------------------------------------


def _write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and a rename."""
    import tempfile

    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _ensure_root(root: Path) -> None:
    """Create the root with its CACHEDIR.TAG and a .gitignore ignoring everything."""
    if (root / "CACHEDIR.TAG").is_file():
        return
    root.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", "# Created by birnn-lint.\n*\n"), ("CACHEDIR.TAG", _TAG)):
        target = root / name
        if not target.exists():
            _write_atomic(target, text.encode())


class Cache:
    """One bucket of the cache: the findings for one set of settings.

    Every method is best effort: an OSError (read-only folder, full disk, a concurrent
    `clean`) makes a read a miss and a write a no-op, never a failed run.
    """

    def __init__(self, root: Path, codes: Iterable[str] | None) -> None:
        self.root = Path(root)
        self.bucket = self.root / settings_key(codes)
        self.entries = self.bucket / "entries"
        self._ready = False

    # entries

    def _entry_path(self, digest: str) -> Path:
        return self.entries / f"{digest}.json"

    def get(self, digest: str, filename: str) -> list[Finding] | None:
        """The cached findings for content `digest`, reported under `filename`."""
        found = self.lookup(digest, filename)
        return found[0] if found is not None else None

    def lookup(self, digest: str, filename: str) -> tuple[list[Finding], bool] | None:
        """`get`, and whether the findings depend on other files (then still unchanged)."""
        import json

        try:
            with open(self._entry_path(digest), "rb") as handle:
                data = json.loads(handle.read())
            depends = data.get("depends", [])
            for dependency in depends:
                path, stat = dependency[0], tuple(dependency[1:])
                if stat != signature(os.stat(path)):
                    return None  # a file its findings were drawn from has changed
            findings = [_finding_from_data(item, filename) for item in data["findings"]]
            return findings, bool(depends)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None

    def put(self, digest: str, findings: Sequence[Finding], depends: Sequence[Path] = ()) -> None:
        """Store the findings of content `digest`; `depends`: the other files they were
        drawn from (kept with their stat, checked by `get`)."""
        import json
        import time

        payload: dict[str, Any] = {"findings": [_finding_to_data(f) for f in findings]}
        if depends:
            stats = []
            now = time.time()
            try:
                for path in depends:
                    result = os.stat(path)
                    if not is_settled(result, now):
                        return  # changed just now: its stat may not tell the next change
                    stats.append([str(path), *signature(result)])
            except OSError:
                return
            payload["depends"] = stats
        data = json.dumps(payload, separators=(",", ":")).encode()
        try:
            self._prepare()
            _write_atomic(self._entry_path(digest), data)
        except OSError:
            pass

    def _prepare(self) -> None:
        if not self._ready:
            _ensure_root(self.root)
            self.entries.mkdir(parents=True, exist_ok=True)
            self._ready = True

    # index

    @property
    def _index_path(self) -> Path:
        return self.bucket / "index.json"

    def load_index(self) -> dict[str, list[Any]]:
        """abspath -> [size, mtime_ns, ctime_ns, inode, device, digest, has_findings]."""
        import json

        try:
            with open(self._index_path, "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def save_index(self, updates: dict[str, list[Any]], present: Iterable[str] = ()) -> None:
        """Merge `updates` into the index on disk (re-read now, so that entries written by
        a concurrent run are kept unless this run saw newer ones), and prune it: paths
        that no longer exist leave the index (`present`: paths this run saw, not stat'ed
        again), and entries no index path refers to are removed once they outnumber the
        referenced ones, so the cache stays bounded on a project whose files come and go.
        """
        import json

        files = self.load_index()
        known = set(present) | set(updates)
        gone = [path for path in files if path not in known and not os.path.lexists(path)]
        if not updates and not gone:
            return
        for path in gone:
            del files[path]
        files.update(updates)
        data = json.dumps({"format": _FORMAT, "files": files}, separators=(",", ":"))
        try:
            self._prepare()
            _write_atomic(self._index_path, data.encode())
        except OSError:
            return
        self._prune_entries(files)

    def _prune_entries(self, files: dict[str, list[Any]]) -> None:
        referenced = {entry[5] for entry in files.values() if isinstance(entry, list)}
        try:
            with os.scandir(self.entries) as listing:
                names = [entry.name for entry in listing]
        except OSError:
            return
        if len(names) <= 2 * len(referenced) + _SPARE_ENTRIES:
            return
        for name in names:
            if name.endswith(".json") and name[: -len(".json")] not in referenced:
                try:
                    os.unlink(self.entries / name)
                except OSError:
                    pass  # removed by a concurrent run, or not ours to remove


def index_hit(entry: Any, result: os.stat_result) -> tuple[str, bool] | None:
    """(digest, has_findings) when an index entry matches the file's stat exactly."""
    if not isinstance(entry, list) or len(entry) != 7:
        return None
    if tuple(entry[:5]) != signature(result):
        return None
    digest, has_findings = entry[5], entry[6]
    if not isinstance(digest, str) or not isinstance(has_findings, bool):
        return None
    return digest, has_findings


def index_entry(result: os.stat_result, digest: str, has_findings: bool) -> list[Any]:
    return [*signature(result), digest, has_findings]


def clean(root: Path) -> bool:
    """Remove the cache at `root`; False when there was none. Refuses (CacheError) to
    remove a folder that is not a birnn-lint cache."""
    import shutil

    root = Path(root)
    if not root.exists() and not root.is_symlink():
        return False
    if root.is_symlink() or not root.is_dir():
        raise CacheError(f"{root} is not a birnn-lint cache folder")
    tag = root / "CACHEDIR.TAG"
    try:
        tagged = tag.read_text(encoding="utf-8", errors="replace").startswith(_TAG_SIGNATURE)
    except OSError:
        tagged = False
    if not tagged and any(root.iterdir()):
        raise CacheError(
            f"{root} has no CACHEDIR.TAG: not removing a folder birnn-lint did not make"
        )
    shutil.rmtree(root, ignore_errors=True)
    if root.exists():
        shutil.rmtree(root)  # report what could not be removed
    return True


__all__ = ["CACHE_DIR_NAME", "Cache", "CacheError", "clean", "content_hash", "settings_key"]
