"""check_files on a real tree: one result per input in order, BRN901 for what cannot be
read, BRN902 for a crash, and the decoded text only where there are findings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from runner_corpus import FLAGGED, by_display, make_corpus, uses_pool

from birnn_lint import runner
from birnn_lint.engine import check_source
from birnn_lint.runner import check_files

POOL_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="fault injection relies on fork"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    return make_corpus(tmp_path_factory.mktemp("tree"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_result_per_input_in_order(corpus, jobs: int) -> None:
    shuffled = list(reversed(corpus.files))
    results = check_files(shuffled, codes=None, jobs=jobs)
    assert [r.display for r in results] == [display for _, display in shuffled]
    for result in results:
        for finding in result.findings:
            assert finding.filename == result.display


def test_findings_are_the_engines(corpus) -> None:
    """For a readable file the runner reports what the engine reports, less noqa."""
    results = by_display(check_files(corpus.files, codes=None, jobs=1))
    expected = check_source(FLAGGED, "flagged_gru.py")
    assert [f.code for f in expected] == ["BRN002"]
    assert results["flagged_gru.py"] == expected
    assert results["flagged_copy.py"] == check_source(FLAGGED, "flagged_copy.py")
    assert [(f.location.row, f.location.column) for f in results["flagged_crlf.py"]] == [(6, 8)]
    assert [(f.location.row, f.location.column) for f in results["flagged_bom.py"]] == [(6, 8)]
    assert results["suppressed.py"] == []
    assert [(f.code, f.location.row) for f in results["broken.py"]] == [("BRN900", 1)]
    assert results["latin1.py"] == []
    assert results["empty.py"] == []


def test_unreadable_files_are_brn901_and_the_run_goes_on(corpus) -> None:
    results = by_display(check_files(corpus.files, codes=None, jobs=2))
    unreadable = ["bad_utf8.py", "folder.py", "missing.py"] + (
        ["fifo.py"] if "fifo.py" in results else []
    )
    for name in unreadable:
        assert [f.code for f in results[name]] == ["BRN901"], name
        assert results[name][0].name == "unreadable-file"
    assert "directory" in results["folder.py"][0].message
    assert "UTF-8" in results["bad_utf8.py"][0].message
    assert [f.code for f in results["flagged_lstm.py"]] == ["BRN002"]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads all")
def test_permission_denied_is_brn901(tmp_path: Path) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text(FLAGGED)
    locked.chmod(0)
    try:
        [result] = check_files([(locked, "locked.py")], codes=None, jobs=1)
    finally:
        locked.chmod(0o644)
    assert [f.code for f in result.findings] == ["BRN901"]
    assert "permission" in result.findings[0].message


def test_source_is_kept_only_for_files_with_findings(corpus) -> None:
    for result in check_files(corpus.files, codes=None, jobs=2):
        readable = result.findings and result.findings[0].code != "BRN901"
        if readable:
            path = corpus.root / result.display
            assert result.source is not None
            assert result.source.encode("utf-8") in path.read_bytes()
        else:
            assert result.source is None, result.display


def test_codes_select_the_check_rules(corpus) -> None:
    results = by_display(check_files(corpus.files, codes=frozenset({"BRN001"}), jobs=1))
    assert results["flagged_gru.py"] == []
    # Diagnostics are not rules one selects: they always come.
    assert [f.code for f in results["broken.py"]] == ["BRN900"]
    assert [f.code for f in results["missing.py"]] == ["BRN901"]


@POOL_ONLY
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crash_in_one_file_is_brn902(corpus, monkeypatch, jobs: int) -> None:
    """The engine is replaced by one that fails on a single file (forked workers inherit
    the replacement); every other file is still checked."""
    assert jobs == 1 or uses_pool(corpus)
    real = runner.check_source

    def failing(text: str, filename: str = "<string>", codes=None, path=None):
        if filename == "flagged_lstm.py":
            raise ValueError("boom")
        return real(text, filename, codes, path)

    monkeypatch.setattr(runner, "check_source", failing)
    results = by_display(check_files(corpus.files, codes=None, jobs=jobs))
    [crash] = results["flagged_lstm.py"]
    assert crash.code == "BRN902"
    assert "ValueError: boom" in crash.message
    assert [f.code for f in results["flagged_gru.py"]] == ["BRN002"]


@POOL_ONLY
def test_a_dying_worker_costs_only_its_file(corpus, monkeypatch) -> None:
    """A worker that dies (as on a crash in native code) is replaced; the file that kills
    it gets BRN902 and the files that were in flight with it are checked again."""
    assert uses_pool(corpus)
    parent = os.getpid()
    real = runner.check_source

    def dying(text: str, filename: str = "<string>", codes=None):
        if filename == "flagged_lstm.py" and os.getpid() != parent:
            os._exit(70)
        return real(text, filename, codes)

    monkeypatch.setattr(runner, "check_source", dying)
    results = by_display(check_files(corpus.files, codes=None, jobs=2))
    [death] = results["flagged_lstm.py"]
    assert death.code == "BRN902"
    assert "worker" in death.message
    expected = by_display(check_files(corpus.files, codes=None, jobs=1))
    del results["flagged_lstm.py"], expected["flagged_lstm.py"]
    assert results == expected


def test_no_files(tmp_path: Path) -> None:
    assert check_files([], codes=None, jobs=4, cache_dir=tmp_path / "cache") == []
