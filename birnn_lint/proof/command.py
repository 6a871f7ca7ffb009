"""`birnn-lint prove` and `birnn-lint rule CODE --run`.

This module imports click alone: the CLI registers its command at start-up, and
`birnn-lint check` never loads torch. torch and the proof modules are imported only when
one of these commands runs, after checking torch imports at all.

Exit codes: 0 every claim holds, 1 one does not (the failing configuration is printed),
2 the proofs cannot run (no torch, the device is unavailable, a usage error).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from birnn_lint.proof.device import Runtime
    from birnn_lint.proof.spec_examples import RuleSpec

HOLDS, FAILS, CANNOT_RUN = 0, 1, 2
INSTALL = (
    'the proofs run on real torch modules: install it with `pip install "birnn-lint[prove]"` '
    "(or `pip install torch`, any build: CPU, CUDA or MPS)"
)


class CannotRun(Exception):
    """The proofs cannot run here; the message says why and what to do."""


def _torch_version() -> str:
    """torch's version, after checking it imports (CannotRun otherwise)."""
    import warnings

    # torch warns at import when numpy is missing, which the proofs never need.
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
    try:
        import torch
    except (ImportError, OSError) as error:  # OSError: a build whose libraries are missing
        raise CannotRun(f"cannot import torch ({error}); {INSTALL}") from None
    return str(torch.__version__)


def _runtime(device: str) -> Runtime:
    from birnn_lint.proof.device import DeviceKind, DeviceUnavailable, prepare

    try:
        return prepare(DeviceKind(device))
    except DeviceUnavailable as error:
        raise CannotRun(str(error)) from None


def _error(message: str) -> int:
    click.echo(f"birnn-lint: error: {message}", err=True)
    return CANNOT_RUN


def _selected(selectors: Sequence[str]) -> list[str]:
    """The check rules' codes the selectors (codes, prefixes, ALL) pick."""
    from birnn_lint.registry import check_rules

    codes = [rule.code for rule in check_rules()]
    wanted = [s.strip().upper() for value in selectors for s in value.split(",") if s.strip()]
    if not wanted or "ALL" in wanted:
        return codes
    for selector in wanted:
        if not any(code.startswith(selector) for code in codes):
            raise click.UsageError(
                f"--select {selector}: no check rule has that code or prefix "
                "(diagnostics BRN9xx have no proof)"
            )
    return [code for code in codes if any(code.startswith(s) for s in wanted)]


def _specs(codes: Sequence[str], files: Sequence[Path]) -> list[RuleSpec]:
    from birnn_lint.proof.spec_examples import (
        SpecError,
        code_of_spec_file,
        load_rule_spec,
        parse_rule_spec,
    )

    try:
        if files:
            return [
                parse_rule_spec(code_of_spec_file(path.name), _read(path), where=str(path))
                for path in files
            ]
        return [load_rule_spec(code) for code in codes]
    except SpecError as error:
        raise CannotRun(f"the rule page cannot be proven: {error}") from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CannotRun(f"cannot read {path}: {error}") from None


_DEVICES = click.Choice(["cpu", "cuda", "mps"])
_FORMATS = click.Choice(["text", "json"])


@click.command()
@click.option(
    "--device",
    type=_DEVICES,
    default="cpu",
    show_default=True,
    help="Run the layers there (CUDA with TF32 off); the truth is computed on the CPU.",
)
@click.option("--select", multiple=True, metavar="CODES", help="Rules to prove (codes, prefixes).")
@click.option(
    "--spec",
    "spec_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path, readable=False),
    metavar="FILE",
    help="Prove this rule page (BRNnnn-name.md, e.g. a draft) instead of the installed ones.",
)
@click.option(
    "--format",
    "--output-format",
    "output_format",
    type=_FORMATS,
    default="text",
    show_default=True,
)
def prove(
    device: str, select: tuple[str, ...], spec_files: tuple[Path, ...], output_format: str
) -> int:
    """Run every rule's proof on real RNN/GRU/LSTM layers with your torch and device."""
    if select and spec_files:
        raise click.UsageError("--select and --spec cannot be combined")
    codes = _selected(select)
    try:
        version = _torch_version()
        runtime = _runtime(device)
        specs = _specs(codes, spec_files)
    except CannotRun as error:
        return _error(str(error))

    from birnn_lint.proof.matrix import prove_rule
    from birnn_lint.proof.report import render_json, render_text

    progress = _progress() if output_format == "text" else None
    proofs = [prove_rule(spec, runtime, progress) for spec in specs]
    if progress is not None:
        progress("")
    if output_format == "json":
        click.echo(json.dumps(render_json(proofs, runtime, version), indent=2))
    else:
        click.echo(render_text(proofs, runtime, version), nl=False)
    return HOLDS if all(proof.holds for proof in proofs) else FAILS


def _progress() -> _Progress | None:
    return _Progress() if sys.stderr.isatty() else None


class _Progress:
    """The configuration being proven, on one line of a terminal's stderr."""

    def __call__(self, text: str) -> None:
        sys.stderr.write(f"\r\x1b[K{text}" if text else "\r\x1b[K")
        sys.stderr.flush()


def run_demonstration(code: str | None, show_all: bool, output_format: str) -> int:
    """`birnn-lint rule CODE --run`: the rule page's example on real torch."""
    from birnn_lint.registry import rule_by_code

    if show_all or code is None:
        raise click.UsageError("--run shows one rule: birnn-lint rule CODE --run")
    found = rule_by_code(code.strip().upper())
    if found is None:
        raise click.UsageError(f"unknown rule code {code!r}; `birnn-lint rule --all` lists them")
    if found.kind != "check":
        return _error(f"{found.code} is a diagnostic: it has no example to run")
    try:
        _torch_version()
        runtime = _runtime("cpu")
        (spec,) = _specs([found.code], [])
    except CannotRun as error:
        return _error(str(error))

    from birnn_lint.proof.demo import demonstrate
    from birnn_lint.proof.demo_text import render, to_json

    demo = demonstrate(found.name, spec, runtime)
    if output_format == "json":
        click.echo(json.dumps(to_json(demo), indent=2))
    else:
        click.echo(render(demo), nl=False)
    return HOLDS if demo.holds else FAILS
