import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError
from compare.governance import (
    ModelSimilarity,
    adjusted_rand_index,
    cluster_stability,
    compare_to,
    differences,
    model_distance,
    score_matrix,
    score_table,
    side_by_side,
)


def test_dimension_score_is_the_mean_of_its_criteria(profiles, rubric):
    crit = score_matrix(profiles, rubric, "criterion")
    dims = score_matrix(profiles, rubric, "dimension")
    for d in rubric.dimensions:
        ids = [c.id for c in d.criteria]
        np.testing.assert_allclose(dims[d.id], crit[ids].mean(axis=1))


def test_score_table_marks_unassessed_criteria_as_missing(profiles, rubric):
    p = profiles["espoo"]
    t = score_table({"espoo": p}, rubric)
    assert len(t) == len(rubric.criteria)
    assert t["score"].notna().sum() == len(p.scores)


def test_side_by_side_shows_scores_with_their_evidence(profiles, rubric):
    t = side_by_side(profiles, rubric, ["vantaa", "berlin"])
    row = t.loc[("territorial", "area_resources")]
    assert row["vantaa:score"] == profiles["vantaa"].scores["area_resources"].score
    assert "€2 million" in row["vantaa:evidence"]
    assert "[vantaa-board-2021]" in row["vantaa:evidence"]
    assert len(t) == len(rubric.criteria)


def test_side_by_side_rejects_unknown_dimension(profiles, rubric):
    with pytest.raises(ConfigError, match="unknown dimension 'money'"):
        side_by_side(profiles, rubric, dimensions=["money"])


def test_side_by_side_rejects_unknown_city(profiles, rubric):
    with pytest.raises(ConfigError, match="no profile for city 'oslo'"):
        side_by_side(profiles, rubric, ["vantaa", "oslo"])


def test_differences_are_sorted_by_gap_and_equal_score_differences(profiles, rubric):
    d = differences(profiles, rubric, "vantaa", "berlin")
    assert (d["abs_difference"].diff().dropna() <= 0).all()
    for r in d.itertuples():
        a = profiles["vantaa"].scores[r.criterion].score
        b = profiles["berlin"].scores[r.criterion].score
        assert r.difference == a - b
    assert len(differences(profiles, rubric, "vantaa", "berlin", top=3)) == 3


def test_compare_to_vantaa_covers_every_other_city_closest_first(profiles, rubric):
    t = compare_to(profiles, "vantaa", rubric)
    assert set(t["other"]) == set(profiles) - {"vantaa"}
    assert (t["distance"].diff().dropna() >= 0).all()
    dist = model_distance(score_matrix(profiles, rubric))
    for r in t.itertuples():
        assert r.distance == pytest.approx(dist.loc["vantaa", r.other])
    dims = score_matrix(profiles, rubric, "dimension")
    berlin = t.set_index("other").loc["berlin"]
    assert berlin["gap_participation"] == pytest.approx(
        dims.loc["vantaa", "participation"] - dims.loc["berlin", "participation"]
    )


def test_model_distance_is_rms_gap_over_shared_criteria():
    m = pd.DataFrame({"k1": [0.0, 2.0, np.nan], "k2": [4.0, 0.0, 1.0]}, index=list("abc"))
    d = model_distance(m)
    assert d.loc["a", "b"] == pytest.approx(np.sqrt((4 + 16) / 2))
    assert d.loc["a", "c"] == pytest.approx(3.0)
    assert d.loc["b", "a"] == d.loc["a", "b"] and d.loc["a", "a"] == 0


def test_adjusted_rand_index_matches_the_textbook_values():
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    # contingency pairs: sum C(n_ij,2) = 3, row/col sums 7 and 7, C(8,2) = 28
    a, b = [0, 0, 0, 1, 1, 2, 2, 2], [0, 0, 1, 1, 1, 2, 2, 0]
    expected = (3 - 7 * 7 / 28) / ((7 + 7) / 2 - 7 * 7 / 28)
    assert adjusted_rand_index(a, b) == pytest.approx(expected)


def test_similarity_separates_two_obvious_model_types():
    m = pd.DataFrame({"k1": [0.0, 0.0, 4.0, 4.0], "k2": [0.0, 1.0, 4.0, 3.0]}, index=list("abcd"))
    fit = ModelSimilarity(n_clusters=2).fit(m)
    assert fit.clusters_.tolist() == [1, 1, 2, 2]
    assert "type 1: a, b" in fit.result().summary()
    assert fit.result().table().iloc[0]["distance"] == pytest.approx(np.sqrt(0.5))


def test_stability_flags_the_criterion_that_drives_the_clustering():
    m = pd.DataFrame(
        {"k1": [0.0, 0.0, 4.0, 4.0], "k2": [0.0, 1.0, 0.0, 1.0], "k3": [0.0, 1.0, 0.0, 1.0]},
        index=list("abcd"),
    )
    s = cluster_stability(m, n_clusters=2).set_index("dropped")
    assert s.loc["k1", "ari"] == pytest.approx(-0.5)
    assert s.loc["k2", "ari"] == 1.0 and s.loc["k3", "ari"] == 1.0
    assert s.loc["k1", "changed_cities"] == "a, b, c, d"


def test_shipped_profiles_cluster_and_stability_covers_every_criterion(profiles, rubric):
    m = score_matrix(profiles, rubric)
    s = cluster_stability(m, n_clusters=2)
    assert list(s["dropped"]) == list(rubric.criterion_ids)
    assert s["ari"].between(-1, 1).all()


def test_similarity_needs_valid_cluster_count(profiles, rubric):
    k = len(profiles) + 2  # more clusters than cities
    with pytest.raises(ConfigError, match=f"n_clusters={k}"):
        ModelSimilarity(n_clusters=k).fit(score_matrix(profiles, rubric))
