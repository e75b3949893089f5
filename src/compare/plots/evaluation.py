"""Figures of :mod:`compare.evaluation`: event studies, synthetic-control paths, gaps, placebos."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from compare.plots._style import add_source

__all__ = [
    "plot_event_study",
    "plot_synth_path",
    "plot_synth_gap",
    "plot_placebos",
    "action_figures",
]

_DEFAULT_SOURCE = "Estimates: compare.evaluation"


def _figure_axes(ax=None):
    """The figure of ``ax``, or a new figure with one axes of the size every figure here has."""
    import matplotlib.pyplot as plt

    if ax is None:
        return plt.subplots(figsize=(7.5, 4.5))
    return ax.figure, ax


def _finish(fig, ax, xlabel, ylabel, title, source, *, legend=True, bottom=0.15):
    """Axis labels, title, legend, room for the source line and the line itself."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:
        ax.legend(loc="best", fontsize=8, frameon=False)
    fig.subplots_adjust(bottom=bottom)
    add_source(fig, source or _DEFAULT_SOURCE)
    return fig


def _event_table(result) -> tuple[pd.DataFrame, str]:
    if isinstance(result, pd.DataFrame):
        return result, "event study"
    table = getattr(result, "event_study", None)
    if table is None:
        raise ValueError(
            f"{type(result).__name__} has no event-study table; expected an EventStudyResult, "
            "StaggeredResult, ActionEvaluation or a frame with event_time/estimate/conf_low/"
            "conf_high"
        )
    return table, getattr(result, "method", "event study")


def plot_event_study(
    result,
    *,
    ax=None,
    title: str | None = None,
    ylabel: str = "Effect on the outcome (outcome units)",
    xlabel: str = "Periods relative to the start of the action (e = t - g)",
    source: str | None = None,
    bands: bool = True,
):
    """Plot event-study coefficients with their confidence intervals.

    Leads (``e < 0``, pre-trend check) and lags (``e >= 0``, effects) are drawn in different
    colours around a dashed line at the start; the reference period ``e = -1`` sits on zero.
    Simultaneous bands (``band_low``/``band_high``, Callaway & Sant'Anna) are drawn as a light
    range when present and ``bands`` is true.

    Parameters
    ----------
    result : EventStudyResult, StaggeredResult, ActionEvaluation or pandas.DataFrame
        Anything with an ``event_study`` table (``event_time, estimate, conf_low, conf_high``).
    ax : matplotlib.axes.Axes, optional
    title, ylabel, xlabel : str, optional
    source : str, optional
        Source line (publisher of the outcome data); a generic line when omitted.
    bands : bool, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> table = pd.DataFrame({"event_time": [-2, -1, 0, 1], "estimate": [0.1, 0.0, -1.0, -1.2],
    ...     "conf_low": [-0.3, 0.0, -1.5, -1.8], "conf_high": [0.5, 0.0, -0.5, -0.6]})
    >>> fig = plot_event_study(table, title="Example")
    """
    table, method = _event_table(result)
    table = table.sort_values("event_time")
    fig, ax = _figure_axes(ax)
    e = table["event_time"].to_numpy(dtype=float)
    est = table["estimate"].to_numpy(dtype=float)
    pre = e < 0
    if bands and {"band_low", "band_high"} <= set(table.columns):
        bl, bh = table["band_low"].to_numpy(float), table["band_high"].to_numpy(float)
        if np.isfinite(bl).any():
            ax.fill_between(e, bl, bh, color="0.85", step=None, label="simultaneous band")
    if {"conf_low", "conf_high"} <= set(table.columns):
        lo, hi = table["conf_low"].to_numpy(float), table["conf_high"].to_numpy(float)
        for mask, colour, label in ((pre, "#4c72b0", "before start"), (~pre, "#c44e52", "after")):
            if mask.any():
                ax.errorbar(
                    e[mask],
                    est[mask],
                    yerr=[est[mask] - lo[mask], hi[mask] - est[mask]],
                    fmt="o",
                    color=colour,
                    capsize=3,
                    label=f"{label} (pointwise CI)",
                )
    else:
        ax.plot(e, est, "o-", color="#c44e52", label="estimate")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axvline(-0.5, color="0.3", lw=0.8, ls="--")
    ax.set_xticks(np.unique(e))
    pt = getattr(result, "pretrend", None) or getattr(getattr(result, "result", None), "pretrend", None)
    subtitle = f" (pre-trend test p = {pt['p_value']:.3f})" if pt else ""
    title = title or f"Event study: {method}{subtitle}"
    return _finish(fig, ax, xlabel, ylabel, title, source, bottom=0.18)


def plot_synth_path(
    result,
    *,
    ax=None,
    title: str | None = None,
    ylabel: str = "Outcome (outcome units)",
    xlabel: str = "Period",
    treated_label: str = "treated",
    source: str | None = None,
):
    """Plot the treated unit's outcome and its synthetic control over time.

    Parameters
    ----------
    result : SyntheticControlResult
    ax : matplotlib.axes.Axes, optional
    title, ylabel, xlabel, treated_label, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from types import SimpleNamespace
    >>> path = pd.DataFrame({"time": [1, 2, 3], "treated": [1.0, 2.0, 4.0],
    ...     "synthetic": [1.0, 2.0, 3.0], "gap": [0.0, 0.0, 1.0], "post": [False, False, True]})
    >>> fig = plot_synth_path(SimpleNamespace(path=path), title="Example")
    """
    path = result.path
    fig, ax = _figure_axes(ax)
    ax.plot(path["time"], path["treated"], color="black", lw=2, label=treated_label)
    ax.plot(
        path["time"],
        path["synthetic"],
        color="#c44e52",
        lw=2,
        ls="--",
        label=f"synthetic {treated_label}",
    )
    _start_line(ax, path)
    title = title or f"Synthetic control: {treated_label} and its synthetic counterpart"
    return _finish(fig, ax, xlabel, ylabel, title, source)


def _start_line(ax, path: pd.DataFrame) -> None:
    post = path.loc[path["post"], "time"]
    if len(post):
        first = post.iloc[0]
        if isinstance(first, int | float | np.integer | np.floating):
            ax.axvline(first - 0.5, color="0.3", lw=0.8, ls=":")
        else:
            ax.axvline(list(path["time"]).index(first) - 0.5, color="0.3", lw=0.8, ls=":")


def plot_synth_gap(
    result,
    *,
    ax=None,
    title: str | None = None,
    ylabel: str = "Gap: treated - synthetic (outcome units)",
    xlabel: str = "Period",
    source: str | None = None,
):
    """Plot the gap between the treated unit and its synthetic control.

    Parameters
    ----------
    result : SyntheticControlResult
    ax : matplotlib.axes.Axes, optional
    title, ylabel, xlabel, source : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from types import SimpleNamespace
    >>> path = pd.DataFrame({"time": [1, 2, 3], "treated": [1.0, 2.0, 4.0],
    ...     "synthetic": [1.0, 2.0, 3.0], "gap": [0.0, 0.0, 1.0], "post": [False, False, True]})
    >>> fig = plot_synth_gap(SimpleNamespace(path=path), title="Example")
    """
    path = result.path
    fig, ax = _figure_axes(ax)
    ax.plot(path["time"], path["gap"], color="black", lw=2)
    ax.axhline(0, color="0.3", lw=0.8)
    _start_line(ax, path)
    title = title or "Synthetic control: gap between treated unit and synthetic control"
    return _finish(fig, ax, xlabel, ylabel, title, source, legend=False)


def plot_placebos(
    result,
    *,
    ax=None,
    title: str | None = None,
    ylabel: str = "Gap: unit - its synthetic control (outcome units)",
    xlabel: str = "Period",
    max_pre_rmspe_ratio: float | None = 5.0,
    source: str | None = None,
):
    """Plot the treated unit's gap against the in-space placebo gaps.

    Placebos whose pre-period RMSPE exceeds ``max_pre_rmspe_ratio`` times the treated unit's are
    left out, as in Abadie, Diamond & Hainmueller (2010), since their post-period gaps say
    nothing about the action.

    Parameters
    ----------
    result : SyntheticControlResult
        Fitted with ``placebo=True``.
    ax : matplotlib.axes.Axes, optional
    title, ylabel, xlabel, source : str, optional
    max_pre_rmspe_ratio : float or None, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from types import SimpleNamespace
    >>> plc = pd.DataFrame({"unit": ["x"] * 3 + ["d"] * 3, "time": [1, 2, 3] * 2,
    ...     "gap": [0.0, 0.1, 1.0, 0.1, -0.1, 0.2], "post": [False, False, True] * 2})
    >>> stats = pd.DataFrame({"unit": ["x", "d"], "pre_rmspe": [0.07, 0.1],
    ...     "post_rmspe": [1.0, 0.2], "is_treated": [True, False]})
    >>> res = SimpleNamespace(placebo=plc, placebo_stats=stats, p_value_placebo=0.5)
    >>> fig = plot_placebos(res, title="Example")
    """
    if getattr(result, "placebo", None) is None:
        raise ValueError("the result has no placebos; fit SyntheticControl with placebo=True")
    plc, stats = result.placebo, result.placebo_stats
    treated = stats.loc[stats["is_treated"], "unit"].iloc[0]
    limit = None
    if max_pre_rmspe_ratio is not None:
        limit = max_pre_rmspe_ratio * float(stats.loc[stats["is_treated"], "pre_rmspe"].iloc[0])
    keep = stats if limit is None else stats[stats["pre_rmspe"] <= limit]
    fig, ax = _figure_axes(ax)
    for u in keep["unit"]:
        if u == treated:
            continue
        g = plc[plc["unit"] == u]
        ax.plot(g["time"], g["gap"], color="0.7", lw=1)
    g = plc[plc["unit"] == treated]
    ax.plot(g["time"], g["gap"], color="black", lw=2.2, label=f"treated ({treated})")
    ax.plot([], [], color="0.7", lw=1, label=f"placebos ({len(keep) - 1})")
    ax.axhline(0, color="0.3", lw=0.8)
    _start_line(ax, g.rename(columns={"gap": "_"}))
    p = getattr(result, "p_value_placebo", float("nan"))
    title = title or f"Placebo-in-space gaps (permutation p = {p:.3f})"
    return _finish(fig, ax, xlabel, ylabel, title, source)


def action_figures(
    outcome: pd.DataFrame,
    actions: Iterable,
    *,
    city: str | None = None,
    outcome_label: str = "outcome",
    source: str | None = None,
    **kwargs,
):
    """Evaluate each action of a city and draw its event study (for the reports).

    Parameters
    ----------
    outcome : pandas.DataFrame
        Tidy ``city, area_id, period, value``.
    actions : iterable of action objects or dicts
    city : str, optional
    outcome_label : str, optional
        Name and unit of the outcome for the y axis (e.g. ``"unemployment share (0-1)"``).
    source : str, optional
        Data source line for the figures.
    **kwargs
        Passed to :func:`compare.evaluation.evaluate_action`.

    Returns
    -------
    list of (ActionEvaluation, matplotlib.figure.Figure or None)
        One pair per action; the figure is ``None`` when the method gives no event study.
        ``evaluation.caveats`` holds the caveats in words.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> rows = [("x", f"a{i}", str(y), float(i + y - 2012 - (i < 3 and y >= 2015)))
    ...         for i in range(12) for y in range(2012, 2018)]
    >>> out = pd.DataFrame(rows, columns=["city", "area_id", "period", "value"])
    >>> acts = [{"id": "hub", "name": "Hub", "target_areas": ["a0", "a1", "a2"],
    ...          "start_period": "2015"}]
    >>> [(ev.action_id, fig is not None) for ev, fig in action_figures(out, acts)]
    [('hub', True)]
    """
    from compare.evaluation import evaluate_action

    out = []
    for act in actions:
        ev = evaluate_action(outcome, act, city=city, **kwargs)
        fig = None
        if ev.event_study is not None and "conf_low" in ev.event_study.columns:
            fig = plot_event_study(
                ev,
                title=f"{ev.action_name}: effect on {outcome_label} by period since start",
                ylabel=f"Effect on {outcome_label}",
                source=source,
            )
        out.append((ev, fig))
    return out
