"""Project roots and source roots, on real folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from birnn_lint.project import ProjectIndex, SymbolKind, find_project_root, source_roots

MakeProject = Callable[[dict[str, str]], Path]


def test_nearest_marker_wins(tmp_path: Path) -> None:
    (tmp_path / "outer" / "inner" / "pkg").mkdir(parents=True)
    (tmp_path / "outer" / ".git").mkdir()
    (tmp_path / "outer" / "inner" / "setup.cfg").write_text("[metadata]\nname = x\n")
    target = tmp_path / "outer" / "inner" / "pkg" / "mod.py"
    target.write_text("x = 1\n")
    assert find_project_root(target) == tmp_path / "outer" / "inner"
    (tmp_path / "outer" / "inner" / "setup.cfg").unlink()
    assert find_project_root(target) == tmp_path / "outer"


def test_no_marker_is_the_files_folder(tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    # tmp_path may sit inside a git checkout on some machines: only assert when not.
    root = find_project_root(folder / "script.py")
    assert root == folder or (root / ".git").exists() or (root / "pyproject.toml").exists()


def test_src_and_configured_package_dirs(make_project: MakeProject) -> None:
    root = make_project(
        {
            "pyproject.toml": """
                [tool.setuptools.packages.find]
                where = ["lib"]
                [tool.hatch.build.targets.wheel]
                packages = ["code/app"]
            """,
            "src/": "",
            "lib/": "",
            "code/app/__init__.py": "",
        }
    )
    assert source_roots(root) == (root, root / "lib", root / "code", root / "src")


def test_setup_cfg_package_dir(make_project: MakeProject) -> None:
    root = make_project(
        {
            "pyproject.toml": "",
            "setup.cfg": "[options]\npackage_dir =\n    =python\n",
            "python/": "",
        }
    )
    assert source_roots(root) == (root, root / "python")


def test_broken_pyproject_still_gives_roots(make_project: MakeProject) -> None:
    root = make_project({"pyproject.toml": "[tool.setuptools\n", "src/": ""})
    assert source_roots(root) == (root, root / "src")


def test_src_layout_resolves(make_project: MakeProject) -> None:
    root = make_project(
        {
            "src/pkg/__init__.py": "from .model import Model\n",
            "src/pkg/model.py": "import torch.nn as nn\nclass Model(nn.Module): pass\n",
            "tests/test_model.py": "from pkg import Model\n",
        }
    )
    test_file = root / "tests" / "test_model.py"
    index = ProjectIndex.for_file(test_file)
    symbol = index.resolve_name(test_file, "Model")
    assert symbol is not None and symbol.kind is SymbolKind.CLASS
    assert symbol.path == root / "src" / "pkg" / "model.py"
    assert symbol.qualified_name == "pkg.model.Model"


def test_script_folder_is_searched_first(make_project: MakeProject) -> None:
    root = make_project(
        {
            "utils.py": "def helper(): pass\n",
            "scripts/utils.py": "def helper(): pass\n",
            "scripts/train.py": "from utils import helper\n",
            "pkg/__init__.py": "",
            "pkg/utils.py": "",
            "pkg/run.py": "from utils import helper\n",
        }
    )
    index = ProjectIndex.for_file(root / "scripts" / "train.py")
    # A script: its folder comes first, as `python scripts/train.py` would have it.
    assert index.module_path(root / "scripts" / "train.py", "utils") == (
        root / "scripts" / "utils.py"
    )
    # A module in a package: absolute imports start at the root, not beside the file.
    assert index.module_path(root / "pkg" / "run.py", "utils") == root / "utils.py"


def test_package_checked_without_markers(tmp_path: Path) -> None:
    """No pyproject, no .git: a file deep in a package still finds its siblings through
    the folder above its top package."""
    top = tmp_path / "nomarker"
    (top / "models" / "layers").mkdir(parents=True)
    (top / "models" / "__init__.py").write_text("")
    (top / "models" / "layers" / "__init__.py").write_text("")
    (top / "models" / "common.py").write_text("class Base: pass\n")
    target = top / "models" / "layers" / "rnn.py"
    target.write_text("from models.common import Base\nclass RNN(Base): pass\n")
    index = ProjectIndex.for_file(target)
    if (index.root / ".git").exists():  # tmp inside a checkout: the rule is moot
        return
    symbol = index.resolve_name(target, "Base")
    assert symbol is not None and symbol.path == top / "models" / "common.py"
    assert index.root == top  # the folder above the top package
    assert index.module_name(target) == "models.layers.rnn"
