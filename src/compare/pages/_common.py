"""What the sections of a city report share: constants, figure finishing, and how a section renders.

A section (:class:`Section`) is built from a :class:`~compare.pages.city.CityData` and renders
itself: ``table()`` and ``figure()`` give its parts, ``_repr_html_()`` the whole section (a table
that would be empty becomes the sentence saying why).
"""

from __future__ import annotations

import base64
import html as _html
import io

import pandas as pd

from compare.pages._display import _close, show

__all__ = ["TREND_INDICES", "FAVOURABLE_GROUPS", "INDEX_LABELS", "Section", "display_all", "html_of"]

#: city-level indices followed over time (cheap, non-spatial; see compare.indicators).
TREND_INDICES = ("dissimilarity", "isolation", "theil_h")

#: group definitions whose higher share means *less* disadvantage (negative weight in the
#: composite status index).
FAVOURABLE_GROUPS = ("high_income",)

INDEX_LABELS = {
    "dissimilarity": "Dissimilarity index D (0-1)",
    "isolation": "Isolation index xPx (0-1)",
    "theil_h": "Theil's information index H (0-1)",
}


def _source_rect(fig, text: str, top: float = 0.95, legend_rows: int = 0) -> tuple[float, ...]:
    """Layout rectangle leaving room at the bottom for a source line of ``text`` (and legend rows)."""
    from compare.plots._style import LEGEND_ROW_IN

    lines = text.count("\n") + 1
    bottom = min(0.35, (0.16 * lines + 0.1) / fig.get_figheight())
    return (0, bottom + legend_rows * LEGEND_ROW_IN / fig.get_figheight(), 1, top)


def _finish_grid(fig, title: str, source: str, *, legend_rows: int = 0, legend=None):
    """Title a panel grid, leave room for its source line, write it and close the figure.

    ``legend(y)`` draws a figure legend of ``legend_rows`` rows below ``y`` (figure fraction).
    """
    from compare.plots import add_source

    fig.suptitle(title, fontsize=11)
    rect = _source_rect(fig, source, legend_rows=legend_rows)
    fig.tight_layout(rect=rect)
    if legend is not None:
        legend(rect[1])
    add_source(fig, source)
    return _close(fig)


def _mark_breaks(ax, xs: list[float], name: str, colour="0.4") -> None:
    """Dashed line at each boundary break (see :func:`compare.plots.vintage_breaks`), labelled."""
    for x in xs:
        ax.axvline(x, color=colour, ls="--", lw=0.9)
        ax.annotate(
            f"{name}: new area\nboundaries",
            (x, 0.98),
            xycoords=("data", "axes fraction"),
            fontsize=6.5,
            ha="right",
            va="top",
            color="0.3",
        )


def display_all(figures) -> None:
    """Display several figures in order (e.g. the share maps).

    Examples
    --------
    >>> display_all([])
    """
    from IPython.display import display

    for f in figures:
        display(f)


def html_of(part, empty: str = "") -> str:
    """HTML of one displayable part: a table (or ``empty`` when it has no rows), a figure, HTML.

    Examples
    --------
    >>> html_of(pd.DataFrame(), empty="Nothing to show.")
    '<p>Nothing to show.</p>'
    >>> "<table" in html_of(pd.DataFrame({"a": [1]}))
    True
    """
    if part is None:
        return ""
    if isinstance(part, (list, tuple)):
        return "".join(html_of(p) for p in part)
    if isinstance(part, pd.DataFrame):
        if part.empty and empty:
            return f"<p>{_html.escape(empty)}</p>"
        return show(part).data
    if hasattr(part, "savefig"):
        buf = io.BytesIO()
        part.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" style="max-width:100%">'
    if hasattr(part, "_repr_html_"):
        return part._repr_html_()
    if hasattr(part, "data"):
        return str(part.data)
    return f"<p>{_html.escape(str(part))}</p>"


class Section:
    """Base of a report section: built from a city's data, computing nothing until shown.

    Subclasses set ``title`` and implement :meth:`parts` (the displayables in order) and usually
    ``table()`` / ``figure()``.
    """

    title = ""

    def __init__(self, a):
        self.a = a

    def parts(self) -> list:
        """Displayables of the section, in order (tables, figures, HTML)."""
        return []

    def _repr_html_(self) -> str:
        head = f"<h3>{_html.escape(self.title)}</h3>" if self.title else ""
        return head + "".join(html_of(p, getattr(self, "empty", "")) for p in self.parts())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.a.name}>"
