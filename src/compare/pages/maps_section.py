"""Section 3 of a city report: neighbourhood maps (group shares, LISA clusters, social status classes)."""

from __future__ import annotations

import html as _html

import pandas as pd

from compare.pages._common import Section
from compare.pages._display import _close
from compare.pages.city import CityData as CityAssessment
from compare.pages.city import load_city  # noqa: F401  (doctests)

__all__ = ["MapsSection", "fig_share_maps", "fig_lisa_map", "disadvantage_table", "fig_disadvantage_map"]


def _map_areas(a: CityAssessment):
    ids = set(a.local_map["area_id"])
    areas = a.network.areas
    return areas[(areas["city"] == a.city) & areas["area_id"].isin(ids)]


def fig_share_maps(a: CityAssessment) -> list:
    """One choropleth per group definition: the group's share by area in the map period.

    Examples
    --------
    >>> len(fig_share_maps(a))  # doctest: +SKIP
    5
    """
    from compare.plots.maps import plot_choropleth

    areas = _map_areas(a)
    figs = []
    for d, sub in a.local_map.groupby("group_definition", sort=False):
        gd = a.network.group_definitions[d]
        vals = sub.assign(share=sub["share"].where(~sub["small_area"].astype(bool)))
        if not vals["share"].astype(float).notna().any():
            from IPython.display import HTML

            figs.append(
                HTML(
                    f"<p>No map of {_html.escape(gd.label or d)}: no area of {_html.escape(a.name)} has a "
                    f"published value in {_html.escape(str(a.map_period))} (see the import notes).</p>"
                )
            )
            continue
        figs.append(
            _close(
                plot_choropleth(
                    areas,
                    vals[["area_id", "share"]],
                    "share",
                    covered=a.covered,
                    title=f"{a.name}, {a.map_period}: {gd.label or d}",
                    legend_title=f"{gd.group} / {gd.total} (%)",
                    source=a.source_line,
                )
            )
        )
    return figs


def fig_lisa_map(a: CityAssessment, definition: str | None = None):
    """LISA clusters of a group's share (default: the city's first group definition).

    Examples
    --------
    >>> fig_lisa_map(a)  # doctest: +SKIP
    """
    from compare.plots.maps import LISA_COLOURS, plot_categories

    definition = definition or a.network.definitions_for(a.city)[0].name
    sub = a.local_map[a.local_map["group_definition"] == definition]
    col = "lisa_cluster" if "lisa_cluster" in sub.columns else "cluster"
    vals = sub[["area_id", col]].copy()
    vals[col] = vals[col].fillna("not significant")
    return _close(
        plot_categories(
            _map_areas(a),
            vals,
            col,
            colours=LISA_COLOURS,
            covered=a.covered,
            title=f"{a.name}, {a.map_period}: local Moran clusters of the {definition} share (p ≤ 0.05)",
            legend_title="LISA cluster (areas)",
            source=a.source_line,
        )
    )


def disadvantage_table(a: CityAssessment) -> pd.DataFrame:
    """Areas by disadvantage class, covered areas flagged (map period).

    Examples
    --------
    >>> disadvantage_table(a)["status_class"].iloc[0]  # doctest: +SKIP
    'very low'
    """
    d = a.disadvantage.copy()
    d["covered"] = d["area_id"].isin(set(a.covered))
    cols = [c for c in ["area_id", "index", "status_class", "covered", "note"] if c in d.columns]
    return d.sort_values("index", ascending=False)[cols].reset_index(drop=True)


def fig_disadvantage_map(a: CityAssessment):
    """Disadvantage (social status) classes of areas, covered areas outlined.

    Examples
    --------
    >>> fig_disadvantage_map(a)  # doctest: +SKIP
    """
    from compare.plots.maps import DISADVANTAGE_COLOURS, plot_categories

    defs = ", ".join(sorted(a.local_map["group_definition"].unique()))
    return _close(
        plot_categories(
            _map_areas(a),
            a.disadvantage[["area_id", "status_class"]],
            "status_class",
            colours=DISADVANTAGE_COLOURS,
            covered=a.covered,
            title=f"{a.name}, {a.map_period}: social status classes (composite of {defs})",
            legend_title="Status class (areas)",
            source=a.source_line,
        )
    )


class MapsSection(Section):
    """Maps of the map period: one share map per group definition, LISA clusters, status classes.

    Examples
    --------
    >>> s = MapsSection(load_city("helsinki-berlin", "vantaa"))
    >>> bool(s.table()["status_class"].notna().all())
    True
    """

    empty = "No area of this city has a status class (too few areas with data)."

    def table(self) -> pd.DataFrame:
        """Status index and class of every area (:func:`disadvantage_table`)."""
        return disadvantage_table(self.a)

    def figures(self) -> list:
        """Share maps, the LISA map and the status-class map."""
        return [*fig_share_maps(self.a), fig_lisa_map(self.a), fig_disadvantage_map(self.a)]

    def figure(self):
        """The status-class map (:func:`fig_disadvantage_map`)."""
        return fig_disadvantage_map(self.a)

    def parts(self) -> list:
        """Displayables of the section, in order."""
        return [*self.figures(), self.table()]
