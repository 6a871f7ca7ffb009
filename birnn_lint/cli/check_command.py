"""The `check` command: its options, and the settings and request they make."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from birnn_lint.cache import CACHE_DIR_NAME
from birnn_lint.cli.check_files import discover
from birnn_lint.cli.common import CheckRequest, open_output, split_values
from birnn_lint.cli.report import run_check
from birnn_lint.config import Options, load_config, parse_selectors
from birnn_lint.discovery import display_name
from birnn_lint.formats import FORMATS
from birnn_lint.settings_tree import SettingsTree

_FORMAT = click.Choice(FORMATS)


@click.command()
# readable=False: an unreadable path is reported as BRN901 (and the others are checked),
# not refused as a usage error that stops the whole run.
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--fix/--no-fix", default=False, help="Apply safe fixes in place.")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=False,
    help="Also apply (with --fix) and mark as fixable the unsafe fixes.",
)
@click.option(
    "--diff", is_flag=True, help="Print the diff --fix would make; write nothing (exit 1 if any)."
)
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to every line with a finding.")
@click.option("--select", multiple=True, metavar="CODES", help="Rules to run (codes or prefixes).")
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help="Rules to add to the selection."
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules to leave out.")
@click.option("--exclude", multiple=True, metavar="GLOBS", help="Replace the excluded globs.")
@click.option("--extend-exclude", multiple=True, metavar="GLOBS", help="More globs to exclude.")
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip files ignored by .gitignore (default: on).",
)
@click.option(
    "--force-exclude/--no-force-exclude",
    default=None,
    help="Apply excludes to paths named on the command line too.",
)
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=_FORMAT,
    default=None,
    help="How findings are printed (default: full).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="Exit 1 when --fix fixed something.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only, no summary.")
@click.option("--no-color", is_flag=True, help="No colour (also: the NO_COLOR variable).")
@click.option(
    "--stdin-filename",
    metavar="NAME",
    help="The name of the file read from standard input (`-`).",
)
@click.option(
    "--config",
    # readable=False: config.py reports an unreadable file in its one-line style.
    type=click.Path(path_type=Path, readable=False),
    help="Use this pyproject.toml (or a TOML file of settings).",
)
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Where the cache lives (default: {CACHE_DIR_NAME}/ at the project root).",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Processes to use (default: all cores)."
)
@click.option("--show-files", is_flag=True, help="List the files that would be checked, then exit.")
def check(paths: tuple[Path, ...], **kw: Any) -> int:
    """Check PATHS (default: the current folder; `-` for standard input)."""
    _refuse_conflicts(kw)
    if kw["stdin_filename"] is not None and not paths:
        paths = (Path("-"),)
    cwd = Path.cwd()
    loaded = load_config(cwd, kw["config"], kw["isolated"])

    def selectors(name: str) -> tuple[str, ...]:
        return parse_selectors(split_values(kw[name]), f"--{name.replace('_', '-')}")

    cli_options = Options(
        select=selectors("select") if kw["select"] else None,
        extend_select=selectors("extend_select"),
        ignore=selectors("ignore"),
        exclude=tuple(split_values(kw["exclude"])) if kw["exclude"] else None,
        extend_exclude=tuple(split_values(kw["extend_exclude"])),
        respect_gitignore=kw["respect_gitignore"],
        force_exclude=kw["force_exclude"],
    )
    tree = SettingsTree(loaded, cli_options)
    targets = list(paths) or [Path(".")]

    cache_dir = None
    if not kw["no_cache"]:
        cache_dir = kw["cache_dir"] or tree.base.root / CACHE_DIR_NAME
    request = CheckRequest(
        tree=tree,
        fix=kw["fix"],
        unsafe_fixes=kw["unsafe_fixes"],
        diff=kw["diff"],
        add_noqa=kw["add_noqa"],
        output_format=kw["output_format"] or "full",
        output_file=kw["output_file"],
        statistics=kw["statistics"],
        exit_zero=kw["exit_zero"],
        exit_non_zero_on_fix=kw["exit_non_zero_on_fix"],
        quiet=kw["quiet"],
        no_color=kw["no_color"],
        jobs=kw["jobs"],
        cache_dir=cache_dir,
        stdin_filename=kw["stdin_filename"],
    )
    if kw["show_files"]:
        return _show_files(request, targets)
    return run_check(request, targets)


def _refuse_conflicts(kw: dict[str, Any]) -> None:
    """Options that cannot take effect together are an error, not silently dropped."""
    if kw["add_noqa"] and (kw["fix"] or kw["diff"]):
        raise click.UsageError("--add-noqa cannot be used with --fix or --diff")
    if kw["diff"]:
        for name, given in (
            ("--statistics", kw["statistics"]),
            ("--output-format", kw["output_format"] is not None),
        ):
            if given:
                raise click.UsageError(f"--diff prints a diff: it cannot be used with {name}")
    if kw["show_files"]:
        for name in ("fix", "diff", "add_noqa", "statistics"):
            if kw[name]:
                option = "--" + name.replace("_", "-")
                raise click.UsageError(f"--show-files cannot be used with {option}")


def _show_files(request: CheckRequest, targets: list[Path]) -> int:
    cwd = Path.cwd()
    found = discover(request, targets)
    listing = "".join(f"{path}\n" for path in sorted(display_name(p, cwd) for p in found.files))
    handle = open_output(request.output_file)
    if handle is None:
        click.echo(listing, nl=False)
    else:
        with handle:
            handle.write(listing)
    for failed, why in found.errors:
        click.echo(f"birnn-lint: warning: {failed}: {why}", err=True)
    return 0
