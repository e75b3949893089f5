"""XY plot of set memberships for QCA (Ragin 2008, ch. 3; R QCA ``XYplot()``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.plots._style import add_source

__all__ = ["xy_plot"]


def xy_plot(
    x: pd.Series,
    y: pd.Series,
    *,
    relation: str = "sufficiency",
    xlabel: str | None = None,
    ylabel: str | None = None,
    source: str = "Source: compare.qca",
    label_cases: bool = True,
    ax=None,
):
    """Scatter of membership in a condition (or solution) against the outcome.

    The diagonal separates consistent from inconsistent cases: for sufficiency cases should
    lie on or above it (``X <= Y``), for necessity on or below. The title reports consistency
    (inclusion) and coverage of the relation.

    Parameters
    ----------
    x, y : Series
        Memberships in [0, 1] with the case names as index (e.g. ``solution.membership()`` and
        ``tt.data[outcome]``).
    relation : {"sufficiency", "necessity"}
    xlabel, ylabel : str, optional
        Axis labels (default: the Series names, "membership (0-1)").
    source : str
        Source line under the figure.
    label_cases : bool
        Write case names next to the points.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = xy_plot(pd.Series([0.2, 0.8], name="A"), pd.Series([0.3, 0.9], name="Y"))
    >>> fig.axes[0].get_title().startswith("A -> Y")
    True
    """
    from compare.qca.fit import necessity_fit, sufficiency_fit

    if relation not in ("sufficiency", "necessity"):
        raise DataError(f"relation must be 'sufficiency' or 'necessity', got {relation!r}")
    xv = np.asarray(x, dtype=float)
    yv = np.asarray(y, dtype=float)
    if xv.shape != yv.shape:
        raise DataError(f"x and y differ in length ({xv.size} vs {yv.size})")
    if ((xv < 0) | (xv > 1) | (yv < 0) | (yv > 1)).any():
        raise DataError("memberships must lie in [0, 1]")
    xname = getattr(x, "name", None) or "X"
    yname = getattr(y, "name", None) or "Y"
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 6))
    else:
        fig = ax.figure
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", zorder=1)
    ax.axhline(0.5, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0.5, color="0.85", lw=0.8, zorder=0)
    ok = yv >= xv if relation == "sufficiency" else xv >= yv
    ax.scatter(xv[ok], yv[ok], color="#1f77b4", zorder=2, label="consistent")
    ax.scatter(xv[~ok], yv[~ok], color="#d62728", zorder=2, label="inconsistent")
    if label_cases and hasattr(x, "index"):
        for name, a, b in zip(x.index, xv, yv, strict=True):
            ax.annotate(str(name), (a, b), xytext=(3, 3), textcoords="offset points", fontsize=7)
    if relation == "sufficiency":
        f = sufficiency_fit(xv, yv)
        title = (
            f"{xname} -> {yname}\nconsistency {f['inclS']:.3f}, PRI {f['PRI']:.3f}, coverage {f['covS']:.3f}"
        )
    else:
        f = necessity_fit(xv, yv)
        title = (
            f"{xname} <- {yname}\nconsistency {f['inclN']:.3f}, RoN {f['RoN']:.3f}, coverage {f['covN']:.3f}"
        )
    ax.set_title(title, fontsize=10)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel or f"membership in {xname} (0-1)")
    ax.set_ylabel(ylabel or f"membership in {yname} (0-1)")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    add_source(fig, source)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
