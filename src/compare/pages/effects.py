"""Effects of a city's local actions, as a report section shows them.

:func:`evaluate_profile_actions` takes the canonical ``population`` table, a governance profile
(its ``actions``: target areas and start period) and the city's group definitions, and returns
one :class:`ActionEffect` per action: either an estimate from
:func:`compare.evaluation.evaluate_action` or the plain reason why the action could not be
evaluated. The choices of the report are made here and stated in each effect:

* **Outcome**: the share of a group in each area and period (``100 * group / total``, percent
  of the reference population, so effects read in percentage points), for the group definition
  named by the action's ``outcome_hint`` when the city publishes it, otherwise the city's first
  group definition (:data:`DEFAULT_OUTCOME_RULE`).
* **Area boundaries**: the evaluation uses only periods on one boundary vintage: the vintage of
  the first period at or after the start. Target areas absent from that vintage are mapped
  through a boundary correspondence table when one is given (Berlin: ``berlin-lor-matches.json``,
  a planning area until 2020 -> its forecast area -> the matching 2021 forecast area) or to the
  area whose id begins theirs, and the section says so. Areas are never followed across a
  boundary change.
* **Small areas**: areas whose reference population falls below the network's minimum (or is
  suppressed) in any period used are left out (their shares are too noisy).
* **Comparison group**: the rest of the city, minus the target areas of the city's other
  actions that start before the end of the periods used (they are not untreated).

Everything here is an association under the parallel-trends assumption, never proof of an
effect; every effect carries that sentence among its caveats.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError

__all__ = [
    "ASSOCIATION_CAVEAT",
    "DEFAULT_OUTCOME_RULE",
    "ActionEffect",
    "boundary_segments",
    "share_outcome",
    "evaluate_profile_actions",
    "effects_table",
    "plot_action_effect",
]

#: The sentence every evaluated action carries.
ASSOCIATION_CAVEAT = (
    "This is an association under the parallel-trends assumption (target and comparison areas "
    "would have moved alike without the action), not proof that the action caused the change."
)
#: How the outcome is chosen when the action names none the city publishes.
DEFAULT_OUTCOME_RULE = "the city's first group definition"


@dataclass
class ActionEffect:
    """One local action: its estimate, or why it could not be evaluated.

    Attributes
    ----------
    action_id, name : str
    evaluated : bool
    reason : str
        Why the action was not evaluated ("" when it was).
    outcome : str
        Group definition whose share is the outcome.
    outcome_choice : str
        Why this outcome (the action's hint, or the default rule).
    vintage : str
        Boundary vintage of the periods used.
    periods : list of str
        Periods used (pre and post).
    target_areas : list of str
        Target area ids as the data know them (after mapping).
    mapping_note : str
        How target areas were mapped to the data's areas ("" when used as given).
    comparison : list of str
        Comparison area ids.
    evaluation : ActionEvaluation or None
        The result of :func:`compare.evaluation.evaluate_action`.
    caveats : list of str
        Every caveat in words (the estimator's, the report's and the profile's).
    confidence : str
        Confidence of the profile's action record.
    start_period : str or None
    """

    action_id: str
    name: str
    evaluated: bool
    reason: str = ""
    outcome: str = ""
    outcome_choice: str = ""
    vintage: str = ""
    periods: list[str] = field(default_factory=list)
    target_areas: list[str] = field(default_factory=list)
    mapping_note: str = ""
    comparison: list[str] = field(default_factory=list)
    evaluation: Any = None
    caveats: list[str] = field(default_factory=list)
    confidence: str = ""
    start_period: str | None = None

    @property
    def estimate(self) -> float:
        """Headline estimate (percentage points; NaN when not evaluated)."""
        return float(self.evaluation.estimate) if self.evaluation is not None else float("nan")

    @property
    def conf_int(self) -> tuple[float, float]:
        """Confidence interval of the estimate (NaN when not evaluated)."""
        if self.evaluation is None:
            return (float("nan"), float("nan"))
        lo, hi = self.evaluation.conf_int
        return (float(lo), float(hi))

    @property
    def method(self) -> str:
        """Estimator used ("" when not evaluated)."""
        return self.evaluation.method if self.evaluation is not None else ""

    def to_dict(self) -> dict:
        """JSON-ready record (for the key results)."""
        lo, hi = self.conf_int
        ok = self.evaluated
        return {
            "action_id": self.action_id,
            "name": self.name,
            "evaluated": ok,
            "reason": self.reason,
            "outcome": self.outcome,
            "method": self.method,
            "estimate": self.estimate if ok else None,
            "conf_int": [lo, hi] if ok else None,
            "n_target_areas": len(self.target_areas) if ok else 0,
            "n_comparison_areas": len(self.comparison) if ok else 0,
            "periods": [self.periods[0], self.periods[-1]] if self.periods else [],
            "vintage": self.vintage,
            "caveats": self.caveats,
        }


def boundary_segments(population: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Runs of consecutive periods on the same boundary vintage, in time order.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical ``population`` table of one city (``period``, ``vintage``).

    Returns
    -------
    list of (vintage, periods)

    Examples
    --------
    >>> pop = pd.DataFrame({"period": ["2019", "2020", "2021"], "vintage": ["a", "a", "b"]})
    >>> boundary_segments(pop)
    [('a', ['2019', '2020']), ('b', ['2021'])]
    """
    vint = population.groupby("period")["vintage"].first().sort_index()
    out: list[tuple[str, list[str]]] = []
    for p, v in vint.items():
        v = str(v)
        if out and out[-1][0] == v:
            out[-1][1].append(str(p))
        else:
            out.append((v, [str(p)]))
    return out


def share_outcome(population: pd.DataFrame, definition, *, min_population: float = 0.0) -> pd.DataFrame:
    """Outcome table: a group's share (percent) per area and period, small areas left out.

    ``value = 100 * group / total``; areas whose ``total`` is below ``min_population`` (or
    suppressed, ``NaN``) in any period of the table, and rows without a share (suppressed group
    count, zero total), are left out.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical ``population`` table (one city, the periods to use).
    definition : compare.model.GroupDefinition
    min_population : float, optional

    Returns
    -------
    pandas.DataFrame
        ``city, area_id, period, value`` (see :data:`compare.evaluation.OUTCOME_COLUMNS`).

    Examples
    --------
    >>> from compare.model import GroupDefinition
    >>> pop = pd.DataFrame({"city": "x", "area_id": ["1", "1", "2", "2"], "period": "2015",
    ...     "variable": ["u", "lf"] * 2, "count": [1.0, 5.0, 1.0, 50.0], "vintage": "v"})
    >>> share_outcome(pop, GroupDefinition("u", group="u", total="lf"), min_population=10)
    ...     # doctest: +NORMALIZE_WHITESPACE
      city area_id period  value
    0    x       2   2015    2.0
    """
    from compare.model import group_table

    tab = group_table(population, definition).reset_index()
    small = tab.loc[tab["total"].fillna(0) < min_population, "area_id"].unique()
    tab = tab[~tab["area_id"].isin(set(small))]
    with np.errstate(divide="ignore", invalid="ignore"):
        tab["value"] = 100.0 * tab["group"] / tab["total"].where(tab["total"] > 0)
    out = tab.dropna(subset=["value"])[["city", "area_id", "period", "value"]]
    return out.reset_index(drop=True)


def _map_targets(
    targets: Sequence[str], ids: set[str], matches: Mapping[str, Sequence[str]] | None = None
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """Target id -> data area id, the ids left unmapped, and how each renamed id was mapped.

    In order: the id itself; an id of the boundary correspondence table ``matches`` (for the
    target, or for its first four digits: Berlin LOR planning area -> forecast area); the data
    area whose id is a prefix of the target's.
    """
    mapped: dict[str, str] = {}
    how: dict[str, str] = {}
    missing: list[str] = []
    for t in targets:
        if t in ids:
            mapped[t] = t
            continue
        hit = None
        for key in (t, t[:4]):
            for m in (matches or {}).get(key, ()) if len(key) >= 4 else ():
                cand = [c for c in (m, m[:4]) if c in ids]
                if cand:
                    hit = cand[0]
                    how[t] = (
                        f"{t} -> {hit} (boundary correspondence table: {key} -> {m}"
                        + (f", forecast area {hit}" if hit != m else "")
                        + ")"
                    )
                    break
            if hit:
                break
        if hit is None:
            pref = sorted((i for i in ids if len(i) < len(t) and t.startswith(i)), key=len, reverse=True)
            if pref:
                hit = pref[0]
                how[t] = f"{t} -> {hit} (the data area whose id begins the target id)"
        if hit is None:
            missing.append(t)
        else:
            mapped[t] = hit
    return mapped, missing, how


def _pp(x: float) -> str:
    """Percentage points with two decimals; three when the value rounds to zero (sign kept).

    Examples
    --------
    >>> _pp(-0.4), _pp(-0.0031), _pp(0.0)
    ('-0.40', '-0.003', '0.00')
    """
    if x != 0 and abs(x) < 0.005:
        return f"{x:.3f}"
    return f"{x:.2f}"


def _first_sentence(text: str) -> str:
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


def _fmt_list(ids: Sequence[str], limit: int = 8) -> str:
    ids = list(ids)
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def evaluate_profile_actions(
    population: pd.DataFrame,
    profile,
    definitions: Sequence,
    *,
    min_population: float = 0.0,
    alpha: float = 0.05,
    id_matches: Mapping[str, Sequence[str]] | None = None,
) -> list[ActionEffect]:
    """Evaluate every local action of a governance profile on a group-share outcome.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical ``population`` table (rows of other cities are ignored).
    profile : compare.governance.Profile
        The city's profile (``city``, ``actions``, ``covered_areas``, ``start_year``).
    definitions : sequence of compare.model.GroupDefinition
        The city's group definitions, in the network's order (the first is the default
        outcome).
    min_population : float, optional
        Areas below this reference population in any period used are left out.
    alpha : float, optional
        1 - confidence level of the intervals.
    id_matches : mapping of str to list of str, optional
        Correspondence between area ids of two boundary vintages (Berlin:
        ``berlin-lor-matches.json``, old and new LOR ids both ways, 8-digit planning areas and
        4-digit forecast areas), used to find target areas in another vintage.

    Returns
    -------
    list of ActionEffect
        One per action of the profile, in profile order (empty when it declares none).

    Notes
    -----
    The estimator is chosen by :func:`compare.evaluation.evaluate_action` (2x2 DiD with two
    periods, TWFE with its event study with more; Callaway & Sant'Anna 2021 for staggered
    starts). The comparison group is the rest of the city minus areas targeted by the city's
    other actions starting before the last period used.

    Examples
    --------
    >>> from compare.governance import load_profiles  # doctest: +SKIP
    >>> net = load_network("helsinki-berlin", cities=["vantaa"])  # doctest: +SKIP
    >>> effects = evaluate_profile_actions(net.population, load_profiles()["vantaa"],
    ...     net.definitions_for("vantaa"), min_population=100)  # doctest: +SKIP
    >>> [e.evaluated for e in effects]  # doctest: +SKIP
    [True, False, False]
    """
    from compare.evaluation import EvaluationWarning, evaluate_action

    city = profile.city
    actions = list(getattr(profile, "actions", ()) or ())
    if not actions:
        return []
    defs = list(definitions)
    if not defs:
        raise ConfigError(f"city {city!r} has no group definition to build an outcome from", key="groups")
    pop = population[population["city"] == city]
    by_name = {d.name: d for d in defs}
    segments = boundary_segments(pop) if len(pop) else []
    all_periods = [p for _, ps in segments for p in ps]
    model_start = getattr(profile, "start_year", None)
    covered = set(getattr(profile, "area_ids", ()) or ())

    effects: list[ActionEffect] = []
    for act in actions:
        hint = act.outcome_hint
        if hint and hint in by_name:
            d, choice = by_name[hint], f"the action's outcome hint ({hint})"
        else:
            d = defs[0]
            why = (
                f"the action names {hint!r}, which the city does not publish"
                if hint
                else "the action names no outcome"
            )
            choice = f"{DEFAULT_OUTCOME_RULE} ({d.name}; {why})"
        eff = ActionEffect(
            action_id=act.id,
            name=act.name,
            evaluated=False,
            outcome=d.name,
            outcome_choice=choice,
            confidence=act.confidence,
            start_period=act.start_period,
        )
        effects.append(eff)
        start = act.start_period
        if not start:
            eff.reason = "The profile gives no start period for this action."
            continue
        if not all_periods:
            eff.reason = f"There are no population data for {city}."
            continue
        seg = next(((v, ps) for v, ps in segments if ps[-1] >= start), None)
        if seg is None:
            eff.reason = (
                f"The action starts in {start}, after the last period with data ({all_periods[-1]}): "
                "there is no period after the start to observe an effect in."
            )
            continue
        vintage, periods = seg
        eff.vintage = vintage
        first_post = next(p for p in periods if p >= start)
        pre = [p for p in periods if p < first_post]
        ids = set(pop.loc[pop["period"].isin(periods), "area_id"].astype(str))
        mapped, missing, how = _map_targets(act.target_areas, ids, id_matches)
        if not mapped:
            eff.reason = (
                f"None of the target areas ({_fmt_list(act.target_areas)}) is an area of the data on "
                f"the {vintage} boundaries ({periods[0]}-{periods[-1]}), nor lies within one."
            )
            continue
        if how:
            eff.mapping_note = (
                f"On the {vintage} boundaries ({periods[0]}-{periods[-1]}) the data know the target "
                "area(s) only as larger or renamed areas: "
                + "; ".join(how.values())
                + ". An effect confined to the target area is diluted over the larger area."
            )
        if not pre:
            earlier = [v for v, ps in segments if ps[-1] < periods[0]]
            eff.reason = (
                f"The action starts in {start}, and the first period on the {vintage} boundaries is "
                f"{periods[0]}: there is no period before the start to compare with."
            )
            if earlier:
                eff.reason += (
                    f" Earlier periods use other area boundaries ({', '.join(earlier)}), and areas "
                    "are not followed across a boundary change."
                )
            if eff.mapping_note:
                eff.reason += " " + eff.mapping_note
            elif start < all_periods[0]:
                eff.reason = (
                    f"The action starts in {start}, before the first period with data "
                    f"({all_periods[0]}): there is no period before the start to compare with."
                )
            continue
        seg_pop = pop[pop["period"].isin(periods)]
        try:
            outcome = share_outcome(seg_pop, d, min_population=min_population)
        except DataError as e:
            eff.reason = f"The outcome {d.name} cannot be built: {e}"
            continue
        have = set(outcome["area_id"])
        targets = sorted({m for m in mapped.values() if m in have})
        if not targets:
            eff.reason = (
                f"The target area(s) {_fmt_list(sorted(set(mapped.values())))} have no {d.name} share "
                f"in {periods[0]}-{periods[-1]} (suppressed counts, or below the minimum population "
                f"of {min_population:g})."
            )
            continue
        others: set[str] = set()
        for b in actions:
            if b.id == act.id or not b.start_period or b.start_period > periods[-1]:
                continue
            others |= set(_map_targets(b.target_areas, ids, id_matches)[0].values())
        others -= set(targets)
        comparison = sorted(have - set(targets) - others)
        if not comparison:
            eff.reason = "No area of the city is left to compare with (every area is targeted)."
            continue
        eff.periods = sorted(outcome["period"].unique())
        eff.target_areas = targets
        eff.comparison = comparison
        spec = {
            "id": act.id,
            "name": act.name,
            "target_areas": targets,
            "start_period": start,
            "end_period": act.end_period,
        }
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EvaluationWarning)
                ev = evaluate_action(outcome, spec, city=city, comparison=comparison, alpha=alpha)
        except (DataError, ConfigError, ValueError, np.linalg.LinAlgError) as e:
            eff.reason = f"The estimator could not run on these data: {e}"
            continue
        eff.evaluation = ev
        eff.evaluated = bool(np.isfinite(ev.estimate))
        if not eff.evaluated:
            eff.reason = "The estimator returned no finite estimate (too little variation in the data)."
        caveats = list(ev.caveats)
        dropped = sorted(set(mapped.values()) - set(targets))
        if missing or dropped:
            caveats.append(
                f"Target area(s) {_fmt_list(missing + dropped)} have no usable data on the {vintage} "
                "boundaries and are left out."
            )
        if eff.mapping_note:
            caveats.append(eff.mapping_note)
        if len(segments) > 1:
            changes = ", ".join(
                f"{segments[i + 1][1][0]} ({segments[i][0]} -> {segments[i + 1][0]})"
                for i in range(len(segments) - 1)
            )
            caveats.append(
                f"The city's area boundaries change in {changes}; this evaluation uses only the "
                f"{vintage} periods {periods[0]}-{periods[-1]}."
            )
        if others:
            caveats.append(
                f"{len(others)} area(s) targeted by the city's other actions are left out of the "
                "comparison group."
            )
        in_comp = covered & set(comparison)
        if in_comp and model_start and str(model_start) <= periods[-1]:
            caveats.append(
                f"{len(in_comp)} comparison area(s) are covered by the city's area-based model (since "
                f"{model_start}); if the model moves the outcome, the comparison understates the effect."
            )
        if str(act.confidence).lower() == "low":
            caveats.append(
                "The profile's action data (target areas, dates) are to be verified: the record has "
                "low confidence." + (f" Note: {act.note}" if getattr(act, "note", "") else "")
            )
        caveats.append(ASSOCIATION_CAVEAT)
        eff.caveats = caveats
    return effects


def effects_table(effects: Sequence[ActionEffect]) -> pd.DataFrame:
    """One row per action: status, outcome, method, estimate with interval, areas and periods.

    Parameters
    ----------
    effects : sequence of ActionEffect

    Returns
    -------
    pandas.DataFrame
        ``action, start, outcome, status, method, estimate (pp), 95% CI (pp), target areas,
        comparison areas, periods`` (estimates rounded to 2 decimals).

    Examples
    --------
    >>> effects_table([ActionEffect("a1", "Hub", False, reason="no data")])["status"].tolist()
    ['not evaluated: no data']
    """
    rows = []
    for e in effects:
        level = 95 if e.evaluation is None else round(100 * (1 - e.evaluation.alpha))
        lo, hi = e.conf_int
        rows.append(
            {
                "action": e.name,
                "start": e.start_period or "",
                "outcome (share, %)": e.outcome,
                "status": "evaluated" if e.evaluated else f"not evaluated: {_first_sentence(e.reason)}",
                "method": e.method,
                "estimate (pp)": round(e.estimate, 2) if e.evaluated else None,
                f"{level}% CI (pp)": f"[{_pp(lo)}, {_pp(hi)}]" if e.evaluated else "",
                "target areas": ", ".join(e.target_areas) if e.evaluated else "",
                "comparison areas": str(len(e.comparison)) if e.evaluated else "",
                "periods": f"{e.periods[0]}-{e.periods[-1]} ({e.vintage})" if e.evaluated else "",
            }
        )
    return pd.DataFrame(rows)


def plot_action_effect(
    effect: ActionEffect, *, city_name: str = "", source: str = "", outcome_label: str = ""
):
    """Event-study figure of an evaluated action (None when it has no event-study table).

    Parameters
    ----------
    effect : ActionEffect
    city_name : str, optional
    source : str, optional
        Attribution of the data (an estimation line is appended).
    outcome_label : str, optional
        Readable outcome name (default: the group definition id).

    Returns
    -------
    matplotlib.figure.Figure or None

    Examples
    --------
    >>> plot_action_effect(ActionEffect("a1", "Hub", False)) is None
    True
    """
    ev = effect.evaluation
    if ev is None or ev.event_study is None or len(ev.event_study) == 0:
        return None
    from compare.plots.evaluation import plot_event_study

    half = any("-H" in p for p in effect.periods)
    unit = "half-years" if half else "years"
    label = outcome_label or effect.outcome.replace("_", " ")
    lo, hi = effect.conf_int
    title = (
        f"{city_name + ': ' if city_name else ''}{effect.name}\n"
        f"{label} share, target vs comparison areas; pooled {effect.method} estimate "
        f"{effect.estimate:+.2f} pp [{_pp(lo)}, {_pp(hi)}]"
    )
    src = (source + "\n" if source else "") + f"Estimates: compare.evaluation ({effect.method}, event study)."
    fig = plot_event_study(
        ev,
        title=title,
        ylabel=f"Effect on the {label} share\n(percentage points)",
        xlabel=f"Periods relative to the start of the action ({unit}; -1 = reference)",
        source=src,
    )
    fig.set_size_inches(9, 5.2)
    ax = fig.axes[0]
    ax.title.set_fontsize(10)
    n_lines = src.count("\n") + 1
    fig.subplots_adjust(top=0.85, bottom=min(0.45, 0.11 + 0.032 * n_lines))
    return fig
