"""The documentation: the Sphinx site builds without a warning, and every example of the how-to
guides runs.

The build is the one CI runs (``sphinx-build -W --keep-going -b html docs <out>``), from a fresh
environment so every page is read again. Each how-to page (docs/how-to/*.md) is then run as a
reader would follow it, in an empty folder where ``params`` is the repository's params/: a block
```` ```{code-block} ```` with a ``:caption:`` path is written to that file, each ```` ```bash ````
block runs in bash (with this interpreter's ``parity`` command first on PATH) and each
```` ```python ```` block runs in one namespace per page, in order. Other blocks (file excerpts,
printed output) are only read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from markdown_blocks import Block, code_blocks

pytest.importorskip("sphinx", reason="pip install '.[test]' installs sphinx")
pytest.importorskip("myst_parser", reason="pip install '.[test]' installs myst-parser")

DOCS = ROOT / "docs"
HOW_TO_PAGES = sorted((DOCS / "how-to").glob("*.md"))


def sphinx_build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Build the HTML site of ``source`` into ``out`` with warnings as errors."""
    command = [sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html", str(source), str(out)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def warnings_of(build: subprocess.CompletedProcess[str]) -> str:
    lines = (build.stdout + build.stderr).splitlines()
    return "\n".join(line for line in lines if "WARNING" in line or "ERROR" in line) or build.stderr


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    build = sphinx_build(DOCS, tmp_path / "html")
    assert build.returncode == 0, f"the docs build warned:\n{warnings_of(build)}"
    html = tmp_path / "html"
    # Formulas reach MathJax, and the API reference has the public classes' methods.
    assert '<div class="math notranslate nohighlight">' in (html / "methods" / "cohort-engine.html").read_text()
    api = (html / "api" / "model.html").read_text()
    for name in ("parity.Model.run", "parity.Model.psa", "parity.load", "parity.Results.icers"):
        assert f'id="{name}"' in api, f"{name} is missing from the API reference"
    # Every notebook is listed, with its title read from the notebook.
    notebooks = (html / "notebooks.html").read_text()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in notebooks


def test_a_link_to_a_missing_repository_file_fails_the_build(tmp_path: Path) -> None:
    """Links that leave docs/ are shown as repository paths, and a broken one fails the build."""
    (tmp_path / "models" / "example").mkdir(parents=True)
    (tmp_path / "models" / "example" / "README.md").write_text("# Example\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        "extensions = ['myst_parser', 'repo_links']\n"
    )
    page = "# Links\n\nThe [example model](../models/example/README.md) and [its folder](../models/example/).\n"
    (docs / "index.md").write_text(page)
    build = sphinx_build(docs, tmp_path / "html")
    assert build.returncode == 0, warnings_of(build)
    html = (tmp_path / "html" / "index.html").read_text()
    assert "models/example/README.md</span></code>" in html
    assert "models/example/</span></code>" in html

    (docs / "index.md").write_text(page + "\nA [missing file](../models/missing/README.md).\n")
    build = sphinx_build(docs, tmp_path / "html-broken")
    assert build.returncode != 0
    assert "models/missing/README.md" in warnings_of(build)


def run_block(block: Block, namespace: dict, env: dict[str, str]) -> None:
    """Run (or write) one block of a how-to page in the current folder."""
    if "caption" in block.options:
        target = Path(block.options["caption"])
        assert not target.is_absolute() and ".." not in target.parts, f"{block.where}: {target}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code, encoding="utf-8")
    elif block.language == "bash":
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", block.code], capture_output=True, text=True, env=env, timeout=600
        )
        assert done.returncode == 0, f"{block.where}: exit status {done.returncode}\n{block.code}\n{done.stdout}\n{done.stderr}"
    elif block.language == "python":
        exec(compile(block.code, str(block.path) + f" (block at line {block.line})", "exec"), namespace)


@pytest.mark.parametrize("page", HOW_TO_PAGES, ids=[p.stem for p in HOW_TO_PAGES])
def test_how_to_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = code_blocks(page)
    assert any(b.language in ("bash", "python") for b in blocks), f"{page.name} has nothing to run"
    (tmp_path / "params").symlink_to(ROOT / "params", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert shutil.which("parity", path=env["PATH"]), "the parity command is not installed beside this Python"
    namespace: dict = {"__name__": "__docs__"}
    try:
        for block in blocks:
            run_block(block, namespace, env)
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
