"""The one-call tidy panel of city-level indices for many cities, periods and groups.

:func:`compute_panel` takes the canonical long ``population`` table (+ optional ``areas``
for spatial indices) and group definitions; :func:`panel_from_wide` takes a wide table (one
row per area, one column per count), as researchers' own data and the command line do.
Both return one row per ``by`` key x ``index`` x ``group_definition``::

    city, period, index, group_definition, value, [ci_low, ci_high], [p_value],
    n_areas, n_dropped, n_empty, population, status, note

Rules (also in :mod:`compare.indicators._core`): areas with a suppressed (``NaN``) count are
dropped and counted in ``n_dropped``; areas with zero population are excluded and counted
in ``n_empty``; an index is ``NaN`` only with ``status = "undefined"`` and a ``note`` saying
why (fewer than ``min_areas`` areas, group absent, fewer than two groups present, no
neighbours). ``status = "warning"`` marks a computed value with a caveat in ``note``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from compare.errors import ConfigError, DataError
from compare.indicators._core import Stacked, stack
from compare.indicators.inference import bootstrap_replicates, percentile_interval
from compare.indicators.registry import INDEX_FAMILY, INDEX_SPECS, INDICES
from compare.indicators.spatial import contiguity_weights
from compare.model import DEFAULT_GROUP_DEFINITIONS, GroupDefinition

__all__ = [
    "compute_panel",
    "panel_from_wide",
    "INDICES",
    "INDEX_FAMILY",
    "definitions_from",
    "wide_counts",
]

def _check_indices(indices) -> list[str]:
    if indices is None:
        return list(INDICES)
    if isinstance(indices, str):
        indices = [i.strip() for i in indices.split(",") if i.strip()]
    unknown = [i for i in indices if i not in INDEX_FAMILY]
    if unknown:
        raise ConfigError(f"unknown index name(s) {unknown}; expected some of {list(INDICES)}", key="index")
    return list(dict.fromkeys(indices))


def _segment_weights(data: pd.DataFrame, s: Stacked, weights, cache: dict | None = None) -> sp.csr_matrix:
    """Block-diagonal binary weights in stacked order (one block per segment)."""
    n = len(s.seg)
    order = s.rows["_row"].to_numpy()
    if sp.issparse(weights) or hasattr(weights, "sparse"):
        w = sp.csr_matrix(getattr(weights, "sparse", weights), dtype=float)
        if w.shape != (len(data), len(data)):
            raise DataError(
                f"weights have shape {w.shape}; expected ({len(data)}, {len(data)}), one row "
                "per row of the input table",
                column="weights",
            )
        w = w[order][:, order].tocoo()
        same = s.seg[w.row] == s.seg[w.col]
        w = sp.csr_matrix((np.ones(same.sum()), (w.row[same], w.col[same])), shape=(n, n))
        return w
    geom_col = getattr(data, "_geometry_column_name", None)
    if geom_col is None or geom_col not in data.columns:
        raise DataError(
            "spatial indices need geometry: pass a GeoDataFrame (or `areas`) with a geometry "
            "column, or a sparse weights matrix",
            column="geometry",
        )
    cache = {} if cache is None else cache
    id_cols = [c for c in ("city", "vintage", "area_id") if c in data.columns]
    blocks = []
    bounds = np.append(s.starts, n)
    for k in range(s.n_segments):
        rows = order[bounds[k] : bounds[k + 1]]
        key = (
            (str(weights), tuple(map(tuple, data.iloc[rows][id_cols].astype(str).to_numpy())))
            if "area_id" in id_cols
            else None
        )
        if key is not None and key in cache:
            blocks.append(cache[key])
            continue
        geom = data.geometry.iloc[rows]
        if geom.isna().any() or geom.is_empty.any():
            bad = data.iloc[rows][geom.isna().to_numpy() | geom.is_empty.to_numpy()]
            raise DataError(
                "missing or empty geometry; spatial indices need a polygon for every area",
                row=bad["area_id"].iloc[0] if "area_id" in bad else int(bad.index[0]),
                column="geometry",
            )
        wk = contiguity_weights(geom, weights)
        if key is not None:
            cache[key] = wk
        blocks.append(wk)
    if not blocks:
        return sp.csr_matrix((0, 0))
    return sp.block_diag(blocks, format="csr")


def _notes_for(
    s: Stacked, index: str, values: np.ndarray, min_areas: int, w=None
) -> tuple[np.ndarray, list[str]]:
    """Apply the undefined-value rules; return values and one note per segment."""
    spec = INDEX_SPECS[index]
    values = values.astype(float).copy()
    notes: list[list[str]] = [[] for _ in range(s.n_segments)]
    undefined = np.zeros(s.n_segments, dtype=bool)
    few = s.n_areas < min_areas
    for k in np.flatnonzero(few):
        notes[k].append(f"undefined: fewer than {min_areas} usable areas ({s.n_areas[k]})")
    undefined |= few
    if spec.counts == "pair":
        X = np.add.reduceat(s.x, s.starts)
        T = np.add.reduceat(s.t, s.starts)
        for k in np.flatnonzero(~few & (X <= 0)):
            notes[k].append("undefined: focus group absent from the city")
        for k in np.flatnonzero(~few & (X >= T) & (X > 0)):
            notes[k].append("undefined: the focus group is the whole population")
        undefined |= (X <= 0) | (X >= T)
    else:
        present = np.add.reduceat(s.groups, s.starts, axis=0) > 0
        npres = present.sum(axis=1)
        for k in np.flatnonzero(~few & (npres < 2)):
            notes[k].append("undefined: fewer than two groups present")
        undefined |= npres < 2
        for k in np.flatnonzero(~few & (npres >= 2) & (npres < present.shape[1])):
            notes[k].append(
                f"{present.shape[1] - npres[k]} of {present.shape[1]} groups absent "
                "(computed over the groups present)"
            )
    if spec.spatial and w is not None:
        rs = np.asarray(w.sum(axis=1)).ravel()
        islands = np.bincount(s.seg[rs == 0], minlength=s.n_segments)
        for k in np.flatnonzero(islands):
            notes[k].append(f"{islands[k]} area(s) without neighbours")
        pairs = np.bincount(s.seg, rs, minlength=s.n_segments)
        for k in np.flatnonzero(~undefined & (pairs == 0)):
            notes[k].append("undefined: no neighbouring areas")
        undefined |= pairs == 0
    for k in np.flatnonzero(s.n_dropped):
        notes[k].append(f"{int(s.n_dropped[k])} area(s) with suppressed counts dropped")
    for k in np.flatnonzero(s.n_empty):
        notes[k].append(f"{int(s.n_empty[k])} area(s) with zero population excluded")
    values[undefined] = np.nan
    for k in np.flatnonzero(~undefined & ~np.isfinite(values)):
        notes[k].append("undefined: index not finite for these counts")
        values[k] = np.nan
    return values, ["; ".join(n) for n in notes]


def panel_from_wide(
    data: pd.DataFrame,
    *,
    group: str | None = None,
    total: str | None = None,
    groups: Sequence[str] | None = None,
    by: Sequence[str] = ("city", "period"),
    indices: Sequence[str] | str | None = None,
    group_definition: str = "group",
    weights="queen",
    ci: bool = False,
    n_boot: int = 199,
    level: float = 0.95,
    method: str = "multinomial",
    seed: int | None = 0,
    min_areas: int = 2,
    atkinson_b: float = 0.5,
    source: str | None = None,
    _cache: dict | None = None,
    _replicates: dict | None = None,
) -> pd.DataFrame:
    """Tidy panel of indices from a wide table (one row per area, one column per count).

    Parameters
    ----------
    data : pandas.DataFrame or geopandas.GeoDataFrame
        Wide counts; a geometry column is needed for spatial indices (or pass sparse
        ``weights`` aligned with the rows).
    group, total : str, optional
        Focus-group and total columns (two-group and spatial indices).
    groups : sequence of str, optional
        Partition columns (multigroup indices).
    by : sequence of str
        Key columns (each must exist); one index value per combination; ``()`` computes
        one value over the whole table.
    indices : sequence of str or comma-separated str, optional
        Index names (:data:`INDICES`). Default: every index the inputs allow.
    group_definition : str
        Label for the ``group_definition`` column.
    weights : {"queen", "rook", "knn:K"} or scipy.sparse matrix
        Spatial weights: built from geometry per segment, or a binary matrix over all rows.
    ci : bool
        Add bootstrap percentile intervals ``ci_low``, ``ci_high``.
    n_boot, level, method, seed :
        Bootstrap settings (:mod:`compare.indicators.inference`).
    min_areas : int
        Fewer usable areas than this make an index undefined.
    atkinson_b : float
        Atkinson shape parameter.
    source : str, optional
        Input name for error messages.

    Returns
    -------
    pandas.DataFrame
        The tidy panel (module docstring).

    Examples
    --------
    >>> df = pd.DataFrame({"city": ["a"] * 3, "x": [10, 0, 5], "t": [10, 10, 10]})
    >>> p = panel_from_wide(df, group="x", total="t", by=["city"], indices="dissimilarity")
    >>> p[["city", "index", "value", "n_areas"]].to_dict("records")
    [{'city': 'a', 'index': 'dissimilarity', 'value': 0.6666666666666666, 'n_areas': 3}]
    """
    by = [c for c in by]
    requested = indices is not None
    idx = _check_indices(indices)
    has_geom = getattr(data, "_geometry_column_name", None) in data.columns or sp.issparse(weights)
    specs = [INDEX_SPECS[i] for i in idx]
    if not requested:
        available = {"pair": group is not None, "partition": bool(groups)}
        specs = [sp_ for sp_ in specs if available[sp_.counts] and (has_geom or not sp_.spatial)]
    need = {c: [sp_.name for sp_ in specs if sp_.counts == c] for c in ("pair", "partition")}
    if need["pair"] and (group is None or total is None):
        raise ConfigError(
            f"index(es) {need['pair']} need a focus group and a total (`group`, `total`)",
            key="group",
        )
    if need["partition"] and not groups:
        raise ConfigError(
            f"multigroup index(es) {need['partition']} need the partition columns (`groups`)",
            key="groups",
        )
    spatial = [sp_.name for sp_ in specs if sp_.spatial]
    if spatial and not has_geom:
        raise DataError(
            f"spatial indices ({', '.join(spatial)}) need a geometry column or a sparse weights matrix",
            file=source,
            column="geometry",
        )
    out = []
    stacks = {
        "pair": stack(data, group=group, total=total, by=by, source=source) if need["pair"] else None,
        "partition": stack(data, groups=groups, by=by, source=source) if need["partition"] else None,
    }
    w = _segment_weights(data, stacks["pair"], weights, _cache) if spatial else None
    options = {"atkinson_b": atkinson_b}
    kernels = {sp_.name: sp_.bind(**options) for sp_ in specs}

    boot: dict[str, np.ndarray] = {}
    if ci:
        # one resampling per kind of counts, shared by all indices reading them
        for k, counts in enumerate(("pair", "partition")):
            names = need[counts]
            if not names:
                continue
            sp_names = [n for n in names if INDEX_SPECS[n].spatial]
            boot.update(
                bootstrap_replicates(
                    stacks[counts],
                    {n: kernels[n] for n in names},
                    n_boot=n_boot,
                    method=method,
                    weights=w if sp_names else None,
                    spatial=sp_names,
                    seed=None if seed is None else seed + k,
                )
            )
    for spec in specs:
        name = spec.name
        s = stacks[spec.counts]
        kern = kernels[name]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            raw = kern(s, w) if spec.spatial else kern(s)
        values, notes = _notes_for(s, name, raw, min_areas, w if spec.spatial else None)
        frame = s.keys.copy()
        frame["index"] = name
        frame["group_definition"] = group_definition
        frame["value"] = values
        if ci:
            reps = boot[name]
            reps[:, np.isnan(values)] = np.nan
            lo, hi = percentile_interval(reps, level)
            frame["ci_low"], frame["ci_high"] = lo, hi
            if _replicates is not None:
                _replicates[(group_definition, name)] = (s.keys.copy(), reps)
        if spec.p_value is not None:
            p = spec.p_value(s, w, raw) if spec.spatial else spec.p_value(s, None, raw)
            frame["p_value"] = np.where(np.isnan(values), np.nan, p)
        tot = s.total()
        frame["n_areas"] = s.n_areas
        frame["n_dropped"] = s.n_dropped
        frame["n_empty"] = s.n_empty
        frame["population"] = np.add.reduceat(tot, s.starts) if len(tot) else []
        frame["status"] = np.where(
            np.isnan(values), "undefined", np.where([bool(n) for n in notes], "warning", "ok")
        )
        frame["note"] = notes
        if len(s.empty_keys):
            ek = s.empty_keys
            gone = ek[by].copy()
            gone["index"] = name
            gone["group_definition"] = group_definition
            gone["value"] = np.nan
            gone["n_areas"] = 0
            gone["n_dropped"] = ek["n_dropped"].to_numpy()
            gone["n_empty"] = ek["n_empty"].to_numpy()
            gone["population"] = 0.0
            gone["status"] = "undefined"
            gone["note"] = [
                f"undefined: no usable area ({a} suppressed, {b} with zero population)"
                for a, b in zip(ek["n_dropped"], ek["n_empty"], strict=True)
            ]
            frame = pd.concat([frame, gone], ignore_index=True)
        out.append(frame)
    return _finish(out, by, ci)


def _finish(frames: list[pd.DataFrame], by: Sequence[str], ci: bool) -> pd.DataFrame:
    cols = [*by, "index", "group_definition", "value"]
    if ci:
        cols += ["ci_low", "ci_high"]
    if any("p_value" in f.columns for f in frames):
        cols += ["p_value"]
    cols += ["n_areas", "n_dropped", "n_empty", "population"]
    if any("vintage" in f.columns for f in frames) and "vintage" not in by:
        cols += ["vintage"]
    cols += ["status", "note"]
    if not frames:
        return pd.DataFrame(columns=cols)
    panel = pd.concat(frames, ignore_index=True).reindex(columns=cols)
    for c in ("n_areas", "n_dropped", "n_empty"):
        panel[c] = panel[c].astype("int64")
    order = {name: i for i, name in enumerate(INDICES)}
    panel = panel.assign(_o=panel["index"].map(order))
    panel = panel.sort_values([*by, "group_definition", "_o"], kind="stable").drop(columns="_o")
    return panel.reset_index(drop=True)


def definitions_from(group_definitions) -> list[GroupDefinition]:
    """Normalise group definitions: a mapping, an iterable of definitions, or names.

    Names are looked up in :data:`compare.model.DEFAULT_GROUP_DEFINITIONS`.

    Examples
    --------
    >>> [gd.name for gd in definitions_from(["unemployment"])]
    ['unemployment']
    """
    if isinstance(group_definitions, (GroupDefinition, str)):
        group_definitions = [group_definitions]
    if isinstance(group_definitions, Mapping):
        group_definitions = list(group_definitions.values())
    out = []
    for gd in group_definitions:
        if isinstance(gd, str):
            if gd not in DEFAULT_GROUP_DEFINITIONS:
                raise ConfigError(
                    f"unknown group definition {gd!r}; expected one of "
                    f"{sorted(DEFAULT_GROUP_DEFINITIONS)} or a GroupDefinition",
                    key="group_definitions",
                )
            gd = DEFAULT_GROUP_DEFINITIONS[gd]
        if not isinstance(gd, GroupDefinition):
            raise ConfigError(f"not a GroupDefinition: {gd!r}", key="group_definitions")
        out.append(gd)
    return out


def wide_counts(
    population: pd.DataFrame,
    variables: Iterable[str],
    areas=None,
    require: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Pivot the canonical long table to one row per ``(city, area_id, period, vintage)``.

    Only areas that report at least one of ``variables`` appear; a variable missing for an
    area becomes ``NaN`` (dropped as suppressed by the indices). With ``require``, a city and
    period is kept only if it reports each required variable for at least one area (a city
    that does not publish a variable at all, or not in that year, gets no row rather than an
    all-suppressed one). With ``areas`` the result is
    a GeoDataFrame with each area's geometry (joined on city, vintage and area id).

    Examples
    --------
    >>> pop = pd.DataFrame({"city": ["x"] * 2, "area_id": ["1"] * 2, "period": ["2015"] * 2,
    ...     "variable": ["u", "lf"], "count": [1.0, 5.0], "vintage": ["v"] * 2})
    >>> wide_counts(pop, ["u", "lf"]).columns.tolist()
    ['city', 'area_id', 'period', 'vintage', 'u', 'lf']
    """
    variables = list(dict.fromkeys(variables))
    need = ["city", "area_id", "period", "variable", "count", "vintage"]
    missing = [c for c in need if c not in population.columns]
    if missing:
        raise DataError(
            f"population table lacks column(s) {missing}; expected the canonical long table {need}",
            column=missing[0],
        )
    sub = population.loc[population["variable"].isin(variables), need]
    keys = ["city", "area_id", "period", "vintage"]
    try:
        wide = sub.set_index([*keys, "variable"])["count"].unstack("variable")
    except ValueError as exc:
        dup = sub[sub.duplicated([*keys, "variable"], keep=False)].iloc[0]
        raise DataError(
            f"duplicate counts for variable {dup['variable']!r} in period {dup['period']} of "
            f"city {dup['city']!r}; expected one count per area, period and variable",
            row=dup["area_id"],
            column="variable",
        ) from exc
    wide = wide.reindex(columns=variables).astype(float)
    wide.columns.name = None
    wide = wide.reset_index()
    if require:
        have = sub.loc[sub["variable"].isin(list(require)), ["city", "period", "variable"]]
        n_req = have.drop_duplicates().groupby(["city", "period"]).size()
        ok = n_req[n_req == len(set(require))].index
        wide = wide[pd.MultiIndex.from_frame(wide[["city", "period"]]).isin(ok)]
        wide = wide.reset_index(drop=True)
    if areas is not None:
        import geopandas as gpd

        geo = areas[["city", "vintage", "area_id", areas.geometry.name]].copy()
        for c in ("city", "vintage", "area_id"):
            geo[c] = geo[c].astype(str)
        wide = wide.merge(geo, on=["city", "vintage", "area_id"], how="left")
        wide = gpd.GeoDataFrame(wide, geometry=areas.geometry.name, crs=areas.crs)
    return wide


def compute_panel(
    population: pd.DataFrame,
    group_definitions,
    areas=None,
    *,
    indices: Sequence[str] | str | None = None,
    by: Sequence[str] = ("city", "period"),
    weights="queen",
    ci: bool = False,
    n_boot: int = 199,
    level: float = 0.95,
    method: str = "multinomial",
    seed: int | None = 0,
    min_areas: int = 2,
    atkinson_b: float = 0.5,
    _replicates: dict | None = None,
) -> pd.DataFrame:
    """Compute every requested index for many cities, periods and group definitions at once.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical long table ``city, area_id, period, variable, count, vintage``.
    group_definitions : mapping, iterable of GroupDefinition, or names
        E.g. ``net.group_definitions`` or ``["unemployment", "low_income"]``. A definition is
        computed for the cities that report its variables.
    areas : geopandas.GeoDataFrame, optional
        Canonical areas; needed for the spatial indices.
    indices : sequence or comma-separated str, optional
        Index names (default: every index the data allow: multigroup ones where a definition
        has ``groups``, spatial ones where ``areas`` are given).
    by : sequence of str
        Keys of one index value (``"city"``, ``"period"``, also ``"vintage"``).
    weights, ci, n_boot, level, method, seed, min_areas, atkinson_b :
        As in :func:`panel_from_wide`.

    Returns
    -------
    pandas.DataFrame
        Tidy panel: the ``by`` keys, ``index``, ``group_definition``, ``value``, optional
        ``ci_low``/``ci_high``, ``p_value`` (Moran's I), ``n_areas``, ``n_dropped``,
        ``n_empty``, ``population``, ``vintage`` (boundary set(s) of the areas: a change
        between periods breaks comparability, e.g. Berlin's LOR reform of 2021), ``status``,
        ``note``.

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> city = grid_city(6, 6, seed=2, periods=["2020", "2021"])
    >>> p = compute_panel(city.population, [city.group_definition], city.areas)
    >>> sorted(p["index"].unique())[:3], len(p)
    (['atkinson', 'correlation_ratio', 'dissimilarity'], 28)
    """
    defs = definitions_from(group_definitions)
    if not defs:
        raise ConfigError("no group definitions given", key="group_definitions")
    present = set(population["variable"].astype(str).unique())
    frames = []
    cache: dict = {}
    for gd in defs:
        if not set(gd.variables) & present:
            raise DataError(
                f"group definition {gd.name!r} needs variables {list(gd.variables)}, none of "
                f"which the population table has; available: {sorted(present)}",
                column="variable",
            )
        wide = wide_counts(population, gd.variables, areas, require=gd.variables)
        if wide.empty:
            continue
        idx = [
            i
            for i in _check_indices(indices)
            if (INDEX_SPECS[i].counts != "partition" or gd.groups)
            and (indices is not None or areas is not None or not INDEX_SPECS[i].spatial)
        ]
        if not idx:
            continue
        part = panel_from_wide(
            wide,
            group=gd.group,
            total=gd.total,
            groups=list(gd.groups) or None,
            by=by,
            indices=idx,
            group_definition=gd.name,
            weights=weights,
            ci=ci,
            n_boot=n_boot,
            level=level,
            method=method,
            seed=seed,
            min_areas=min_areas,
            atkinson_b=atkinson_b,
            source=f"group definition {gd.name!r}",
            _cache=cache,
            _replicates=_replicates,
        )
        keys = [k for k in by if k in wide.columns]
        if "vintage" not in keys and keys:
            vint = (
                wide.assign(**{k: wide[k].astype(str) for k in keys})
                .groupby(keys)["vintage"]
                .agg(lambda v: "+".join(sorted(set(map(str, v)))))
                .reset_index()
            )
            part = part.merge(vint, on=keys, how="left")
        frames.append(part)
    return _finish(frames, list(by), ci)
