"""Every notebook in notebooks/ runs top to bottom (so the walkthroughs never rot).

Notebooks are kept with outputs stripped; this test also checks that.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_five_notebooks() -> None:
    assert len(NOTEBOOKS) >= 5, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs"), f"{path.name}: outputs must be stripped in git"
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    # a cell that draws a chart shows it inline (an image), not "<Figure size 800x600 with 1 Axes>"
    for cell in nb.cells:
        if cell.cell_type == "code" and "charts." in cell.source and "path=" not in cell.source:
            outputs = cell.get("outputs", [])
            assert any("image/png" in o.get("data", {}) for o in outputs), (path.name, cell.source[:80])
            assert not any("<Figure size" in o.get("data", {}).get("text/plain", "") and "image/png" not in o.get("data", {})
                           for o in outputs)
    # a result object shown at the end of a cell (a screening summary) is an HTML table in Jupyter
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("tanfeng.summarize_screening("):
            assert any("<table>" in o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])), path.name
