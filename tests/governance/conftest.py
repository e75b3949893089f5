"""Fixtures for governance tests: shipped data and editable copies in tmp folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from compare.governance import find_data_dir, load_profiles, load_rubric

DATA = find_data_dir("governance")


@pytest.fixture(scope="session")
def rubric():
    return load_rubric()


@pytest.fixture(scope="session")
def profiles(rubric):
    return load_profiles(rubric=rubric)


@pytest.fixture
def profile_dir(tmp_path):
    """A copy of the shipped governance profiles that a test may edit."""
    d = tmp_path / "governance"
    shutil.copytree(DATA / "governance", d)
    return d


def _edit_yaml(path: Path, change) -> Path:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def edit_yaml():
    """Function ``edit_yaml(path, change)``: load, apply ``change(dict)``, write back."""
    return _edit_yaml
