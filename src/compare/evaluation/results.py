"""Results objects of the evaluation estimators (statsmodels-like: ``summary()`` and a tidy table).

Every result carries the headline ``estimate``, its ``std_error`` and ``conf_int``, a tidy
parameter table (:meth:`EvaluationResult.to_frame`) and ``caveats``: sentences a report can print
as they are (small comparison group, short pre-period, diverging pre-trends, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from compare.evaluation._common import EvaluationWarning
from compare.summary import Summary

__all__ = [
    "EvaluationWarning",
    "EvaluationResult",
    "DiDResult",
    "TWFEResult",
    "EventStudyResult",
    "StaggeredResult",
    "SyntheticControlResult",
    "ActionEvaluation",
    "TIDY_COLUMNS",
]

#: Columns of every tidy parameter table.
TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]


def tidy_rows(terms, estimates, std_errors, alpha: float, crit: float | None = None) -> pd.DataFrame:
    """Build a tidy table with normal-approximation tests and intervals.

    ``crit`` replaces the pointwise critical value ``z(1 - alpha/2)`` (e.g. a uniform band's).
    """
    est = np.asarray(estimates, dtype=float)
    se = np.asarray(std_errors, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = est / se
    p = 2 * norm.sf(np.abs(stat))
    z = norm.ppf(1 - alpha / 2) if crit is None else crit
    return pd.DataFrame(
        {
            "term": list(terms),
            "estimate": est,
            "std_error": se,
            "statistic": stat,
            "p_value": p,
            "conf_low": est - z * se,
            "conf_high": est + z * se,
        }
    )


def _fmt(x: float, digits: int = 4) -> str:
    return "nan" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


@dataclass(kw_only=True)
class EvaluationResult:
    """Common part of every evaluation result.

    Attributes
    ----------
    method : str
        Short name of the estimator (``"did_2x2"``, ``"twfe"``, ``"event_study"``,
        ``"callaway_santanna"``, ``"synthetic_control"``).
    estimate, std_error : float
        Headline effect (average treatment effect on the treated) and its standard error
        (``nan`` where the method gives none, e.g. synthetic control).
    conf_int : tuple of float
        ``(low, high)`` at level ``1 - alpha``.
    alpha : float
    n_obs : int
        Observations used (rows of the estimation sample).
    params : pandas.DataFrame
        Tidy table with :data:`TIDY_COLUMNS`.
    caveats : list of str
        Sentences describing threats to the design; each was also emitted as an
        :class:`EvaluationWarning`.
    info : dict
        Further descriptive figures (numbers of treated and comparison units, periods).
    """

    method: str
    estimate: float
    std_error: float
    conf_int: tuple[float, float]
    alpha: float
    n_obs: int
    params: pd.DataFrame
    caveats: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def p_value(self) -> float:
        """Two-sided normal p-value of the headline estimate (``nan`` without a standard error)."""
        if not np.isfinite(self.std_error) or self.std_error == 0:
            return float("nan")
        return float(2 * norm.sf(abs(self.estimate / self.std_error)))

    def to_frame(self) -> pd.DataFrame:
        """Tidy parameter table (one row per term, :data:`TIDY_COLUMNS`)."""
        return self.params.copy()

    def _title(self) -> str:
        return self.method

    def _extra_sections(self) -> list[str]:
        return []

    def summary(self) -> Summary:
        """Summary: headline effect, parameter table, further tables, caveats (as notes).

        Prints as text (``print(res.summary())``) and displays as HTML in Jupyter.
        """
        lo, hi = self.conf_int
        info = [
            ("Estimate (ATT)", _fmt(self.estimate)),
            ("SE", _fmt(self.std_error)),
            (f"{100 * (1 - self.alpha):.0f}% CI", f"[{_fmt(lo)}, {_fmt(hi)}]"),
            ("p", _fmt(self.p_value, 3)),
            ("Observations", self.n_obs),
        ] + [(str(k), v) for k, v in self.info.items() if np.isscalar(v)]
        tables = [("Parameters", self.params)] + [("", s) for s in self._extra_sections()]
        return Summary(self._title(), tables, [f"Caveat: {c}" for c in self.caveats], info=info)

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __str__(self) -> str:
        return self.summary().as_text()

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.method}: estimate={_fmt(self.estimate)}, "
            f"se={_fmt(self.std_error)}, n_obs={self.n_obs}, caveats={len(self.caveats)}>"
        )


@dataclass(kw_only=True, repr=False)
class DiDResult(EvaluationResult):
    """Two-group, two-period difference-in-differences.

    Attributes
    ----------
    means : pandas.DataFrame
        The 2x2 table of means: rows ``treated``, ``comparison``, ``difference``; columns
        ``pre``, ``post``, ``change``. ``means.loc["difference", "change"]`` is the
        difference-in-differences of raw means.
    counts : pandas.DataFrame
        Number of non-missing observations behind each mean.
    model : statsmodels RegressionResults
        The regression ``y ~ treated + post + treated:post (+ covariates)``.
    """

    means: pd.DataFrame
    counts: pd.DataFrame
    model: Any = None

    def _title(self) -> str:
        return "Difference-in-differences (2 groups x 2 periods)"

    def _extra_sections(self) -> list[str]:
        return [
            "Table of means:\n" + self.means.to_string(float_format=lambda v: f"{v:.4f}"),
            "Observations per cell:\n" + self.counts.to_string(),
        ]


@dataclass(kw_only=True, repr=False)
class TWFEResult(EvaluationResult):
    """Two-way fixed-effects difference-in-differences with cluster-robust standard errors.

    Attributes
    ----------
    model : statsmodels RegressionResults
        OLS on the within-unit transformed data with period dummies.
    """

    model: Any = None

    def _title(self) -> str:
        return "Two-way fixed-effects DiD (unit and period effects, SE clustered by unit)"


@dataclass(kw_only=True, repr=False)
class EventStudyResult(EvaluationResult):
    """Event study (leads and lags of treatment) with a joint pre-trend test.

    Attributes
    ----------
    event_study : pandas.DataFrame
        One row per event time ``e`` (periods since start; ``-1`` is the reference and is 0 by
        construction) with ``estimate, std_error, conf_low, conf_high, n_treated``.
    pretrend : dict
        Joint Wald test that all leads (``e <= -2``) are zero: ``statistic`` (F), ``df_num``,
        ``df_denom``, ``p_value``; empty when there is no lead to test.
    model : statsmodels RegressionResults
    """

    event_study: pd.DataFrame
    pretrend: dict[str, float] = field(default_factory=dict)
    model: Any = None

    def _title(self) -> str:
        return "Event study (TWFE leads and lags, SE clustered by unit)"

    def _extra_sections(self) -> list[str]:
        out = []
        if self.pretrend:
            pt = self.pretrend
            out.append(
                f"Pre-trend test (all leads = 0): F({pt['df_num']:.0f}, {pt['df_denom']:.0f}) = "
                f"{pt['statistic']:.3f}, p = {pt['p_value']:.3f}"
            )
        return out


@dataclass(kw_only=True, repr=False)
class StaggeredResult(EvaluationResult):
    """Callaway & Sant'Anna (2021) group-time average treatment effects and aggregations.

    Attributes
    ----------
    att_gt : pandas.DataFrame
        One row per (``group``, ``time``) with ``att, std_error, conf_low, conf_high``
        (pointwise) and ``band_low, band_high`` (simultaneous band from the multiplier
        bootstrap, when computed), ``post`` and ``event_time``.
    aggregations : dict of str to pandas.DataFrame
        ``"simple"``, ``"dynamic"`` (event study), ``"group"``: tidy tables.
    event_study : pandas.DataFrame
        The dynamic aggregation with columns ``event_time, estimate, std_error, conf_low,
        conf_high`` (same layout as :class:`EventStudyResult`).
    pretrend : dict
        Joint Wald (chi-squared) test that all pre-treatment ATT(g,t) are zero.
    crit_value : float
        Critical value of the simultaneous band over ATT(g,t) (``nan`` without bootstrap).
    """

    att_gt: pd.DataFrame
    aggregations: dict[str, pd.DataFrame]
    event_study: pd.DataFrame
    pretrend: dict[str, float] = field(default_factory=dict)
    crit_value: float = float("nan")

    def _title(self) -> str:
        return "Staggered adoption: Callaway & Sant'Anna (2021) group-time ATTs"

    def _extra_sections(self) -> list[str]:
        out = [
            "Group-time ATT(g,t):\n" + self.att_gt.to_string(index=False, float_format=lambda v: f"{v:.4f}")
        ]
        if self.pretrend:
            pt = self.pretrend
            out.append(
                f"Pre-trend test (pre-treatment ATT(g,t) = 0): chi2({pt['df']:.0f}) = "
                f"{pt['statistic']:.3f}, p = {pt['p_value']:.3f}"
            )
        return out


@dataclass(kw_only=True, repr=False)
class SyntheticControlResult(EvaluationResult):
    """Synthetic control for one treated unit, with placebo-in-space inference.

    Attributes
    ----------
    weights : pandas.Series
        Donor weights (non-negative, summing to one), indexed by donor unit.
    v : pandas.Series
        Predictor importance weights (diagonal of V, summing to one).
    predictors : pandas.DataFrame
        Predictor values of the treated unit, its synthetic control and the donor mean.
    path : pandas.DataFrame
        One row per period: ``time, treated, synthetic, gap, post``.
    pre_rmspe, post_rmspe : float
        Root mean squared gap before and after the treatment start.
    placebo : pandas.DataFrame or None
        Long table ``unit, time, gap, post`` of the in-space placebos (each donor treated as
        if it had been treated), and the treated unit itself.
    placebo_stats : pandas.DataFrame or None
        One row per unit: ``pre_rmspe, post_rmspe, ratio, is_treated``.
    p_value_placebo : float
        Share of units (treated included) whose post/pre RMSPE ratio is at least the treated
        unit's (Abadie, Diamond & Hainmueller 2010).
    """

    weights: pd.Series
    v: pd.Series
    predictors: pd.DataFrame
    path: pd.DataFrame
    pre_rmspe: float
    post_rmspe: float
    placebo: pd.DataFrame | None = None
    placebo_stats: pd.DataFrame | None = None
    p_value_placebo: float = float("nan")

    @property
    def p_value(self) -> float:
        """Placebo-in-space p-value (``nan`` when placebos were not run)."""
        return self.p_value_placebo

    def _title(self) -> str:
        return "Synthetic control (Abadie, Diamond & Hainmueller)"

    def _extra_sections(self) -> list[str]:
        w = self.weights[self.weights > 1e-4].sort_values(ascending=False)
        out = [
            "Donor weights (> 0.0001):\n" + w.to_string(float_format=lambda v: f"{v:.4f}"),
            "Predictor balance:\n" + self.predictors.to_string(float_format=lambda v: f"{v:.4f}"),
            f"Pre-period RMSPE: {_fmt(self.pre_rmspe)}   post-period RMSPE: {_fmt(self.post_rmspe)}",
        ]
        return out


@dataclass(kw_only=True, repr=False)
class ActionEvaluation(EvaluationResult):
    """Evaluation of one local action (or a set of actions) on one outcome.

    Attributes
    ----------
    action_id, action_name : str
    result : EvaluationResult
        The underlying estimator result.
    event_study : pandas.DataFrame or None
        ``event_time, estimate, std_error, conf_low, conf_high`` when the method gives one.
    panel : pandas.DataFrame
        The treated/comparison panel the estimate was computed from
        (see :func:`compare.evaluation.action_panel`).
    """

    action_id: str
    action_name: str
    result: EvaluationResult
    event_study: pd.DataFrame | None
    panel: pd.DataFrame

    def _title(self) -> str:
        return f"Action {self.action_id!r} ({self.action_name}): {self.result._title()}"

    def _extra_sections(self) -> list[str]:
        return self.result._extra_sections()
