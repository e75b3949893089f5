"""The QCA section of a network comparison: conditions, outcome, and the analysis or why not.

Conditions are the cities' rubric dimension scores (mean of the dimension's assessed criteria on
the 0-4 maturity scale, :func:`compare.governance.score_table`); the outcome is the yearly change
in the dissimilarity index of each city's main group definition (its first one) over the longest
run of periods on one set of area boundaries (:func:`dissimilarity_change`), and membership in
the outcome set means the index *fell* (``outcome_direction="decrease"``: segregation
decreasing counts as improving). :func:`qca_section` calls
:func:`compare.qca.qca_from_workbench` and keeps what the report shows: the truth table, the
solutions with their parameters of fit and an XY plot when the analysis ran; the plain reason
and what would be needed when it did not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from compare.errors import DataError

__all__ = [
    "OUTCOME_DESCRIPTION",
    "QCASection",
    "dissimilarity_change",
    "qca_section",
]

#: Column of the raw outcome in :meth:`QCASection.inputs_table`.
OUTCOME_COLUMN = "outcome (change per year)"
#: How the outcome is built (shown in the report).
OUTCOME_DESCRIPTION = (
    "Outcome: yearly change of the dissimilarity index D of each city's main group definition "
    "(its first one), from the first to the last period of the longest run of periods on one set of "
    "area boundaries, divided by the years between them. Membership in the outcome set FALLING "
    "means D fell (segregation decreasing counts as improving); calibration crossover at no change."
)


def _year(period: str) -> float:
    p = str(period)
    return int(p[:4]) + (0.5 if p.endswith("H2") else 0.0)


def dissimilarity_change(
    panel: pd.DataFrame, main_definitions: Mapping[str, str], *, index: str = "dissimilarity"
) -> pd.DataFrame:
    """Yearly change of an index per city, on one boundary vintage.

    .. math:: \\Delta D_c = \\frac{D_{c,t_1} - D_{c,t_0}}{t_1 - t_0}

    over the longest run of periods with the same ``vintage`` (ties: the latest run).

    Parameters
    ----------
    panel : pandas.DataFrame
        Index panel of :func:`compare.indicators.compute_panel` (``city, period, index,
        group_definition, value, vintage``).
    main_definitions : mapping of str to str
        City -> the group definition to follow.
    index : str, optional

    Returns
    -------
    pandas.DataFrame
        ``city, group_definition, vintage, first_period, last_period, first_value,
        last_value, years, value`` (``value`` = change per year; cities without two periods
        are left out).

    Examples
    --------
    >>> panel = pd.DataFrame({"city": "x", "period": ["2015", "2017"], "index": "dissimilarity",
    ...     "group_definition": "u", "value": [0.30, 0.26], "vintage": "v"})
    >>> round(float(dissimilarity_change(panel, {"x": "u"})["value"].iloc[0]), 3)
    -0.02
    """
    need = {"city", "period", "index", "group_definition", "value"}
    if not need <= set(panel.columns):
        raise DataError(f"panel lacks columns {sorted(need - set(panel.columns))}", column="value")
    rows = []
    for city, gd in main_definitions.items():
        t = panel[(panel["city"] == city) & (panel["index"] == index) & (panel["group_definition"] == gd)]
        t = t[t["value"].notna()].sort_values("period")
        if len(t) < 2:
            continue
        vint = t["vintage"].astype(str) if "vintage" in t.columns else pd.Series("", index=t.index)
        runs = (vint != vint.shift()).cumsum()
        best = max(runs.unique(), key=lambda r: ((runs == r).sum(), r))
        s = t[runs == best]
        if len(s) < 2:
            continue
        y0, y1 = _year(s["period"].iloc[0]), _year(s["period"].iloc[-1])
        rows.append(
            {
                "city": city,
                "group_definition": gd,
                "vintage": vint[runs == best].iloc[0],
                "first_period": s["period"].iloc[0],
                "last_period": s["period"].iloc[-1],
                "first_value": float(s["value"].iloc[0]),
                "last_value": float(s["value"].iloc[-1]),
                "years": y1 - y0,
                "value": (float(s["value"].iloc[-1]) - float(s["value"].iloc[0])) / (y1 - y0),
            }
        )
    cols = [
        "city",
        "group_definition",
        "vintage",
        "first_period",
        "last_period",
        "first_value",
        "last_value",
        "years",
        "value",
    ]
    return pd.DataFrame(rows, columns=cols)


@dataclass
class QCASection:
    """What the QCA section shows.

    Attributes
    ----------
    result : compare.qca.WorkbenchQCAResult
    conditions : list of str
    outcome : pandas.DataFrame
        The outcome table (``city, value`` and how it was built).
    outcome_direction : str
    names : dict
        City id -> display name.
    """

    result: Any
    conditions: list[str]
    outcome: pd.DataFrame
    outcome_direction: str = "decrease"
    names: dict = field(default_factory=dict)

    @property
    def ran(self) -> bool:
        """Whether the QCA ran."""
        return bool(self.result.ran)

    def _name(self, c) -> str:
        return self.names.get(c, str(c))

    def needed(self) -> str:
        """What would be needed to run the analysis ("" when it ran).

        Examples
        --------
        >>> qca_section(pd.DataFrame({"city": ["a"], "dimension": ["P"], "score": [2]}),
        ...     pd.DataFrame({"city": ["a"], "value": [0.1]})).needed()[:23]
        'With 1 usable city, not'
        """
        from compare.qca import minimum_cases

        if self.ran:
            return ""
        n = len(self.result.raw)
        k = len(self.conditions)
        table = ", ".join(f"{j} conditions need {minimum_cases(j)}" for j in range(2, max(k, 4) + 1))
        most = max((j for j in range(1, k + 1) if minimum_cases(j) <= n), default=0)
        fit = (
            f"at most {most} condition(s) could be used"
            if most >= 2
            else "not even two conditions can be used"
        )
        return (
            f"With {n} usable {'city' if n == 1 else 'cities'}, {fit} under the rule of thumb "
            "n >= max(6, 4*(k-1)) "
            f"({table}). To run a QCA of all {k} rubric dimensions the network needs at least "
            f"{minimum_cases(k)} cities with a governance profile and outcome data, or a smaller "
            "set of conditions chosen on theoretical grounds beforehand (not by trying "
            "combinations until one fits)."
        )

    def inputs_table(self) -> pd.DataFrame:
        """Raw condition scores (0-4) and outcome per city, with the outcome's periods.

        Examples
        --------
        >>> s = qca_section(pd.DataFrame({"city": ["a"], "dimension": ["P"], "score": [2]}),
        ...     pd.DataFrame({"city": ["a"], "value": [0.1]}))
        >>> s.inputs_table().columns.tolist()
        ['city', 'P', 'outcome (change per year)']
        """
        name = self.result.outcome_name
        raw = self.result.raw.copy()
        raw[self.conditions] = raw[self.conditions].round(3)
        raw = raw.rename(columns={name: OUTCOME_COLUMN})
        raw[OUTCOME_COLUMN] = raw[OUTCOME_COLUMN].round(4)
        raw.insert(0, "city", [self._name(c) for c in raw.index])
        out = raw.reset_index(drop=True)
        out["city"] = out["city"].astype(object)  # an empty table has no dtype to merge on
        extra = [c for c in ("group_definition", "first_period", "last_period") if c in self.outcome.columns]
        if extra:
            info = self.outcome.set_index("city")[extra]
            info.index = [self._name(c) for c in info.index]
            out = out.merge(info, left_on="city", right_index=True, how="left")
        return out

    def truth_table(self) -> pd.DataFrame:
        """Observed truth-table rows (conditions, OUT, n, incl, PRI, cases); empty if not run."""
        if not self.ran:
            return pd.DataFrame()
        tt = self.result.truth_table
        t = tt.observed()[tt.conditions + ["OUT", "n", "incl", "PRI", "cases"]].copy()
        for c in ("incl", "PRI"):
            t[c] = t[c].round(3)
        return t.reset_index(names="row")

    def solutions(self) -> pd.DataFrame:
        """Solution formulas with parameters of fit, one row per solution and model."""
        if not self.ran:
            return pd.DataFrame()
        rows = []
        for kind, sol in self.result.solutions.items():
            fit = sol.fit()
            if fit.empty:
                rows.append({"solution": kind, "model": "", "formula": "(no sufficient configuration)"})
                continue
            for r in fit.itertuples():
                rows.append(
                    {
                        "solution": kind,
                        "model": r.model,
                        "formula": f"{r.formula} -> {self.result.outcome_name}",
                        "consistency (inclS)": round(float(r.inclS), 3),
                        "PRI": round(float(r.PRI), 3),
                        "coverage (covS)": round(float(r.covS), 3),
                    }
                )
        return pd.DataFrame(rows)

    def terms(self) -> pd.DataFrame:
        """Parameters of fit of every term of every solution (raw and unique coverage, cases)."""
        if not self.ran:
            return pd.DataFrame()
        t = self.result.solutions_table()
        for c in ("inclS", "PRI", "covS", "covU"):
            if c in t.columns:
                t[c] = pd.to_numeric(t[c], errors="coerce").round(3)
        return t

    def fig_xy(self, source: str = ""):
        """XY plot of membership in the main solution against the outcome (None if not run).

        The parsimonious solution is plotted when it has a model, else the conservative one.
        """
        if not self.ran:
            return None
        from compare.plots.qca import xy_plot

        sols = self.result.solutions
        sol = next((sols[k] for k in ("parsimonious", "conservative") if k in sols and sols[k].models), None)
        if sol is None:
            return None
        name = self.result.outcome_name
        x = sol.membership()
        x.index = [self._name(c) for c in x.index]
        y = self.result.data[name].reindex(sol.truth_table.data.index)
        y.index = x.index
        y.name = name
        fig = xy_plot(
            x,
            y,
            xlabel=f"membership in the {sol.kind} solution (model M1: {sol.formulas[0]}) (0-1)",
            ylabel=f"membership in {name}: index fell (0-1)",
            source=(source + "\n" if source else "")
            + "QCA: compare.qca (fuzzy sets, Ragin's direct calibration).",
        )
        fig.set_size_inches(6.5, 7)
        fig.tight_layout(rect=(0, 0.07 + 0.02 * source.count("\n"), 1, 1))
        return fig


def qca_section(
    scores: pd.DataFrame,
    outcome: pd.DataFrame,
    conditions: Sequence[str] | None = None,
    *,
    outcome_direction: str = "decrease",
    min_cases: int | None = None,
    names: Mapping[str, str] | None = None,
    **kwargs,
) -> QCASection:
    """Run the network QCA of rubric dimensions against an indicator outcome, or say why not.

    Parameters
    ----------
    scores : pandas.DataFrame
        Tidy rubric scores ``city, dimension, score`` (0-4; several criteria per dimension are
        averaged).
    outcome : pandas.DataFrame
        ``city, value`` (e.g. :func:`dissimilarity_change`); extra columns are kept for display.
    conditions : sequence of str, optional
        Dimensions used as conditions (default: every dimension in ``scores``).
    outcome_direction : {"decrease", "increase"}
    min_cases : int, optional
        Minimum number of cities (default: :func:`compare.qca.minimum_cases`).
    names : mapping, optional
        City id -> display name.
    **kwargs
        Passed to :func:`compare.qca.qca_from_workbench` (anchors, cut-offs, ``dir_exp``).

    Returns
    -------
    QCASection

    Examples
    --------
    >>> s = qca_section(pd.DataFrame({"city": ["a", "b"], "dimension": "P", "score": [1, 4]}),
    ...     pd.DataFrame({"city": ["a", "b"], "value": [0.01, -0.02]}))
    >>> s.ran, s.result.message.startswith("QCA not run")
    (False, True)
    """
    from compare.qca import qca_from_workbench

    res = qca_from_workbench(
        scores,
        outcome[["city", "value"]],
        conditions=conditions,
        outcome_direction=outcome_direction,
        min_cases=min_cases,
        **kwargs,
    )
    conds = (
        list(conditions) if conditions is not None else [c for c in res.raw.columns if c != res.outcome_name]
    )
    if not conds:
        conds = sorted(set(scores["dimension" if "dimension" in scores.columns else "criterion"]))
    return QCASection(
        result=res,
        conditions=[str(c) for c in conds],
        outcome=outcome.copy(),
        outcome_direction=outcome_direction,
        names=dict(names or {}),
    )
