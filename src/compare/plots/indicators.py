"""Figures of the segregation indicators: one figure per index family.

- :func:`plot_index_family` -- two-group, multigroup or spatial indices over time, one panel
  per index, a line per city and group definition (bootstrap band when the panel has
  ``ci_low``/``ci_high``; Moran's I marked where significant);
- :func:`plot_decomposition` -- between/within split of the mutual information M;
- :func:`plot_local_family` -- neighbourhood level: LISA clusters and disadvantage classes of
  one city and period, side by side (maps from :mod:`compare.plots.maps`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.plots._style import add_source, city_colours

__all__ = [
    "period_position",
    "vintage_breaks",
    "plot_index_family",
    "plot_decomposition",
    "plot_local_family",
]

_LABELS = {
    "dissimilarity": "Dissimilarity D",
    "isolation": "Isolation xPx*",
    "exposure": "Exposure xPy*",
    "entropy": "Entropy (Theil H, two groups)",
    "gini": "Gini G",
    "atkinson": "Atkinson A (b = 0.5)",
    "correlation_ratio": "Correlation ratio V",
    "mutual_information": "Mutual information M",
    "theil_h": "Theil H = M / E",
    "multi_dissimilarity": "Multigroup dissimilarity",
    "multi_gini": "Multigroup Gini",
    "normalized_exposure": "Normalised exposure P",
    "spatial_dissimilarity": "Spatial dissimilarity D(adj)",
    "morans_i": "Moran's I of the group share",
}
_UNITS = {"mutual_information": "nats", "morans_i": "I (-1 to 1)"}
_STYLES = ["-", "--", ":", "-."]


def period_position(period) -> float | np.ndarray:
    """Numeric time position of period labels (``"2015-H2"`` -> 2015.5, ``"2015-03"`` -> 2015.17).

    Examples
    --------
    >>> float(period_position("2016-H2"))
    2016.5
    """
    s = pd.Series(np.atleast_1d(period)).astype(str)
    year = s.str.slice(0, 4).astype(float)
    half = s.str.extract(r"-H([12])$")[0].astype(float)
    month = s.str.extract(r"-(\d{2})$")[0].astype(float)
    pos = year + np.where(half.notna(), (half - 1) / 2, 0) + np.where(month.notna(), (month - 1) / 12, 0)
    out = pos.to_numpy()
    return out[0] if np.ndim(period) == 0 else out


def plot_index_family(
    panel: pd.DataFrame,
    family: str = "two-group",
    *,
    source: str,
    cities: Sequence[str] | None = None,
    group_definitions: Sequence[str] | None = None,
    title: str | None = None,
    alpha: float = 0.05,
):
    """Plot every index of one family over time, a line per city and group definition.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`compare.indicators.compute_panel` (``city``, ``period`` keys).
    family : {"two-group", "multigroup", "spatial"}
    source : str
        Source line (publisher, licence).
    cities, group_definitions : sequence of str, optional
        Subsets to draw (default: all in the panel).
    title : str, optional
    alpha : float
        Moran's I points with ``p_value < alpha`` are filled, others hollow.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.synthetic import grid_city
    >>> from compare.indicators import compute_panel
    >>> c = grid_city(6, 6, periods=["2019", "2020"], seed=1)
    >>> fig = plot_index_family(compute_panel(c.population, [c.group_definition]),
    ...                         "multigroup", source="Source: synthetic data")
    >>> len(fig.axes)
    6
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from compare.indicators.panel import INDEX_FAMILY

    if family not in set(INDEX_FAMILY.values()):
        raise DataError(
            f"unknown index family {family!r}; expected one of {sorted(set(INDEX_FAMILY.values()))}"
        )
    for c in ("city", "period", "index", "group_definition", "value"):
        if c not in panel.columns:
            raise DataError(f"panel lacks column {c!r}; expected compute_panel() output", column=c)
    data = panel[panel["index"].map(INDEX_FAMILY) == family]
    if cities is not None:
        data = data[data["city"].isin(cities)]
    if group_definitions is not None:
        data = data[data["group_definition"].isin(group_definitions)]
    data = data[data["value"].notna()]
    if data.empty:
        raise DataError(f"no {family} index values to plot in the panel")
    indices = [i for i in INDEX_FAMILY if i in set(data["index"])]
    ncol = 2 if len(indices) <= 4 else 3
    nrow = int(np.ceil(len(indices) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 3.2 * nrow + 1.3), squeeze=False)
    city_list = list(dict.fromkeys(data["city"]))
    gd_list = list(dict.fromkeys(data["group_definition"]))
    colour = city_colours(city_list)
    style = {g: _STYLES[i % len(_STYLES)] for i, g in enumerate(gd_list)}
    has_ci = {"ci_low", "ci_high"} <= set(data.columns)
    breaks = vintage_breaks(data)
    for ax, index in zip(axes.flat, indices, strict=False):
        for city, xb in breaks:
            ax.axvline(xb, color=colour[city], ls=(0, (1, 3)), lw=1.0, alpha=0.8)
        sub = data[data["index"] == index]
        for (city, gd), line in sub.groupby(["city", "group_definition"], sort=False):
            line = line.assign(_x=period_position(line["period"].to_numpy())).sort_values("_x")
            ax.plot(line["_x"], line["value"], style[gd], color=colour[city], lw=1.6)
            if has_ci and line["ci_low"].notna().any():
                ax.fill_between(line["_x"], line["ci_low"], line["ci_high"], color=colour[city], alpha=0.15)
            if index == "morans_i" and "p_value" in line:
                sig = line["p_value"] < alpha
                ax.scatter(line.loc[sig, "_x"], line.loc[sig, "value"], color=colour[city], s=18)
                ax.scatter(
                    line.loc[~sig, "_x"],
                    line.loc[~sig, "value"],
                    facecolor="white",
                    edgecolor=colour[city],
                    s=18,
                )
        ax.set_title(_LABELS.get(index, index), fontsize=10)
        ax.set_xlabel("year")
        ax.set_ylabel(f"index value ({_UNITS.get(index, '0 to 1')})")
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in axes.flat[len(indices) :]:
        ax.set_visible(False)
    handles = [Line2D([], [], color=colour[c], lw=2, label=c) for c in city_list]
    handles += [Line2D([], [], color="0.3", ls=style[g], lw=1.6, label=g) for g in gd_list]
    if breaks:
        handles.append(Line2D([], [], color="0.3", ls=(0, (1, 3)), label="new area boundaries (vintage)"))
    if family == "spatial" and "morans_i" in indices:
        handles.append(Line2D([], [], marker="o", color="0.3", ls="", label=f"Moran's I p < {alpha:g}"))
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=min(len(handles), 6),
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, 0.025),
    )
    band = " (bands: bootstrap 95% intervals)" if has_ci else ""
    fig.suptitle(title or f"{family.capitalize()} segregation indices by city and year{band}")
    fig.tight_layout(rect=(0, 0.1, 1, 0.96))
    add_source(fig, source)
    return fig


def vintage_breaks(data: pd.DataFrame) -> list[tuple[str, float]]:
    """Where a city's areas change boundaries: ``(city, x)`` midway between the two periods.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame with ``city``, ``period`` and ``vintage`` (e.g. an index panel); without
        ``vintage`` there is no break to find.

    Returns
    -------
    list of (str, float)
        City and time position (:func:`period_position`) of each change, for a vertical line.

    Examples
    --------
    >>> d = pd.DataFrame({"city": "b", "period": ["2020-H1", "2020-H2", "2021-H1"],
    ...     "vintage": ["lor-2006", "lor-2006", "lor-2021"]})
    >>> vintage_breaks(d)
    [('b', 2020.75)]
    """
    if "vintage" not in data.columns:
        return []
    out = []
    per = data.drop_duplicates(["city", "period"])[["city", "period", "vintage"]]
    for city, g in per.groupby("city", sort=False):
        g = g.assign(_x=period_position(g["period"].to_numpy())).sort_values("_x")
        change = g["vintage"].to_numpy()[1:] != g["vintage"].to_numpy()[:-1]
        xs = g["_x"].to_numpy()
        out += [(city, float((xs[i] + xs[i + 1]) / 2)) for i in np.flatnonzero(change)]
    return out


def plot_decomposition(decomposition: pd.DataFrame, *, source: str, title: str | None = None):
    """Stacked bars of M between units and within units over time.

    Parameters
    ----------
    decomposition : pandas.DataFrame
        Output of :func:`compare.indicators.decompose_mutual_information` with ``period``.
    source : str
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> d = pd.DataFrame({"period": ["2020"] * 3, "component": ["total", "between", "within"],
    ...     "unit": "", "value": [0.3, 0.1, 0.2], "between_unit": "city"})
    >>> fig = plot_decomposition(d, source="s")
    """
    import matplotlib.pyplot as plt

    if "period" not in decomposition.columns:
        raise DataError("decomposition lacks a `period` column; decompose with by=('period',)")
    d = decomposition[decomposition["unit"] == ""]
    wide = d.pivot_table(index="period", columns="component", values="value", aggfunc="first")
    unit = str(decomposition["between_unit"].iloc[0]) if "between_unit" in d else "unit"
    units = "cities" if unit == "city" else f"{unit}s"
    x = period_position(wide.index.to_numpy())
    width = 0.35 if np.all(np.diff(np.sort(x)) >= 0.5) else 0.2
    fig, ax = plt.subplots(figsize=(8, 4.8))
    ax.bar(x, wide["within"], width, label=f"within {units}", color="#80b1d3")
    ax.bar(x, wide["between"], width, bottom=wide["within"], label=f"between {units}", color="#fb8072")
    for xi, tot, b in zip(x, wide["total"], wide["between"], strict=True):
        ax.text(xi, tot, f"{b / tot:.0%}" if tot > 0 else "", ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("year")
    ax.set_ylabel("mutual information M (nats)")
    ax.legend(title="share of M between (% above bars)", fontsize=8, title_fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(title or f"Segregation between and within {units} (M decomposition)")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def plot_local_family(
    local: pd.DataFrame,
    disadvantage: pd.DataFrame,
    areas,
    *,
    city: str,
    period: str,
    group_definition: str,
    source: str,
):
    """Neighbourhood level of one city and period: LISA clusters and disadvantage classes.

    Parameters
    ----------
    local : pandas.DataFrame
        Output of :func:`compare.indicators.local_indicators` (with LISA columns).
    disadvantage : pandas.DataFrame
        Output of :func:`compare.indicators.disadvantage_index`.
    areas : geopandas.GeoDataFrame
        Canonical areas.
    city, period, group_definition : str
        What to draw (the LISA map shows ``group_definition``'s share clusters).
    source : str

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.synthetic import grid_city
    >>> from compare.indicators import disadvantage_index, local_indicators
    >>> c = grid_city(6, 6, seed=1)
    >>> loc = local_indicators(c.population, [c.group_definition], c.areas, permutations=49)
    >>> fig = plot_local_family(loc, disadvantage_index(loc), c.areas, city=c.areas.city[0],
    ...                         period="2020", group_definition="synthetic", source="s")
    """
    import matplotlib.pyplot as plt

    from compare.plots.maps import DISADVANTAGE_COLOURS, LISA_COLOURS, plot_categories

    lo = local[
        (local["city"] == city)
        & (local["period"] == period)
        & (local["group_definition"] == group_definition)
    ]
    di = disadvantage[(disadvantage["city"] == city) & (disadvantage["period"] == period)]
    if lo.empty or di.empty:
        raise DataError(
            f"nothing to draw for city {city!r}, period {period!r}, group definition {group_definition!r}",
            column="city",
        )
    vint = set(lo["vintage"]) if "vintage" in lo else None
    ar = areas[(areas["city"] == city) & (areas["vintage"].isin(vint) if vint else True)]
    fig, axes = plt.subplots(1, 2, figsize=(15, 6.8))
    plot_categories(
        ar,
        lo[["area_id", "lisa_cluster"]],
        "lisa_cluster",
        colours=LISA_COLOURS,
        title=f"LISA clusters of the {group_definition} share",
        legend_title="cluster (areas)",
        source="",
        ax=axes[0],
    )
    names = [c[2:] for c in di.columns if c.startswith("z_")]
    plot_categories(
        ar,
        di[["area_id", "status_class"]],
        "status_class",
        colours=DISADVANTAGE_COLOURS,
        title=f"Composite index of {' + '.join(names)} shares: status class",
        legend_title="status (areas)",
        source="",
        ax=axes[1],
    )
    fig.suptitle(f"{city.capitalize()}, {period}: neighbourhood-level indicators")
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    add_source(fig, source)
    return fig
