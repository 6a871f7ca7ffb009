"""Hover: the rule page of each finding under the cursor, as Markdown.

The page (rules/BRNnnn-name.md) is cut to what a reader needs at the code: its title
and summary, What it does, Why, the Example and Use instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from birnn_lint.findings import Finding, Position
from birnn_lint.specs import load_spec

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
_HEADING = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)


@cache
def rule_markdown(code: str) -> str | None:
    """The hover text of one rule, or None when it has no page."""
    page = load_spec(code)
    if page is None:
        return None
    headings = list(_HEADING.finditer(page))
    intro = page[: headings[0].start()] if headings else page
    # "# BRN002: name" becomes a smaller heading: a hover is not a document.
    parts = [re.sub(r"^# ", "### ", intro.strip(), count=1)]
    for index, heading in enumerate(headings):
        if heading.group(1) not in SECTIONS:
            continue
        end = headings[index + 1].start() if index + 1 < len(headings) else len(page)
        body = page[heading.end() : end].strip()
        parts.append(f"**{heading.group(1)}**\n\n{body}")
    return "\n\n".join(parts)


def covers(finding: Finding, position: Position) -> bool:
    """Whether the cursor is on the finding's span (on its row, for a point)."""
    start, end = finding.location, finding.end_location
    if start == end:
        return position.row == start.row
    return start <= position <= end


def hover_markdown(findings: Sequence[Finding], position: Position) -> str | None:
    pages = []
    for code in dict.fromkeys(f.code for f in findings if covers(f, position)):
        page = rule_markdown(code)
        if page is not None:
            pages.append(page)
    return "\n\n---\n\n".join(pages) if pages else None
