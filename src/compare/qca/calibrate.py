"""Calibration of raw values into set memberships.

* crisp: ``0`` below the threshold, ``1`` at or above (several thresholds give a multi-value
  crisp set ``0, 1, 2, ...``);
* fuzzy, *direct method* (Ragin 2008, ch. 5): the deviation of ``x`` from the crossover anchor
  is scaled so that the inclusion anchor maps to log odds ``+3`` and the exclusion anchor to
  ``-3``; membership is ``exp(lo) / (1 + exp(lo))``::

      lo = 3 * (x - c) / (i - c)   if x is on the inclusion side of c
      lo = 3 * (x - c) / (c - e)   otherwise

  so that the inclusion anchor has membership 0.953 and the exclusion anchor 0.047. A
  decreasing set is obtained by giving ``exclusion > inclusion``. R package QCA uses log odds
  ``log(0.95 / 0.05) = 2.944`` by default (``idm = 0.95``); pass ``log_odds=np.log(19)`` to
  reproduce it.
* fuzzy, *indirect method* (Ragin 2008, ch. 5): cases are first sorted into qualitative groups
  by thresholds, each group receives a target membership, and a fractional logistic regression
  of the targets on ``x`` gives smooth memberships.

:class:`Calibrator` follows scikit-learn conventions: parameters in ``__init__``, anchors
learned by ``fit`` (from quantiles when not given) and stored in ``anchors_``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError

__all__ = ["calibrate_crisp", "calibrate_direct", "calibrate_indirect", "Calibrator"]


def _as_float(x, name: str = "x") -> np.ndarray:
    raw = pd.Series(np.asarray(x, dtype=object).ravel())
    arr = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(arr) & raw.notna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError(f"value {raw.iloc[pos]!r} is not numeric", row=pos + 1, column=name)
    return arr


def calibrate_crisp(x, thresholds: float | Sequence[float]) -> np.ndarray:
    """Crisp calibration: the number of thresholds at or below each value.

    Parameters
    ----------
    x : array-like
        Raw values (NaN stays NaN).
    thresholds : float or sequence of float
        One threshold gives a binary set, ``m`` thresholds an ``m+1``-valued set.

    Examples
    --------
    >>> calibrate_crisp([400, 550, 900], 550).tolist()
    [0.0, 1.0, 1.0]
    >>> calibrate_crisp([400, 600, 900], [550, 850]).tolist()
    [0.0, 1.0, 2.0]
    """
    arr = _as_float(x)
    th = np.sort(np.atleast_1d(np.asarray(thresholds, dtype=float)))
    out = (arr[:, None] >= th[None, :]).sum(axis=1).astype(float)
    out[np.isnan(arr)] = np.nan
    return out


def calibrate_direct(
    x, exclusion: float, crossover: float, inclusion: float, *, log_odds: float = 3.0
) -> np.ndarray:
    """Ragin's direct method of fuzzy calibration (logistic with three anchors).

    Parameters
    ----------
    x : array-like
        Raw values.
    exclusion, crossover, inclusion : float
        Anchors for full non-membership, maximum ambiguity (0.5) and full membership. The
        crossover must lie strictly between the other two; ``exclusion > inclusion`` gives a
        decreasing set (more of ``x`` is less in the set).
    log_odds : float
        Log odds assigned to the inclusion anchor (and minus that to the exclusion anchor);
        3 in Ragin (2008), ``log(19)`` in R QCA.

    Returns
    -------
    numpy.ndarray
        Memberships in (0, 1).

    References
    ----------
    Ragin, C. C. (2008) *Redesigning Social Inquiry: Fuzzy Sets and Beyond*, ch. 5.

    Examples
    --------
    >>> calibrate_direct([20000, 5000, 2500], 2500, 5000, 20000).round(3).tolist()
    [0.953, 0.5, 0.047]
    """
    e, c, i = float(exclusion), float(crossover), float(inclusion)
    if not (min(e, i) < c < max(e, i)):
        raise ConfigError(
            f"anchors must satisfy exclusion < crossover < inclusion (or the reverse for a "
            f"decreasing set); got exclusion={e}, crossover={c}, inclusion={i}",
            key="anchors",
        )
    if log_odds <= 0:
        raise ConfigError(f"log_odds must be positive, got {log_odds}", key="log_odds")
    arr = _as_float(x)
    d = arr - c
    inclusion_side = d * (i - c) >= 0
    lo = np.where(inclusion_side, log_odds * d / (i - c), log_odds * d / (c - e))
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-lo))


def calibrate_indirect(x, thresholds: Sequence[float], targets: Sequence[float] | None = None) -> np.ndarray:
    """Ragin's indirect method: qualitative groups, then a fractional logit on ``x``.

    Parameters
    ----------
    x : array-like
        Raw values.
    thresholds : sequence of float
        Increasing cut points that sort cases into ``len(thresholds) + 1`` groups.
    targets : sequence of float, optional
        Target membership of each group; default evenly spaced from 0 to 1
        (e.g. 0, 0.2, 0.4, 0.6, 0.8, 1 for five thresholds), as in Ragin (2008, p. 95).

    Returns
    -------
    numpy.ndarray
        Fitted memberships of a binomial GLM (logit link) of the targets on ``x``
        (quasi-likelihood, as in R QCA's ``calibrate(method = "indirect")``, which adds
        polynomial terms; here the linear predictor is ``b0 + b1 * x``).

    Examples
    --------
    >>> m = calibrate_indirect([1, 2, 3, 4, 5, 6], thresholds=[2.5, 4.5])
    >>> bool(np.all(np.diff(m) > 0))
    True
    """
    import statsmodels.api as sm

    arr = _as_float(x)
    th = np.asarray(thresholds, dtype=float)
    if th.size == 0 or np.any(np.diff(th) <= 0):
        raise ConfigError("thresholds must be a non-empty increasing sequence", key="thresholds")
    tg = np.linspace(0.0, 1.0, th.size + 1) if targets is None else np.asarray(targets, dtype=float)
    if tg.size != th.size + 1 or np.any((tg < 0) | (tg > 1)):
        raise ConfigError(f"targets need {th.size + 1} values in [0, 1], got {list(tg)}", key="targets")
    ok = ~np.isnan(arr)
    group = np.searchsorted(th, arr[ok], side="right")
    y = tg[group]
    scale = np.std(arr[ok]) or 1.0
    z = (arr[ok] - np.mean(arr[ok])) / scale
    model = sm.GLM(y, sm.add_constant(z), family=sm.families.Binomial())
    res = model.fit(scale="X2")
    out = np.full(arr.shape, np.nan)
    out[ok] = res.predict(sm.add_constant(z))
    return out


class Calibrator:
    """Fuzzy (direct) or crisp calibration of several columns, scikit-learn style.

    Parameters
    ----------
    anchors : mapping, optional
        ``{column: (exclusion, crossover, inclusion)}`` for ``method="direct"`` or
        ``{column: threshold(s)}`` for ``method="crisp"``. Columns without anchors get anchors
        from the data in ``fit`` (``quantiles``).
    method : {"direct", "crisp"}
    quantiles : (float, float, float)
        Quantiles used as (exclusion, crossover, inclusion) when anchors are learned from data
        (crisp: the middle one is the threshold). Theory-based anchors are preferable; learned
        anchors only make the set *relative* to the cases at hand.
    decreasing : sequence of str
        Columns where more of the raw value means *less* in the set (learned anchors only).
    log_odds : float
        See :func:`calibrate_direct`.

    Attributes
    ----------
    anchors_ : dict
        Anchors used for each column after ``fit``.
    columns_ : list of str

    Examples
    --------
    >>> df = pd.DataFrame({"gdp": [400, 550, 900]})
    >>> Calibrator({"gdp": (400, 550, 900)}).fit_transform(df).round(2)["gdp"].tolist()
    [0.05, 0.5, 0.95]
    """

    def __init__(
        self,
        anchors: Mapping[str, object] | None = None,
        method: str = "direct",
        quantiles: tuple[float, float, float] = (0.05, 0.5, 0.95),
        decreasing: Sequence[str] = (),
        log_odds: float = 3.0,
    ):
        self.anchors = anchors
        self.method = method
        self.quantiles = quantiles
        self.decreasing = decreasing
        self.log_odds = log_odds

    def fit(self, X: pd.DataFrame, y=None) -> Calibrator:
        """Learn anchors for columns without given anchors; return ``self``."""
        if self.method not in ("direct", "crisp"):
            raise ConfigError(f"method must be 'direct' or 'crisp', got {self.method!r}", key="method")
        if not isinstance(X, pd.DataFrame):
            raise DataError("Calibrator.fit expects a DataFrame of raw values")
        given = dict(self.anchors or {})
        unknown = [c for c in given if c not in X.columns]
        if unknown:
            raise ConfigError(f"anchors given for columns not in the data: {unknown}", key="anchors")
        self.columns_ = list(X.columns)
        self.anchors_ = {}
        for c in self.columns_:
            if c in given:
                self.anchors_[c] = given[c]
                continue
            v = pd.to_numeric(X[c], errors="coerce").dropna()
            if v.nunique() < 2:
                raise DataError("cannot learn calibration anchors from a column without variation", column=c)
            q = [float(v.quantile(p)) for p in self.quantiles]
            if self.method == "crisp":
                self.anchors_[c] = q[1]
            else:
                if not (q[0] < q[1] < q[2]):
                    q = [float(v.min()), float(v.median()), float(v.max())]
                if not (q[0] < q[1] < q[2]):
                    raise DataError(
                        f"learned anchors {q} are not increasing; give anchors explicitly",
                        column=c,
                    )
                self.anchors_[c] = tuple(q[::-1]) if c in self.decreasing else tuple(q)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Memberships for the fitted columns (same index)."""
        if not hasattr(self, "anchors_"):
            raise ConfigError("Calibrator is not fitted; call fit() first", key="anchors_")
        missing = [c for c in self.columns_ if c not in X.columns]
        if missing:
            raise DataError(f"columns {missing} seen in fit are missing", column=missing[0])
        out = {}
        for c in self.columns_:
            a = self.anchors_[c]
            if self.method == "crisp":
                out[c] = calibrate_crisp(X[c], a)
            else:
                e, cr, i = a
                out[c] = calibrate_direct(X[c], e, cr, i, log_odds=self.log_odds)
        return pd.DataFrame(out, index=X.index)

    def fit_transform(self, X: pd.DataFrame, y=None) -> pd.DataFrame:
        """``fit(X).transform(X)``."""
        return self.fit(X, y).transform(X)

    def get_params(self, deep: bool = True) -> dict:
        """Return the constructor parameters (scikit-learn protocol)."""
        return {
            "anchors": self.anchors,
            "method": self.method,
            "quantiles": self.quantiles,
            "decreasing": self.decreasing,
            "log_odds": self.log_odds,
        }
