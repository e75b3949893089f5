r"""Multiscalar segregation profiles: every index on local environments of growing size.

Reardon, Matthews, O'Sullivan, Lee, Firebaugh, Farrell & Bischoff (2008), "The geographic
scale of metropolitan racial segregation", *Demography* 45(3): 489-514; PySAL
``segregation``'s ``compute_multiscalar_profile``. For a bandwidth :math:`b`, the local
environment of area :math:`i` holds the distance-weighted counts of the areas around it,

.. math:: \tilde x_{ik} = \sum_j k(d_{ij}/b)\, x_{jk}, \qquad k(0) = 1,

with :math:`d_{ij}` the distance between area centroids and :math:`k` a kernel that is zero
beyond the bandwidth (``triangular``: :math:`k(u) = 1 - u`; the kernels of
:func:`libpysal.kernels.kernel`). The index is then computed with the local environments as
areas. At bandwidth 0 every environment is its own area and the profile value equals the
aspatial index; as the bandwidth grows, segregation that lives at the scale of single areas
fades and only larger-scale segregation remains. Cities measured on different units (postal
areas of 2,000-20,000 people, LOR planning areas, a 1 km grid) become comparable at bandwidths
above their unit size.

The neighbour pairs within the bandwidth come from a KD-tree (:class:`scipy.spatial.cKDTree`)
as a sparse matrix; no :math:`n \times n` dense matrix is built (PySAL's kernel graph computes
all pairwise distances and cannot handle a Europe-wide 1 km grid).

Differences from PySAL (both optional here, so the values can be made equal, see the tests):
PySAL rounds the local environment counts to integers (``round_counts=True`` does too), and
keeps empty areas as areas of their own (here an area whose environment is empty is dropped;
an empty area with populated neighbours is kept, as in PySAL).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from compare.errors import ConfigError, DataError
from compare.indicators._core import stack
from compare.indicators.registry import INDEX_SPECS

__all__ = ["kernel_weights", "multiscalar_profile", "multiscalar_profile_network", "DEFAULT_DISTANCES"]

#: bandwidths (metres) of the report profiles
DEFAULT_DISTANCES = (0.0, 500.0, 1000.0, 2000.0, 4000.0)

_KERNELS = ("triangular", "parabolic", "gaussian", "bisquare", "cosine", "boxcar")


def kernel_weights(coords: np.ndarray, bandwidth: float, kernel: str = "triangular") -> sp.csr_matrix:
    """Sparse kernel weights of points within ``bandwidth`` of each other, with a unit diagonal.

    Parameters
    ----------
    coords : numpy.ndarray
        ``(n, 2)`` planar coordinates (metres).
    bandwidth : float
        Kernel bandwidth; 0 gives the identity (every area alone).
    kernel : str
        A kernel of :func:`libpysal.kernels.kernel` (``triangular`` default).

    Returns
    -------
    scipy.sparse.csr_matrix

    Examples
    --------
    >>> w = kernel_weights(np.array([[0.0, 0.0], [500.0, 0.0], [3000.0, 0.0]]), 1000)
    >>> w.toarray().tolist()
    [[1.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    from libpysal.kernels import kernel as kfun
    from scipy.spatial import cKDTree

    if kernel not in _KERNELS:
        raise ConfigError(f"unknown kernel {kernel!r}; expected one of {list(_KERNELS)}", key="kernel")
    n = len(coords)
    if bandwidth < 0:
        raise ConfigError(f"bandwidth must be >= 0, got {bandwidth}", key="distances")
    eye = sp.identity(n, format="csr", dtype=float)
    if bandwidth == 0 or n == 0:
        return eye
    tree = cKDTree(coords)
    pairs = tree.sparse_distance_matrix(tree, bandwidth, output_type="ndarray")
    off = pairs["i"] != pairs["j"]
    i, j, d = pairs["i"][off], pairs["j"][off], pairs["v"][off].astype(float)
    k = kfun(d.copy(), float(bandwidth), kernel=kernel, taper=True)
    keep = k != 0
    w = sp.csr_matrix((k[keep], (i[keep], j[keep])), shape=(n, n))
    return (w + eye).tocsr()


def _coordinates(data) -> np.ndarray:
    if {"x", "y"} <= set(data.columns) and getattr(data, "_geometry_column_name", None) not in data.columns:
        return data[["x", "y"]].to_numpy(float)
    geom_col = getattr(data, "_geometry_column_name", None)
    if geom_col is None or geom_col not in data.columns:
        raise DataError(
            "multiscalar profiles need area locations: a GeoDataFrame with a projected (metric) CRS "
            "or columns `x`, `y` in metres",
            column="geometry",
        )
    if data.crs is not None and data.crs.is_geographic:
        raise DataError(
            f"the areas are in a geographic CRS ({data.crs}); bandwidths are in metres, so project them "
            "first (e.g. .to_crs(3035))",
            column="geometry",
        )
    geom = data.geometry
    if geom.isna().any() or geom.is_empty.any():
        bad = data[(geom.isna() | geom.is_empty).to_numpy()]
        raise DataError(
            "missing or empty geometry; every area needs a location",
            row=bad["area_id"].iloc[0] if "area_id" in bad else int(bad.index[0]),
            column="geometry",
        )
    c = geom.centroid
    return np.column_stack([c.x.to_numpy(), c.y.to_numpy()])


def multiscalar_profile(
    data: pd.DataFrame,
    *,
    group: str | None = None,
    total: str | None = None,
    groups: Sequence[str] | None = None,
    indices: Sequence[str] | str = ("dissimilarity",),
    distances: Sequence[float] = DEFAULT_DISTANCES,
    by: Sequence[str] = (),
    kernel: str = "triangular",
    round_counts: bool = False,
    source: str | None = None,
    _cache: dict | None = None,
) -> pd.DataFrame:
    """Index values on distance-decay local environments at a set of bandwidths.

    Parameters
    ----------
    data : geopandas.GeoDataFrame or pandas.DataFrame
        Wide counts, one row per area (and ``by`` key), with geometry in a metric CRS (centroids
        are used) or columns ``x``, ``y`` in metres.
    group, total : str, optional
        Focus-group and total columns (two-group indices).
    groups : sequence of str, optional
        Partition columns (multigroup indices).
    indices : sequence of str or comma-separated str
        Aspatial indices of :data:`compare.indicators.INDICES`.
    distances : sequence of float
        Bandwidths in metres; 0 gives the aspatial index.
    by : sequence of str
        Keys of separate profiles (e.g. ``("city", "period")``).
    kernel : str
        Distance-decay kernel (``triangular`` default, as PySAL).
    round_counts : bool
        Round the local environment counts to integers, as PySAL does (default False).
    source : str, optional
        Input name for error messages.

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``index``, ``distance``, ``value``, ``n_areas``, ``mean_neighbours``
        (average number of other areas in an environment).

    Examples
    --------
    >>> df = pd.DataFrame({"x": [0.0, 1000, 2000, 3000], "y": 0.0, "g": [90, 80, 10, 20],
    ...                    "t": [100] * 4})
    >>> p = multiscalar_profile(df, group="g", total="t", distances=[0, 1500])
    >>> p[["distance", "value"]].round(4).values.tolist()
    [[0.0, 0.7], [1500.0, 0.5445]]
    """
    if isinstance(indices, str):
        indices = [i.strip() for i in indices.split(",") if i.strip()]
    bad = [i for i in indices if i not in INDEX_SPECS or INDEX_SPECS[i].spatial]
    if bad:
        raise ConfigError(
            f"index(es) {bad} have no multiscalar profile; expected aspatial indices "
            f"{[n for n, s in INDEX_SPECS.items() if not s.spatial]}",
            key="indices",
        )
    distances = [float(d) for d in distances]
    by = list(by)
    counts = [c for c in ([group, total] if group is not None else []) + list(groups or []) if c]
    counts = list(dict.fromkeys(counts))
    need_pair = any(INDEX_SPECS[i].counts == "pair" for i in indices)
    need_part = any(INDEX_SPECS[i].counts == "partition" for i in indices)
    if need_pair and (group is None or total is None):
        raise ConfigError("two-group indices need `group` and `total`", key="group")
    if need_part and not groups:
        raise ConfigError("multigroup indices need `groups`", key="groups")
    # validate the counts once (same checks and messages as every index)
    stack(
        data,
        group=group if need_pair else None,
        total=total if need_pair else None,
        groups=list(groups) if need_part else None,
        by=by,
        source=source,
    )
    for c in by:
        if c not in data.columns:
            raise DataError(f"grouping column {c!r} not found", file=source, column=c)
    coords_all = _coordinates(data)
    vals = data[counts].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    complete = ~np.isnan(vals).any(axis=1)
    seg_keys = (
        pd.MultiIndex.from_frame(data[by].astype(str)).factorize(sort=True)
        if by
        else (np.zeros(len(data), dtype=int), None)
    )
    codes = np.asarray(seg_keys[0])
    cache = {} if _cache is None else _cache
    rows = []
    for b in distances:
        lagged = np.full_like(vals, np.nan)
        n_nb = np.zeros(len(data))
        for k in np.unique(codes):
            idx = np.flatnonzero((codes == k) & complete)
            if len(idx) == 0:
                continue
            xy = coords_all[idx]
            key = (b, kernel, xy.tobytes())
            w = cache.get(key)
            if w is None:
                w = kernel_weights(xy, b, kernel)
                cache[key] = w
            lag = w @ vals[idx]
            lagged[idx] = np.round(lag) if round_counts else lag
            n_nb[idx] = np.diff(w.indptr) - 1
        env = data[by].copy() if by else pd.DataFrame(index=data.index)
        for c_i, c in enumerate(counts):
            env[c] = lagged[:, c_i]
        env["_nb"] = n_nb
        for name in indices:
            spec = INDEX_SPECS[name]
            if spec.counts == "pair":
                s = stack(env, group=group, total=total, by=by)
            else:
                s = stack(env, groups=list(groups), by=by)
            with np.errstate(all="ignore"):
                v = np.asarray(spec.bind()(s), dtype=float)
            nb = env["_nb"].to_numpy()[s.rows["_row"].to_numpy()]
            mean_nb = np.add.reduceat(nb, s.starts) / s.n_areas if s.n_segments else []
            frame = s.keys.copy()
            frame["index"] = name
            frame["distance"] = b
            frame["value"] = v
            frame["n_areas"] = s.n_areas
            frame["mean_neighbours"] = mean_nb
            rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    order = {n: i for i, n in enumerate(indices)}
    out = out.assign(_o=out["index"].map(order)).sort_values([*by, "_o", "distance"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def multiscalar_profile_network(
    population: pd.DataFrame,
    group_definitions,
    areas,
    *,
    indices: Sequence[str] = ("dissimilarity", "theil_h"),
    distances: Sequence[float] = DEFAULT_DISTANCES,
    by: Sequence[str] = ("city", "period"),
    periods: Sequence[str] | None = None,
    kernel: str = "triangular",
) -> pd.DataFrame:
    """:func:`multiscalar_profile` for every city, period and group definition of a network.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical long table.
    group_definitions : mapping, iterable of GroupDefinition, or names
    areas : geopandas.GeoDataFrame
        Canonical areas (metric CRS, e.g. EPSG:3035).
    indices, distances, by, kernel :
        As in :func:`multiscalar_profile`; multigroup indices are computed where a definition
        has ``groups``.
    periods : sequence of str, optional
        Only these periods.

    Returns
    -------
    pandas.DataFrame
        ``group_definition`` and the columns of :func:`multiscalar_profile`, and
        ``n_unlocated``: areas with counts but no geometry (not placed, so not used).

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(6, 6, seed=1)
    >>> p = multiscalar_profile_network(c.population, [c.group_definition], c.areas, distances=[0, 500])
    >>> p.groupby("index")["distance"].apply(list).to_dict()
    {'dissimilarity': [0.0, 500.0], 'theil_h': [0.0, 500.0]}
    """
    from compare.indicators.panel import definitions_from, wide_counts

    by = list(by)
    pop = population if periods is None else population[population["period"].isin(list(periods))]
    frames = []
    cache: dict = {}
    for gd in definitions_from(group_definitions):
        wide = wide_counts(pop, gd.variables, areas, require=gd.variables)
        located = ~(wide.geometry.isna() | wide.geometry.is_empty).to_numpy()
        unlocated = wide.loc[~located].groupby(by).size() if by else None
        wide = wide[located]
        if wide.empty:
            continue
        idx = [i for i in indices if INDEX_SPECS[i].counts == "pair" or gd.groups]
        if not idx:
            continue
        prof = multiscalar_profile(
            wide,
            group=gd.group,
            total=gd.total,
            groups=list(gd.groups) or None,
            indices=idx,
            distances=distances,
            by=by,
            kernel=kernel,
            source=f"group definition {gd.name!r}",
            _cache=cache,
        )
        prof.insert(0, "group_definition", gd.name)
        # areas with counts but no geometry (Network.unmatched) cannot be placed: counted, not used
        if by and unlocated is not None and len(unlocated):
            miss = unlocated.rename("n_unlocated").reset_index()
            miss[by] = miss[by].astype(str)
            prof = prof.merge(miss, on=by, how="left")
            prof["n_unlocated"] = prof["n_unlocated"].fillna(0).astype(int)
        else:
            prof["n_unlocated"] = 0
        frames.append(prof)
    if not frames:
        return pd.DataFrame(
            columns=[
                "group_definition",
                *by,
                "index",
                "distance",
                "value",
                "n_areas",
                "mean_neighbours",
                "n_unlocated",
            ]
        )
    return pd.concat(frames, ignore_index=True)
