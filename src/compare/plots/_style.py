"""Shared figure conventions: the source/attribution line under every figure."""

from __future__ import annotations

__all__ = ["add_source"]


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
