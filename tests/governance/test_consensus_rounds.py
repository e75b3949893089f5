"""Consensus, disagreement, role-group tests, round changes, consensus scores and example responses."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.governance import (
    CONSENSUS,
    DESK,
    assessment_scores,
    assessment_sources,
    cluster_robustness,
    consensus,
    disagreement,
    example_responses,
    load_profiles,
    load_responses,
    load_rubric,
    permutation_test,
    perturbed_scores,
    role_counts,
    role_differences,
    round_change,
    rounds_of,
    with_desk_review,
)


def _resp(scores, *, criterion="k", rnd="b", roles=None, dk=None, city="x", dimension="d"):
    n = len(scores)
    return pd.DataFrame(
        {
            "city": city,
            "round": rnd,
            "rater": [f"r{i}" for i in range(n)],
            "role": roles or ["resident"] * n,
            "dimension": dimension,
            "criterion": criterion,
            "score": scores,
            "dont_know": dk or [False] * n,
            "date": "2027-01-01",
        }
    )


def test_consensus_is_the_median_with_quartiles_and_counts_dont_know_apart():
    r = _resp([0, 1, 2, 4, np.nan], dk=[False, False, False, False, True])
    c = consensus(r).iloc[0]
    # numpy's linear quartiles of 0, 1, 2, 4: q25 = 1, q75 = 2.5
    assert (c["median"], c["q25"], c["q75"], c["iqr"]) == (1.5, 0.75, 2.5, 1.75)
    assert (c["n_raters"], c["n_dont_know"], c["min"], c["max"]) == (4, 1, 0, 4)


def test_desk_review_score_stays_beside_the_consensus(rubric=None):
    rubric = load_rubric()
    profiles = load_profiles(rubric=rubric, cities=["vantaa"])
    desk = profiles["vantaa"].scores["cross_sector_group"].score
    r = _resp([4, 4, 4], criterion="cross_sector_group", city="vantaa", dimension="horizontal")
    t = with_desk_review(consensus(r), profiles)
    assert t["desk_score"].iloc[0] == desk and t["median"].iloc[0] == 4
    assert t["difference"].iloc[0] == 4 - desk
    assert profiles["vantaa"].scores["cross_sector_group"].score == desk  # profile untouched


def test_disagreement_ranks_by_mean_pairwise_difference():
    r = pd.concat([_resp([0, 4, 0, 4], criterion="split"), _resp([2, 2, 3, 2], criterion="close")])
    d = disagreement(r)
    assert d["criterion"].tolist() == ["split", "close"]
    # pairs of 0,4,0,4: four pairs differ by 4, two by 0 -> 16/6
    assert d["mean_pair_difference"].iloc[0] == pytest.approx(16 / 6)
    assert d["mean_pair_difference"].iloc[1] == pytest.approx(3 / 6)
    assert d["share_far"].iloc[0] == 1.0


def test_exact_permutation_test_by_hand():
    # a = (3, 4), b = (0, 1, 2): of the C(5, 2) = 10 splits, {3, 4} (3.5 vs 1) and {0, 1} (0.5 vs 3) are
    # the two with |difference| = 2.5, the observed one: p = 2/10, also the smallest p possible
    a, b = [3, 4], [0, 1, 2]
    pooled = a + b
    import itertools

    obs = abs(np.mean(a) - np.mean(b))
    diffs = []
    for idx in itertools.combinations(range(5), 2):
        g = [pooled[i] for i in idx]
        rest = [pooled[i] for i in range(5) if i not in idx]
        diffs.append(abs(np.mean(g) - np.mean(rest)))
    expected = np.mean(np.array(diffs) >= obs - 1e-9)
    t = permutation_test(a, b)
    assert t["method"] == "exact" and t["n_permutations"] == math.comb(5, 2)
    assert t["p_value"] == pytest.approx(expected)
    assert expected == pytest.approx(0.2)
    assert t["min_p"] == pytest.approx(0.2)


def test_role_differences_are_honest_about_few_raters():
    r = _resp(
        [0, 1, 4, 4, 3], roles=["resident", "resident", "municipal_sector", "municipal_sector", "business"]
    )
    t = role_differences(r, "resident").iloc[0]
    assert (t["n_group"], t["n_other"]) == (2, 3)
    assert t["difference"] == pytest.approx(0.5 - 11 / 3)
    assert t["min_p"] == pytest.approx(0.1)
    assert "smallest possible p is 0.10" in t["reading"]
    one = role_differences(_resp([0, 4], roles=["resident", "business"]), "resident").iloc[0]
    assert "single rater" in one["reading"]
    with pytest.raises(ConfigError):
        role_differences(r, "resident", level="rater")


def test_holm_adjustment_over_dimensions():
    r = pd.concat(
        [
            _resp(
                [0, 0, 0, 0, 4, 4, 4, 4],
                roles=["resident"] * 4 + ["municipal_sector"] * 4,
                dimension=d,
                criterion=f"k{d}",
            )
            for d in ("d1", "d2")
        ]
    )
    t = role_differences(r, "resident", level="dimension")
    assert len(t) == 2
    assert (t["p_holm"] >= t["p_value"]).all()
    assert t["p_value"].iloc[0] == pytest.approx(2 / math.comb(8, 4))


def test_round_change_counts_only_changes_beyond_disagreement():
    base = _resp([1, 1, 2, 1, 1], criterion="k")
    up = _resp([3, 3, 3, 4, 3], criterion="k", rnd="f").assign(date="2028-01-01")
    noisy_b = _resp([0, 4, 1, 3, 2], criterion="j")
    noisy_f = _resp([1, 4, 0, 4, 3], criterion="j", rnd="f").assign(date="2028-01-01")
    r = pd.concat([base, up, noisy_b, noisy_f])
    t = round_change(r, "b", "f", seed=1).set_index("criterion")
    assert t.loc["k", "change"] == 2.0 and t.loc["k", "changed"]
    assert t.loc["k", "ci_low"] > 0
    assert t.loc["j", "change"] == 1.0 and not t.loc["j", "changed"]
    assert "within the raters' disagreement" in t.loc["j", "verdict"]
    assert rounds_of(r, "x") == ["b", "f"]


def test_round_change_refuses_to_judge_with_too_few_raters_and_unknown_rounds():
    r = pd.concat([_resp([0, 0]), _resp([4, 4], rnd="f")])
    t = round_change(r, "b", "f")
    assert not t["changed"].iloc[0] and "too few raters" in t["verdict"].iloc[0]
    with pytest.raises(DataError, match="no responses for round 'z'"):
        round_change(r, "b", "z")


def test_dimension_change_uses_each_raters_dimension_mean():
    b = pd.concat([_resp([1, 1, 1], criterion="k1"), _resp([3, 3, 3], criterion="k2")])
    f = pd.concat([_resp([2, 2, 2], criterion="k1", rnd="f"), _resp([4, 4, 4], criterion="k2", rnd="f")])
    t = round_change(pd.concat([b, f]), "b", "f", level="dimension")
    assert t["median_baseline"].iloc[0] == 2.0 and t["median_follow_up"].iloc[0] == 3.0
    assert t["change"].iloc[0] == 1.0 and t["changed"].iloc[0]  # no disagreement at all: interval [1, 1]


def test_role_counts():
    r = _resp([1, 2, 3], roles=["resident", "resident", "business"])
    c = role_counts(r).set_index("role")["raters"]
    assert c.to_dict() == {"business": 1, "resident": 2}


# -- consensus scores for the comparison -------------------------------------------------------


def test_assessment_scores_use_consensus_where_it_exists_else_desk():
    rubric = load_rubric()
    profiles = load_profiles(rubric=rubric, cities=["vantaa", "berlin"])
    r = _resp([4, 4, 3], criterion="cross_sector_group", city="vantaa", dimension="horizontal")
    t = assessment_scores(profiles, r, rubric)
    v = t[t["city"] == "vantaa"].set_index("criterion")
    assert v.loc["cross_sector_group", "score"] == 4 and v.loc["cross_sector_group", "source"] == CONSENSUS
    assert v.loc["aligned_goals", "score"] == profiles["vantaa"].scores["aligned_goals"].score
    assert v.loc["aligned_goals", "source"].startswith(DESK)
    assert set(t.loc[t["city"] == "berlin", "source"]) == {DESK}
    src = assessment_sources(t).set_index("city")["source"]
    assert src["vantaa"] == CONSENSUS and src["berlin"] == "desk review only"


def test_perturbed_scores_stay_within_the_quartiles_and_desk_scores_do_not_move():
    s = pd.DataFrame({"score": [2.0, 3.0], "q25": [1.0, 3.0], "q75": [3.0, 3.0]})
    draws = list(perturbed_scores(s, 50, seed=2))
    a = np.array([d["score"].iloc[0] for d in draws])
    assert a.min() >= 1 and a.max() <= 3 and a.std() > 0
    assert all(d["score"].iloc[1] == 3.0 for d in draws)


def test_cluster_robustness_detects_a_fragile_partition():
    rub = type("R", (), {"criterion_ids": ("k",), "dimension_ids": ("d",)})
    stable = pd.DataFrame(
        {
            "city": list("abcd"),
            "dimension": "d",
            "criterion": "k",
            "score": [0.0, 0.5, 4.0, 3.5],
            "q25": [0.0, 0.0, 3.5, 3.0],
            "q75": [0.5, 1.0, 4.0, 4.0],
        }
    )
    assert cluster_robustness(stable, rub, n_draws=30)["share_identical"] == 1.0
    fragile = stable.assign(score=[1.0, 2.0, 3.0, 2.0], q25=[0.0, 0.0, 0.0, 0.0], q75=[4.0, 4.0, 4.0, 4.0])
    res = cluster_robustness(fragile, rub, n_draws=60)
    assert res["share_identical"] < 0.9 and res["unstable_cities"]


def test_qca_robustness_counts_draws_with_the_same_solution():
    from compare.qca import qca_from_workbench, qca_robustness

    cities = [f"c{i}" for i in range(8)]
    p = [0, 0, 0, 0, 4, 4, 4, 4]
    q = [0, 4, 0, 4, 0, 4, 0, 4]
    scores = pd.DataFrame({"city": cities * 2, "dimension": ["P"] * 8 + ["Q"] * 8, "score": p + q})
    outcome = pd.DataFrame({"city": cities, "value": [0.02, 0.02, 0.02, 0.02, -0.03, -0.03, -0.03, -0.03]})
    base = qca_from_workbench(scores, outcome, min_cases=6)
    assert base.ran
    same = qca_robustness([scores, scores], outcome, base, min_cases=6)
    assert same["checked"] and same["share_same"] == 1.0 and same["n_draws"] == 2
    flipped = scores.assign(score=[4 - x for x in p] + q)
    res = qca_robustness([scores, flipped], outcome, base, min_cases=6)
    assert res["share_same"] == 0.5


# -- fictitious example responses ------------------------------------------------------------


def test_example_responses_are_reproducible_labelled_and_match_the_shipped_files():
    t = example_responses("helsinki-berlin", seed=13)
    assert t["example"].all() and t["rater"].str.startswith("EXAMPLE-").all()
    assert t["source_file"].str.contains("python -m compare assess example helsinki-berlin --seed 13").all()
    assert example_responses("helsinki-berlin", seed=13).equals(t)
    assert not example_responses("helsinki-berlin", seed=14).equals(t)
    shipped = load_responses(cities=["vantaa", "helsinki"])
    key = ["city", "round", "rater", "criterion"]
    a = shipped.sort_values(key).reset_index(drop=True)
    b = t.sort_values(key).reset_index(drop=True)
    assert len(a) == len(b)
    pd.testing.assert_series_equal(a["score"], b["score"])  # the shipped files are this command's output
    assert (a["comment"] == b["comment"]).all()
    with pytest.raises(ConfigError, match="no example plan"):
        example_responses("segregation-network")
