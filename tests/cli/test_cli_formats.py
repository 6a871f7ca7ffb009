"""Every output format, parsed back."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from cli_support import (
    BROKEN,
    FLAGGED,
    FLAGGED_AT,
    SARIF_SCHEMA,
    birnn,
    concise_findings,
    write,
)

ROW, COL = FLAGGED_AT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, "pkg/model.py", FLAGGED)
    write(tmp_path, "pkg/broken.py", BROKEN)
    return tmp_path


def _json(project: Path, *args: str) -> list[dict]:
    result = birnn("check", "--format", "json", *args, cwd=project)
    assert result.code == 1, result
    return json.loads(result.out)


def test_json_shape(project: Path) -> None:
    data = _json(project)
    assert [(d["filename"], d["code"]) for d in data] == [
        ("pkg/broken.py", "BRN900"),
        ("pkg/model.py", "BRN002"),
    ]
    finding = data[1]
    assert set(finding) >= {"code", "message", "filename", "location", "end_location", "fix"}
    assert finding["location"] == {"row": ROW, "column": COL}
    assert finding["end_location"]["row"] == ROW
    assert finding["end_location"]["column"] > COL
    fix = finding["fix"]
    assert fix["applicability"] == "unsafe"
    assert fix["message"]
    for edit in fix["edits"]:
        assert set(edit) == {"content", "location", "end_location"}
    assert data[0]["fix"] is None


def test_json_lines_matches_json(project: Path) -> None:
    result = birnn("check", "--format", "json-lines", cwd=project)
    assert result.code == 1
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert lines == _json(project)


def test_output_format_alias_and_output_file(project: Path) -> None:
    target = project / "report.json"
    result = birnn("check", "--output-format", "json", "--output-file", target, cwd=project)
    assert result.code == 1
    assert result.out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == _json(project)


def test_concise(project: Path) -> None:
    result = birnn("check", "--format", "concise", cwd=project)
    assert concise_findings(result.out) == [
        ("pkg/broken.py", 1, 7, "BRN900"),
        ("pkg/model.py", ROW, COL, "BRN002"),
    ]
    # The unsafe fix is marked as such, with the hint that enables it.
    assert "BRN002 [unsafe fix] " in result.out
    assert "--unsafe-fixes" in result.out
    assert "Found 2 findings." in result.out


def test_full_shows_line_caret_and_fix(project: Path) -> None:
    result = birnn("check", "pkg/model.py", cwd=project)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith(f"pkg/model.py:{ROW}:{COL}: BRN002 [unsafe fix] ")
    source_line = next(i for i, line in enumerate(lines) if line.endswith("last = h_n[-1]"))
    assert lines[source_line].startswith(f"{ROW} |")
    caret_line = lines[source_line + 1]
    offset = lines[source_line].index("last")
    assert caret_line.index("^") == offset + COL - 1
    assert "^^^^^^^ BRN002" in caret_line
    assert any("= help:" in line and "--unsafe-fixes" in line for line in lines)
    assert "Found 1 finding." in result.out
    assert "\x1b[" not in result.out  # not a terminal: no colour


def test_github_annotations(project: Path) -> None:
    result = birnn("check", "--format", "github", cwd=project)
    assert result.code == 1
    pattern = re.compile(
        r"^::error file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
        r"endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),title=(?P<title>[A-Z0-9]+)"
        r"::(?P<message>.+)$"
    )
    matches = [pattern.match(line) for line in result.out.splitlines()]
    assert all(matches), result.out
    got = [(m["file"], int(m["line"]), int(m["col"]), m["title"]) for m in matches]
    assert got == [("pkg/broken.py", 1, 7, "BRN900"), ("pkg/model.py", ROW, COL, "BRN002")]


def test_gitlab_code_quality(project: Path) -> None:
    result = birnn("check", "--format", "gitlab", cwd=project)
    assert result.code == 1
    issues = json.loads(result.out)
    assert len(issues) == 2
    for issue in issues:
        # GitLab's documented required fields.
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({issue["fingerprint"] for issue in issues}) == 2
    model = next(i for i in issues if i["check_name"] == "BRN002")
    assert model["location"] == {"path": "pkg/model.py", "lines": {"begin": ROW, "end": ROW}}

    # Moving the code keeps its fingerprint (it does not hash the line number).
    write(project, "pkg/model.py", "# a new first line\n" + FLAGGED)
    moved = json.loads(birnn("check", "--format", "gitlab", cwd=project).out)
    moved_model = next(i for i in moved if i["check_name"] == "BRN002")
    assert moved_model["fingerprint"] == model["fingerprint"]
    assert moved_model["location"]["lines"]["begin"] == ROW + 1


def test_sarif_is_valid_and_complete(project: Path) -> None:
    from birnn_lint.registry import all_rules

    result = birnn("check", "--format", "sarif", cwd=project)
    assert result.code == 1
    log = json.loads(result.out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for rule, registered in zip(rules, all_rules(), strict=True):
        assert rule["name"] == registered.name
        assert rule["shortDescription"]["text"] == registered.summary
        assert rule["help"]["text"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"BRN900", "BRN002"}
    brn002 = results["BRN002"]
    assert rules[brn002["ruleIndex"]]["id"] == "BRN002"
    location = brn002["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "pkg/model.py"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (ROW, COL)
    fix = brn002["fixes"][0]
    replacement = fix["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"]["startLine"] == ROW
    assert "h_n[-2]" in replacement["insertedContent"]["text"]
    assert "fixes" not in results["BRN900"]


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    write(tmp_path, "ok.py", "x = 1\n")
    result = birnn("check", "--format", "sarif", cwd=tmp_path)
    assert result.code == 0
    log = json.loads(result.out)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert log["runs"][0]["results"] == []


def test_junit(project: Path) -> None:
    result = birnn("check", "--format", "junit", cwd=project)
    assert result.code == 1
    root = ET.fromstring(result.out)
    assert root.tag == "testsuites"
    assert root.get("failures") == "2"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"pkg/broken.py", "pkg/model.py"}
    case = suites["pkg/model.py"].find("testcase")
    assert case is not None
    assert case.get("name") == "org.birnn_lint.BRN002"
    assert (case.get("line"), case.get("column")) == (str(ROW), str(COL))
    failure = case.find("failure")
    assert failure is not None and failure.get("message")


def test_junit_without_findings(tmp_path: Path) -> None:
    write(tmp_path, "ok.py", "x = 1\n")
    root = ET.fromstring(birnn("check", "--format", "junit", cwd=tmp_path).out)
    assert root.get("failures") == "0"
    assert len(root.findall("testsuite/testcase")) == 1


def test_pylint(project: Path) -> None:
    result = birnn("check", "--format", "pylint", cwd=project)
    assert result.code == 1
    assert result.out.splitlines()[1].startswith(f"pkg/model.py:{ROW}: [BRN002] ")
    assert result.out.splitlines()[0].startswith("pkg/broken.py:1: [BRN900] ")


def test_statistics(project: Path) -> None:
    result = birnn("check", "--statistics", cwd=project)
    assert result.code == 1
    rows = [line.split("\t") for line in result.out.splitlines()]
    assert [(r[0].strip(), r[1]) for r in rows] == [("1", "BRN002"), ("1", "BRN900")]
    assert rows[0][2].strip() == "hidden-last-index-one-direction"
    data = json.loads(birnn("check", "--statistics", "--format", "json", cwd=project).out)
    assert {d["code"]: d["count"] for d in data} == {"BRN002": 1, "BRN900": 1}


def test_quiet_has_no_summary(project: Path) -> None:
    result = birnn("check", "-q", "--format", "concise", cwd=project)
    assert result.code == 1
    assert len(result.out.splitlines()) == 2
    assert "Found" not in result.out


def test_one_line_formats_stay_one_line_per_finding(tmp_path: Path) -> None:
    # The flagged expression spans three lines; the message quotes it.
    write(tmp_path, "m.py", FLAGGED.replace("h_n[-1]", "h_n[\n    -1\n]"))
    data = json.loads(birnn("check", "--format", "json", cwd=tmp_path).out)
    assert [(d["code"], d["location"]["row"]) for d in data] == [("BRN002", ROW)]
    for fmt in ("concise", "pylint", "github"):
        out = birnn("check", "--format", fmt, "-q", cwd=tmp_path).out
        assert len(out.splitlines()) == 1, (fmt, out)
