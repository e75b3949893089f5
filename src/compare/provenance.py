"""Provenance of a report: data checksums, parameters, package versions, run time.

The same record drives the incremental cache: :func:`fingerprint` hashes everything a report
depends on *except* the run time, so an unchanged input set maps to an unchanged fingerprint.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.metadata
import json
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from compare.sources.catalog import sha256_of

__all__ = [
    "DEFAULT_PACKAGES",
    "file_sha256",
    "checksums",
    "package_versions",
    "fingerprint",
    "collect_provenance",
    "provenance_table",
]

#: packages whose versions change what a report shows.
DEFAULT_PACKAGES = (
    "compare",
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "libpysal",
    "esda",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
)


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


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, default=str, separators=(",", ":"))


def fingerprint(record: Mapping[str, Any]) -> str:
    """Hash a provenance record, ignoring its run-time fields.

    Fields ``run_started``, ``run_finished``, ``duration_s`` and ``host`` do not enter the
    hash, so two runs on the same inputs have the same fingerprint.

    Examples
    --------
    >>> a = fingerprint({"parameters": {"city": "x"}, "run_started": "2026-01-01"})
    >>> a == fingerprint({"parameters": {"city": "x"}, "run_started": "2027-01-01"})
    True
    """
    volatile = {"run_started", "run_finished", "duration_s", "host", "fingerprint"}
    stable = {k: v for k, v in record.items() if k not in volatile}
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
        ``packages``, ``run_started`` (UTC, ISO 8601), ``host``, ``fingerprint``.

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
    for section in ("parameters", "data", "packages"):
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
