r"""Two-way fixed-effects difference-in-differences and the event study (leads and lags).

TWFE estimates :math:`\delta` in

.. math:: y_{it} = \alpha_i + \lambda_t + \delta D_{it} + u_{it},

and the event study replaces :math:`\delta D_{it}` by one coefficient per period relative to the
start, :math:`\sum_{e \ne -1} \beta_e 1\{t - g_i = e\}` (the period before the start is the
reference). Unit effects are removed by the within-unit transformation (exact for unbalanced
panels by Frisch-Waugh-Lovell), period effects enter as dummies, and standard errors are
clustered by unit with statsmodels' small-sample correction, in which the unit effects, being
nested in the clusters, are not counted (as fixest's default).

The leads :math:`\beta_e, e \le -2` give the pre-trend test: a joint Wald F-test that they are
all zero. With staggered adoption and effects that change over time TWFE is biased
(Goodman-Bacon 2021; Callaway & Sant'Anna 2021): use :mod:`compare.evaluation.staggered`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
from compare.evaluation.did import fit_ols, tidy_model
from compare.evaluation.results import EventStudyResult, TWFEResult

__all__ = ["TWFE", "EventStudy", "twfe", "event_study"]


def _demean(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    means = frame.groupby("unit")[columns].transform("mean")
    return frame[columns] - means


def _time_dummies(frame: pd.DataFrame, order: list) -> pd.DataFrame:
    # drop the first period (absorbed together with the unit effects)
    t_present = sorted(frame["t"].unique())
    return pd.DataFrame({f"period[{order[t]}]": (frame["t"] == t).astype(float) for t in t_present[1:]})


def _design_counts(frame: pd.DataFrame) -> tuple[int, int, int]:
    units = frame.drop_duplicates("unit")
    n_treated = int((units["g"] >= 0).sum())
    n_comp = int((units["g"] < 0).sum())
    treated_starts = units.loc[units["g"] >= 0, "g"]
    first = int(treated_starts.min()) if len(treated_starts) else 0
    n_pre = int(frame.loc[frame["t"] < first, "t"].nunique())
    return n_treated, n_comp, n_pre


class TWFE:
    """Two-way fixed-effects DiD on a unit x period panel, SE clustered by unit.

    Parameters
    ----------
    alpha : float, optional
        Significance level of the intervals.
    min_comparison : int, optional
        Fewest never-treated units before a "comparison group too small" warning.

    Attributes
    ----------
    result_ : TWFEResult
    att_ : float

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame([(u, t, 1.0 * (u < 3 and t >= 2) + rng.normal(0, 0.01))
    ...     for u in range(8) for t in range(4)], columns=["unit", "t", "y"])
    >>> panel["start"] = np.where(panel["unit"] < 3, 2, 0)
    >>> est = TWFE(min_comparison=2).fit(panel, outcome="y", unit="unit", time="t",
    ...                                  cohort="start")
    >>> round(est.att_, 1)
    1.0
    """

    def __init__(self, alpha: float = 0.05, min_comparison: int = MIN_COMPARISON):
        self.alpha = alpha
        self.min_comparison = min_comparison

    def fit(
        self,
        data: pd.DataFrame,
        *,
        outcome: str = "value",
        unit: str = "area_id",
        time: str = "period",
        cohort: str = "first_treat",
    ) -> TWFE:
        r"""Estimate :math:`\delta` from a long panel.

        Parameters
        ----------
        data : pandas.DataFrame
            One row per unit and period.
        outcome, unit, time : str
            Columns of the outcome, the unit id and the period (numbers or sortable labels).
        cohort : str
            First treated period of each unit (same kind as ``time``); missing, ``0`` or ``""``
            for never-treated units. Treatment is :math:`D_{it} = 1\{t \ge g_i\}`.

        Returns
        -------
        TWFE
            ``self`` with ``result_`` and ``att_``.
        """
        alpha = check_alpha(self.alpha)
        frame, order = prepare_panel(
            data, outcome=outcome, unit=unit, time=time, cohort=cohort, what="TWFE.fit"
        )
        caveats: list[str] = []
        n_treated, n_comp, n_pre = _design_counts(frame)
        if n_treated == 0:
            raise DataError("TWFE.fit: no treated unit (every cohort value is empty)", column=cohort)
        check_design(caveats, n_comparison=n_comp, n_pre=n_pre, min_comparison=self.min_comparison)
        if frame.loc[frame["g"] >= 0, "g"].nunique() > 1:
            warn(
                caveats,
                "Treatment starts in different periods in different units (staggered adoption); "
                "TWFE then compares later- with earlier-treated units and is biased when effects "
                "change over time. Prefer the Callaway & Sant'Anna estimator.",
            )
        frame["D"] = ((frame["g"] >= 0) & (frame["t"] >= frame["g"])).astype(float)
        dummies = _time_dummies(frame, order)
        X = pd.concat([frame[["unit", "D"]], dummies], axis=1)
        Xd = _demean(X, ["D", *dummies.columns])
        yd = frame["y"] - frame.groupby("unit")["y"].transform("mean")
        model = fit_ols(yd, Xd, "cluster", frame["unit"].to_numpy())
        params = tidy_model(model, alpha)
        row = params.iloc[0]
        self.result_ = TWFEResult(
            method="twfe",
            estimate=float(row["estimate"]),
            std_error=float(row["std_error"]),
            conf_int=(float(row["conf_low"]), float(row["conf_high"])),
            alpha=alpha,
            n_obs=int(model.nobs),
            params=params,
            caveats=caveats,
            info={
                "n_treated": n_treated,
                "n_comparison": n_comp,
                "n_periods": len(order),
                "n_pre_periods": n_pre,
            },
            model=model,
        )
        self.att_ = self.result_.estimate
        return self


class EventStudy:
    r"""Event-study regression (TWFE with leads and lags) with a joint pre-trend test.

    Parameters
    ----------
    window : tuple of int, optional
        ``(first_lead, last_lag)``, e.g. ``(-4, 3)``: event times outside are binned into the
        end points. Default: every event time observed.
    alpha : float, optional
    min_comparison : int, optional
        Fewest never-treated units before a warning.
    pretrend_level : float, optional
        Level at which a rejected pre-trend test raises the "pre-trends differ" warning.

    Attributes
    ----------
    result_ : EventStudyResult
    coef_ : pandas.Series
        Coefficients by event time (reference ``-1`` included as 0).

    Notes
    -----
    The headline ``estimate`` is the equally weighted mean of the lag coefficients
    (:math:`e \ge 0`) with its standard error from the clustered covariance.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> panel = pd.DataFrame([(u, t, 1.0 * (u < 3 and t >= 2) + rng.normal(0, 0.01))
    ...     for u in range(8) for t in range(4)], columns=["unit", "t", "y"])
    >>> panel["start"] = np.where(panel["unit"] < 3, 2, 0)
    >>> est = EventStudy(min_comparison=2).fit(panel, outcome="y", unit="unit", time="t",
    ...                                        cohort="start")
    >>> est.coef_.round(1).to_dict()
    {-2: 0.0, -1: 0.0, 0: 1.0, 1: 1.0}
    """

    def __init__(
        self,
        window: tuple[int, int] | None = None,
        alpha: float = 0.05,
        min_comparison: int = MIN_COMPARISON,
        pretrend_level: float = 0.05,
    ):
        self.window = window
        self.alpha = alpha
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
    ) -> EventStudy:
        """Estimate the lead and lag coefficients; arguments as in :meth:`TWFE.fit`.

        Returns
        -------
        EventStudy
            ``self`` with ``result_`` and ``coef_``.
        """
        alpha = check_alpha(self.alpha)
        frame, order = prepare_panel(
            data, outcome=outcome, unit=unit, time=time, cohort=cohort, what="EventStudy.fit"
        )
        caveats: list[str] = []
        n_treated, n_comp, n_pre = _design_counts(frame)
        if n_treated == 0:
            raise DataError("EventStudy.fit: no treated unit", column=cohort)
        if n_comp == 0 and frame.loc[frame["g"] >= 0, "g"].nunique() == 1:
            raise DataError(
                "EventStudy.fit: every unit starts treatment in the same period and there is no "
                "never-treated unit; event-time effects cannot be separated from period effects",
                column=cohort,
            )
        check_design(caveats, n_comparison=n_comp, n_pre=n_pre, min_comparison=self.min_comparison)
        treated = frame["g"] >= 0
        e = np.where(treated, frame["t"] - frame["g"], np.nan)
        if self.window is not None:
            lo, hi = self.window
            if not lo <= -1 <= hi or lo == -1:
                raise ConfigError(
                    f"window={self.window!r}; expected (first_lead, last_lag) with first_lead "
                    "<= -2 and last_lag >= -1",
                    key="window",
                )
            e = np.where(treated, np.clip(e, lo, hi), np.nan)
        frame["e"] = e
        event_times = sorted(int(v) for v in np.unique(e[~np.isnan(e)]) if v != -1)
        if -1 not in set(np.unique(e[~np.isnan(e)]).astype(int)):
            raise DataError(
                "EventStudy.fit: no treated unit is observed in the period before its start "
                "(event time -1, the reference)",
                column=time,
            )
        ev = pd.DataFrame(
            {f"e[{k}]": (frame["e"] == k).astype(float) for k in event_times}, index=frame.index
        )
        dummies = _time_dummies(frame, order)
        X = pd.concat([frame[["unit"]], ev, dummies], axis=1)
        cols = [*ev.columns, *dummies.columns]
        Xd = _demean(X, cols)
        yd = frame["y"] - frame.groupby("unit")["y"].transform("mean")
        model = fit_ols(yd, Xd, "cluster", frame["unit"].to_numpy())
        params = tidy_model(model, alpha)

        coef = pd.Series(np.asarray(model.params[: len(event_times)]), index=event_times)
        se = pd.Series(np.asarray(model.bse[: len(event_times)]), index=event_times)
        table = params.iloc[: len(event_times)].copy()
        table.insert(0, "event_time", event_times)
        ref = pd.DataFrame(
            {
                "event_time": [-1],
                "term": ["e[-1] (reference)"],
                "estimate": [0.0],
                "std_error": [0.0],
                "statistic": [np.nan],
                "p_value": [np.nan],
                "conf_low": [0.0],
                "conf_high": [0.0],
            }
        )
        table = pd.concat([table, ref]).sort_values("event_time").reset_index(drop=True)
        n_by_e = frame.loc[treated].groupby("e")["unit"].nunique()
        table["n_treated"] = table["event_time"].map(n_by_e).fillna(0).astype(int)
        table = table[
            ["event_time", "estimate", "std_error", "conf_low", "conf_high", "p_value", "n_treated"]
        ]

        leads = [i for i, k in enumerate(event_times) if k <= -2]
        pretrend: dict[str, float] = {}
        if leads:
            R = np.zeros((len(leads), len(model.params)))
            for r, i in enumerate(leads):
                R[r, i] = 1.0
            if negligible(np.asarray(model.params)[leads], frame["y"].to_numpy()):
                # exactly parallel data: an F statistic would be 0/0 rounding noise
                pretrend = {
                    "statistic": 0.0,
                    "df_num": float(len(leads)),
                    "df_denom": float(model.df_resid),
                    "p_value": 1.0,
                }
            else:
                test = model.f_test(R)
                pretrend = {
                    "statistic": float(np.squeeze(test.fvalue)),
                    "df_num": float(test.df_num),
                    "df_denom": float(test.df_denom),
                    "p_value": float(test.pvalue),
                }
            pretrend_caveat(caveats, pretrend["p_value"], self.pretrend_level)

        lags = [i for i, k in enumerate(event_times) if k >= 0]
        w = np.zeros(len(model.params))
        w[lags] = 1.0 / len(lags)
        avg = model.t_test(w)
        ci = np.asarray(avg.conf_int(alpha=alpha)).ravel()
        self.coef_ = pd.concat([coef, pd.Series({-1: 0.0})]).sort_index()
        self.coef_.index.name = "event_time"
        self.se_ = se
        self.result_ = EventStudyResult(
            method="event_study",
            estimate=float(np.squeeze(avg.effect)),
            std_error=float(np.squeeze(avg.sd)),
            conf_int=(float(ci[0]), float(ci[1])),
            alpha=alpha,
            n_obs=int(model.nobs),
            params=params,
            caveats=caveats,
            info={
                "n_treated": n_treated,
                "n_comparison": n_comp,
                "n_periods": len(order),
                "n_pre_periods": n_pre,
            },
            event_study=table,
            pretrend=pretrend,
            model=model,
        )
        return self


def twfe(data: pd.DataFrame, **kwargs) -> TWFEResult:
    """Two-way fixed-effects DiD; shortcut for ``TWFE(alpha=...).fit(data, ...).result_``.

    Parameters
    ----------
    data : pandas.DataFrame
    **kwargs
        ``alpha`` and ``min_comparison`` go to :class:`TWFE`, the rest (``outcome, unit, time,
        cohort``) to :meth:`TWFE.fit`.

    Returns
    -------
    TWFEResult

    Examples
    --------
    >>> panel = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "t": [0, 1] * 3,
    ...     "y": [1.0, 3.0, 1.0, 1.5, 2.0, 2.5], "start": [1, 1, 0, 0, 0, 0]})
    >>> round(twfe(panel, outcome="y", unit="unit", time="t", cohort="start",
    ...            min_comparison=1).estimate, 2)
    1.5
    """
    init = {k: kwargs.pop(k) for k in ("alpha", "min_comparison") if k in kwargs}
    return TWFE(**init).fit(data, **kwargs).result_


def event_study(data: pd.DataFrame, **kwargs) -> EventStudyResult:
    """Event study with pre-trend test; shortcut for ``EventStudy(...).fit(data, ...).result_``.

    Parameters
    ----------
    data : pandas.DataFrame
    **kwargs
        ``window, alpha, min_comparison, pretrend_level`` go to :class:`EventStudy`, the rest
        to :meth:`EventStudy.fit`.

    Returns
    -------
    EventStudyResult

    Examples
    --------
    >>> panel = pd.DataFrame({"unit": [1] * 3 + [2] * 3 + [3] * 3, "t": [0, 1, 2] * 3,
    ...     "y": [1.0, 1.0, 3.0, 1.0, 1.2, 1.4, 2.0, 2.2, 2.4], "start": [2] * 3 + [0] * 6})
    >>> event_study(panel, outcome="y", unit="unit", time="t", cohort="start",
    ...             min_comparison=1).event_study["estimate"].round(2).tolist()
    [0.2, 0.0, 1.8]
    """
    init = {k: kwargs.pop(k) for k in ("window", "alpha", "min_comparison", "pretrend_level") if k in kwargs}
    return EventStudy(**init).fit(data, **kwargs).result_
