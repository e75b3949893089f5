"""How the pages display what they build: escaped tables, closed figures."""

from __future__ import annotations

import pandas as pd

__all__ = ["show"]


def _close(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def show(table: pd.DataFrame, *, max_rows: int = 200):
    """Display a table as escaped HTML without truncating long text (evidence quotes).

    Examples
    --------
    >>> "&lt;b&gt;" in show(pd.DataFrame({"q": ["<b>"]})).data
    True
    """
    from IPython.display import HTML

    style = (
        "<style>table.compare-table td, table.compare-table th {text-align: left !important; "
        "vertical-align: top !important; padding: 0.3em 0.6em;}</style>"
    )
    with pd.option_context("display.max_colwidth", None):
        return HTML(
            style
            + table.head(max_rows).to_html(
                index=False, escape=True, na_rep="–", border=0, classes="compare-table"
            )
            + (f"<p><em>{len(table) - max_rows} more rows</em></p>" if len(table) > max_rows else "")
        )
