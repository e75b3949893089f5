"""Where the workbench finds its project folders (``data/``, ``reports/``) and the open-data mirror.

The project root is, in order: the ``COMPARE_HOME`` environment variable; the nearest folder above the
installed package (editable install from a clone) or above the current working directory that holds
``data/catalog.yml``. The mirror of the open data is ``COMPARE_MIRROR`` or ``<root>/../shared/data``
when that folder exists.
"""

from __future__ import annotations

import os
from pathlib import Path

from compare.errors import ConfigError

__all__ = ["project_root", "data_dir", "raw_dir", "reports_dir", "default_mirror", "SHARED_CACHE_ENV"]

#: Environment variable naming the folder of tables a run's reports share (set by the runner for
#: its kernels, read by :mod:`compare.pages.shared`).
SHARED_CACHE_ENV = "COMPARE_SHARED_CACHE"


def _candidates():
    yield from Path(__file__).resolve().parents
    cwd = Path.cwd().resolve()
    yield cwd
    yield from cwd.parents


def project_root() -> Path:
    """Return the project root (the folder that holds ``data/catalog.yml``).

    Examples
    --------
    >>> (project_root() / "data" / "catalog.yml").exists()
    True
    """
    env = os.environ.get("COMPARE_HOME")
    if env:
        return Path(env)  # explicit: trusted as given
    for cand in _candidates():
        if (cand / "data" / "catalog.yml").is_file():
            return cand
    raise ConfigError(
        "cannot find the project root: no folder above the package or the working directory "
        "holds data/catalog.yml; set COMPARE_HOME to the clone of the workbench",
        key="COMPARE_HOME",
    )


def data_dir() -> Path:
    """``<root>/data``: configs, governance profiles, catalog."""
    return project_root() / "data"


def raw_dir() -> Path:
    """``<root>/data/raw``: fetched open-data files (git-ignored)."""
    return Path(os.environ.get("COMPARE_RAW", data_dir() / "raw"))


def reports_dir() -> Path:
    """``<root>/reports``: generated reports (git-ignored)."""
    return project_root() / "reports"


def default_mirror() -> Path | None:
    """The local mirror of the open data (``COMPARE_MIRROR`` or ``../shared/data``), if it exists."""
    env = os.environ.get("COMPARE_MIRROR")
    if env:
        return Path(env)
    cand = project_root().parent / "shared" / "data"
    return cand if cand.is_dir() else None
