r"""Small-area bias of segregation indices and their value under random allocation.

Segregation indices are biased upward when areas are small: even people allocated to areas at
random give D > 0 and M > 0, because counts vary by chance. Two ways to read an index against
this (Allen, Burgess, Davidson & Windmeijer 2015, *JRSS A* 178(4): 1043-1067; Elbers 2023;
R ``segregation``'s ``mutual_expected`` and ``dissimilarity_expected``):

:func:`bias_corrected_panel`
    Bootstrap bias correction: with :math:`\hat I` the index and :math:`\bar I^*` the mean of
    its multinomial bootstrap replicates (each area's counts redrawn with its total and
    composition), the bias is :math:`\bar I^* - \hat I` and the corrected index
    :math:`\hat I_{bc} = 2\hat I - \bar I^*`. For D this is Allen et al.'s (2015) small-unit
    correction; for M and H it is R ``segregation``'s debiased estimate.
:func:`random_allocation_panel`
    The index expected under random allocation of the same people to the same areas: area
    totals and city-wide group totals are kept, and people are allocated to the places at
    random (multivariate hypergeometric draws). ``expected`` is the mean over the simulations,
    ``expected_high`` its upper percentile: a D of 0.10 on areas of 50 people is read against
    what chance alone gives.

Both return the tidy panel of :func:`compare.indicators.compute_panel` with added columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import ConfigError
from compare.indicators._core import Stacked, stack
from compare.indicators.panel import compute_panel, definitions_from, wide_counts
from compare.indicators.registry import INDEX_SPECS

__all__ = ["bias_corrected_panel", "random_allocation_panel", "random_allocation_replicates"]

#: indices for which the corrections are most often asked (aspatial)
DEFAULT_INDICES = ("dissimilarity", "mutual_information", "theil_h")


def bias_corrected_panel(
    population: pd.DataFrame,
    group_definitions,
    *,
    indices: Sequence[str] = DEFAULT_INDICES,
    by: Sequence[str] = ("city", "period"),
    n_boot: int = 199,
    seed: int | None = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """The panel with bootstrap bias and bias-corrected value of each index.

    Parameters
    ----------
    population, group_definitions, by :
        As in :func:`compare.indicators.compute_panel`.
    indices : sequence of str
        Aspatial indices to correct.
    n_boot, seed, level :
        Bootstrap settings (multinomial resampling of each area's counts).

    Returns
    -------
    pandas.DataFrame
        The panel with ``ci_low``, ``ci_high``, ``bias`` (mean replicate - value) and
        ``value_corrected`` (``2 * value - mean replicate``).

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(6, 6, seed=1, mean_population=40)
    >>> p = bias_corrected_panel(c.population, [c.group_definition], indices=["dissimilarity"], n_boot=50)
    >>> bool((p["bias"] > 0).all() and (p["value_corrected"] < p["value"]).all())
    True
    """
    _check(indices)
    reps: dict = {}
    panel = compute_panel(
        population,
        group_definitions,
        indices=list(indices),
        by=by,
        ci=True,
        n_boot=n_boot,
        seed=seed,
        level=level,
        _replicates=reps,
    )
    by = list(by)
    parts = []
    for (gd, index), (keys, rep) in reps.items():
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(rep, axis=0)
        parts.append(keys.assign(group_definition=gd, index=index, _mean=mean))
    means = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*by, "index", "_mean"])
    out = panel.merge(means, on=[*by, "group_definition", "index"], how="left")
    out["bias"] = out["_mean"] - out["value"]
    out["value_corrected"] = out["value"] - out["bias"]
    return out.drop(columns="_mean")


def _check(indices):
    bad = [i for i in indices if i not in INDEX_SPECS or INDEX_SPECS[i].spatial]
    if bad:
        aspatial = [n for n, s in INDEX_SPECS.items() if not s.spatial]
        raise ConfigError(
            f"index(es) {bad} not supported; expected aspatial indices {aspatial}", key="indices"
        )


def random_allocation_replicates(s: Stacked, n_sim: int, rng: np.random.Generator) -> Stacked:
    """Stack ``n_sim`` random allocations of each segment's people to its areas.

    Each area keeps its (rounded) total; each segment keeps its group totals; group members
    are placed by multivariate hypergeometric draws (sampling people without replacement).
    Replicate ``b`` of segment ``k`` is segment ``b * n_segments + k``.
    """
    n, nseg = len(s.seg), s.n_segments
    bounds = np.append(s.starts, n)
    seg = np.repeat(np.arange(n_sim), n) * nseg + np.tile(s.seg, n_sim)
    if s.groups is not None:
        g = np.rint(s.groups).astype(np.int64)
        t = g.sum(axis=1)
        out = np.empty((n_sim, n, g.shape[1]))
        for k in range(nseg):
            rows = slice(bounds[k], bounds[k + 1])
            gk = g[rows].sum(axis=0)
            for b in range(n_sim):
                cap = t[rows].copy()
                for j in range(g.shape[1] - 1):
                    draw = rng.multivariate_hypergeometric(cap, int(gk[j])) if gk[j] else np.zeros_like(cap)
                    out[b, rows, j] = draw
                    cap = cap - draw
                out[b, rows, -1] = cap
        groups, x, tt = out.reshape(n_sim * n, -1), None, None
    else:
        t = np.rint(s.t).astype(np.int64)
        xs = np.rint(s.x).astype(np.int64)
        out = np.empty((n_sim, n))
        for k in range(nseg):
            rows = slice(bounds[k], bounds[k + 1])
            X = int(xs[rows].sum())
            for b in range(n_sim):
                out[b, rows] = rng.multivariate_hypergeometric(t[rows], X)
        groups, x, tt = None, out.reshape(-1), np.tile(t.astype(float), n_sim)
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    return Stacked(
        keys=pd.DataFrame(index=range(nseg * n_sim)),
        starts=starts,
        seg=seg,
        x=x,
        t=tt,
        groups=groups,
        rows=pd.DataFrame(),
        n_dropped=np.zeros(nseg * n_sim, dtype=int),
        n_empty=np.zeros(nseg * n_sim, dtype=int),
    )


def random_allocation_panel(
    population: pd.DataFrame,
    group_definitions,
    *,
    indices: Sequence[str] = DEFAULT_INDICES,
    by: Sequence[str] = ("city", "period"),
    n_sim: int = 99,
    level: float = 0.95,
    seed: int | None = 0,
) -> pd.DataFrame:
    """The panel with each index's value expected under random allocation of its people.

    Parameters
    ----------
    population, group_definitions, by :
        As in :func:`compare.indicators.compute_panel`.
    indices : sequence of str
        Aspatial indices.
    n_sim : int
        Number of random allocations per city and period.
    level : float
        ``expected_high`` is the ``level`` quantile of the simulated values.
    seed : int, optional

    Returns
    -------
    pandas.DataFrame
        The panel with ``expected`` (mean under random allocation), ``expected_high``,
        ``excess`` (``value - expected``) and ``p_random`` (share of allocations with an index
        at least as high, with the +1 correction).

    Examples
    --------
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(6, 6, seed=1, mean_population=40)
    >>> p = random_allocation_panel(c.population, [c.group_definition], indices=["dissimilarity"], n_sim=20)
    >>> bool((p["expected"] > 0).all() and (p["expected"] < p["value"]).all())
    True
    """
    _check(indices)
    if n_sim < 1:
        raise ConfigError(f"n_sim must be >= 1, got {n_sim}", key="n_sim")
    by = list(by)
    panel = compute_panel(population, group_definitions, indices=list(indices), by=by)
    rng = np.random.default_rng(seed)
    parts = []
    for gd in definitions_from(group_definitions):
        wide = wide_counts(population, gd.variables, require=gd.variables)
        if wide.empty:
            continue
        names = [i for i in indices if INDEX_SPECS[i].counts == "pair" or gd.groups]
        for counts in ("pair", "partition"):
            sel = [i for i in names if INDEX_SPECS[i].counts == counts]
            if not sel:
                continue
            kw = {"group": gd.group, "total": gd.total} if counts == "pair" else {"groups": list(gd.groups)}
            s = stack(wide, by=by, **kw)
            if s.n_segments == 0:
                continue
            rep = random_allocation_replicates(s, n_sim, rng)
            for name in sel:
                with np.errstate(all="ignore"):
                    sims = np.asarray(INDEX_SPECS[name].bind()(rep)).reshape(n_sim, s.n_segments)
                obs = np.asarray(INDEX_SPECS[name].bind()(s))
                with np.errstate(all="ignore"):
                    import warnings

                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        parts.append(
                            s.keys.assign(
                                group_definition=gd.name,
                                index=name,
                                expected=np.nanmean(sims, axis=0),
                                expected_high=np.nanquantile(sims, level, axis=0),
                                p_random=((sims >= obs - 1e-12).sum(axis=0) + 1) / (n_sim + 1),
                            )
                        )
    cols = [*by, "group_definition", "index", "expected", "expected_high", "p_random"]
    sims = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out = panel.merge(sims, on=[*by, "group_definition", "index"], how="left")
    out["excess"] = out["value"] - out["expected"]
    return out
