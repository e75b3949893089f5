"""Change of every city-level index between periods, with bootstrap intervals and p-values.

Built on :func:`compare.indicators.compute_panel` (its bootstrap replicates of the two periods)
and :mod:`compare.indicators.inference` (intervals, p-values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.indicators.inference import bootstrap_p_value, percentile_interval
from compare.indicators.panel import compute_panel

__all__ = ["index_change"]


def index_change(
    population: pd.DataFrame,
    group_definitions,
    areas=None,
    *,
    indices=None,
    by=("city",),
    pairs="consecutive",
    n_boot: int = 199,
    level: float = 0.95,
    method: str = "multinomial",
    seed: int | None = 0,
    weights="queen",
    min_areas: int = 2,
) -> pd.DataFrame:
    """Change of every index between periods, with bootstrap interval and p-value.

    Parameters
    ----------
    population, group_definitions, areas, indices, weights, min_areas :
        As in :func:`compare.indicators.compute_panel`.
    by : sequence of str
        Keys other than ``period`` (usually ``("city",)``).
    pairs : {"consecutive", "first-last"} or list of (from, to)
        Which period pairs to compare within each city.
    n_boot, level, method, seed :
        Bootstrap settings; the two periods are resampled independently.

    Returns
    -------
    pandas.DataFrame
        ``by`` keys, ``index``, ``group_definition``, ``from_period``, ``to_period``,
        ``value_from``, ``value_to``, ``change`` (to - from), ``ci_low``, ``ci_high``,
        ``p_value``, ``status``, ``note`` (``warning`` with a note when the boundary vintage
        differs between the two periods, e.g. Berlin's LOR reform of 2021).

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(8, 8, periods=["2020", "2021"], trend=0.5, seed=3)
    >>> ch = index_change(c.population, [c.group_definition], indices=["dissimilarity"],
    ...                   n_boot=50)
    >>> ch[["from_period", "to_period"]].iloc[0].tolist()
    ['2020', '2021']
    """
    by = [c for c in by if c != "period"]
    reps: dict = {}
    panel = compute_panel(
        population,
        group_definitions,
        areas,
        indices=indices,
        by=[*by, "period"],
        weights=weights,
        ci=True,
        n_boot=n_boot,
        level=level,
        method=method,
        seed=seed,
        min_areas=min_areas,
        _replicates=reps,
    )
    rows = []
    for (gd, index), (keys, rep) in reps.items():
        sub = panel[(panel["group_definition"] == gd) & (panel["index"] == index)]
        look = sub.set_index([*by, "period"])
        keys = keys.reset_index(drop=True)
        if not by:
            groups = {(): keys.index}
        elif len(by) == 1:
            groups = keys.groupby(by[0], sort=True).groups
        else:
            groups = keys.groupby(by, sort=True).groups
        for gkey, pos in groups.items():
            pos = np.asarray(pos)
            periods = keys.loc[pos, "period"].to_numpy()
            order = np.argsort(periods)
            pos, periods = pos[order], periods[order]
            if pairs == "consecutive":
                plist = list(zip(periods[:-1], periods[1:], strict=True))
            elif pairs == "first-last":
                plist = [(periods[0], periods[-1])] if len(periods) > 1 else []
            else:
                plist = [(str(a), str(b)) for a, b in pairs]
            where = dict(zip(periods, pos, strict=True))
            gkey = gkey if isinstance(gkey, tuple) else (gkey,)
            keyd = dict(zip(by, gkey, strict=True))
            for p0, p1 in plist:
                if p0 not in where or p1 not in where:
                    raise DataError(
                        f"period {p0 if p0 not in where else p1!r} has no {index} value for "
                        f"{keyd or 'the data'}; available periods: {list(periods)}",
                        column="period",
                    )
                d = rep[:, where[p1]] - rep[:, where[p0]]
                lo, hi = percentile_interval(d[:, None], level)
                v0 = look.loc[(*gkey, p0), "value"]
                v1 = look.loc[(*gkey, p1), "value"]
                notes = [
                    f"{p}: {look.loc[(*gkey, p), 'note']}" for p in (p0, p1) if look.loc[(*gkey, p), "note"]
                ]
                if "vintage" in look.columns:
                    a0 = look.loc[(*gkey, p0), "vintage"]
                    a1 = look.loc[(*gkey, p1), "vintage"]
                    if a0 != a1:
                        notes.insert(
                            0,
                            f"area boundaries changed ({a0} -> {a1}): the change mixes real "
                            "change with the new zoning",
                        )
                undefined = bool(np.isnan(v0) or np.isnan(v1))
                rows.append(
                    {
                        **keyd,
                        "index": index,
                        "group_definition": gd,
                        "from_period": p0,
                        "to_period": p1,
                        "value_from": v0,
                        "value_to": v1,
                        "change": v1 - v0,
                        "ci_low": np.nan if undefined else float(lo[0]),
                        "ci_high": np.nan if undefined else float(hi[0]),
                        "p_value": np.nan if undefined else float(bootstrap_p_value(d[:, None])[0]),
                        "status": "undefined" if undefined else ("warning" if notes else "ok"),
                        "note": " | ".join(notes),
                    }
                )
    return pd.DataFrame(rows)
