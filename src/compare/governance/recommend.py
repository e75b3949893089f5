"""Transfer recommendations: a city's weakest rubric criteria matched to peers' practices.

For each city, the criteria with its lowest rubric scores are matched to practices of the
catalogue that address them (``addresses:`` in ``data/practices``) and originate in a peer
that scores *strong* on that criterion. Candidates are ranked by the score gap between the
peer and the city, then by the evidence's confidence, then by how similar the two cities'
contexts are in the data. A city with no candidate gets the reason in words.

References
----------
URBACT (2019). *Transfer Networks: the URBACT method of transferring good practices*
(Understand, Adapt, Re-use). https://urbact.eu/transfer-networks
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare.errors import DataError

__all__ = [
    "RECOMMENDATION_COLUMNS",
    "Recommendations",
    "weakest_criteria",
    "context_similarity",
    "recommend_transfers",
]

#: Columns of :attr:`Recommendations.table`, in order.
RECOMMENDATION_COLUMNS = [
    "city",
    "rank",
    "criterion",
    "criterion_name",
    "city_score",
    "practice",
    "practice_name",
    "origin",
    "origin_score",
    "gap",
    "confidence",
    "sources",
    "context_similarity",
    "why",
]

_CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}


def weakest_criteria(scores: pd.Series, n: int = 3) -> pd.Series:
    """The ``n`` lowest-scored criteria of one city, ties at the boundary included.

    Parameters
    ----------
    scores : pandas.Series
        Criterion id -> score (missing scores are ignored).
    n : int
        How many criteria at least (more when the n-th score is tied).

    Returns
    -------
    pandas.Series
        The weakest criteria with their scores, lowest first (ties in the given order).

    Examples
    --------
    >>> weakest_criteria(pd.Series({"a": 3, "b": 1, "c": 2, "d": 2}), n=2)
    b    1.0
    c    2.0
    d    2.0
    dtype: float64
    """
    if n < 1:
        raise DataError(f"n={n}; expected at least 1 weakest criterion", column="n")
    s = pd.to_numeric(scores, errors="coerce").astype(float).dropna()
    if s.empty:
        return s
    s = s.sort_values(kind="stable")
    cut = s.iloc[min(n, len(s)) - 1]
    return s[s <= cut]


def context_similarity(contexts: pd.DataFrame, a: str, b: str, min_shared: int = 2) -> float:
    """Similarity of two cities' contexts in the data, between 0 (most different) and 1 (same).

    .. math::

        s(a, b) = 1 - \\frac{1}{|K|} \\sum_{k \\in K}
        \\frac{|x_{ak} - x_{bk}|}{\\max_c x_{ck} - \\min_c x_{ck}}

    over the context variables ``K`` both cities have (a Gower similarity, Gower 1971, with
    ranges taken over all cities of ``contexts``). ``NaN`` when they share fewer than
    ``min_shared`` variables (population alone says little about two cities' contexts).

    Parameters
    ----------
    contexts : pandas.DataFrame
        One row per city (index), numeric context variables as columns (for example
        ``log10 population`` and the dissimilarity index of each group definition).
    a, b : str
        City ids.

    Examples
    --------
    >>> ctx = pd.DataFrame({"D": [0.2, 0.3, 0.4]}, index=["x", "y", "z"])
    >>> context_similarity(ctx, "x", "y", min_shared=1)
    0.5
    >>> context_similarity(ctx, "x", "nowhere")
    nan
    """
    if contexts is None or a not in contexts.index or b not in contexts.index:
        return float("nan")
    num = contexts.apply(pd.to_numeric, errors="coerce")
    span = num.max() - num.min()
    xa, xb = num.loc[a], num.loc[b]
    ok = xa.notna() & xb.notna()
    if int(ok.sum()) < max(min_shared, 1):
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        d = ((xa - xb).abs() / span.where(span > 0))[ok].fillna(0.0)
    return round(float(1.0 - d.mean()), 3)


@dataclass
class Recommendations:
    """Ranked transfer recommendations of a network's cities.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (city, weakest criterion, practice), columns :data:`RECOMMENDATION_COLUMNS`.
    weakest : dict of str to pandas.Series
        Each city's weakest criteria with its scores.
    reasons : dict of str to str
        Why a city has no recommendation (only cities without one).
    """

    table: pd.DataFrame
    weakest: dict[str, pd.Series] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def for_city(self, city: str) -> pd.DataFrame:
        """The city's recommendations, best first."""
        return self.table[self.table["city"] == city].reset_index(drop=True)

    def summary(self) -> str:
        """One line per city: its best recommendation or the reason there is none."""
        lines = []
        for city in dict.fromkeys([*self.weakest, *self.reasons]):
            t = self.for_city(city)
            if len(t):
                r = t.iloc[0]
                lines.append(f"{city}: {r['practice']} from {r['origin']} for {r['criterion']}")
            else:
                lines.append(f"{city}: none ({self.reasons.get(city, '')})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Recommendations: {len(self.table)} for {self.table['city'].nunique()} cities>"


def recommend_transfers(
    scores: pd.DataFrame,
    catalogue,
    rubric,
    *,
    cities: Iterable[str] | None = None,
    n_weakest: int = 3,
    strong: float = 3,
    contexts: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    partners: Iterable[str] | None = None,
) -> Recommendations:
    """Match each city's weakest criteria to practices of peers that are strong there.

    A practice ``p`` is a candidate for city ``c`` and criterion ``k`` when ``k`` is among
    ``c``'s :func:`weakest_criteria`, ``p`` addresses ``k``, ``p`` originates in a peer ``o``
    with a score on ``k`` of at least ``strong`` and above ``c``'s, and ``c`` neither originated
    nor adopted ``p`` already. Candidates are ranked by the gap ``score(o, k) - score(c, k)``,
    then the practice's evidence confidence, then :func:`context_similarity` of ``c`` and ``o``.

    Parameters
    ----------
    scores : pandas.DataFrame
        City x criterion scores (:func:`compare.governance.score_matrix`, or the local group's
        consensus where it exists). Peers are the cities of this table.
    catalogue : compare.governance.PracticeCatalogue
    rubric : compare.governance.Rubric
    cities : iterable of str, optional
        Cities to recommend for (default: every city of ``scores``).
    n_weakest : int
        Weakest criteria per city (ties included).
    strong : float
        Minimum score of the peer on the criterion.
    contexts : pandas.DataFrame, optional
        Context variables per city (see :func:`context_similarity`).
    names : mapping, optional
        City id -> display name for the ``why`` text.
    partners : iterable of str, optional
        The network's cities; a practice from a peer outside them says so in ``why`` (peers are
        all cities of ``scores``: the catalogue is shared by every network).

    Returns
    -------
    Recommendations

    Examples
    --------
    >>> from compare.governance import load_practices, load_profiles, load_rubric, score_matrix
    >>> rubric = load_rubric()
    >>> m = score_matrix(load_profiles(), rubric)
    >>> rec = recommend_transfers(m, load_practices(), rubric, cities=["espoo"])
    >>> set(rec.for_city("espoo")["criterion"]) <= set(rec.weakest["espoo"].index)
    True
    """
    names = dict(names or {})
    partners = None if partners is None else set(partners)
    adopted: dict[str, set[str]] = {}
    for t in catalogue.transfers:
        adopted.setdefault(t.adopter, set()).add(t.practice)
    wanted = list(scores.index) if cities is None else list(cities)
    rows, weakest, reasons = [], {}, {}
    for city in wanted:
        if city not in scores.index:
            reasons[city] = "no governance profile with rubric scores"
            continue
        weak = weakest_criteria(scores.loc[city], n_weakest)
        if weak.empty:
            reasons[city] = "its profile scores no rubric criterion"
            continue
        weakest[city] = weak
        own = {p.id for p in catalogue.practices if p.origin_city == city} | adopted.get(city, set())
        found = []
        for k, s_city in weak.items():
            for p in catalogue.practices:
                if k not in p.addresses or p.id in own or p.origin_city == city:
                    continue
                o = p.origin_city
                if o not in scores.index or k not in scores.columns:
                    continue
                s_o = scores.at[o, k]
                if pd.isna(s_o) or s_o < strong or s_o <= s_city:
                    continue
                sim = context_similarity(contexts, city, o)
                crit = rubric.criterion(k)
                sim_txt = (
                    f"contexts {sim:.2f} similar in the data (1 = same)"
                    if np.isfinite(sim)
                    else "contexts not comparable in this network's data"
                )
                outside = partners is not None and o not in partners
                why = (
                    f"{names.get(city, city)} scores {s_city:g} on '{crit.name}', one of its weakest; "
                    f"{names.get(o, o)} scores {s_o:g} there and this practice addresses it; {sim_txt}"
                    + ("; the origin is not a partner of this network" if outside else "")
                )
                found.append(
                    {
                        "city": city,
                        "criterion": k,
                        "criterion_name": crit.name,
                        "city_score": float(s_city),
                        "practice": p.id,
                        "practice_name": p.name,
                        "origin": o,
                        "origin_score": float(s_o),
                        "gap": float(s_o - s_city),
                        "confidence": p.confidence,
                        "sources": ", ".join(dict.fromkeys(e.source.id for e in p.evidence)),
                        "context_similarity": sim,
                        "why": why,
                        "_conf": _CONFIDENCE_RANK.get(p.confidence, 0),
                    }
                )
        if not found:
            reasons[city] = (
                "no peer practice in the catalogue addresses its weakest criteria ("
                + ", ".join(rubric.criterion(k).name for k in weak.index)
                + f") from a city scoring at least {strong:g} there"
            )
            continue
        f = pd.DataFrame(found)
        f["_sim"] = f["context_similarity"].fillna(-1.0)
        f = f.sort_values(
            ["gap", "_conf", "_sim", "practice"], ascending=[False, False, False, True], kind="stable"
        )
        f["rank"] = np.arange(1, len(f) + 1)
        rows.append(f.drop(columns=["_conf", "_sim"]))
    table = (
        pd.concat(rows, ignore_index=True)[RECOMMENDATION_COLUMNS]
        if rows
        else pd.DataFrame(columns=RECOMMENDATION_COLUMNS)
    )
    return Recommendations(table=table, weakest=weakest, reasons=reasons)
