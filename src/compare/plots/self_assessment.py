"""Figures of a local group's self-assessment: answers by rater, consensus, desk review, rounds.

Every figure has a title, axes in maturity levels (0 = absent ... 4 = evaluated and adaptive) and
a source line; pass the source text (it must say when the raters are fictitious examples).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compare.plots._style import add_source

__all__ = ["SELF_SOURCE", "plot_rater_heatmap", "plot_consensus", "plot_desk_vs_self", "plot_round_change"]

#: Default source line.
SELF_SOURCE = "Source: self-assessment forms of the local group (compare.governance), 0-4 maturity scale."


def _names(rubric) -> dict:
    return {} if rubric is None else {c.id: c.name for c in rubric.criteria}


def _order(rubric, criteria) -> list[str]:
    if rubric is None:
        return list(dict.fromkeys(criteria))
    present = set(criteria)
    return [c for c in rubric.criterion_ids if c in present]


def _finish(fig, title: str, source: str, top: float = 0.93, right: float = 1.0) -> None:
    fig.suptitle(title, fontsize=11)
    # wrap the source line to the figure's width (about 15 characters per inch at 7.5 pt)
    source = "\n".join(textwrap.wrap(" ".join(source.split()), max(60, int(fig.get_figwidth() * 15))))
    lines = source.count("\n") + 1
    bottom = min(0.3, (0.15 * lines + 0.12) / fig.get_figheight())
    fig.tight_layout(rect=(0, bottom, right, top))
    add_source(fig, source)


def plot_rater_heatmap(responses: pd.DataFrame, rubric=None, *, title: str = "", source: str = SELF_SOURCE):
    """Criterion x rater heatmap of the answers of one city and round ("?" = don't know).

    Raters are grouped by role (labelled under the columns).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> r = pd.DataFrame({"rater": ["a", "b"], "role": ["resident", "business"], "criterion": "k",
    ...                   "score": [1.0, np.nan], "dont_know": [False, True]})
    >>> fig = plot_rater_heatmap(r)
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap

    r = responses.copy()
    if "role" not in r.columns:
        r["role"] = ""
    raters = r[["rater", "role"]].drop_duplicates("rater").sort_values(["role", "rater"], kind="stable")
    crits = _order(rubric, r["criterion"])
    m = r.pivot(index="criterion", columns="rater", values="score").reindex(
        index=crits, columns=raters["rater"]
    )
    dk = (
        r.assign(dk=r.get("dont_know", False).astype(bool))
        .pivot(index="criterion", columns="rater", values="dk")
        .reindex(index=crits, columns=raters["rater"])
        .fillna(False)
        .astype(bool)
    )
    names = _names(rubric)
    fig, (ax, cax) = plt.subplots(
        1,
        2,
        figsize=(max(6.5, 3.6 + 0.55 * len(raters)), 2.4 + 0.42 * len(crits)),
        gridspec_kw={"width_ratios": [max(len(raters), 1), 0.35]},
    )
    cmap = ListedColormap(plt.get_cmap("viridis")(np.linspace(0.1, 0.95, 5)))
    norm = BoundaryNorm(np.arange(-0.5, 5.5, 1), cmap.N)
    im = ax.imshow(np.ma.masked_invalid(m.to_numpy(float)), cmap=cmap, norm=norm, aspect="auto")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            v = m.iat[i, j]
            if np.isfinite(v):
                ax.text(
                    j,
                    i,
                    f"{v:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v < 2.5 else "black",
                )
            elif dk.iat[i, j]:
                ax.text(j, i, "?", ha="center", va="center", fontsize=9, color="0.3")
    ax.set_yticks(range(len(crits)))
    ax.set_yticklabels([textwrap.shorten(names.get(c, c), 38) for c in crits], fontsize=8)
    ax.set_xticks(range(len(raters)))
    ax.set_xticklabels(
        [f"{rt}\n{ro.replace('_', ' ')}" for rt, ro in zip(raters["rater"], raters["role"], strict=True)],
        fontsize=6.5,
        rotation=90,
    )
    ax.set_xlabel("rater (pseudonymous code) and role")
    cb = fig.colorbar(im, cax=cax, ticks=range(5))
    cb.set_label("answer (maturity level 0-4); ? = don't know", fontsize=8)
    _finish(fig, title or "Answers by criterion and rater", source)
    return fig


def plot_consensus(table: pd.DataFrame, rubric=None, *, title: str = "", source: str = SELF_SOURCE):
    """Consensus per criterion, grouped by dimension: median, quartiles, range and desk score.

    ``table`` is :func:`compare.governance.consensus` (with ``desk_score`` from
    :func:`~compare.governance.with_desk_review` when available) for one city and round.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame({"dimension": "d", "criterion": ["k"], "median": [2.0], "q25": [1.0],
    ...                   "q75": [3.0], "min": [0.0], "max": [4.0], "n_raters": [5], "desk_score": [3.0]})
    >>> fig = plot_consensus(t)
    """
    t = table.copy()
    crits = _order(rubric, t["criterion"])
    t = t.set_index("criterion").loc[crits].reset_index()
    names = _names(rubric)
    dims = {d.id: d.name for d in rubric.dimensions} if rubric is not None else {}
    fig, ax = plt.subplots(figsize=(9, 1.4 + 0.42 * len(t)))
    y = np.arange(len(t))[::-1]
    ax.hlines(y, t["min"], t["max"], color="0.75", lw=1, label="range of answers")
    ax.hlines(y, t["q25"], t["q75"], color="tab:blue", lw=6, alpha=0.45, label="interquartile range")
    ax.plot(t["median"], y, "o", color="tab:blue", label="median (consensus)")
    if "desk_score" in t.columns and t["desk_score"].notna().any():
        ax.plot(t["desk_score"], y, "D", mfc="none", mec="tab:red", ms=7, label="desk-review score")
    labels = [
        f"{textwrap.shorten(names.get(c, c), 40)} (n={n})"
        for c, n in zip(t["criterion"], t["n_raters"], strict=True)
    ]
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    prev = None
    for yi, d in zip(y, t["dimension"], strict=True):
        if d != prev:
            ax.axhline(yi + 0.5, color="0.85", lw=0.8)
            ax.annotate(
                dims.get(d, d),
                (4.45, yi + 0.45),
                fontsize=7,
                ha="right",
                va="top",
                color="0.35",
                style="italic",
            )
            prev = d
    ax.set_xlim(-0.3, 4.5)
    ax.set_xticks(range(5))
    ax.set_xlabel("maturity level (0 = absent ... 4 = evaluated and adaptive); n = raters with a score")
    ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, frameon=False)
    _finish(fig, title or "How the local group scores each criterion", source, top=0.92)
    return fig


def plot_desk_vs_self(table: pd.DataFrame, rubric=None, *, title: str = "", source: str = SELF_SOURCE):
    """Desk-review score against the group's consensus per criterion (interquartile bars).

    Points above the diagonal: the group sees the criterion more mature than the desk review.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> t = pd.DataFrame({"criterion": ["k"], "median": [2.0], "q25": [1.0], "q75": [3.0],
    ...                   "desk_score": [3.0]})
    >>> fig = plot_desk_vs_self(t)
    """
    t = table[table["desk_score"].notna()].copy()
    names = _names(rubric)
    fig, ax = plt.subplots(figsize=(10, 6.4))
    # spread points that share a position so that each criterion stays visible
    key = list(zip(t["desk_score"], t["median"], strict=True))
    seen: dict = {}
    offs = []
    for k in key:
        offs.append(seen.get(k, 0))
        seen[k] = seen.get(k, 0) + 1
    x = t["desk_score"].to_numpy(float) + np.array(offs) * 0.14
    yv = t["median"].to_numpy(float)
    ax.plot([-0.3, 4.3], [-0.3, 4.3], color="0.7", ls="--", lw=1, label="same score")
    ax.errorbar(
        x,
        yv,
        yerr=[yv - t["q25"], t["q75"] - yv],
        fmt="o",
        color="tab:blue",
        ecolor="tab:blue",
        alpha=0.8,
        capsize=2,
        label="consensus (median, interquartile range)",
    )
    key_lines = []
    for k, (xi, yi, c) in enumerate(zip(x, yv, t["criterion"], strict=True), start=1):
        ax.annotate(str(k), (xi, yi), xytext=(3, 3), textcoords="offset points", fontsize=7, color="0.2")
        key_lines.append(f"{k}  {textwrap.shorten(names.get(c, c), 42)}")
    fig.text(0.70, 0.88, "\n".join(key_lines), fontsize=7, va="top", ha="left", color="0.2", linespacing=1.5)
    ax.set_xlim(-0.3, 4.6)
    ax.set_ylim(-0.3, 4.3)
    ax.set_xticks(range(5))
    ax.set_yticks(range(5))
    ax.set_xlabel("desk-review score (0-4)")
    ax.set_ylabel("local group's consensus (median answer, 0-4)")
    ax.legend(fontsize=7, loc="upper left")
    _finish(fig, title or "Desk review against self-assessment", source, right=0.68)
    return fig


def plot_round_change(change: pd.DataFrame, rubric=None, *, title: str = "", source: str = SELF_SOURCE):
    """Change of the median answer per criterion (or dimension) between two rounds, with intervals.

    Filled markers: changed (interval excludes 0); open markers: no change shown.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> c = pd.DataFrame({"criterion": ["k"], "change": [1.0], "ci_low": [0.5], "ci_high": [2.0],
    ...                   "changed": [True]})
    >>> fig = plot_round_change(c)
    """
    t = change.copy()
    key = (
        "criterion"
        if "criterion" in t.columns and t["criterion"].astype(str).str.len().gt(0).any()
        else "dimension"
    )
    names = _names(rubric)
    if rubric is not None:
        names.update({d.id: d.name for d in rubric.dimensions})
        order = rubric.criterion_ids if key == "criterion" else rubric.dimension_ids
        t = t.set_index(key).loc[[k for k in order if k in set(t[key])]].reset_index()
    fig, ax = plt.subplots(figsize=(8.5, 1.4 + 0.4 * len(t)))
    y = np.arange(len(t))[::-1]
    ax.axvline(0, color="0.6", lw=1)
    ax.hlines(
        y, t["ci_low"], t["ci_high"], color="tab:purple", lw=2, alpha=0.6, label="95% bootstrap interval"
    )
    ch = t["changed"].astype(bool).to_numpy()
    ax.plot(t["change"][ch], y[ch], "o", color="tab:purple", label="changed")
    ax.plot(t["change"][~ch], y[~ch], "o", mfc="white", mec="tab:purple", label="no change shown")
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.shorten(names.get(k, k), 40) for k in t[key]], fontsize=8)
    ax.set_xlabel("change of the median answer (maturity levels, follow-up minus baseline)")
    lim = (
        max(1.5, float(np.nanmax(np.abs(t[["ci_low", "ci_high"]].to_numpy(float)))) + 0.3) if len(t) else 1.5
    )
    ax.set_xlim(-lim, lim)
    ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False)
    _finish(fig, title or f"Change between rounds by {key}", source, top=0.92)
    return fig
