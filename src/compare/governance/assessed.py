"""Which score a comparison uses: the local group's consensus where it exists, else the desk review.

:func:`assessment_scores` returns one tidy table over the cities of a comparison: for a city with
self-assessment responses, the consensus (median) of its latest round per criterion with the
interquartile range as its spread; for a city without, the desk-review score of its governance
profile (no spread). The ``source`` column says which, so a report can say which cities have only
a desk review; the desk scores themselves stay in the profiles.

:func:`perturbed_scores` draws score tables in which every consensus score moves within its
spread (uniformly between the quartiles), and :func:`cluster_robustness` refits the model
clustering on each draw: a solution that does not survive such moves rests on the raters'
disagreement rather than on the model.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from compare.governance.compare import ModelSimilarity, adjusted_rand_index
from compare.governance.consensus import consensus
from compare.governance.rounds import rounds_of

__all__ = [
    "CONSENSUS",
    "DESK",
    "assessment_scores",
    "assessment_matrix",
    "assessment_sources",
    "perturbed_scores",
    "cluster_robustness",
]

#: ``source`` of consensus scores.
CONSENSUS = "self-assessment consensus"
#: ``source`` of desk-review scores.
DESK = "desk review"
_COLS = ["city", "dimension", "criterion", "score", "source", "round", "n_raters", "q25", "q75", "example"]


def assessment_scores(profiles, responses: pd.DataFrame | None, rubric) -> pd.DataFrame:
    """Tidy scores per city and criterion: consensus of the latest round, else the desk review.

    Parameters
    ----------
    profiles : mapping of str to Profile
        The cities of the comparison (their desk-review scores).
    responses : pandas.DataFrame or None
        Tidy self-assessment responses (:func:`compare.governance.load_responses`).
    rubric : Rubric

    Returns
    -------
    pandas.DataFrame
        ``city, dimension, criterion, score, source, round, n_raters, q25, q75, example``.
        A criterion nobody in the group could score (all "don't know") falls back to the desk
        score and says so in ``source``.

    Examples
    --------
    >>> from compare.governance import load_profiles, load_rubric
    >>> r = load_rubric()
    >>> t = assessment_scores(load_profiles(rubric=r, cities=["berlin"]), None, r)
    >>> set(t["source"])
    {'desk review'}
    """
    rows = []
    resp = responses if responses is not None else pd.DataFrame(columns=["city"])
    for city, p in dict(profiles).items():
        sub = resp[resp["city"] == city] if len(resp) else resp
        cons = {}
        rnd, example = None, False
        if len(sub):
            rnd = rounds_of(sub, city)[-1]
            latest = sub[sub["round"] == rnd]
            example = bool(latest["example"].any()) if "example" in latest.columns else False
            c = consensus(latest, rubric)
            cons = {r.criterion: r for r in c.itertuples() if r.n_raters > 0}
        for crit in rubric.criteria:
            desk = p.scores.get(crit.id)
            if crit.id in cons:
                r = cons[crit.id]
                rows.append(
                    [
                        city,
                        crit.dimension,
                        crit.id,
                        float(r.median),
                        CONSENSUS,
                        rnd,
                        int(r.n_raters),
                        float(r.q25),
                        float(r.q75),
                        example,
                    ]
                )
            else:
                src = DESK if rnd is None else f"{DESK} (no rater could score it)"
                val = np.nan if desk is None else float(desk.score)
                rows.append([city, crit.dimension, crit.id, val, src, rnd, 0, val, val, False])
    return pd.DataFrame(rows, columns=_COLS)


def assessment_matrix(scores: pd.DataFrame, rubric, level: str = "criterion") -> pd.DataFrame:
    """Cities x criteria (or x dimensions, mean of the criteria) matrix of :func:`assessment_scores`.

    Examples
    --------
    >>> s = pd.DataFrame({"city": ["a", "a"], "dimension": ["d", "d"], "criterion": ["k", "j"],
    ...                   "score": [1.0, 3.0]})
    >>> class R: criterion_ids, dimension_ids = ("k", "j"), ("d",)
    >>> float(assessment_matrix(s, R, "dimension").loc["a", "d"])
    2.0
    """
    cities = list(dict.fromkeys(scores["city"]))
    if level == "dimension":
        m = scores.groupby(["city", "dimension"], sort=False)["score"].mean().unstack("dimension")
        m = m.reindex(index=cities, columns=list(rubric.dimension_ids))
    else:
        m = scores.pivot(index="city", columns="criterion", values="score")
        m = m.reindex(index=cities, columns=list(rubric.criterion_ids))
    m.index.name, m.columns.name = "city", level
    return m.astype(float)


def assessment_sources(scores: pd.DataFrame) -> pd.DataFrame:
    """Per city: where its scores come from (consensus round and raters, or desk review only).

    Returns ``city, source, round, max_raters, example``.

    Examples
    --------
    >>> s = pd.DataFrame({"city": ["a"], "source": ["desk review"], "round": [None],
    ...                   "n_raters": [0], "example": [False]})
    >>> assessment_sources(s)["source"].tolist()
    ['desk review only']
    """
    rows = []
    for city, sub in scores.groupby("city", sort=False):
        has = (sub["source"] == CONSENSUS).any()
        rows.append(
            {
                "city": city,
                "source": CONSENSUS if has else "desk review only",
                "round": sub["round"].dropna().iloc[0] if has else None,
                "max_raters": int(sub["n_raters"].max()),
                "example": bool(sub["example"].any()),
            }
        )
    return pd.DataFrame(rows, columns=["city", "source", "round", "max_raters", "example"])


def perturbed_scores(scores: pd.DataFrame, n_draws: int = 200, seed: int = 0) -> Iterator[pd.DataFrame]:
    """Yield ``n_draws`` copies of ``scores`` with each consensus score drawn within its spread.

    Each consensus score is replaced by a uniform draw between its quartiles ``q25`` and
    ``q75``; desk-review scores (no spread) are kept.

    Examples
    --------
    >>> s = pd.DataFrame({"score": [2.0], "q25": [1.0], "q75": [3.0]})
    >>> all(1 <= d["score"].iloc[0] <= 3 for d in perturbed_scores(s, 5))
    True
    """
    rng = np.random.default_rng(seed)
    lo = scores["q25"].to_numpy(float)
    hi = scores["q75"].to_numpy(float)
    base = scores["score"].to_numpy(float)
    moves = np.isfinite(lo) & np.isfinite(hi) & (hi > lo)
    for _ in range(int(n_draws)):
        out = scores.copy()
        vals = base.copy()
        vals[moves] = rng.uniform(lo[moves], hi[moves])
        out["score"] = vals
        yield out


def cluster_robustness(
    scores: pd.DataFrame, rubric, n_clusters: int = 2, n_draws: int = 200, seed: int = 0
) -> dict:
    """How often the model clustering survives when consensus scores move within their spread.

    Returns
    -------
    dict
        ``base`` (city -> type), ``share_identical`` (share of draws with the same partition),
        ``mean_ari`` (mean adjusted Rand index against the base), ``n_draws``, and
        ``unstable_cities`` (cities whose co-membership changed in more than 10% of draws).

    Examples
    --------
    >>> s = pd.DataFrame({"city": list("abcd"), "dimension": "d", "criterion": "k",
    ...     "score": [0., 0.5, 4., 3.5], "q25": [0., 0., 3.5, 3.], "q75": [0.5, 1., 4., 4.]})
    >>> class R: criterion_ids, dimension_ids = ("k",), ("d",)
    >>> cluster_robustness(s, R, n_draws=20)["share_identical"]
    1.0
    """
    m = assessment_matrix(scores, rubric).dropna(axis=1, how="any")
    base = ModelSimilarity(n_clusters=n_clusters).fit(m).clusters_
    same_base = base.to_numpy()[:, None] == base.to_numpy()[None, :]
    aris, identical = [], 0
    changed = np.zeros(len(base))
    for draw in perturbed_scores(scores, n_draws, seed):
        md = assessment_matrix(draw, rubric)[m.columns]
        lab = ModelSimilarity(n_clusters=n_clusters).fit(md).clusters_
        ari = adjusted_rand_index(base.tolist(), lab.tolist())
        aris.append(ari)
        identical += ari == 1.0
        same = lab.to_numpy()[:, None] == lab.to_numpy()[None, :]
        changed += (same != same_base).any(axis=1)
    n = max(len(aris), 1)
    return {
        "base": base.to_dict(),
        "share_identical": identical / n,
        "mean_ari": float(np.mean(aris)) if aris else np.nan,
        "n_draws": len(aris),
        "unstable_cities": [c for c, k in zip(base.index, changed, strict=True) if k / n > 0.1],
    }
