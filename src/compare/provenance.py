"""Provenance of a report: data checksums, parameters, package and library versions, git commit, run time.

The same record drives the incremental cache: :func:`fingerprint` hashes everything a report
depends on *except* the run time, the host, the git commit (the workbench's own source enters through
the digest in ``packages["compare"]``, so a commit that touches only tests or docs re-runs nothing) and
the output folder (the same inputs written to two folders have the same fingerprint).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.metadata
import json
import platform
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from compare.sources.catalog import sha256_of

__all__ = [
    "DEFAULT_PACKAGES",
    "VOLATILE",
    "LOCATION_PARAMETERS",
    "file_sha256",
    "checksums",
    "package_versions",
    "library_versions",
    "git_state",
    "fingerprint",
    "collect_provenance",
    "provenance_table",
]

#: packages whose versions change what a report shows (numbers, maps, figures, pages).
DEFAULT_PACKAGES = (
    "compare",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "geopandas",
    "shapely",
    "pyproj",
    "pyogrio",
    "libpysal",
    "esda",
    "giddy",
    "statsmodels",
    "scikit-learn",
    "networkx",
    "krippendorff",
    "pydantic",
    "pyyaml",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
)

#: fields of a record that do not enter the fingerprint (see :func:`fingerprint`).
VOLATILE = frozenset({"run_started", "run_finished", "duration_s", "host", "fingerprint", "git"})

#: parameters that say where a report is written, not what it shows.
LOCATION_PARAMETERS = frozenset({"output_folder"})


#: The one sha256 helper of the workbench (chunked read), shared with the data catalog.
file_sha256 = sha256_of


def checksums(files: Mapping[str, str | Path]) -> dict[str, str]:
    """Checksum each named file; a missing file maps to ``"missing"``.

    Examples
    --------
    >>> checksums({"nothing": "/no/such/file"})
    {'nothing': 'missing'}
    """
    out = {}
    for name, path in sorted(files.items()):
        p = Path(path)
        if not p.is_file():
            out[name] = "missing"
            continue
        st = p.stat()
        key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
        if key not in _MEMO:
            _MEMO[key] = file_sha256(p)
        out[name] = _MEMO[key]
    return out


#: checksums already computed in this process, by (path, size, modification time)
_MEMO: dict[tuple, str] = {}


def _compare_source_digest() -> str:
    """Hash the workbench's own source files: a code change must re-run the reports."""
    import compare

    root = Path(compare.__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def package_versions(packages: Iterable[str] = DEFAULT_PACKAGES) -> dict[str, str]:
    """Installed versions of ``packages`` (``compare`` also gets a digest of its source).

    Examples
    --------
    >>> "python" in package_versions(["numpy"])
    True
    """
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    if "compare" in out:
        out["compare"] += f"+src.{_compare_source_digest()}"
    return out


def library_versions() -> dict[str, str]:
    """Versions of the C libraries under the geometry stack: GDAL (pyogrio), PROJ (pyproj), GEOS (shapely).

    Reading a file (GDAL), reprojecting (PROJ) and every geometric predicate (GEOS) can change a
    number between versions, so they are recorded next to the Python packages.

    Returns
    -------
    dict
        ``GDAL``, ``PROJ``, ``GEOS`` -> version string (``"not installed"`` when the binding is missing).

    Examples
    --------
    >>> sorted(library_versions())
    ['GDAL', 'GEOS', 'PROJ']
    """
    out = {}
    for lib, module, attr in (
        ("GDAL", "pyogrio", "__gdal_version_string__"),
        ("PROJ", "pyproj", "proj_version_str"),
        ("GEOS", "shapely", "geos_version_string"),
    ):
        try:
            out[lib] = str(getattr(importlib.import_module(module), attr))
        except (ImportError, AttributeError):
            out[lib] = "not installed"
    return out


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        res = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return res.stdout if res.returncode == 0 else None


def git_state(path: str | Path | None = None) -> dict[str, Any]:
    """The git commit of the workbench's clone and whether its tracked files differ from it.

    Parameters
    ----------
    path : str or Path, optional
        A folder inside the clone (default: the folder of the installed ``compare`` package).

    Returns
    -------
    dict
        ``commit`` (40 hex digits, or ``None`` outside a git clone or without git), ``dirty``
        (``True`` when a tracked file is modified, staged or deleted, or an untracked file that is
        not ignored exists; ``None`` when unknown) and ``changed`` (how many paths differ).

    Examples
    --------
    >>> sorted(git_state())
    ['changed', 'commit', 'dirty']
    """
    import compare

    cwd = Path(path) if path is not None else Path(compare.__file__).resolve().parent
    commit = _git(["rev-parse", "HEAD"], cwd)
    if commit is None:
        return {"commit": None, "dirty": None, "changed": None}
    status = _git(["status", "--porcelain"], cwd)
    changed = None if status is None else len([ln for ln in status.splitlines() if ln.strip()])
    return {"commit": commit.strip(), "dirty": None if changed is None else changed > 0, "changed": changed}


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))


def fingerprint(record: Mapping[str, Any]) -> str:
    """Hash a provenance record, ignoring its run-time fields and where the report is written.

    Fields ``run_started``, ``run_finished``, ``duration_s``, ``host`` and ``git`` do not enter
    the hash, nor does the ``output_folder`` parameter: two runs on the same inputs have the
    same fingerprint, whichever folder they write to.

    Examples
    --------
    >>> a = fingerprint({"parameters": {"city": "x"}, "run_started": "2026-01-01"})
    >>> a == fingerprint({"parameters": {"city": "x"}, "run_started": "2027-01-01"})
    True
    >>> b = fingerprint({"parameters": {"city": "x", "output_folder": "/tmp/a"}})
    >>> b == fingerprint({"parameters": {"city": "x", "output_folder": "/srv/b"}})
    True
    """
    stable = {k: v for k, v in record.items() if k not in VOLATILE}
    if isinstance(stable.get("parameters"), Mapping):
        stable["parameters"] = {
            k: v for k, v in stable["parameters"].items() if k not in LOCATION_PARAMETERS
        }
    return hashlib.sha256(_canonical(stable).encode()).hexdigest()


def collect_provenance(
    *,
    notebook: str | Path,
    parameters: Mapping[str, Any],
    data_files: Mapping[str, str | Path] = (),
    packages: Iterable[str] = DEFAULT_PACKAGES,
) -> dict[str, Any]:
    """Build the provenance record of one report.

    Parameters
    ----------
    notebook : str or Path
        The source notebook (its checksum is recorded).
    parameters : mapping
        Parameters injected into the notebook.
    data_files : mapping
        Name -> path of every input file (raw data, governance profile, configuration).
    packages : iterable of str

    Returns
    -------
    dict
        ``notebook``, ``notebook_sha256``, ``parameters``, ``data`` (name -> sha256),
        ``packages``, ``libraries`` (GDAL, PROJ, GEOS), ``git`` (commit, dirty),
        ``run_started`` (UTC, ISO 8601), ``host``, ``fingerprint``.

    Examples
    --------
    >>> rec = collect_provenance(notebook=__file__, parameters={"city": "x"})
    >>> sorted(rec["parameters"])
    ['city']
    """
    record: dict[str, Any] = {
        "notebook": Path(notebook).name,
        "notebook_sha256": file_sha256(notebook),
        "parameters": dict(parameters),
        "data": checksums(dict(data_files)),
        "packages": package_versions(packages),
        "libraries": library_versions(),
        "git": git_state(),
        "run_started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
    }
    record["fingerprint"] = fingerprint(record)
    return record


def provenance_table(record: Mapping[str, Any], *, per_file: bool = True):
    """Flatten a provenance record into a two-column table for display.

    Parameters
    ----------
    record : mapping
    per_file : bool, optional
        One row per data file (default). ``False`` gives one row per data set (the part of the
        key before its last ``:``, e.g. ``vantaa:paavo-2012-2017``) with the number of files and
        a digest of their sorted ``path=sha256`` lines: a short table for a report footer that
        still changes whenever any file changes (the per-file list stays in the JSON record).

    Examples
    --------
    >>> provenance_table({"parameters": {"city": "x"}, "data": {"a.csv": "ab12"}}).shape
    (2, 3)
    >>> rec = {"data": {"c:ds:f1": "aa", "c:ds:f2": "bb"}}
    >>> provenance_table(rec, per_file=False)["item"].tolist()
    ['c:ds (2 files)']
    """
    import pandas as pd

    rows = []
    for section in ("parameters", "data", "packages", "libraries", "git"):
        items = dict(record.get(section) or {})
        if section == "data" and not per_file:
            groups: dict[str, list[str]] = {}
            for key, value in sorted(items.items()):
                groups.setdefault(key.rsplit(":", 1)[0], []).append(f"{key}={value}")
            items = {
                f"{g} ({len(lines)} file{'s' if len(lines) > 1 else ''})": hashlib.sha256(
                    "\n".join(lines).encode()
                ).hexdigest()
                for g, lines in groups.items()
            }
        for key, value in items.items():
            rows.append({"section": section, "item": key, "value": str(value)})
    for key in ("notebook", "notebook_sha256", "run_started", "run_finished", "duration_s"):
        if key in record:
            rows.append({"section": "run", "item": key, "value": str(record[key])})
    return pd.DataFrame(rows, columns=["section", "item", "value"])
