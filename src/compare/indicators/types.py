r"""Neighbourhood types: a typology of areas from several indicators, comparable over time.

Areas are clustered (k-means, scikit-learn) on their indicator shares (from
:func:`compare.indicators.local_indicators`), each z-scaled with the mean and standard
deviation *pooled over all periods* of a city (or of the network, ``by=()``), so that a type
means the same in every year and an area changes type only when its own composition changes.
This is geosnap's approach to longitudinal neighbourhood classification (Kang, Rey, Wolf,
Knaap & Han 2020, "Sensitivity to the modifiable areal unit problem in neighborhood change
research", *Environment and Planning B*; geosnap ``cluster(pooling="fixed")``: scaling and
clustering on the pooled area-period rows).

Types are numbered from least to most disadvantaged (by the mean of the signed z-scores of
their members, signs as in :func:`compare.indicators.disadvantage_index`), so type numbers can
be read across cities, and :func:`type_profiles` gives each type's mean share of every
indicator for a legend a network expert can read ("type 3: unemployment 14 %, rented 72 %").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError

__all__ = ["neighbourhood_types", "type_profiles"]


def _weights(local, indicators):
    if indicators is None:
        return dict.fromkeys(local["group_definition"].unique(), 1.0)
    if isinstance(indicators, Mapping):
        return {k: float(v) for k, v in indicators.items()}
    return dict.fromkeys(indicators, 1.0)


def neighbourhood_types(
    local: pd.DataFrame,
    indicators: Sequence[str] | Mapping[str, float] | None = None,
    *,
    n_types: int = 4,
    by: Sequence[str] = ("city",),
    seed: int = 0,
) -> pd.DataFrame:
    """Cluster areas into neighbourhood types with scaling pooled over all periods.

    Parameters
    ----------
    local : pandas.DataFrame
        Output of :func:`compare.indicators.local_indicators` over several periods (``share``
        per area, period and group definition; ``small_area`` and ``suppressed`` flags).
    indicators : sequence or mapping name -> direction, optional
        Group definitions to use (default: all); a negative weight marks an indicator where a
        higher share means less disadvantage (e.g. ``high_income``). Only the sign is used,
        for the ordering of the types.
    n_types : int
        Number of types (k-means clusters).
    by : sequence of str
        Units of separate typologies (``("city",)``; ``()`` = one typology for the network).
    seed : int
        Random state of k-means (10 starts).

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``area_id``, ``period``, ``vintage`` (if present), ``type`` (1 = least
        disadvantaged ... ``n_types``; 0 = not classified), ``type_label``, ``note``.

    Examples
    --------
    >>> loc = pd.DataFrame({"city": "c", "area_id": list("abcdef") * 2,
    ...     "period": ["1"] * 6 + ["2"] * 6, "group_definition": "u",
    ...     "share": [.1, .11, .5, .52, .9, .91, .1, .5, .5, .52, .9, .1],
    ...     "small_area": False, "suppressed": False})
    >>> t = neighbourhood_types(loc, n_types=3)
    >>> t.pivot(index="area_id", columns="period", values="type").loc[["a", "b", "f"]].values.tolist()
    [[1, 1], [1, 2], [3, 1]]
    """
    from sklearn.cluster import KMeans

    for c in ("area_id", "period", "group_definition", "share", *by):
        if c not in local.columns:
            raise DataError(f"column {c!r} missing; expected the output of local_indicators()", column=c)
    if n_types < 2:
        raise ConfigError(f"n_types must be >= 2, got {n_types}", key="n_types")
    by = list(by)
    weights = _weights(local, indicators)
    unknown = [k for k in weights if k not in set(local["group_definition"])]
    if unknown:
        raise ConfigError(
            f"indicator(s) {unknown} not in the local table; "
            f"available: {sorted(local['group_definition'].unique())}",
            key="indicators",
        )
    sub = local[local["group_definition"].isin(list(weights))].copy()
    sub["_bad"] = sub.get("small_area", False) | sub.get("suppressed", False) | sub["share"].isna()
    keys = [*by, "area_id", "period"]
    g = sub.groupby([*keys, "group_definition"], sort=True)
    share = g["share"].first().unstack("group_definition").reindex(columns=list(weights))
    bad = g["_bad"].max().unstack("group_definition").reindex(columns=list(weights)).fillna(True).astype(bool)
    usable = (~bad.any(axis=1) & share.notna().all(axis=1)).to_numpy()
    out = share.index.to_frame(index=False)
    if "vintage" in sub.columns:
        vint = g["vintage"].first().groupby(level=list(range(len(keys)))).first()
        out["vintage"] = vint.reindex(share.index).to_numpy()
    out["type"] = 0
    out["type_label"] = "not classified"
    out["note"] = np.where(
        usable, "", "not classified: an indicator is missing, suppressed or from a small area"
    )
    sign = np.sign(np.array(list(weights.values())))
    groups = out.groupby(by[0] if len(by) == 1 else by).groups if by else {(): out.index}
    for pos in groups.values():
        pos = np.asarray(pos)
        pos = pos[usable[pos]]
        if len(pos) < n_types:
            out.loc[pos, "note"] = f"not classified: fewer usable area-periods ({len(pos)}) than types"
            continue
        X = share.to_numpy(float)[pos]
        mean, sd = X.mean(axis=0), X.std(axis=0, ddof=0)
        Z = np.divide(X - mean, sd, out=np.zeros_like(X), where=sd > 0)
        km = KMeans(n_clusters=n_types, n_init=10, random_state=seed).fit(Z)
        score = (km.cluster_centers_ * sign).mean(axis=1)
        rank = np.empty(n_types, dtype=int)
        rank[np.argsort(score, kind="stable")] = np.arange(1, n_types + 1)
        t = rank[km.labels_]
        out.loc[pos, "type"] = t
        out.loc[pos, "type_label"] = [f"type {k}" for k in t]
    out["type"] = out["type"].astype(int)
    return out


def type_profiles(types: pd.DataFrame, local: pd.DataFrame, *, by: Sequence[str] = ("city",)) -> pd.DataFrame:
    """Mean share of every indicator and number of area-periods per neighbourhood type.

    Examples
    --------
    >>> loc = pd.DataFrame({"city": "c", "area_id": list("abcd"), "period": "1",
    ...     "group_definition": "u", "share": [.1, .12, .8, .82], "small_area": False,
    ...     "suppressed": False})
    >>> type_profiles(neighbourhood_types(loc, n_types=2), loc)[["type", "n", "u"]].to_dict("records")
    [{'type': 1, 'n': 2, 'u': 0.11}, {'type': 2, 'n': 2, 'u': 0.81}]
    """
    by = list(by)
    keys = [*by, "area_id", "period"]
    t = types[types["type"] > 0][[*keys, "type"]]
    if t.empty:  # no area could be typed (e.g. every indicator unpublished): an empty table, not an error
        return pd.DataFrame(columns=[*by, "type", "n"])
    lk = local.assign(period=local["period"].astype(str))
    m = lk.merge(t.assign(period=t["period"].astype(str)), on=keys, how="inner")
    prof = m.pivot_table(index=[*by, "type"], columns="group_definition", values="share", aggfunc="mean")
    prof.columns.name = None
    n = t.groupby([*by, "type"]).size().rename("n")
    out = pd.concat([n, prof], axis=1).reset_index()
    out["n"] = out["n"].fillna(0).astype(int)
    return out
