"""The labelled real-world sites (tests/realworld/sites.tsv) and the files they need.

Only references live in the repository: repository, commit, path and line of each site,
its label and the form of section 1 of issue 10 it exercises. The third-party files
themselves are kept in a cache folder outside the repository (see measure.py).
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITES_TSV = HERE / "sites.tsv"
FILES_TSV = HERE / "files.tsv"
SITE_COLUMNS = ("repo", "commit", "path", "line", "rule", "label", "form", "note")
FILE_COLUMNS = ("repo", "commit", "path", "why")


class Label(enum.Enum):
    BUG = "bug"
    CORRECT = "correct"


class Form(enum.Enum):
    """The forms of issue 10, section 1 (plus plain single-body code)."""

    PLAIN = "plain"
    ANNOTATED = "annotated"  # 1
    SETTINGS_CONTAINER = "settings-container"  # 2
    CLASS_RUNTIME = "class-runtime"  # 3
    CROSS_FUNCTION = "cross-function"  # 4
    CROSS_FILE = "cross-file"  # 5
    RECEIVED_LAYER = "received-layer"  # 6
    SHAPE_PRESERVING = "shape-preserving"  # 7
    CONTAINER = "container"  # 8
    MODULE_RESULTS = "module-results"  # 9
    LENGTHS_LAST_STEP = "lengths-last-step"  # 10
    FRAGMENT = "fragment"  # 11
    NAME_RESOLUTION = "name-resolution"  # 12


@dataclass(frozen=True)
class Site:
    repo: str
    commit: str
    path: str
    line: int
    rule: str | None  # the code birnn-lint should report; None for correct code
    label: Label
    form: Form
    note: str

    @property
    def key(self) -> str:
        return f"{self.repo}:{self.path}:{self.line}"


@dataclass(frozen=True)
class FileRef:
    repo: str
    commit: str
    path: str
    why: str


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path}: columns {reader.fieldnames}, expected {columns}")
        yield from reader


def load_sites(path: Path = SITES_TSV) -> list[Site]:
    sites = []
    for row in _rows(path, SITE_COLUMNS):
        sites.append(
            Site(
                repo=row["repo"],
                commit=row["commit"],
                path=row["path"],
                line=int(row["line"]),
                rule=None if row["rule"] == "-" else row["rule"],
                label=Label(row["label"]),
                form=Form(row["form"]),
                note=row["note"],
            )
        )
    return sites


def load_files(path: Path = FILES_TSV) -> list[FileRef]:
    return [FileRef(**row) for row in _rows(path, FILE_COLUMNS)]


def needed_files(sites: list[Site], extra: list[FileRef]) -> list[FileRef]:
    """Every file the measurement reads: each site's file, then the siblings it needs."""
    seen: dict[tuple[str, str, str], FileRef] = {}
    for site in sites:
        key = (site.repo, site.commit, site.path)
        seen.setdefault(key, FileRef(site.repo, site.commit, site.path, "site"))
    for ref in extra:
        seen.setdefault((ref.repo, ref.commit, ref.path), ref)
    return list(seen.values())
