"""The findings do not depend on the number of jobs or on the cache (cold, warm, shared
by several files with the same content)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from runner_corpus import make_corpus, normalized, uses_pool

from birnn_lint.findings import Finding
from birnn_lint.runner import check_files


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    return make_corpus(tmp_path_factory.mktemp("tree"))


@pytest.fixture(scope="module")
def reference(corpus):
    return normalized(check_files(corpus.files, codes=None, jobs=1))


def test_the_corpus_is_big_enough_for_the_pool(corpus) -> None:
    assert uses_pool(corpus)


def test_reference_has_every_kind_of_result(reference) -> None:
    codes = {finding["code"] for _, findings, _, _ in reference for finding in findings}
    assert {"BRN002", "BRN900", "BRN901"} <= codes


@pytest.mark.parametrize("jobs", [2, 3, 8])
def test_same_findings_at_every_job_count(corpus, reference, jobs: int) -> None:
    assert normalized(check_files(corpus.files, codes=None, jobs=jobs)) == reference


@pytest.mark.parametrize("jobs", [1, 2])
def test_same_findings_cold_and_warm(corpus, reference, tmp_path: Path, jobs: int) -> None:
    cache = tmp_path / "cache"
    cold = check_files(corpus.files, codes=None, jobs=jobs, cache_dir=cache)
    assert normalized(cold) == reference
    warm = check_files(corpus.files, codes=None, jobs=jobs, cache_dir=cache)
    assert normalized(warm) == reference
    # And a cache written with one job count is read the same with another.
    other = check_files(corpus.files, codes=None, jobs=3 - jobs, cache_dir=cache)
    assert normalized(other) == reference


def test_cached_sources_are_the_same(corpus, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)
    warm = check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)
    assert [r.source for r in warm] == [r.source for r in cold]


def test_subset_and_order_do_not_matter(corpus, reference, tmp_path: Path) -> None:
    """A warm run over a reordered subset gives each file the findings it had."""
    cache = tmp_path / "cache"
    check_files(corpus.files, codes=None, jobs=2, cache_dir=cache)
    subset = list(reversed(corpus.files[::3]))
    expected = {entry[0]: entry for entry in reference}
    got = normalized(check_files(subset, codes=None, jobs=2, cache_dir=cache))
    assert got == [expected[display] for _, display in subset]


def test_every_field_of_a_finding_survives_the_cache(corpus, tmp_path: Path) -> None:
    """Field by field, so that a field added to Finding later cannot be lost silently."""
    cache = tmp_path / "cache"

    def values(results):
        return [
            [getattr(f, field.name) for field in fields(Finding)]
            for r in results
            for f in r.findings
        ]

    cold = check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)
    warm = check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)
    assert values(warm) == values(cold)
    assert any(f.fix is not None for r in cold for f in r.findings)
