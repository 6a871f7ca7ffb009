"""Module summaries on disk, under the result cache's root (`.birnn_lint_cache/`), so a
later run, or another worker process of the same run, reads a summary instead of
parsing the module again (parsing is most of what reading a module costs).

    <cache root>/project-<key>/<hash[:2]>/<hash>.json

`key` changes with birnn-lint's version, the Python version (its parser) and this
format, so an older layout is never misread. Best effort like the result cache: an
entry that cannot be read or does not parse is a miss; a failed write is skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any

from birnn_lint import __version__
from birnn_lint.cache import _ensure_root, _write_atomic
from birnn_lint.project.summary import (
    MISSING,
    AssignmentInfo,
    Binding,
    ClassInfo,
    FunctionInfo,
    ImportInfo,
    Missing,
    ModuleSummary,
    StarImport,
)

_FORMAT = 1
_UNPARSABLE = {"unparsable": True}


def _binding_data(binding: Binding) -> list[Any]:
    if isinstance(binding, ClassInfo):
        return ["c", binding.name, list(binding.bases), binding.line, binding.end_line]
    if isinstance(binding, FunctionInfo):
        return ["f", binding.name, binding.line, binding.end_line, binding.is_async]
    if isinstance(binding, AssignmentInfo):
        return ["a", binding.name, binding.value, binding.is_call, binding.line, binding.end_line]
    return ["i", binding.local, binding.module, binding.name, binding.level, binding.line]


def _binding(data: list[Any]) -> Binding:
    tag, *fields = data
    if tag == "c":
        name, bases, line, end = fields
        return ClassInfo(str(name), tuple(str(b) for b in bases), int(line), int(end))
    if tag == "f":
        name, line, end, is_async = fields
        return FunctionInfo(str(name), int(line), int(end), bool(is_async))
    if tag == "a":
        name, value, is_call, line, end = fields
        text = None if value is None else str(value)
        return AssignmentInfo(str(name), text, bool(is_call), int(line), int(end))
    if tag == "i":
        local, module, name, level, line = fields
        imported = None if name is None else str(name)
        return ImportInfo(str(local), str(module), imported, int(level), int(line))
    raise ValueError(tag)


def to_data(summary: ModuleSummary | None) -> dict[str, Any]:
    if summary is None:
        return dict(_UNPARSABLE)
    return {
        "bindings": [_binding_data(b) for b in summary.bindings.values()],
        "stars": [[s.module, s.level, s.line] for s in summary.star_imports],
        "all": None if summary.all_names is None else list(summary.all_names),
        "torch": dict(summary.torch_names),
    }


def from_data(data: dict[str, Any]) -> ModuleSummary | None:
    if data.get("unparsable") is True:
        return None
    bindings = {}
    for item in data["bindings"]:
        binding = _binding(item)
        bindings[binding.local if isinstance(binding, ImportInfo) else binding.name] = binding
    all_names = data["all"]
    return ModuleSummary(
        bindings=MappingProxyType(bindings),
        star_imports=tuple(StarImport(str(m), int(lv), int(ln)) for m, lv, ln in data["stars"]),
        all_names=None if all_names is None else tuple(str(n) for n in all_names),
        torch_names=MappingProxyType({str(k): str(v) for k, v in data["torch"].items()}),
    )


class SummaryStore:
    """A `SummaryStorage` in files below the result cache's root."""

    def __init__(self, cache_root: Path) -> None:
        self.cache_root = Path(cache_root)
        python = f"{sys.version_info[0]}.{sys.version_info[1]}"
        self.folder = self.cache_root / f"project-{_FORMAT}-{__version__}-py{python}"

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> ModuleSummary | None | Missing:
        try:
            with open(self._entry(key), "rb") as handle:
                data = json.loads(handle.read())
            return from_data(data)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return MISSING

    def put(self, key: str, summary: ModuleSummary | None) -> None:
        payload = json.dumps(to_data(summary), separators=(",", ":")).encode()
        entry = self._entry(key)
        try:
            _ensure_root(self.cache_root)
            entry.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(entry, payload)
        except OSError:
            pass
