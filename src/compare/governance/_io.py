"""Reading governance YAML files safely and finding the repository's ``data/`` folder."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from compare.errors import ConfigError

__all__ = ["find_data_dir", "read_yaml", "resolve_path"]


def _candidates():
    env = os.environ.get("COMPARE_HOME")
    if env:
        yield Path(env)
    yield from Path(__file__).resolve().parents
    cwd = Path.cwd().resolve()
    yield cwd
    yield from cwd.parents


def find_data_dir(subdir: str = "governance") -> Path:
    """Return the repository's ``data/`` folder that holds ``data/<subdir>``.

    Looked up in order: ``$COMPARE_HOME/data``; the folders above the installed
    ``compare`` package (an editable install from a clone); the current working
    directory and its parents (a notebook run anywhere inside the clone).

    Parameters
    ----------
    subdir : str
        Sub-folder that must exist under ``data/`` (``"governance"``, ``"rubrics"``,
        ``"practices"``).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> (find_data_dir("governance") / "governance").is_dir()
    True
    """
    for cand in _candidates():
        if (cand / "data" / subdir).is_dir():
            return cand / "data"
    raise ConfigError(
        f"cannot find data/{subdir}: no folder above the compare package or the working "
        "directory holds it; pass an explicit path or set COMPARE_HOME to the clone",
        key="COMPARE_HOME",
    )


def resolve_path(path, subdir: str) -> Path:
    """Resolve ``path``: absolute or existing relative to the cwd as given, else under ``data/``.

    ``None`` means the default folder ``data/<subdir>``. A relative path such as
    ``"data/governance"`` is tried against the working directory first, then against the
    repository root found by :func:`find_data_dir`.
    """
    if path is None:
        return find_data_dir(subdir) / subdir
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    root = find_data_dir(subdir).parent
    return root / p


def read_yaml(path) -> object:
    """Read a YAML file with the safe loader; raise :class:`ConfigError` naming the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yml"
    >>> _ = p.write_text("a: 1")
    >>> read_yaml(p)
    {'a': 1}
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError("file not found; expected a YAML file", file=path)
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"malformed YAML{where}: {problem}", file=path) from exc
