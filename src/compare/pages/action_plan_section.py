"""The city's local actions as an action table (the URBACT Integrated Action Plan form).

One row per action of the governance profile: the action, its target areas, the outcome
indicator (the share the evaluation uses), its baseline value from the data (the last period
before the action started, in the target areas and in the whole city), the latest value, the
declared target and the responsible partner (or that the profile declares none), and what the
evaluation found.

Reference: URBACT (2023). *Integrated Action Plan: the URBACT method*, action table
(action, target, indicator, baseline, target value, responsible partner).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compare.pages._common import Section
from compare.pages.city import (
    CityData,
    load_city,  # noqa: F401  (doctests)
)

__all__ = ["ACTION_PLAN_COLUMNS", "action_plan_table", "ActionPlanSection"]

#: Columns of :func:`action_plan_table`.
ACTION_PLAN_COLUMNS = [
    "action_id",
    "action",
    "target_areas",
    "outcome",
    "baseline_period",
    "baseline_target_areas",
    "baseline_city",
    "latest_period",
    "latest_target_areas",
    "latest_city",
    "target",
    "responsible",
    "evaluation",
]


_LABELS = {
    "action": "Action",
    "target_areas": "Target areas",
    "outcome": "Outcome (group definition)",
    "baseline_period": "Baseline period",
    "baseline_target_areas": "Baseline, target areas (%)",
    "baseline_city": "Baseline, city (%)",
    "latest_period": "Latest period",
    "latest_target_areas": "Latest, target areas (%)",
    "latest_city": "Latest, city (%)",
    "target": "Target",
    "responsible": "Responsible partner",
    "evaluation": "Evaluation",
}


def _share(tab: pd.DataFrame, period: str, ids) -> float:
    """``100 * sum(group) / sum(total)`` over areas ``ids`` (all when ``None``) in ``period``."""
    t = tab[tab["period"] == period]
    if ids is not None:
        t = t[t["area_id"].isin(set(ids))]
    t = t.dropna(subset=["group", "total"])
    total = t["total"].sum()
    return round(float(100.0 * t["group"].sum() / total), 2) if total > 0 else float("nan")


def action_plan_table(a: CityData) -> pd.DataFrame:
    """The profile's local actions with baseline and latest values of their outcome from the data.

    The outcome is the one the evaluation of the action uses (its ``outcome_hint`` when the city
    publishes it, otherwise the city's first group definition). The baseline period is the last
    period of the data whose year is before the action's start year, the latest the last period
    whose areas include the target areas (areas are not followed across a boundary change); values
    are the group's
    share in percent, pooled over the target areas (``100 * sum group / sum total``) and over
    the whole city. Suppressed counts are left out of both sums.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ACTION_PLAN_COLUMNS`; empty when the city has no profile or no actions.

    Examples
    --------
    >>> t = action_plan_table(load_city("helsinki-berlin", "vantaa"))
    >>> t.loc[0, ["action_id", "outcome", "baseline_period"]].tolist()
    ['lansimaki-development', 'low_income', '2012']
    """
    from compare.model import group_table

    p = a.profile
    if p is None or not p.actions:
        return pd.DataFrame(columns=ACTION_PLAN_COLUMNS)
    effects = {e.action_id: e for e in a.effects}
    defs = a.network.definitions_for(a.city)
    by_name = {d.name: d for d in defs}
    pop = a._city_pop
    known = set(a._areas["area_id"].astype(str))
    rows = []
    for act in p.actions:
        e = effects.get(act.id)
        outcome = (e.outcome if e is not None and e.outcome else None) or (defs[0].name if defs else None)
        targets = (
            list(e.target_areas)
            if e is not None and e.target_areas
            else [t for t in act.target_areas if t in known]
        )
        row = {
            "action_id": act.id,
            "action": act.name,
            "target_areas": ", ".join(act.target_areas),
            "outcome": outcome or "no group definition",
            "responsible": act.responsible or "not declared in the profile",
            "target": (
                f"{act.target.value:g} {act.target.unit}"
                + (f" by {act.target.by_period}" if act.target.by_period else "")
                if act.target is not None
                else "not declared in the profile"
            ),
        }
        if e is not None and e.evaluated:
            lo, hi = e.conf_int
            row["evaluation"] = f"{e.estimate:+.2f} pp [{lo:+.2f}, {hi:+.2f}] ({e.method})"
        else:
            row["evaluation"] = "not evaluated: " + (e.reason if e is not None else "no evaluation")
        if outcome in by_name and targets:
            tab = group_table(pop, by_name[outcome]).reset_index()
            start_year = int(str(act.start_period)[:4]) if act.start_period else None
            # periods in which the target areas have counts; the latest value is on the baseline's
            # boundary vintage (Berlin's LOR 2006 and 2021 reuse ids for other areas)
            has = tab[tab["area_id"].isin(set(targets))].dropna(subset=["group", "total"])
            periods = sorted(has["period"].unique()) or sorted(tab["period"].unique())
            vintage = pop.drop_duplicates("period").set_index("period")["vintage"].to_dict()
            before = [q for q in periods if start_year is not None and int(q[:4]) < start_year]
            base = before[-1] if before else None
            same = [q for q in periods if base is None or vintage.get(q) == vintage.get(base)]
            latest = same[-1] if same else None
            row.update(
                baseline_period=base or f"none before the start ({act.start_period}); data from {periods[0]}",
                baseline_target_areas=_share(tab, base, targets) if base else np.nan,
                baseline_city=_share(tab, base, None) if base else np.nan,
                latest_period=latest,
                latest_target_areas=_share(tab, latest, targets) if latest else np.nan,
                latest_city=_share(tab, latest, None) if latest else np.nan,
            )
        else:
            row.update(
                baseline_period="target areas not in the data" if outcome in by_name else "no outcome",
                baseline_target_areas=np.nan, baseline_city=np.nan, latest_period=None,
                latest_target_areas=np.nan, latest_city=np.nan,
            )  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)[ACTION_PLAN_COLUMNS]


class ActionPlanSection(Section):
    """The local action table of the city (:func:`action_plan_table`).

    Examples
    --------
    >>> ActionPlanSection(load_city("helsinki-berlin", "vantaa")).table()["action_id"].iloc[0]
    'lansimaki-development'
    """

    @property
    def empty(self) -> str:
        """The sentence shown instead of an empty table."""
        return f"The governance profile of {self.a.name} declares no local action."

    def table(self) -> pd.DataFrame:
        """The action table."""
        return action_plan_table(self.a)

    def parts(self) -> list:
        """Displayables of the section, in order (the table with readable headers, shares in %)."""
        t = self.table()
        if t.empty:
            return [t]
        return [t.drop(columns=["action_id"]).rename(columns=_LABELS)]
