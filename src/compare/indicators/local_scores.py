r"""Local segregation scores: the part of M each area (or each group) carries.

For the areas :math:`u` of one city and period and the groups :math:`g` of a partition
(Theil 1971; Elbers 2023; R ``segregation``'s ``mutual_local``):

.. math:: L_u = \sum_g p_{g|u} \ln\frac{p_{g|u}}{p_{\cdot g}}, \qquad
          M = \sum_u p_{u\cdot} L_u

:math:`L_u` is the Kullback-Leibler divergence of the area's composition from the city's:
0 when the area looks like the city, large when it is dominated by a group that is rare in
the city. ``of="group"`` gives the group scores :math:`L_g = \sum_u p_{u|g}\ln(p_{u|g}/p_{u\cdot})`
with :math:`M = \sum_g p_{\cdot g} L_g` (how segregated each group is).

Bootstrap intervals (``n_boot > 0``) redraw each area's counts from a multinomial with its
total and composition (the workbench's resampling, :mod:`compare.indicators.inference`); R
resamples individuals over the whole table instead. Local scores rest on few people per area,
so they are biased upward in small areas: ``ls_bias`` (mean of the replicates minus the
estimate) shows by how much; R's debiased value is ``ls - ls_bias``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.indicators._core import Stacked, seg_sum, stack, xlogx_ratio
from compare.model import require_columns

__all__ = ["local_segregation", "local_segregation_network"]


def _long_to_wide(df: pd.DataFrame, unit: str, group: str, weight: str, by: list[str]):
    require_columns(df, [*by, unit, group, weight], what="long-table")
    keys = [*by, unit, group]
    if df.duplicated(keys).any():
        dup = df[df.duplicated(keys)].iloc[0]
        raise DataError(
            f"two counts for {unit} {dup[unit]!r}, group {dup[group]!r}"
            + (f" in {dict(dup[by])}" if by else "")
            + "; expected one row per unit and group",
            row=dup[unit],
            column=group,
        )
    frame = df[keys].astype(str).assign(_n=pd.to_numeric(df[weight], errors="coerce"))
    bad = frame["_n"].isna() & df[weight].notna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"count {df[weight].iloc[i]!r} is not a number", row=df[unit].iloc[i], column=weight)
    wide = frame.set_index(keys)["_n"].unstack(group)
    groups = [str(c) for c in wide.columns]
    # a group missing from an area's rows is a zero count; a NaN count (suppressed) stays NaN
    present = frame.assign(_p=1).set_index(keys)["_p"].unstack(group)
    wide = wide.where(present.notna(), 0.0)
    wide.columns = groups
    return wide.reset_index(), groups


def _scores(s: Stacked):
    g = s.groups
    t = g.sum(axis=1)
    T = seg_sum(t, s.starts)
    Pk = seg_sum(g, s.starts) / T[:, None]
    pik = g / t[:, None]
    ls = xlogx_ratio(pik, Pk[s.seg]).sum(axis=1)
    return ls, t / T[s.seg]


def _group_scores(s: Stacked):
    g = s.groups
    t = g.sum(axis=1)
    T = seg_sum(t, s.starts)
    Gk = seg_sum(g, s.starts)  # group totals per segment
    pug = g / Gk[s.seg]  # p(u | g)
    pu = (t / T[s.seg])[:, None]
    ls = seg_sum(xlogx_ratio(pug, pu), s.starts)  # (segments, K)
    return ls, Gk / T[:, None]


def local_segregation(
    df: pd.DataFrame,
    *,
    unit: str,
    group: str,
    weight: str,
    by: Sequence[str] = (),
    of: str = "unit",
    n_boot: int = 0,
    level: float = 0.95,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Local segregation scores ``ls`` and weights ``p`` with ``sum(p * ls) == M`` (R ``mutual_local``).

    Parameters
    ----------
    df : pandas.DataFrame
        Long table: one row per unit (area), group and ``by`` key, with its count in ``weight``.
        A unit with a suppressed (missing) count is dropped; a unit with no population too.
    unit, group, weight : str
        Column names.
    by : sequence of str
        Keys of separate computations (e.g. ``("city", "period")``).
    of : {"unit", "group"}
        Scores of the units (areas, default) or of the groups.
    n_boot, level, seed :
        Bootstrap replicates (0 = none), interval level and seed.

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``unit`` or ``group`` (named after the input column), ``ls`` (nats),
        ``p``; with ``n_boot``: ``ls_se``, ``ls_ci_low``, ``ls_ci_high``, ``ls_bias``.

    Examples
    --------
    >>> d = pd.DataFrame({"u": list("aabb"), "g": list("xyxy"), "n": [9, 1, 1, 9]})
    >>> loc = local_segregation(d, unit="u", group="g", weight="n")
    >>> loc.round(4).to_dict("records")
    [{'u': 'a', 'ls': 0.3681, 'p': 0.5}, {'u': 'b', 'ls': 0.3681, 'p': 0.5}]
    """
    if of not in ("unit", "group"):
        raise ConfigError(f"`of` must be 'unit' or 'group', got {of!r}", key="of")
    by = list(by)
    wide, groups = _long_to_wide(df, unit, group, weight, by)
    if len(groups) < 2:
        raise DataError(
            f"local segregation needs at least two groups in {group!r}, got {groups}", column=group
        )
    s = stack(wide, groups=groups, by=by, source="local_segregation")
    if s.n_segments == 0:
        raise DataError("no unit with population and complete counts", column=weight)
    rows_unit = wide.iloc[s.rows["_row"].to_numpy()][unit].to_numpy()
    kern = _scores if of == "unit" else _group_scores
    ls, p = kern(s)
    if of == "unit":
        out = s.rows[by].reset_index(drop=True) if by else pd.DataFrame(index=range(len(ls)))
        out[unit] = rows_unit
        out["ls"], out["p"] = ls, p
    else:
        keys = s.keys.loc[np.repeat(np.arange(s.n_segments), len(groups))].reset_index(drop=True)
        out = keys[by] if by else pd.DataFrame(index=range(ls.size))
        out[group] = np.tile(groups, s.n_segments)
        out["ls"], out["p"] = ls.ravel(), p.ravel()
        keep = out["p"].to_numpy() > 0
        out = out[keep].reset_index(drop=True)
    if n_boot > 0:
        from compare.indicators.inference import _replicate_stack

        rng = np.random.default_rng(seed)
        rep, _ = _replicate_stack(s, n_boot, rng, "multinomial")
        with np.errstate(all="ignore"):
            r_ls, _ = kern(rep)
        r_ls = r_ls.reshape(n_boot, -1)
        if of == "group":
            r_ls = r_ls[:, keep]
        a = (1 - level) / 2
        out["ls_se"] = r_ls.std(axis=0, ddof=1)
        out["ls_ci_low"] = np.quantile(r_ls, a, axis=0)
        out["ls_ci_high"] = np.quantile(r_ls, 1 - a, axis=0)
        out["ls_bias"] = r_ls.mean(axis=0) - out["ls"].to_numpy()
    return out


def local_segregation_network(
    population: pd.DataFrame,
    group_definitions,
    *,
    by: Sequence[str] = ("city", "period"),
    n_boot: int = 0,
    level: float = 0.95,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Local segregation scores of every area, per city and period, for each partition of a network.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical long table ``city, area_id, period, variable, count, vintage``.
    group_definitions : mapping, iterable of GroupDefinition, or names
        Definitions with ``groups``; those sharing a partition are computed once (the first
        name is used).
    by : sequence of str
        Keys (``city``, ``period``).
    n_boot, level, seed :
        As in :func:`local_segregation`.

    Returns
    -------
    pandas.DataFrame
        ``group_definition``, ``by`` keys, ``area_id``, ``ls``, ``p`` (and bootstrap columns).

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(4, 4, seed=1)
    >>> loc = local_segregation_network(c.population, [c.group_definition])
    >>> loc.columns.tolist(), len(loc)
    (['group_definition', 'city', 'period', 'area_id', 'ls', 'p'], 16)
    """
    from compare.indicators.panel import definitions_from

    seen: set = set()
    frames = []
    for gd in definitions_from(group_definitions):
        if not gd.groups or tuple(gd.groups) in seen:
            continue
        seen.add(tuple(gd.groups))
        sub = population[population["variable"].isin(list(gd.groups))]
        if sub.empty:
            continue
        loc = local_segregation(
            sub,
            unit="area_id",
            group="variable",
            weight="count",
            by=by,
            n_boot=n_boot,
            level=level,
            seed=seed,
        )
        loc.insert(0, "group_definition", gd.name)
        frames.append(loc)
    if not frames:
        return pd.DataFrame(columns=["group_definition", *by, "area_id", "ls", "p"])
    return pd.concat(frames, ignore_index=True)
