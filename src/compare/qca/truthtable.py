"""Truth tables for crisp- and fuzzy-set QCA.

Each of the ``2**k`` configurations of ``k`` conditions is one row. A case belongs to the row in
which it has membership above 0.5 (for crisp data, the row matching its 0/1 values); a case with
membership exactly 0.5 in some condition belongs to no row and is reported. For every row:

* ``n``: number of cases in the row;
* ``incl``: sufficiency inclusion (consistency) of the row's conjunction for the outcome,
  computed over *all* cases with fuzzy memberships (Ragin 2008, ch. 7);
* ``PRI``: proportional reduction in inconsistency;
* ``OUT``: ``"1"`` if ``incl >= incl_cut`` (and ``PRI >= pri_cut``), ``"C"`` if between the
  two inclusion cut-offs ``(ic1, ic0)``, ``"0"`` otherwise, and ``"?"`` for a *remainder*
  (fewer than ``n_cut`` cases).

Row numbers follow R package QCA: row ``1 + sum(bit_j * 2**(k-1-j))``, the first condition being
the most significant bit, so that results can be compared with ``truthTable()`` output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.qca.fit import _check_members
from compare.summary import Summary

__all__ = ["TruthTable", "truth_table", "row_membership"]

_EPS = 1e-10


def row_membership(data: pd.DataFrame, conditions: Sequence[str]) -> pd.DataFrame:
    """Membership of every case in every truth-table row (cases x rows).

    Examples
    --------
    >>> df = pd.DataFrame({"A": [0.8], "B": [0.3]})
    >>> row_membership(df, ["A", "B"]).round(2).to_numpy().tolist()
    [[0.2, 0.2, 0.7, 0.3]]
    """
    k = len(conditions)
    x = data[list(conditions)].to_numpy(dtype=float)
    bits = _all_rows(k)
    # (cases, rows, conditions)
    m = np.where(bits[None, :, :] == 1, x[:, None, :], 1.0 - x[:, None, :])
    return pd.DataFrame(m.min(axis=2), index=data.index, columns=np.arange(1, 2**k + 1))


def _all_rows(k: int) -> np.ndarray:
    idx = np.arange(2**k)
    return ((idx[:, None] >> np.arange(k - 1, -1, -1)[None, :]) & 1).astype(int)


@dataclass
class TruthTable:
    """A truth table: tidy ``table`` plus what is needed to minimise it.

    Attributes
    ----------
    table : DataFrame
        One row per configuration (index: R-style row number) with the condition columns and
        ``OUT, n, incl, PRI, cases, contradictory``.
    data : DataFrame
        The memberships used (conditions and the outcome, outcome negated if asked).
    conditions : list of str
    outcome : str
        Outcome label as given (``"~SURV"`` when negated).
    incl_cut, n_cut, pri_cut : cut-offs used.
    dropped_cases : list
        Cases with membership exactly 0.5 in some condition (in no row).
    """

    table: pd.DataFrame
    data: pd.DataFrame
    conditions: list[str]
    outcome: str
    incl_cut: tuple[float, float]
    n_cut: int
    pri_cut: float
    dropped_cases: list = field(default_factory=list)

    # --- views -------------------------------------------------------------------------
    def rows(self, out: str | Sequence[str]) -> pd.DataFrame:
        """Rows whose ``OUT`` is one of ``out`` (e.g. ``"1"`` or ``["1", "C"]``)."""
        outs = [out] if isinstance(out, str) else list(out)
        return self.table[self.table["OUT"].isin(outs)]

    def observed(self) -> pd.DataFrame:
        """Rows with at least one case."""
        return self.table[self.table["n"] > 0]

    def positive(self) -> pd.DataFrame:
        """Rows coded ``OUT == "1"``."""
        return self.rows("1")

    def negative(self) -> pd.DataFrame:
        """Rows coded ``OUT == "0"``."""
        return self.rows("0")

    def remainders(self) -> pd.DataFrame:
        """Logical remainders: rows with fewer than ``n_cut`` cases (``OUT == "?"``)."""
        return self.rows("?")

    def contradictions(self) -> pd.DataFrame:
        """Rows whose cases disagree on the outcome, or coded ``"C"``.

        A row disagrees when some of its cases are above 0.5 in the outcome and some below.
        """
        t = self.table
        return t[t["contradictory"] | (t["OUT"] == "C")]

    def minterms(self, out: str | Sequence[str]) -> list[tuple[int, ...]]:
        """Return the 0/1 configurations of rows with the given ``OUT`` codes."""
        r = self.rows(out)
        return [tuple(int(v) for v in row) for row in r[self.conditions].to_numpy()]

    def summary(self, complete: bool = False) -> Summary:
        """Printable truth table in the layout of R QCA's ``truthTable()``."""
        t = self.table if complete else self.observed()
        t = t.copy()
        t["incl"] = t["incl"].map(lambda v: "-" if pd.isna(v) else f"{v:.3f}")
        t["PRI"] = t["PRI"].map(lambda v: "-" if pd.isna(v) else f"{v:.3f}")
        n1 = int((self.table["OUT"] == "1").mul(self.table["n"]).sum())
        n0 = int((self.table["OUT"] == "0").mul(self.table["n"]).sum())
        nc = int((self.table["OUT"] == "C").mul(self.table["n"]).sum())
        cols = self.conditions + ["OUT", "n", "incl", "PRI", "cases"]
        s = Summary(
            f"Truth table: outcome {self.outcome}, conditions {', '.join(self.conditions)}",
            [("", t[cols])],
            info=[
                ("incl.cut", f"{self.incl_cut[0]:g} (C from {self.incl_cut[1]:g})"),
                ("n.cut", self.n_cut),
                ("pri.cut", f"{self.pri_cut:g}"),
                ("cases OUT = 1/0/C", f"{n1}/{n0}/{nc}"),
                ("remainders", len(self.remainders())),
                ("contradictory rows", len(self.contradictions())),
            ],
        )
        if self.dropped_cases:
            s.add_note(f"cases at exactly 0.5 (in no row): {', '.join(map(str, self.dropped_cases))}")
        return s

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        return self.summary().as_text()


def truth_table(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    incl_cut: float | tuple[float, float] = 1.0,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    case_column: str | None = None,
) -> TruthTable:
    """Build a crisp or fuzzy truth table.

    Parameters
    ----------
    data : DataFrame
        Calibrated memberships in [0, 1] (crisp 0/1 or fuzzy), one row per case. Case names are
        taken from ``case_column`` or else from the index.
    outcome : str
        Outcome column; prefix with ``~`` to analyse the negated outcome.
    conditions : sequence of str, optional
        Condition columns (default: every other column).
    incl_cut : float or (float, float)
        Inclusion cut-off ``ic1`` for ``OUT = 1``, or ``(ic1, ic0)``: rows with
        ``ic0 <= incl < ic1`` are coded ``"C"``. R QCA's ``incl.cut``.
    n_cut : int
        Minimum number of cases for a row not to be a remainder (R QCA's ``n.cut``).
    pri_cut : float
        Minimum PRI for ``OUT = 1`` (R QCA's ``pri.cut``).
    case_column : str, optional
        Column holding case names.

    Returns
    -------
    TruthTable

    References
    ----------
    Ragin, C. C. (2008) *Redesigning Social Inquiry*, ch. 7. Dusa, A. (2019) *QCA with R*, ch. 7.

    Examples
    --------
    >>> df = pd.DataFrame({"A": [1, 1, 0], "B": [1, 0, 0], "Y": [1, 1, 0]},
    ...                   index=["x", "y", "z"])
    >>> tt = truth_table(df, "Y")
    >>> obs = tt.observed()
    >>> obs.index.tolist(), obs["OUT"].tolist(), obs["cases"].tolist()
    ([1, 3, 4], ['0', '1', '1'], ['z', 'y', 'x'])
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError("data must be a pandas DataFrame of set memberships")
    data = data.copy()
    if case_column is not None:
        if case_column not in data.columns:
            raise DataError(f"case column {case_column!r} not in data", column=case_column)
        data = data.set_index(case_column)
    neg = outcome.startswith("~")
    out_col = outcome[1:] if neg else outcome
    if out_col not in data.columns:
        raise DataError(
            f"outcome {out_col!r} is not a column; available: {list(data.columns)}", column=out_col
        )
    if conditions is None:
        conditions = [c for c in data.columns if c != out_col]
    conditions = list(conditions)
    if not conditions:
        raise ConfigError("at least one condition is needed", key="conditions")
    if out_col in conditions:
        raise ConfigError(f"outcome {out_col!r} is also listed as a condition", key="conditions")
    if len(conditions) > 16:
        raise ConfigError(
            f"{len(conditions)} conditions give 2**{len(conditions)} rows; at most 16 are supported",
            key="conditions",
        )
    _check_members(data, conditions + [out_col])
    if isinstance(incl_cut, (int, float)):
        ic1 = ic0 = float(incl_cut)
    else:
        ic1, ic0 = (float(v) for v in incl_cut)
    if not (0 <= ic0 <= ic1 <= 1):
        raise ConfigError(f"incl_cut must satisfy 0 <= ic0 <= ic1 <= 1, got {incl_cut}", key="incl_cut")
    if n_cut < 1:
        raise ConfigError(f"n_cut must be >= 1, got {n_cut}", key="n_cut")

    mem = data[conditions + [out_col]].astype(float)
    y = mem[out_col].to_numpy()
    if neg:
        y = 1.0 - y
    used = mem[conditions].copy()
    used[outcome] = y
    k = len(conditions)
    rm = row_membership(mem, conditions).to_numpy()  # cases x rows
    bits = _all_rows(k)

    xy = np.minimum(rm, y[:, None]).sum(axis=0)
    xs = rm.sum(axis=0)
    xyny = np.minimum(np.minimum(rm, y[:, None]), 1.0 - y[:, None]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        incl = np.where(xs > 0, xy / np.where(xs > 0, xs, 1), np.nan)
        pri_den = xs - xyny
        pri = np.where(pri_den > 0, (xy - xyny) / np.where(pri_den > 0, pri_den, 1), np.nan)

    in_row = rm > 0.5
    n = in_row.sum(axis=0)
    dropped = [c for c, any_row in zip(mem.index, in_row.any(axis=1), strict=True) if not any_row]
    cases = [",".join(str(c) for c in mem.index[in_row[:, j]]) for j in range(2**k)]
    contradictory = [
        bool(in_row[:, j].any() and (y[in_row[:, j]] > 0.5).any() and (y[in_row[:, j]] < 0.5).any())
        for j in range(2**k)
    ]
    out = np.full(2**k, "?", dtype=object)
    observed = n >= n_cut
    is1 = (incl >= ic1 - _EPS) & ((np.nan_to_num(pri, nan=0.0) >= pri_cut - _EPS) | (pri_cut <= 0))
    isc = (incl >= ic0 - _EPS) & ~is1
    out[observed] = "0"
    out[observed & isc] = "C"
    out[observed & is1] = "1"
    table = pd.DataFrame(bits, columns=conditions, index=pd.RangeIndex(1, 2**k + 1, name="row"))
    table["OUT"] = out
    table["n"] = n
    table["incl"] = incl
    table["PRI"] = pri
    table["cases"] = cases
    table["contradictory"] = contradictory
    return TruthTable(
        table=table,
        data=used,
        conditions=conditions,
        outcome=outcome,
        incl_cut=(ic1, ic0),
        n_cut=int(n_cut),
        pri_cut=float(pri_cut),
        dropped_cases=dropped,
    )
