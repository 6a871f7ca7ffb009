"""The settings a document is checked under: its project's `[tool.birnn-lint]`, found
from the document's folder as `check` finds it from the current folder, with the
client's `select`, `ignore` and `unsafeFixes` on top (as the command line's flags are).

Projects are read once and cached per folder; a change to a configuration file
(`workspace/didChangeWatchedFiles`) clears the cache and bumps `generation`, so that
every open document is checked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from birnn_lint.config import (
    ConfigError,
    LoadedConfig,
    Options,
    Settings,
    load_config,
    parse_selectors,
    resolve,
)

# Keys of the client's settings, as sent in `initializationOptions` or
# `workspace/didChangeConfiguration` (at the top level, or under "settings" or
# "birnn-lint").
_NESTS = ("birnn-lint", "birnn_lint", "settings")


@dataclass(frozen=True)
class ClientSettings:
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    # Offer unsafe fixes as quick fixes on their own finding (never in "fix all").
    unsafe_fixes: bool = True

    def options(self) -> Options:
        return Options(select=self.select, ignore=self.ignore)


def _strings(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"client setting `{key}` must be a list of rule codes")
    return [item for item in value if item]


def client_settings(raw: Any) -> ClientSettings:
    """The client's settings from what it sent; ConfigError names a bad value."""
    if not isinstance(raw, Mapping):
        return ClientSettings()
    for nest in _NESTS:
        inner = raw.get(nest)
        if isinstance(inner, Mapping):
            raw = inner
            break
    select = raw.get("select")
    unsafe = raw.get("unsafeFixes", raw.get("unsafe-fixes", True))
    if not isinstance(unsafe, bool):
        raise ConfigError("client setting `unsafeFixes` must be true or false")
    return ClientSettings(
        select=(
            parse_selectors(_strings(select, "select"), "client setting `select`")
            if select is not None
            else None
        ),
        ignore=parse_selectors(
            _strings(raw.get("ignore", []), "ignore"), "client setting `ignore`"
        ),
        unsafe_fixes=unsafe,
    )


@dataclass(frozen=True)
class Resolved:
    settings: Settings
    # The configuration error met while reading the project (its defaults are used).
    error: str | None = None


class SettingsStore:
    def __init__(self, fallback_root: Path, client: ClientSettings | None = None) -> None:
        self.fallback_root = fallback_root
        self.client = client or ClientSettings()
        self.generation = 0
        self._loaded: dict[Path, LoadedConfig | ConfigError] = {}

    def set_client(self, client: ClientSettings) -> None:
        self.client = client
        self.generation += 1

    def invalidate(self) -> None:
        """Configuration files changed: read them again."""
        self._loaded.clear()
        self.generation += 1

    def _load(self, folder: Path) -> LoadedConfig | ConfigError:
        cached = self._loaded.get(folder)
        if cached is None:
            try:
                cached = load_config(folder, None, isolated=False)
            except ConfigError as error:
                cached = error
            self._loaded[folder] = cached
        return cached

    def for_path(self, path: Path | None) -> Resolved:
        folder = path.parent if path is not None else self.fallback_root
        loaded = self._load(folder)
        error = None
        if isinstance(loaded, ConfigError):
            error = str(loaded)
            loaded = LoadedConfig(None, folder, Options())
        return Resolved(resolve(loaded, self.client.options()), error)
