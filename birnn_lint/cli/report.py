"""The end of a `check` run: the report, the summary, the statistics, the exit code."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click

from birnn_lint.cli.check_files import check_paths
from birnn_lint.cli.check_stdin import check_stdin
from birnn_lint.cli.common import CheckRequest, Output, Run, open_output, plural, use_color
from birnn_lint.formats import TEXT_FORMATS, RenderOptions, applicable

INTERNAL_ERROR = "BRN902"


def _summary(run: Run, request: CheckRequest) -> list[str]:
    findings = run.findings()
    if request.add_noqa:
        return [f"Added {plural(run.fixed, 'noqa directive')}."]
    total = len(findings) + run.fixed
    if total == 0:
        return ["All checks passed!"]
    lines = []
    if request.fix:
        lines.append(
            f"Found {plural(total, 'finding')} ({run.fixed} fixed, {len(findings)} remaining)."
        )
    else:
        lines.append(f"Found {plural(len(findings), 'finding')}.")
    safe = sum(1 for f in findings if applicable(f, request.unsafe_fixes) and f.fix is not None)
    unsafe = sum(
        1 for f in findings if f.fix is not None and not applicable(f, request.unsafe_fixes)
    )
    hidden = f"{plural(unsafe, 'unsafe fix', 'unsafe fixes')} available with `--fix --unsafe-fixes`"
    if request.fix:
        # What is still fixable after --fix was refused (a read-only file, a changed file):
        # the warnings above say why.
        if safe:
            lines.append(f"{plural(safe, 'fix', 'fixes')} not applied (see the warnings above).")
        if unsafe:
            lines.append(f"No fixes available ({hidden})." if not safe else f"{hidden}.")
    elif safe:
        # With --unsafe-fixes, `safe` counts the unsafe fixes too: name both flags only
        # when one of them needs it.
        needs_unsafe = request.unsafe_fixes and any(
            f.fix is not None and f.fix.applicability != "safe" for f in findings
        )
        flag = "`--fix --unsafe-fixes`" if needs_unsafe else "`--fix`"
        lines.append(f"[*] {safe} fixable with {flag}" + (f" ({hidden})." if unsafe else "."))
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


def _write_diff(diffs: dict[str, str], output_file: Path | None) -> None:
    """The diffs, to standard output or to `--output-file` (written even when empty, so
    that a stale file from an earlier run does not survive)."""
    text = "".join(diffs[name] for name in sorted(diffs))
    handle = open_output(output_file)
    if handle is None:
        if text:
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    with handle:
        handle.write(text)


def run_check(request: CheckRequest, paths: Sequence[Path]) -> int:
    use_stdin = list(paths) == [Path("-")]
    if not use_stdin and Path("-") in paths:
        raise click.UsageError("`-` (standard input) cannot be mixed with other paths")
    if use_stdin and request.add_noqa:
        raise click.UsageError("--add-noqa cannot be used with standard input")

    if use_stdin:
        # stdout carries the fixed source (or the diff): the report goes to stderr.
        carries_source = request.fix or request.diff
        run, diffs = check_stdin(request, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        carries_source = request.diff
        run, diffs = check_paths(request, paths)

    if request.diff:
        _write_diff(diffs, request.output_file)
        for note in run.notes:
            click.echo(f"birnn-lint: warning: {note}", err=True)
        if not request.quiet:
            count = run.fixed
            message = f"Would fix {plural(count, 'finding')}." if diffs else "No fixes to apply."
            click.echo(message, err=True)
        return _exit_code(run, request, diffs)

    handle = open_output(request.output_file)
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
