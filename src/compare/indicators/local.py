r"""Neighbourhood-level indicators and a composite disadvantage index.

Shares, location quotients, local entropy, gap to the city, LISA clusters, and a
disadvantage index for choosing target areas.

Reliability rule: an area whose total is below ``min_population`` is *flagged*
(``small_area = True``); its share is reported but it is left out of the LISA clusters and
of the disadvantage index (``status`` says so). Areas with a suppressed count get no share
(``suppressed = True``). Neither is used silently.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike

from compare.errors import ConfigError, DataError
from compare.indicators.panel import definitions_from, wide_counts
from compare.indicators.spatial import contiguity_weights

__all__ = [
    "local_indicators",
    "lisa",
    "disadvantage_index",
    "disadvantage_dynamics",
    "LISA_LABELS",
    "LISA_ENGINES",
    "STATUS_CLASSES",
    "DYNAMIC_CLASSES",
]

#: esda quadrant code -> cluster label
LISA_LABELS = {1: "high-high", 2: "low-high", 3: "low-low", 4: "high-low"}

#: status classes of :func:`disadvantage_index`, from best to worst
STATUS_CLASSES = ("high", "medium", "low", "very low")


#: computing engines of :func:`lisa`
LISA_ENGINES = ("numpy", "esda")

#: simulated lags within this distance (times max |z|) of the observed lag count as ties
_TIE_TOL = 1e-10

#: elements (sites x permutations) of one block of the vectorised permutation loop
_BLOCK = 1 << 21


def lisa(
    values: ArrayLike,
    w,
    *,
    permutations: int = 999,
    alpha: float = 0.05,
    seed: int | None = 0,
    engine: str = "numpy",
) -> pd.DataFrame:
    r"""Local Moran's I (Anselin 1995) with conditional-permutation pseudo p-values and clusters.

    .. math:: I_i = \frac{(n-1)\, z_i}{\sum_k z_k^2} \sum_{j \ne i} w_{ij} z_j

    with :math:`z = (y - \bar y)/s_y` and row-standardised weights :math:`w_{ij}` (as
    ``esda.Moran_Local(..., transformation="r").Is``). Quadrant codes as esda: 1 = high-high,
    2 = low-high, 3 = low-low, 4 = high-low (a value or lag equal to the mean counts as low).

    Pseudo p-values by conditional randomisation (Anselin 1995): area *i* keeps its value,
    its :math:`k_i` neighbour values are replaced by a random draw without replacement from
    the other :math:`n-1` areas, ``permutations`` times. As in esda's ``crand``, one matrix
    of permuted ids (``permutations`` x largest number of neighbours) is drawn once and used
    for every area (the first :math:`k_i` columns, indexing the areas other than *i*). With
    :math:`M^{\ge}_i` / :math:`M^{\le}_i` the numbers of simulated :math:`I_i` at least /
    at most the observed one, the folded one-sided ("directed") pseudo p-value that esda (2.8)
    reports as ``p_sim`` is

    .. math:: p_i = \frac{\min(M^{\ge}_i, M^{\le}_i) + 1}{\text{permutations} + 1}.

    Without ties this is esda's ``(min(larger, permutations - larger) + 1) /
    (permutations + 1)``. Simulated values equal to the observed one (up to rounding) count
    on both sides, so an area exactly at the mean (:math:`z_i = 0`, every simulated
    :math:`I_i = 0`) gets :math:`p = 1`, where esda reports the smallest p-value.

    An area is in a cluster (``high-high``, ``low-low``) or an outlier (``high-low``,
    ``low-high``) when its pseudo p-value is at most ``alpha``; otherwise ``not
    significant``. Areas without neighbours (also after removing the other islands) are
    ``no neighbours`` and get no statistic.

    Parameters
    ----------
    values : array-like
        One value per area (e.g. the group share), in the weights' row order, no NaN.
    w : scipy.sparse matrix or libpysal.weights.W
        Binary contiguity weights (row-standardised here).
    permutations : int
        Number of conditional permutations (>= 1).
    alpha : float
        Significance level for the cluster labels (no multiple-testing correction).
    seed : int, optional
        Seed of the permutations; the same seed gives the same p-values (per engine).
    engine : {"numpy", "esda"}
        ``"numpy"`` (default): vectorised numpy, blocks of areas x permutations so memory
        stays bounded (about 100 MB whatever the number of areas); no compilation, so it is
        fast in a fresh process. ``"esda"``: ``esda.Moran_Local`` (numba; 10-30 s of
        compilation on the first call in a process, its own random stream). Both give the
        same ``lisa_i`` and quadrants; p-values differ by Monte Carlo error only.

    Returns
    -------
    pandas.DataFrame
        ``lisa_i``, ``lisa_quadrant`` (esda code, 0 = not computed), ``lisa_p``,
        ``lisa_cluster``.

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association - LISA. *Geographical
    Analysis* 27(2), 93-115.

    Examples
    --------
    >>> from compare.indicators.spatial import grid_weights
    >>> y = np.r_[np.ones(50), np.zeros(50)]  # top half of a 10 x 10 grid
    >>> out = lisa(y, grid_weights(10, 10, "queen"), permutations=999)
    >>> out["lisa_cluster"].iloc[[22, 77]].tolist()
    ['high-high', 'low-low']
    """
    if engine not in LISA_ENGINES:
        raise ConfigError(f"unknown LISA engine {engine!r}; expected one of {LISA_ENGINES}", key="engine")
    if int(permutations) != permutations or permutations < 1:
        raise ConfigError(f"permutations must be an integer >= 1, got {permutations!r}", key="permutations")
    permutations = int(permutations)
    y = np.asarray(values, dtype=float).ravel()
    w = sp.csr_matrix(getattr(w, "sparse", w), dtype=float)
    if np.isnan(y).any():
        raise DataError("lisa: values contain NaN; drop those areas first")
    n = len(y)
    if w.shape != (n, n):
        raise DataError(
            f"lisa: weights are {w.shape[0]} x {w.shape[1]} but there are {n} values; expected n x n",
            column="w",
        )
    out = pd.DataFrame(
        {
            "lisa_i": np.nan,
            "lisa_quadrant": 0,
            "lisa_p": np.nan,
            "lisa_cluster": "no neighbours",
        },
        index=range(n),
    )
    has = np.asarray(w.sum(axis=1)).ravel() > 0
    if has.sum() < 3 or np.nanstd(y[has]) == 0:
        out.loc[has, "lisa_cluster"] = "not computed (fewer than 3 areas or no variation)"
        return out
    sub = w[has][:, has]
    # areas left without neighbours after the subset are kept out in a second pass
    has2 = np.asarray(sub.sum(axis=1)).ravel() > 0
    if not has2.all():
        idx = np.flatnonzero(has)
        has[idx[~has2]] = False
        sub = w[has][:, has]
    if engine == "esda":
        i_stat, quad, p = _lisa_esda(y[has], sub, permutations, seed)
    else:
        i_stat, quad, z, wr = _local_moran(y[has], sub)
        p = _crand_p(z, wr, permutations, np.random.default_rng(seed))
    lab = np.array([LISA_LABELS[q] for q in quad], dtype=object)
    lab[p > alpha] = "not significant"
    out.loc[has, "lisa_i"] = i_stat
    out.loc[has, "lisa_quadrant"] = quad
    out.loc[has, "lisa_p"] = p
    out.loc[has, "lisa_cluster"] = lab
    return out


def _lisa_esda(y: np.ndarray, w: sp.csr_matrix, permutations: int, seed):
    """``esda.Moran_Local`` on row-standardised weights: ``(Is, q, p_sim)``."""
    import esda
    from libpysal.weights import WSP

    W = WSP(w).to_W(silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ml = esda.Moran_Local(y, W, transformation="r", permutations=permutations, seed=seed, n_jobs=1)
    return ml.Is, ml.q, ml.p_sim


def _local_moran(y: np.ndarray, w: sp.csr_matrix):
    """Local Moran's I and quadrant codes as esda computes them.

    Returns ``(I, q, z, wr)``: statistics, quadrant codes (1 HH, 2 LH, 3 LL, 4 HL), the
    standardised values and the row-standardised weights. Every row of ``w`` must have a
    positive sum.
    """
    n = len(y)
    z = y - y.mean()
    z = z / y.std()
    rs = np.asarray(w.sum(axis=1)).ravel()
    wr = sp.csr_matrix(sp.diags(1.0 / rs) @ w)
    wr.sort_indices()
    lag = wr @ z
    i_stat = (n - 1) * z * lag / (z * z).sum()
    zp, lp = z > 0, lag > 0
    quad = np.where(zp, np.where(lp, 1, 4), np.where(lp, 2, 3))
    return i_stat, quad, z, wr


def _permuted_ids(n_other: int, k: int, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """``permutations`` x ``k`` ids drawn without replacement from ``range(n_other)``.

    Each row is a uniformly random ordered sample (Floyd's algorithm, vectorised over rows,
    then a shuffle within the row), so its first ``k_i`` columns are a uniform random
    ``k_i``-subset for every ``k_i <= k``.
    """
    if k > 64:  # many neighbours: smallest k of random keys per row, in row blocks
        rows = max(1, _BLOCK // max(n_other, 1))
        parts = []
        for start in range(0, permutations, rows):
            keys = rng.random((min(rows, permutations - start), n_other))
            parts.append(np.argpartition(keys, k - 1, axis=1)[:, :k])
        ids = np.vstack(parts)
    else:
        ids = np.empty((permutations, k), dtype=np.int64)
        for col, j in enumerate(range(n_other - k, n_other)):
            t = rng.integers(0, j + 1, size=permutations)
            seen = (ids[:, :col] == t[:, None]).any(axis=1)
            ids[:, col] = np.where(seen, j, t)
    return rng.permuted(ids, axis=1)


def _crand_p(
    z: np.ndarray,
    wr: sp.csr_matrix,
    permutations: int,
    rng: np.random.Generator | None = None,
    ids: np.ndarray | None = None,
) -> np.ndarray:
    r"""Folded one-sided conditional-permutation pseudo p-values of local Moran's I.

    Vectorised form of esda's ``crand`` with ``_moran_local_crand``: one shared matrix of
    permuted ids; for area *i* an id ``r`` points to ``r`` if ``r < i`` else ``r + 1``
    (the areas other than *i*). ``sim >= obs`` in :math:`I_i` is compared on the spatial
    lag, which is equivalent (:math:`I_i = c\, z_i\, \text{lag}_i`, and the self-weight term
    is the same in both). Areas are processed in blocks sorted by number of neighbours, one
    neighbour column at a time, so memory is ``O(block x permutations)``. ``ids`` (for
    tests) replaces the drawn ``permutations x max(k_i)`` matrix of permuted ids.
    """
    n = len(z)
    self_w = wr.diagonal()
    off = wr.copy()
    if np.any(self_w != 0):
        off.setdiag(0)
    off.eliminate_zeros()
    off.sort_indices()
    card = np.diff(off.indptr)
    kmax = int(card.max())
    if ids is None:
        ids = _permuted_ids(n - 1, kmax, permutations, rng)  # permutations x kmax
    ids = np.asarray(ids, dtype=np.int64)[:, :kmax]
    z_lo = np.ascontiguousarray(z[ids].T)  # value when the id lies before area i
    z_hi = np.ascontiguousarray(z[ids + 1].T)  # ... when it lies at or after area i
    ids_t = np.ascontiguousarray(ids.T)
    tol = _TIE_TOL * np.abs(z).max()
    p = np.empty(n)
    order = np.argsort(card, kind="stable")
    block = max(1, _BLOCK // permutations)
    for start in range(0, n, block):
        sites = order[start : start + block]
        k_b = int(card[sites].max())
        site_col = sites[:, None]
        lag = np.zeros((len(sites), permutations))
        lag_obs = np.zeros(len(sites))
        buf = np.empty_like(lag)
        for m in range(k_b):
            valid = m < card[sites]
            pos = np.where(valid, off.indptr[sites] + m, 0)
            wm = np.where(valid, off.data[pos], 0.0)
            lag_obs += wm * z[off.indices[pos]]
            np.copyto(buf, z_hi[m])
            np.copyto(buf, z_lo[m], where=ids_t[m] < site_col)
            buf *= wm[:, None]
            lag += buf
        ge = np.count_nonzero(lag >= (lag_obs - tol)[:, None], axis=1)
        le = np.count_nonzero(lag <= (lag_obs + tol)[:, None], axis=1)
        p[sites] = (np.minimum(ge, le) + 1.0) / (permutations + 1.0)
    p[z == 0] = 1.0
    return p


def _local_entropy(counts: np.ndarray) -> np.ndarray:
    tot = counts.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        p = counts / tot
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
    return h / np.log(counts.shape[1])


def local_indicators(
    population: pd.DataFrame,
    group_definitions,
    areas=None,
    *,
    min_population: float = 100,
    lisa_clusters: bool | None = None,
    weights: str = "queen",
    permutations: int = 999,
    alpha: float = 0.05,
    seed: int | None = 0,
    engine: str = "numpy",
) -> pd.DataFrame:
    r"""Neighbourhood-level indicators, one row per area x period x group definition.

    Columns: ``city, area_id, period, vintage, group_definition, group, total, share``
    (:math:`p_i = x_i/t_i`), ``city_share`` (:math:`P`, over all areas with counts),
    ``location_quotient`` (:math:`p_i/P`), ``gap`` (:math:`p_i - P`, in share points),
    ``local_entropy`` (entropy of the area's composition over the definition's partition,
    divided by :math:`\ln K`: 0 = one group only, 1 = all groups equal; two-group entropy when
    the definition has no partition), ``small_area`` (total < ``min_population``),
    ``suppressed``, and with geometry the LISA columns of :func:`lisa` (computed on the share
    of the areas that are neither small nor suppressed, per city and period), ``status``
    (``ok``, ``small area``, ``suppressed``, ``empty``) and ``note``.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical long table, or a wide table (one row per area, a column per variable of
        the definitions, ``area_id`` and optionally ``city``, ``period``; a GeoDataFrame
        brings its own geometry for LISA).
    group_definitions : mapping, iterable or names
        As for :func:`compare.indicators.compute_panel`.
    areas : geopandas.GeoDataFrame, optional
        Canonical areas; enables LISA clusters (not needed for a wide GeoDataFrame).
    min_population : float
        Areas with a smaller total are flagged ``small_area`` and kept out of LISA.
    lisa_clusters : bool, optional
        Compute LISA (default: when ``areas`` are given).
    weights, permutations, alpha, seed :
        LISA settings.
    engine : {"numpy", "esda"}
        LISA engine (see :func:`lisa`).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(5, 5, seed=4)
    >>> loc = local_indicators(c.population, [c.group_definition], c.areas, permutations=99)
    >>> bool((loc["location_quotient"] * loc["city_share"] - loc["share"]).abs().max() < 1e-12)
    True
    """
    if min_population < 0:
        raise ConfigError(f"min_population must be >= 0, got {min_population}", key="min_population")
    own_geom = "variable" not in population.columns and (
        getattr(population, "_geometry_column_name", None) in population.columns
    )
    do_lisa = (areas is not None or own_geom) if lisa_clusters is None else lisa_clusters
    if do_lisa and areas is None and not own_geom:
        raise DataError("LISA clusters need `areas` with geometry", column="geometry")
    frames = []
    for gd in definitions_from(group_definitions):
        wide = _as_wide(population, gd, areas if do_lisa else None)
        x = wide[gd.group].to_numpy(float)
        t = wide[gd.total].to_numpy(float)
        if (x > t + 1e-9).any():
            i = int(np.flatnonzero(x > t + 1e-9)[0])
            raise DataError(
                f"group {gd.group!r} ({x[i]:g}) larger than total {gd.total!r} ({t[i]:g}) in "
                f"period {wide['period'].iloc[i]}; expected group <= total",
                row=wide["area_id"].iloc[i],
                column=gd.group,
            )
        parts = list(gd.groups)
        suppressed = np.isnan(x) | np.isnan(t)
        if parts:
            suppressed_parts = wide[parts].isna().any(axis=1).to_numpy()
        empty = ~suppressed & (t <= 0)
        ok = ~suppressed & ~empty
        out = wide[["city", "area_id", "period", "vintage"]].copy()
        out["group_definition"] = gd.name
        out["group"] = x
        out["total"] = t
        with np.errstate(all="ignore"):
            out["share"] = np.where(ok, x / t, np.nan)
        key = ["city", "period", "vintage"]
        gx = pd.Series(np.where(ok, x, 0.0)).groupby([out[k] for k in key]).transform("sum")
        gt = pd.Series(np.where(ok, t, 0.0)).groupby([out[k] for k in key]).transform("sum")
        with np.errstate(all="ignore"):
            out["city_share"] = (gx / gt).to_numpy()
            out["location_quotient"] = out["share"] / out["city_share"]
        out["gap"] = out["share"] - out["city_share"]
        if parts:
            ent = _local_entropy(wide[parts].to_numpy(float))
            ent[suppressed_parts | empty] = np.nan
        else:
            p = out["share"].to_numpy()
            with np.errstate(all="ignore"):
                ent = -(np.where(p > 0, p * np.log(p), 0) + np.where(p < 1, (1 - p) * np.log1p(-p), 0))
            ent = ent / np.log(2)
            ent[~ok] = np.nan
        out["local_entropy"] = ent
        out["small_area"] = ok & (t < min_population)
        out["suppressed"] = suppressed
        status = np.where(suppressed, "suppressed", np.where(empty, "empty", "ok"))
        status = np.where(out["small_area"], "small area", status)
        out["status"] = status
        out["note"] = np.select(
            [suppressed, empty, out["small_area"].to_numpy()],
            [
                "suppressed count: no share",
                "zero population: no share",
                f"total below min_population={min_population:g}: flagged, not used in "
                "LISA or disadvantage index",
            ],
            "",
        )
        if do_lisa:
            out = _add_lisa(out, wide, weights, permutations, alpha, seed, engine)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def _as_wide(data: pd.DataFrame, gd, areas) -> pd.DataFrame:
    """Wide counts of one definition from the canonical long table or a wide table."""
    if "variable" in data.columns and "count" in data.columns:
        return wide_counts(data, gd.variables, areas, require=gd.variables)
    missing = [v for v in (*gd.variables, "area_id") if v not in data.columns]
    if missing:
        raise DataError(
            f"wide table lacks column(s) {missing} needed by group definition {gd.name!r}; "
            f"found {list(data.columns)}",
            column=missing[0],
        )
    wide = data.copy()
    for col, default in (("city", "city"), ("period", "all"), ("vintage", "")):
        if col not in wide.columns:
            wide[col] = default
    for col in ("city", "area_id", "period", "vintage"):
        wide[col] = wide[col].astype(str)
    for v in gd.variables:
        wide[v] = pd.to_numeric(wide[v], errors="coerce").astype(float)
    if areas is not None:
        geo = getattr(wide, "_geometry_column_name", None)
        if geo is None or geo not in wide.columns:
            wide = wide.merge(
                areas[["city", "area_id", areas.geometry.name]].astype({"area_id": str}),
                on=["city", "area_id"],
                how="left",
            )
            import geopandas as gpd

            wide = gpd.GeoDataFrame(wide, geometry=areas.geometry.name, crs=areas.crs)
    return wide.reset_index(drop=True)


def _add_lisa(out, wide, weights, permutations, alpha, seed, engine="numpy"):
    out = out.copy()
    out["lisa_i"] = np.nan
    out["lisa_quadrant"] = 0
    out["lisa_p"] = np.nan
    out["lisa_cluster"] = "not computed"
    use = (out["status"] == "ok").to_numpy()
    if wide.geometry.isna().any():
        bad = wide.loc[wide.geometry.isna(), "area_id"].iloc[0]
        raise DataError("area has no geometry in `areas`", row=bad, column="geometry")
    cache: dict = {}
    for _, idx in out.groupby(["city", "period", "vintage"], sort=False).groups.items():
        idx = np.asarray(idx)
        sel = idx[use[idx]]
        out.loc[idx[~use[idx]], "lisa_cluster"] = "not computed (" + out.loc[idx[~use[idx]], "status"] + ")"
        if len(sel) < 3:
            out.loc[sel, "lisa_cluster"] = "not computed (fewer than 3 usable areas)"
            continue
        ck = (str(weights), tuple(out.loc[sel, "area_id"]), out.loc[sel[0], "city"])
        if ck not in cache:
            cache[ck] = contiguity_weights(wide.geometry.iloc[sel], weights)
        res = lisa(
            out.loc[sel, "share"].to_numpy(),
            cache[ck],
            permutations=permutations,
            alpha=alpha,
            seed=seed,
            engine=engine,
        )
        for c in ("lisa_i", "lisa_quadrant", "lisa_p", "lisa_cluster"):
            out.loc[sel, c] = res[c].to_numpy()
    return out


def disadvantage_index(
    local: pd.DataFrame,
    indicators: Sequence[str] | Mapping[str, float] | None = None,
    *,
    by: Sequence[str] = ("city", "period"),
    thresholds: tuple[float, float, float] = (-1.0, 1.0, 1.5),
    ddof: int = 1,
) -> pd.DataFrame:
    r"""Composite disadvantage (social status) index of areas, for choosing target areas.

    Method, in the spirit of Berlin's *Monitoring Soziale Stadtentwicklung* (MSS; Senate
    Department for Urban Development, yearly reports since 1998): for every city and period,

    1. each indicator's share (e.g. unemployment, low income; from :func:`local_indicators`)
       is z-standardised across the areas, :math:`z_{ij} = d_j (s_{ij} - \bar s_j)/sd_j`,
       with direction :math:`d_j = +1` when a higher share means more disadvantage (give a
       negative weight for indicators where higher is better, e.g. high income);
    2. the z-values are summed with weights :math:`|d_j|` (equal by default) and the sum is
       z-standardised again: ``index`` (0 = city average, in standard deviations; higher =
       more disadvantaged);
    3. areas are classified into status classes as in the MSS: ``high`` (index <
       ``thresholds[0]`` = -1), ``medium`` (up to +1), ``low`` (up to +1.5) and
       ``very low`` (above +1.5).

    Only areas with every indicator reported and none of them flagged small or suppressed
    are standardised and classified; the others get ``status_class = "not classified"``
    and a ``note`` saying why.

    Parameters
    ----------
    local : pandas.DataFrame
        Output of :func:`local_indicators` (one row per area x period x group definition).
    indicators : sequence of str or mapping name -> weight, optional
        Group definitions to combine (default: all in ``local``); weights' sign gives the
        direction.
    by : sequence of str
        Standardisation units.
    thresholds : (float, float, float)
        Class limits in standard deviations.
    ddof : int
        Degrees of freedom of the standard deviations (1 = sample SD).

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``area_id``, ``z_<indicator>`` per indicator, ``index``,
        ``status_class``, ``n_indicators``, ``note``.

    Examples
    --------
    >>> loc = pd.DataFrame({"city": "c", "period": "2020", "area_id": list("abcd") * 2,
    ...     "group_definition": ["u"] * 4 + ["p"] * 4,
    ...     "share": [.1, .2, .3, .9, .1, .1, .2, .8],
    ...     "small_area": False, "suppressed": False})
    >>> disadvantage_index(loc)["status_class"].tolist()
    ['medium', 'medium', 'medium', 'low']
    """
    for c in ("area_id", "group_definition", "share", *by):
        if c not in local.columns:
            raise DataError(f"column {c!r} missing; expected the output of local_indicators()", column=c)
    if indicators is None:
        weights = dict.fromkeys(local["group_definition"].unique(), 1.0)
    elif isinstance(indicators, Mapping):
        weights = {k: float(v) for k, v in indicators.items()}
    else:
        weights = dict.fromkeys(indicators, 1.0)
    unknown = [k for k in weights if k not in set(local["group_definition"])]
    if unknown:
        raise ConfigError(
            f"indicator(s) {unknown} not in the local table; available: "
            f"{sorted(local['group_definition'].unique())}",
            key="indicators",
        )
    if not (thresholds[0] < thresholds[1] < thresholds[2]):
        raise ConfigError(f"thresholds must increase, got {thresholds}", key="thresholds")
    keys = [*by, "area_id"]
    sub = local[local["group_definition"].isin(list(weights))].copy()
    flags = sub.get("small_area", False) | sub.get("suppressed", False) | sub["share"].isna()
    sub["_bad"] = flags
    grouped = sub.groupby([*keys, "group_definition"], sort=True)
    share = grouped["share"].first().unstack("group_definition")
    bad = grouped["_bad"].max().unstack("group_definition").reindex(share.index)
    share = share.reindex(columns=list(weights))
    bad = bad.reindex(columns=list(weights)).fillna(True).astype(bool)
    usable = ~bad.any(axis=1) & share.notna().all(axis=1)
    out = share.index.to_frame(index=False)
    zsum = np.zeros(len(share))
    grp = [share.index.get_level_values(k) for k in by]
    for name, wgt in weights.items():
        s = share[name].where(usable)
        g = s.groupby(grp)
        z = (s - g.transform("mean")) / g.transform(lambda v: v.std(ddof=ddof))
        z = np.sign(wgt) * z
        out[f"z_{name}"] = z.to_numpy()
        zsum = zsum + abs(wgt) * z.to_numpy()
    zs = pd.Series(zsum, index=share.index).where(usable.to_numpy())
    g = zs.groupby(grp)
    index = (zs - g.transform("mean")) / g.transform(lambda v: v.std(ddof=ddof))
    out["index"] = index.to_numpy()
    lo, mid, hi = thresholds
    v = out["index"].to_numpy()
    cls = np.select([v < lo, v <= mid, v <= hi, v > hi], list(STATUS_CLASSES), "not classified")
    out["status_class"] = np.where(np.isnan(v), "not classified", cls)
    out["n_indicators"] = share.notna().sum(axis=1).to_numpy()
    reasons = []
    for i in range(len(out)):
        if not np.isnan(v[i]):
            reasons.append("")
            continue
        b = [n for n in weights if bad.iloc[i][n]]
        reasons.append(
            "not classified: " + ", ".join(b) + " missing, suppressed or small area"
            if b
            else "not classified: no variation between areas"
        )
    out["note"] = reasons
    return out


#: dynamic classes of :func:`disadvantage_dynamics`, from improving to worsening
DYNAMIC_CLASSES = ("positive", "stable", "negative")


def disadvantage_dynamics(
    local: pd.DataFrame,
    from_period: str,
    to_period: str,
    indicators: Sequence[str] | Mapping[str, float] | None = None,
    *,
    by: Sequence[str] = ("city",),
    threshold: float = 1.0,
    ddof: int = 1,
) -> pd.DataFrame:
    r"""Dynamic index of areas: how their disadvantage indicators changed between two periods.

    The dynamic component of Berlin's *Monitoring Soziale Stadtentwicklung*, in its spirit:
    per city, each indicator's change in share points
    :math:`\Delta_{ij} = s_{ij}(t_1) - s_{ij}(t_0)` is z-standardised across the areas
    (direction from the weight's sign, as in :func:`disadvantage_index`), the z-values are
    summed with weights :math:`|d_j|` and the sum is standardised again: ``dynamic_index``
    (higher = disadvantage grew faster than in the average area). Classes: ``positive``
    (below ``-threshold``), ``stable``, ``negative`` (above ``+threshold``). Combined with
    the status classes of the end period, ``attention`` marks areas for a closer look:
    *very low* status, or *low* status with *negative* dynamics.

    Only areas present with the same boundaries (``vintage``) in both periods, reported in
    both, and neither small nor suppressed in either, are classified; the others get
    ``dynamic_class = "not classified"`` and a ``note``.

    Parameters
    ----------
    local : pandas.DataFrame
        Output of :func:`local_indicators` covering both periods.
    from_period, to_period : str
    indicators : sequence or mapping name -> weight, optional
        As in :func:`disadvantage_index`.
    by : sequence of str
        Standardisation units other than ``period``.
    threshold : float
        Class limit in standard deviations.
    ddof : int

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``area_id``, ``change_<indicator>`` (share points), ``dynamic_index``,
        ``dynamic_class``, ``status_class`` (end period), ``attention``, ``note``.

    Examples
    --------
    >>> loc = pd.DataFrame({"city": "c", "area_id": list("abcd") * 2,
    ...     "period": ["1"] * 4 + ["2"] * 4, "group_definition": "u", "vintage": "v",
    ...     "share": [.1, .2, .3, .4, .1, .2, .3, .7], "small_area": False,
    ...     "suppressed": False})
    >>> disadvantage_dynamics(loc, "1", "2")["dynamic_class"].tolist()
    ['stable', 'stable', 'stable', 'negative']
    """
    by = [c for c in by if c != "period"]
    for c in ("area_id", "period", "group_definition", "share", *by):
        if c not in local.columns:
            raise DataError(f"column {c!r} missing; expected the output of local_indicators()", column=c)
    have = set(local["period"].astype(str))
    for p in (from_period, to_period):
        if str(p) not in have:
            raise DataError(
                f"period {p!r} not in the local table; available: {sorted(have)}", column="period"
            )
    if indicators is None:
        weights = dict.fromkeys(local["group_definition"].unique(), 1.0)
    elif isinstance(indicators, Mapping):
        weights = {k: float(v) for k, v in indicators.items()}
    else:
        weights = dict.fromkeys(indicators, 1.0)
    sub = local[local["group_definition"].isin(list(weights))].copy()
    sub["period"] = sub["period"].astype(str)
    sub["_bad"] = sub.get("small_area", False) | sub.get("suppressed", False) | sub["share"].isna()
    if "vintage" not in sub.columns:
        sub["vintage"] = ""
    keys = [*by, "area_id"]
    ends = {}
    for tag, p in (("0", str(from_period)), ("1", str(to_period))):
        part = sub[sub["period"] == p]
        g = part.groupby([*keys, "group_definition"], sort=True)
        ends[tag] = (
            g["share"].first().unstack("group_definition").reindex(columns=list(weights)),
            g["_bad"].max().unstack("group_definition").reindex(columns=list(weights)),
            g["vintage"].first().groupby(level=list(range(len(keys)))).first(),
        )
    idx = ends["0"][0].index.union(ends["1"][0].index)
    s0, b0, v0 = (x.reindex(idx) for x in ends["0"])
    s1, b1, v1 = (x.reindex(idx) for x in ends["1"])
    bad = b0.fillna(True).astype(bool) | b1.fillna(True).astype(bool)
    same = (v0 == v1).to_numpy()
    usable = ~bad.any(axis=1).to_numpy() & same & s0.notna().all(axis=1).to_numpy()
    usable &= s1.notna().all(axis=1).to_numpy()
    out = idx.to_frame(index=False)
    grp = [idx.get_level_values(k) for k in by]
    zsum = np.zeros(len(idx))
    for name, wgt in weights.items():
        d = (s1[name] - s0[name]).where(usable)
        out[f"change_{name}"] = d.to_numpy()
        g = d.groupby(grp) if by else d.groupby(np.zeros(len(d)))
        z = (d - g.transform("mean")) / g.transform(lambda v: v.std(ddof=ddof))
        zsum = zsum + abs(wgt) * np.sign(wgt) * z.to_numpy()
    zs = pd.Series(zsum, index=idx).where(usable)
    g = zs.groupby(grp) if by else zs.groupby(np.zeros(len(zs)))
    dyn = ((zs - g.transform("mean")) / g.transform(lambda v: v.std(ddof=ddof))).to_numpy()
    out["dynamic_index"] = dyn
    cls = np.select([dyn < -threshold, dyn <= threshold], ["positive", "stable"], "negative")
    out["dynamic_class"] = np.where(np.isnan(dyn), "not classified", cls)
    end = local[local["period"].astype(str) == str(to_period)]
    status = disadvantage_index(end, weights, by=[*by, "period"]) if len(end) else None
    if status is not None:
        st = status.set_index(keys)["status_class"]
        out["status_class"] = st.reindex(idx).fillna("not classified").to_numpy()
    else:
        out["status_class"] = "not classified"
    out["attention"] = (out["status_class"] == "very low") | (
        (out["status_class"] == "low") & (out["dynamic_class"] == "negative")
    )
    notes = np.where(
        usable,
        "",
        np.where(
            ~same,
            "not classified: area boundaries (vintage) differ between the periods",
            "not classified: an indicator is missing, suppressed or from a small area in one of the periods",
        ),
    )
    out["note"] = notes
    return out
