"""Set memberships of Boolean expressions and their parameters of fit.

Fuzzy-set operations follow Zadeh: ``AND`` is the minimum, ``OR`` the maximum and ``NOT x`` is
``1 - x``; crisp sets are the special case of memberships in {0, 1}.

Parameters of fit (Ragin 2006, 2008; Schneider & Wagemann 2012), for a condition or expression
with memberships ``X`` and an outcome ``Y`` over cases:

* sufficiency inclusion (consistency) ``inclS = sum(min(X, Y)) / sum(X)``
* proportional reduction in inconsistency
  ``PRI = (sum(min(X, Y)) - sum(min(X, Y, 1-Y))) / (sum(X) - sum(min(X, Y, 1-Y)))``
* raw coverage ``covS = sum(min(X, Y)) / sum(Y)``
* unique coverage of a term within a solution: raw coverage of the solution minus raw
  coverage of the solution without that term
* necessity inclusion ``inclN = sum(min(X, Y)) / sum(Y)``, necessity coverage
  ``covN = sum(min(X, Y)) / sum(X)`` and relevance of necessity
  ``RoN = sum(1 - X) / sum(1 - min(X, Y))`` (Schneider & Wagemann 2012, p. 236).

These are the definitions used by R package QCA's ``pof()`` (Dusa 2019).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.qca.minimize import Implicant, implicant_to_string

__all__ = [
    "term_membership",
    "expression_membership",
    "parse_term",
    "parse_expression",
    "format_expression",
    "sufficiency_fit",
    "necessity_fit",
    "parameters_of_fit",
]


def _check_members(data: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(
            f"columns {missing} are not in the data; available: {list(data.columns)}",
            column=missing[0],
        )
    for c in columns:
        v = pd.to_numeric(data[c], errors="coerce")
        bad = v.isna() | (v < 0) | (v > 1)
        if bad.any():
            row = data.index[np.flatnonzero(bad.to_numpy())[0]]
            raise DataError(
                f"set membership must be a number in [0, 1], got {data[c].loc[row]!r}",
                row=row,
                column=c,
            )


def term_membership(data: pd.DataFrame, implicant: Sequence[int], conditions: Sequence[str]) -> np.ndarray:
    """Membership of every case in a conjunction (fuzzy AND = minimum).

    Parameters
    ----------
    data : DataFrame
        Calibrated memberships, one column per condition.
    implicant : sequence of int
        ``1`` present, ``0`` absent, ``-1`` not in the term.
    conditions : sequence of str
        Column names matching the implicant positions.

    Examples
    --------
    >>> df = pd.DataFrame({"A": [0.8, 0.2], "B": [0.3, 0.9]})
    >>> term_membership(df, (1, 0), ["A", "B"]).round(2).tolist()
    [0.7, 0.1]
    """
    out = np.ones(len(data))
    for v, c in zip(implicant, conditions, strict=True):
        if v == -1:
            continue
        x = data[c].to_numpy(dtype=float)
        out = np.minimum(out, x if v == 1 else 1.0 - x)
    return out


def expression_membership(
    data: pd.DataFrame, implicants: Sequence[Sequence[int]], conditions: Sequence[str]
) -> np.ndarray:
    """Membership in a disjunction of conjunctions (fuzzy OR = maximum).

    Examples
    --------
    >>> df = pd.DataFrame({"A": [0.8, 0.2], "B": [0.3, 0.9]})
    >>> expression_membership(df, [(1, -1), (-1, 1)], ["A", "B"]).tolist()
    [0.8, 0.9]
    """
    out = np.zeros(len(data))
    for imp in implicants:
        out = np.maximum(out, term_membership(data, imp, conditions))
    return out


_TERM_SPLIT = re.compile(r"\s*\*\s*")


def parse_term(term: str, conditions: Sequence[str]) -> Implicant:
    """Parse ``"A*~B"`` into an implicant over ``conditions``.

    Examples
    --------
    >>> parse_term("A*~C", ["A", "B", "C"])
    (1, -1, 0)
    """
    imp = [-1] * len(conditions)
    index = {c: i for i, c in enumerate(conditions)}
    for lit in _TERM_SPLIT.split(term.strip()):
        neg = lit.startswith("~")
        name = lit[1:] if neg else lit
        if name not in index:
            raise DataError(f"unknown condition {name!r} in term {term!r}; known: {list(conditions)}")
        if imp[index[name]] != -1:
            raise DataError(f"condition {name!r} appears twice in term {term!r}")
        imp[index[name]] = 0 if neg else 1
    return tuple(imp)


def parse_expression(expression: str, conditions: Sequence[str]) -> list[Implicant]:
    """Parse a sum of products such as ``"A*~B + C"``.

    Examples
    --------
    >>> parse_expression("A*~B + C", ["A", "B", "C"])
    [(1, 0, -1), (-1, -1, 1)]
    """
    return [parse_term(t, conditions) for t in expression.split("+") if t.strip()]


def format_expression(implicants: Sequence[Sequence[int]], conditions: Sequence[str]) -> str:
    """Readable formula ``"A*~B + C"`` for a list of implicants.

    Examples
    --------
    >>> format_expression([(1, 0, -1), (-1, -1, 1)], ["A", "B", "C"])
    'A*~B + C'
    """
    return " + ".join(implicant_to_string(i, conditions) for i in implicants)


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def sufficiency_fit(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Sufficiency inclusion, PRI and raw coverage of ``X -> Y``.

    Examples
    --------
    >>> sufficiency_fit(np.array([1.0, 1, 0]), np.array([1.0, 0, 1]))
    {'inclS': 0.5, 'PRI': 0.5, 'covS': 0.5}
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xy = np.minimum(x, y).sum()
    xyny = np.minimum(np.minimum(x, y), 1.0 - y).sum()
    return {
        "inclS": _ratio(xy, x.sum()),
        "PRI": _ratio(xy - xyny, x.sum() - xyny),
        "covS": _ratio(xy, y.sum()),
    }


def necessity_fit(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Necessity inclusion, relevance of necessity (RoN) and coverage of ``X <- Y``.

    Examples
    --------
    >>> necessity_fit(np.array([1.0, 1, 0]), np.array([1.0, 0, 0]))
    {'inclN': 1.0, 'RoN': 0.5, 'covN': 0.5}
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xy = np.minimum(x, y)
    return {
        "inclN": _ratio(xy.sum(), y.sum()),
        "RoN": _ratio((1.0 - x).sum(), (1.0 - xy).sum()),
        "covN": _ratio(xy.sum(), x.sum()),
    }


def parameters_of_fit(
    data: pd.DataFrame,
    implicants: Sequence[Sequence[int]] | str,
    outcome: str,
    conditions: Sequence[str],
    *,
    cases: bool = False,
) -> pd.DataFrame:
    """Tidy table of sufficiency fit for each term and for the whole expression.

    Parameters
    ----------
    data : DataFrame
        Calibrated memberships with the condition columns and the outcome column. The outcome
        may be given negated (``"~SURV"``).
    implicants : list of implicants or str
        The terms, or a formula such as ``"DEV*~IND + URB*STB"``.
    outcome : str
        Outcome column, optionally prefixed by ``~``.
    conditions : sequence of str
        Condition columns, in implicant order.
    cases : bool
        Add a ``cases`` column listing cases with membership > 0.5 in each term.

    Returns
    -------
    DataFrame
        Columns ``term, inclS, PRI, covS, covU``; the last row (``term == "expression"`` in
        the ``role`` column) holds the fit of the disjunction, with ``covU`` missing.

    Examples
    --------
    >>> df = pd.DataFrame({"A": [1, 1, 0, 0], "B": [0, 1, 1, 0], "Y": [1, 1, 1, 0]})
    >>> t = parameters_of_fit(df, "A + B", "Y", ["A", "B"])
    >>> t["term"].tolist(), t["covU"].round(3).tolist()
    (['A', 'B', 'A + B'], [0.333, 0.333, nan])
    """
    if isinstance(implicants, str):
        implicants = parse_expression(implicants, conditions)
    implicants = [tuple(i) for i in implicants]
    # a column literally named "~Y" holds already negated memberships (TruthTable.data)
    neg = outcome.startswith("~") and outcome not in data.columns
    out_col = outcome[1:] if neg else outcome
    _check_members(data, list(conditions) + [out_col])
    y = data[out_col].to_numpy(dtype=float)
    if neg:
        y = 1.0 - y
    mems = [term_membership(data, imp, conditions) for imp in implicants]
    total = np.max(mems, axis=0) if mems else np.zeros(len(data))
    tot_cov = np.minimum(total, y).sum()
    rows = []
    for j, (imp, x) in enumerate(zip(implicants, mems, strict=True)):
        others = [mems[i] for i in range(len(mems)) if i != j]
        rest = np.max(others, axis=0) if others else np.zeros(len(data))
        cov_u = _ratio(tot_cov - np.minimum(rest, y).sum(), y.sum())
        row = {"term": implicant_to_string(imp, conditions), "role": "term"}
        row.update(sufficiency_fit(x, y))
        row["covU"] = cov_u
        if cases:
            row["cases"] = ",".join(str(c) for c in data.index[x > 0.5])
        rows.append(row)
    row = {"term": format_expression(implicants, conditions), "role": "expression"}
    row.update(sufficiency_fit(total, y))
    row["covU"] = float("nan")
    if cases:
        row["cases"] = ",".join(str(c) for c in data.index[total > 0.5])
    rows.append(row)
    cols = ["term", "role", "inclS", "PRI", "covS", "covU"] + (["cases"] if cases else [])
    return pd.DataFrame(rows, columns=cols)
