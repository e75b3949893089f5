"""Section 6 of a city report: effects of the profile's local actions (estimates, intervals, caveats)."""

from __future__ import annotations

import html as _html

import pandas as pd

from compare.pages._common import Section
from compare.pages._display import _close, show
from compare.pages.city import CityData as CityAssessment
from compare.pages.city import load_city  # noqa: F401  (doctests)

__all__ = ["EffectsSection", "action_effects_table", "fig_action_effects", "show_action_effects"]


def action_effects_table(a: CityAssessment) -> pd.DataFrame:
    """One row per local action of the profile: estimate and interval, or why not evaluated.

    See :mod:`compare.pages.effects` for the choices (outcome, boundaries, comparison group).

    Examples
    --------
    >>> action_effects_table(a)["status"].iloc[0]  # doctest: +SKIP
    'evaluated'
    """
    from compare.pages.effects import effects_table

    return effects_table(a.effects)


def fig_action_effects(a: CityAssessment) -> list:
    """Event-study figures of the evaluated actions (one per action that has one).

    Examples
    --------
    >>> len(fig_action_effects(a))  # doctest: +SKIP
    1
    """
    from compare.pages.effects import plot_action_effect

    figs = []
    for e in a.effects:
        fig = plot_action_effect(e, city_name=a.name, source=a.source_line)
        if fig is not None:
            figs.append(_close(fig))
    return figs


def _effect_html(a: CityAssessment, e) -> str:
    from compare.pages.effects import _pp

    esc = _html.escape
    head = f"<h3>{esc(e.name)}</h3>"
    start = esc(str(e.start_period or "no start given"))
    gd = a.network.group_definitions.get(e.outcome)
    label = f" ({esc(gd.label)})" if gd is not None and gd.label else ""
    meta = (
        f"<p><strong>Start:</strong> {start} · <strong>Record confidence:</strong> "
        f"{esc(str(e.confidence))} · <strong>Outcome:</strong> share of {esc(e.outcome)}{label} "
        "in percent of the reference population per area and period, "
        f"chosen as {esc(e.outcome_choice)}.</p>"
    )
    if not e.evaluated:
        return head + meta + f"<p><strong>Not evaluated.</strong> {esc(e.reason)}</p>"
    ev = e.evaluation
    lo, hi = e.conf_int
    level = round(100 * (1 - ev.alpha))
    pre = ev.info.get("n_pre_periods")
    pt = ev.info.get("pretrend_p")
    body = (
        f"<p><strong>Estimate:</strong> {e.estimate:+.2f} percentage points "
        f"({level}% confidence interval {_pp(lo)} to {_pp(hi)}; method: {esc(e.method)}, "
        "unit-clustered standard errors). "
        f"<strong>Treated:</strong> {len(e.target_areas)} target area(s) ({esc(', '.join(e.target_areas))}); "
        f"<strong>comparison:</strong> {len(e.comparison)} other areas of the city; "
        f"<strong>periods:</strong> {esc(e.periods[0])}-{esc(e.periods[-1])} on the {esc(e.vintage)} "
        f"boundaries"
        + (f", {pre} before the start" if pre is not None else "")
        + "."
        + (
            ""
            if pt is None
            else " Pre-trend test p < 0.001."
            if pt < 0.001
            else f" Pre-trend test p = {pt:.3f}."
        )
        + "</p>"
    )
    cav = "".join(f"<li>{esc(c)}</li>" for c in e.caveats)
    return head + meta + body + f"<p><strong>Caveats</strong></p><ul>{cav}</ul>"


def show_action_effects(a: CityAssessment) -> None:
    """Display the effects section: summary table, then per action its text, caveats and figure.

    A city whose profile declares no local action gets one sentence saying so.

    Examples
    --------
    >>> show_action_effects(a)  # doctest: +SKIP
    """
    from IPython.display import HTML, display

    from compare.pages.effects import plot_action_effect

    if a.profile is None or not a.profile.actions:
        display(
            HTML(
                f"<p>The governance profile of {_html.escape(a.name)} declares no local action with "
                "target areas and dates, so no effect is estimated.</p>"
            )
        )
        return None
    display(show(action_effects_table(a)))
    for e in a.effects:
        display(HTML(_effect_html(a, e)))
        fig = plot_action_effect(e, city_name=a.name, source=a.source_line)
        if fig is not None:
            display(_close(fig))
    return None


class EffectsSection(Section):
    """Each declared local action evaluated: summary table, then its text, caveats and figure.

    Examples
    --------
    >>> s = EffectsSection(load_city("helsinki-berlin", "berlin"))
    >>> len(s.table()) == len(s.a.effects)
    True
    """

    @property
    def empty(self) -> str:
        """The sentence shown when there is nothing to evaluate."""
        return (
            f"The governance profile of {self.a.name} declares no local action with target areas on this "
            "data entry, so there is no effect to estimate."
        )

    def table(self) -> pd.DataFrame:
        """One row per action (:func:`action_effects_table`)."""
        return action_effects_table(self.a)

    def figures(self) -> list:
        """One figure per evaluated action (:func:`fig_action_effects`)."""
        return fig_action_effects(self.a)

    def parts(self) -> list:
        """Displayables of the section, in order."""
        if not self.a.effects:
            return [pd.DataFrame()]
        out = [self.table()]
        figs = iter(self.figures())
        for e in self.a.effects:
            out.append(_HTMLPart(_effect_html(self.a, e)))
            if e.evaluation is not None:
                out.append(next(figs, None))
        return out


class _HTMLPart:
    def __init__(self, data: str):
        self.data = data
