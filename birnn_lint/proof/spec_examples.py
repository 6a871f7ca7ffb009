"""Read the parts of a rule spec (`rules/BRNnnn-*.md`) that the runtime proof executes.

The format is described in `rules/README.md`: a flagged example under `## Example`, a
corrected one under `## Use instead`, the fix safety as the first word of `## Fix safety`
and a ```toml block under `## Proof`. Anything missing or malformed is a `SpecError`, so
a rule cannot pass its proof by having less of a spec.
"""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass, fields
from typing import Any

from birnn_lint.proof.variants import KINDS, Config, LayerKind
from birnn_lint.registry import FixSafety
from birnn_lint.specs import load_spec, spec_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


FIX_SAFETIES = tuple(safety.value for safety in FixSafety)
_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w+-]*)")


class SpecError(ValueError):
    """A spec lacks a part the runtime proof needs, or has it in the wrong shape."""


@dataclass(frozen=True)
class Proof:
    """The ```toml block under `## Proof`."""

    result: str  # the variable(s) holding the expression under test, comma-separated
    truth: str  # a name in truths.TRUTHS
    kinds: tuple[LayerKind, ...]
    num_layers: tuple[int, ...]
    batch_first: tuple[bool, ...]
    bidirectional: tuple[bool, ...]
    wrong_when: str  # Python expression over kind, num_layers, batch_first, bidirectional
    # Optional: expressions, evaluated in the executed example, giving the initial state
    # the layer is meant to start from, in the layer's (L*D, B, H) layout. When absent the
    # truth uses the example's variables `h0` / `c0`, and zeros when those do not exist.
    h0: str | None = None
    c0: str | None = None

    @property
    def result_names(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.result.split(","))

    def configurations(self) -> list[Config]:
        return [
            Config(kind, layers, batch_first, bidirectional)
            for kind, layers, batch_first, bidirectional in itertools.product(
                self.kinds, self.num_layers, self.batch_first, self.bidirectional
            )
        ]

    def is_wrong(self, config: Config) -> bool:
        names: dict[str, object] = {
            "kind": str(config.kind),
            "num_layers": config.num_layers,
            "batch_first": config.batch_first,
            "bidirectional": config.bidirectional,
        }
        value = eval(compile(self.wrong_when, "<wrong_when>", "eval"), {"__builtins__": {}}, names)
        if not isinstance(value, bool):
            raise SpecError(f"wrong_when {self.wrong_when!r} gave {value!r}, not a bool")
        return value


@dataclass(frozen=True)
class RuleSpec:
    code: str
    flagged: str  # the example under `## Example`
    corrected: str  # the example under `## Use instead`
    fix_safety: FixSafety
    proof: Proof


def load_rule_spec(code: str) -> RuleSpec:
    """The parsed spec of a check rule, from the same files `birnn-lint rule` prints."""
    path = spec_path(code)
    text = load_spec(code)
    if path is None or text is None:
        raise SpecError(f"{code}: no spec file rules/{code}-*.md")
    return parse_rule_spec(code, text, where=path.name)


def code_of_spec_file(name: str) -> str:
    """`BRN002-hidden-last-index-one-direction.md` -> `BRN002`."""
    match = re.fullmatch(r"(BRN\d{3})-[\w-]+\.md", name)
    if match is None:
        raise SpecError(f"{name}: a spec file is named BRNnnn-rule-name.md")
    return match.group(1)


def parse_rule_spec(code: str, text: str, where: str = "<spec>") -> RuleSpec:
    sections = split_sections(text)

    def section(title: str) -> list[str]:
        if title not in sections:
            raise SpecError(f"{where}: no `## {title}` section")
        return sections[title]

    return RuleSpec(
        code=code,
        flagged=_only_block(section("Example"), ("python", "py"), f"{where} ## Example"),
        corrected=_only_block(section("Use instead"), ("python", "py"), f"{where} ## Use instead"),
        fix_safety=_fix_safety(section("Fix safety"), where),
        proof=parse_proof(_only_block(section("Proof"), ("toml",), f"{where} ## Proof"), where),
    )


def split_sections(text: str) -> dict[str, list[str]]:
    """`## Title` -> the lines below it, ignoring `## ` lines inside fenced code."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("## "):
            title = line[3:].strip().rstrip("#").strip()
            if title in sections:
                raise SpecError(f"two `## {title}` sections")
            current = sections[title] = []
            continue
        elif not in_fence and line.startswith("# "):
            current = None  # a new top-level heading ends the section
            continue
        if current is not None:
            current.append(line)
    return sections


def fenced_blocks(lines: list[str]) -> list[tuple[str, str]]:
    """(language, text) of each fenced block in `lines`."""
    blocks: list[tuple[str, str]] = []
    language: str | None = None
    body: list[str] = []
    for line in lines:
        match = _FENCE.match(line)
        if match and language is None:
            language, body = match.group(2).lower(), []
        elif match:
            blocks.append((language or "", "\n".join(body) + "\n"))
            language = None
        elif language is not None:
            body.append(line)
    if language is not None:
        raise SpecError("unclosed code fence")
    return blocks


def _only_block(lines: list[str], languages: tuple[str, ...], where: str) -> str:
    blocks = [text for language, text in fenced_blocks(lines) if language in languages]
    if len(blocks) != 1:
        raise SpecError(f"{where}: expected one ```{languages[0]} block, found {len(blocks)}")
    return blocks[0]


def _fix_safety(lines: list[str], where: str) -> FixSafety:
    text = "\n".join(lines).lstrip().lower()
    if text.startswith(FixSafety.SAFE_OR_UNSAFE.value):
        return FixSafety.SAFE_OR_UNSAFE
    word = re.search(r"[A-Za-z]+", text)
    safety = word.group(0).lower() if word else ""
    if safety not in FIX_SAFETIES:
        raise SpecError(f"{where}: `## Fix safety` must start with safe, unsafe or none")
    return FixSafety(safety)


def parse_proof(text: str, where: str = "<spec>") -> Proof:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"{where}: the proof is not valid TOML: {error}") from error
    known = {f.name for f in fields(Proof)}
    required = {f.name for f in fields(Proof) if f.name not in ("h0", "c0")}
    if set(data) - known:
        raise SpecError(f"{where}: unknown proof keys {sorted(set(data) - known)}")
    if required - set(data):
        raise SpecError(f"{where}: missing proof keys {sorted(required - set(data))}")
    for key in ("result", "truth", "wrong_when", "h0", "c0"):
        if key in data and not isinstance(data[key], str):
            raise SpecError(f"{where}: proof key {key} must be a string")
    kinds = _list_of(data, "kinds", str, where)
    if set(kinds) - set(KINDS):
        raise SpecError(f"{where}: kinds must be among {KINDS}")
    proof = Proof(
        result=data["result"],
        truth=data["truth"],
        kinds=tuple(LayerKind(kind) for kind in kinds),
        num_layers=_list_of(data, "num_layers", int, where),
        batch_first=_list_of(data, "batch_first", bool, where),
        bidirectional=_list_of(data, "bidirectional", bool, where),
        wrong_when=data["wrong_when"],
        h0=data.get("h0"),
        c0=data.get("c0"),
    )
    if any(n < 1 for n in proof.num_layers):
        raise SpecError(f"{where}: num_layers must be positive")
    if not all(name.isidentifier() for name in proof.result_names):
        raise SpecError(f"{where}: result must name variables: {proof.result!r}")
    try:
        for config in proof.configurations():
            proof.is_wrong(config)
    except SpecError:
        raise
    except Exception as error:
        raise SpecError(f"{where}: wrong_when {proof.wrong_when!r} fails: {error}") from error
    return proof


def _list_of(data: dict[str, Any], key: str, kind: type, where: str) -> tuple[Any, ...]:
    value = data[key]
    # bool is an int subclass: a list of booleans is not a list of layer counts.
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, kind) and (kind is bool or not isinstance(v, bool)) for v in value)
    ):
        raise SpecError(f"{where}: proof key {key} must be a non-empty list of {kind.__name__}")
    if len(set(value)) != len(value):
        raise SpecError(f"{where}: proof key {key} repeats a value")
    return tuple(value)
