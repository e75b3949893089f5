r"""Two-group, two-period difference-in-differences with the 2x2 table of means.

The estimate is the coefficient :math:`\delta` of the regression

.. math:: y_i = \beta_0 + \beta_1 G_i + \beta_2 P_i + \delta\, G_i P_i + x_i'\gamma + u_i

where :math:`G` marks the treated group and :math:`P` the post period. Without covariates
:math:`\hat\delta` equals the difference-in-differences of the four cell means
(Card & Krueger 1994, Table 3; Wooldridge, *Introductory Econometrics*, Example 13.3).
Standard errors come from statsmodels OLS: classical (``"nonrobust"``), heteroskedasticity-robust
(``"HC1"``) or clustered (``"cluster"``, e.g. by area or store when the same unit is observed in
both periods).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from compare.errors import ConfigError, DataError
from compare.evaluation._common import check_alpha, numeric_outcome, require_columns, warn
from compare.evaluation.results import TIDY_COLUMNS, DiDResult

__all__ = ["DiD", "did_2x2"]

_COV_TYPES = ("nonrobust", "HC1", "cluster")


def tidy_model(model, alpha: float) -> pd.DataFrame:
    """Tidy table (:data:`~compare.evaluation.results.TIDY_COLUMNS`) of a statsmodels result."""
    ci = np.asarray(model.conf_int(alpha=alpha))
    return pd.DataFrame(
        {
            "term": list(model.model.exog_names),
            "estimate": np.asarray(model.params, dtype=float),
            "std_error": np.asarray(model.bse, dtype=float),
            "statistic": np.asarray(model.tvalues, dtype=float),
            "p_value": np.asarray(model.pvalues, dtype=float),
            "conf_low": ci[:, 0],
            "conf_high": ci[:, 1],
        }
    )[TIDY_COLUMNS]


def fit_ols(y, X, cov_type: str, groups=None):
    """Fit statsmodels OLS with the requested covariance (``groups`` for ``"cluster"``)."""
    if cov_type == "cluster":
        return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return sm.OLS(y, X).fit(cov_type=cov_type)


def _indicator(data: pd.DataFrame, column: str) -> np.ndarray:
    values = data[column]
    if values.dtype == bool:
        return values.to_numpy(dtype=float)
    num = pd.to_numeric(values, errors="coerce")
    bad = ~num.isin([0, 1])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"value {values.iloc[i]!r} is not a 0/1 indicator; expected True/False or 0/1",
            row=data.index[i],
            column=column,
        )
    return num.to_numpy(dtype=float)


class DiD:
    """Two-group, two-period difference-in-differences estimator.

    Parameters
    ----------
    covariates : sequence of str, optional
        Control variables added linearly to the regression (the 2x2 table stays raw means).
    cov_type : {"nonrobust", "HC1", "cluster"}, optional
        Covariance of the OLS coefficients. Default: ``"cluster"`` when ``cluster`` is given to
        :meth:`fit`, else ``"HC1"``.
    alpha : float, optional
        Significance level of the intervals.

    Attributes
    ----------
    result_ : DiDResult
        Set by :meth:`fit`.
    att_ : float
        The difference-in-differences coefficient.

    Notes
    -----
    Card, D. & Krueger, A. B. (1994). Minimum wages and employment: a case study of the
    fast-food industry in New Jersey and Pennsylvania. *American Economic Review* 84(4).

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 1.2, 2.2, 1.0, 4.0, 1.1, 4.1],
    ...                    "g": [0, 0, 0, 0, 1, 1, 1, 1], "p": [0, 1] * 4})
    >>> round(DiD(cov_type="nonrobust").fit(df, outcome="y", group="g", post="p").att_, 6)
    2.0
    """

    def __init__(
        self,
        covariates: Sequence[str] = (),
        cov_type: str | None = None,
        alpha: float = 0.05,
    ):
        self.covariates = covariates
        self.cov_type = cov_type
        self.alpha = alpha

    def fit(
        self,
        data: pd.DataFrame,
        *,
        outcome: str = "value",
        group: str = "treated",
        post: str = "post",
        cluster: str | None = None,
    ) -> DiD:
        """Estimate the effect from a long table with one row per unit and period.

        Parameters
        ----------
        data : pandas.DataFrame
        outcome : str
            Outcome column.
        group : str
            0/1 (or boolean) column marking the treated group.
        post : str
            0/1 (or boolean) column marking the post-treatment period.
        cluster : str, optional
            Column to cluster standard errors by (e.g. the unit id).

        Returns
        -------
        DiD
            ``self``, with ``result_`` and ``att_`` set.
        """
        alpha = check_alpha(self.alpha)
        covariates = list(self.covariates)
        cov_type = self.cov_type or ("cluster" if cluster else "HC1")
        if cov_type not in _COV_TYPES:
            raise ConfigError(f"cov_type={cov_type!r}; expected one of {_COV_TYPES}", key="cov_type")
        if cov_type == "cluster" and not cluster:
            raise ConfigError("cov_type='cluster' needs the cluster column", key="cluster")
        cols = [outcome, group, post, *covariates] + ([cluster] if cluster else [])
        require_columns(data, cols, "DiD.fit")
        frame = pd.DataFrame(
            {
                "y": numeric_outcome(data, outcome, "DiD.fit"),
                "g": _indicator(data, group),
                "p": _indicator(data, post),
            },
            index=data.index,
        )
        for c in covariates:
            frame[c] = numeric_outcome(data, c, "DiD.fit")
        if cluster:
            frame["_cluster"] = data[cluster].to_numpy()
        n_in = len(frame)
        frame = frame.dropna()
        caveats: list[str] = []

        means = pd.DataFrame(index=["treated", "comparison"], columns=["pre", "post"], dtype=float)
        counts = pd.DataFrame(index=["treated", "comparison"], columns=["pre", "post"], dtype=int)
        for label, gv in (("treated", 1.0), ("comparison", 0.0)):
            for col, pv in (("pre", 0.0), ("post", 1.0)):
                cell = frame.loc[(frame["g"] == gv) & (frame["p"] == pv), "y"]
                if cell.empty:
                    raise DataError(
                        f"no observation in the {label} group in the {col} period; a 2x2 DiD "
                        "needs all four cells",
                        column=group if cell.empty else outcome,
                    )
                means.loc[label, col] = cell.mean()
                counts.loc[label, col] = len(cell)
        means["change"] = means["post"] - means["pre"]
        means.loc["difference"] = means.loc["treated"] - means.loc["comparison"]

        X = pd.DataFrame(
            {
                "const": 1.0,
                group: frame["g"],
                post: frame["p"],
                f"{group}:{post}": frame["g"] * frame["p"],
            }
        )
        for c in covariates:
            X[c] = frame[c]
        model = fit_ols(frame["y"], X, cov_type, frame.get("_cluster"))
        params = tidy_model(model, alpha)
        row = params.loc[params["term"] == f"{group}:{post}"].iloc[0]
        n_treated = int(counts.loc["treated"].min())
        n_comp = int(counts.loc["comparison"].min())
        if n_comp < 2:
            warn(
                caveats,
                f"The comparison group has {n_comp} observation(s) in a period; the "
                "counterfactual trend rests on too few units to be credible.",
            )
        self.result_ = DiDResult(
            method="did_2x2",
            estimate=float(row["estimate"]),
            std_error=float(row["std_error"]),
            conf_int=(float(row["conf_low"]), float(row["conf_high"])),
            alpha=alpha,
            n_obs=int(model.nobs),
            params=params,
            caveats=caveats,
            info={
                "cov_type": cov_type,
                "dropped_missing": n_in - len(frame),
                "n_treated_min": n_treated,
                "n_comparison_min": n_comp,
            },
            means=means,
            counts=counts,
            model=model,
        )
        self.att_ = self.result_.estimate
        return self


def did_2x2(
    data: pd.DataFrame,
    *,
    outcome: str = "value",
    group: str = "treated",
    post: str = "post",
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    cov_type: str | None = None,
    alpha: float = 0.05,
) -> DiDResult:
    """Two-group, two-period difference-in-differences; shortcut for ``DiD(...).fit(...).result_``.

    Parameters
    ----------
    data : pandas.DataFrame
        Long table, one row per unit (or individual) and period.
    outcome, group, post : str
        Outcome column and the 0/1 treated-group and post-period columns.
    covariates : sequence of str, optional
    cluster : str, optional
        Column to cluster standard errors by.
    cov_type : {"nonrobust", "HC1", "cluster"}, optional
    alpha : float, optional

    Returns
    -------
    DiDResult
        With ``means`` (the 2x2 table) and the regression ``model``.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 1.2, 2.2, 1.0, 4.0, 1.1, 4.1],
    ...                    "g": [0, 0, 0, 0, 1, 1, 1, 1], "p": [0, 1] * 4})
    >>> res = did_2x2(df, outcome="y", group="g", post="p", cov_type="nonrobust")
    >>> round(float(res.means.loc["difference", "change"]), 6)
    2.0
    """
    est = DiD(covariates=covariates, cov_type=cov_type, alpha=alpha)
    return est.fit(data, outcome=outcome, group=group, post=post, cluster=cluster).result_
