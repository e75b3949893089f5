"""Shared fixtures: the real example network, loaded once per test session."""

import os
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def example_network():
    """The `helsinki-berlin` network imported from the real open data (fetched from the mirror)."""
    from compare.sources import load_network

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_network("helsinki-berlin")


@pytest.fixture(scope="session")
def raw_data():
    """Folder of verified raw files (data/raw), fetched from ../shared/data if needed."""
    from compare.paths import raw_dir
    from compare.sources import fetch

    fetch(mirror="default", download=False)
    return raw_dir()
