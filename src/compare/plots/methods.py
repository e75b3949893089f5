"""Figures for why segregation changed and how it depends on scale.

:func:`plot_change_decomposition` (components of a change in M, from
:func:`compare.indicators.decompose_change_network`), :func:`plot_profiles` (multiscalar
profiles of several cities, from :func:`compare.indicators.multiscalar_profile_network`) and
:func:`plot_transitions` (a transition probability matrix, from
:func:`compare.indicators.transition_matrices`).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from compare.plots._style import (
    LEGEND_ROW_IN,
    MAX_NAMED_PEERS,
    add_source,
    city_colours,
    city_legend,
    legend_rows,
    panel_grid,
    peer_lines,
)

__all__ = ["plot_change_decomposition", "plot_profiles", "plot_transitions", "COMPONENT_LABELS"]

#: reader-facing names of the components of a change in M
COMPONENT_LABELS = {
    "group_marginal": "group sizes\n(city-wide shares)",
    "unit_marginal": "area sizes\n(where people live)",
    "structural": "sorting\n(who lives with whom)",
    "additions": "new areas/groups",
    "removals": "areas/groups gone",
}


def _finish(fig, title: str, source: str, *, legend_rows: int = 0, legend=None):
    """Title, layout and source line; ``legend(y)`` draws a figure legend of ``legend_rows`` rows below y."""
    import matplotlib.pyplot as plt

    width = max(40, int(fig.get_figwidth() * 11))
    fig.suptitle("\n".join(textwrap.wrap(title, width)), fontsize=11)
    # the source line is re-wrapped to the figure's width (7.5 pt: about 17 characters an inch)
    source = "\n".join(textwrap.wrap(" ".join(source.split()), int(fig.get_figwidth() * 17)))
    lines = source.count("\n") + 1
    bottom = min(0.35, (0.16 * lines + 0.12) / fig.get_figheight())
    bottom += legend_rows * LEGEND_ROW_IN / fig.get_figheight()
    fig.tight_layout(rect=(0, bottom, 1, 0.93))
    if legend is not None:
        legend(bottom)
    add_source(fig, source)
    plt.close(fig)
    return fig


def plot_change_decomposition(table: pd.DataFrame, *, title: str, source: str):
    """Bars of the components of each change in M, one panel per partition and vintage.

    Parameters
    ----------
    table : pandas.DataFrame
        Long ``stat, est`` rows with ``group_definition``, ``vintage``, ``from_period``,
        ``to_period`` (output of :func:`compare.indicators.decompose_change_network` for one
        city).
    title, source : str

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> t = pd.DataFrame({"group_definition": "u", "vintage": "v", "from_period": "1",
    ...     "to_period": "2", "stat": ["diff", "group_marginal", "unit_marginal", "structural",
    ...     "additions", "removals"], "est": [0.01, 0.002, 0.003, 0.005, 0, 0]})
    >>> fig = plot_change_decomposition(t, title="t", source="s")
    """
    keys = list(dict.fromkeys(zip(table["group_definition"], table["vintage"], strict=True)))
    fig, axes = panel_grid(len(keys), ncols=3, panel_size=(4.6, 3.4), extra_height=1.0)
    comps = list(COMPONENT_LABELS)
    for ax, (gd, vin) in zip(axes, keys, strict=True):
        sub = table[(table["group_definition"] == gd) & (table["vintage"] == vin)].set_index("stat")["est"]
        vals = np.array([sub.get(c, 0.0) for c in comps]) * 1000
        colours = ["#b2182b" if x > 0 else "#2166ac" for x in vals]
        ax.barh(range(len(comps)), vals, color=colours)
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_yticks(range(len(comps)), [COMPONENT_LABELS[c] for c in comps], fontsize=7)
        ax.invert_yaxis()
        row = table[(table["group_definition"] == gd) & (table["vintage"] == vin)].iloc[0]
        ax.set_title(
            f"{gd.replace('_', ' ')}, {row['from_period']}-{row['to_period']}\n"
            f"change in M = {sub.get('diff', np.nan) * 1000:+.2f} (x 1000)",
            fontsize=8.5,
        )
        ax.set_xlabel("Contribution to the change in M (nats x 1000)", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    return _finish(fig, title, source)


def plot_profiles(
    profiles: pd.DataFrame, *, title: str, source: str, highlight: str | None = None, names=None
):
    """Multiscalar profiles (index against bandwidth), one line per city, one panel per definition.

    Parameters
    ----------
    profiles : pandas.DataFrame
        ``group_definition``, ``city``, ``distance`` (m), ``value`` for one index (and period
        per city).
    title, source : str
    highlight : str, optional
        City drawn thick (the report's city).
    names : mapping, optional
        City id -> display name.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> p = pd.DataFrame({"group_definition": "u", "city": ["a"] * 2 + ["b"] * 2,
    ...     "distance": [0, 1000] * 2, "value": [0.3, 0.2, 0.25, 0.1]})
    >>> fig = plot_profiles(p, title="t", source="s", highlight="a")
    """
    names = dict(names or {})
    defs = list(dict.fromkeys(profiles["group_definition"]))
    cities = list(dict.fromkeys(profiles["city"]))
    # a report's city among more than MAX_NAMED_PEERS peers: the peers in grey, one legend entry;
    # many cities side by side: one legend under the panels (names only: the periods are per panel)
    grey = highlight is not None and len(set(cities) - {highlight}) > MAX_NAMED_PEERS
    rows = 0 if grey else legend_rows(len(cities))
    fig, axes = panel_grid(len(defs), ncols=4, panel_size=(3.8, 3.2), extra_height=1.0 + rows * LEGEND_ROW_IN)
    colour = city_colours(cities)
    for ax, d in zip(axes, defs, strict=True):
        in_panel = profiles[profiles["group_definition"] == d]
        if grey:
            lines = peer_lines(highlight, cities, names, drawn=list(dict.fromkeys(in_panel["city"])))
        for c, s in in_panel.groupby("city", sort=False):
            s = s.sort_values("distance")
            label = names.get(c, c)
            if "period" in s.columns and not rows:
                label += f" ({s['period'].iloc[0]})"
            if grey:
                label = label if c == highlight else lines[c]["label"]
            ax.plot(
                s["distance"] / 1000,
                s["value"],
                marker="o",
                ms=3,
                lw=2.6 if c == highlight else 1.2,
                color=lines[c]["color"] if grey else colour[c],
                label=label,
                zorder=3 if c == highlight else 2,
            )
        ax.set_title(d.replace("_", " "), fontsize=9)
        ax.set_xlabel("Bandwidth of the local environment (km)")
        ax.set_ylabel("Index value (0-1)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        if not rows:
            ax.legend(fontsize=6.5)
    legend = (lambda y: city_legend(fig, axes, bottom=y)) if rows else None
    return _finish(fig, title, source, legend_rows=rows, legend=legend)


def plot_transitions(matrix: pd.DataFrame, *, title: str, source: str, states=None):
    """Heat map of a transition probability matrix with the counts in the cells.

    Parameters
    ----------
    matrix : pandas.DataFrame
        ``from_state``, ``to_state``, ``count``, ``probability`` of one chain.
    title, source : str
    states : sequence, optional
        Row/column order.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> m = pd.DataFrame({"from_state": list("aabb"), "to_state": list("abab"),
    ...     "count": [3, 1, 0, 4], "probability": [.75, .25, 0, 1]})
    >>> fig = plot_transitions(m, title="t", source="s")
    """
    import matplotlib.pyplot as plt

    states = list(states or dict.fromkeys(matrix["from_state"]))
    p = matrix.pivot(index="from_state", columns="to_state", values="probability").reindex(
        index=states, columns=states
    )
    n = matrix.pivot(index="from_state", columns="to_state", values="count").reindex(
        index=states, columns=states
    )
    fig, ax = plt.subplots(figsize=(7.6, 6.0))
    im = ax.imshow(p.to_numpy(float), cmap="Blues", vmin=0, vmax=1)
    for i in range(len(states)):
        for j in range(len(states)):
            v, c = p.iat[i, j], n.iat[i, j]
            if np.isfinite(v):
                ax.text(
                    j,
                    i,
                    f"{v:.0%}\n({int(c)})",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="w" if v > 0.6 else "k",
                )
    ax.set_xticks(range(len(states)), states, rotation=30, ha="right")
    ax.set_yticks(range(len(states)), states)
    ax.set_xlabel("Class in the next period")
    ax.set_ylabel("Class in a period")
    fig.colorbar(im, ax=ax, label="Transition probability (share of areas)")
    return _finish(fig, title, source)
