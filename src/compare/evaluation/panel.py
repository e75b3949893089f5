"""From a local action and an outcome table to a treated/comparison panel, and its evaluation.

A *local action* (from a governance profile) names its target areas and start period; the
*outcome* is a tidy table ``city, area_id, period, value`` (a group share, a neighbourhood
indicator). :func:`action_panel` marks the target areas as treated and, by default, the rest of
the city as the comparison group; :func:`evaluate_action` picks the estimator:

* two periods: the 2x2 difference-in-differences (:mod:`compare.evaluation.did`);
* more periods, one start: TWFE for the pooled effect plus the event study with its pre-trend
  test (:mod:`compare.evaluation.twfe`);
* target areas starting in different periods: Callaway & Sant'Anna (2021)
  (:mod:`compare.evaluation.staggered`);
* ``method="synth"``: synthetic control for a single treated area (:mod:`compare.evaluation.synth`).

Actions are accepted as objects with attributes ``id, name, target_areas, start_period,
end_period`` (the governance helper's) or as plain dicts with those keys; ``start_period`` may also
map area ids to their own start. The governance package is never imported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from compare._patterns import PERIOD_RE as _PERIOD
from compare.errors import ConfigError, DataError
from compare.evaluation._common import (
    MIN_COMPARISON,
    EvaluationWarning,
    check_design,
    period_order,
    require_columns,
    warn,
)
from compare.evaluation.results import ActionEvaluation, EvaluationResult

__all__ = [
    "OUTCOME_COLUMNS",
    "Action",
    "as_action",
    "action_panel",
    "evaluate_action",
    "evaluate_actions",
    "group_share_outcome",
]

#: Columns of an outcome table.
OUTCOME_COLUMNS = ["city", "area_id", "period", "value"]


_METHODS = ("auto", "did_2x2", "twfe", "event_study", "staggered", "synth")


@dataclass(frozen=True)
class Action:
    """A local action as the evaluation needs it.

    Attributes
    ----------
    id, name : str
    target_areas : tuple of str
    start_period : str or dict of str to str
        One period label, or one per target area (staggered starts).
    end_period : str or None
    """

    id: str
    name: str
    target_areas: tuple[str, ...]
    start_period: Any
    end_period: str | None = None

    def start_of(self, area_id: str) -> str:
        """Start period of one target area."""
        if isinstance(self.start_period, Mapping):
            return str(self.start_period[area_id])
        return str(self.start_period)


def _get(action, key: str, default=None):
    if isinstance(action, Mapping):
        return action.get(key, default)
    return getattr(action, key, default)


def _check_period(label, action_id: str, key: str) -> str:
    label = str(label).strip()
    if not _PERIOD.match(label):
        raise ConfigError(
            f"action {action_id!r}: period {label!r} is not a period label; expected 'YYYY' or "
            "'YYYY-H1'/'YYYY-H2'",
            key=key,
        )
    return label


def as_action(action) -> Action:
    """Normalise an action object or dict into an :class:`Action`, checking its fields.

    Parameters
    ----------
    action : object or dict
        Anything with ``id, name, target_areas, start_period`` (and optionally ``end_period``)
        as attributes or keys.

    Returns
    -------
    Action

    Examples
    --------
    >>> as_action({"id": "a1", "name": "Youth hub", "target_areas": ["01300"],
    ...            "start_period": 2014}).start_period
    '2014'
    """
    if isinstance(action, Action):
        return action
    missing = [k for k in ("id", "target_areas", "start_period") if _get(action, k) is None]
    if missing:
        raise ConfigError(
            f"local action lacks {missing}; expected id, name, target_areas (area ids) and "
            "start_period ('YYYY' or 'YYYY-H1')",
            key=missing[0],
        )
    aid = str(_get(action, "id"))
    areas = _get(action, "target_areas")
    if isinstance(areas, str):
        areas = (areas,)
    areas = tuple(str(a) for a in areas)
    if not areas:
        raise ConfigError(f"action {aid!r} has no target area", key="target_areas")
    start = _get(action, "start_period")
    if isinstance(start, Mapping):
        start = {str(a): _check_period(p, aid, f"start_period.{a}") for a, p in start.items()}
        lacking = [a for a in areas if a not in start]
        if lacking:
            raise ConfigError(
                f"action {aid!r}: start_period gives no start for target area(s) {lacking}",
                key="start_period",
            )
    else:
        start = _check_period(start, aid, "start_period")
    end = _get(action, "end_period")
    end = _check_period(end, aid, "end_period") if end not in (None, "") else None
    return Action(aid, str(_get(action, "name", "") or aid), areas, start, end)


def _first_period_from(order: Sequence[str], start: str) -> str | None:
    """First outcome period whose label sorts at or after ``start`` (None if none does).

    With annual outcomes and a half-year start (``"2015-H1"``) this is the next year (``"2016"``):
    the first period observed entirely after the start.
    """
    for p in order:
        if p >= start:
            return p
    return None


def action_panel(
    outcome: pd.DataFrame,
    action,
    *,
    city: str | None = None,
    comparison: Iterable[str] | None = None,
    min_comparison: int = MIN_COMPARISON,
) -> pd.DataFrame:
    """Build the treated/comparison area x period panel for one action (or several).

    Parameters
    ----------
    outcome : pandas.DataFrame
        Tidy ``city, area_id, period, value`` (period labels sort in time: ``"2013"``,
        ``"2015-H1"``).
    action : object, dict, or a sequence of them
        Local action(s) (``id, name, target_areas, start_period, end_period``). With several
        actions, an area's start is the earliest start among the actions naming it.
    city : str, optional
        City to keep (required when the outcome holds several cities).
    comparison : iterable of str, optional
        Comparison area ids (default: every other area of the city).
    min_comparison : int, optional
        Fewest comparison areas before a warning.

    Returns
    -------
    pandas.DataFrame
        ``city, area_id, period, value, treated, first_treat, post, treat, event_time``:
        ``treated`` marks target areas, ``first_treat`` is the first treated period (``None``
        for comparison areas), ``post`` is ``period >= first_treat`` (for comparison areas:
        at or after the earliest start), ``treat = treated & post``, ``event_time`` counts
        periods since the start (treated areas only). ``panel.attrs`` records the action and
        the ``caveats``. ``end_period`` is checked but does not cut the panel: outcomes after
        an action ends still show its (lasting or fading) effect.

    Warns
    -----
    EvaluationWarning
        When the comparison group has fewer than ``min_comparison`` areas or the pre-period
        fewer than two periods.

    Examples
    --------
    >>> out = pd.DataFrame({"city": "x", "area_id": list("abcdef") * 2,
    ...     "period": ["2014"] * 6 + ["2015"] * 6, "value": np.arange(12.0)})
    >>> act = {"id": "a1", "name": "Hub", "target_areas": ["a"], "start_period": "2015"}
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     panel = action_panel(out, act, city="x")
    >>> panel.groupby("treated")["area_id"].nunique().to_dict()
    {False: 5, True: 1}
    """
    require_columns(outcome, OUTCOME_COLUMNS, "action_panel")
    actions = (
        [as_action(a) for a in action]
        if isinstance(action, list | tuple) and not isinstance(action, str)
        else [as_action(action)]
    )
    if not actions:
        raise ConfigError("no action given", key="action")
    out = outcome[OUTCOME_COLUMNS].copy()
    for c in ("city", "area_id", "period"):
        out[c] = out[c].astype(str)
    cities = sorted(out["city"].unique())
    if city is None:
        if len(cities) != 1:
            raise ConfigError(
                f"the outcome table holds {len(cities)} cities {cities[:5]}; pass city=",
                key="city",
            )
        city = cities[0]
    out = out[out["city"] == str(city)]
    if out.empty:
        raise DataError(f"no outcome row for city {city!r}; cities present: {cities}", column="city")
    bad = ~out["period"].str.match(_PERIOD)
    if bad.any():
        r = out.loc[bad].iloc[0]
        raise DataError(
            f"period {r['period']!r} is not a period label; expected 'YYYY' or 'YYYY-H1'",
            row=r["area_id"],
            column="period",
        )
    dup = out.duplicated(["area_id", "period"], keep=False)
    if dup.any():
        r = out.loc[dup].iloc[0]
        raise DataError(
            f"several outcome values for area {r['area_id']!r} in period {r['period']}; expected "
            "one value per area and period (filter the outcome to one variable first)",
            row=r["area_id"],
            column="period",
        )
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    order = period_order(out["period"])
    known = set(out["area_id"])

    starts: dict[str, str] = {}
    for act in actions:
        unknown = [a for a in act.target_areas if a not in known]
        if unknown:
            raise DataError(
                f"action {act.id!r}: target area(s) {unknown[:5]} have no outcome in city "
                f"{city!r}; expected area ids of the outcome table (e.g. {sorted(known)[:3]})",
                row=unknown[0],
                column="area_id",
            )
        for a in act.target_areas:
            s = act.start_of(a)
            starts[a] = min(starts.get(a, s), s)
    first = {a: _first_period_from(order, s) for a, s in starts.items()}

    if comparison is None:
        comp = sorted(known - set(starts))
    else:
        comp = [str(c) for c in comparison]
        overlap = sorted(set(comp) & set(starts))
        if overlap:
            raise ConfigError(
                f"comparison area(s) {overlap[:5]} are also target areas; expected disjoint sets",
                key="comparison",
            )
        unknown = [c for c in comp if c not in known]
        if unknown:
            raise DataError(
                f"comparison area(s) {unknown[:5]} have no outcome in city {city!r}",
                row=unknown[0],
                column="area_id",
            )
    panel = out[out["area_id"].isin(set(starts) | set(comp))].copy()
    panel["treated"] = panel["area_id"].isin(set(starts))
    panel["first_treat"] = panel["area_id"].map(first).astype(object)
    panel.loc[~panel["treated"], "first_treat"] = None
    earliest = min(s for s in starts.values())
    pos = {p: i for i, p in enumerate(order)}
    first_any = _first_period_from(order, earliest)
    ft = panel["first_treat"].where(panel["treated"], first_any)
    panel["post"] = [f is not None and p >= f for p, f in zip(panel["period"], ft, strict=True)]
    panel["treat"] = panel["treated"] & panel["post"]
    panel["event_time"] = [
        float(pos[p] - pos[f]) if (t and f is not None) else np.nan
        for p, f, t in zip(panel["period"], panel["first_treat"], panel["treated"], strict=True)
    ]
    panel = panel.sort_values(["area_id", "period"]).reset_index(drop=True)

    caveats: list[str] = []
    never_started = sorted(a for a, f in first.items() if f is None)
    if never_started:
        warn(
            caveats,
            f"Target area(s) {never_started[:5]} start after the last outcome period "
            f"({order[-1]}); no post-treatment observation.",
            stacklevel=2,
        )
    n_pre = sum(1 for p in order if first_any is None or p < first_any)
    check_design(
        caveats,
        n_comparison=len(comp),
        n_pre=n_pre,
        min_comparison=min_comparison,
        comparison_label="comparison areas",
    )
    panel.attrs["action_ids"] = [a.id for a in actions]
    panel.attrs["action_names"] = [a.name for a in actions]
    panel.attrs["city"] = str(city)
    panel.attrs["caveats"] = caveats
    panel.attrs["periods"] = order
    return panel


def _merge(caveats: list[str], extra: list[str]) -> None:
    """Append the caveats of ``extra`` that say something not yet in ``caveats``."""
    for c in extra:
        if not any(c[:30] == k[:30] for k in caveats):
            caveats.append(c)


def evaluate_action(
    outcome: pd.DataFrame,
    action,
    *,
    city: str | None = None,
    comparison: Iterable[str] | None = None,
    method: str = "auto",
    alpha: float = 0.05,
    min_comparison: int = MIN_COMPARISON,
    n_bootstrap: int = 999,
    random_state=0,
    synth_options: Mapping[str, Any] | None = None,
) -> ActionEvaluation:
    """Evaluate a local action on an outcome, choosing the estimator from the design.

    Parameters
    ----------
    outcome : pandas.DataFrame
        Tidy ``city, area_id, period, value``.
    action : object, dict, or a sequence of them
        See :func:`action_panel`.
    city : str, optional
    comparison : iterable of str, optional
        Comparison areas (default: the rest of the city).
    method : {"auto", "did_2x2", "twfe", "event_study", "staggered", "synth"}, optional
        ``"auto"``: staggered (Callaway & Sant'Anna) when target areas start in different
        periods; else the 2x2 DiD with two periods; else TWFE (headline) with the event study
        (pre-trend test). ``"synth"`` needs a single target area.
    alpha : float, optional
    min_comparison : int, optional
    n_bootstrap, random_state : optional
        Multiplier bootstrap of the staggered estimator's uniform bands.
    synth_options : mapping, optional
        Extra arguments of :class:`~compare.evaluation.synth.SyntheticControl`.

    Returns
    -------
    ActionEvaluation
        ``estimate``, ``conf_int``, ``event_study`` (when available), ``caveats`` (sentences),
        the underlying ``result`` and the ``panel``.

    Warns
    -----
    EvaluationWarning
        Comparison group too small, pre-period shorter than two periods, pre-trends differ,
        single treated area with clustered standard errors, staggered starts under TWFE.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> rows = [("x", f"a{i}", str(y), 10 + i + 0.5 * (y - 2012) + rng.normal(0, 0.1)
    ...          - 2.0 * (i < 3 and y >= 2015)) for i in range(12) for y in range(2012, 2018)]
    >>> out = pd.DataFrame(rows, columns=["city", "area_id", "period", "value"])
    >>> act = {"id": "hub", "name": "Youth hub", "target_areas": ["a0", "a1", "a2"],
    ...        "start_period": "2015"}
    >>> ev = evaluate_action(out, act)
    >>> ev.method, round(ev.estimate, 1)
    ('twfe', -2.0)
    """
    if method not in _METHODS:
        raise ConfigError(f"method={method!r}; expected one of {_METHODS}", key="method")
    panel = action_panel(outcome, action, city=city, comparison=comparison, min_comparison=min_comparison)
    caveats = list(panel.attrs["caveats"])
    emitted = set(caveats)
    treated_starts = panel.loc[panel["treated"], "first_treat"].dropna().unique()
    n_treated = panel.loc[panel["treated"], "area_id"].nunique()
    n_periods = panel["period"].nunique()
    if method == "auto":
        if len(treated_starts) > 1:
            method = "staggered"
        elif n_periods == 2:
            method = "did_2x2"
        else:
            method = "twfe"
    cols = {"outcome": "value", "unit": "area_id", "time": "period"}
    es_table = None
    pretrend: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EvaluationWarning)
        if method == "did_2x2":
            res: EvaluationResult = _did_from_panel(panel, alpha)
        elif method in ("twfe", "event_study"):
            from compare.evaluation.twfe import TWFE, EventStudy

            tw = (
                TWFE(alpha=alpha, min_comparison=min_comparison)
                .fit(panel, cohort="first_treat", **cols)
                .result_
            )
            es = (
                EventStudy(alpha=alpha, min_comparison=min_comparison)
                .fit(panel, cohort="first_treat", **cols)
                .result_
            )
            res = tw if method == "twfe" else es
            es_table, pretrend = es.event_study, es.pretrend
            _merge(res.caveats, es.caveats)
        elif method == "staggered":
            from compare.evaluation.staggered import CallawaySantAnna

            never = (~panel["treated"]).any()
            res = (
                CallawaySantAnna(
                    control_group="never" if never else "notyet",
                    alpha=alpha,
                    n_bootstrap=n_bootstrap,
                    random_state=random_state,
                    min_comparison=min_comparison,
                )
                .fit(panel, cohort="first_treat", **cols)
                .result_
            )
            es_table, pretrend = res.event_study, res.pretrend
        else:
            from compare.evaluation.synth import SyntheticControl

            if n_treated != 1:
                raise ConfigError(
                    f"method='synth' needs exactly one target area; the action has {n_treated}",
                    key="method",
                )
            tr = panel.loc[panel["treated"], "area_id"].iloc[0]
            start = panel.loc[panel["treated"], "first_treat"].iloc[0]
            opts = {"min_comparison": min_comparison, "alpha": alpha, **(synth_options or {})}
            res = SyntheticControl(**opts).fit(panel, treated=tr, start=start, **cols).result_
            es_table = res.path.assign(event_time=np.arange(len(res.path)) - int((~res.path["post"]).sum()))[
                ["event_time", "time", "gap"]
            ].rename(columns={"gap": "estimate"})
    for w in caught:
        if issubclass(w.category, EvaluationWarning):
            continue
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    _merge(caveats, res.caveats)
    if n_treated == 1 and method in ("did_2x2", "twfe", "event_study"):
        caveats.append(
            "Only one target area is treated: cluster-robust standard errors rest on a single "
            "treated cluster and understate uncertainty (Conley & Taber 2011); consider "
            "method='synth' with placebo inference."
        )
    for c in caveats:
        if c not in emitted:
            warnings.warn(c, EvaluationWarning, stacklevel=2)
    ids = panel.attrs["action_ids"]
    names = panel.attrs["action_names"]
    return ActionEvaluation(
        method=res.method,
        estimate=res.estimate,
        std_error=res.std_error,
        conf_int=res.conf_int,
        alpha=alpha,
        n_obs=res.n_obs,
        params=res.params,
        caveats=caveats,
        info={
            **res.info,
            "city": panel.attrs["city"],
            "n_target_areas": int(n_treated),
            **({"pretrend_p": round(pretrend["p_value"], 4)} if pretrend else {}),
        },
        action_id=", ".join(ids),
        action_name=", ".join(names),
        result=res,
        event_study=es_table,
        panel=panel,
    )


def _did_from_panel(panel: pd.DataFrame, alpha: float):
    from compare.evaluation.did import DiD

    periods = sorted(panel["period"].unique())
    if len(periods) != 2:
        raise DataError(
            f"the 2x2 DiD needs exactly two periods; the panel has {len(periods)}", column="period"
        )
    data = panel.assign(treated=panel["treated"].astype(int), post=panel["post"].astype(int))
    return (
        DiD(alpha=alpha).fit(data, outcome="value", group="treated", post="post", cluster="area_id").result_
    )


def evaluate_actions(
    outcome: pd.DataFrame, actions: Iterable, *, city: str | None = None, **kwargs
) -> tuple[dict[str, ActionEvaluation], pd.DataFrame]:
    """Evaluate each action of a city on one outcome; one tidy row per action.

    Unless ``comparison`` is given, each action's comparison group is the rest of the city minus
    the areas targeted by the *other* actions (they are not untreated), which is recorded as a
    caveat.

    Parameters
    ----------
    outcome : pandas.DataFrame
    actions : iterable of action objects or dicts
    city : str, optional
    **kwargs
        Passed to :func:`evaluate_action`.

    Returns
    -------
    results : dict of str to ActionEvaluation
        By action id.
    table : pandas.DataFrame
        ``action_id, action_name, method, estimate, std_error, conf_low, conf_high, p_value,
        n_caveats, caveats``.

    Examples
    --------
    >>> rows = [("x", f"a{i}", str(y), float(i + y - 2012 - (i < 3 and y >= 2015)))
    ...         for i in range(12) for y in range(2012, 2018)]
    >>> out = pd.DataFrame(rows, columns=["city", "area_id", "period", "value"])
    >>> acts = [{"id": "hub", "name": "Hub", "target_areas": ["a0", "a1", "a2"],
    ...          "start_period": "2015"}]
    >>> results, table = evaluate_actions(out, acts)
    >>> table["estimate"].round(3).tolist()
    [-1.0]
    """
    actions = list(actions)
    parsed = [as_action(a) for a in actions]
    results: dict[str, ActionEvaluation] = {}
    rows = []
    for act, a in zip(actions, parsed, strict=True):
        kw = dict(kwargs)
        others = {t for b in parsed if b.id != a.id for t in b.target_areas} - set(a.target_areas)
        if kw.get("comparison") is None and others:
            areas = (
                outcome.loc[outcome["city"].astype(str) == str(city), "area_id"]
                if city
                else (outcome["area_id"])
            )
            kw["comparison"] = sorted(set(areas.astype(str)) - set(a.target_areas) - others)
        ev = evaluate_action(outcome, act, city=city, **kw)
        if kw.get("comparison") is not None and others and "comparison" not in kwargs:
            ev.caveats.append(
                f"{len(others)} area(s) targeted by other actions of the city were left out of "
                "the comparison group, so that it is not itself treated."
            )
        results[a.id] = ev
        rows.append(
            {
                "action_id": a.id,
                "action_name": a.name,
                "method": ev.method,
                "estimate": ev.estimate,
                "std_error": ev.std_error,
                "conf_low": ev.conf_int[0],
                "conf_high": ev.conf_int[1],
                "p_value": ev.p_value,
                "n_caveats": len(ev.caveats),
                "caveats": " ".join(ev.caveats),
            }
        )
    return results, pd.DataFrame(rows)


def group_share_outcome(population: pd.DataFrame, definition) -> pd.DataFrame:
    """Outcome table of a group's share per area and period from the ``population`` table.

    Parameters
    ----------
    population : pandas.DataFrame
        Canonical long table (see :mod:`compare.model`).
    definition : compare.model.GroupDefinition
        E.g. ``DEFAULT_GROUP_DEFINITIONS["unemployment"]`` (unemployed / labour force).

    Returns
    -------
    pandas.DataFrame
        ``city, area_id, period, value`` with ``value = group / total`` (``NaN`` where the
        total is zero or a count is suppressed).

    Examples
    --------
    >>> from compare.model import GroupDefinition
    >>> pop = pd.DataFrame({"city": ["x"] * 2, "area_id": ["1"] * 2, "period": ["2015"] * 2,
    ...     "variable": ["u", "lf"], "count": [1.0, 5.0], "vintage": ["v"] * 2})
    >>> group_share_outcome(pop, GroupDefinition("u", group="u", total="lf"))["value"].tolist()
    [0.2]
    """
    from compare.model import group_table

    tab = group_table(population, definition)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = tab["group"] / tab["total"].where(tab["total"] > 0)
    return share.rename("value").reset_index()[OUTCOME_COLUMNS]
