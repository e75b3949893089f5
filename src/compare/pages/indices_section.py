"""Section 2 of a city report: city-level segregation indices over time, against the peers."""

from __future__ import annotations

import textwrap

import pandas as pd

from compare.errors import DataError
from compare.pages._common import INDEX_LABELS, Section, _finish_grid, _mark_breaks
from compare.pages.city import CityData as CityAssessment
from compare.pages.city import load_city  # noqa: F401  (doctests)
from compare.plots._style import peer_lines, year_axis
from compare.plots.indicators import period_position, vintage_breaks

__all__ = ["IndexSection", "index_table", "fig_index_trends"]


def index_table(a: CityAssessment, index: str = "dissimilarity") -> pd.DataFrame:
    """Latest value of a segregation index per group definition: the city against its peers.

    Returns one row per group definition of the city with a column per city (value in the city's latest
    period within the assessment's years) and the period used.

    Examples
    --------
    >>> index_table(a).columns[0]  # doctest: +SKIP
    'group_definition'
    """
    own = {d.name for d in a.network.definitions_for(a.city)}
    t = a.panel[
        (a.panel["index"] == index) & a.panel["value"].notna() & a.panel["group_definition"].isin(own)
    ]
    if t.empty:
        return pd.DataFrame(columns=["group_definition"])
    t = t.sort_values("period").groupby(["group_definition", "city"]).tail(1)
    wide = t.pivot(index="group_definition", columns="city", values="value")
    order = [c for c in [a.city, *a.peers] if c in wide.columns]
    wide = wide[order].round(3)
    wide.columns = [a.network.cities[c].name for c in order]
    latest = t[t["city"] == a.city].set_index("group_definition")["period"]
    wide[f"period ({a.name})"] = latest
    return wide.reset_index()


def fig_index_trends(a: CityAssessment, index: str = "dissimilarity"):
    """Index over time, one panel per group definition of the city; peers in thin lines.

    Examples
    --------
    >>> fig_index_trends(a)  # doctest: +SKIP
    """
    from compare.plots import panel_grid

    t = a.panel[(a.panel["index"] == index) & a.panel["value"].notna()].copy()
    defs = [d.name for d in a.network.definitions_for(a.city)]
    defs = [d for d in defs if d in set(t["group_definition"])]
    if not defs:
        raise DataError(f"no {index} values for the city's group definitions", column="index")
    t["x"] = period_position(t["period"])
    fig, axes = panel_grid(len(defs), ncols=3, panel_size=(4.2, 3.3))
    cities = [a.city, *a.peers]
    names = {c: a.network.cities[c].name for c in cities}
    breaks = [x for c, x in vintage_breaks(t) if c == a.city]
    for ax, d in zip(axes, defs, strict=True):
        sub = t[t["group_definition"] == d]
        drawn = [c for c in cities if (sub["city"] == c).any()]
        lines = peer_lines(a.city, a.peers, names, drawn=drawn)
        for c in drawn:
            s = sub[sub["city"] == c].sort_values("x")
            main = c == a.city
            ax.plot(
                s["x"],
                s["value"],
                marker="o" if main else ".",
                lw=2.4 if main else 1.0,
                color=lines[c]["color"],
                label=lines[c]["label"],
                zorder=3 if main else 2,
            )
        _mark_breaks(ax, breaks, a.name)
        gd = a.network.group_definitions[d]
        title = f"{d.replace('_', ' ')} ({gd.group} / {gd.total})"
        ax.set_title(textwrap.fill(title, 50), fontsize=9)  # long variable names stay inside the figure
        year_axis(ax)
        if t["x"].nunique() == 1:  # one period (e.g. the 2021 census grid): no empty decades around it
            x0 = float(t["x"].iloc[0])
            ax.set_xlim(x0 - 2, x0 + 2)
            ax.set_xticks([x0], [str(t["period"].iloc[0])])
        ax.set_ylabel(INDEX_LABELS.get(index, index))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    return _finish_grid(fig, f"{INDEX_LABELS.get(index, index)}: {a.name} against its peers", a.source_line)


class IndexSection(Section):
    """One index over time for the city's group definitions, peers alongside.

    Examples
    --------
    >>> s = IndexSection(load_city("helsinki-berlin", "berlin"), "dissimilarity")
    >>> s.table()["group_definition"].tolist()
    ['foreigners', 'migration_background']
    """

    def __init__(self, a, index: str = "dissimilarity"):
        super().__init__(a)
        self.index = index
        self.title = INDEX_LABELS.get(index, index)

    @property
    def empty(self) -> str:
        """The sentence shown instead of an empty table."""
        return f"No {self.index} values for {self.a.name}'s group definitions."

    def table(self) -> pd.DataFrame:
        """Latest value per group definition, the city against its peers (:func:`index_table`)."""
        return index_table(self.a, self.index)

    def figure(self):
        """The index over time, one panel per group definition (:func:`fig_index_trends`)."""
        return fig_index_trends(self.a, self.index)

    def parts(self) -> list:
        """Displayables of the section, in order."""
        return [self.figure(), self.table()]
