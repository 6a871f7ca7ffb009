#!/usr/bin/env python3
"""Recall and precision of birnn-lint on the labelled real-world sites (issue 10).

The third-party files are never part of this repository. They live in a cache folder
(default /work/realworld-cache), one folder per repository and commit:

    <cache>/<owner>/<name>/<commit>/<path>

Filling the cache (`fill`): every file named in sites.tsv, and every sibling file in
files.tsv that a cross-file flow needs, is written there from a local git copy of its
repository. Such copies are what the session tool `fetch github:<owner>/<name>` brings
(a bare repository at /work/.mirror/<owner>+<name>/repo, or its .git); any git clone
works, named with --mirrors. A file whose repository has no local copy is listed as
missing: save it by hand from the same (repository, path, commit) with the session
tool `read_file` (or `git show <commit>:<path>` in a clone), byte for byte.

    python tests/realworld/measure.py fill [--cache DIR] [--mirrors DIR]
    python tests/realworld/measure.py run [--cache DIR] [--birnn-lint PATH] [--json]

`run` checks each repository folder as a project (`birnn-lint check --output-format json
--isolated --no-cache --exit-zero <folder>`), then scores the findings:

- a bug site is found when a finding with its expected code lies on the site's line or
  in the statement holding it;
- a finding of another code on a bug site counts as `wrong code` (neither found nor a
  finding on correct code);
- any finding on a correct site's statement is a false positive;
- any finding elsewhere in the cached files is listed for review (`unlabelled`).

Precision, per rule and overall, is (findings of the expected code on bug sites) /
(all findings that are not BRN9xx diagnostics).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realworld_sites import FileRef, Form, Label, Site, load_files, load_sites, needed_files

DEFAULT_CACHE = Path("/work/realworld-cache")
DEFAULT_MIRRORS = Path("/work/.mirror")


def cache_path(cache: Path, ref: FileRef | Site) -> Path:
    return cache / ref.repo / ref.commit / ref.path


def _git_dir(mirrors: Path, repo: str) -> Path | None:
    base = mirrors / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def fill(cache: Path, mirrors: Path) -> int:
    missing = []
    refs = needed_files(load_sites(), load_files())
    for ref in refs:
        target = cache_path(cache, ref)
        if target.is_file():
            continue
        git_dir = _git_dir(mirrors, ref.repo)
        blob = None
        if git_dir is not None:
            shown = subprocess.run(
                ["git", f"--git-dir={git_dir}", "show", f"{ref.commit}:{ref.path}"],
                capture_output=True,
                check=False,
            )
            if shown.returncode == 0:
                blob = shown.stdout
        if blob is None:
            missing.append(ref)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    print(f"{len(refs) - len(missing)} of {len(refs)} files in {cache}")
    for ref in missing:
        print(f"missing: {ref.repo} {ref.commit} {ref.path} (save it with read_file)")
    return 1 if missing else 0


# --- scoring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    path: str  # relative to the repository folder
    row: int
    end_row: int
    message: str


def statement_span(source: str, line: int) -> tuple[int, int]:
    """The lines of the innermost statement holding `line` (a compound statement's header
    only), so that a finding anywhere in a multi-line statement counts for its site."""
    best = (line, line)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return best
    best_size = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        start, end = node.lineno, node.end_lineno or node.lineno
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:
            end = min(end, body[0].lineno - 1) if body[0].lineno > start else start
            end = max(end, start)
        if start <= line <= end and (best_size is None or end - start < best_size):
            best, best_size = (start, end), end - start
    return best


def run_birnn_lint(executable: str, folder: Path) -> list[Finding]:
    """Check the folder as a project, as a clone of it would be: the clone's `.git` is
    the project root (a snapshot in the cache has none: an empty marker stands in)."""
    marker = folder / ".git"
    if not marker.exists():
        marker.mkdir()
    done = subprocess.run(
        [executable, "check", "--output-format", "json", "--isolated", "--no-cache"]
        + ["--exit-zero", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"birnn-lint failed on {folder}: {done.stderr[-2000:]}")
    return [
        Finding(
            code=item["code"],
            path=Path(os.path.normpath(item["filename"])).as_posix(),
            row=item["location"]["row"],
            end_row=item["end_location"]["row"],
            message=item["message"],
        )
        for item in json.loads(done.stdout or "[]")
    ]


@dataclass
class Tally:
    bugs: int = 0
    found: int = 0
    wrong_code: int = 0
    correct: int = 0
    flagged_correct: int = 0
    true_findings: int = 0
    false_findings: int = 0

    def recall(self) -> str:
        return f"{self.found}/{self.bugs}" if self.bugs else "-"

    def precision(self) -> str:
        total = self.true_findings + self.false_findings
        return f"{self.true_findings}/{total}" if total else "-"


@dataclass
class Outcome:
    site: Site
    verdict: str  # found, missed, wrong-code, silent, false-positive
    codes: list[str] = field(default_factory=list)


def score(cache: Path, executable: str) -> tuple[list[Outcome], list[Finding], list[str]]:
    sites = load_sites()
    by_folder: dict[tuple[str, str], list[Site]] = defaultdict(list)
    for site in sites:
        by_folder[(site.repo, site.commit)].append(site)
    outcomes: list[Outcome] = []
    unlabelled: list[Finding] = []
    diagnostics: list[str] = []
    for (repo, commit), folder_sites in sorted(by_folder.items()):
        folder = cache / repo / commit
        findings = run_birnn_lint(executable, folder)
        claimed: set[int] = set()
        for site in folder_sites:
            source = (folder / site.path).read_text(encoding="utf-8", errors="replace")
            start, end = statement_span(source, site.line)
            here = [
                (index, f)
                for index, f in enumerate(findings)
                if f.path == site.path
                and f.row <= end
                and f.end_row >= start
                and not f.code.startswith("BRN9")
            ]
            claimed.update(index for index, _ in here)
            codes = sorted({f.code for _, f in here})
            if site.label is Label.BUG:
                verdict = "found" if site.rule in codes else ("wrong-code" if codes else "missed")
            else:
                verdict = "false-positive" if codes else "silent"
            outcomes.append(Outcome(site, verdict, codes))
        for index, f in enumerate(findings):
            if f.code.startswith("BRN9"):
                diagnostics.append(f"{repo}@{commit[:10]} {f.path}:{f.row} {f.code}")
            elif index not in claimed:
                where = f"{repo}@{commit[:10]}/{f.path}"
                unlabelled.append(Finding(f.code, where, f.row, f.end_row, f.message))
    return outcomes, unlabelled, diagnostics


def tallies(
    outcomes: list[Outcome], unlabelled: list[Finding]
) -> tuple[dict[str, Tally], dict[str, Tally], Tally]:
    per_form: dict[str, Tally] = {form.value: Tally() for form in Form}
    per_rule: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for outcome in outcomes:
        site = outcome.site
        rows = [per_form[site.form.value], total]
        if site.label is Label.BUG:
            assert site.rule is not None
            rows.append(per_rule[site.rule])
            for tally in rows:
                tally.bugs += 1
                tally.found += outcome.verdict == "found"
                tally.wrong_code += outcome.verdict == "wrong-code"
                tally.true_findings += outcome.verdict == "found"
            # a finding of another code on a bug site is not a true finding of that code
            for code in outcome.codes:
                if code != site.rule:
                    per_rule[code].false_findings += 1
                    per_form[site.form.value].false_findings += 1
                    total.false_findings += 1
        else:
            for tally in rows:
                tally.correct += 1
                tally.flagged_correct += outcome.verdict == "false-positive"
            for code in outcome.codes:
                per_rule[code].false_findings += 1
                per_form[site.form.value].false_findings += 1
                total.false_findings += 1
    for finding in unlabelled:
        per_rule[finding.code].false_findings += 1
        total.false_findings += 1
    return per_form, dict(per_rule), total


def markdown(outcomes: list[Outcome], unlabelled: list[Finding], diagnostics: list[str]) -> str:
    per_form, per_rule, total = tallies(outcomes, unlabelled)
    repos = {o.site.repo for o in outcomes}
    lines = [
        f"{len(outcomes)} sites in {len(repos)} repositories: "
        f"{total.bugs} bugs, {total.correct} correct. "
        f"Recall {total.recall()}, precision {total.precision()}, "
        f"correct sites flagged {total.flagged_correct}/{total.correct}, "
        f"unlabelled findings {len(unlabelled)}, diagnostics {len(diagnostics)}.",
        "",
        "| form | bug sites | found | wrong code | recall | correct sites | flagged "
        "| precision (on sites) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for form, t in per_form.items():
        if t.bugs or t.correct:
            lines.append(
                f"| {form} | {t.bugs} | {t.found} | {t.wrong_code} | {t.recall()} | "
                f"{t.correct} | {t.flagged_correct} | {t.precision()} |"
            )
    lines += [
        "",
        "| rule | bug sites | found | recall | findings | true | precision |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in sorted(per_rule):
        t = per_rule[rule]
        lines.append(
            f"| {rule} | {t.bugs} | {t.found} | {t.recall()} | "
            f"{t.true_findings + t.false_findings} | {t.true_findings} | {t.precision()} |"
        )
    flagged = [o for o in outcomes if o.verdict in ("found", "wrong-code", "false-positive")]
    if flagged:
        lines += ["", "Findings on labelled sites:", ""]
        for o in flagged:
            lines.append(f"- {o.verdict}: {o.site.key} ({o.site.form.value}) {', '.join(o.codes)}")
    if unlabelled:
        lines += ["", "Findings elsewhere (to review):", ""]
        lines += [f"- {f.path}:{f.row} {f.code}: {f.message}" for f in unlabelled]
    if diagnostics:
        lines += ["", "Diagnostics:", ""] + [f"- {d}" for d in diagnostics]
    return "\n".join(lines)


def find_birnn_lint(explicit: str | None) -> str:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "birnn-lint"
    if beside.is_file():
        return str(beside)
    found = shutil.which("birnn-lint")
    if not found:
        raise SystemExit("birnn-lint not found: install it or pass --birnn-lint")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("fill", "run"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--birnn-lint", dest="birnn_lint")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    args = parser.parse_args(argv)
    if args.command == "fill":
        return fill(args.cache, args.mirrors)
    outcomes, unlabelled, diagnostics = score(args.cache, find_birnn_lint(args.birnn_lint))
    if args.json:
        per_form, per_rule, total = tallies(outcomes, unlabelled)
        print(
            json.dumps(
                {
                    "outcomes": [
                        {
                            "site": o.site.key,
                            "form": o.site.form.value,
                            "label": o.site.label.value,
                            "rule": o.site.rule,
                            "verdict": o.verdict,
                            "codes": o.codes,
                        }
                        for o in outcomes
                    ],
                    "unlabelled": [f.__dict__ for f in unlabelled],
                    "diagnostics": diagnostics,
                    "counts": Counter(o.verdict for o in outcomes),
                },
                indent=2,
            )
        )
    else:
        print(markdown(outcomes, unlabelled, diagnostics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
