"""Shared figure conventions: the source/attribution line under every figure, panel grids."""

from __future__ import annotations

import math

__all__ = ["add_source", "panel_grid", "year_axis"]


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
