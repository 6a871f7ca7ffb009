"""Settings per folder: a subfolder's `birnn-lint.toml`, or its `pyproject.toml` with
[tool.birnn-lint], applies to the files below it, as ruff's hierarchical configuration
does. The nearest file wins whole (settings are not merged across files); command-line
options apply on top of each. With `--config` or `--isolated` one set of settings
applies everywhere."""

from __future__ import annotations

from pathlib import Path

from birnn_lint.config import (
    LoadedConfig,
    Options,
    Settings,
    config_in_folder,
    load_folder_config,
    resolve,
)
from birnn_lint.discovery import DiscoveryOptions
from birnn_lint.globs import absolute


class SettingsTree:
    def __init__(self, loaded: LoadedConfig, cli: Options) -> None:
        self.loaded = loaded
        self.cli = cli
        self.base = resolve(loaded, cli)
        self._by_folder: dict[Path, Settings] = {}
        self._by_file: dict[Path, Settings] = {}
        if loaded.path is not None:
            self._by_file[loaded.path] = self.base

    def for_folder(self, folder: Path) -> Settings:
        """The settings for the entries of `folder` (an absolute path)."""
        if not self.loaded.hierarchical:
            return self.base
        known = self._by_folder.get(folder)
        if known is not None:
            return known
        found = config_in_folder(folder)
        if found is not None:
            path, table = found
            settings = self._by_file.get(path)
            if settings is None:
                settings = resolve(load_folder_config(path, table), self.cli)
                self._by_file[path] = settings
        elif folder.parent == folder:
            settings = self.base  # no file up to the filesystem root: the defaults
        else:
            settings = self.for_folder(folder.parent)
        self._by_folder[folder] = settings
        return settings

    def for_file(self, path: Path) -> Settings:
        return self.for_folder(absolute(path).parent)

    def discovery_options(self, folder: Path) -> DiscoveryOptions:
        return self.for_folder(folder).discovery_options()
