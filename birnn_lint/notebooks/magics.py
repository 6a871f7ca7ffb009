"""IPython syntax in code cells: masked so that the rest of a cell parses as Python.

A line magic (`%time f()`), a shell escape (`!pip install torch`), a captured one
(`files = !ls`, `env = %env`) and a help request (`?obj`, `obj?`, `obj??`) become a
plain statement of the same indentation (`pass`, or `files = None`), tagged with a
comment so that the original line can be put back after a fix. Only lines where a new
logical line starts are looked at: a `!` inside a string or a bracket stays as it is.

A cell magic on the first line decides about the whole cell: `%%time`, `%%capture` and
the others that run their body as Python in the kernel mask that one line; any other
(`%%bash`, `%%writefile`, `%%html`, ...) makes the cell something else than Python,
and it is left out of the analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Cell magics whose body is Python run in the notebook's own namespace.
PYTHON_CELL_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug"})

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_INDENT = re.compile(r"[ \t]*")
_ESCAPE = re.compile(r"[ \t]*(?:%|!|\?)")
_CAPTURE = re.compile(
    r"(?P<target>[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*)[ \t]*=[ \t]*[%!]"
)
_HELP_AFTER = re.compile(r"[ \t]*[A-Za-z_%][\w.%]*(?:\(\))?[ \t]*\?\??[ \t]*$")
_CELL_MAGIC = re.compile(r"[ \t]*%%(?P<name>\w+)")
TAG = "# birnn-lint-masked-line-"
_TAGGED = re.compile(r"# birnn-lint-masked-line-(?P<number>\d+)[ \t]*$")


@dataclass
class MaskedCell:
    """A cell's text with IPython syntax masked, line for line."""

    text: str
    # Tag number -> the original line (without its line break).
    originals: dict[int, str] = field(default_factory=dict)


def _split(text: str) -> list[tuple[str, str]]:
    """(line, line break) pairs."""
    out = []
    for match in _LINE.finditer(text):
        line = match.group()
        body = line.rstrip("\r\n")
        out.append((body, line[len(body) :]))
    return out


class _Scanner:
    """Just enough of Python's tokenizer to know where logical lines start: open
    brackets, open strings (triple-quoted, or single-quoted continued by a backslash)
    and backslash continuations."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        index, length = 0, len(line)
        self.continued = False
        while index < length:
            char = line[index]
            if self.quote is not None:
                if char == "\\":
                    index += 2
                elif line.startswith(self.quote, index):
                    index += len(self.quote)
                    self.quote = None
                else:
                    index += 1
                continue
            if char == "#":
                return
            if char in "\"'":
                self.quote = char * 3 if line.startswith(char * 3, index) else char
                index += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            index += 1
        ends_escaped = line.endswith("\\") and (len(line) - len(line.rstrip("\\"))) % 2 == 1
        if self.quote is not None and len(self.quote) == 1 and not ends_escaped:
            self.quote = None  # an unclosed one-line string: Python's error, not ours
        self.continued = self.quote is None and ends_escaped


def _replacement(line: str) -> str | None:
    """The statement standing for an IPython line, or None for a Python line."""
    capture = _CAPTURE.match(line)
    if capture:
        return f"{capture.group('target')} = None"
    if _ESCAPE.match(line) or _HELP_AFTER.match(line):
        return f"{_INDENT.match(line).group()}pass"  # type: ignore[union-attr]
    return None


def cell_magic(text: str) -> str | None:
    """The name of the cell magic on the first line, if there is one."""
    match = _CELL_MAGIC.match(text)
    return match.group("name") if match else None


def mask_cell(text: str, numbering: list[int]) -> MaskedCell | None:
    """`text` with its IPython lines masked, or None when the cell is not Python.
    `numbering` holds the next tag number, shared by the cells of one notebook."""
    name = cell_magic(text)
    if name is not None and name not in PYTHON_CELL_MAGICS:
        return None
    masked = MaskedCell(text)
    if "%" not in text and "!" not in text and "?" not in text:
        return masked
    out: list[str] = []
    scanner = _Scanner()
    in_magic = False  # a masked line continued by a backslash continues the magic
    indent = ""
    for row, (line, newline) in enumerate(_split(text)):
        replacement = None
        if in_magic:
            replacement = f"{indent}pass"
        elif row == 0 and name is not None:
            replacement = "pass"
        elif scanner.at_statement_start:
            replacement = _replacement(line)
        if replacement is None:
            scanner.feed(line)
            out.append(line + newline)
            continue
        if not in_magic:
            indent = _INDENT.match(line).group()  # type: ignore[union-attr]
        number = numbering[0]
        numbering[0] += 1
        masked.originals[number] = line
        out.append(f"{replacement}  {TAG}{number}{newline}")
        in_magic = line.endswith("\\")
    masked.text = "".join(out)
    return masked


def unmask(text: str, originals: dict[int, str]) -> str:
    """Put the original lines back in place of their tagged stand-ins (wherever a fix
    moved them)."""
    if TAG not in text:
        return text
    out = []
    for line, newline in _split(text):
        tagged = _TAGGED.search(line)
        number = int(tagged.group("number")) if tagged else -1
        out.append((originals[number] if number in originals else line) + newline)
    return "".join(out)


__all__ = ["PYTHON_CELL_MAGICS", "MaskedCell", "cell_magic", "mask_cell", "unmask"]
