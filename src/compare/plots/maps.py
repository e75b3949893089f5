"""Choropleth maps of neighbourhood indicators, with the model's covered areas outlined.

Every map has a title, a legend, a scale bar, labelled axes (kilometres in the map's metric
CRS, EPSG:3035 by default) and a source line. Numeric values are drawn in classes chosen for
the number of areas (:func:`class_breaks`), categories (LISA clusters, disadvantage classes)
in fixed colours so that maps of different cities read the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.plots._style import add_source

__all__ = [
    "LISA_COLOURS",
    "DISADVANTAGE_COLOURS",
    "class_breaks",
    "add_scale_bar",
    "plot_choropleth",
    "plot_categories",
]

#: colours of LISA cluster labels (as produced by :func:`compare.indicators.lisa`).
LISA_COLOURS: dict[str, str] = {
    "high-high": "#d7191c",
    "low-low": "#2c7bb6",
    "high-low": "#fdae61",
    "low-high": "#abd9e9",
    "not significant": "#eeeeee",
    "no neighbours": "#bdbdbd",
}

#: colours of the disadvantage status classes of :func:`compare.indicators.disadvantage_index`.
DISADVANTAGE_COLOURS: dict[str, str] = {
    "high": "#1a9641",
    "medium": "#ffffbf",
    "low": "#fdae61",
    "very low": "#d7191c",
    "not classified": "#bdbdbd",
}

_COVERED_STYLE = {"edgecolor": "black", "linewidth": 1.6, "facecolor": "none"}


def _plot_geometries(frame, ax, **style):
    """``frame.plot(ax=ax, **style)`` without the full draw geopandas requests after each call.

    geopandas ends every ``plot`` with ``canvas.draw_idle()``; on a non-interactive canvas (Agg,
    the notebook's inline backend) that draws the whole figure on the spot, once per layer,
    although it is drawn again when it is displayed or saved (a map of three layers was drawn
    four times). The request is dropped for the duration of the call only.
    """
    canvas = ax.figure.canvas
    own = "draw_idle" in vars(canvas)
    previous = vars(canvas).get("draw_idle")
    canvas.draw_idle = lambda *args, **kwargs: None
    try:
        return frame.plot(ax=ax, **style)
    finally:
        if own:
            canvas.draw_idle = previous
        else:
            del canvas.draw_idle


def class_breaks(values: Sequence[float] | np.ndarray, k: int | None = None) -> np.ndarray:
    """Upper bounds of quantile classes suited to the number of areas.

    ``k`` defaults to 3 classes below 15 areas, 4 below 40, 5 below 200 and 6 above;
    duplicate bounds (ties) are merged, so fewer classes may come back.

    Parameters
    ----------
    values : array-like
        Finite values (NaN are ignored).
    k : int, optional
        Number of classes.

    Returns
    -------
    numpy.ndarray
        Increasing upper bounds; the last equals the maximum.

    Examples
    --------
    >>> class_breaks(np.arange(10.0)).round(2).tolist()
    [3.0, 6.0, 9.0]
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise DataError("no finite values to classify", column="value")
    if k is None:
        n = v.size
        k = 3 if n < 15 else 4 if n < 40 else 5 if n < 200 else 6
    qs = np.quantile(v, np.linspace(0, 1, k + 1)[1:])
    return np.unique(qs)


def add_scale_bar(ax, *, units_per_km: float = 1000.0, location: str = "lower right") -> None:
    """Draw a scale bar of a round length (1, 2, 5, 10, ... km) about a fifth of the map width.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_xlim(0, 20000); _ = ax.set_ylim(0, 10000)
    >>> add_scale_bar(ax)
    """
    x0, x1 = ax.get_xlim()
    width_km = (x1 - x0) / units_per_km
    target = width_km / 5
    nice = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500]
    length = max([n for n in nice if n <= target] or [nice[0]])
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar as Bar

    label = f"{length:g} km"
    bar = Bar(
        ax.transData,
        length * units_per_km,
        label,
        location,
        pad=0.4,
        sep=3,
        frameon=True,
        size_vertical=(ax.get_ylim()[1] - ax.get_ylim()[0]) / 150,
    )
    bar.patch.set_alpha(0.8)
    ax.add_artist(bar)


def _wrap(text: str, width: int = 150) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _km_axes(ax, crs_label: str) -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"{v / 1000:,.0f}")
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    ax.set_xlabel(f"Easting (km, {crs_label})")
    ax.set_ylabel(f"Northing (km, {crs_label})")
    ax.tick_params(labelsize=7)
    ax.set_aspect("equal")


def _join(areas, values: pd.DataFrame, column: str):
    if column not in values.columns:
        raise DataError(f"column {column!r} not in the values table", column=column)
    if "area_id" not in values.columns:
        raise DataError("values table has no area_id column", column="area_id")
    v = values[["area_id", column]].copy()
    v["area_id"] = v["area_id"].astype(str)
    if v["area_id"].duplicated().any():
        dup = v.loc[v["area_id"].duplicated(), "area_id"].iloc[0]
        raise DataError(
            f"area {dup!r} has several values; expected one row per area (filter one period "
            "and one group definition first)",
            row=dup,
            column="area_id",
        )
    a = areas[["area_id", "geometry"]].copy()
    a["area_id"] = a["area_id"].astype(str)
    return a.merge(v, on="area_id", how="left")


def _outline(ax, areas, covered: Iterable[str] | None, handles: list) -> int:
    if covered is None:
        return 0
    from matplotlib.patches import Patch

    ids = {str(c) for c in covered}
    sel = areas[areas["area_id"].astype(str).isin(ids)]
    if len(sel):
        _plot_geometries(sel.boundary, ax, color="black", linewidth=1.6)
        handles.append(Patch(**_COVERED_STYLE, label="covered by the model"))
    return len(sel)


def _finish_map(fig, ax, areas, covered, handles, legend_title, crs_label, title, source):
    """Covered-area outlines, legend beside the map, km axes, scale bar, title and source line."""
    _outline(ax, areas, covered, handles)
    ax.legend(
        handles=handles,
        title=legend_title,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        title_fontsize=8,
        frameon=False,
    )
    _km_axes(ax, crs_label)
    add_scale_bar(ax)
    ax.set_title(title, fontsize=10)
    add_source(fig, _wrap(source))
    return fig


def plot_choropleth(
    areas,
    values: pd.DataFrame,
    column: str,
    *,
    covered: Iterable[str] | None = None,
    k: int | None = None,
    cmap: str = "YlOrRd",
    percent: bool = True,
    title: str,
    legend_title: str,
    source: str,
    crs_label: str = "EPSG:3035",
    ax=None,
):
    """Map a numeric area indicator in quantile classes, covered areas outlined.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        ``area_id`` and geometry (metric CRS).
    values : pandas.DataFrame
        ``area_id`` and ``column``, one row per area.
    column : str
        Indicator to map (e.g. ``share``).
    covered : iterable of str, optional
        Area ids covered by the governance model, drawn with a thick black outline.
    k : int, optional
        Number of classes (default by number of areas, see :func:`class_breaks`).
    cmap : str
    percent : bool
        Show values in the legend as percentages (for shares in 0..1).
    title, legend_title, source : str
        Title, legend heading (with unit) and source line.
    crs_label : str
        Name of the metric CRS for the axis labels.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(4, 4, seed=1)
    >>> vals = pd.DataFrame({"area_id": c.areas["area_id"], "share": np.linspace(0, 1, 16)})
    >>> fig = plot_choropleth(c.areas, vals, "share", covered=[c.areas["area_id"][0]],
    ...                       title="t", legend_title="share (%)", source="s")
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm
    from matplotlib.patches import Patch

    data = _join(areas, values, column)
    finite = data[column].astype(float)
    breaks = class_breaks(finite, k)
    lower = float(np.nanmin(finite))
    bounds = np.concatenate([[lower], breaks])
    if len(bounds) < 2:
        bounds = np.array([lower, lower + 1e-9])
    colours = plt.get_cmap(cmap, len(bounds) - 1)
    norm = BoundaryNorm(bounds, colours.N, clip=True)
    if ax is None:
        fig, ax = plt.subplots(figsize=(9.5, 6.5))
        fig.subplots_adjust(left=0.09, right=0.72, bottom=0.17, top=0.93)
    else:
        fig = ax.figure
    missing = data[finite.isna()]
    _plot_geometries(
        data[finite.notna()], ax, column=column, cmap=colours, norm=norm, edgecolor="white", linewidth=0.3
    )
    if len(missing):
        _plot_geometries(missing, ax, color="#d9d9d9", edgecolor="white", linewidth=0.3, hatch="///")
    scale = 100.0 if percent else 1.0
    handles = []
    for i in range(len(bounds) - 1):
        lo, hi = bounds[i] * scale, bounds[i + 1] * scale
        handles.append(Patch(facecolor=colours(i), edgecolor="0.5", label=f"{lo:.1f} – {hi:.1f}"))
    if len(missing):
        handles.append(Patch(facecolor="#d9d9d9", hatch="///", label="no data, suppressed or too small"))
    return _finish_map(fig, ax, areas, covered, handles, legend_title, crs_label, title, source)


def plot_categories(
    areas,
    values: pd.DataFrame,
    column: str,
    *,
    colours: Mapping[str, str],
    covered: Iterable[str] | None = None,
    title: str,
    legend_title: str,
    source: str,
    crs_label: str = "EPSG:3035",
    ax=None,
):
    """Map a categorical area label (LISA cluster, disadvantage class), covered areas outlined.

    Categories are drawn in the fixed ``colours`` (see :data:`LISA_COLOURS`,
    :data:`DISADVANTAGE_COLOURS`); labels starting with ``"not computed"`` form one grey
    class; the legend lists the categories present with their counts.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.synthetic import grid_city
    >>> c = grid_city(3, 3, seed=1)
    >>> vals = pd.DataFrame({"area_id": c.areas["area_id"], "cl": ["high-high"] * 9})
    >>> fig = plot_categories(c.areas, vals, "cl", colours=LISA_COLOURS, title="t",
    ...                       legend_title="LISA", source="s")
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    data = _join(areas, values, column)
    data[column] = data[column].fillna("no data").astype(str)
    # "not computed (small area)" and the like share one grey class
    data[column] = data[column].where(~data[column].str.startswith("not computed"), "not computed")
    palette = dict(colours)
    palette.setdefault("not computed", "#d9d9d9")
    palette.setdefault("no data", "#ffffff")
    unknown = sorted(set(data[column]) - set(palette))
    if unknown:
        raise DataError(
            f"categories {unknown} have no colour; expected one of {list(palette)}",
            column=column,
        )
    if ax is None:
        fig, ax = plt.subplots(figsize=(9.5, 6.5))
        fig.subplots_adjust(left=0.09, right=0.72, bottom=0.17, top=0.93)
    else:
        fig = ax.figure
    _plot_geometries(data, ax, color=data[column].map(palette), edgecolor="white", linewidth=0.3)
    counts = data[column].value_counts()
    handles = [
        Patch(facecolor=palette[c], edgecolor="0.5", label=f"{c} ({counts[c]})")
        for c in palette
        if c in counts
    ]
    return _finish_map(fig, ax, areas, covered, handles, legend_title, crs_label, title, source)
