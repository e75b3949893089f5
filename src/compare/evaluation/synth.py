r"""Synthetic control for a single treated area or city, with placebo-in-space inference.

The synthetic control is a convex combination of donor units, :math:`\hat Y_{1t} = \sum_j w_j
Y_{jt}` with :math:`w_j \ge 0, \sum_j w_j = 1`, chosen so that the donors' predictors match
the treated unit's (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010):

.. math:: w(V) = \arg\min_w (X_1 - X_0 w)' V (X_1 - X_0 w),

with predictors scaled by their standard deviation across units and :math:`V` diagonal. In the
nested optimisation (as R ``Synth``), :math:`V` minimises the pre-period fit of the outcome,
:math:`\lVert Z_1 - Z_0 w(V) \rVert^2 / T_0`, started from equal weights and from
regression-based weights, each refined with Nelder-Mead and then BFGS; the best is kept. The inner
problem is solved exactly as a non-negative least-squares problem with the adding-up constraint
imposed by a heavily weighted extra row (``scipy.optimize.nnls``).

Implemented with scipy rather than a package (``pysyncon`` or ``SyntheticControlMethods``):
the method is short, the nested optimisation is easy to control, and it reproduces R ``Synth``'s
Basque weights (see the tests) without another dependency.

Inference: every donor in turn is treated as if it had been treated (placebo in space); the
p-value is the share of units whose post/pre RMSPE ratio is at least the treated unit's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import minimize, nnls

from compare.errors import ConfigError, DataError
from compare.evaluation._common import (
    MIN_COMPARISON,
    check_alpha,
    check_design,
    numeric_outcome,
    period_order,
    require_columns,
    warn,
)
from compare.evaluation.results import SyntheticControlResult, tidy_rows

__all__ = ["SyntheticControl", "synthetic_control", "simplex_weights"]

_OPS = {"mean": np.nanmean, "median": np.nanmedian}


def simplex_weights(X1: np.ndarray, X0: np.ndarray, v: np.ndarray | None = None) -> np.ndarray:
    """Donor weights minimising ``(X1 - X0 w)' diag(v) (X1 - X0 w)`` on the unit simplex.

    Parameters
    ----------
    X1 : numpy.ndarray
        Predictors of the treated unit, shape ``(k,)``.
    X0 : numpy.ndarray
        Predictors of the donors, shape ``(k, J)``.
    v : numpy.ndarray, optional
        Non-negative predictor weights, shape ``(k,)`` (equal when omitted).

    Returns
    -------
    numpy.ndarray
        Weights, shape ``(J,)``, non-negative and summing to one.

    Examples
    --------
    >>> X0 = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    >>> simplex_weights(np.array([0.25, 0.25]), X0).round(6).tolist()
    [0.5, 0.25, 0.25]
    """
    k, J = X0.shape
    v = np.ones(k) if v is None else np.asarray(v, dtype=float)
    s = np.sqrt(np.clip(v, 0, None))
    A = s[:, None] * X0
    b = s * X1
    big = 1e4 * max(1.0, float(np.abs(A).max()))
    A_aug = np.vstack([A, np.full((1, J), big)])
    b_aug = np.append(b, big)
    w, _ = nnls(A_aug, b_aug, maxiter=50 * J)
    total = w.sum()
    return w / total if total > 0 else np.full(J, 1.0 / J)


def _v_from(x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    s = a.sum()
    return a / s if s > 0 else np.full(len(x), 1.0 / len(x))


class SyntheticControl:
    """Synthetic control estimator (scikit-learn style: ``fit`` returns ``self``).

    Parameters
    ----------
    predictors : sequence of str, optional
        Columns averaged (``predictors_op``) over ``predictor_periods``.
    predictors_op : {"mean", "median"}, optional
    predictor_periods : sequence, optional
        Periods for ``predictors`` (default: every pre-treatment period).
    special_predictors : sequence of (column, periods, op), optional
        Extra predictors with their own periods, as R ``Synth``'s ``special.predictors``.
    optimize_periods : sequence, optional
        Pre-treatment periods whose outcome fit chooses ``V`` (default: all pre-periods).
    v : {"nested", "equal"} or array-like, optional
        How to weight predictors. Default: ``"nested"`` when predictors are given; without
        predictors, the outcome in every pre-period is the predictor set with ``"equal"``
        weights (the weights then minimise the pre-period RMSPE directly).
    placebo : bool, optional
        Run the placebo-in-space analysis.
    alpha : float, optional
    min_comparison : int, optional
        Fewest donors before a warning.
    max_iter : int, optional
        Nelder-Mead iterations per start of the nested V optimisation (R ``optim``'s 500).
    placebo_v : {"refit", "fixed"}, optional
        ``"refit"`` repeats the nested V optimisation for every placebo (Abadie et al. 2010);
        ``"fixed"`` reuses the treated unit's V (one quadratic programme per placebo, much
        faster with many donors).

    Attributes
    ----------
    weights_ : pandas.Series
        Donor weights.
    v_ : pandas.Series
        Predictor weights.
    result_ : SyntheticControlResult

    Examples
    --------
    >>> t = np.arange(10)
    >>> rows = [("a", i, 1.0 + 0.1 * i) for i in t] + [("b", i, 3.0 + 0.3 * i) for i in t]
    >>> rows += [("c", i, 5.0) for i in t] + [("x", i, 2.0 + 0.2 * i + (i >= 7)) for i in t]
    >>> df = pd.DataFrame(rows, columns=["unit", "t", "y"])
    >>> sc = SyntheticControl(placebo=False, min_comparison=2).fit(
    ...     df, treated="x", start=7, outcome="y", unit="unit", time="t")
    >>> sc.weights_.round(3).to_dict()
    {'a': 0.5, 'b': 0.5, 'c': 0.0}
    >>> round(sc.result_.estimate, 3)
    1.0
    """

    def __init__(
        self,
        predictors: Sequence[str] = (),
        predictors_op: str = "mean",
        predictor_periods: Sequence | None = None,
        special_predictors: Sequence[tuple] = (),
        optimize_periods: Sequence | None = None,
        v="auto",
        placebo: bool = True,
        alpha: float = 0.05,
        min_comparison: int = MIN_COMPARISON,
        max_iter: int = 500,
        placebo_v: str = "refit",
    ):
        self.predictors = predictors
        self.predictors_op = predictors_op
        self.predictor_periods = predictor_periods
        self.special_predictors = special_predictors
        self.optimize_periods = optimize_periods
        self.v = v
        self.placebo = placebo
        self.alpha = alpha
        self.min_comparison = min_comparison
        self.max_iter = max_iter
        self.placebo_v = placebo_v

    # -- data preparation -------------------------------------------------------------------
    def _predictor_table(
        self, data: pd.DataFrame, unit: str, time: str, outcome: str, pre: list, units: list
    ) -> pd.DataFrame:
        specs = []
        p_periods = list(self.predictor_periods) if self.predictor_periods is not None else pre
        for col in self.predictors:
            specs.append((col, col, p_periods, self.predictors_op))
        for item in self.special_predictors:
            if len(item) != 3:
                raise ConfigError(
                    f"special predictor {item!r}; expected (column, periods, op)",
                    key="special_predictors",
                )
            col, periods, op = item
            periods = [periods] if np.isscalar(periods) else list(periods)
            label = f"special.{col}.{periods[0]}" + (f"-{periods[-1]}" if len(periods) > 1 else "")
            specs.append((label, col, periods, op))
        if not specs:
            specs = [(f"{outcome}[{p}]", outcome, [p], "mean") for p in pre]
        out = {}
        for label, col, periods, op in specs:
            if op not in _OPS:
                raise ConfigError(f"predictor op {op!r}; expected one of {list(_OPS)}", key="predictors_op")
            require_columns(data, [col], "SyntheticControl.fit")
            sub = data.loc[data[time].isin(periods), [unit, col]].copy()
            sub[col] = numeric_outcome(sub, col, "SyntheticControl.fit")
            with np.errstate(all="ignore"), _quiet():
                vals = sub.groupby(unit)[col].agg(lambda s, f=_OPS[op]: f(s.to_numpy()))
            vals = vals.reindex(units)
            if vals.isna().any():
                bad = vals[vals.isna()].index[0]
                raise DataError(
                    f"predictor {label!r} has no value for unit {bad!r} in periods "
                    f"{periods[:3]}...; expected at least one non-missing value",
                    row=bad,
                    column=col,
                )
            out[label] = vals
        return pd.DataFrame(out).T  # predictors x units

    # -- estimation -------------------------------------------------------------------------
    def _solve(self, X1, X0, Z1, Z0, v_mode):
        """Return (w, v) for one treated unit."""
        k = X0.shape[0]
        both = np.column_stack([X0, X1])
        sd = both.std(axis=1, ddof=1)
        sd[sd == 0] = 1.0
        X0s, X1s = X0 / sd[:, None], X1 / sd
        if isinstance(v_mode, str) and v_mode == "equal":
            v = np.full(k, 1.0 / k)
            return simplex_weights(X1s, X0s, v), v
        if not isinstance(v_mode, str):
            v = _v_from(np.asarray(v_mode, dtype=float))
            if len(v) != k:
                raise ConfigError(f"v has {len(v)} weights; expected {k} (one per predictor)", key="v")
            return simplex_weights(X1s, X0s, v), v

        def loss(x):
            w = simplex_weights(X1s, X0s, _v_from(x))
            r = Z1 - Z0 @ w
            return float(r @ r) / len(r)

        starts = [np.full(k, 1.0 / k)]
        Xt = np.column_stack([np.ones(X0s.shape[1] + 1), np.column_stack([X0s, X1s]).T])
        Zt = np.column_stack([Z0, Z1]).T
        beta, *_ = np.linalg.lstsq(Xt, Zt, rcond=None)
        sv2 = np.diag(beta[1:] @ beta[1:].T)
        if np.all(np.isfinite(sv2)) and sv2.sum() > 0:
            starts.append(sv2 / sv2.sum())
        best_x, best_f = starts[0], loss(starts[0])
        for x0 in starts:
            for method in ("Nelder-Mead", "BFGS"):
                # R optim's defaults: 500 Nelder-Mead iterations, 100 for BFGS
                opts = {"maxiter": self.max_iter} if method == "Nelder-Mead" else {"maxiter": 100}
                res = minimize(loss, x0, method=method, options=opts)
                if res.fun < best_f:
                    best_x, best_f = res.x, float(res.fun)
                x0 = res.x if res.fun <= loss(x0) else x0
        v = _v_from(best_x)
        return simplex_weights(X1s, X0s, v), v

    def fit(
        self,
        data: pd.DataFrame,
        *,
        treated,
        start,
        outcome: str = "value",
        unit: str = "area_id",
        time: str = "period",
        donors: Sequence | None = None,
    ) -> SyntheticControl:
        """Fit the weights for one treated unit and (optionally) the placebos.

        Parameters
        ----------
        data : pandas.DataFrame
            Long table, one row per unit and period, with the outcome and predictor columns.
        treated : object
            Id of the treated unit (value of ``unit``).
        start : object
            First treated period (same kind as ``time``).
        outcome, unit, time : str
        donors : sequence, optional
            Donor pool (default: every other unit with a complete outcome series).

        Returns
        -------
        SyntheticControl
            ``self`` with ``weights_``, ``v_`` and ``result_``.
        """
        alpha = check_alpha(self.alpha)
        require_columns(data, [unit, time, outcome], "SyntheticControl.fit")
        order = period_order(data[time])
        pre = [p for p in order if p < start]
        post = [p for p in order if p >= start]
        if not post:
            raise DataError(f"no period at or after the start {start!r}; last is {order[-1]!r}", column=time)
        if not pre:
            raise DataError(f"no period before the start {start!r}; first is {order[0]!r}", column=time)
        y = data.assign(_y=numeric_outcome(data, outcome, "SyntheticControl.fit"))
        Y = y.pivot_table(index=time, columns=unit, values="_y", aggfunc="first").reindex(order)
        if treated not in Y.columns:
            raise DataError(f"treated unit {treated!r} is not in the data", column=unit)
        if Y[treated].isna().any():
            raise DataError(
                f"treated unit {treated!r} lacks the outcome in "
                f"{list(Y.index[Y[treated].isna()])[:3]}; expected a complete series",
                row=treated,
                column=outcome,
            )
        caveats: list[str] = []
        pool = [u for u in (donors if donors is not None else Y.columns) if u != treated]
        unknown = [u for u in pool if u not in Y.columns]
        if unknown:
            raise DataError(f"donor(s) {unknown[:3]} not in the data", column=unit)
        incomplete = [u for u in pool if Y[u].isna().any()]
        if incomplete:
            warn(
                caveats,
                f"{len(incomplete)} donor(s) with gaps in the outcome series were "
                f"left out of the donor pool ({', '.join(map(str, incomplete[:5]))}).",
            )
            pool = [u for u in pool if u not in incomplete]
        if not pool:
            raise DataError("no donor unit with a complete outcome series", column=unit)
        check_design(
            caveats,
            n_comparison=len(pool),
            n_pre=len(pre),
            min_comparison=self.min_comparison,
            comparison_label="donor units",
        )
        has_predictors = bool(self.predictors) or bool(self.special_predictors)
        v_mode = self.v
        if isinstance(v_mode, str):
            if v_mode == "auto":
                v_mode = "nested" if has_predictors else "equal"
            elif v_mode not in ("nested", "equal"):
                raise ConfigError(f"v={v_mode!r}; expected 'nested', 'equal' or weights", key="v")
        if self.placebo_v not in ("refit", "fixed"):
            raise ConfigError(f"placebo_v={self.placebo_v!r}; expected 'refit' or 'fixed'", key="placebo_v")
        units = [treated, *pool]
        X = self._predictor_table(data, unit, time, outcome, pre, units)
        opt = list(self.optimize_periods) if self.optimize_periods is not None else pre
        Z = Y.loc[opt]

        def run(tr, dn, mode=v_mode):
            w, v = self._solve(
                X[tr].to_numpy(float),
                X[dn].to_numpy(float),
                Z[tr].to_numpy(float),
                Z[dn].to_numpy(float),
                mode,
            )
            synth = Y[dn].to_numpy(float) @ w
            gap = Y[tr].to_numpy(float) - synth
            return w, v, synth, gap

        w, v, synth, gap = run(treated, pool)
        is_post = np.array([p >= start for p in order])
        pre_rmspe = float(np.sqrt(np.mean(gap[~is_post] ** 2)))
        post_rmspe = float(np.sqrt(np.mean(gap[is_post] ** 2)))
        sd_pre = float(np.std(Y.loc[pre, treated].to_numpy(float)))
        if len(pre) >= 2 and sd_pre > 0 and pre_rmspe > 0.5 * sd_pre:
            warn(
                caveats,
                f"The synthetic control fits the pre-period poorly (RMSPE {pre_rmspe:.4g}"
                f" is more than half the treated unit's pre-period standard deviation "
                f"{sd_pre:.4g}); the treated unit may lie outside the donors' range.",
            )
        path = pd.DataFrame(
            {
                "time": order,
                "treated": Y[treated].to_numpy(float),
                "synthetic": synth,
                "gap": gap,
                "post": is_post,
            }
        )
        weights = pd.Series(w, index=pd.Index(pool, name=unit), name="weight")
        v_s = pd.Series(v, index=X.index, name="v")
        predictors = pd.DataFrame(
            {
                "treated": X[treated],
                "synthetic": X[pool].to_numpy() @ w,
                "donor_mean": X[pool].mean(axis=1),
            }
        )

        placebo = stats = None
        p_value = float("nan")
        if self.placebo and len(pool) >= 2:
            gaps = [pd.DataFrame({"unit": treated, "time": order, "gap": gap, "post": is_post})]
            rows = [(treated, pre_rmspe, post_rmspe, True)]
            for j in pool:
                others = [u for u in pool if u != j]
                _, _, _, g_j = run(j, others, v if self.placebo_v == "fixed" else v_mode)
                gaps.append(pd.DataFrame({"unit": j, "time": order, "gap": g_j, "post": is_post}))
                rows.append(
                    (
                        j,
                        float(np.sqrt(np.mean(g_j[~is_post] ** 2))),
                        float(np.sqrt(np.mean(g_j[is_post] ** 2))),
                        False,
                    )
                )
            placebo = pd.concat(gaps, ignore_index=True)
            stats = pd.DataFrame(rows, columns=["unit", "pre_rmspe", "post_rmspe", "is_treated"])
            with np.errstate(divide="ignore"):
                stats["ratio"] = stats["post_rmspe"] / stats["pre_rmspe"]
            ratio = stats.loc[stats["is_treated"], "ratio"].iloc[0]
            p_value = float((stats["ratio"] >= ratio - 1e-12).mean())

        estimate = float(gap[is_post].mean())
        params = tidy_rows([f"gap[{p}]" for p in post], gap[is_post], [np.nan] * len(post), alpha)
        params = pd.concat(
            [tidy_rows(["average post gap"], [estimate], [np.nan], alpha), params],
            ignore_index=True,
        )
        self.weights_ = weights
        self.v_ = v_s
        self.result_ = SyntheticControlResult(
            method="synthetic_control",
            estimate=estimate,
            std_error=float("nan"),
            conf_int=(float("nan"), float("nan")),
            alpha=alpha,
            n_obs=int(Y[[treated, *pool]].notna().sum().sum()),
            params=params,
            caveats=caveats,
            info={
                "treated": treated,
                "n_donors": len(pool),
                "n_pre_periods": len(pre),
                "n_post_periods": len(post),
                "p_value_placebo": p_value,
            },
            weights=weights,
            v=v_s,
            predictors=predictors,
            path=path,
            pre_rmspe=pre_rmspe,
            post_rmspe=post_rmspe,
            placebo=placebo,
            placebo_stats=stats,
            p_value_placebo=p_value,
        )
        return self


class _quiet:
    """Silence numpy's 'mean of empty slice' inside predictor aggregation."""

    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def synthetic_control(data: pd.DataFrame, **kwargs) -> SyntheticControlResult:
    """Synthetic control; shortcut for ``SyntheticControl(...).fit(data, ...).result_``.

    Parameters
    ----------
    data : pandas.DataFrame
    **kwargs
        ``treated, start, outcome, unit, time, donors`` go to :meth:`SyntheticControl.fit`,
        the rest to :class:`SyntheticControl`.

    Returns
    -------
    SyntheticControlResult

    Examples
    --------
    >>> t = np.arange(6)
    >>> rows = [("a", i, float(i)) for i in t] + [("b", i, float(i * i)) for i in t]
    >>> rows += [("c", i, 5.0) for i in t] + [("x", i, i * i + 2.0 * (i >= 4)) for i in t]
    >>> df = pd.DataFrame(rows, columns=["unit", "t", "y"])
    >>> res = synthetic_control(df, treated="x", start=4, outcome="y", unit="unit", time="t",
    ...                         placebo=False, min_comparison=2)
    >>> round(res.estimate, 3), res.weights.round(3).tolist()
    (2.0, [0.0, 1.0, 0.0])
    """
    fit_keys = ("treated", "start", "outcome", "unit", "time", "donors")
    fit = {k: kwargs.pop(k) for k in fit_keys if k in kwargs}
    return SyntheticControl(**kwargs).fit(data, **fit).result_
