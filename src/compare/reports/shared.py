"""The folder of tables a network's reports share (``reports/<network>/.shared``).

The pages compute what every report of a network needs (the index panel of all cities) once
per run and keep it there (:mod:`compare.pages.shared`: parquet files named by their inputs'
fingerprint, written under a lock by the first kernel that needs them). The runner only says
where the folder is, to each kernel through ``$COMPARE_SHARED_CACHE``, and empties it on
``--force``, so that a forced run computes everything once again.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from compare.paths import SHARED_CACHE_ENV as SHARED_ENV

__all__ = ["SHARED_DIR", "shared_dir", "clear_shared", "kernel_env"]

SHARED_DIR = ".shared"


def shared_dir(out_dir: str | Path) -> Path:
    """``<out_dir>/.shared``.

    Examples
    --------
    >>> shared_dir("reports/helsinki-berlin").as_posix()
    'reports/helsinki-berlin/.shared'
    """
    return Path(out_dir) / SHARED_DIR


def clear_shared(out_dir: str | Path) -> None:
    """Remove the shared tables of a network's reports (a forced run recomputes them once)."""
    shutil.rmtree(shared_dir(out_dir), ignore_errors=True)


@contextmanager
def kernel_env(out_dir: str | Path):
    """Set ``$COMPARE_SHARED_CACHE`` for the kernels started inside the block, then restore it.

    Examples
    --------
    >>> with kernel_env("/tmp/r"):
    ...     os.environ[SHARED_ENV]
    '/tmp/r/.shared'
    """
    before = os.environ.get(SHARED_ENV)
    os.environ[SHARED_ENV] = str(shared_dir(out_dir))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(SHARED_ENV, None)
        else:
            os.environ[SHARED_ENV] = before
