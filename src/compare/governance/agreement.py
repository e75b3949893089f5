r"""Agreement between raters: Krippendorff's alpha with a bootstrap interval.

:func:`agreement` takes a long frame of ratings (``unit, rater, score``; a missing score means
the rater did not rate the unit, e.g. answered "don't know") and computes Krippendorff's alpha
through the maintained ``krippendorff`` package (Castro 2017, fast-krippendorff):

.. math:: \alpha = 1 - \frac{D_o}{D_e}
          = 1 - (n - 1) \frac{\sum_{c,k} o_{ck}\,\delta^2_{ck}}{\sum_{c,k} n_c n_k\,\delta^2_{ck}}

where :math:`o_{ck}` are the coincidences of values within units, :math:`n_c` the marginal
frequencies, :math:`n` the number of pairable values (values in units rated by at least two
raters) and :math:`\delta^2` the metric of the level of measurement (nominal, ordinal,
interval, ratio; Krippendorff 2011). Alpha is 1 for perfect agreement, 0 when raters agree
no better than chance, and negative for systematic disagreement. Krippendorff (2004, p. 241)
suggests relying on data with :math:`\alpha \ge 0.800` and drawing tentative conclusions only
from :math:`0.667 \le \alpha < 0.800`.

The interval comes from a bootstrap over units (resampling criteria with replacement and
recomputing alpha, Zapf et al. 2016); with a dozen criteria and a handful of raters it is wide,
and it says so.

References
----------
Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability", Annenberg School for
Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
Krippendorff, K. (2004) *Content Analysis: An Introduction to Its Methodology*, 2nd ed., Sage.
Zapf, A., Castell, S., Morawietz, L. & Karch, A. (2016) "Measuring inter-rater reliability for
nominal data - which coefficients and confidence intervals are appropriate?", *BMC Medical
Research Methodology* 16:93.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.summary import Summary

__all__ = ["LEVELS", "AgreementResult", "agreement", "reliability_matrix"]

#: Levels of measurement accepted by :func:`agreement`.
LEVELS = ("nominal", "ordinal", "interval", "ratio")
#: Krippendorff's thresholds for reliable (0.800) and tentatively reliable (0.667) data.
THRESHOLDS = (0.667, 0.800)


def reliability_matrix(ratings: pd.DataFrame) -> pd.DataFrame:
    """Raters x units matrix of scores from a long frame ``unit, rater, score``.

    Raises :class:`~compare.errors.DataError` when a column is missing, a score is not a
    number, or a rater rates a unit twice.

    Examples
    --------
    >>> r = pd.DataFrame({"unit": ["a", "a", "b"], "rater": [1, 2, 1], "score": [3, 3, 1]})
    >>> reliability_matrix(r).shape
    (2, 2)
    """
    if not isinstance(ratings, pd.DataFrame):
        raise DataError("ratings must be a DataFrame with columns unit, rater, score")
    missing = [c for c in ("unit", "rater", "score") if c not in ratings.columns]
    if missing:
        raise DataError(
            f"ratings lack columns {missing}; expected a long frame unit, rater, score", column=missing[0]
        )
    r = ratings[["unit", "rater", "score"]].copy()
    num = pd.to_numeric(r["score"], errors="coerce")
    bad = num.isna() & r["score"].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"score {r['score'].iloc[i]!r} is not a number (unit {r['unit'].iloc[i]!r}, rater "
            f"{r['rater'].iloc[i]!r}); leave it missing for 'not rated'",
            row=i + 1,
            column="score",
        )
    r["score"] = num.astype(float)
    dup = r.duplicated(["unit", "rater"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(
            f"rater {r['rater'].iloc[i]!r} rates unit {r['unit'].iloc[i]!r} more than once; "
            "expected one row per (unit, rater)",
            row=i + 1,
            column="rater",
        )
    units = list(dict.fromkeys(r["unit"]))
    raters = list(dict.fromkeys(r["rater"]))
    m = r.pivot(index="rater", columns="unit", values="score")
    return m.reindex(index=raters, columns=units)


def _alpha(data: np.ndarray, level: str, domain) -> float:
    """Alpha of a raters x units array, NaN when undefined (fewer than two distinct values)."""
    import krippendorff

    vals = data[~np.isnan(data)]
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if not pairable.any():
        return float("nan")
    if np.unique(data[:, pairable][~np.isnan(data[:, pairable])]).size < 2:
        return float("nan")
    dom = domain if domain is not None else np.unique(vals)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=dom))


@dataclass
class AgreementResult:
    """Result of :func:`agreement` (statsmodels-like: attributes and ``summary()``).

    Attributes
    ----------
    alpha : float
        Krippendorff's alpha (NaN when undefined: fewer than two distinct pairable values).
    level : str
        Level of measurement.
    conf_int : tuple of float
        Bootstrap percentile interval (NaN when it cannot be computed).
    ci_level : float
    n_units, n_raters, n_pairable : int
        Units (criteria) with a rating, raters, and pairable values (values in units rated by
        at least two raters: the :math:`n` of the formula).
    n_boot : int
        Bootstrap resamples in which alpha was defined.
    prob_below : dict
        Share of bootstrap resamples with alpha below 0.667 and 0.800.
    boot : numpy.ndarray
        Bootstrap distribution.
    notes : list of str
    """

    alpha: float
    level: str
    conf_int: tuple[float, float]
    ci_level: float
    n_units: int
    n_raters: int
    n_pairable: int
    n_boot: int
    prob_below: dict = field(default_factory=dict)
    boot: np.ndarray = field(default_factory=lambda: np.array([]), repr=False)
    notes: list = field(default_factory=list)

    @property
    def defined(self) -> bool:
        """Whether alpha is defined (a number)."""
        return bool(np.isfinite(self.alpha))

    def reading(self) -> str:
        """Plain-language reading of alpha against Krippendorff's thresholds."""
        if not self.defined:
            return "alpha is undefined (no variation among the pairable values, or none pairable)"
        lo, hi = self.conf_int
        if self.alpha >= THRESHOLDS[1]:
            txt = "reliable agreement (alpha >= 0.800)"
        elif self.alpha >= THRESHOLDS[0]:
            txt = "tentative agreement (0.667 <= alpha < 0.800)"
        elif self.alpha > 0:
            txt = "low agreement (alpha < 0.667): the raters see the model differently"
        else:
            txt = "no agreement beyond chance (alpha <= 0)"
        if np.isfinite(lo) and np.isfinite(hi) and (hi - lo) > 0.4:
            txt += "; the interval is wide, so this reading is uncertain"
        return txt

    def table(self) -> pd.DataFrame:
        """One-row tidy table of the result."""
        lo, hi = self.conf_int
        return pd.DataFrame(
            [
                {
                    "alpha": self.alpha,
                    "level": self.level,
                    "ci_low": lo,
                    "ci_high": hi,
                    "ci_level": self.ci_level,
                    "n_units": self.n_units,
                    "n_raters": self.n_raters,
                    "n_pairable": self.n_pairable,
                    "n_boot": self.n_boot,
                    "p_below_0.667": self.prob_below.get(0.667, np.nan),
                    "p_below_0.800": self.prob_below.get(0.8, np.nan),
                }
            ]
        )

    def summary(self) -> Summary:
        """Summary with the estimate, interval, counts and how to read them."""
        t = self.table().round(3)
        notes = [self.reading(), *self.notes]
        notes.append(
            f"{round(100 * self.ci_level)}% interval: percentile bootstrap over units "
            f"({self.n_boot} resamples in which alpha is defined)."
        )
        return Summary(f"Krippendorff's alpha ({self.level})", [("", t)], notes, float_format="{:.3f}")

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        lo, hi = self.conf_int
        return (
            f"AgreementResult(alpha={self.alpha:.3f}, level={self.level!r}, "
            f"conf_int=({lo:.3f}, {hi:.3f}), n_units={self.n_units}, n_raters={self.n_raters}, "
            f"n_pairable={self.n_pairable})"
        )


def agreement(
    ratings: pd.DataFrame,
    level: str = "ordinal",
    *,
    value_domain=None,
    n_boot: int = 1000,
    ci_level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Krippendorff's alpha of a long frame of ratings, with a bootstrap interval.

    Parameters
    ----------
    ratings : pandas.DataFrame
        Long frame ``unit, rater, score``: one row per rating; a missing score (``NaN``) means
        the rater did not rate the unit. Raters who rated nothing do not count.
    level : {"ordinal", "nominal", "interval", "ratio"}
        Level of measurement (the rubric's 0-4 maturity levels are ordinal).
    value_domain : sequence, optional
        Ordered possible values (default: the observed values). For ordinal data only the
        order matters, values nobody used contribute nothing.
    n_boot : int
        Bootstrap resamples over units (0 for none).
    ci_level : float
        Level of the percentile interval.
    seed : int
        Seed of the bootstrap (reproducible intervals).

    Returns
    -------
    AgreementResult

    Raises
    ------
    compare.errors.ConfigError
        Unknown level, or ``ci_level`` outside (0, 1).
    compare.errors.DataError
        Missing columns, non-numeric scores, a rater rating a unit twice.

    Examples
    --------
    Krippendorff's (2011) binary example: two observers, ten units, alpha = 0.095.

    >>> a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    >>> b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    >>> r = pd.DataFrame({"unit": list(range(10)) * 2, "rater": ["A"] * 10 + ["B"] * 10,
    ...                   "score": a + b})
    >>> round(agreement(r, level="nominal", n_boot=0).alpha, 3)
    0.095
    """
    if level not in LEVELS:
        raise ConfigError(f"level {level!r} is not one of {list(LEVELS)}", key="level")
    if not 0 < ci_level < 1:
        raise ConfigError(f"ci_level {ci_level!r} must lie between 0 and 1", key="ci_level")
    m = reliability_matrix(ratings)
    m = m.loc[m.notna().any(axis=1), m.notna().any(axis=0)]
    data = m.to_numpy(dtype=float)
    counts = (~np.isnan(data)).sum(axis=0) if data.size else np.array([], dtype=int)
    n_pairable = int(counts[counts >= 2].sum())
    notes = []
    est = _alpha(data, level, value_domain) if data.size else float("nan")
    if not data.size or n_pairable == 0:
        notes.append("no unit is rated by two or more raters: alpha cannot be computed")
    elif not np.isfinite(est):
        notes.append(
            "every pairable value is the same: the raters agree fully but alpha is undefined "
            "(its expected disagreement is zero)"
        )
    n_raters = int(data.shape[0]) if data.size else 0
    if 0 < n_raters < 5:
        notes.append(f"only {n_raters} raters: read alpha and its interval with caution")
    boot = np.array([])
    if n_boot and np.isfinite(est):
        rng = np.random.default_rng(seed)
        k = data.shape[1]
        draws = rng.integers(0, k, size=(int(n_boot), k))
        boot = np.array([_alpha(data[:, idx], level, value_domain) for idx in draws])
        boot = boot[np.isfinite(boot)]
    if boot.size >= 20:
        q = (1 - ci_level) / 2
        ci = (float(np.quantile(boot, q)), float(np.quantile(boot, 1 - q)))
        below = {t: float(np.mean(boot < t)) for t in THRESHOLDS}
    else:
        ci = (float("nan"), float("nan"))
        below = {}
        if n_boot and np.isfinite(est):
            notes.append("too few units for a bootstrap interval")
    return AgreementResult(
        alpha=est,
        level=level,
        conf_int=ci,
        ci_level=ci_level,
        n_units=int(data.shape[1]) if data.size else 0,
        n_raters=n_raters,
        n_pairable=n_pairable,
        n_boot=int(boot.size),
        prob_below=below,
        boot=boot,
        notes=notes,
    )
