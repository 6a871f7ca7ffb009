"""Access to the rule specs in `rules/` (packaged as `birnn_lint/specs` in a wheel)."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "specs"
_SOURCE_TREE = Path(__file__).resolve().parent.parent / "rules"


def specs_dir() -> Path:
    """The folder holding `BRNnnn-name.md` files: inside the wheel, else the checkout."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


def spec_path(code: str) -> Path | None:
    matches = sorted(specs_dir().glob(f"{code.upper()}-*.md"))
    return matches[0] if matches else None


def load_spec(code: str) -> str | None:
    path = spec_path(code)
    return path.read_text(encoding="utf-8") if path else None


# The section of a spec that drives the runtime proofs (TOML for the test suite): not
# for readers of `birnn-lint rule` or of SARIF help.
_INTERNAL_SECTION = "\n## Proof\n"


def user_spec(code: str) -> str | None:
    """A rule's page as users read it: the spec without its internal `## Proof`."""
    text = load_spec(code)
    if text is None:
        return None
    return text.split(_INTERNAL_SECTION, 1)[0].rstrip("\n") + "\n"
