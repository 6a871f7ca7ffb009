"""The `rule` command: a rule's spec, or the list of every rule."""

from __future__ import annotations

from typing import Any

import click

from birnn_lint.config import ConfigError


@click.command()
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
    from birnn_lint.specs import user_spec

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
            "explanation": user_spec(r.code) or "",
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
        spec = user_spec(found.code)
        click.echo(
            spec.rstrip("\n") if spec else f"# {found.code}: {found.name}\n\n{found.summary}"
        )
    return 0
