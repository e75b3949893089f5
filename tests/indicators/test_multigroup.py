import math

import numpy as np
import pandas as pd
import pytest

from compare.errors import DataError
from compare.indicators import (
    correlation_ratio,
    multi_dissimilarity,
    multi_gini,
    mutual_information,
    normalized_exposure,
    theil_h,
)
from compare.indicators._core import stack
from compare.indicators.multigroup import MULTI_GROUP_INDICES, group_entropy

G = np.array([[10, 5, 5], [2, 8, 10], [6, 6, 8]], dtype=float)


def test_mutual_information_of_complete_segregation_is_the_group_entropy():
    g = [[30, 0, 0], [0, 50, 0], [0, 0, 20]]
    assert mutual_information(g) == pytest.approx(group_entropy([0.3, 0.5, 0.2]), abs=1e-12)
    assert theil_h(g) == pytest.approx(1.0, abs=1e-12)


def test_theil_h_is_m_divided_by_entropy_of_group_shares():
    shares = G.sum(axis=0) / G.sum()
    assert theil_h(G) == pytest.approx(mutual_information(G) / group_entropy(shares), abs=1e-14)


def test_mutual_information_worked_example():
    T = G.sum()
    pk = G.sum(axis=0) / T
    expected = sum(G[i, k] / T * math.log((G[i, k] / G[i].sum()) / pk[k]) for i in range(3) for k in range(3))
    assert mutual_information(G) == pytest.approx(expected, abs=1e-14)


@pytest.mark.parametrize(
    "func", [mutual_information, theil_h, multi_dissimilarity, multi_gini, normalized_exposure]
)
def test_even_distribution_gives_zero(func):
    assert func([[1, 2, 3], [2, 4, 6], [10, 20, 30]]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("func", [theil_h, multi_dissimilarity, multi_gini, normalized_exposure])
def test_complete_segregation_gives_one(func):
    assert func([[5, 0, 0], [0, 7, 0], [0, 0, 9], [0, 3, 0]]) == pytest.approx(1.0, abs=1e-12)


def test_normalized_exposure_with_two_groups_equals_correlation_ratio():
    x = np.array([10.0, 30, 10, 7])
    t = np.array([20.0, 40, 40, 9])
    assert normalized_exposure(np.column_stack([x, t - x])) == pytest.approx(
        correlation_ratio(x, t), abs=1e-12
    )


def test_multi_dissimilarity_worked_example():
    T = G.sum()
    pk = G.sum(axis=0) / T
    t = G.sum(axis=1)
    num = sum(t[i] * abs(G[i, k] / t[i] - pk[k]) for i in range(3) for k in range(3))
    assert multi_dissimilarity(G) == pytest.approx(num / (2 * T * (pk * (1 - pk)).sum()))


def test_absent_group_follows_the_limit_zero_log_zero():
    with_absent = np.column_stack([G, np.zeros(3)])
    assert mutual_information(with_absent) == pytest.approx(mutual_information(G), abs=1e-14)
    assert theil_h(with_absent) == pytest.approx(theil_h(G), abs=1e-14)


def test_absent_group_pysal_returns_nan_where_we_follow_the_paper():
    import warnings

    from segregation.multigroup import MultiDivergence, MultiInfoTheory

    df = pd.DataFrame(np.column_stack([G, np.zeros(3)]), columns=list("abcd"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(MultiInfoTheory(df, list("abcd")).statistic)
        # PySAL's M (nansum) skips the absent group, its H divides by a NaN entropy
        assert MultiDivergence(df, list("abcd")).statistic == pytest.approx(
            mutual_information(df.to_numpy()), abs=1e-12
        )
    assert theil_h(df.to_numpy()) == pytest.approx(theil_h(G), abs=1e-14)


def test_only_one_group_present_is_undefined():
    with pytest.raises(DataError, match="fewer than two groups"):
        theil_h([[5, 0], [3, 0]])


def test_vectorised_kernels_equal_one_city_at_a_time():
    rng = np.random.default_rng(3)
    rows = []
    for c in range(5):
        n = rng.integers(2, 30)
        g = rng.integers(0, 100, size=(n, 3))
        rows += [{"city": f"c{c}", "a": a, "b": b, "c": cc} for a, b, cc in g]
    df = pd.DataFrame(rows).sample(frac=1.0, random_state=0)
    s = stack(df, groups=["a", "b", "c"], by=["city"])
    for name, kern in MULTI_GROUP_INDICES.items():
        together = kern(s)
        for k, city in enumerate(s.keys["city"]):
            alone = kern(stack(df[df.city == city], groups=["a", "b", "c"]))[0]
            assert together[k] == pytest.approx(alone, abs=1e-12), name
