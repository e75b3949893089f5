from __future__ import annotations

from pathlib import Path

import nbformat
import pytest


def make_notebook(path: Path, parameters: str, *cells: str) -> Path:
    """A tiny notebook on the `compare` kernel with a tagged parameters cell."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "compare", "display_name": "compare", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    p = nbformat.v4.new_code_cell(parameters)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p] + [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def tiny_notebook(tmp_path):
    """Reads a CSV named by parameter, writes key results, fails on request."""
    return make_notebook(
        tmp_path / "nb" / "tiny.ipynb",
        'city = "a"\ndata_file = ""\nmode = "ok"\noutput_folder = "."',
        "import os, pandas as pd\nfrom compare.reports import write_key_results",
        "df = pd.read_csv(data_file)\ntotal = float(df['count'].sum())\nprint('total', total)",
        "if mode == 'raise':\n    raise RuntimeError('boom in ' + city)",
        "if mode == 'kill':\n    os.kill(os.getpid(), 9)",
        "write_key_results(output_folder, city, {'key_figures': {'total': total}, 'city': city})",
    )
