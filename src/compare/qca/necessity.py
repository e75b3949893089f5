"""Analysis of necessity: is the outcome a subset of a condition or of its negation.

For each condition ``X`` (and, by default, its negation ``~X``) against the outcome ``Y``:
necessity inclusion ``inclN = sum(min(X, Y)) / sum(Y)``, relevance of necessity
``RoN = sum(1 - X) / sum(1 - min(X, Y))`` and coverage ``covN = sum(min(X, Y)) / sum(X)``
(Schneider & Wagemann 2012, ch. 9; R QCA ``pof(..., relation = "necessity")``). A condition is
usually called necessary when ``inclN >= 0.9`` and it is not trivial (``RoN`` not close to 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.qca.fit import _check_members, necessity_fit
from compare.summary import Summary

__all__ = ["NecessityResult", "necessity"]


@dataclass
class NecessityResult:
    """Parameters of fit for necessity, one row per (negated) condition.

    Attributes
    ----------
    table : DataFrame
        Columns ``condition, inclN, RoN, covN, necessary``.
    outcome : str
    incl_cut, ron_cut : float
        Thresholds used for the ``necessary`` flag.
    """

    table: pd.DataFrame
    outcome: str
    incl_cut: float
    ron_cut: float

    @property
    def necessary(self) -> list[str]:
        """Conditions flagged as necessary."""
        return self.table.loc[self.table["necessary"], "condition"].tolist()

    def summary(self) -> Summary:
        """Table in the layout of R QCA's ``pof()`` (text with ``print``, HTML in Jupyter)."""
        t = self.table.copy()
        for c in ["inclN", "RoN", "covN"]:
            t[c] = t[c].map(lambda v: "-" if pd.isna(v) else f"{v:.3f}")
        head = (
            f"Necessity for {self.outcome} (necessary: inclN >= {self.incl_cut:g} and "
            f"RoN >= {self.ron_cut:g})"
        )
        return Summary(head, [("", t)])

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        return self.summary().as_text()


def necessity(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    negations: bool = True,
    incl_cut: float = 0.9,
    ron_cut: float = 0.5,
) -> NecessityResult:
    """Necessity analysis of single conditions and their negations.

    Parameters
    ----------
    data : DataFrame
        Calibrated memberships in [0, 1].
    outcome : str
        Outcome column; ``"~Y"`` analyses the negated outcome.
    conditions : sequence of str, optional
        Default: all other columns.
    negations : bool
        Also test ``~X`` for every condition.
    incl_cut, ron_cut : float
        Thresholds for the ``necessary`` flag.

    Returns
    -------
    NecessityResult

    References
    ----------
    Schneider, C. Q. & Wagemann, C. (2012) *Set-Theoretic Methods for the Social Sciences*,
    ch. 9.

    Examples
    --------
    >>> df = pd.DataFrame({"A": [1, 1, 1, 0], "Y": [1, 1, 0, 0]})
    >>> necessity(df, "Y").table[["condition", "inclN", "covN"]].round(3)
      condition  inclN   covN
    0         A    1.0  0.667
    1        ~A    0.0  0.000
    """
    neg = outcome.startswith("~")
    out_col = outcome[1:] if neg else outcome
    if out_col not in data.columns:
        raise DataError(f"outcome {out_col!r} not in data; available: {list(data.columns)}", column=out_col)
    if conditions is None:
        conditions = [c for c in data.columns if c != out_col]
    conditions = list(conditions)
    if not conditions:
        raise ConfigError("at least one condition is needed", key="conditions")
    _check_members(data, conditions + [out_col])
    y = data[out_col].to_numpy(dtype=float)
    if neg:
        y = 1.0 - y
    rows = []
    for c in conditions:
        x = data[c].to_numpy(dtype=float)
        variants = [(c, x)] + ([(f"~{c}", 1.0 - x)] if negations else [])
        for name, v in variants:
            r = {"condition": name}
            r.update(necessity_fit(v, y))
            rows.append(r)
    t = pd.DataFrame(rows, columns=["condition", "inclN", "RoN", "covN"])
    t["necessary"] = (t["inclN"] >= incl_cut - 1e-10) & (t["RoN"] >= ron_cut - 1e-10)
    t["necessary"] = t["necessary"].fillna(False).astype(bool)
    if np.sum(y) == 0:
        raise DataError(
            f"the outcome {outcome!r} has no member cases; necessity is undefined", column=out_col
        )
    return NecessityResult(table=t, outcome=outcome, incl_cut=incl_cut, ron_cut=ron_cut)
