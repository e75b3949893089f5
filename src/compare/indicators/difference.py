r"""Why segregation changed: decompositions of a difference in an index between two tables.

:func:`decompose_change` splits the difference in the mutual information index M between two
periods (or two cities) into the parts due to changed *margins* and due to changed
*structure* (Elbers 2023, *Sociological Methods & Research* 52(1): 5-42; the R package
``segregation``'s ``mutual_difference``, whose statistic names it uses):

``M1``, ``M2``, ``diff = M2 - M1``
    M of the two tables and their difference.
``additions``, ``removals``
    Change due to units (areas) and groups present in only one table:
    ``additions = M2 - M2(common support)``, ``removals = M1(common support) - M1``.
``group_marginal``, ``unit_marginal``, ``structural``
    On the common support, Shapley values (Deutsch, Flückiger & Silber 2009) of three
    factors: the group margin (overall group shares), the unit margin (area sizes) and the
    structure (the association between areas and groups, i.e. everything iterative
    proportional fitting keeps: the odds ratios). With :math:`f(s, u, g)` the M of the table
    with the structure of table *s* fitted by IPF (Deming & Stephan 1940) to the unit margin of
    table *u* and the group margin of table *g* (:math:`s, u, g \in \{1, 2\}`),

    .. math:: \text{structural} = \tfrac13[f(2,1,1)-f(1,1,1)] + \tfrac16[f(2,2,1)-f(1,2,1)]
              + \tfrac16[f(2,1,2)-f(1,1,2)] + \tfrac13[f(2,2,2)-f(1,2,2)]

    and likewise for the two margins. The five components sum to ``diff`` exactly (up to the
    IPF precision); swapping the tables flips every sign; swapping units and groups swaps the
    two marginal terms.

``method="km"`` gives the Karmel & Maclachlan (1988) variant (table 1 adjusted towards table 2
only): ``unit_marginal``, ``group_marginal``, ``interaction``, ``structural``.

:func:`decompose_index_difference` is the simpler two-table split of a difference in a
two-group index (D by default) into a *spatial* (distribution over areas) and a
*composition* (group shares) part, by counterfactual compositions (Rey, Cortes & Knaap,
PySAL ``segregation``'s ``DecomposeSegregation``, ``counterfactual_approach="composition"``).

:func:`decompose_change_network` runs :func:`decompose_change` per city of a network between
the first and the last period of each boundary vintage (never across a boundary change).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError

__all__ = [
    "ipf",
    "mutual_total",
    "decompose_change",
    "decompose_index_difference",
    "decompose_change_network",
    "CHANGE_STATS",
]

#: statistics of :func:`decompose_change` (``method="shapley"``), in output order
CHANGE_STATS = ("M1", "M2", "diff", "additions", "removals", "group_marginal", "unit_marginal", "structural")


def _m_of(table: np.ndarray) -> float:
    """M of a unit x group table of counts (nats)."""
    n = table.sum()
    if n <= 0:
        return float("nan")
    p = table / n
    pu = p.sum(axis=1, keepdims=True)
    pg = p.sum(axis=0, keepdims=True)
    pos = p > 0
    return float((p[pos] * np.log(p[pos] / (pu @ pg)[pos])).sum())


def mutual_total(data: pd.DataFrame, *, unit: str, group: str, weight: str) -> float:
    r"""Mutual information index M of a long table (R ``segregation``'s ``mutual_total``).

    .. math:: M = \sum_u \sum_g p_{ug} \ln\frac{p_{ug}}{p_{u\cdot} p_{\cdot g}}

    Examples
    --------
    >>> df = pd.DataFrame({"u": ["a", "a", "b", "b"], "g": [1, 2, 1, 2], "n": [10, 0, 0, 10]})
    >>> round(mutual_total(df, unit="u", group="g", weight="n"), 6)  # ln 2
    0.693147
    """
    table, _, _ = _table(data, unit, group, weight, "data")
    return _m_of(table)


def _table(data: pd.DataFrame, unit: str, group: str, weight: str, name: str):
    """Validate a long table and pivot it to a unit x group count matrix (zero rows dropped)."""
    for col in (unit, group, weight):
        if col not in data.columns:
            raise DataError(
                f"{name}: column {col!r} not found; expected a long table with columns "
                f"{unit!r} (unit), {group!r} (group), {weight!r} (count); found {list(data.columns)}",
                column=col,
            )
    w = pd.to_numeric(data[weight], errors="coerce")
    bad = w.isna() & data[weight].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{name}: count {data[weight].iloc[i]!r} is not a number", row=data[unit].iloc[i], column=weight
        )
    if (w < 0).any():
        i = int(np.flatnonzero((w < 0).to_numpy())[0])
        raise DataError(f"{name}: count {w.iloc[i]:g} is negative", row=data[unit].iloc[i], column=weight)
    frame = pd.DataFrame({"u": data[unit].astype(str), "g": data[group].astype(str), "n": w})
    if frame.duplicated(["u", "g"]).any():
        dup = frame[frame.duplicated(["u", "g"])].iloc[0]
        raise DataError(
            f"{name}: two counts for unit {dup['u']!r} and group {dup['g']!r}; "
            "expected one row per unit and group",
            row=dup["u"],
            column=group,
        )
    suppressed = frame.loc[frame["n"].isna(), "u"].unique()
    frame = frame[~frame["u"].isin(suppressed)]
    wide = frame.pivot(index="u", columns="g", values="n").fillna(0.0)
    wide = wide.loc[wide.sum(axis=1) > 0, wide.sum(axis=0) > 0]
    if wide.shape[0] < 1 or wide.shape[1] < 1:
        raise DataError(f"{name}: no unit with a positive count", column=weight)
    return wide.to_numpy(dtype=float), list(wide.index), list(wide.columns)


def ipf(
    seed: np.ndarray,
    row_margin: np.ndarray,
    col_margin: np.ndarray,
    *,
    precision: float = 1e-10,
    max_iterations: int = 10_000,
) -> np.ndarray:
    """Iterative proportional fitting of a table to given margins (Deming & Stephan 1940).

    Rows and columns are scaled in turn until every margin is within ``precision`` (as a share
    of the total) of its target; zero cells stay zero, so the table keeps the seed's odds
    ratios (its *structure*). Margins are taken as shares and the result sums to 1.

    Parameters
    ----------
    seed : numpy.ndarray
        ``(U, G)`` table of non-negative counts.
    row_margin, col_margin : numpy.ndarray
        Target unit and group totals (any scale; only their shares matter).
    precision, max_iterations :
        Convergence settings; a table that has not converged raises a warning.

    Returns
    -------
    numpy.ndarray
        The fitted ``(U, G)`` table of joint shares.

    Examples
    --------
    >>> t = ipf(np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([1.0, 1.0]), np.array([3.0, 1.0]))
    >>> np.round(t.sum(axis=0), 6).tolist(), np.round(t.sum(axis=1), 6).tolist()
    ([0.75, 0.25], [0.5, 0.5])
    """
    t = np.asarray(seed, dtype=float) / np.asarray(seed, dtype=float).sum()
    r = np.asarray(row_margin, dtype=float)
    c = np.asarray(col_margin, dtype=float)
    r, c = r / r.sum(), c / c.sum()
    for _ in range(max_iterations):
        rs = t.sum(axis=1)
        t *= np.divide(r, rs, out=np.zeros_like(r), where=rs > 0)[:, None]
        cs = t.sum(axis=0)
        t *= np.divide(c, cs, out=np.zeros_like(c), where=cs > 0)[None, :]
        if max(np.abs(t.sum(axis=1) - r).max(), np.abs(t.sum(axis=0) - c).max()) < precision:
            return t
    warnings.warn(
        f"ipf did not reach precision {precision:g} in {max_iterations} iterations (the zero cells of the "
        "table may not allow the target margins); the decomposition is approximate",
        RuntimeWarning,
        stacklevel=2,
    )
    return t


def _common(t1, u1, g1, t2, u2, g2):
    """Restrict both tables to the units and groups with positive counts in both."""
    units, groups = sorted(set(u1) & set(u2)), sorted(set(g1) & set(g2))
    a = pd.DataFrame(t1, index=u1, columns=g1).reindex(index=units, columns=groups)
    b = pd.DataFrame(t2, index=u2, columns=g2).reindex(index=units, columns=groups)
    while True:
        keep_u = (a.sum(axis=1) > 0) & (b.sum(axis=1) > 0)
        keep_g = (a.sum(axis=0) > 0) & (b.sum(axis=0) > 0)
        if keep_u.all() and keep_g.all():
            break
        a, b = a.loc[keep_u, keep_g], b.loc[keep_u, keep_g]
    return a.to_numpy(), b.to_numpy()


def _shapley(t1, u1, g1, t2, u2, g2, precision) -> dict[str, float]:
    m1, m2 = _m_of(t1), _m_of(t2)
    c1, c2 = _common(t1, u1, g1, t2, u2, g2)
    if c1.size == 0:
        raise DataError("the two tables share no unit and group with a positive count; nothing to compare")
    m1c, m2c = _m_of(c1), _m_of(c2)
    tabs = {1: c1, 2: c2}
    rows = {k: v.sum(axis=1) for k, v in tabs.items()}
    cols = {k: v.sum(axis=0) for k, v in tabs.items()}
    f = {}
    for s in (1, 2):
        for u in (1, 2):
            for g in (1, 2):
                if (s, u, g) in ((1, 1, 1), (2, 2, 2)):
                    f[s, u, g] = m1c if s == 1 else m2c
                else:
                    f[s, u, g] = _m_of(ipf(tabs[s], rows[u], cols[g], precision=precision))

    def shap(pos: int) -> float:
        # Shapley value of factor `pos` (0 structure, 1 unit margin, 2 group margin) among three
        total = 0.0
        others = [i for i in range(3) if i != pos]
        for a in (1, 2):
            for b in (1, 2):
                k = (a == 2) + (b == 2)  # factors already switched to table 2
                wgt = {0: 1 / 3, 1: 1 / 6, 2: 1 / 3}[k]
                lo, hi = [0, 0, 0], [0, 0, 0]
                lo[others[0]] = hi[others[0]] = a
                lo[others[1]] = hi[others[1]] = b
                lo[pos], hi[pos] = 1, 2
                total += wgt * (f[tuple(hi)] - f[tuple(lo)])
        return total

    return {
        "M1": m1,
        "M2": m2,
        "diff": m2 - m1,
        "additions": m2 - m2c,
        "removals": m1c - m1,
        "group_marginal": shap(2),
        "unit_marginal": shap(1),
        "structural": shap(0),
    }


def _km(t1, u1, g1, t2, u2, g2, precision) -> dict[str, float]:
    m1, m2 = _m_of(t1), _m_of(t2)
    c1, c2 = _common(t1, u1, g1, t2, u2, g2)
    if c1.size == 0:
        raise DataError("the two tables share no unit and group with a positive count; nothing to compare")
    m1c, m2c = _m_of(c1), _m_of(c2)
    r1, r2, k1, k2 = c1.sum(axis=1), c2.sum(axis=1), c1.sum(axis=0), c2.sum(axis=0)
    both = _m_of(ipf(c1, r2, k2, precision=precision))
    unit = _m_of(ipf(c1, r2, k1, precision=precision)) - m1c
    grp = _m_of(ipf(c1, r1, k2, precision=precision)) - m1c
    return {
        "M1": m1,
        "M2": m2,
        "diff": m2 - m1,
        "additions": m2 - m2c,
        "removals": m1c - m1,
        "group_marginal": grp,
        "unit_marginal": unit,
        "interaction": both - m1c - unit - grp,
        "structural": m2c - both,
    }


_METHODS = {"shapley": _shapley, "km": _km}


def decompose_change(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    unit: str,
    group: str,
    weight: str,
    method: str = "shapley",
    n_boot: int = 0,
    level: float = 0.95,
    seed: int | None = 0,
    precision: float = 1e-10,
) -> pd.DataFrame:
    """Decompose the difference in M between two long tables (R ``mutual_difference``).

    Parameters
    ----------
    before, after : pandas.DataFrame
        Long tables, one row per unit (area) and group with its count (e.g. the canonical
        population table of one city in one period: ``unit="area_id"``, ``group="variable"``,
        ``weight="count"``, restricted to the variables of one partition). A unit with a
        suppressed (missing) count is dropped.
    unit, group, weight : str
        Column names.
    method : {"shapley", "km"}
        Shapley decomposition (default, symmetric) or Karmel-Maclachlan (module docstring).
    n_boot : int
        With ``n_boot > 0``, both tables are resampled (multinomial with their totals, as R's
        ``se = TRUE``) and the output gains ``se``, ``ci_low``, ``ci_high`` (percentile) and
        ``bias`` (mean of the replicates minus the estimate); ``est`` is then bias-corrected
        (estimate minus bias), as in R.
    level, seed :
        Interval level and random seed of the bootstrap.
    precision : float
        IPF convergence (share of the total).

    Returns
    -------
    pandas.DataFrame
        Columns ``stat``, ``est`` (and the bootstrap columns); rows :data:`CHANGE_STATS`
        (``method="km"``: with ``interaction``). ``diff`` equals the sum of the five components.

    References
    ----------
    Elbers, B. (2023). A method for studying differences in segregation across time and space.
    *Sociological Methods & Research* 52(1), 5-42.

    Examples
    --------
    >>> t1 = pd.DataFrame({"u": list("aabb"), "g": [1, 2, 1, 2], "n": [40, 10, 10, 40]})
    >>> t2 = t1.assign(n=[40, 10, 20, 80])  # area b doubled: margins change, structure not
    >>> d = decompose_change(t1, t2, unit="u", group="g", weight="n").set_index("stat")["est"]
    >>> d[["diff", "unit_marginal", "group_marginal", "structural"]].round(4).tolist()
    [-0.0201, -0.0211, 0.001, 0.0]
    """
    if method not in _METHODS:
        raise ConfigError(f"unknown method {method!r}; expected one of {sorted(_METHODS)}", key="method")
    t1, u1, g1 = _table(before, unit, group, weight, "before")
    t2, u2, g2 = _table(after, unit, group, weight, "after")
    fun = _METHODS[method]
    est = fun(t1, u1, g1, t2, u2, g2, precision)
    out = pd.DataFrame({"stat": list(est), "est": list(est.values())})
    if n_boot <= 0:
        return out
    rng = np.random.default_rng(seed)
    reps = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for _ in range(n_boot):
            b1 = (
                rng.multinomial(int(round(t1.sum())), (t1 / t1.sum()).ravel()).reshape(t1.shape).astype(float)
            )
            b2 = (
                rng.multinomial(int(round(t2.sum())), (t2 / t2.sum()).ravel()).reshape(t2.shape).astype(float)
            )
            r1, r2 = b1.sum(axis=1) > 0, b2.sum(axis=1) > 0
            k1, k2 = b1.sum(axis=0) > 0, b2.sum(axis=0) > 0
            reps.append(
                list(
                    fun(
                        b1[r1][:, k1],
                        [u for u, k in zip(u1, r1, strict=True) if k],
                        [g for g, k in zip(g1, k1, strict=True) if k],
                        b2[r2][:, k2],
                        [u for u, k in zip(u2, r2, strict=True) if k],
                        [g for g, k in zip(g2, k2, strict=True) if k],
                        max(precision, 1e-8),
                    ).values()
                )
            )
    reps = np.array(reps)
    bias = reps.mean(axis=0) - out["est"].to_numpy()
    a = (1 - level) / 2
    out["est"] = out["est"] - bias
    out["se"] = reps.std(axis=0, ddof=1)
    out["ci_low"] = np.quantile(reps, a, axis=0) - bias
    out["ci_high"] = np.quantile(reps, 1 - a, axis=0) - bias
    out["bias"] = bias
    return out


def _counterfactual(p_own: np.ndarray, p_other: np.ndarray) -> np.ndarray:
    """Compositions of the other table at each area's percentile (PySAL ``sim_composition``)."""
    pct = pd.Series(p_own).rank(pct=True).to_numpy()
    return np.quantile(p_other, pct)


def decompose_index_difference(
    a: pd.DataFrame,
    b: pd.DataFrame,
    *,
    group: str,
    total: str,
    index: str = "dissimilarity",
) -> pd.DataFrame:
    r"""Split the difference in a two-group index between two tables into spatial and composition parts.

    Counterfactual approach ``"composition"`` of Rey, Cortes & Knaap (PySAL ``segregation``'s
    ``DecomposeSegregation``): every area of table A keeps its total and takes the group share
    found at its percentile of B's area shares (and vice versa), giving the index of A's areas
    with B's compositions, :math:`I(S_A, C_B)`, and :math:`I(S_B, C_A)`. The Shapley split of
    :math:`\Delta = I_B - I_A` is

    .. math:: \text{spatial} = \tfrac12[I(S_B,C_A) - I(S_A,C_A) + I(S_B,C_B) - I(S_A,C_B)], \quad
              \text{composition} = \Delta - \text{spatial}.

    PySAL reports ``c_s``, ``c_a`` for :math:`I_A - I_B`, i.e. the negatives of ``spatial`` and
    ``composition`` here. Areas with a suppressed count or no population are dropped first (the
    workbench's rule; PySAL keeps empty areas with share 0).

    Parameters
    ----------
    a, b : pandas.DataFrame
        Wide tables (one row per area) of the two cities or periods.
    group, total : str
        Focus-group and total columns.
    index : str
        An aspatial two-group index of :data:`compare.indicators.INDICES`.

    Returns
    -------
    pandas.DataFrame
        ``stat, est`` with rows ``I1``, ``I2``, ``diff`` (``I2 - I1``), ``spatial``,
        ``composition``, ``I1_with_C2``, ``I2_with_C1``.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [10, 20, 60], "t": [100, 100, 100]})
    >>> d = decompose_index_difference(a, a, group="x", total="t").set_index("stat")["est"]
    >>> float(d["diff"]), float(d["spatial"])
    (0.0, 0.0)
    """
    from compare.indicators._core import stack
    from compare.indicators.registry import index_spec

    spec = index_spec(index)
    if spec.counts != "pair" or spec.spatial:
        raise ConfigError(
            f"decompose_index_difference needs an aspatial two-group index, not {index!r}", key="index"
        )
    kern = spec.bind()
    parts = []
    for k, frame in enumerate((a, b)):
        s = stack(frame, group=group, total=total, source="AB"[k])
        if s.n_segments == 0 or s.n_areas[0] < 2:
            raise DataError(f"{index}: table {'AB'[k]} has fewer than 2 usable areas")
        parts.append((s.x, s.t))
    (x1, t1), (x2, t2) = parts
    p1, p2 = x1 / t1, x2 / t2

    def val(x, t):
        s = stack(pd.DataFrame({"x": x, "t": t}), group="x", total="t")
        return float(kern(s)[0])

    i11, i22 = val(x1, t1), val(x2, t2)
    i12 = val(_counterfactual(p1, p2) * t1, t1)  # areas of A, compositions of B
    i21 = val(_counterfactual(p2, p1) * t2, t2)
    spatial = 0.5 * (i21 - i11 + i22 - i12)
    comp = 0.5 * (i12 - i11 + i22 - i21)
    stats = {
        "I1": i11,
        "I2": i22,
        "diff": i22 - i11,
        "spatial": spatial,
        "composition": comp,
        "I1_with_C2": i12,
        "I2_with_C1": i21,
    }
    return pd.DataFrame({"stat": list(stats), "est": list(stats.values())})


def decompose_change_network(
    population: pd.DataFrame,
    group_definitions,
    *,
    by: Sequence[str] = ("city",),
    method: str = "shapley",
) -> pd.DataFrame:
    """:func:`decompose_change` per city and partition, first vs last period of each boundary vintage.

    A city whose areas changed (Berlin's LOR reform of 2021: vintages ``lor-2006`` and
    ``lor-2021``) gets one decomposition per vintage, never one across the change. Group
    definitions sharing a partition (``low_income`` and ``high_income``) share one M; the
    first definition of each partition is used. Partial periods (``2015-H1``) are periods.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical long table ``city, area_id, period, variable, count, vintage``.
    group_definitions : mapping, iterable of GroupDefinition, or names
        Definitions with ``groups`` (partitions); others are skipped.
    by : sequence of str
        Keys other than period and vintage.
    method : {"shapley", "km"}

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``group_definition``, ``groups`` (the partition, ``+``-joined),
        ``vintage``, ``from_period``, ``to_period``, ``n_areas_from``, ``n_areas_to``, ``stat``,
        ``est``.

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(5, 5, periods=["2020", "2021"], seed=1)
    >>> d = decompose_change_network(c.population, [c.group_definition])
    >>> d["stat"].tolist()[:3]
    ['M1', 'M2', 'diff']
    """
    from compare.indicators.panel import definitions_from

    by = list(by)
    need = [*by, "area_id", "period", "variable", "count", "vintage"]
    missing = [c for c in need if c not in population.columns]
    if missing:
        raise DataError(f"population table lacks column(s) {missing}; expected {need}", column=missing[0])
    seen: set = set()
    rows = []
    for gd in definitions_from(group_definitions):
        if not gd.groups or tuple(gd.groups) in seen:
            continue
        seen.add(tuple(gd.groups))
        sub = population[population["variable"].isin(list(gd.groups))]
        for key, part in sub.groupby([*by, "vintage"], sort=True):
            key = key if isinstance(key, tuple) else (key,)
            periods = sorted(part["period"].astype(str).unique())
            # periods reporting every variable of the partition
            full = [
                p for p in periods if part.loc[part["period"] == p, "variable"].nunique() == len(gd.groups)
            ]
            if len(full) < 2:
                continue
            p0, p1 = full[0], full[-1]
            t0 = part[part["period"] == p0]
            t1 = part[part["period"] == p1]
            d = decompose_change(t0, t1, unit="area_id", group="variable", weight="count", method=method)
            base = dict(zip([*by, "vintage"], key, strict=True))
            for stat, est in zip(d["stat"], d["est"], strict=True):
                rows.append(
                    {
                        **{k: base[k] for k in by},
                        "group_definition": gd.name,
                        "groups": "+".join(gd.groups),
                        "vintage": base["vintage"],
                        "from_period": p0,
                        "to_period": p1,
                        "n_areas_from": int(t0["area_id"].nunique()),
                        "n_areas_to": int(t1["area_id"].nunique()),
                        "stat": stat,
                        "est": est,
                    }
                )
    cols = [
        *by,
        "group_definition",
        "groups",
        "vintage",
        "from_period",
        "to_period",
        "n_areas_from",
        "n_areas_to",
    ]
    return pd.DataFrame(rows, columns=[*cols, "stat", "est"])
