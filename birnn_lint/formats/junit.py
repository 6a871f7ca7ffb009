"""JUnit XML, as ruff writes it: one test suite per file with findings, one failing
test case per finding; a single passing case when nothing is found. In a notebook the
`line` and `column` attributes are those of the .ipynb file's JSON text, and the
failure's text names the cell, line and column."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from birnn_lint.formats import RenderOptions, Report, in_cell

# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", value)


def render(reports: Sequence[Report], options: RenderOptions) -> str:
    total = sum(len(r.findings) for r in reports)
    root = ET.Element(
        "testsuites", name="birnn-lint", tests=str(max(total, 1)), failures=str(total), errors="0"
    )
    if total == 0:
        suite = ET.SubElement(
            root, "testsuite", name="birnn-lint", tests="1", disabled="0", errors="0", failures="0"
        )
        ET.SubElement(suite, "testcase", name="No findings", classname="birnn-lint")
    for report in reports:
        if not report.findings:
            continue
        count = str(len(report.findings))
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_text(report.display),
            tests=count,
            disabled="0",
            errors="0",
            failures=count,
            package="org.birnn_lint",
        )
        for f in report.findings:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"org.birnn_lint.{f.code}",
                classname=_text(f.filename),
                line=str(f.file_location.row),
                column=str(f.file_location.column),
            )
            failure = ET.SubElement(case, "failure", message=_text(in_cell(f) + f.message))
            where = (
                f"cell {f.cell}, line {f.location.row}, col {f.location.column}"
                if f.cell is not None
                else f"line {f.location.row}, col {f.location.column}"
            )
            failure.text = _text(f"{where}, {f.code} {f.message}")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
