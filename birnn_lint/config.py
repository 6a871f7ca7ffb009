"""Settings: `[tool.birnn-lint]` in pyproject.toml, merged with command-line flags.

Rule selection follows ruff: each layer (the file, then the command line) resolves its
own `select` / `extend-select` / `ignore`, most specific selector last, `ignore` winning
ties; a layer that has `select` replaces what came before, the others edit it.
Diagnostics (BRN900-BRN902) are not checks and are always reported, except that
BRN900/BRN901 can be ignored explicitly; BRN902 (an internal error) never can.
"""

from __future__ import annotations

import difflib
import os
import pkgutil
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from birnn_lint.discovery import DEFAULT_EXCLUDES, DiscoveryOptions, PathGlob
from birnn_lint.findings import Finding

TABLE = "birnn-lint"
INTERNAL_ERROR = "BRN902"
_ALL = "ALL"


class ConfigError(Exception):
    """A usage or configuration error: reported in one line, exit code 2."""


# --- rule codes -----------------------------------------------------------------------


_RULE_MODULE = re.compile(r"brn(\d{3})_\w+")


@lru_cache(maxsize=1)
def _codes() -> tuple[frozenset[str], frozenset[str]]:
    """(check codes, diagnostic codes). Check codes are read from the rule modules' names
    (`birnn_lint/rules/brn002_....py`, the registry's convention) without importing
    them: the rules import libcst, which a one-file run must not pay for. A test checks
    that this agrees with the registry."""
    from birnn_lint import rules
    from birnn_lint.registry import DIAGNOSTICS

    diagnostics = frozenset(rule.code for rule in DIAGNOSTICS)
    checks = set()
    for info in pkgutil.iter_modules(rules.__path__):
        match = _RULE_MODULE.fullmatch(info.name)
        if match:
            checks.add(f"BRN{match.group(1)}")
    return frozenset(checks) - diagnostics, diagnostics


def check_codes() -> frozenset[str]:
    return _codes()[0]


def diagnostic_codes() -> frozenset[str]:
    return _codes()[1]


def known_codes() -> frozenset[str]:
    checks, diagnostics = _codes()
    return checks | diagnostics


def valid_selector(selector: str) -> bool:
    """`ALL`, a rule code, or a prefix of one at least as long as `BRN`."""
    if selector == _ALL:
        return True
    return len(selector) >= 3 and any(code.startswith(selector) for code in known_codes())


def selector_matches(selector: str, code: str) -> bool:
    return selector == _ALL or code.startswith(selector)


def _specificity(selector: str) -> int:
    return 0 if selector == _ALL else len(selector)


def parse_selectors(values: Sequence[str], where: str) -> tuple[str, ...]:
    """Validated selectors; ConfigError naming `where` for an unknown one."""
    out = []
    for value in values:
        # Codes are case-insensitive, as `birnn-lint rule brn002` is.
        selector = value.strip().upper()
        if not selector:
            continue
        if not valid_selector(selector):
            hint = _suggest_selector(selector)
            raise ConfigError(f"unknown rule code or prefix {value.strip()!r} in {where}{hint}")
        out.append(selector)
    return tuple(out)


def _suggest_selector(selector: str) -> str:
    """For a code with a typo in its digits (`BRN0x`), the longest valid prefix of it
    (`BRN0`) rather than whatever code is closest as a string (BRN903)."""
    for end in range(len(selector) - 1, 2, -1):
        prefix = selector[:end]
        if valid_selector(prefix):
            return f" (did you mean {prefix!r}?)"
    return _suggest(selector, sorted(known_codes()), normalise=str.upper)


def _suggest(word: str, choices: Sequence[str], normalise: Callable[[str], str] = str) -> str:
    close = difflib.get_close_matches(normalise(word), choices, n=1)
    if close and close[0] != word:
        return f" (did you mean {close[0]!r}?)"
    return ""


# --- one layer of options ---------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What one layer (the config file or the command line) says; None: not said."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    respect_gitignore: bool | None = None
    force_exclude: bool | None = None


_KEYS = (
    "select",
    "extend-select",
    "ignore",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "respect-gitignore",
    "force-exclude",
)


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _string_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"`{key}` in {where} must be a list of strings, not {_type_name(value)}")
    return tuple(value)


def options_from_table(table: Mapping[str, Any], source: Path) -> Options:
    where = f"[tool.{TABLE}] of {source}"
    for key in table:
        if key not in _KEYS:
            hint = _suggest(key, _KEYS, normalise=lambda k: k.replace("_", "-"))
            raise ConfigError(f"unknown key {key!r} in {where}{hint}")

    def selectors(key: str) -> tuple[str, ...]:
        return parse_selectors(_string_list(table[key], key, where), f"`{key}` of {source}")

    def boolean(key: str) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            raise ConfigError(f"`{key}` in {where} must be true or false, not {_type_name(value)}")
        return value

    per_file: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    if "per-file-ignores" in table:
        mapping = table["per-file-ignores"]
        if not isinstance(mapping, dict):
            raise ConfigError(
                f"`per-file-ignores` in {where} must be a table of glob = [codes], "
                f"not {_type_name(mapping)}"
            )
        per_file = tuple(
            (
                pattern,
                parse_selectors(
                    _string_list(codes, f"per-file-ignores.{pattern}", where),
                    f"`per-file-ignores` ({pattern!r}) of {source}",
                ),
            )
            for pattern, codes in mapping.items()
        )
    return Options(
        select=selectors("select") if "select" in table else None,
        extend_select=selectors("extend-select") if "extend-select" in table else (),
        ignore=selectors("ignore") if "ignore" in table else (),
        exclude=_string_list(table["exclude"], "exclude", where) if "exclude" in table else None,
        extend_exclude=(
            _string_list(table["extend-exclude"], "extend-exclude", where)
            if "extend-exclude" in table
            else ()
        ),
        per_file_ignores=per_file,
        respect_gitignore=boolean("respect-gitignore"),
        force_exclude=boolean("force-exclude"),
    )


# --- finding and reading the file ---------------------------------------------------------


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"cannot parse {path}: it is not valid UTF-8") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ConfigError(f"cannot parse {path}: it is nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"cannot parse {path}: {error}") from None


def _our_table(document: Mapping[str, Any], path: Path, top_level: bool) -> dict[str, Any] | None:
    """The `[tool.birnn-lint]` table; in a file that is not a pyproject.toml, the top
    level is the table when there is no `[tool.birnn-lint]` (like ruff.toml)."""
    tool = document.get("tool")
    if isinstance(tool, dict) and TABLE in tool:
        table = tool[TABLE]
        if not isinstance(table, dict):
            raise ConfigError(f"[tool.{TABLE}] in {path} must be a table")
        if top_level:
            stray = sorted(key for key in document if key != "tool")
            if stray:
                raise ConfigError(
                    f"{path} has both [tool.{TABLE}] and top-level settings ({', '.join(stray)}): "
                    f"keep one"
                )
        return dict(table)
    if top_level:
        return {key: value for key, value in document.items() if key != "tool"}
    return None


@dataclass(frozen=True)
class LoadedConfig:
    path: Path | None  # the file the settings came from (None: defaults)
    root: Path  # the project root: relative globs and the cache live here
    options: Options
    # Whether configuration files in subfolders apply below them (not with --config
    # or --isolated, as in ruff).
    hierarchical: bool = True


# The files a folder may hold settings in, in the order they are looked for.
CONFIG_FILE = "birnn-lint.toml"
PYPROJECT = "pyproject.toml"


def config_in_folder(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The folder's configuration file and its table: `birnn-lint.toml` (settings at
    the top level, or under [tool.birnn-lint]), else a `pyproject.toml` that has a
    [tool.birnn-lint] table."""
    dedicated = folder / CONFIG_FILE
    if os.path.isfile(dedicated):  # never raises (a folder we may not enter)
        table = _our_table(_load_toml(dedicated), dedicated, top_level=True)
        return dedicated, table or {}
    pyproject = folder / PYPROJECT
    if os.path.isfile(pyproject):
        table = _our_table(_load_toml(pyproject), pyproject, top_level=False)
        if table is not None:
            return pyproject, table
    return None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest configuration file in `start` or a folder above it."""
    for folder in (start, *start.parents):
        found = config_in_folder(folder)
        if found is not None:
            return found
    return None


def _project_root(start: Path) -> Path:
    """Without a configuration file: the folder of the nearest pyproject.toml, else
    `start`."""
    for folder in (start, *start.parents):
        if os.path.isfile(folder / PYPROJECT):
            return folder
    return start


def load_config(cwd: Path, config: Path | None, isolated: bool) -> LoadedConfig:
    """The settings for the working folder. With `--config FILE` the file's settings
    apply to every file and the project root stays the working folder, as in ruff: the
    file only says what the settings are, not where the project is."""
    cwd = Path(os.path.abspath(cwd))
    if isolated:
        if config is not None:
            raise ConfigError("--config and --isolated cannot be used together")
        return LoadedConfig(None, cwd, Options(), hierarchical=False)
    if config is not None:
        path = Path(os.path.abspath(config))
        if not os.path.isfile(path):
            raise ConfigError(f"--config {config}: no such file")
        document = _load_toml(path)
        table = _our_table(document, path, top_level=path.name != PYPROJECT)
        if table is None:
            raise ConfigError(f"--config {config}: it has no [tool.{TABLE}] table")
        if not table:
            raise ConfigError(f"--config {config}: it holds no birnn-lint settings")
        return LoadedConfig(path, cwd, options_from_table(table, path), hierarchical=False)
    found = find_config(cwd)
    if found is None:
        return LoadedConfig(None, _project_root(cwd), Options())
    path, table = found
    return LoadedConfig(path, path.parent, options_from_table(table, path))


def load_folder_config(path: Path, table: Mapping[str, Any]) -> LoadedConfig:
    """A subfolder's configuration: its folder is the root its globs are read from."""
    return LoadedConfig(path, path.parent, options_from_table(table, path))


# --- the resolved settings ------------------------------------------------------------------


def _resolve_layer(
    enabled: set[str], layer: Options, diagnostics: frozenset[str], universe: frozenset[str]
) -> set[str]:
    updates: dict[str, bool] = {}
    steps: list[tuple[int, int, str, bool]] = []
    if layer.select is not None:
        # A `select` never deselects diagnostics: they join it at the lowest specificity,
        # so only an explicit `ignore` hides them.
        steps.extend((-1, 0, code, True) for code in diagnostics)
    for selector in (*(layer.select or ()), *layer.extend_select):
        steps.append((_specificity(selector), 0, selector, True))
    for selector in layer.ignore:
        steps.append((_specificity(selector), 1, selector, False))
    for _, _, selector, on in sorted(steps, key=lambda step: (step[0], step[1])):
        for code in universe:
            if selector_matches(selector, code):
                updates[code] = on
    if layer.select is not None:
        return {code for code, on in updates.items() if on}
    result = set(enabled)
    for code, on in updates.items():
        (result.add if on else result.discard)(code)
    return result


@dataclass(frozen=True)
class Settings:
    root: Path
    config_path: Path | None
    # The check rules to run; None when all of them are selected.
    codes: frozenset[str] | None
    hidden_diagnostics: frozenset[str]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    per_file_ignores: tuple[tuple[PathGlob, tuple[str, ...]], ...]
    respect_gitignore: bool
    force_exclude: bool
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _discovery_options(self) -> DiscoveryOptions:
        return DiscoveryOptions(
            root=self.root,
            exclude=self.exclude,
            extend_exclude=self.extend_exclude,
            respect_gitignore=self.respect_gitignore,
            force_exclude=self.force_exclude,
        )

    def discovery_options(self) -> DiscoveryOptions:
        return self._discovery_options

    def ignored_selectors(self, path: Path) -> tuple[str, ...]:
        """The `per-file-ignores` selectors that apply to `path`."""
        absolute = Path(os.path.abspath(path))
        key = str(absolute)
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(
                selector
                for glob, selectors in self.per_file_ignores
                if glob.covers(absolute, self.root)
                for selector in selectors
            )
            self._cache[key] = cached
        return cached

    def keeps(self, finding: Finding, path: Path) -> bool:
        """Whether a finding in `path` is reported under these settings."""
        code = finding.code
        if code == INTERNAL_ERROR:
            return True
        if code in self.hidden_diagnostics:
            return False
        if self.codes is not None and code in check_codes() and code not in self.codes:
            return False
        return not any(selector_matches(s, code) for s in self.ignored_selectors(path))

    def filter(self, findings: Sequence[Finding], path: Path) -> list[Finding]:
        return [finding for finding in findings if self.keeps(finding, path)]


def resolve(loaded: LoadedConfig, cli: Options) -> Settings:
    checks, diagnostics = _codes()
    universe = checks | diagnostics
    enabled = set(universe)
    for layer in (loaded.options, cli):
        enabled = _resolve_layer(enabled, layer, diagnostics, universe)
    selected_checks = frozenset(enabled & checks)
    hidden = frozenset(diagnostics - enabled - {INTERNAL_ERROR})

    def pick(attribute: str, default: Any) -> Any:
        for layer in (cli, loaded.options):
            value = getattr(layer, attribute)
            if value is not None:
                return value
        return default

    per_file = pick("per_file_ignores", ())
    return Settings(
        root=loaded.root,
        config_path=loaded.path,
        codes=None if selected_checks == checks else selected_checks,
        hidden_diagnostics=hidden,
        exclude=pick("exclude", DEFAULT_EXCLUDES),
        extend_exclude=(*loaded.options.extend_exclude, *cli.extend_exclude),
        per_file_ignores=tuple((PathGlob.parse(p), codes) for p, codes in per_file),
        respect_gitignore=pick("respect_gitignore", True),
        force_exclude=pick("force_exclude", False),
    )
