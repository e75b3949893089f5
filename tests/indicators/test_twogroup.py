import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.errors import DataError
from compare.indicators import (
    atkinson,
    correlation_ratio,
    dissimilarity,
    entropy,
    exposure,
    gini,
    isolation,
)
from compare.indicators._core import stack
from compare.indicators.twogroup import TWO_GROUP_INDICES

# Worked example: three areas (x, t) = (10, 20), (30, 40), (10, 40); P = 0.5,
# p = 0.5, 0.75, 0.25 (values below computed by hand from the Massey & Denton formulas).
X = [10, 30, 10]
T = [20, 40, 40]


def test_dissimilarity_worked_example_equals_half_sum_of_share_differences():
    # 0.5 * sum |x_i/X - y_i/Y| = 0.5 * (0 + 0.4 + 0.4)
    assert dissimilarity(X, T) == pytest.approx(0.4, abs=1e-12)


def test_isolation_exposure_and_correlation_ratio_worked_example():
    assert isolation(X, T) == pytest.approx(0.2 * 0.5 + 0.6 * 0.75 + 0.2 * 0.25, abs=1e-12)
    assert exposure(X, T) == pytest.approx(0.4, abs=1e-12)
    assert correlation_ratio(X, T) == pytest.approx((0.6 - 0.5) / 0.5, abs=1e-12)


def test_gini_worked_example_from_pairwise_differences():
    pairs = 20 * 40 * 0.25 + 20 * 40 * 0.25 + 40 * 40 * 0.5
    assert gini(X, T) == pytest.approx(pairs / (100**2 * 0.25), abs=1e-12)


def test_entropy_worked_example():
    h = lambda p: -(p * math.log(p) + (1 - p) * math.log(1 - p))  # noqa: E731
    expected = (40 * (h(0.5) - h(0.75)) + 40 * (h(0.5) - h(0.25))) / (h(0.5) * 100)
    assert entropy(X, T) == pytest.approx(expected, abs=1e-12)


def test_atkinson_worked_example_b_half():
    inner = (20 * math.sqrt(0.25) + 2 * 40 * math.sqrt(0.75 * 0.25)) / 50
    assert atkinson(X, T) == pytest.approx(1 - inner**2, abs=1e-12)


@pytest.mark.parametrize("func", [dissimilarity, isolation, entropy, gini, atkinson, correlation_ratio])
def test_complete_segregation_gives_one(func):
    assert func([50, 0, 30, 0], [50, 40, 30, 80]) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("func", [dissimilarity, entropy, gini, atkinson, correlation_ratio])
def test_even_distribution_gives_zero(func):
    assert func([10, 20, 5], [100, 200, 50]) == pytest.approx(0.0, abs=1e-12)


def test_zero_population_area_does_not_change_the_index():
    assert dissimilarity(X + [0], T + [0]) == pytest.approx(dissimilarity(X, T), abs=1e-15)


def test_suppressed_area_is_dropped():
    assert gini(X + [np.nan], T + [30]) == pytest.approx(gini(X, T), abs=1e-15)


def test_absent_group_raises_a_clear_error():
    with pytest.raises(DataError, match="absent"):
        dissimilarity([0, 0], [10, 20])


def test_single_area_raises_a_clear_error():
    with pytest.raises(DataError, match="at least 2 areas"):
        isolation([5], [10])


def test_group_larger_than_total_is_rejected_with_the_row():
    with pytest.raises(DataError, match="larger than the total"):
        dissimilarity([5, 30], [10, 20])


def test_negative_count_is_rejected():
    with pytest.raises(DataError, match="negative"):
        dissimilarity([-1, 3], [10, 20])


cities = st.lists(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=2, max_size=12),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25, deadline=None)
@given(cities)
def test_vectorised_kernels_equal_one_city_at_a_time(city_list):
    rows = []
    for c, areas in enumerate(city_list):
        for x, extra in areas:
            rows.append({"city": f"c{c}", "x": float(x), "t": float(x + extra)})
    df = pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # interleaved rows
    s = stack(df, group="x", total="t", by=["city"])
    alone_stacks = [stack(df[df["city"] == city], group="x", total="t") for city in s.keys["city"]]
    for name, kern in TWO_GROUP_INDICES.items():
        together = kern(s)
        for k, one in enumerate(alone_stacks):
            alone = kern(one)[0]
            if np.isnan(alone):
                assert np.isnan(together[k])
            else:
                assert together[k] == pytest.approx(alone, abs=1e-10), name


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 200)), min_size=2, max_size=15))
def test_indices_are_between_zero_and_one_and_scale_invariant(areas):
    x = np.array([a for a, _ in areas], dtype=float)
    t = x + np.array([b for _, b in areas], dtype=float)
    if x.sum() == 0:
        return
    for f in (dissimilarity, gini, entropy, atkinson, correlation_ratio):
        v = f(x, t)
        assert -1e-12 <= v <= 1 + 1e-12
        assert f(3 * x, 3 * t) == pytest.approx(v, abs=1e-10)
