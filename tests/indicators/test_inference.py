import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError
from compare.indicators import bootstrap_replicates, difference_test, index_change
from compare.indicators._core import stack
from compare.indicators.inference import bootstrap_p_value, percentile_interval
from compare.indicators.twogroup import TWO_GROUP_INDICES
from compare.synthetic import grid_city


def test_bootstrap_replicates_scatter_around_the_value_for_large_counts():
    c = grid_city(12, 12, seed=1, mean_population=2000)
    s = stack(c.wide, group="group", total="total")
    kern = TWO_GROUP_INDICES["dissimilarity"]
    reps = bootstrap_replicates(s, kern, n_boot=200, seed=1)
    value = kern(s)[0]
    lo, hi = percentile_interval(reps)
    assert lo[0] < value + 0.01 and value - 0.01 < hi[0]
    assert reps.std() < 0.02


def test_bootstrap_is_reproducible_with_a_seed_and_chunking_does_not_change_it():
    c = grid_city(6, 6, seed=2)
    s = stack(c.wide, group="group", total="total")
    kern = TWO_GROUP_INDICES["gini"]
    a = bootstrap_replicates(s, kern, n_boot=30, seed=5)
    b = bootstrap_replicates(s, kern, n_boot=30, seed=5)
    assert np.array_equal(a, b)


def test_area_resampling_of_a_segregated_city_varies_more_than_count_resampling():
    c = grid_city(8, 8, seed=4, mean_population=1000, segregation=2.0)
    s = stack(c.wide, group="group", total="total")
    kern = TWO_GROUP_INDICES["dissimilarity"]
    multi = bootstrap_replicates(s, kern, n_boot=100, seed=0, method="multinomial")
    areas = bootstrap_replicates(s, kern, n_boot=100, seed=0, method="areas")
    assert areas.std() > multi.std()


def test_unknown_method_is_a_config_error():
    s = stack(grid_city(3, 3).wide, group="group", total="total")
    with pytest.raises(ConfigError, match="method"):
        bootstrap_replicates(s, TWO_GROUP_INDICES["gini"], method="jackknife")


def test_difference_test_detects_a_real_difference_and_not_a_null_one():
    seg = grid_city(10, 10, seed=1, mean_population=500, segregation=2.0).wide
    even = grid_city(10, 10, seed=2, mean_population=500, segregation=0.0).wide
    same = grid_city(10, 10, seed=3, mean_population=500, segregation=0.0).wide
    r = difference_test(seg, even, "dissimilarity", group="group", total="total", n_boot=199)
    assert r.difference < 0 and r.ci_high < 0 and r.p_value <= 0.01
    assert "dissimilarity" in r.summary()
    n = difference_test(even, same, "theil_h", groups=["group", "other"], n_boot=199)
    assert n.ci_low < 0.01 and n.ci_high > -0.01


def test_bootstrap_p_value_is_at_least_two_over_b_plus_one():
    assert bootstrap_p_value(np.full((99, 1), 3.0))[0] == pytest.approx(0.02)
    assert bootstrap_p_value(np.r_[-np.ones(50), np.ones(50)][:, None])[0] == pytest.approx(1.0)


def test_index_change_between_periods_has_interval_and_sign_of_the_trend():
    c = grid_city(12, 12, seed=6, mean_population=800, periods=["2018", "2019", "2020"], trend=1.0)
    ch = index_change(c.population, [c.group_definition], indices=["isolation"], n_boot=99)
    assert list(zip(ch["from_period"], ch["to_period"], strict=True)) == [("2018", "2019"), ("2019", "2020")]
    assert (ch["change"] > 0).all()  # the focus group grows, so its isolation rises
    assert (ch["ci_low"] > 0).all() and (ch["p_value"] < 0.05).all()
    assert np.allclose(ch["change"], ch["value_to"] - ch["value_from"])


def test_index_change_first_last_pair():
    c = grid_city(6, 6, seed=6, periods=["2018", "2019", "2020"])
    ch = index_change(c.population, [c.group_definition], indices=["gini"], pairs="first-last", n_boot=20)
    assert ch[["from_period", "to_period"]].values.tolist() == [["2018", "2020"]]
    assert isinstance(ch, pd.DataFrame)


def test_index_change_warns_when_area_boundaries_change(network):
    pop = network.population
    pop = pop[(pop.city == "berlin") & pop.period.isin(["2020-H2", "2021-H1"])]
    ch = index_change(pop, ["foreigners"], indices=["dissimilarity"], n_boot=20)
    row = ch.iloc[0]
    assert row["status"] == "warning"
    assert "area boundaries changed" in row["note"]
