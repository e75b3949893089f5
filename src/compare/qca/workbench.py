"""QCA for a network of cities, straight from the workbench's tidy tables.

Conditions come from the governance rubric (tidy ``city, dimension|criterion, score`` with
scores on the 0-4 maturity scale, averaged per city and dimension) and the outcome from the
indicator panel (``city, value``, e.g. the change in the dissimilarity index). Both are
calibrated with Ragin's direct method, the truth table is built and minimised, and necessity
is tested. When the data cannot support a QCA the result says plainly why instead of raising.

Minimum number of cases
-----------------------
With few cases relative to conditions, random data easily produce contradiction-free truth
tables and perfectly "consistent" solutions (Marx 2010; Marx & Dusa 2011, who derive
benchmark tables of the number of cases needed for a given number of conditions by simulating
millions of random data sets). As a conservative, easy-to-explain rule of thumb in that spirit
we require ``n >= 4 * (k - 1)`` cases and never fewer than 6 for ``k`` conditions: 3
conditions need 8 cities, 4 need 12, 5 need 16. Pass ``min_cases`` to apply another
benchmark (e.g. a value from the published tables).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.qca.calibrate import calibrate_direct
from compare.qca.necessity import NecessityResult, necessity
from compare.qca.solution import QCASolution, minimize
from compare.qca.truthtable import TruthTable, truth_table
from compare.summary import Summary

__all__ = ["WorkbenchQCAResult", "qca_from_workbench", "minimum_cases", "RUBRIC_ANCHORS"]

#: Default direct-calibration anchors on the 0-4 maturity scale: exclusion at 1 ("initial"),
#: crossover at 2.5 (between "developing" and "established", so that integer scores are never
#: maximally ambiguous) and inclusion at 3.5.
RUBRIC_ANCHORS = (1.0, 2.5, 3.5)


def minimum_cases(n_conditions: int) -> int:
    """Rule-of-thumb minimum number of cases for ``n_conditions`` conditions.

    ``max(6, 4 * (k - 1))``, a conservative linear rule in the spirit of the benchmarks of
    Marx & Dusa (2011).

    Examples
    --------
    >>> [minimum_cases(k) for k in (2, 3, 4, 5)]
    [6, 8, 12, 16]
    """
    return max(6, 4 * (int(n_conditions) - 1))


@dataclass
class WorkbenchQCAResult:
    """Outcome of :func:`qca_from_workbench`: the analysis, or why it was not run.

    Attributes
    ----------
    ran : bool
        Whether the QCA was run.
    message : str
        Plain-language statement of what was done or why not.
    reasons : list of str
        Every reason the analysis could not run (empty when it ran).
    data : DataFrame
        Calibrated memberships (index: city) of the usable cases.
    raw : DataFrame
        Uncalibrated condition scores and outcome values of the usable cases.
    excluded : DataFrame
        Cities left out and why (``city, reason``).
    truth_table : TruthTable or None
    solutions : dict of str -> QCASolution
        ``"conservative"``, ``"parsimonious"`` and, with ``dir_exp``, ``"intermediate"``.
    necessity : NecessityResult or None
    min_cases : int
    """

    ran: bool
    message: str
    reasons: list[str] = field(default_factory=list)
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    raw: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["city", "reason"]))
    truth_table: TruthTable | None = None
    solutions: dict[str, QCASolution] = field(default_factory=dict)
    necessity: NecessityResult | None = None
    min_cases: int = 0
    outcome_name: str = "OUTCOME"

    def solutions_table(self) -> pd.DataFrame:
        """Tidy fit of every term of every solution (``solution, model, term, ...``)."""
        frames = []
        for kind, sol in self.solutions.items():
            t = sol.terms()
            t.insert(0, "solution", kind)
            frames.append(t)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def summary(self) -> Summary:
        """Report: message, truth table, solutions and necessity (text with ``print``, HTML in Jupyter)."""
        s = Summary("QCA of the network's governance profiles", notes=[self.message])
        if len(self.excluded):
            s.add_table("Excluded cities", self.excluded)
        if self.ran:
            s.add_table("", self.truth_table.summary())
            for sol in self.solutions.values():
                s.add_table("", sol.summary())
            s.add_table("", self.necessity.summary())
        return s

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        return self.summary().as_text()


def _tidy_scores(scores: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame):
        raise DataError("scores must be a DataFrame with columns city, dimension, score")
    key = "dimension" if "dimension" in scores.columns else "criterion"
    missing = [c for c in ("city", key, "score") if c not in scores.columns]
    if missing:
        raise DataError(
            f"rubric score table lacks columns {missing}; expected city, dimension (or criterion), score",
            column=missing[0],
        )
    s = scores[["city", key, "score"]].copy()
    s["score"] = pd.to_numeric(s["score"], errors="coerce")
    bad = s["score"].notna() & ((s["score"] < 0) | (s["score"] > 4))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"rubric score {s['score'].iloc[i]} is outside the 0-4 maturity scale "
            f"(city {s['city'].iloc[i]!r}, {key} {s[key].iloc[i]!r})",
            row=i + 1,
            column="score",
        )
    wide = s.dropna(subset=["score"]).pivot_table(index="city", columns=key, values="score", aggfunc="mean")
    wide.columns = [str(c) for c in wide.columns]
    return wide


def qca_from_workbench(
    scores: pd.DataFrame,
    outcome: pd.DataFrame,
    conditions: Sequence[str] | None = None,
    *,
    outcome_direction: str = "decrease",
    min_cases: int | None = None,
    condition_anchors: tuple[float, float, float] | Mapping[str, tuple] = RUBRIC_ANCHORS,
    outcome_anchors: tuple[float, float, float] | None = None,
    incl_cut: float = 0.8,
    n_cut: int = 1,
    dir_exp: str | Mapping[str, int] | None = None,
    outcome_name: str | None = None,
) -> WorkbenchQCAResult:
    """Run a QCA of governance conditions against an indicator outcome, or say why not.

    Parameters
    ----------
    scores : DataFrame
        Tidy rubric scores ``city, dimension`` (or ``criterion``) ``, score`` on the 0-4
        maturity scale; several rows per (city, dimension) are averaged.
    outcome : DataFrame
        ``city, value``: one outcome value per city (e.g. change in the dissimilarity index).
    conditions : sequence of str, optional
        Dimensions to use as conditions (default: all dimensions in ``scores``).
    outcome_direction : {"decrease", "increase"}
        Whether membership in the outcome set means the value *fell* (e.g. falling
        segregation) or *rose*.
    min_cases : int, optional
        Minimum number of cities with both scores and outcome; default
        :func:`minimum_cases` (``max(6, 4 * (k - 1))`` after Marx & Dusa 2011).
    condition_anchors : (e, c, i) or mapping
        Direct-calibration anchors on the 0-4 scale (default :data:`RUBRIC_ANCHORS`), or one
        triple per condition.
    outcome_anchors : (e, c, i), optional
        Anchors on the outcome's own scale *in the outcome direction*; for ``"decrease"`` e.g.
        ``(0.02, 0.0, -0.03)`` (full exclusion at a rise of 0.02, full inclusion at a fall of
        0.03). Default: crossover at 0 (no change) and the 75th percentile of ``|value|`` as the
        distance to full inclusion/exclusion.
    incl_cut, n_cut : float, int
        Truth-table cut-offs (see :func:`~compare.qca.truth_table`).
    dir_exp : str or mapping, optional
        Directional expectations; when given, the intermediate solution is computed too.
    outcome_name : str, optional
        Name of the outcome set (default ``"FALLING"`` or ``"RISING"``).

    Returns
    -------
    WorkbenchQCAResult
        ``ran`` is False, with the reasons in ``message``, when there are fewer usable cities
        than ``min_cases``, a condition or the outcome does not vary across the 0.5 crossover,
        or no city is a member of the outcome set.

    References
    ----------
    Marx, A. & Dusa, A. (2011) "Crisp-set qualitative comparative analysis (csQCA),
    contradictions and consistency benchmarks for model specification", *Methodological
    Innovations Online* 6(2), 103-148. Ragin, C. C. (2008) *Redesigning Social Inquiry*.

    Examples
    --------
    >>> scores = pd.DataFrame({"city": ["a", "b"], "dimension": ["P", "P"], "score": [1, 4]})
    >>> out = pd.DataFrame({"city": ["a", "b"], "value": [0.01, -0.02]})
    >>> r = qca_from_workbench(scores, out)
    >>> r.ran
    False
    """
    if outcome_direction not in ("decrease", "increase"):
        raise ConfigError(
            f"outcome_direction must be 'decrease' or 'increase', got {outcome_direction!r}",
            key="outcome_direction",
        )
    name = outcome_name or ("FALLING" if outcome_direction == "decrease" else "RISING")
    wide = _tidy_scores(scores)
    if conditions is None:
        conditions = list(wide.columns)
    conditions = [str(c) for c in conditions]
    if not conditions:
        raise ConfigError("no conditions: the score table has no dimensions", key="conditions")
    unknown = [c for c in conditions if c not in wide.columns]
    if unknown:
        raise ConfigError(
            f"conditions {unknown} have no rubric scores; dimensions present: {list(wide.columns)}",
            key="conditions",
        )
    if not isinstance(outcome, pd.DataFrame) or not {"city", "value"} <= set(outcome.columns):
        raise DataError("outcome must be a DataFrame with columns city, value", column="value")
    dup = outcome["city"][outcome["city"].duplicated()]
    if len(dup):
        raise DataError(
            f"outcome has several values for city {dup.iloc[0]!r}; expected one per city",
            column="city",
        )
    y = pd.to_numeric(outcome.set_index("city")["value"], errors="coerce")
    k = len(conditions)
    need = minimum_cases(k) if min_cases is None else int(min_cases)

    cities = sorted(set(wide.index) | set(y.index), key=str)
    excl = []
    for c in cities:
        miss = [d for d in conditions if c not in wide.index or pd.isna(wide.loc[c, d])]
        if miss:
            excl.append({"city": c, "reason": f"no rubric score for {', '.join(miss)}"})
        elif c not in y.index or pd.isna(y.loc[c]):
            excl.append({"city": c, "reason": "no outcome value"})
    excluded = pd.DataFrame(excl, columns=["city", "reason"])
    usable = [c for c in cities if c not in set(excluded["city"])]
    raw = wide.loc[usable, conditions].copy()
    raw[name] = y.loc[usable].to_numpy(dtype=float) if usable else []

    def stop(reasons: list[str], data: pd.DataFrame | None = None) -> WorkbenchQCAResult:
        msg = "QCA not run: " + "; ".join(reasons)
        return WorkbenchQCAResult(
            ran=False,
            message=msg,
            reasons=reasons,
            data=pd.DataFrame() if data is None else data,
            raw=raw,
            excluded=excluded,
            min_cases=need,
            outcome_name=name,
        )

    reasons = []
    if len(usable) < need:
        reasons.append(
            f"only {len(usable)} cities have both rubric scores for all {k} conditions and an "
            f"outcome value; at least {need} are needed for {k} conditions (rule of thumb "
            f"n >= max(6, 4*(k-1)) after Marx & Dusa 2011 on the ratio of cases to conditions); "
            "use fewer conditions or add cities"
        )
    if not usable:
        return stop(reasons)

    # calibration
    mem = pd.DataFrame(index=raw.index)
    for c in conditions:
        a = condition_anchors[c] if isinstance(condition_anchors, Mapping) else condition_anchors
        mem[c] = calibrate_direct(raw[c], *a)
    yv = raw[name].to_numpy(dtype=float)
    if outcome_anchors is None:
        spread = float(np.nanpercentile(np.abs(yv), 75)) if len(yv) else 0.0
        if spread == 0:
            reasons.append(f"the outcome value is 0 for every usable city: {name} cannot be calibrated")
            return stop(reasons)
        s = -1.0 if outcome_direction == "decrease" else 1.0
        outcome_anchors = (-s * spread, 0.0, s * spread)
    mem[name] = calibrate_direct(yv, *outcome_anchors)

    def crossover(c: str) -> float:
        a = condition_anchors[c] if isinstance(condition_anchors, Mapping) else condition_anchors
        return float(a[1])

    for c in conditions:
        above = (mem[c] > 0.5).sum()
        below = (mem[c] < 0.5).sum()
        if above == 0 or below == 0:
            side = "in" if below == 0 else "out of"
            reasons.append(
                f"no variation in condition {c!r}: every usable city is {side} the set "
                f"(raw scores {raw[c].min():g}-{raw[c].max():g} on the 0-4 scale, crossover "
                f"{crossover(c):g})"
            )
    if (mem[name] > 0.5).sum() == 0:
        reasons.append(f"no city is a member of the outcome set {name} (membership > 0.5)")
    elif (mem[name] < 0.5).sum() == 0:
        reasons.append(f"every city is a member of the outcome set {name}: the outcome does not vary")
    if reasons:
        return stop(reasons, mem)

    tt = truth_table(mem, name, conditions, incl_cut=incl_cut, n_cut=n_cut)
    sols = {
        "conservative": minimize(tt, "conservative"),
        "parsimonious": minimize(tt, "parsimonious"),
    }
    if dir_exp is not None:
        sols["intermediate"] = minimize(tt, "intermediate", dir_exp=dir_exp)
    nec = necessity(mem, name, conditions)
    if sols["conservative"].models:
        found = "; ".join(f"{kind}: {s.formula}" for kind, s in sols.items())
    else:
        found = f"no truth-table row reaches inclusion {incl_cut:g}: no sufficient configuration"
    msg = (
        f"QCA run on {len(usable)} cities with {k} conditions (minimum {need}); outcome {name} "
        f"({outcome_direction} of the indicator). {found}"
    )
    return WorkbenchQCAResult(
        ran=True,
        message=msg,
        data=mem,
        raw=raw,
        excluded=excluded,
        truth_table=tt,
        solutions=sols,
        necessity=nec,
        min_cases=need,
        outcome_name=name,
    )
