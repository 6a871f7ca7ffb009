"""GitHub Actions workflow commands: one `::error ...::message` annotation per finding."""

from __future__ import annotations

from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, all_findings


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    out = []
    for f in all_findings(reports):
        props = ",".join(
            [
                f"file={_property(f.filename)}",
                f"line={f.location.row}",
                f"col={f.location.column}",
                f"endLine={f.end_location.row}",
                f"endColumn={f.end_location.column}",
                f"title={_property(f.code)}",
            ]
        )
        out.append(f"::error {props}::{_data(f.message)}\n")
    return "".join(out)
