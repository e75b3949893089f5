"""Figures of governance-model comparisons: radar per city, heatmap, transfer network, dendrogram.

Every figure carries a title, labelled axes with units and a source line stating that the
scores are illustrative assessments, not official evaluations.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compare.plots._style import add_source, city_colours, panel_grid

__all__ = [
    "SCORE_SOURCE",
    "plot_radar",
    "plot_heatmap",
    "plot_transfer_network",
    "plot_dendrogram",
    "plot_covered_vs_rest",
]

#: Default source line of score figures.
SCORE_SOURCE = (
    "Source: compare.governance profiles (data/governance, desk review of public sources, "
    "2026). Scores are illustrative assessments, not official evaluations."
)


def _labels(matrix: pd.DataFrame, rubric) -> list[str]:
    if rubric is None:
        return [str(c) for c in matrix.columns]
    names = {d.id: d.name for d in rubric.dimensions}
    names.update({c.id: c.name for c in rubric.criteria})
    return [names.get(c, str(c)) for c in matrix.columns]


def _wrap(text: str, width: int = 16) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def plot_radar(
    matrix: pd.DataFrame,
    rubric=None,
    cities: Sequence[str] | None = None,
    ncols: int = 3,
    source: str = SCORE_SOURCE,
    title: str = "Governance-model profiles by dimension",
):
    """Radar (spider) chart per city of dimension (or criterion) scores on the 0-4 scale.

    Parameters
    ----------
    matrix : pandas.DataFrame
        Cities x dimensions scores (:func:`compare.governance.score_matrix`).
    rubric : Rubric, optional
        For readable axis names.
    cities : sequence of str, optional
        Cities to draw (default all rows).
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.governance import load_profiles, load_rubric, score_matrix
    >>> r = load_rubric()
    >>> fig = plot_radar(score_matrix(load_profiles(), r, "dimension"), r)
    """
    m = matrix if cities is None else matrix.loc[list(cities)]
    labels = [_wrap(s) for s in _labels(m, rubric)]
    k = len(labels)
    angles = np.linspace(0, 2 * np.pi, k, endpoint=False)
    closed = np.append(angles, angles[0])
    fig, axes = panel_grid(len(m), ncols=ncols, panel_size=(4.4, 4.4), subplot_kw={"projection": "polar"})
    colors = city_colours(m.index)
    for ax, (city, row) in zip(axes, m.iterrows(), strict=True):
        vals = row.to_numpy(dtype=float)
        vals_c = np.append(vals, vals[0])
        ax.plot(closed, vals_c, color=colors[city], lw=2)
        ax.fill(closed, np.nan_to_num(vals_c), color=colors[city], alpha=0.25)
        ax.set_xticks(angles)
        ax.set_xticklabels(labels, fontsize=7)
        ax.set_ylim(0, 4)
        ax.set_yticks([1, 2, 3, 4])
        ax.set_yticklabels(["1", "2", "3", "4"], fontsize=7, color="0.4")
        ax.set_rlabel_position(90)
        ax.set_title(str(city).title(), fontsize=11, pad=14)
    fig.suptitle(
        title + "\nradial axis: maturity score, 0 = absent ... 4 = evaluated and adaptive "
        "(mean of criterion scores)",
        fontsize=12,
    )
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    add_source(fig, source)
    return fig


def plot_heatmap(
    matrix: pd.DataFrame,
    rubric=None,
    source: str = SCORE_SOURCE,
    title: str = "Who is strong where: governance maturity by city and dimension",
):
    """Cities x dimensions (or criteria) heatmap of scores (seaborn), annotated.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.governance import load_profiles, load_rubric, score_matrix
    >>> r = load_rubric()
    >>> fig = plot_heatmap(score_matrix(load_profiles(), r, "dimension"), r)
    """
    import seaborn as sns

    data = matrix.copy()
    data.columns = [_wrap(s, 18) for s in _labels(matrix, rubric)]
    data.index = [str(c).title() for c in data.index]
    width = max(6.0, 1.1 * data.shape[1] + 2.5)
    fig, ax = plt.subplots(figsize=(width, 0.6 * data.shape[0] + 2.8))
    sns.heatmap(
        data,
        vmin=0,
        vmax=4,
        cmap="YlGnBu",
        annot=True,
        fmt=".1f",
        linewidths=0.5,
        ax=ax,
        cbar_kws={"label": "maturity score (0-4, illustrative)"},
    )
    level = matrix.columns.name or "dimension"
    what = "mean of criterion scores" if level == "dimension" else "score"
    ax.set_xlabel(f"rubric {level} ({what}, 0-4)")
    ax.set_ylabel("city")
    ax.set_title(title)
    if data.shape[1] > 8:
        ax.set_xticklabels([t.get_text().replace("\n", " ") for t in ax.get_xticklabels()])
        plt.setp(ax.get_xticklabels(), rotation=35, ha="right", fontsize=8)
    else:
        plt.setp(ax.get_xticklabels(), rotation=0, fontsize=8)
    plt.setp(ax.get_yticklabels(), rotation=0)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def plot_transfer_network(
    catalogue,
    source: str = "Source: compare.governance practice catalogue (data/practices), "
    "URBACT and city sources cited there.",
    title: str = "Transfer of good practices between cities",
    seed: int = 7,
    cities=None,
):
    """Directed network of practice transfers (networkx + matplotlib).

    Nodes are cities (profiled cities filled, other cities hollow); arrows run from origin to
    adopting city, labelled with the practice and year. With ``cities`` (ids), only the
    transfers with one of them as origin or adopter are drawn (a network's own transfers).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.governance import load_practices
    >>> fig = plot_transfer_network(load_practices())
    """
    import networkx as nx

    g = catalogue.graph()
    if cities is not None:
        keep = set(cities)
        g = g.edge_subgraph([(u, v) for u, v in g.edges if u in keep or v in keep]).copy()
    fig, ax = plt.subplots(figsize=(8, 6))
    pos = nx.spring_layout(g, seed=seed, k=1.2)
    profiled = [n for n in g.nodes if g.nodes[n]["profiled"]]
    other = [n for n in g.nodes if not g.nodes[n]["profiled"]]
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=profiled,
        node_color="#2b8cbe",
        node_size=1500,
        ax=ax,
        label="profiled city",
    )
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=other,
        node_color="white",
        edgecolors="#2b8cbe",
        linewidths=2,
        node_size=1500,
        ax=ax,
        label="other city",
    )
    nx.draw_networkx_labels(g, pos, labels={n: g.nodes[n]["name"] for n in g.nodes}, font_size=8, ax=ax)
    nx.draw_networkx_edges(
        g,
        pos,
        ax=ax,
        arrows=True,
        arrowsize=20,
        width=1.8,
        edge_color="0.3",
        node_size=1500,
        connectionstyle="arc3,rad=0.08",
    )
    elabels = {}
    for u, v, d in g.edges(data=True):
        parts = [
            f"{p} ({y})" if y is not None else f"{p} (year n/a)"
            for p, y in zip(d["practices"], d["years"], strict=True)
        ]
        elabels[(u, v)] = "\n".join(parts)
    nx.draw_networkx_edge_labels(g, pos, edge_labels=elabels, font_size=7, ax=ax)
    ax.set_title(title + f" ({g.number_of_edges()} transfers, {g.number_of_nodes()} cities)")
    ax.legend(loc="lower right", fontsize=8, markerscale=0.3)
    ax.set_axis_off()
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    add_source(fig, source)
    return fig


def plot_dendrogram(
    similarity,
    source: str = SCORE_SOURCE,
    title: str = "Model types: hierarchical clustering of governance profiles",
):
    """Dendrogram of a fitted :class:`compare.governance.ModelSimilarity`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from compare.governance import load_profiles, load_rubric, score_matrix, ModelSimilarity
    >>> sim = ModelSimilarity(2).fit(score_matrix(load_profiles(), load_rubric()))
    >>> fig = plot_dendrogram(sim)
    """
    from scipy.cluster.hierarchy import dendrogram

    fig, ax = plt.subplots(figsize=(7, 4.5))
    labels = [str(c).title() for c in similarity.distance_.index]
    z = similarity.linkage_
    k = similarity.n_clusters
    threshold = z[-(k - 1), 2] if k > 1 else z[-1, 2] + 1
    dendrogram(z, labels=labels, ax=ax, color_threshold=threshold - 1e-9, above_threshold_color="0.5")
    if k > 1:
        ax.axhline(threshold, ls="--", color="0.6", lw=1)
        ax.text(
            ax.get_xlim()[1],
            threshold,
            f" cut: {k} types",
            va="bottom",
            ha="right",
            fontsize=8,
            color="0.4",
        )
    ax.set_ylabel("RMS score distance (maturity points, 0-4)")
    ax.set_xlabel("city")
    ax.set_title(
        f"{title}\n({similarity.method} linkage, cophenetic r = {similarity.cophenetic_:.2f})",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    add_source(fig, source, fontsize=6.5)
    return fig


def plot_covered_vs_rest(
    table: pd.DataFrame,
    indicator: str,
    unit: str = "",
    source: str = "Source: compare.governance covered areas joined to the indicator table.",
    title: str | None = None,
    ncols: int = 3,
):
    """Indicator in the areas under each model against the rest of the city, over time.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`compare.governance.covered_vs_rest`.
    indicator : str
        Indicator to draw.
    unit : str
        Unit for the y-axis label (e.g. ``"share of labour force"``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame({"city": ["x", "x"], "period": ["2015", "2016"], "indicator": ["u", "u"],
    ...     "covered_mean": [0.2, 0.3], "rest_mean": [0.1, 0.1]})
    >>> fig = plot_covered_vs_rest(t, "u", unit="share")
    """
    t = table[table["indicator"] == indicator]
    if t.empty:
        raise ValueError(f"indicator {indicator!r} not in the table")
    cities = list(dict.fromkeys(t["city"]))
    ncols = min(ncols, len(cities))
    fig, axes = panel_grid(len(cities), ncols=ncols, panel_size=(4.2, 3.4), sharey=True)
    for i, (ax, city) in enumerate(zip(axes, cities, strict=True)):
        c = t[t["city"] == city].sort_values("period")
        ax.plot(c["period"], c["covered_mean"], marker="o", label="areas under the model")
        ax.plot(c["period"], c["rest_mean"], marker="s", ls="--", label="rest of the city")
        ax.set_title(str(city).title())
        ax.set_xlabel("period")
        if i % ncols == 0:
            ax.set_ylabel(_wrap(f"{indicator} ({unit})" if unit else indicator, 30))
        ax.tick_params(axis="x", labelrotation=45)
    axes[0].legend(fontsize=8)
    fig.suptitle(title or f"{indicator}: areas under each governance model vs rest of the city")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    add_source(fig, source)
    return fig
