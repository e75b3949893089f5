r"""Inference for city-level indices: bootstrap intervals, difference tests, change.

Resampling (``method``):

``"multinomial"`` (default)
    Each area's counts are redrawn from a multinomial with the area's observed total and
    composition (two groups: binomial). This is the sampling variation of the counts given
    the areas, the usual bootstrap for segregation indices (Allen, Burgess, Davidson &
    Windmeijer 2015, *JRSS A* 178(4): 1043-1067; Elbers 2023). Works for spatial indices
    (the areas and their weights stay fixed).
``"areas"``
    Areas are resampled with replacement within each city and period (aspatial indices
    only): the variation from *which* areas make up the city.

Replicates of all cities and periods are stacked into one array (segment ``b * S + s``) and
computed by the same vectorised kernels, so B replicates cost one kernel call on B times the
data, not B x S Python calls.

Intervals are percentile intervals of the replicates. Segregation indices are biased upward
in small areas; the bootstrap shows the bias (``mean(replicates) - value``), it does not
remove it. The difference test for two cities or two periods draws both independently and
reports the percentile interval of the difference and the two-sided bootstrap p-value
:math:`p = 2\min(\Pr^*(d^* \le 0), \Pr^*(d^* \ge 0))` (at least :math:`2/(B+1)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from compare.errors import ConfigError, DataError
from compare.indicators._core import Stacked, stack
from compare.summary import Summary

__all__ = [
    "bootstrap_replicates",
    "percentile_interval",
    "bootstrap_p_value",
    "difference_test",
    "DifferenceResult",
]


def _replicate_stack(s: Stacked, n_boot: int, rng, method: str) -> tuple[Stacked, np.ndarray]:
    """Stack ``n_boot`` resampled copies of ``s``; return it and the row take-index."""
    n = len(s.seg)
    nseg = s.n_segments
    if method == "multinomial":
        take = np.tile(np.arange(n), n_boot)
    elif method == "areas":
        sizes = s.n_areas
        u = rng.random(n * n_boot)
        seg_rep = np.tile(s.seg, n_boot)
        take = s.starts[seg_rep] + np.floor(u * sizes[seg_rep]).astype(np.int64)
    else:
        raise ConfigError(
            f"unknown resampling method {method!r}; expected 'multinomial' or 'areas'",
            key="method",
        )
    seg = np.repeat(np.arange(n_boot), n) * nseg + np.tile(s.seg, n_boot)
    x = t = g = None
    if s.groups is not None:
        g = s.groups[take]
        if method == "multinomial":
            tot = g.sum(axis=1)
            prob = np.clip(g / tot[:, None], 0, None)
            prob /= prob.sum(axis=1, keepdims=True)
            g = rng.multinomial(np.rint(tot).astype(np.int64), prob).astype(float)
    if s.x is not None:
        x, t = s.x[take], s.t[take]
        if method == "multinomial":
            t = np.rint(t)
            x = rng.binomial(t.astype(np.int64), np.clip(x / t, 0, 1)).astype(float)
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    rep = Stacked(
        keys=pd.DataFrame(index=range(nseg * n_boot)),
        starts=starts,
        seg=seg,
        x=x,
        t=t,
        groups=g,
        rows=pd.DataFrame(),
        n_dropped=np.zeros(nseg * n_boot),
        n_empty=np.zeros(nseg * n_boot),
    )
    return rep, take


def bootstrap_replicates(
    s: Stacked,
    kernel: Callable | Mapping[str, Callable],
    *,
    n_boot: int = 199,
    method: str = "multinomial",
    weights: sp.spmatrix | None = None,
    spatial: Iterable[str] = (),
    seed: int | None = 0,
    chunk_rows: int = 2_000_000,
) -> np.ndarray | dict[str, np.ndarray]:
    """Bootstrap replicates of an index for every segment of a stack.

    Parameters
    ----------
    s : Stacked
        Counts of many cities/periods (see :func:`compare.indicators._core.stack`).
    kernel : callable or mapping name -> callable
        Vectorised index kernel(s) ``kernel(stacked[, w]) -> values per segment``. Several
        kernels share the same resampled counts (one draw, many indices).
    n_boot : int
        Number of replicates.
    method : {"multinomial", "areas"}
        Resampling scheme (module docstring); spatial kernels need ``"multinomial"``.
    weights : scipy.sparse matrix, optional
        Block-diagonal weights in stacked order, for spatial kernels (a single kernel with
        ``weights`` is spatial).
    spatial : iterable of str
        Names (in a kernel mapping) of the spatial kernels that receive ``weights``.
    seed : int, optional
    chunk_rows : int
        Replicates are computed in chunks of about this many rows (memory bound).

    Returns
    -------
    numpy.ndarray or dict of numpy.ndarray
        ``(n_boot, n_segments)`` replicate values (one array per kernel name for a mapping).

    Examples
    --------
    >>> from compare.indicators._core import stack
    >>> from compare.indicators.twogroup import TWO_GROUP_INDICES
    >>> df = pd.DataFrame({"x": [10, 30, 50, 5], "t": [100, 100, 100, 100]})
    >>> reps = bootstrap_replicates(stack(df, group="x", total="t"),
    ...                             TWO_GROUP_INDICES["dissimilarity"], n_boot=50)
    >>> reps.shape
    (50, 1)
    """
    if n_boot < 1:
        raise ConfigError(f"n_boot must be >= 1, got {n_boot}", key="n_boot")
    single = callable(kernel)
    kernels = {"_": kernel} if single else dict(kernel)
    spatial = set(kernels) if (single and weights is not None) else set(spatial)
    if spatial and weights is None:
        raise ConfigError(f"spatial kernel(s) {sorted(spatial)} need `weights`", key="weights")
    if spatial and method != "multinomial":
        raise ConfigError("spatial indices can only be bootstrapped with method='multinomial'")
    if s.n_segments == 0:  # nothing usable: no replicates to draw
        empty = {name: np.zeros((n_boot, 0)) for name in kernels}
        return empty["_"] if single else empty
    rng = np.random.default_rng(seed)
    n = max(len(s.seg), 1)
    per_chunk = max(1, min(n_boot, chunk_rows // n))
    out: dict[str, list] = {name: [] for name in kernels}
    done = 0
    while done < n_boot:
        b = min(per_chunk, n_boot - done)
        rep, _ = _replicate_stack(s, b, rng, method)
        wb = sp.block_diag([weights] * b, format="csr") if spatial else None
        with np.errstate(all="ignore"):
            for name, kern in kernels.items():
                vals = kern(rep, wb) if name in spatial else kern(rep)
                out[name].append(np.asarray(vals).reshape(b, s.n_segments))
        done += b
    res = {name: np.vstack(v) for name, v in out.items()}
    return res["_"] if single else res


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple:
    """Percentile interval (per column) of bootstrap replicates, ignoring NaN replicates.

    Examples
    --------
    >>> lo, hi = percentile_interval(np.arange(101.0)[:, None], 0.9)
    >>> round(float(lo[0]), 9), round(float(hi[0]), 9)
    (5.0, 95.0)
    """
    if not 0 < level < 1:
        raise ConfigError(f"level must be in (0, 1), got {level}", key="level")
    a = (1 - level) / 2
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanquantile(replicates, a, axis=0)
            hi = np.nanquantile(replicates, 1 - a, axis=0)
    return lo, hi


def bootstrap_p_value(diff_replicates: np.ndarray) -> np.ndarray:
    r"""Two-sided bootstrap p-value of "difference = 0", per column.

    :math:`p = \min(1, 2\min(\#\{d^* \le 0\}+1, \#\{d^* \ge 0\}+1)/(B+1))`.

    Examples
    --------
    >>> float(bootstrap_p_value(np.ones((99, 1)))[0])
    0.02
    """
    d = np.asarray(diff_replicates)
    b = np.isfinite(d).sum(axis=0)
    le = (d <= 0).sum(axis=0) + 1
    ge = (d >= 0).sum(axis=0) + 1
    return np.minimum(1.0, 2 * np.minimum(le, ge) / (b + 1))


@dataclass
class DifferenceResult:
    """Difference of an index between two cities or two periods, with its bootstrap test."""

    index: str
    value_a: float
    value_b: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    n_boot: int
    level: float
    method: str

    def summary(self) -> Summary:
        """Summary of the test (text with ``print``, HTML in Jupyter).

        Examples
        --------
        >>> r = DifferenceResult("dissimilarity", 0.2, 0.3, 0.1, 0.02, 0.18, 0.01, 199, 0.95, "multinomial")
        >>> print(r.summary().as_text().splitlines()[2])
        A: 0.2000   B: 0.3000   B - A: +0.1000   95% CI: +0.0200 to +0.1800   bootstrap p: 0.0100
        """
        return Summary(
            f"Difference test: {self.index}",
            info=[
                ("A", self.value_a),
                ("B", self.value_b),
                ("B - A", f"{self.difference:+.4f}"),
                (f"{self.level:.0%} CI", f"{self.ci_low:+.4f} to {self.ci_high:+.4f}"),
                ("bootstrap p", self.p_value),
            ],
            notes=[f"{self.n_boot} {self.method} bootstrap replicates"],
        )

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def to_frame(self) -> pd.DataFrame:
        """Tidy one-row table."""
        return pd.DataFrame([self.__dict__])


def difference_test(
    a: pd.DataFrame,
    b: pd.DataFrame,
    index: str,
    *,
    group: str | None = None,
    total: str | None = None,
    groups=None,
    n_boot: int = 999,
    level: float = 0.95,
    method: str = "multinomial",
    seed: int | None = 0,
    atkinson_b: float = 0.5,
) -> DifferenceResult:
    """Test whether an aspatial index differs between two cities or two periods.

    Each input is one city in one period (a wide table: one row per area). Both are
    bootstrapped independently (see module docstring); the result holds the difference
    ``B - A``, its percentile interval and the two-sided bootstrap p-value.

    Parameters
    ----------
    a, b : pandas.DataFrame
        Wide tables of the two cities / periods.
    index : str
        A two-group or multigroup index name (e.g. ``"dissimilarity"``, ``"theil_h"``).
    group, total, groups :
        Count columns, as in :func:`compare.indicators.panel_from_wide`.
    n_boot, level, method, seed :
        Bootstrap settings.

    Returns
    -------
    DifferenceResult

    Examples
    --------
    >>> a = pd.DataFrame({"x": [90, 10, 50, 50], "t": [100] * 4})
    >>> b = pd.DataFrame({"x": [50, 50, 50, 50], "t": [100] * 4})
    >>> r = difference_test(a, b, "dissimilarity", group="x", total="t", n_boot=199)
    >>> r.difference < 0 and r.p_value < 0.05
    True
    """
    from compare.indicators.registry import INDEX_SPECS

    spec = INDEX_SPECS.get(index)
    if spec is None or spec.spatial:
        aspatial = [n for n, sp_ in INDEX_SPECS.items() if not sp_.spatial]
        raise ConfigError(
            f"difference_test supports aspatial indices; {index!r} is not one of {sorted(aspatial)}",
            key="index",
        )
    kern = spec.bind(atkinson_b=atkinson_b)
    kw = {"group": group, "total": total} if spec.counts == "pair" else {"groups": groups}
    values, reps = [], []
    for k, frame in enumerate((a, b)):
        s = stack(frame, source="A" if k == 0 else "B", **kw)
        if s.n_segments == 0 or s.n_areas[0] < 2:
            raise DataError(f"{index}: input {'AB'[k]} has fewer than 2 usable areas")
        values.append(float(kern(s)[0]))
        reps.append(
            bootstrap_replicates(s, kern, n_boot=n_boot, method=method, seed=None)
            if seed is None
            else bootstrap_replicates(s, kern, n_boot=n_boot, method=method, seed=seed + k)
        )
    d = reps[1][:, 0] - reps[0][:, 0]
    lo, hi = percentile_interval(d[:, None], level)
    return DifferenceResult(
        index=index,
        value_a=values[0],
        value_b=values[1],
        difference=values[1] - values[0],
        ci_low=float(lo[0]),
        ci_high=float(hi[0]),
        p_value=float(bootstrap_p_value(d[:, None])[0]),
        n_boot=n_boot,
        level=level,
        method=method,
    )
