r"""Staggered adoption: Callaway & Sant'Anna (2021) group-time average treatment effects.

For units first treated in period :math:`g` (cohort :math:`g`) and a period :math:`t`, under
unconditional parallel trends

.. math:: ATT(g, t) = E[Y_t - Y_{b} \mid G = g] - E[Y_t - Y_{b} \mid C],

where :math:`C` is the never-treated group (or the not-yet-treated units) and the base period
:math:`b` is :math:`g - 1` for post-treatment cells and :math:`t - 1` for pre-treatment cells
(R ``did``'s default ``base_period = "varying"``). Without covariates R ``did``'s default doubly
robust estimator reduces to exactly this difference of mean changes, so it is implemented here
directly (no extra dependency; the numbers agree with R ``did`` 2.x on ``mpdta``, see the tests).

Inference uses the influence function of each :math:`ATT(g,t)`,
:math:`\psi_i = n[D_i(\Delta Y_i - \bar{\Delta Y}_1)/N_1 - C_i(\Delta Y_i - \bar{\Delta Y}_0)/N_0]`,
with :math:`SE = \sqrt{\sum_i \psi_i^2}/n` (clustered by unit, since each unit is one row).
Aggregations (simple, dynamic/event study, by group) weight cells by cohort size
:math:`P(G = g)` and add the influence function of the estimated weights, as in R ``did``'s
``aggte``. A multiplier bootstrap (Mammen weights) gives the critical value of simultaneous
(uniform) bands.

References
----------
Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time periods.
*Journal of Econometrics* 225(2), 200-230.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from compare.errors import ConfigError, DataError
from compare.evaluation._common import (
    MIN_COMPARISON,
    check_alpha,
    check_design,
    negligible,
    prepare_panel,
    pretrend_caveat,
    warn,
)
from compare.evaluation.results import StaggeredResult, tidy_rows

__all__ = ["CallawaySantAnna", "att_gt"]

_CONTROL_GROUPS = ("never", "notyet")
_BASE_PERIODS = ("varying", "universal")


def _mammen(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    s5 = np.sqrt(5.0)
    p = (s5 + 1) / (2 * s5)
    draw = rng.random(size) < p
    return np.where(draw, (1 - s5) / 2, (1 + s5) / 2)


def _weights_if(cell_groups: np.ndarray, pg: dict, G: np.ndarray) -> np.ndarray:
    """Influence function of the cohort-share weights ``pg[g] / sum(pg)`` (R ``did``'s ``wif``)."""
    pgk = np.array([pg[g] for g in cell_groups])
    s = pgk.sum()
    ind = np.column_stack([(G == g).astype(float) for g in cell_groups]) - pgk
    if1 = ind / s
    if2 = ind.sum(axis=1, keepdims=True) * (pgk / s**2)[None, :]
    return if1 - if2


class CallawaySantAnna:
    """Group-time ATTs and their aggregations for staggered adoption (unconditional PT).

    Parameters
    ----------
    control_group : {"never", "notyet"}, optional
        Never-treated units (R ``did`` default) or never- plus not-yet-treated units.
    base_period : {"varying", "universal"}, optional
        ``"varying"`` (R default): pre-treatment cells compare period ``t`` with ``t - 1``;
        ``"universal"``: every cell is compared with ``g - 1``.
    alpha : float, optional
    n_bootstrap : int, optional
        Multiplier-bootstrap draws for the simultaneous bands (0 to skip).
    random_state : int or numpy.random.Generator, optional
    min_comparison : int, optional
        Fewest comparison units before a warning.
    pretrend_level : float, optional

    Attributes
    ----------
    result_ : StaggeredResult
    att_gt_ : pandas.DataFrame
        Group-time effects (same as ``result_.att_gt``).
    influence_ : numpy.ndarray
        Influence functions, one column per row of ``att_gt_``.

    Examples
    --------
    >>> rows = [(u, t, (1.0 if (g and t >= g) else 0.0) + 0.1 * t + 0.01 * u, g)
    ...         for u, g in enumerate([0, 0, 0, 2, 2, 3, 3]) for t in range(4)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "t", "y", "g"])
    >>> est = CallawaySantAnna(n_bootstrap=0, min_comparison=1).fit(
    ...     panel, outcome="y", unit="unit", time="t", cohort="g")
    >>> round(est.result_.estimate, 6)
    1.0
    """

    def __init__(
        self,
        control_group: str = "never",
        base_period: str = "varying",
        alpha: float = 0.05,
        n_bootstrap: int = 999,
        random_state=None,
        min_comparison: int = MIN_COMPARISON,
        pretrend_level: float = 0.05,
    ):
        self.control_group = control_group
        self.base_period = base_period
        self.alpha = alpha
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state
        self.min_comparison = min_comparison
        self.pretrend_level = pretrend_level

    def fit(
        self,
        data: pd.DataFrame,
        *,
        outcome: str = "value",
        unit: str = "area_id",
        time: str = "period",
        cohort: str = "first_treat",
    ) -> CallawaySantAnna:
        """Estimate every ATT(g,t) and the simple, dynamic and group aggregations.

        Parameters
        ----------
        data : pandas.DataFrame
            Balanced panel, one row per unit and period (units with a missing outcome in some
            period are dropped, with a warning).
        outcome, unit, time : str
        cohort : str
            First treated period of each unit; empty, ``0`` or ``NaN`` for never treated (R
            ``did``'s ``gname`` with 0 for never).

        Returns
        -------
        CallawaySantAnna
            ``self`` with ``result_``, ``att_gt_`` and ``influence_``.
        """
        alpha = check_alpha(self.alpha)
        if self.control_group not in _CONTROL_GROUPS:
            raise ConfigError(
                f"control_group={self.control_group!r}; expected one of {_CONTROL_GROUPS}",
                key="control_group",
            )
        if self.base_period not in _BASE_PERIODS:
            raise ConfigError(
                f"base_period={self.base_period!r}; expected one of {_BASE_PERIODS}",
                key="base_period",
            )
        frame, order = prepare_panel(
            data,
            outcome=outcome,
            unit=unit,
            time=time,
            cohort=cohort,
            what="CallawaySantAnna.fit",
        )
        caveats: list[str] = []
        T = len(order)
        wide = frame.pivot(index="unit", columns="t", values="y").reindex(columns=range(T))
        G_all = frame.groupby("unit")["g"].first().reindex(wide.index)
        incomplete = wide.isna().any(axis=1)
        if incomplete.any():
            warn(
                caveats,
                f"{int(incomplete.sum())} unit(s) lack the outcome in some period and were "
                "dropped to keep the panel balanced.",
            )
            wide, G_all = wide.loc[~incomplete], G_all.loc[~incomplete]
        G = G_all.to_numpy().copy()
        G[G >= T] = -1  # first treated after the last observed period: never treated here
        first_period = G == 0
        if first_period.any():
            warn(
                caveats,
                f"{int(first_period.sum())} unit(s) were already treated in the first period "
                f"({order[0]}) and were dropped: no untreated period to compare with.",
            )
            wide, G = wide.loc[~first_period], G[~first_period]
        Y = wide.to_numpy(dtype=float)
        units = wide.index.to_numpy()
        n = len(units)
        cohorts = sorted(int(g) for g in np.unique(G) if g >= 1)
        if not cohorts:
            raise DataError("CallawaySantAnna.fit: no treated cohort after the first period", column=cohort)
        n_never = int((G == -1).sum())
        if self.control_group == "never" and n_never == 0:
            raise DataError(
                "CallawaySantAnna.fit: no never-treated unit; use control_group='notyet'",
                column=cohort,
            )
        check_design(
            caveats,
            n_comparison=n_never if self.control_group == "never" else n_never + len(cohorts),
            n_pre=min(cohorts),
            min_comparison=self.min_comparison,
            comparison_label="never-treated units",
        )
        pg = {g: float(np.mean(G == g)) for g in cohorts}

        rows, infs = [], []
        for g in cohorts:
            for t in range(1, T):
                if self.base_period == "varying":
                    b = g - 1 if t >= g else t - 1
                else:
                    b = g - 1
                    if t == b:
                        continue
                tr = G == g
                if self.control_group == "never":
                    co = G == -1
                else:
                    co = (G == -1) | ((G > max(t, b)) & (G != g))
                n1, n0 = int(tr.sum()), int(co.sum())
                if n0 == 0:
                    continue
                dy = Y[:, t] - Y[:, b]
                mu1, mu0 = dy[tr].mean(), dy[co].mean()
                psi = n * (tr * (dy - mu1) / n1 - co * (dy - mu0) / n0)
                rows.append((g, t, mu1 - mu0, n1, n0))
                infs.append(psi)
        if not rows:
            raise DataError("CallawaySantAnna.fit: no group-time cell has comparison units", column=cohort)
        inf = np.column_stack(infs)
        cells = pd.DataFrame(rows, columns=["g", "t", "att", "n_treated", "n_control"])
        att = cells["att"].to_numpy()
        se = np.sqrt((inf**2).sum(axis=0)) / n
        z = norm.ppf(1 - alpha / 2)

        crit = float("nan")
        if self.n_bootstrap:
            rng = np.random.default_rng(self.random_state)
            crit = self._uniform_crit(inf, rng, alpha)

        gl, tl = cells["g"].to_numpy(), cells["t"].to_numpy()
        table = pd.DataFrame(
            {
                "group": [order[g] for g in gl],
                "time": [order[t] for t in tl],
                "event_time": tl - gl,
                "post": tl >= gl,
                "att": att,
                "std_error": se,
                "conf_low": att - z * se,
                "conf_high": att + z * se,
                "band_low": att - crit * se,
                "band_high": att + crit * se,
                "n_treated": cells["n_treated"],
                "n_control": cells["n_control"],
            }
        )

        def agg_if(keep: np.ndarray, w: np.ndarray | None = None) -> tuple[float, np.ndarray]:
            groups = gl[keep]
            pgk = np.array([pg[g] for g in groups])
            weights = pgk / pgk.sum() if w is None else w
            est = float(att[keep] @ weights)
            psi = inf[:, keep] @ weights + _weights_if(groups, pg, G) @ att[keep]
            return est, psi

        def se_of(psi: np.ndarray) -> float:
            return float(np.sqrt((psi**2).sum()) / n)

        # simple: all post-treatment cells weighted by cohort size
        simple, simple_psi = agg_if(tl >= gl)
        simple_se = se_of(simple_psi)

        # dynamic: by event time, then the mean over e >= 0
        e_all = tl - gl
        dyn_rows, dyn_psis = [], []
        for e in sorted(np.unique(e_all)):
            est, psi = agg_if(e_all == e)
            dyn_rows.append((int(e), est, se_of(psi)))
            dyn_psis.append(psi)
        dyn_psi = np.column_stack(dyn_psis)
        e_vals = np.array([r[0] for r in dyn_rows])
        post_e = e_vals >= 0
        dyn_avg = float(np.mean([r[1] for r in dyn_rows if r[0] >= 0]))
        dyn_avg_se = se_of(dyn_psi[:, post_e].mean(axis=1))
        dyn_crit = float("nan")
        if self.n_bootstrap:
            dyn_crit = self._uniform_crit(dyn_psi, np.random.default_rng(self.random_state), alpha)
        dynamic = tidy_rows(
            [f"e={r[0]}" for r in dyn_rows] + ["average (e>=0)"],
            [r[1] for r in dyn_rows] + [dyn_avg],
            [r[2] for r in dyn_rows] + [dyn_avg_se],
            alpha,
        )
        dynamic.insert(1, "event_time", [*e_vals.tolist(), np.nan])
        es = dynamic.iloc[:-1][
            ["event_time", "estimate", "std_error", "conf_low", "conf_high", "p_value"]
        ].copy()
        es["event_time"] = es["event_time"].astype(int)
        es["band_low"] = es["estimate"] - dyn_crit * es["std_error"]
        es["band_high"] = es["estimate"] + dyn_crit * es["std_error"]
        n_by_e = cells.assign(e=e_all).groupby("e")["n_treated"].sum()
        es["n_treated"] = es["event_time"].map(n_by_e).astype(int)

        # group: mean over each cohort's post cells, then cohort-size weighted
        grp_est, grp_psi = [], []
        for g in cohorts:
            keep = (gl == g) & (tl >= g)
            k = int(keep.sum())
            grp_est.append(float(att[keep].mean()))
            grp_psi.append(inf[:, keep].mean(axis=1) if k else np.zeros(n))
        grp_est_a, grp_psi_m = np.array(grp_est), np.column_stack(grp_psi)
        pgv = np.array([pg[g] for g in cohorts])
        w_g = pgv / pgv.sum()
        grp_overall = float(grp_est_a @ w_g)
        grp_overall_psi = grp_psi_m @ w_g + _weights_if(np.array(cohorts), pg, G) @ grp_est_a
        group_tab = tidy_rows(
            [f"g={order[g]}" for g in cohorts] + ["average"],
            [*grp_est, grp_overall],
            [se_of(grp_psi_m[:, i]) for i in range(len(cohorts))] + [se_of(grp_overall_psi)],
            alpha,
        )
        simple_tab = tidy_rows(["ATT (simple)"], [simple], [simple_se], alpha)

        # pre-trend: Wald test that all pre-treatment ATT(g,t) are zero
        pretrend: dict[str, float] = {}
        pre = tl < gl
        if self.base_period == "universal":
            pre = pre & (tl != gl - 1)
        if pre.any():
            V = inf[:, pre].T @ inf[:, pre] / n**2
            stat = float(att[pre] @ np.linalg.pinv(V) @ att[pre])
            df = int(np.linalg.matrix_rank(V))
            pretrend = {"statistic": stat, "df": float(df), "p_value": float(chi2.sf(stat, df))}
            if negligible(att[pre], Y):
                pretrend.update(statistic=0.0, p_value=1.0)
            pretrend_caveat(caveats, pretrend["p_value"], self.pretrend_level)

        lo, hi = simple_tab.loc[0, ["conf_low", "conf_high"]]
        params = pd.concat([simple_tab, dynamic.drop(columns="event_time"), group_tab], ignore_index=True)
        self.att_gt_ = table
        self.influence_ = inf
        self.result_ = StaggeredResult(
            method="callaway_santanna",
            estimate=simple,
            std_error=simple_se,
            conf_int=(float(lo), float(hi)),
            alpha=alpha,
            n_obs=int(n * T),
            params=params,
            caveats=caveats,
            info={
                "n_units": n,
                "n_never_treated": n_never,
                "n_cohorts": len(cohorts),
                "n_periods": T,
                "control_group": self.control_group,
                "dynamic_average": dyn_avg,
                "dynamic_average_se": dyn_avg_se,
            },
            att_gt=table,
            aggregations={"simple": simple_tab, "dynamic": dynamic, "group": group_tab},
            event_study=es.reset_index(drop=True),
            pretrend=pretrend,
            crit_value=crit,
        )
        return self

    def _uniform_crit(self, inf: np.ndarray, rng: np.random.Generator, alpha: float) -> float:
        """Critical value of the sup-t band from the multiplier bootstrap (as R ``did``'s mboot)."""
        n = inf.shape[0]
        draws = []
        for start in range(0, self.n_bootstrap, 250):
            b = min(250, self.n_bootstrap - start)
            v = _mammen(rng, (b, n))
            draws.append(v @ inf / np.sqrt(n))  # = sqrt(n) * mean(v * psi)
        bres = np.vstack(draws)
        q75, q25 = np.quantile(bres, [0.75, 0.25], axis=0)
        sigma = (q75 - q25) / (norm.ppf(0.75) - norm.ppf(0.25))
        ok = sigma > np.sqrt(np.finfo(float).eps) * 10
        if not ok.any():
            return float("nan")
        tmax = np.max(np.abs(bres[:, ok] / sigma[ok]), axis=1)
        return float(np.quantile(tmax, 1 - alpha))


def att_gt(data: pd.DataFrame, **kwargs) -> StaggeredResult:
    """Callaway & Sant'Anna group-time ATTs; shortcut for ``CallawaySantAnna(...).fit().result_``.

    Parameters
    ----------
    data : pandas.DataFrame
    **kwargs
        ``control_group, base_period, alpha, n_bootstrap, random_state, min_comparison,
        pretrend_level`` go to :class:`CallawaySantAnna`; ``outcome, unit, time, cohort`` to
        :meth:`CallawaySantAnna.fit`.

    Returns
    -------
    StaggeredResult

    Examples
    --------
    >>> rows = [(u, t, (1.0 if (g and t >= g) else 0.0) + 0.1 * t, g)
    ...         for u, g in enumerate([0, 0, 0, 2, 2, 3, 3]) for t in range(4)]
    >>> panel = pd.DataFrame(rows, columns=["unit", "t", "y", "g"])
    >>> res = att_gt(panel, outcome="y", unit="unit", time="t", cohort="g", n_bootstrap=0,
    ...              min_comparison=1)
    >>> post = res.att_gt[res.att_gt["post"]]
    >>> list(zip(post["group"], post["time"], post["att"].round(6)))
    [(2, 2, 1.0), (2, 3, 1.0), (3, 3, 1.0)]
    """
    init_keys = (
        "control_group",
        "base_period",
        "alpha",
        "n_bootstrap",
        "random_state",
        "min_comparison",
        "pretrend_level",
    )
    init = {k: kwargs.pop(k) for k in init_keys if k in kwargs}
    return CallawaySantAnna(**init).fit(data, **kwargs).result_
