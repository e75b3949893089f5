r"""What a local group's answers say together: consensus, disagreement, role-group differences.

All functions take the tidy responses table of :func:`compare.governance.import_responses`
(``city, round, rater, role, criterion, score, ...``; "don't know" answers have no score and
are counted separately, never as a score).

* :func:`consensus` -- per criterion the median answer with its spread (quartiles, range) and
  the number of raters, next to the desk-review score of the governance profile
  (:func:`with_desk_review`); the desk score is never replaced, both are shown.
* :func:`disagreement` -- where raters disagree most: the mean absolute difference between two
  raters' answers, :math:`\bar d_k = \binom{m_k}{2}^{-1}\sum_{i<j}|x_{ik}-x_{jk}|` (in levels),
  with the interquartile range and range.
* :func:`role_differences` -- whether one role group (e.g. residents) answers systematically
  differently from the others, with an exact permutation test of the difference in mean
  answers: with few raters the test says how sure one can be, including the smallest p-value
  the group sizes allow.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError

__all__ = [
    "consensus",
    "dimension_scores",
    "with_desk_review",
    "disagreement",
    "role_counts",
    "role_differences",
    "permutation_test",
]

_KEYS = ["city", "round"]


def _check(responses: pd.DataFrame) -> pd.DataFrame:
    need = {"city", "round", "rater", "criterion", "score"}
    if not isinstance(responses, pd.DataFrame) or not need <= set(responses.columns):
        missing = sorted(need - set(getattr(responses, "columns", [])))
        raise DataError(
            f"responses lack columns {missing}; expected the table of import_responses", column=missing[0]
        )
    r = responses.copy()
    r["score"] = pd.to_numeric(r["score"], errors="coerce")
    if "dont_know" not in r.columns:
        r["dont_know"] = False
    if "dimension" not in r.columns:
        r["dimension"] = ""
    return r


def consensus(responses: pd.DataFrame, rubric=None) -> pd.DataFrame:
    """Median answer per city, round and criterion, with its spread and the number of raters.

    Parameters
    ----------
    responses : pandas.DataFrame
        Tidy responses.
    rubric : Rubric, optional
        Orders the criteria as the rubric does.

    Returns
    -------
    pandas.DataFrame
        ``city, round, dimension, criterion, n_raters, n_dont_know, median, q25, q75, min, max,
        iqr, mean`` (quartiles by linear interpolation; ``n_raters`` counts raters with a score).

    Examples
    --------
    >>> r = pd.DataFrame({"city": "x", "round": "b", "rater": ["a", "b", "c"],
    ...                   "criterion": "k", "score": [1, 2, 4]})
    >>> c = consensus(r).iloc[0]
    >>> float(c["median"]), int(c["n_raters"]), float(c["iqr"])
    (2.0, 3, 1.5)
    """
    r = _check(responses)
    keys = [*_KEYS, "dimension", "criterion"]
    g = r.groupby(keys, sort=False)
    s = g["score"]
    out = pd.DataFrame(
        {
            "n_raters": s.count(),
            "n_dont_know": g["dont_know"].sum().astype(int),
            "median": s.median(),
            "q25": s.quantile(0.25),
            "q75": s.quantile(0.75),
            "min": s.min(),
            "max": s.max(),
            "mean": s.mean(),
        }
    ).reset_index()
    out["iqr"] = out["q75"] - out["q25"]
    if rubric is not None:
        order = {c: i for i, c in enumerate(rubric.criterion_ids)}
        out = out.sort_values(
            ["city", "round", "criterion"], key=lambda c: c.map(order) if c.name == "criterion" else c
        )
    cols = [*keys, "n_raters", "n_dont_know", "median", "q25", "q75", "min", "max", "iqr", "mean"]
    return out[cols].reset_index(drop=True)


def dimension_scores(responses: pd.DataFrame) -> pd.DataFrame:
    """Each rater's dimension score (mean of the rater's answered criteria of the dimension).

    Returns ``city, round, rater, role, dimension, score, n_criteria``.

    Examples
    --------
    >>> r = pd.DataFrame({"city": "x", "round": "b", "rater": "a", "role": "resident",
    ...                   "dimension": "d", "criterion": ["k1", "k2"], "score": [1, 4]})
    >>> float(dimension_scores(r)["score"].iloc[0])
    2.5
    """
    r = _check(responses)
    if "role" not in r.columns:
        r["role"] = ""
    r = r[r["score"].notna()]
    g = r.groupby([*_KEYS, "rater", "role", "dimension"], sort=False)["score"]
    out = pd.DataFrame({"score": g.mean(), "n_criteria": g.count()}).reset_index()
    return out


def with_desk_review(cons: pd.DataFrame, profiles, rubric=None) -> pd.DataFrame:
    """Add the desk-review score of each city's governance profile next to the consensus.

    Adds ``desk_score`` (``NaN`` where the profile has none) and ``difference = median -
    desk_score``. The desk score is kept, never replaced.

    Examples
    --------
    >>> c = pd.DataFrame({"city": ["x"], "criterion": ["k"], "median": [3.0]})
    >>> bool(with_desk_review(c, {})["desk_score"].isna().all())
    True
    """
    desk = {}
    for city, p in dict(profiles).items():
        for cid, s in p.scores.items():
            desk[(city, cid)] = float(s.score)
    out = cons.copy()
    out["desk_score"] = [desk.get((c, k), np.nan) for c, k in zip(out["city"], out["criterion"], strict=True)]
    out["difference"] = out["median"] - out["desk_score"]
    return out


def _mean_pairwise(values: np.ndarray) -> float:
    v = values[~np.isnan(values)]
    if v.size < 2:
        return float("nan")
    d = np.abs(v[:, None] - v[None, :])
    return float(d[np.triu_indices(v.size, 1)].mean())


def disagreement(responses: pd.DataFrame) -> pd.DataFrame:
    """Per city, round and criterion: how far apart the raters' answers are (largest first).

    ``mean_pair_difference`` is the mean absolute difference between the answers of two raters
    (levels of the 0-4 scale); ``share_far`` the share of raters two or more levels from the
    median.

    Returns
    -------
    pandas.DataFrame
        ``city, round, dimension, criterion, n_raters, mean_pair_difference, iqr, range,
        share_far, median``, sorted by ``mean_pair_difference`` descending within city and round.

    Examples
    --------
    >>> r = pd.DataFrame({"city": "x", "round": "b", "rater": list("abcd"),
    ...                   "criterion": ["k"] * 2 + ["j"] * 2, "score": [0, 4, 2, 2]})
    >>> disagreement(r)["criterion"].tolist(), float(disagreement(r)["mean_pair_difference"].iloc[0])
    (['k', 'j'], 4.0)
    """
    r = _check(responses)
    rows = []
    for (city, rnd, dim, crit), sub in r.groupby([*_KEYS, "dimension", "criterion"], sort=False):
        v = sub["score"].to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        med = float(np.median(v)) if v.size else np.nan
        rows.append(
            {
                "city": city,
                "round": rnd,
                "dimension": dim,
                "criterion": crit,
                "n_raters": int(v.size),
                "mean_pair_difference": _mean_pairwise(v),
                "iqr": float(np.subtract(*np.percentile(v, [75, 25]))) if v.size else np.nan,
                "range": float(v.max() - v.min()) if v.size else np.nan,
                "share_far": float(np.mean(np.abs(v - med) >= 2)) if v.size else np.nan,
                "median": med,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values(
        ["city", "round", "mean_pair_difference"], ascending=[True, True, False], kind="stable"
    ).reset_index(drop=True)


def role_counts(responses: pd.DataFrame) -> pd.DataFrame:
    """Number of raters by city, round and role.

    Examples
    --------
    >>> r = pd.DataFrame({"city": "x", "round": "b", "rater": ["a", "a", "b"], "role": "resident",
    ...                   "criterion": ["k", "j", "k"], "score": [1, 2, 3]})
    >>> int(role_counts(r)["raters"].iloc[0])
    2
    """
    r = _check(responses)
    if "role" not in r.columns:
        raise DataError("responses lack the column role", column="role")
    g = r.groupby([*_KEYS, "role"], sort=True)["rater"].nunique()
    return g.rename("raters").reset_index()


def permutation_test(a, b, *, max_exact: int = 50_000, n_resamples: int = 20_000, seed: int = 0) -> dict:
    r"""Two-sided permutation test of the difference in means of two small samples.

    The statistic is :math:`T = \bar a - \bar b`; the p-value is the share of the
    :math:`\binom{n_a+n_b}{n_a}` relabellings with :math:`|T^*| \ge |T|` (exact when there are at
    most ``max_exact`` relabellings, otherwise a Monte Carlo estimate with ``n_resamples``
    draws, counting the observed labelling). ``min_p`` is the smallest p-value the group sizes
    allow: with 2 and 3 raters it is 0.2, so no such test can be "significant" at 0.05.

    Returns
    -------
    dict
        ``difference, p_value, method, n_permutations, min_p``.

    Examples
    --------
    >>> t = permutation_test([4, 4, 3], [0, 1, 0])
    >>> round(t["p_value"], 3), t["method"], round(t["min_p"], 3)
    (0.1, 'exact', 0.1)
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    na, nb = a.size, b.size
    if na == 0 or nb == 0:
        return {
            "difference": np.nan,
            "p_value": np.nan,
            "method": "none",
            "n_permutations": 0,
            "min_p": np.nan,
        }
    pooled = np.concatenate([a, b])
    n = pooled.size
    obs = a.mean() - b.mean()
    total = pooled.sum()
    n_comb = math.comb(n, na)
    eps = 1e-9
    if n_comb <= max_exact:
        sums = np.array([pooled[list(idx)].sum() for idx in itertools.combinations(range(n), na)])
        diffs = sums / na - (total - sums) / nb
        p = float(np.mean(np.abs(diffs) >= abs(obs) - eps))
        method, n_perm = "exact", n_comb
        # the smallest p: labellings as extreme as the most extreme one (itself and its mirror)
        extreme = np.abs(diffs).max()
        min_p = float(np.mean(np.abs(diffs) >= extreme - eps)) if extreme > 0 else 1.0
    else:
        rng = np.random.default_rng(seed)
        hits = 0
        for _ in range(n_resamples):
            perm = rng.permutation(pooled)
            d = perm[:na].mean() - perm[na:].mean()
            hits += abs(d) >= abs(obs) - eps
        p = float((hits + 1) / (n_resamples + 1))
        method, n_perm = "monte carlo", n_resamples
        min_p = float((2 if na == nb else 1) / n_comb)
    return {
        "difference": float(obs),
        "p_value": p,
        "method": method,
        "n_permutations": int(n_perm),
        "min_p": min_p,
    }


def role_differences(
    responses: pd.DataFrame,
    role: str,
    other: str | None = None,
    *,
    level: str = "overall",
    seed: int = 0,
) -> pd.DataFrame:
    """Does one role group answer systematically differently? Exact permutation tests.

    Parameters
    ----------
    responses : pandas.DataFrame
        Tidy responses.
    role : str
        Role of the first group (e.g. ``"resident"``).
    other : str, optional
        Role of the second group (default: every other role).
    level : {"overall", "dimension", "criterion"}
        ``"overall"`` compares each rater's mean answer over all criteria (one test per city
        and round, the most powerful with few raters); ``"dimension"`` and ``"criterion"`` test
        each separately and add Holm-adjusted p-values (many tests on few raters find
        differences by chance).

    Returns
    -------
    pandas.DataFrame
        ``city, round, unit, n_group, n_other, mean_group, mean_other, difference, p_value,
        p_holm, min_p, method, reading``; ``unit`` is ``"all criteria"``, a dimension or a
        criterion.

    Examples
    --------
    >>> r = pd.DataFrame({"city": "x", "round": "b", "rater": list("abcdef"),
    ...     "role": ["resident"] * 3 + ["municipal_sector"] * 3, "criterion": "k",
    ...     "score": [1, 1, 2, 3, 4, 3]})
    >>> t = role_differences(r, "resident")
    >>> float(t["difference"].iloc[0]), round(float(t["p_value"].iloc[0]), 2)
    (-2.0, 0.1)
    """
    if level not in ("overall", "dimension", "criterion"):
        raise ConfigError(f"level {level!r} is not 'overall', 'dimension' or 'criterion'", key="level")
    r = _check(responses)
    r = r[r["score"].notna()]
    if level == "overall":
        per = r.groupby([*_KEYS, "rater", "role"], sort=False)["score"].mean().reset_index()
        per["unit"] = "all criteria"
    elif level == "dimension":
        per = dimension_scores(r).rename(columns={"dimension": "unit"})
    else:
        per = r.rename(columns={"criterion": "unit"})[[*_KEYS, "rater", "role", "unit", "score"]]
    rows = []
    for (city, rnd, unit), sub in per.groupby([*_KEYS, "unit"], sort=False):
        ga = sub.loc[sub["role"] == role, "score"].to_numpy(float)
        gb = sub.loc[(sub["role"] == other) if other else (sub["role"] != role), "score"].to_numpy(float)
        t = permutation_test(ga, gb, seed=seed)
        rows.append(
            {
                "city": city,
                "round": rnd,
                "unit": unit,
                "n_group": int(ga.size),
                "n_other": int(gb.size),
                "mean_group": float(ga.mean()) if ga.size else np.nan,
                "mean_other": float(gb.mean()) if gb.size else np.nan,
                "difference": t["difference"],
                "p_value": t["p_value"],
                "min_p": t["min_p"],
                "method": t["method"],
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["p_holm"] = np.nan
    for _, idx in out.groupby(["city", "round"]).groups.items():
        out.loc[idx, "p_holm"] = _holm(out.loc[idx, "p_value"].to_numpy(float))
    out["reading"] = [_reading(r) for r in out.itertuples()]
    cols = [
        "city",
        "round",
        "unit",
        "n_group",
        "n_other",
        "mean_group",
        "mean_other",
        "difference",
        "p_value",
        "p_holm",
        "min_p",
        "method",
        "reading",
    ]
    return out[cols]


def _holm(p: np.ndarray) -> np.ndarray:
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * q[i]))
        adj[i] = running
    out[ok] = adj
    return out


def _reading(r) -> str:
    if r.n_group == 0 or r.n_other == 0:
        return "one of the groups gave no answer: no comparison"
    if r.n_group < 2 or r.n_other < 2:
        return "a group has a single rater: no test can tell a group difference from one person's view"
    if r.min_p > 0.05:
        return (
            f"with {r.n_group} and {r.n_other} raters the smallest possible p is {r.min_p:.2f}: "
            "the test cannot show a difference at the 5% level; read the means as descriptive"
        )
    p = r.p_holm if np.isfinite(r.p_holm) else r.p_value
    if p <= 0.05:
        return f"a systematic difference of {r.difference:+.2f} levels (p = {p:.3f})"
    return f"no clear difference (p = {p:.2f}); the groups' answers overlap"
