"""The `birnn-lint` command line: `check`, `rule`, `clean`, `prove` and `--version`.

Kept light on purpose: this module imports only click and the small modules that
find files and read settings; the runner, the fixer and each output format are
imported when a run needs them, and the analysis imports libcst only for a file that
passes the engine's pre-filter.

Exit codes: 0 nothing found, 1 findings (or a diff with `--diff`), 2 a usage or
configuration error or an internal failure (BRN902 included).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import click

from birnn_lint import __version__
from birnn_lint.cache import CACHE_DIR_NAME
from birnn_lint.config import ConfigError, Options, Settings, load_config, parse_selectors, resolve
from birnn_lint.discovery import Walker, display_name
from birnn_lint.findings import Finding, Position
from birnn_lint.formats import FORMATS, TEXT_FORMATS, RenderOptions, Report, applicable
from birnn_lint.proof.command import prove

INTERNAL_ERROR = "BRN902"
REPORT_REQUEST = "please report this at the birnn-lint issue tracker with the command you ran"


# --- small helpers -----------------------------------------------------------------------


def _split(values: Sequence[str]) -> list[str]:
    """Values of a repeatable, comma-separated option."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def use_color(no_color: bool, stream: IO[str]) -> bool:
    """Colour only on a terminal, never with --no-color or NO_COLOR (any non-empty
    value, as no-color.org says); FORCE_COLOR forces it."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _unreadable(display: str, message: str) -> Finding:
    from birnn_lint.registry import UnreadableFileDiagnostic as rule

    return Finding(rule.code, message, display, Position(1, 1), Position(1, 1), name=rule.name)


def _relabel(findings: Sequence[Finding], display: str) -> list[Finding]:
    return [f if f.filename == display else replace(f, filename=display) for f in findings]


class Output:
    """Where the report goes: stdout, stderr (when stdout carries fixed source) or a file."""

    def __init__(self, stream: IO[str], color: bool) -> None:
        self.stream = stream
        self.color = color

    def write(self, text: str) -> None:
        if text:
            self.stream.write(text)

    def line(self, text: str = "") -> None:
        self.write(text + "\n")


def _open_output(path: Path | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
    except OSError as error:
        raise ConfigError(f"cannot write --output-file {path}: {error.strerror or error}") from None


# --- the run's results ---------------------------------------------------------------------


@dataclass
class Run:
    reports: list[Report] = field(default_factory=list)
    fixed: int = 0
    # Problems that are not findings (a fix not written, a pass bound hit), for stderr.
    notes: list[str] = field(default_factory=list)
    had_error: bool = False

    def findings(self) -> list[Finding]:
        return [f for report in self.reports for f in report.findings]


@dataclass(frozen=True)
class CheckRequest:
    settings: Settings
    fix: bool
    unsafe_fixes: bool
    diff: bool
    add_noqa: bool
    output_format: str
    output_file: Path | None
    statistics: bool
    exit_zero: bool
    exit_non_zero_on_fix: bool
    quiet: bool
    no_color: bool
    jobs: int | None
    cache_dir: Path | None
    stdin_filename: str | None


def _keep(settings: Settings, path: Path) -> Callable[[list[Finding], str], list[Finding]]:
    """What `--fix` may touch in one file: not noqa-suppressed, not ignored for it."""
    from birnn_lint.noqa import filter_suppressed

    def keep(findings: list[Finding], text: str) -> list[Finding]:
        return settings.filter(filter_suppressed(findings, text), path)

    return keep


def _has_fix(findings: Sequence[Finding], unsafe: bool) -> bool:
    return any(applicable(f, unsafe) and f.fix.edits for f in findings)


# --- checking files -------------------------------------------------------------------


def _check_files(request: CheckRequest, paths: Sequence[Path]) -> tuple[Run, dict[str, str]]:
    """Discover, check, and with --fix / --diff / --add-noqa act on the findings.
    Returns the run and, for --diff, the diff of each changed file."""
    from birnn_lint.runner import check_files

    settings = request.settings
    cwd = Path.cwd()
    found = Walker(settings.discovery_options()).discover(paths)
    files = sorted(((p, display_name(p, cwd)) for p in found.files), key=lambda item: item[1])
    if not files and not found.errors:
        click.echo("birnn-lint: warning: no Python files found", err=True)
    results = check_files(
        files, codes=settings.codes, jobs=request.jobs, cache_dir=request.cache_dir
    )

    run = Run()
    diffs: dict[str, str] = {}
    reports: list[Report] = [
        Report(display_name(p, cwd), [_unreadable(display_name(p, cwd), why)])
        for p, why in found.errors
    ]
    for (path, display), result in zip(files, results, strict=True):
        findings = settings.filter(_relabel(result.findings, display), path)
        report = Report(display, findings, result.source)
        if request.add_noqa:
            report = _add_noqa(path, display, report, run)
        elif (request.fix or request.diff) and _has_fix(findings, request.unsafe_fixes):
            report = _fix(request, path, display, report, run, diffs)
        reports.append(report)
    run.reports = sorted(
        (r for r in reports if r.findings), key=lambda r: (r.display, r.findings[0].location)
    )
    return run, diffs


def _fix(
    request: CheckRequest,
    path: Path,
    display: str,
    report: Report,
    run: Run,
    diffs: dict[str, str],
) -> Report:
    from birnn_lint.fixing import fix_file, unified_diff

    outcome = fix_file(
        path,
        unsafe=request.unsafe_fixes,
        codes=request.settings.codes,
        keep=_keep(request.settings, path),
        display=display,
        write=not request.diff,
    )
    run.notes.extend(outcome.messages)
    if outcome.error is not None:
        run.notes.append(f"{display}: {outcome.error}")
        run.had_error = True
    if request.diff:
        if outcome.before is not None and outcome.after is not None:
            diff = unified_diff(outcome.before, outcome.after, display)
            if diff:
                diffs[display] = diff
                run.fixed += len(outcome.fixed)
        return report
    run.fixed += len(outcome.fixed)
    remaining = request.settings.filter(_relabel(outcome.remaining, display), path)
    source = outcome.after if outcome.written else report.source
    return Report(display, remaining, source)


def _add_noqa(path: Path, display: str, report: Report, run: Run) -> Report:
    from birnn_lint.noqa import add_noqa
    from birnn_lint.source_io import SourceReadError, SourceWriteError, read_source, write_atomic

    wanted = [f for f in report.findings if not f.code.startswith("BRN9")]
    if not wanted:
        return report
    try:
        original = read_source(path)
        result = add_noqa(original.text, wanted)
        if result.added:
            write_atomic(original, result.source)
    except (SourceReadError, SourceWriteError) as error:
        run.notes.append(f"{display}: {error.message}")
        run.had_error = True
        return report
    run.fixed += result.added
    for row in result.skipped:
        run.notes.append(
            f"{display}:{row}: no noqa comment added: the line ends inside a string "
            "or continues with a backslash"
        )
    left = [f for f in report.findings if f.code.startswith("BRN9")]
    left += [f for f in wanted if f.location.row in result.skipped]
    return Report(display, left, result.source)


# --- checking standard input ----------------------------------------------------------


def _check_stdin(request: CheckRequest, out_bytes: IO[bytes]) -> tuple[Run, dict[str, str]]:
    from birnn_lint.engine import check_source
    from birnn_lint.noqa import filter_suppressed
    from birnn_lint.source_io import SourceReadError, decode_source, encode_source

    settings = request.settings
    display = request.stdin_filename or "-"
    match_path = Path(request.stdin_filename or "-")
    raw = sys.stdin.buffer.read()
    run = Run()
    diffs: dict[str, str] = {}
    excluded = (
        request.stdin_filename is not None
        and settings.force_exclude
        and Walker(settings.discovery_options()).is_excluded(match_path)
    )
    if excluded:
        if request.fix and not request.diff:
            out_bytes.write(raw)
        return run, diffs
    try:
        text, encoding, bom = decode_source(raw)
    except SourceReadError as error:
        if request.fix and not request.diff:
            out_bytes.write(raw)
        run.reports.append(Report(display, [_unreadable(display, error.message)]))
        return run, diffs

    if (request.fix or request.diff) and not request.add_noqa:
        from birnn_lint.fixing import fix_source, unified_diff

        outcome = fix_source(
            text,
            display,
            unsafe=request.unsafe_fixes,
            codes=settings.codes,
            keep=_keep(settings, match_path),
        )
        run.notes.extend(outcome.messages)
        run.fixed = len(outcome.fixed)
        if request.diff:
            diff = unified_diff(text, outcome.source, display)
            if diff:
                diffs[display] = diff
            findings = settings.filter(outcome.initial, match_path)
            run.reports.append(Report(display, findings, text))
            return run, diffs
        try:
            out_bytes.write(encode_source(outcome.source, encoding, bom))
        except Exception as error:  # SourceWriteError: not encodable; give the input back
            out_bytes.write(raw)
            run.notes.append(f"{display}: {getattr(error, 'message', error)}")
            run.had_error = True
            run.fixed = 0
            findings = settings.filter(outcome.initial, match_path)
            run.reports.append(Report(display, findings, text))
            return run, diffs
        findings = settings.filter(outcome.remaining, match_path)
        run.reports.append(Report(display, findings, outcome.source))
        return run, diffs

    findings = check_source(text, display, settings.codes)
    findings = settings.filter(filter_suppressed(findings, text), match_path)
    run.reports.append(Report(display, findings, text))
    return run, diffs


# --- reporting ------------------------------------------------------------------------


def _summary(run: Run, request: CheckRequest) -> list[str]:
    findings = run.findings()
    if request.add_noqa:
        return [f"Added {_plural(run.fixed, 'noqa directive')}."]
    total = len(findings) + run.fixed
    if total == 0:
        return ["All checks passed!"]
    lines = []
    if request.fix:
        lines.append(
            f"Found {_plural(total, 'finding')} ({run.fixed} fixed, {len(findings)} remaining)."
        )
    else:
        lines.append(f"Found {_plural(len(findings), 'finding')}.")
    if request.fix and request.unsafe_fixes:
        return lines
    safe = sum(1 for f in findings if applicable(f, request.unsafe_fixes))
    unsafe = sum(
        1 for f in findings if f.fix is not None and not applicable(f, request.unsafe_fixes)
    )
    hidden = (
        f"{_plural(unsafe, 'unsafe fix', 'unsafe fixes')} available with `--fix --unsafe-fixes`"
    )
    if safe and not request.fix:
        lines.append(f"[*] {safe} fixable with `--fix`" + (f" ({hidden})." if unsafe else "."))
    elif unsafe:
        lines.append(f"No fixes available ({hidden}).")
    return lines


def _statistics(run: Run, request: CheckRequest) -> str:
    findings = run.findings()
    counts = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    fixable = {f.code for f in findings if applicable(f, request.unsafe_fixes)}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if request.output_format in ("json", "json-lines"):
        import json

        data = [
            {"code": code, "name": names[code], "count": count, "fixable": code in fixable}
            for code, count in rows
        ]
        return json.dumps(data, indent=2) + "\n"
    width = max((len(str(count)) for _, count in rows), default=1)
    return "".join(
        f"{count:>{width}}\t{code}\t{'[*]' if code in fixable else '   '} {names[code]}\n"
        for code, count in rows
    )


def _exit_code(run: Run, request: CheckRequest, diffs: dict[str, str]) -> int:
    findings = run.findings()
    if any(f.code == INTERNAL_ERROR for f in findings):
        return 2
    if request.diff:
        return 1 if diffs or run.had_error else 0
    if request.exit_zero:
        return 0
    if findings or run.had_error:
        return 1
    if request.exit_non_zero_on_fix and run.fixed:
        return 1
    return 0


def _report(run: Run, request: CheckRequest, out: Output) -> None:
    from birnn_lint.formats import render

    for note in run.notes:
        click.echo(f"birnn-lint: warning: {note}", err=True)
    if request.statistics:
        out.write(_statistics(run, request))
        return
    text_format = request.output_format in TEXT_FORMATS
    options = RenderOptions(color=out.color, unsafe_fixes=request.unsafe_fixes)
    out.write(render(request.output_format, run.reports, options))
    if text_format and not request.quiet:
        findings = run.findings()
        if findings and request.output_format == "full":
            out.line()
        for line in _summary(run, request):
            out.line(line)


def run_check(request: CheckRequest, paths: Sequence[Path]) -> int:
    use_stdin = list(paths) == [Path("-")]
    if not use_stdin and Path("-") in paths:
        raise click.UsageError("`-` (standard input) cannot be mixed with other paths")
    if use_stdin and request.add_noqa:
        raise click.UsageError("--add-noqa cannot be used with standard input")

    if use_stdin:
        # stdout carries the fixed source (or the diff): the report goes to stderr.
        carries_source = request.fix or request.diff
        run, diffs = _check_stdin(request, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        carries_source = request.diff
        run, diffs = _check_files(request, paths)

    if request.diff:
        if diffs:
            sys.stdout.write("".join(diffs[name] for name in sorted(diffs)))
            sys.stdout.flush()
        for note in run.notes:
            click.echo(f"birnn-lint: warning: {note}", err=True)
        if not request.quiet:
            count = run.fixed
            message = f"Would fix {_plural(count, 'finding')}." if diffs else "No fixes to apply."
            click.echo(message, err=True)
        return _exit_code(run, request, diffs)

    handle = _open_output(request.output_file)
    try:
        if handle is not None:
            out = Output(handle, False)
        elif carries_source:
            out = Output(sys.stderr, use_color(request.no_color, sys.stderr))
        else:
            out = Output(sys.stdout, use_color(request.no_color, sys.stdout))
        _report(run, request, out)
    finally:
        if handle is not None:
            handle.close()
    return _exit_code(run, request, diffs)


# --- the commands ---------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="birnn-lint", message="%(prog)s %(version)s"
)
def cli() -> None:
    """birnn-lint: find misread PyTorch RNN/GRU/LSTM output and state layouts."""


_FORMAT = click.Choice(FORMATS)


@cli.command()
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
    default="full",
    show_default=True,
    help="How findings are printed.",
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
    if kw["add_noqa"] and (kw["fix"] or kw["diff"]):
        raise click.UsageError("--add-noqa cannot be used with --fix or --diff")
    if kw["stdin_filename"] is not None and not paths:
        paths = (Path("-"),)
    cwd = Path.cwd()
    loaded = load_config(cwd, kw["config"], kw["isolated"])

    def selectors(name: str) -> tuple[str, ...]:
        return parse_selectors(_split(kw[name]), f"--{name.replace('_', '-')}")

    cli_options = Options(
        select=selectors("select") if kw["select"] else None,
        extend_select=selectors("extend_select"),
        ignore=selectors("ignore"),
        exclude=tuple(_split(kw["exclude"])) if kw["exclude"] else None,
        extend_exclude=tuple(_split(kw["extend_exclude"])),
        respect_gitignore=kw["respect_gitignore"],
        force_exclude=kw["force_exclude"],
    )
    settings = resolve(loaded, cli_options)
    targets = list(paths) or [Path(".")]

    if kw["show_files"]:
        found = Walker(settings.discovery_options()).discover(targets)
        for path in sorted(display_name(p, cwd) for p in found.files):
            click.echo(path)
        for path, why in found.errors:
            click.echo(f"birnn-lint: warning: {path}: {why}", err=True)
        return 0

    cache_dir = None
    if not kw["no_cache"]:
        cache_dir = kw["cache_dir"] or settings.root / CACHE_DIR_NAME
    request = CheckRequest(
        settings=settings,
        fix=kw["fix"],
        unsafe_fixes=kw["unsafe_fixes"],
        diff=kw["diff"],
        add_noqa=kw["add_noqa"],
        output_format=kw["output_format"],
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
    return run_check(request, targets)


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--run", is_flag=True, help="Run the rule's example on real torch (needs torch).")
def rule(code: str | None, show_all: bool, output_format: str, run: bool) -> int:
    """Explain rule CODE (its spec), or list every rule with --all."""
    import json

    if run:
        from birnn_lint.proof.command import run_demonstration

        return run_demonstration(code, show_all, output_format)

    from birnn_lint.registry import all_rules, rule_by_code
    from birnn_lint.specs import load_spec

    if show_all == (code is not None):
        raise click.UsageError("give one rule code, or --all")

    def describe(r: Any) -> dict[str, Any]:
        return {
            "code": r.code,
            "name": r.name,
            "summary": r.summary,
            "kind": r.kind,
            "fix": r.fix_safety or "none",
            "fix_availability": r.fix_availability,
            "explanation": load_spec(r.code) or "",
        }

    if show_all:
        rules = all_rules()
        if output_format == "json":
            click.echo(json.dumps([describe(r) for r in rules], indent=2))
            return 0
        width = max(len(r.name) for r in rules)
        for r in rules:
            click.echo(f"{r.code}  {r.name:<{width}}  {r.fix_safety or 'none':<6}  {r.summary}")
        return 0

    assert code is not None
    found = rule_by_code(code.strip().upper())
    if found is None:
        import difflib

        close = difflib.get_close_matches(code.upper(), [r.code for r in all_rules()], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(f"unknown rule code {code!r}{hint}; `birnn-lint rule --all` lists them")
    if output_format == "json":
        click.echo(json.dumps(describe(found), indent=2))
    else:
        spec = load_spec(found.code)
        click.echo(
            spec.rstrip("\n") if spec else f"# {found.code}: {found.name}\n\n{found.summary}"
        )
    return 0


@cli.command()
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


cli.add_command(prove)


# --- the entry point ------------------------------------------------------------------


def _quiet_streams() -> None:
    """Never fail on a character the terminal's encoding lacks."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: no traceback ever reaches the user."""
    _quiet_streams()
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="birnn-lint",
            standalone_mode=False,
        )
        code = result if isinstance(result, int) else 0
        sys.stdout.flush()
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        error.show()
        code = 2
    except click.Abort:
        click.echo("Aborted.", err=True)
        code = 130
    except ConfigError as error:
        click.echo(f"birnn-lint: error: {error}", err=True)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, without a flush error at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    except Exception as error:  # anything else is our bug: one line, not a traceback
        message = f"{type(error).__name__}: {error}".splitlines()[0]
        click.echo(f"birnn-lint: internal error: {message}; {REPORT_REQUEST}", err=True)
        code = 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
