"""Shared figure conventions: the source/attribution line under every figure, panel grids, city colours."""

from __future__ import annotations

import math

__all__ = [
    "add_source",
    "panel_grid",
    "year_axis",
    "city_colours",
    "peer_lines",
    "city_legend",
    "legend_rows",
    "MAX_NAMED_PEERS",
    "LEGEND_ROW_IN",
]

#: height of one row of a figure legend of cities (7 pt), in inches
LEGEND_ROW_IN = 0.19

#: peers a city report's figure names one by one, each in its colour; more are drawn in grey
MAX_NAMED_PEERS = 9


def add_source(fig, text: str, *, fontsize: float = 7.5) -> None:
    """Write a source / attribution line in the bottom-left corner of a figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    text : str
        E.g. ``"Source: Statistics Finland, Paavo 2012-2017 (CC BY 4.0)"``.
    fontsize : float, optional

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> add_source(fig, "Source: example")
    """
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=fontsize, color="0.35")


def panel_grid(
    n: int,
    *,
    ncols: int,
    panel_size: tuple[float, float],
    extra_height: float = 0.6,
    **subplots_kw,
):
    """Figure with ``n`` panels on a grid at most ``ncols`` wide; cells left over are hidden.

    Parameters
    ----------
    n : int
        Number of panels (at least 1).
    ncols : int
        Largest number of columns (fewer when ``n`` is smaller).
    panel_size : (float, float)
        Width and height of one panel in inches.
    extra_height : float, optional
        Inches added to the figure height for a title and a source line.
    **subplots_kw
        Passed to :func:`matplotlib.pyplot.subplots` (``sharey``, ``subplot_kw`` ...).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : list of matplotlib.axes.Axes
        The ``n`` panels, row by row.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, axes = panel_grid(5, ncols=3, panel_size=(4, 3))
    >>> len(axes), len(fig.axes), sum(ax.get_visible() for ax in fig.axes)
    (5, 6, 5)
    """
    import matplotlib.pyplot as plt

    if n < 1:
        raise ValueError(f"a panel grid needs at least one panel, got n={n}")
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    width, height = panel_size
    fig, grid = plt.subplots(
        nrows, ncols, figsize=(width * ncols, height * nrows + extra_height), squeeze=False, **subplots_kw
    )
    cells = list(grid.flat)
    for ax in cells[n:]:
        ax.set_visible(False)
    return fig, cells[:n]


def year_axis(ax, label: str = "Year") -> None:
    """Label a time axis in whole years: ticks only at integers, printed without decimals.

    Periods are placed at fractional positions (``"2015-H2"`` at 2015.5, see
    :func:`compare.plots.period_position`); without this, matplotlib ticks a two-year series at
    2022.0, 2022.2, ... and prints them run together.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.plot([2022, 2023], [0.1, 0.2]); year_axis(ax)
    >>> fig.canvas.draw(); sorted({t.get_text() for t in ax.get_xticklabels()} & {"2022", "2023"})
    ['2022', '2023']
    >>> all(t.get_text().isdigit() for t in ax.get_xticklabels())
    True
    """
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins="auto", min_n_ticks=1))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
    ax.set_xlabel(label)


def city_colours(cities) -> dict:
    """A colour per city, distinct for up to 20 cities (tab10 up to 10, tab20 beyond; then repeated).

    ``plt.get_cmap("tab10")(i)`` gives every ``i >= 10`` the same last colour: in a network of 16
    cities six lines shared one colour and one could not tell them apart.

    Examples
    --------
    >>> c = city_colours([f"c{i}" for i in range(16)])
    >>> len(set(c.values()))
    16
    >>> city_colours(["a", "b"])["b"] == __import__("matplotlib").colormaps["tab10"](1)
    True
    """
    import matplotlib

    cities = list(cities)
    cmap = matplotlib.colormaps["tab10" if len(cities) <= 10 else "tab20"]
    return {c: cmap(i % cmap.N) for i, c in enumerate(cities)}


def peer_lines(city: str, peers, names=None, *, drawn=None) -> dict:
    """Colour and legend label of a city report's city and of each peer in one panel of its figures.

    Up to :data:`MAX_NAMED_PEERS` peers, each has a colour and its name in the legend (tab10, the
    city first). With more, a figure of 16 lines and a 16-entry legend could not be read: the
    peers are drawn in light grey with one legend entry, ``"other cities of the network (n)"``,
    and the city stands out. The network comparison names every city.

    Parameters
    ----------
    city : str
    peers : sequence of str
        Every peer of the figure (they decide the colours and whether peers are named).
    names : mapping, optional
        City id -> display name.
    drawn : sequence of str, optional
        The cities the panel draws, in drawing order (default: the city and every peer). In
        grey, the first peer drawn carries the legend entry, counting the peers drawn; the
        others get ``"_nolegend_"``.

    Returns
    -------
    dict
        City id -> ``{"color": ..., "label": ...}``.

    Examples
    --------
    >>> few = peer_lines("a", ["b", "c"])
    >>> few["b"]["label"], few["a"]["color"] == city_colours(["a", "b", "c"])["a"]
    ('b', True)
    >>> many = peer_lines("a", [f"p{i}" for i in range(12)])
    >>> many["p0"]["label"], many["p1"]["label"], many["p5"]["color"]
    ('other cities of the network (12)', '_nolegend_', '0.7')
    >>> peer_lines("a", [f"p{i}" for i in range(12)], drawn=["a", "p3", "p4"])["p3"]["label"]
    'other cities of the network (2)'
    """
    names = dict(names or {})
    peers = [p for p in peers if p != city]
    if len(peers) <= MAX_NAMED_PEERS:
        colours = city_colours([city, *peers])
        return {c: {"color": colours[c], "label": names.get(c, c)} for c in [city, *peers]}
    grey = [p for p in (peers if drawn is None else drawn) if p != city]
    out = {city: {"color": city_colours([city])[city], "label": names.get(city, city)}}
    for p in peers:
        label = f"other cities of the network ({len(grey)})" if grey and p == grey[0] else "_nolegend_"
        out[p] = {"color": "0.7", "label": label}
    return out


def legend_rows(n_cities: int, ncol: int = 4) -> int:
    """Rows of the figure legend :func:`city_legend` draws for ``n_cities`` (0: a legend in each panel).

    Examples
    --------
    >>> legend_rows(4), legend_rows(16)
    (0, 4)
    """
    return 0 if n_cities <= MAX_NAMED_PEERS + 1 else math.ceil(n_cities / ncol)


def city_legend(fig, axes, *, bottom: float, fontsize: float = 7, ncol: int = 4) -> None:
    """One legend of a panel grid's cities, below the panels (for more than ``MAX_NAMED_PEERS + 1``).

    With that many cities a legend in each panel would cover its lines (16 entries in a 3-inch
    panel): the cities are listed once, under the panels, from ``bottom`` (figure fraction: the
    panels' lower edge, left free by the figure's layout) downwards; the figure must reserve
    :func:`legend_rows` rows of :data:`LEGEND_ROW_IN` there. With fewer cities (``legend_rows``
    0) each panel keeps its own legend and this is not called.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, axes = panel_grid(2, ncols=2, panel_size=(3, 2))
    >>> for ax in axes:
    ...     for i in range(12):
    ...         _ = ax.plot([0, 1], [i, i], label=f"c{i}")
    >>> city_legend(fig, axes, bottom=0.3)
    >>> [ax.get_legend() for ax in axes], len(fig.legends[0].get_texts())
    ([None, None], 12)
    """
    handles: dict = {}
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, h)
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="upper center",
        bbox_to_anchor=(0.5, bottom),
        ncol=ncol,
        fontsize=fontsize,
        frameon=False,
    )
