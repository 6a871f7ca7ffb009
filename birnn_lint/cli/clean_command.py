"""The `clean` command: remove the project's cache."""

from __future__ import annotations

from pathlib import Path

import click

from birnn_lint.cache import CACHE_DIR_NAME
from birnn_lint.config import ConfigError, load_config


@click.command()
@click.option(
    "--config",
    type=click.Path(path_type=Path, readable=False),
    help="The pyproject.toml of the project.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"The cache to remove (default: {CACHE_DIR_NAME}/ at the project root).",
)
def clean(config: Path | None, cache_dir: Path | None) -> int:
    """Remove the project's cache (the project found as `check` finds it)."""
    from birnn_lint.cache import CacheError
    from birnn_lint.cache import clean as clean_cache

    if cache_dir is None:
        cache_dir = load_config(Path.cwd(), config, isolated=False).root / CACHE_DIR_NAME
    try:
        removed = clean_cache(cache_dir)
    except (CacheError, OSError) as error:
        raise ConfigError(f"cannot remove the cache: {error}") from None
    click.echo(f"Removed {cache_dir}" if removed else f"No cache at {cache_dir}", err=True)
    return 0
