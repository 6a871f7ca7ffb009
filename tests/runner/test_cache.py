"""The cache on a real tree: its layout, corrupt entries, files changing between runs,
several runs sharing it at once, settings buckets, and `clean`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from runner_corpus import FLAGGED, filler, make_corpus, normalized

from birnn_lint import cache as cache_module
from birnn_lint.runner import check_files


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    return make_corpus(tmp_path_factory.mktemp("tree"), fillers=10)


@pytest.fixture(scope="module")
def reference(corpus):
    return normalized(check_files(corpus.files, codes=None, jobs=1))


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*/entries/*.json"))


def test_layout(corpus, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)
    assert (
        (cache / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    entries = _entries(cache)
    readable = [p for p, _ in corpus.files if p.is_file() and p.name != "bad_utf8.py"]
    # One entry per distinct readable content (flagged_copy.py shares flagged_gru.py's).
    assert len(entries) == len({p.read_bytes() for p in readable})
    for entry in entries:
        assert isinstance(json.loads(entry.read_bytes())["findings"], list)
    assert not list(cache.rglob(".tmp-*"))


@pytest.mark.parametrize(
    "garbage", [b"", b"{", b"\x00\xff", b'{"findings": [{"code": 1}]}', b'{"findings": 3}', b"[]"]
)
def test_corrupt_entries_are_misses(corpus, reference, tmp_path: Path, garbage: bytes) -> None:
    cache = tmp_path / "cache"
    check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)
    for entry in _entries(cache):
        entry.write_bytes(garbage)
    for index in cache.glob("*/index.json"):
        index.write_bytes(garbage)
    assert normalized(check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)) == reference
    # ... and are rewritten whole.
    for entry in _entries(cache):
        assert isinstance(json.loads(entry.read_bytes())["findings"], list)


def test_an_unusable_cache_folder_does_not_fail_the_run(corpus, reference, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache should be\n")
    results = check_files(corpus.files, codes=None, jobs=2, cache_dir=not_a_folder)
    assert normalized(results) == reference
    assert not_a_folder.read_text() == "a file where the cache should be\n"


def test_settings_have_their_own_buckets(corpus, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    everything = normalized(check_files(corpus.files, codes=None, jobs=1, cache_dir=cache))
    only_001 = check_files(corpus.files, codes=frozenset({"BRN001"}), jobs=1, cache_dir=cache)
    assert all(f.code != "BRN002" for r in only_001 for f in r.findings)
    again = normalized(check_files(corpus.files, codes=None, jobs=1, cache_dir=cache))
    assert again == everything
    assert len([p for p in cache.iterdir() if p.is_dir()]) == 2


def test_the_bucket_depends_on_version_python_and_codes(monkeypatch) -> None:
    base = cache_module.settings_key(None)
    assert cache_module.settings_key(["BRN002", "BRN001"]) == cache_module.settings_key(
        ["BRN001", "BRN002"]
    )
    assert cache_module.settings_key(["BRN001"]) != base
    assert cache_module.settings_key([]) != base
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    assert cache_module.settings_key(None) != base


# --- files changing between runs --------------------------------------------------------


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory):
    """A tree whose files were last changed long enough ago to enter the stat index."""
    root = tmp_path_factory.mktemp("settled")
    clean = "#" * (len(FLAGGED) - 1) + "\n"  # same size as FLAGGED, no finding
    texts = {
        "flagged.py": FLAGGED,
        "clean_same_size.py": clean,
        "to_delete.py": filler(1, 3),
        "to_folder.py": filler(2, 3),
    }
    texts.update({f"filler_{i}.py": filler(i, 5) for i in range(6)})
    for name, text in texts.items():
        (root / name).write_text(text)
    time.sleep(cache_module._RACY_SECONDS + 0.2)
    return root, sorted(texts)


def _run(root: Path, names: list[str], cache: Path):
    return check_files([(root / n, n) for n in names], codes=None, jobs=1, cache_dir=cache)


def test_unchanged_files_skip_reading_through_the_index(settled, tmp_path: Path) -> None:
    root, names = settled
    cache = tmp_path / "cache"
    first = normalized(_run(root, names, cache))
    [index] = cache.glob("*/index.json")
    indexed = json.loads(index.read_bytes())["files"]
    assert sorted(os.path.basename(p) for p in indexed) == names
    # Without entries, only the files with findings need one again: the others are
    # answered from the index alone.
    for entry in _entries(cache):
        entry.unlink()
    assert normalized(_run(root, names, cache)) == first
    assert len(_entries(cache)) == 1  # flagged.py's


def test_a_rewrite_keeping_size_and_mtime_is_seen(settled, tmp_path: Path) -> None:
    root, names = settled
    work = tmp_path / "tree"
    work.mkdir()
    for name in names:
        (work / name).write_bytes((root / name).read_bytes())
        os.utime(work / name, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    cache = tmp_path / "cache"
    # Copies made just now are not settled: nothing enters the index yet ...
    _run(work, names, cache)
    assert not any(json.loads(p.read_bytes())["files"] for p in cache.glob("*/index.json"))
    # ... but the settled originals do, and a same-size rewrite with the old mtime
    # (as `cp -p` or an editor restoring timestamps would leave) is still seen.
    target = root / "clean_same_size.py"
    _run(root, names, cache)
    before = os.stat(target)
    original = target.read_bytes()
    try:
        target.write_text(FLAGGED)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(target).st_size == before.st_size
        results = {r.display: r.findings for r in _run(root, names, cache)}
        assert [f.code for f in results["clean_same_size.py"]] == ["BRN002"]
    finally:
        target.write_bytes(original)
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_deleted_or_replaced_files_are_brn901(settled, tmp_path: Path) -> None:
    source_root, names = settled
    root = tmp_path / "tree"
    root.mkdir()
    for name in names:
        (root / name).write_bytes((source_root / name).read_bytes())
    cache = tmp_path / "cache"
    _run(root, names, cache)
    (root / "to_delete.py").unlink()
    (root / "to_folder.py").unlink()
    (root / "to_folder.py").mkdir()
    results = {r.display: r.findings for r in _run(root, names, cache)}
    assert [f.code for f in results["to_delete.py"]] == ["BRN901"]
    assert [f.code for f in results["to_folder.py"]] == ["BRN901"]
    assert [f.code for f in results["flagged.py"]] == ["BRN002"]


# --- several runs at once ---------------------------------------------------------------

_RUN_ONE = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from runner_corpus import normalized
from birnn_lint.runner import check_files
root, cache = Path(sys.argv[1]), Path(sys.argv[2])
names = json.loads(sys.stdin.read())
for _ in range(3):
    results = check_files([(root / n, n) for n in names], codes=None, jobs=1, cache_dir=cache)
print(json.dumps(normalized(results), default=str))
"""


def test_concurrent_runs_share_the_cache(corpus, reference, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    names = [display for _, display in corpus.files]
    here = str(Path(__file__).parent)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _RUN_ONE, str(corpus.root), str(cache), here],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(json.dumps(names), timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    expected = json.loads(json.dumps(reference, default=str))
    for output in outputs:
        assert json.loads(output) == expected
    assert not list(cache.rglob(".tmp-*"))
    for entry in _entries(cache):
        json.loads(entry.read_bytes())
    assert normalized(check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)) == reference


# --- clean --------------------------------------------------------------------------------


def test_clean_removes_the_cache(corpus, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    check_files(corpus.files, codes=None, jobs=1, cache_dir=cache)
    assert cache_module.clean(cache) is True
    assert not cache.exists()
    assert cache_module.clean(cache) is False


def test_clean_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "project"
    precious.mkdir()
    (precious / "main.py").write_text("print('keep me')\n")
    with pytest.raises(cache_module.CacheError):
        cache_module.clean(precious)
    assert (precious / "main.py").exists()
    a_file = tmp_path / "file"
    a_file.write_text("x\n")
    with pytest.raises(cache_module.CacheError):
        cache_module.clean(a_file)
    assert a_file.exists()


def test_the_index_and_entries_stay_bounded_as_files_come_and_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keep no spare entries, so that pruning shows after a few rounds.
    monkeypatch.setattr(cache_module, "_SPARE_ENTRIES", 0)
    rounds, per_round = 6, 5
    tree = tmp_path / "tree"
    batches = []
    for r in range(rounds):
        names = [f"round{r}_{i}.py" for i in range(per_round)]
        for i, name in enumerate(names):
            # Distinct contents (and a finding, so each file has an entry).
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            (tree / name).write_text(FLAGGED + f"# round {r} file {i}\n")
        batches.append(names)
    time.sleep(cache_module._RACY_SECONDS + 0.2)  # settled: they enter the index
    cache = tmp_path / "cache"
    for names in batches:
        results = _run(tree, names, cache)
        assert all([f.code for f in r.findings] == ["BRN002"] for r in results)
        [index] = cache.glob("*/index.json")
        indexed = json.loads(index.read_bytes())["files"]
        # Only this round's files: the previous round's were deleted.
        assert sorted(os.path.basename(p) for p in indexed) == names
        assert len(_entries(cache)) <= 2 * per_round
        for name in names:
            (tree / name).unlink()
    # A run that checks nothing new still drops the deleted paths.
    (tree / "kept.py").write_text(FLAGGED)
    _run(tree, ["kept.py"], cache)
    [index] = cache.glob("*/index.json")
    # kept.py is too new for the index; the last round's deleted paths are gone.
    assert json.loads(index.read_bytes())["files"] == {}


ENCODERS = """import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 6, num_layers=2, bidirectional={bidirectional})

    def forward(self, x):
        return self.rnn(x)
"""

TRAIN = """import torch
from encoders import Encoder

encoder = Encoder()
output, h_n = encoder(torch.randn(5, 3, 4))
last = h_n[-1]
"""


def test_findings_drawn_from_another_file_follow_its_changes(tmp_path: Path) -> None:
    """train.py's finding comes from encoders.py's layer: a cached result of train.py is
    used only while encoders.py is unchanged, although train.py's own text is."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    (root / "encoders.py").write_text(ENCODERS.format(bidirectional=True))
    (root / "train.py").write_text(TRAIN)
    time.sleep(cache_module._RACY_SECONDS + 0.2)
    cache = tmp_path / "cache"

    def codes() -> list[str]:
        [result] = _run(root, ["train.py"], cache)
        return [f.code for f in result.findings]

    assert codes() == ["BRN002"]
    [entry] = _entries(cache)
    assert [Path(d[0]).name for d in json.loads(entry.read_bytes())["depends"]] == ["encoders.py"]
    assert codes() == ["BRN002"]  # from the cache: encoders.py is unchanged
    (root / "encoders.py").write_text(ENCODERS.format(bidirectional=False))
    assert codes() == []
    (root / "encoders.py").write_text(ENCODERS.format(bidirectional=True))
    assert codes() == ["BRN002"]
