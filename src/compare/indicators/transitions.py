r"""Transitions of areas between classes over time: Markov matrices, spatial Markov, summaries.

The classes are the social status classes of :func:`compare.indicators.disadvantage_index`
(``high``, ``medium``, ``low``, ``very low``) or the neighbourhood types of
:func:`compare.indicators.neighbourhood_types`, per area and period. Chains are estimated with
PySAL ``giddy`` (Rey, Kang & Wolf 2016; Rey 2001):

* :func:`transition_matrices`: the counts :math:`n_{ij}` of areas in class :math:`i` in one
  period and class :math:`j` in the next, pooled over the consecutive periods, and the
  maximum-likelihood transition probabilities :math:`p_{ij} = n_{ij} / \sum_j n_{ij}`
  (``giddy.markov.Markov``).
* :func:`spatial_markov`: the same, conditioned on the modal class of the area's neighbours in
  the start period (``giddy.markov.Spatial_Markov(..., discrete=True)``), with the
  Bickenbach & Bode (2003) homogeneity tests (``Q`` chi-square and likelihood ratio ``LR``) of
  "the neighbours' class does not change the transition probabilities".
* :func:`status_change_summary`: per city, which areas stayed disadvantaged, improved or
  declined between the first and the last period.

Only periods with the same boundary vintage are chained (areas must be the same areas), and
only areas classified in every period of the chain (a balanced panel, as giddy requires);
``n_areas`` says how many.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError

__all__ = ["transition_matrices", "spatial_markov", "status_change_summary", "DISADVANTAGED"]

#: status classes counted as disadvantaged in :func:`status_change_summary`
DISADVANTAGED = ("low", "very low")


def _states(values, states):
    if states is not None:
        return list(states)
    vals = [v for v in pd.unique(values) if v not in ("not classified", 0)]
    return sorted(vals)


def _panels(classes, column, by, states, exclude=("not classified", 0)):
    """Yield (key dict, wide frame areas x periods of state codes) per ``by`` key and vintage."""
    need = [*by, "area_id", "period", column]
    missing = [c for c in need if c not in classes.columns]
    if missing:
        raise DataError(
            f"class table lacks column(s) {missing}; expected {need} (+ vintage)", column=missing[0]
        )
    df = classes[~classes[column].isin(list(exclude))].copy()
    if "vintage" not in df.columns:
        df["vintage"] = ""
    df["period"] = df["period"].astype(str)
    states = _states(df[column], states)
    unknown = sorted(set(df[column]) - set(states), key=str)
    if unknown:
        raise DataError(f"class(es) {unknown} not among the states {states}", column=column)
    code = {s: i for i, s in enumerate(states)}
    for key, part in df.groupby([*by, "vintage"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        if part.duplicated(["area_id", "period"]).any():
            dup = part[part.duplicated(["area_id", "period"])].iloc[0]
            raise DataError(
                f"two classes for area {dup['area_id']!r} in period {dup['period']}",
                row=dup["area_id"],
                column=column,
            )
        wide = part.pivot(index="area_id", columns="period", values=column)
        wide = wide.reindex(columns=sorted(wide.columns))
        if wide.shape[1] < 2:
            continue
        wide = wide.dropna()  # balanced panel: classified in every period
        if len(wide) == 0:
            continue
        yield dict(zip([*by, "vintage"], key, strict=True)), wide.map(code.get).astype(int), states


def transition_matrices(
    classes: pd.DataFrame,
    *,
    column: str = "status_class",
    by: Sequence[str] = ("city",),
    states: Sequence | None = None,
) -> pd.DataFrame:
    """Markov transition counts and probabilities of area classes between consecutive periods.

    Parameters
    ----------
    classes : pandas.DataFrame
        One row per area and period: ``by`` keys, ``area_id``, ``period``, ``vintage``,
        ``column``. Rows classed ``"not classified"`` (or type 0) are left out.
    column : str
        Class column (``status_class`` or ``type``).
    by : sequence of str
        Separate chains (``("city",)``).
    states : sequence, optional
        Class order (default: sorted; pass :data:`compare.indicators.local.STATUS_CLASSES`).

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``vintage``, ``from_period``, ``to_period`` (first and last period of the
        chain), ``n_areas``, ``from_state``, ``to_state``, ``count``, ``probability`` (NaN for a
        state never left from).

    Examples
    --------
    >>> c = pd.DataFrame({"city": "c", "area_id": list("abcd") * 2, "period": ["1"] * 4 + ["2"] * 4,
    ...                   "status_class": ["low", "low", "high", "high", "low", "high", "high", "high"]})
    >>> m = transition_matrices(c, states=["high", "low"])
    >>> m.pivot(index="from_state", columns="to_state", values="count").values.tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    with warnings.catch_warnings():  # giddy -> quantecon -> tqdm.auto warns about ipywidgets
        warnings.simplefilter("ignore")
        from compare._jit import import_deferring_jit

        Markov = import_deferring_jit("giddy.markov").Markov

    by = list(by)
    rows = []
    for key, wide, st in _panels(classes, column, by, states):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mk = Markov(wide.to_numpy(), classes=np.arange(len(st)), summary=False)
        counts = np.asarray(mk.transitions, dtype=float)
        with np.errstate(all="ignore"):
            prob = counts / counts.sum(axis=1, keepdims=True)
        for i, a in enumerate(st):
            for j, b in enumerate(st):
                rows.append(
                    {
                        **key,
                        "from_period": wide.columns[0],
                        "to_period": wide.columns[-1],
                        "n_areas": len(wide),
                        "from_state": a,
                        "to_state": b,
                        "count": counts[i, j],
                        "probability": prob[i, j],
                    }
                )
    cols = [
        *by,
        "vintage",
        "from_period",
        "to_period",
        "n_areas",
        "from_state",
        "to_state",
        "count",
        "probability",
    ]
    return pd.DataFrame(rows, columns=cols)


def spatial_markov(
    classes: pd.DataFrame,
    areas,
    *,
    column: str = "status_class",
    by: Sequence[str] = ("city",),
    states: Sequence | None = None,
    weights: str = "queen",
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Transition matrices conditioned on the neighbours' class, and the homogeneity test.

    Parameters
    ----------
    classes : pandas.DataFrame
        As in :func:`transition_matrices`.
    areas : geopandas.GeoDataFrame
        Canonical areas (``city``, ``vintage``, ``area_id``, geometry) for the neighbours.
    column, by, states :
        As in :func:`transition_matrices`.
    weights : {"queen", "rook", "knn:K"}
        Contiguity of the areas (areas without neighbours keep their own class as lag).
    seed : int
        The neighbours' class is their most frequent one; a tie is broken in favour of the
        area's own class and otherwise at random (``libpysal`` ``lag_categorical``,
        ``ties="tryself"``). The seed makes that draw reproducible (numpy's global generator is
        seeded for the call and restored afterwards).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The conditional matrices (``by`` keys, ``vintage``, ``neighbour_state``,
        ``from_state``, ``to_state``, ``count``, ``probability``) and one test row per chain
        (``n_areas``, ``Q``, ``Q_p_value``, ``LR``, ``LR_p_value``, ``dof``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> ar = gpd.GeoDataFrame({"city": "c", "vintage": "v", "area_id": list("abcd")},
    ...     geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs=3035)
    >>> c = pd.DataFrame({"city": "c", "vintage": "v", "area_id": list("abcd") * 3,
    ...     "period": ["1"] * 4 + ["2"] * 4 + ["3"] * 4,
    ...     "status_class": list("lhhh") + list("llhh") + list("lllh")})
    >>> mats, test = spatial_markov(c, ar, states=["h", "l"])
    >>> mats.groupby("neighbour_state")["count"].sum().to_dict()
    {'h': 6.0, 'l': 2.0}
    """
    with warnings.catch_warnings():  # giddy -> quantecon -> tqdm.auto warns about ipywidgets
        warnings.simplefilter("ignore")
        from compare._jit import import_deferring_jit

        Spatial_Markov = import_deferring_jit("giddy.markov").Spatial_Markov

    from compare.indicators.spatial import contiguity_weights

    by = list(by)
    mats, tests = [], []
    for key, wide, st in _panels(classes, column, by, states):
        sel = areas
        for k in [*by, "vintage"]:
            if k in areas.columns:
                sel = sel[sel[k].astype(str) == str(key[k])]
        geo = sel.drop_duplicates("area_id").set_index(sel.drop_duplicates("area_id")["area_id"].astype(str))
        ids = [i for i in wide.index.astype(str) if i in geo.index]
        if len(ids) < 3:
            continue
        wide = wide.loc[[i for i in wide.index if str(i) in set(ids)]]
        w = contiguity_weights(geo.loc[[str(i) for i in wide.index]].geometry, weights)
        from libpysal.weights import WSP

        wsp = WSP(w).to_W(silence_warnings=True)
        y = np.array([[st[c] for c in row] for row in wide.to_numpy()], dtype=object)
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sm = Spatial_Markov(y, wsp, discrete=True, fill_empty_classes=False)
        finally:
            np.random.set_state(state)
        labels = [str(c) for c in sm.classes]  # giddy orders discrete classes by np.unique
        T = np.asarray(sm.T, dtype=float)
        P = np.asarray(sm.P, dtype=float)
        for lag_i, lag in enumerate(labels):
            for i, a in enumerate(labels):
                for j, b in enumerate(labels):
                    mats.append(
                        {
                            **key,
                            "neighbour_state": lag,
                            "from_state": a,
                            "to_state": b,
                            "count": T[lag_i, i, j],
                            "probability": P[lag_i, i, j],
                        }
                    )
        tests.append(
            {
                **key,
                "from_period": wide.columns[0],
                "to_period": wide.columns[-1],
                "n_areas": len(wide),
                "Q": float(sm.Q),
                "Q_p_value": float(sm.Q_p_value),
                "LR": float(sm.LR),
                "LR_p_value": float(sm.LR_p_value),
                "dof": int(sm.dof_hom),
            }
        )
    mcols = [*by, "vintage", "neighbour_state", "from_state", "to_state", "count", "probability"]
    tcols = [
        *by,
        "vintage",
        "from_period",
        "to_period",
        "n_areas",
        "Q",
        "Q_p_value",
        "LR",
        "LR_p_value",
        "dof",
    ]
    return pd.DataFrame(mats, columns=mcols), pd.DataFrame(tests, columns=tcols)


def status_change_summary(
    classes: pd.DataFrame,
    *,
    column: str = "status_class",
    order: Sequence = ("high", "medium", "low", "very low"),
    disadvantaged: Sequence = DISADVANTAGED,
    by: Sequence[str] = ("city",),
) -> pd.DataFrame:
    """Areas that stayed disadvantaged, improved or declined between the first and last period.

    Per ``by`` key and boundary vintage, each area classified in every period of the vintage
    (the balanced panel of the chains) is counted once, comparing its first and last class:
    ``stayed disadvantaged`` (a class in ``disadvantaged`` at both ends), ``improved`` (a
    better class at the end; ``order`` runs from best to worst), ``declined`` (a worse class),
    ``stable`` (same class, not disadvantaged). Improved and declined areas that were or
    became disadvantaged are the ones
    networks ask about: ``left disadvantage`` and ``became disadvantaged`` count them.

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``vintage``, ``from_period``, ``to_period``, ``n_areas``, then counts
        ``stayed disadvantaged``, ``improved``, ``declined``, ``stable``,
        ``left disadvantage``, ``became disadvantaged``.

    Examples
    --------
    >>> c = pd.DataFrame({"city": "c", "area_id": list("abcd") * 2, "period": ["1"] * 4 + ["2"] * 4,
    ...     "status_class": ["low", "very low", "high", "medium", "very low", "medium", "high", "low"]})
    >>> s = status_change_summary(c)
    >>> s[["stayed disadvantaged", "improved", "declined", "stable"]].values.tolist()
    [[1, 1, 2, 1]]
    """
    by = list(by)
    rank = {s: i for i, s in enumerate(order)}
    bad = set(disadvantaged)
    rows = []
    for key, wide, st in _panels(classes, column, by, list(order)):
        first = np.array([st[i] for i in wide.iloc[:, 0]])
        last = np.array([st[i] for i in wide.iloc[:, -1]])
        r0 = np.array([rank[s] for s in first])
        r1 = np.array([rank[s] for s in last])
        b0 = np.isin(first, list(bad))
        b1 = np.isin(last, list(bad))
        rows.append(
            {
                **key,
                "from_period": wide.columns[0],
                "to_period": wide.columns[-1],
                "n_areas": len(wide),
                "stayed disadvantaged": int((b0 & b1).sum()),
                "improved": int((r1 < r0).sum()),
                "declined": int((r1 > r0).sum()),
                "stable": int(((r1 == r0) & ~b0).sum()),
                "left disadvantage": int((b0 & ~b1).sum()),
                "became disadvantaged": int((~b0 & b1).sum()),
            }
        )
    return pd.DataFrame(rows)
