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
def notebook_factory():
    """``make_notebook(path, parameters, *cells)`` as a fixture."""
    return make_notebook


@pytest.fixture
def tiny_notebook(tmp_path):
    """Reads a CSV named by parameter, writes key results, fails on request."""
    return make_notebook(
        tmp_path / "nb" / "tiny.ipynb",
        'city = "a"\ndata_file = ""\nmode = "ok"\noutput_folder = "."',
        "import csv, os\nfrom compare.reports import write_key_results",
        "rows = list(csv.DictReader(open(data_file)))\n"
        "total = float(sum(float(r['count']) for r in rows))\nprint('total', total)",
        "if mode == 'raise':\n    raise RuntimeError('boom in ' + city)",
        "if mode == 'kill':\n    os.kill(os.getpid(), 9)",
        "if mode == 'sleep':\n    import time\n    time.sleep(60)",
        "write_key_results(output_folder, city, {'key_figures': {'total': total}, 'city': city})",
    )


@pytest.fixture
def job_factory(tmp_path, tiny_notebook):
    """Build a ReportJob on the tiny notebook with its own data file."""
    from compare.reports import ReportJob

    def make(name, mode="ok", content="count\n1\n2\n", out=None):
        data = tmp_path / f"{name}.csv"
        if content is not None:
            data.write_text(content)
        params = {
            "city": name,
            "data_file": str(data),
            "mode": mode,
            "output_folder": str(out or tmp_path / "out"),
        }
        return ReportJob(name, tiny_notebook, params, {"data": data}, title=name.title())

    return make


@pytest.fixture(scope="session")
def network_run(tmp_path_factory):
    """One CLI run of the whole example network (four cities, comparison, Playbook), two in parallel."""
    from compare.cli import main

    root = tmp_path_factory.mktemp("reports")
    code = main(["reports", "run", "helsinki-berlin", "--jobs", "2", "--output", str(root), "-q"])
    return code, root / "helsinki-berlin"
