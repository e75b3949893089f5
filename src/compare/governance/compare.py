"""Comparing governance models: side-by-side tables, differences, similarity and clustering.

Scores are illustrative assessments on the rubric's 0-4 maturity scale. A criterion a profile
does not score is missing (``NaN``), never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from compare.errors import ConfigError
from compare.governance.profile import Profile
from compare.governance.rubric import Rubric
from compare.summary import Summary

__all__ = [
    "score_table",
    "score_matrix",
    "side_by_side",
    "differences",
    "compare_to",
    "model_distance",
    "ModelSimilarity",
    "SimilarityResult",
    "adjusted_rand_index",
    "cluster_stability",
]


def _as_dict(profiles) -> dict[str, Profile]:
    if isinstance(profiles, Profile):
        return {profiles.city: profiles}
    if isinstance(profiles, Mapping):
        return dict(profiles)
    return {p.city: p for p in profiles}


def _pick(profiles, cities: Iterable[str] | None) -> dict[str, Profile]:
    d = _as_dict(profiles)
    if cities is None:
        return d
    out = {}
    for c in cities:
        if c not in d:
            raise ConfigError(f"no profile for city {c!r}; loaded: {sorted(d)}", key="city")
        out[c] = d[c]
    return out


def score_table(profiles, rubric: Rubric | None = None) -> pd.DataFrame:
    """Tidy table of rubric scores, one row per (city, criterion).

    Parameters
    ----------
    profiles : mapping or iterable of Profile
    rubric : Rubric, optional
        When given, every criterion of the rubric gets a row per city (``score`` ``NaN``
        when not assessed) and dimension names are filled in.

    Returns
    -------
    pandas.DataFrame
        Columns ``city, dimension, criterion, score, confidence, supported, rationale,
        evidence``.

    Examples
    --------
    >>> from compare.governance import load_profiles, load_rubric
    >>> t = score_table(load_profiles(), load_rubric())
    >>> set(t["score"].dropna()) <= {0, 1, 2, 3, 4}
    True
    """
    rows = []
    for city, p in _as_dict(profiles).items():
        crits = rubric.criterion_ids if rubric is not None else tuple(p.scores)
        for cid in crits:
            s = p.scores.get(cid)
            dim = rubric.dimension_of(cid) if rubric is not None else ""
            rows.append(
                {
                    "city": city,
                    "dimension": dim,
                    "criterion": cid,
                    "score": np.nan if s is None else float(s.score),
                    "confidence": None if s is None else s.confidence,
                    "supported": False if s is None else s.supported,
                    "rationale": "" if s is None else s.rationale,
                    "evidence": "" if s is None else " | ".join(e.text() for e in s.evidence),
                }
            )
    cols = [
        "city",
        "dimension",
        "criterion",
        "score",
        "confidence",
        "supported",
        "rationale",
        "evidence",
    ]
    return pd.DataFrame(rows, columns=cols)


def score_matrix(profiles, rubric: Rubric, level: str = "criterion") -> pd.DataFrame:
    r"""Cities x criteria (or x dimensions) matrix of scores.

    Dimension scores are the mean of the dimension's assessed criteria:
    :math:`D_{c,d} = \frac{1}{|K_d|}\sum_{k \in K_d} s_{c,k}` over assessed criteria.

    Parameters
    ----------
    profiles : mapping or iterable of Profile
    rubric : Rubric
    level : {"criterion", "dimension"}

    Returns
    -------
    pandas.DataFrame
        Index ``city``, one float column per criterion or dimension (rubric order).

    Examples
    --------
    >>> from compare.governance import load_profiles, load_rubric
    >>> m = score_matrix(load_profiles(), load_rubric(), level="dimension")
    >>> float(m.max().max()) <= 4
    True
    """
    t = score_table(profiles, rubric)
    if level == "criterion":
        m = t.pivot(index="city", columns="criterion", values="score")
        m = m.reindex(columns=list(rubric.criterion_ids))
    elif level == "dimension":
        m = t.groupby(["city", "dimension"], sort=False)["score"].mean().unstack("dimension")
        m = m.reindex(columns=list(rubric.dimension_ids))
    else:
        raise ConfigError(f"level {level!r} is not 'criterion' or 'dimension'", key="level")
    m = m.reindex(list(_as_dict(profiles)))
    m.columns.name = level
    m.index.name = "city"
    return m.astype(float)


def side_by_side(
    profiles,
    rubric: Rubric,
    cities: Sequence[str] | None = None,
    dimensions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Criterion-by-criterion table of two or more models with the evidence behind each score.

    Parameters
    ----------
    profiles : mapping or iterable of Profile
    rubric : Rubric
    cities : sequence of str, optional
        Cities to show (default: all, in load order).
    dimensions : sequence of str, optional
        Restrict to these rubric dimensions (unknown ids raise :class:`ConfigError`).

    Returns
    -------
    pandas.DataFrame
        Index ``(dimension, criterion)``; for each city the columns ``<city>:score``,
        ``<city>:rationale`` and ``<city>:evidence``.

    Examples
    --------
    >>> from compare.governance import load_profiles, load_rubric
    >>> t = side_by_side(load_profiles(), load_rubric(), ["vantaa", "berlin"])
    >>> "berlin:score" in t.columns
    True
    """
    chosen = _pick(profiles, cities)
    t = score_table(chosen, rubric)
    if dimensions is None:
        crits = list(rubric.criteria)
    else:
        crits = [c for d in dimensions for c in rubric.dimension(d).criteria]
    out = pd.DataFrame(
        index=pd.MultiIndex.from_tuples(
            [(c.dimension, c.id) for c in crits], names=["dimension", "criterion"]
        )
    )
    out["criterion_name"] = [c.name for c in crits]
    for city in chosen:
        sub = t[t["city"] == city].set_index(["dimension", "criterion"])
        out[f"{city}:score"] = sub["score"]
        out[f"{city}:rationale"] = sub["rationale"]
        out[f"{city}:evidence"] = sub["evidence"]
    return out


def differences(profiles, rubric: Rubric, a: str, b: str, top: int | None = None) -> pd.DataFrame:
    r"""Rank the criteria on which two cities differ most (largest absolute score gap first).

    The gap is :math:`\Delta_k = s_{a,k} - s_{b,k}`; criteria that either city has not
    assessed are left out.

    Returns
    -------
    pandas.DataFrame
        Columns ``dimension, criterion, criterion_name, score_<a>, score_<b>, difference,
        abs_difference, rationale_<a>, rationale_<b>``, largest gap first.

    Examples
    --------
    >>> from compare.governance import load_profiles, load_rubric
    >>> d = differences(load_profiles(), load_rubric(), "vantaa", "berlin")
    >>> bool((d["abs_difference"].diff().dropna() <= 0).all())
    True
    """
    chosen = _pick(profiles, [a, b])
    t = score_table(chosen, rubric)
    wa = t[t["city"] == a].set_index("criterion")
    wb = t[t["city"] == b].set_index("criterion")
    names = {c.id: c.name for c in rubric.criteria}
    out = pd.DataFrame(
        {
            "dimension": wa["dimension"],
            "criterion": wa.index.to_numpy(),
            "criterion_name": [names[c] for c in wa.index],
            f"score_{a}": wa["score"],
            f"score_{b}": wb["score"].reindex(wa.index),
            f"rationale_{a}": wa["rationale"],
            f"rationale_{b}": wb["rationale"].reindex(wa.index),
        }
    )
    out = out.reset_index(drop=True)
    out["difference"] = out[f"score_{a}"] - out[f"score_{b}"]
    out["abs_difference"] = out["difference"].abs()
    out = out.dropna(subset=["difference"])
    out = out.sort_values(["abs_difference", "criterion"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    cols = [
        "dimension",
        "criterion",
        "criterion_name",
        f"score_{a}",
        f"score_{b}",
        "difference",
        "abs_difference",
        f"rationale_{a}",
        f"rationale_{b}",
    ]
    out = out[cols]
    return out.head(top) if top else out


def compare_to(profiles, city: str, rubric: Rubric | None = None, top: int = 3) -> pd.DataFrame:
    """Compare one city (e.g. ``"vantaa"``) with every other profiled city in one call.

    For each other city: the RMS distance on shared criteria (see :func:`model_distance`), the
    number of shared criteria, the mean score gap (``city`` minus other) per dimension and the
    ``top`` criteria that differ most.

    Returns
    -------
    pandas.DataFrame
        One row per other city, closest first: ``city, other, distance, n_shared,
        mean_difference, gap_<dimension>... , differs_most``.

    Examples
    --------
    >>> from compare.governance import load_profiles
    >>> t = compare_to(load_profiles(), "vantaa")
    >>> "vantaa" in set(t["other"])
    False
    """
    from compare.governance.rubric import load_rubric

    rubric = rubric or load_rubric()
    d = _as_dict(profiles)
    if city not in d:
        raise ConfigError(f"no profile for city {city!r}; loaded: {sorted(d)}", key="city")
    crit = score_matrix(d, rubric, "criterion")
    dims = score_matrix(d, rubric, "dimension")
    dist = model_distance(crit)
    rows = []
    for other in d:
        if other == city:
            continue
        shared = crit.loc[city].notna() & crit.loc[other].notna()
        diff = differences(d, rubric, city, other, top=top)
        row = {
            "city": city,
            "other": other,
            "distance": dist.loc[city, other],
            "n_shared": int(shared.sum()),
            "mean_difference": float((crit.loc[city] - crit.loc[other])[shared].mean())
            if shared.any()
            else np.nan,
        }
        for dim in rubric.dimension_ids:
            row[f"gap_{dim}"] = dims.loc[city, dim] - dims.loc[other, dim]
        row["differs_most"] = "; ".join(
            f"{c} ({x:.0f} vs {y:.0f})"
            for c, x, y in zip(diff["criterion"], diff[f"score_{city}"], diff[f"score_{other}"], strict=True)
        )
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.sort_values(["distance", "other"], kind="stable").reset_index(drop=True)


def model_distance(matrix: pd.DataFrame, min_shared: int = 1) -> pd.DataFrame:
    r"""Pairwise distance between models: root-mean-square score gap on shared criteria.

    .. math:: d(a, b) = \sqrt{\frac{1}{|K_{ab}|} \sum_{k \in K_{ab}} (s_{a,k} - s_{b,k})^2}

    where :math:`K_{ab}` are the criteria both cities have assessed. On the 0-4 scale the
    distance lies in [0, 4]; dividing by :math:`|K_{ab}|` keeps cities with missing scores
    comparable (a Euclidean distance normalised for missing values).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Cities x criteria scores (:func:`score_matrix`).
    min_shared : int
        Pairs with fewer shared criteria get ``NaN``.

    Returns
    -------
    pandas.DataFrame
        Symmetric cities x cities distance matrix with zero diagonal.

    Examples
    --------
    >>> m = pd.DataFrame({"k1": [0.0, 4.0], "k2": [0.0, 4.0]}, index=["a", "b"])
    >>> float(model_distance(m).loc["a", "b"])
    4.0
    """
    x = matrix.to_numpy(dtype=float)
    n = x.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            ok = ~np.isnan(x[i]) & ~np.isnan(x[j])
            if ok.sum() < min_shared:
                d = np.nan
            else:
                d = float(np.sqrt(np.mean((x[i, ok] - x[j, ok]) ** 2)))
            out[i, j] = out[j, i] = d
    return pd.DataFrame(out, index=matrix.index, columns=matrix.index)


def adjusted_rand_index(labels_a: Sequence, labels_b: Sequence) -> float:
    r"""Compute the adjusted Rand index between two clusterings (Hubert & Arabie 1985).

    .. math:: ARI = \frac{\sum_{ij}\binom{n_{ij}}{2} - E}{\tfrac12\left[\sum_i
              \binom{a_i}{2} + \sum_j \binom{b_j}{2}\right] - E},\quad
              E = \frac{\sum_i \binom{a_i}{2}\sum_j \binom{b_j}{2}}{\binom{n}{2}}

    Returns 1.0 for identical partitions (up to label names); 1.0 also when both
    partitions are trivial (all in one cluster, or all singletons) and equal.

    Examples
    --------
    >>> adjusted_rand_index([1, 1, 2, 2], [5, 5, 7, 7])
    1.0
    """
    a = pd.Series(list(labels_a))
    b = pd.Series(list(labels_b))
    if len(a) != len(b):
        raise ValueError("label sequences differ in length")
    n = len(a)
    if n < 2:
        return 1.0
    cont = pd.crosstab(a, b).to_numpy()

    def c2(x):
        x = np.asarray(x, dtype=float)
        return x * (x - 1) / 2

    sum_ij = c2(cont).sum()
    sum_a = c2(cont.sum(axis=1)).sum()
    sum_b = c2(cont.sum(axis=0)).sum()
    expected = sum_a * sum_b / c2(n)
    max_index = (sum_a + sum_b) / 2
    if max_index == expected:
        return 1.0
    return float((sum_ij - expected) / (max_index - expected))


class SimilarityResult:
    """Result of :class:`ModelSimilarity`: distances, linkage, clusters, with ``summary()``."""

    def __init__(self, distance, linkage_matrix, clusters, cophenetic, method, n_clusters):
        self.distance = distance
        self.linkage = linkage_matrix
        self.clusters = clusters
        self.cophenetic = cophenetic
        self.method = method
        self.n_clusters = n_clusters

    def table(self) -> pd.DataFrame:
        """Tidy pairs: ``city_a, city_b, distance, same_cluster``."""
        rows = []
        cities = list(self.distance.index)
        for i, a in enumerate(cities):
            for b in cities[i + 1 :]:
                rows.append(
                    {
                        "city_a": a,
                        "city_b": b,
                        "distance": self.distance.loc[a, b],
                        "same_cluster": self.clusters[a] == self.clusters[b],
                    }
                )
        return pd.DataFrame(rows).sort_values("distance", kind="stable").reset_index(drop=True)

    def summary(self) -> Summary:
        """Summary: method, clusters (model types), closest pairs (text with ``print``, HTML in Jupyter)."""
        types = "\n".join(
            f"type {k}: {', '.join(members.index)}" for k, members in self.clusters.groupby(self.clusters)
        )
        pairs = self.table().head(5)[["city_a", "city_b", "distance"]]
        return Summary(
            f"Model similarity ({self.method} linkage on RMS score distance, 0-4 scale)",
            [(f"{self.n_clusters} model types", types), ("Closest pairs", pairs)],
            info=[("cophenetic correlation", f"{self.cophenetic:.3f}")],
            float_format="{:.2f}",
        )

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def __repr__(self) -> str:
        return self.summary().as_text()


class ModelSimilarity:
    """Cluster cities into model types by their criterion scores (hierarchical clustering).

    ``fit`` computes :func:`model_distance`, an agglomerative linkage
    (``scipy.cluster.hierarchy.linkage``, default average linkage / UPGMA) and cuts the tree
    into ``n_clusters`` types.

    Parameters
    ----------
    n_clusters : int
        Number of model types.
    method : str
        Linkage method (``"average"``, ``"complete"``, ``"single"``; distances are not
        Euclidean in general, so ``"ward"`` is not offered).

    Attributes
    ----------
    distance_ : pandas.DataFrame
    linkage_ : numpy.ndarray
    clusters_ : pandas.Series
        City -> model type (1..n_clusters).
    cophenetic_ : float
        Correlation between tree (cophenetic) distances and model distances.

    Examples
    --------
    >>> m = pd.DataFrame({"k1": [0., 0., 4., 4.], "k2": [0., 1., 4., 3.]}, index=list("abcd"))
    >>> ModelSimilarity(n_clusters=2).fit(m).clusters_.tolist()
    [1, 1, 2, 2]
    """

    def __init__(self, n_clusters: int = 2, method: str = "average"):
        self.n_clusters = n_clusters
        self.method = method

    def fit(self, matrix: pd.DataFrame) -> ModelSimilarity:
        """Fit on a cities x criteria score matrix; returns ``self``."""
        if self.method not in {"average", "complete", "single", "weighted"}:
            raise ConfigError(
                f"linkage method {self.method!r} is not one of average, complete, single, weighted",
                key="method",
            )
        if matrix.shape[0] < 2:
            raise ConfigError("need at least two cities to compare", key="cities")
        if not 1 <= self.n_clusters <= matrix.shape[0]:
            raise ConfigError(
                f"n_clusters={self.n_clusters} must be between 1 and the number of cities "
                f"({matrix.shape[0]})",
                key="n_clusters",
            )
        dist = model_distance(matrix)
        if dist.isna().to_numpy().any():
            raise ConfigError(
                "some pairs of cities share no assessed criterion; cannot cluster",
                key="scores",
            )
        from scipy.cluster.hierarchy import cophenet, fcluster, linkage  # scipy only when clustering
        from scipy.spatial.distance import squareform

        condensed = squareform(dist.to_numpy(), checks=False)
        z = linkage(condensed, method=self.method)
        labels = fcluster(z, t=self.n_clusters, criterion="maxclust")
        labels = _relabel(labels)
        self.distance_ = dist
        self.linkage_ = z
        self.clusters_ = pd.Series(labels, index=matrix.index, name="model_type")
        self.cophenetic_ = float(cophenet(z, condensed)[0]) if len(condensed) > 1 else np.nan
        return self

    def result(self) -> SimilarityResult:
        """Return the fitted state as a :class:`SimilarityResult`."""
        return SimilarityResult(
            self.distance_,
            self.linkage_,
            self.clusters_,
            self.cophenetic_,
            self.method,
            self.n_clusters,
        )


def _relabel(labels) -> np.ndarray:
    """Renumber cluster labels 1..k in order of first appearance (stable across refits)."""
    mapping: dict[int, int] = {}
    out = []
    for x in labels:
        if x not in mapping:
            mapping[x] = len(mapping) + 1
        out.append(mapping[x])
    return np.asarray(out)


def cluster_stability(matrix: pd.DataFrame, n_clusters: int = 2, method: str = "average") -> pd.DataFrame:
    """Stability of the model types when one criterion is dropped (leave-one-criterion-out).

    For each criterion :math:`k`, the clustering is refitted without it and compared with
    the full clustering by the adjusted Rand index; the distance matrices are compared by
    their Pearson correlation over city pairs.

    Returns
    -------
    pandas.DataFrame
        One row per dropped criterion: ``dropped, ari, distance_correlation, changed_cities,
        clusters``; ``ari == 1`` means the model types are unchanged.

    Examples
    --------
    >>> m = pd.DataFrame({"k1": [0., 0., 4., 4.], "k2": [0., 1., 4., 3.],
    ...                   "k3": [1., 0., 3., 4.]}, index=list("abcd"))
    >>> cluster_stability(m)["ari"].tolist()
    [1.0, 1.0, 1.0]
    """
    full = ModelSimilarity(n_clusters, method).fit(matrix)
    iu = np.triu_indices(matrix.shape[0], k=1)
    base = full.distance_.to_numpy()[iu]
    rows = []
    for k in matrix.columns:
        reduced = matrix.drop(columns=k)
        if reduced.shape[1] == 0:
            continue
        fit = ModelSimilarity(n_clusters, method).fit(reduced)
        d = fit.distance_.to_numpy()[iu]
        corr = float(np.corrcoef(base, d)[0, 1]) if len(base) > 1 and np.std(d) > 0 else np.nan
        ari = adjusted_rand_index(full.clusters_.tolist(), fit.clusters_.tolist())
        # cities whose co-membership changed
        same_full = full.clusters_.to_numpy()[:, None] == full.clusters_.to_numpy()[None, :]
        same_red = fit.clusters_.to_numpy()[:, None] == fit.clusters_.to_numpy()[None, :]
        changed = matrix.index[(same_full != same_red).any(axis=1)].tolist()
        rows.append(
            {
                "dropped": k,
                "ari": ari,
                "distance_correlation": corr,
                "changed_cities": ", ".join(changed),
                "clusters": "; ".join(f"{c}={t}" for c, t in fit.clusters_.items()),
            }
        )
    return pd.DataFrame(rows)
