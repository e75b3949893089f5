"""Section 4 of a city report: group shares in the model's covered areas against the rest of the city."""

from __future__ import annotations

import html as _html

import pandas as pd

from compare.pages._common import Section, _finish_grid, html_of
from compare.pages.city import CityData as CityAssessment
from compare.pages.city import load_city  # noqa: F401  (doctests)
from compare.plots._style import year_axis
from compare.plots.indicators import period_position

__all__ = ["OutcomesSection", "outcomes_table", "fig_outcomes"]


def outcomes_table(a: CityAssessment) -> pd.DataFrame:
    """Group shares in the model's covered areas against the rest of the city, per period.

    Shares are population-weighted (sum of group / sum of total); columns of
    :func:`compare.governance.covered_vs_rest`.

    Examples
    --------
    >>> outcomes_table(a)["indicator"].nunique()  # doctest: +SKIP
    5
    """
    from compare.governance import covered_vs_rest

    if a.profile is None or not a.covered:  # no profile, or its covered areas use another area scheme
        return pd.DataFrame()
    loc = a.local[~a.local["small_area"].astype(bool)]
    loc = loc.assign(indicator=loc["group_definition"], value=loc["share"])
    wide = loc.pivot_table(
        index=["city", "area_id", "period"], columns="indicator", values="value"
    ).reset_index()
    wide.columns.name = None
    weights = loc.pivot_table(index=["city", "area_id", "period"], values="total", aggfunc="max")
    wide = wide.merge(weights.reset_index(), on=["city", "area_id", "period"], how="left")
    return covered_vs_rest(wide, {a.city: a.profile}, weight="total")


def fig_outcomes(a: CityAssessment):
    """Covered vs other areas over time, one panel per group definition.

    Examples
    --------
    >>> fig_outcomes(a)  # doctest: +SKIP
    """
    from compare.plots import panel_grid

    t = outcomes_table(a)
    if t.empty:
        from IPython.display import HTML

        why = _why_no_comparison(a)
        return HTML(f"<p>No covered-vs-rest comparison for {_html.escape(a.name)}: {why}.</p>")
    inds = list(dict.fromkeys(t["indicator"]))
    fig, axes = panel_grid(len(inds), ncols=3, panel_size=(4.2, 3.2))
    for ax, ind in zip(axes, inds, strict=True):
        s = t[t["indicator"] == ind].copy()
        s["x"] = period_position(s["period"])
        s = s.sort_values("x")
        ax.plot(s["x"], 100 * s["covered_mean"], marker="o", lw=2, label="covered by the model")
        ax.plot(s["x"], 100 * s["rest_mean"], marker=".", lw=1.2, label="rest of the city")
        ax.set_title(ind.replace("_", " "), fontsize=9)
        year_axis(ax)
        ax.set_ylabel("Share of the reference population (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    return _finish_grid(fig, f"{a.name}: covered areas against the rest of the city", a.source_line)


def _why_no_comparison(a: CityAssessment) -> str:
    """Why a city has no covered-vs-rest comparison, in words."""
    if a.profile is None:
        return "it has no governance profile"
    if not a.covered:
        return "the profile's covered areas are not areas of this data entry"
    return "no covered area has data"


class OutcomesSection(Section):
    """Covered vs other areas over time (a descriptive comparison, not an effect estimate).

    Examples
    --------
    >>> OutcomesSection(load_city("helsinki-berlin", "vantaa")).table()["indicator"].nunique()
    5
    """

    @property
    def empty(self) -> str:
        """The sentence shown instead of an empty table."""
        a = self.a
        why = _why_no_comparison(a)
        return f"No covered-vs-rest comparison for {a.name}: {why}."

    def table(self) -> pd.DataFrame:
        """Shares in covered areas and the rest, per period (:func:`outcomes_table`)."""
        return outcomes_table(self.a)

    def figure(self):
        """Covered vs rest over time, one panel per group definition (:func:`fig_outcomes`)."""
        return fig_outcomes(self.a)

    def show_table(self):
        """The table, or the sentence saying why there is none (for a notebook cell)."""
        from IPython.display import HTML

        return HTML(html_of(self.table(), self.empty))

    def parts(self) -> list:
        """Displayables of the section, in order."""
        return [self.figure(), self.table()]
