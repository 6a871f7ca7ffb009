"""SARIF 2.1.0 for code scanning: every rule in `tool.driver.rules` (name, short
description, help from its spec), every finding a result, fixes as SARIF `fixes`.

Columns are code points (`columnKind: unicodeCodePoints`), as in the findings.
Relative paths are relative to the working folder, declared as `%SRCROOT%`.
In a notebook the region is in the .ipynb file's JSON text (the line holding the flagged
code), the message starts with the cell, line and column, and the result's properties
hold `cell` and `cellRegion`; no `fixes` are given (they are edits of a cell's source).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from birnn_lint import __version__
from birnn_lint.findings import Finding, Position
from birnn_lint.formats import RenderOptions, Report, all_findings, in_cell

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_ROOT = "%SRCROOT%"


def _rules() -> list[dict[str, Any]]:
    from birnn_lint.registry import all_rules
    from birnn_lint.specs import user_spec

    rules = []
    for rule in all_rules():
        spec = user_spec(rule.code) or rule.summary
        rules.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": spec, "markdown": spec},
                "defaultConfiguration": {"level": "error"},
                "properties": {
                    "kind": rule.kind,
                    "fix": rule.fix_safety or "none",
                    "fix_availability": rule.fix_availability,
                    "tags": ["correctness", "pytorch"],
                },
            }
        )
    return rules


def _artifact(filename: str) -> dict[str, str]:
    path = Path(filename)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    # Quote the name's bytes: a file name that is not valid UTF-8 (kept by Python as
    # surrogate escapes) becomes %XX escapes, as `as_uri` does for absolute paths.
    return {"uri": quote(os.fsencode(path.as_posix())), "uriBaseId": _ROOT}


def _region(start: Position, end: Position) -> dict[str, int]:
    end = max(end, start)
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error",
        "message": {"text": in_cell(finding) + finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(finding.filename),
                    "region": _region(finding.file_location, finding.file_end_location),
                }
            }
        ],
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    if finding.cell is not None:
        result["properties"] = {
            "cell": finding.cell,
            "cellRegion": _region(finding.location, finding.end_location),
        }
    # A notebook's fix edits are positions in a cell, not in the file: none are given.
    if finding.fix is not None and finding.fix.edits and finding.cell is None:
        fix = finding.fix
        result["fixes"] = [
            {
                "description": {"text": f"{fix.message} ({fix.applicability} fix)"},
                "artifactChanges": [
                    {
                        "artifactLocation": _artifact(finding.filename),
                        "replacements": [
                            {
                                "deletedRegion": _region(edit.location, edit.end_location),
                                "insertedContent": {"text": edit.content},
                            }
                            for edit in fix.edits
                        ],
                    }
                ],
                "properties": {"applicability": fix.applicability},
            }
        ]
    return result


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    root_uri = Path(os.getcwd()).as_uri().rstrip("/") + "/"
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "birnn-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {_ROOT: {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index) for f in all_findings(reports)],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
