"""Tables every report of a network shares, computed once per run and read by the others.

Each city report shows its trend indices and its multiscalar profile against every peer, and the
network comparison shows the same tables: computed in every notebook, they cost each report as
much as the network has cities (the whole run grows with the square of the number of cities).
:func:`shared_table` computes such a table once: the report runner points
``$COMPARE_SHARED_CACHE`` at ``reports/<network>/.shared``; the first kernel that asks takes a
lock (:func:`fcntl.flock`, released by the system if the kernel dies), computes the table and
writes it as parquet (data only, no pickle); the others wait for the lock and read the file.
The file is named by its inputs' fingerprint (the population table's content, the group
definitions, the indices and the source of the code that computes it), so a stale table is
never read; ``--force`` clears the folder. Without the variable (a notebook opened in
JupyterLab) the table is computed in the kernel, as before.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from compare.paths import SHARED_CACHE_ENV

__all__ = ["SHARED_ENV", "shared_table", "network_panel", "table_key"]

#: environment variable naming the folder of shared tables (set by the report runner)
SHARED_ENV = SHARED_CACHE_ENV


def _code_digest(*packages: str) -> str:
    """sha256 of the source files of ``compare`` subpackages / modules (relative names)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in packages:
        p = root / name
        files = sorted(p.rglob("*.py")) if p.is_dir() else [p.with_suffix(".py")]
        for f in files:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def table_key(*parts) -> str:
    """Fingerprint of a shared table's inputs: frames by content, anything else by ``repr``.

    Geometry columns (a GeoDataFrame's areas) enter by their CRS and the WKB of every geometry;
    hashing the shapely objects themselves would go through their text form.

    Examples
    --------
    >>> a = table_key(pd.DataFrame({"x": [1.0, 2.0]}), ["d"])
    >>> b = table_key(pd.DataFrame({"x": [2.0, 1.0]}), ["d"])
    >>> a == table_key(pd.DataFrame({"x": [1.0, 2.0]}), ["d"]), a == b
    (True, False)
    """
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            geometry = [c for c in part.columns if str(part[c].dtype) == "geometry"]
            h.update(repr((list(part.columns), [str(t) for t in part.dtypes], part.shape)).encode())
            plain = part.drop(columns=geometry)
            h.update(pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes())
            for c in geometry:
                h.update(repr(part[c].crs).encode())
                for wkb in part[c].to_wkb():
                    h.update(b"\x00" if wkb is None else len(wkb).to_bytes(8, "little") + wkb)
        else:
            h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()[:32]


def shared_table(kind: str, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()`` once per key in the folder ``$COMPARE_SHARED_CACHE``; read by everyone else.

    Parameters
    ----------
    kind : str
        Name of the table (file name prefix).
    key : str
        Fingerprint of everything the table depends on (:func:`table_key`).
    compute : callable
        Returns the table; called when no valid file exists (or without the variable).

    Returns
    -------
    pandas.DataFrame
        The table, with the columns and dtypes ``compute()`` gives (checked after reading).

    Examples
    --------
    >>> import tempfile
    >>> os.environ[SHARED_ENV] = tempfile.mkdtemp()
    >>> calls = []
    >>> def make():
    ...     calls.append(1)
    ...     return pd.DataFrame({"city": ["a"], "value": [0.5]})
    >>> t1, t2 = shared_table("t", "k1", make), shared_table("t", "k1", make)
    >>> t1.equals(t2), len(calls)
    (True, 1)
    >>> del os.environ[SHARED_ENV]
    """
    folder = os.environ.get(SHARED_ENV)
    if not folder:
        return compute()
    import fcntl

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{key}.parquet"
    table = _read(path)
    if table is not None:
        return table
    with open(folder / f"{kind}-{key}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another kernel may be computing it right now
        try:
            table = _read(path)
            if table is not None:
                return table
            table = compute()
            _write(path, table)
            return table
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        import pyarrow.parquet as pq

        table = pd.read_parquet(path)
        # a column of Python objects (strings and missing values) reads back as a string column:
        # give it back its object dtype, as the code that computed it had it
        meta = pq.read_schema(path).pandas_metadata or {}
        for col in meta.get("columns", []):
            name = col.get("name")
            if col.get("numpy_type") == "object" and name in table and table[name].dtype != object:
                table[name] = table[name].astype(object)
        return table
    except Exception:  # noqa: BLE001 - an unreadable file is absent (recomputed and rewritten)
        return None


def _identical(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same columns, dtypes and values; in object columns the same objects (``None`` is not NaN)."""
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError:
        return False
    for c in a.columns:
        if a[c].dtype == object and list(map(repr, a[c])) != list(map(repr, b[c])):
            return False
    return True


def _write(path: Path, table: pd.DataFrame) -> None:
    """Write atomically, only if the table reads back identical (values, dtypes, missing values)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        table.to_parquet(tmp, index=False)
        back = _read(tmp)
        if back is not None and _identical(back, table.reset_index(drop=True)):
            os.replace(tmp, path)
            return
    except (ValueError, TypeError, ImportError, OSError):
        pass
    tmp.unlink(missing_ok=True)  # not representable exactly: every report computes its own


def network_panel(net, indices) -> pd.DataFrame:
    """City-level indices of every city and period of a network (:func:`compare.indicators.compute_panel`).

    Shared by the network's reports (:func:`shared_table`): a city's report shows the rows of its
    own periods and of its peers within its years (:attr:`compare.pages.city.CityData.panel`).

    Parameters
    ----------
    net : Network
    indices : sequence of str

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from compare.sources import load_network
    >>> p = network_panel(load_network("helsinki-berlin"), ["dissimilarity"])  # doctest: +SKIP
    >>> sorted(p["city"].unique())  # doctest: +SKIP
    ['berlin', 'espoo', 'helsinki', 'vantaa']
    """
    from compare.indicators import compute_panel

    pop, defs = net.population, net.group_definitions
    key = table_key(pop, sorted(defs.items()), list(indices), _code_digest("indicators", "model"))
    return shared_table("panel", key, lambda: compute_panel(pop, defs, indices=list(indices)))
