"""Key results a notebook writes next to itself (``<name>.results.json``).

The notebooks call :func:`write_key_results` at the end; the index and the tests read them
back with :func:`read_key_results`. Values are plain JSON (numbers, strings, lists, dicts).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compare.files import safe_join

__all__ = ["write_key_results", "read_key_results", "to_jsonable", "default_output_folder"]


def default_output_folder(network_name: str) -> Path:
    """Where a network's reports and results go unless told: ``reports/<network>``.

    The notebooks' ``output_folder`` parameter defaults to this, derived from the network, so
    running a notebook for one network never writes into another network's folder.

    Examples
    --------
    >>> default_output_folder("Helsinki-Berlin").name
    'helsinki-berlin'
    """
    from compare.files import safe_join, slugify
    from compare.paths import reports_dir

    return safe_join(reports_dir(), slugify(str(network_name), what="network"))


def to_jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to JSON types (NaN -> ``None``).

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"a": np.float64(1.5), "b": [np.int64(2), float("nan")]})
    {'a': 1.5, 'b': [2, None]}
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def write_key_results(folder: str | Path, name: str, results: Mapping[str, Any]) -> Path:
    """Write a notebook's key results to ``<folder>/<name>.results.json``.

    Parameters
    ----------
    folder : str or Path
        The notebook's ``output_folder`` parameter.
    name : str
        Report name (city id or ``"network-comparison"``), slugged.
    results : mapping
        JSON-able values (numpy scalars are converted).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> write_key_results(tempfile.mkdtemp(), "Vantaa", {"n_areas": 3}).name
    'vantaa.results.json'
    """
    path = safe_join(folder, name, suffix=".results.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(json.dumps(to_jsonable(results), indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def read_key_results(folder: str | Path, name: str) -> dict | None:
    """Read ``<folder>/<name>.results.json`` (``None`` when absent or unreadable).

    Examples
    --------
    >>> read_key_results("/nonexistent", "vantaa") is None
    True
    """
    path = safe_join(folder, name, suffix=".results.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
