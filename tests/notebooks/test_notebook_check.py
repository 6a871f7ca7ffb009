"""`birnn-lint check` on real notebooks (written by nbformat): cells analysed as one
module, IPython syntax masked, locations in cells, every output format."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from notebook_support import (
    CROSS_CELL,
    CROSS_CELL_AT,
    IMPORTS,
    LAYER,
    RUN,
    birnn,
    line_of,
    notebook,
    write_notebook,
)

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


def _codes_at(out: str) -> list[str]:
    """`cell N:row:col: CODE` of each concise line."""
    found = []
    for line in out.splitlines():
        if ".ipynb:" in line:
            where, rest = line.split(".ipynb:", 1)[1].split(": ", 1)
            found.append(f"{where}: {rest.split()[0]}")
    return found


def test_a_layer_built_in_one_cell_and_misread_in_another_is_found(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", CROSS_CELL)
    result = birnn("check", "--no-cache", "--format", "concise", "nb.ipynb", cwd=tmp_path)
    assert result.code == 1, result
    # Markdown and raw cells are counted (cell 5) but never analysed (the raw cell 4
    # holds the same flagged text).
    assert _codes_at(result.out) == [f"{CROSS_CELL_AT}: BRN002"], result
    assert result.out.startswith(f"nb.ipynb:{CROSS_CELL_AT}: BRN002 [unsafe fix] `rnn` (GRU")


def test_the_full_format_shows_the_cells_own_source(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", CROSS_CELL)
    result = birnn("check", "--no-cache", "nb.ipynb", cwd=tmp_path)
    lines = result.out.splitlines()
    assert lines[0].startswith(f"nb.ipynb:{CROSS_CELL_AT}: BRN002")
    assert lines[1:5] == [
        "  |",
        "3 | last = h_n[-1]",
        "  |        ^^^^^^^ BRN002",
        "  |",
    ], result.out


def test_folders_are_walked_for_notebooks(tmp_path: Path) -> None:
    write_notebook(tmp_path / "src" / "nb.ipynb", CROSS_CELL)
    write_notebook(tmp_path / "src" / "deep" / "other.ipynb", CROSS_CELL)
    (tmp_path / "src" / "notes.txt").write_text("torch LSTM", encoding="utf-8")
    shown = birnn("check", "--show-files", cwd=tmp_path)
    assert shown.out.split() == ["src/deep/other.ipynb", "src/nb.ipynb"], shown
    result = birnn("check", "--no-cache", "--format", "concise", cwd=tmp_path)
    assert result.code == 1
    assert [line.split(": ")[0] for line in result.out.splitlines()[:2]] == [
        f"src/deep/other.ipynb:{CROSS_CELL_AT}",
        f"src/nb.ipynb:{CROSS_CELL_AT}",
    ]
    excluded = birnn("check", "--show-files", "--extend-exclude", "*.ipynb", cwd=tmp_path)
    assert excluded.out == "", excluded


def test_ipython_syntax_is_masked_and_the_rest_of_the_cell_checked(tmp_path: Path) -> None:
    cell = "\n".join(
        [
            "%time output, h_n = rnn(x)",  # 1: a line magic (not analysed itself)
            "output, h_n = rnn(x)",
            "!pip install torch",
            "files = !ls",
            "env = %env",
            "?rnn",
            "rnn?",
            "rnn.forward??",
            "for step in range(2):",
            "    !echo $step \\",
            "        continued",
            "    %time rnn(x)",
            "text = '''",
            "!not a shell escape: inside a string",
            "'''",
            "last = h_n[-1]",  # 16
        ]
    )
    write_notebook(tmp_path / "nb.ipynb", [("code", IMPORTS), ("code", LAYER), ("code", cell)])
    result = birnn("check", "--no-cache", "--format", "concise", "nb.ipynb", cwd=tmp_path)
    assert _codes_at(result.out) == ["cell 3:16:8: BRN002"], result


def test_python_cell_magics_are_analysed(tmp_path: Path) -> None:
    for magic in ("%%time", "%%capture captured", "%%timeit -n1", "%%prun"):
        cells = [("code", IMPORTS), ("code", LAYER), ("code", f"{magic}\n{RUN}\nlast = h_n[-1]")]
        write_notebook(tmp_path / "nb.ipynb", cells)
        result = birnn("check", "--no-cache", "--format", "concise", "nb.ipynb", cwd=tmp_path)
        assert _codes_at(result.out) == ["cell 3:3:8: BRN002"], (magic, str(result))


def test_a_cell_in_another_language_is_skipped(tmp_path: Path) -> None:
    for magic in ("%%bash", "%%writefile model.py", "%%html", "%%script python"):
        cells = [("code", IMPORTS), ("code", LAYER), ("code", f"{magic}\n{RUN}\nlast = h_n[-1]")]
        write_notebook(tmp_path / "nb.ipynb", cells)
        result = birnn("check", "--no-cache", "nb.ipynb", cwd=tmp_path)
        assert result.code == 0, (magic, str(result))
        assert "All checks passed!" in result.out


def test_a_notebook_in_another_language_is_skipped(tmp_path: Path) -> None:
    cells = [("code", IMPORTS + "\n" + LAYER + "\n" + RUN + "\nlast = h_n[-1]")]
    nbformat_r = notebook(cells, language="R")
    write_notebook(tmp_path / "r.ipynb", nbformat_r)
    assert birnn("check", "--no-cache", "r.ipynb", cwd=tmp_path).code == 0
    # Without any language metadata a notebook is read as Python.
    write_notebook(tmp_path / "plain.ipynb", notebook(cells, language=None))
    assert birnn("check", "--no-cache", "plain.ipynb", cwd=tmp_path).code == 1


def test_noqa_comments_in_cells(tmp_path: Path) -> None:
    cells = [
        ("code", IMPORTS),
        ("code", LAYER),
        ("code", RUN + "\nlast = h_n[-1]  # noqa: BRN002\nother = h_n[-1]"),
    ]
    write_notebook(tmp_path / "nb.ipynb", cells)
    result = birnn("check", "--no-cache", "--format", "concise", "nb.ipynb", cwd=tmp_path)
    assert _codes_at(result.out) == ["cell 3:3:9: BRN002"], result
    # The file-level directive in any cell covers the whole notebook.
    cells.append(("code", "# birnn-lint: noqa: BRN002"))
    write_notebook(tmp_path / "nb.ipynb", cells)
    assert birnn("check", "--no-cache", "nb.ipynb", cwd=tmp_path).code == 0


def test_json_formats_carry_the_cell(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", CROSS_CELL)
    (tmp_path / "model.py").write_text(
        "import torch\nfrom torch import nn\n" + LAYER + "\n" + RUN + "\nlast = h_n[-1]\n",
        encoding="utf-8",
    )
    result = birnn("check", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    data = json.loads(result.out)
    by_file = {item["filename"]: item for item in data}
    cell = by_file["nb.ipynb"]
    assert cell["cell"] == 5
    assert cell["location"] == {"row": 3, "column": 8}
    assert cell["end_location"] == {"row": 3, "column": 15}
    edit = cell["fix"]["edits"][0]
    assert edit["location"] == {"row": 3, "column": 8}
    assert by_file["model.py"]["cell"] is None
    lines = birnn("check", "--no-cache", "--format", "json-lines", ".", cwd=tmp_path)
    assert [json.loads(line) for line in lines.out.splitlines()] == data


def test_file_formats_point_at_the_line_of_the_ipynb_file(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", CROSS_CELL)
    # The JSON string holding the flagged line, and the column of `h_n[-1]` in it.
    line, column = line_of(path, '"last = h_n[-1]"')
    column += len('"last = ')
    prefix = "cell 5, line 3, column 8: "

    def run(fmt: str) -> str:
        result = birnn("check", "--no-cache", "--format", fmt, "nb.ipynb", cwd=tmp_path)
        assert result.code == 1, result
        return result.out

    github = run("github")
    assert github.startswith(
        f"::error file=nb.ipynb,line={line},col={column},endLine={line},"
        f"endColumn={column + 7},title=BRN002::{prefix}`rnn` (GRU"
    ), github

    pylint = run("pylint")
    assert pylint.startswith(f"nb.ipynb:{line}: [BRN002] {prefix}`rnn`"), pylint

    gitlab = json.loads(run("gitlab"))
    assert gitlab[0]["location"] == {"path": "nb.ipynb", "lines": {"begin": line, "end": line}}
    assert gitlab[0]["description"].startswith(f"BRN002 {prefix}")

    junit = run("junit")
    assert f'classname="nb.ipynb" line="{line}" column="{column}"' in junit
    assert ">cell 5, line 3, col 8, BRN002 " in junit

    sarif = json.loads(run("sarif"))
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    result = sarif["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {
        "startLine": line,
        "startColumn": column,
        "endLine": line,
        "endColumn": column + 7,
    }
    assert result["properties"] == {
        "cell": 5,
        "cellRegion": {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 15},
    }
    assert result["message"]["text"].startswith(prefix)
    assert "fixes" not in result


def test_standard_input_named_as_a_notebook(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "nb.ipynb", CROSS_CELL)
    result = birnn(
        "check",
        "--format",
        "concise",
        "--stdin-filename",
        "nb.ipynb",
        "-",
        cwd=tmp_path,
        input=path.read_bytes(),
    )
    assert _codes_at(result.out) == [f"{CROSS_CELL_AT}: BRN002"], result


def test_the_cache_gives_the_same_report(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", CROSS_CELL)
    for fmt in ("full", "github", "json"):
        cold = birnn("check", "--format", fmt, "nb.ipynb", cwd=tmp_path)
        warm = birnn("check", "--format", fmt, "nb.ipynb", cwd=tmp_path)
        assert (tmp_path / ".birnn_lint_cache").is_dir()
        assert cold.out == warm.out and cold.code == warm.code == 1


def test_a_syntax_error_is_reported_in_its_cell(tmp_path: Path) -> None:
    cells = [("code", IMPORTS), ("markdown", "text"), ("code", LAYER + "\ndef f(:\n    pass")]
    write_notebook(tmp_path / "nb.ipynb", cells)
    result = birnn("check", "--no-cache", "--format", "concise", "nb.ipynb", cwd=tmp_path)
    assert result.code == 1, result
    assert result.out.startswith("nb.ipynb:cell 3:3:7: BRN900 syntax error"), result
