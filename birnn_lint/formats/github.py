"""GitHub Actions workflow commands: one `::error ...::message` annotation per finding.

In a notebook the annotation is on the line of the .ipynb file that holds the flagged
code (the JSON string of that source line), and the message starts with the cell, line
and column."""

from __future__ import annotations

from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, all_findings, in_cell


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
                f"line={f.file_location.row}",
                f"col={f.file_location.column}",
                f"endLine={f.file_end_location.row}",
                f"endColumn={f.file_end_location.column}",
                f"title={_property(f.code)}",
            ]
        )
        out.append(f"::error {props}::{_data(in_cell(f) + f.message)}\n")
    return "".join(out)
