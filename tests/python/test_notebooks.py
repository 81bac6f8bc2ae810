"""Every notebook in notebooks/ runs top to bottom without an error, and is stored clean.

The notebooks run from notebooks/ (where Jupyter starts a notebook's kernel), so their paths to
the model folders are relative to it (``../params``). Each notebook's first code cell is
``N_SAMPLES = <n>``; the run here sets it to 50 so the PSA steps stay quick. The kernel is this
interpreter (a kernel spec written to a temporary JUPYTER_PATH), so the notebooks import the
parity installed in the same virtual environment as the tests, whatever kernels the machine has.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install '.[test]' installs nbclient")
nbclient = pytest.importorskip("nbclient", reason="pip install '.[test]' installs nbclient")
pytest.importorskip("ipykernel", reason="pip install '.[test]' installs ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
SAMPLES_LINE = re.compile(r"^N_SAMPLES = \d+$", re.MULTILINE)
TEST_SAMPLES = 50


def _first_code_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(cell for cell in notebook.cells if cell.cell_type == "code")


@pytest.fixture
def python3_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec named python3 that runs this interpreter, first on JUPYTER_PATH."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "Agg")  # no display: plots render off screen
    return "python3"


def test_the_notebooks_are_there() -> None:
    names = {p.name for p in NOTEBOOK_FILES}
    assert {
        "01_quick_start.ipynb",
        "02_perinatal.ipynb",
        "03_long_term_conditions.ipynb",
        "04_pcpm_business_case.ipynb",
        "05_uncertainty_and_value_of_information.ipynb",
        "06_build_your_own_model.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path: Path, python3_kernel: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    first = _first_code_cell(notebook)
    assert SAMPLES_LINE.search(first.source), (
        f"{path.name}: the first code cell must set N_SAMPLES = <n> (the tests make it small)"
    )
    first.source = SAMPLES_LINE.sub(f"N_SAMPLES = {TEST_SAMPLES}", first.source)
    assert f"N_SAMPLES = {TEST_SAMPLES}" in first.source

    client = nbclient.NotebookClient(
        notebook,
        kernel_name=python3_kernel,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError naming the cell and the error

    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [o for cell in code_cells for o in cell.outputs if o.output_type == "error"]
    assert not errors
    assert all(cell.execution_count is not None for cell in code_cells)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_stored_notebook_has_no_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: clear the outputs of cells {dirty} before committing"
