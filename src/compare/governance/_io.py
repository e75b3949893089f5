"""Reading governance YAML files safely and finding the repository's ``data/`` folder."""

from __future__ import annotations

from pathlib import Path

from compare.errors import ConfigError
from compare.paths import data_dir

__all__ = ["find_data_dir", "read_yaml", "resolve_path"]


def find_data_dir(subdir: str = "governance") -> Path:
    """Return the project's ``data/`` folder, checking that it holds ``data/<subdir>``.

    The folder is found by :func:`compare.paths.data_dir` (``$COMPARE_HOME``, then the folders
    above the installed package, then the working directory and its parents).

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
    data = data_dir()
    if not (data / subdir).is_dir():
        raise ConfigError(
            f"cannot find data/{subdir} under {data}; pass an explicit path or set COMPARE_HOME to the clone",
            file=data / subdir,
        )
    return data


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
    """Read a YAML file with :func:`compare.schema.load_yaml` (safe, bounded); errors name the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yml"
    >>> _ = p.write_text("a: 1")
    >>> read_yaml(p)
    {'a': 1}
    """
    from compare.schema import load_yaml

    return load_yaml(path)
