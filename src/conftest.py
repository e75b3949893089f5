"""Doctest fixtures for ``pytest --doctest-modules src/compare`` (part of ``make test``).

Examples in docstrings read the real, verified open data (``raw``: ``data/raw``, fetched from the mirror
if needed) and write into a fresh folder (``tmp``), instead of being skipped. This file sits outside the
package, so it is not installed.
"""

import os
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def _doctest_data():
    from compare.paths import project_root, raw_dir
    from compare.sources import fetch

    fetch(mirror="default", download=False)
    return raw_dir(), project_root()


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace, _doctest_data, tmp_path):
    raw, root = _doctest_data
    doctest_namespace.update(raw=raw, project=root, tmp=tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # unmatched-id notices of the example network
        yield
    import matplotlib.pyplot as plt

    plt.close("all")  # figures drawn by plotting examples
