"""Bootstrap bias correction and the random-allocation baseline of segregation indices."""

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError
from compare.indicators import bias_corrected_panel, random_allocation_panel
from compare.indicators._core import stack
from compare.indicators.bias import random_allocation_replicates
from compare.synthetic import grid_city


def test_random_allocation_keeps_area_totals_and_group_totals():
    df = pd.DataFrame({"c": ["a"] * 4, "x": [5, 0, 3, 2], "y": [1, 4, 3, 7]})
    s = stack(df, groups=["x", "y"], by=["c"])
    rep = random_allocation_replicates(s, 30, np.random.default_rng(0))
    g = rep.groups.reshape(30, 4, 2)
    assert (g.sum(axis=2) == s.groups.sum(axis=1)).all()  # area totals
    assert (g.sum(axis=1) == s.groups.sum(axis=0)).all()  # group totals
    s2 = stack(df.assign(t=df.x + df.y), group="x", total="t", by=["c"])
    rep2 = random_allocation_replicates(s2, 30, np.random.default_rng(0))
    assert (rep2.x.reshape(30, 4).sum(axis=1) == 10).all() and (rep2.x <= rep2.t).all()


def test_expected_d_under_random_allocation_matches_the_exact_two_area_value():
    # two areas of 2 people, 2 of the 4 in the group: allocations (2,0) w.p. 1/6+1/6, (1,1) w.p. 4/6
    # D = 1 for (2,0)/(0,2) and 0 for (1,1): expected D = 1/3
    pop = pd.DataFrame(
        {
            "city": "c",
            "area_id": ["1", "1", "2", "2"],
            "period": "2020",
            "variable": ["x", "t"] * 2,
            "count": [1.0, 2.0, 1.0, 2.0],
            "vintage": "v",
        }
    )
    from compare.model import GroupDefinition

    gd = GroupDefinition(name="g", group="x", total="t")
    p = random_allocation_panel(pop, [gd], indices=["dissimilarity"], n_sim=4000, seed=1)
    assert p["value"].iloc[0] == 0.0
    assert p["expected"].iloc[0] == pytest.approx(1 / 3, abs=0.03)
    assert p["p_random"].iloc[0] == pytest.approx(1.0)


def test_small_areas_have_a_larger_random_baseline_and_bias_than_large_ones():
    small = grid_city(8, 8, seed=3, mean_population=30, name="small")
    large = grid_city(8, 8, seed=3, mean_population=3000, name="large")
    out = {}
    for name, c in (("small", small), ("large", large)):
        r = random_allocation_panel(c.population, [c.group_definition], indices=["dissimilarity"], n_sim=30)
        b = bias_corrected_panel(c.population, [c.group_definition], indices=["dissimilarity"], n_boot=60)
        out[name] = (r["expected"].iloc[0], b["bias"].iloc[0], b)
    assert out["small"][0] > 3 * out["large"][0]
    assert out["small"][1] > 3 * abs(out["large"][1])  # large areas: bias ~ 0 (Monte Carlo noise)
    b = out["small"][2]
    assert b["value_corrected"].iloc[0] == pytest.approx(
        2 * b["value"].iloc[0] - (b["value"] + b["bias"]).iloc[0]
    )


def test_bias_corrected_m_and_h_on_real_data_are_below_the_estimates(network):
    pop = network.population[network.population["period"].isin(["2016"])]
    b = bias_corrected_panel(pop, ["unemployment"], indices=["mutual_information", "theil_h"], n_boot=40)
    assert len(b) == 6 and (b["bias"] > 0).all()
    assert (b["value_corrected"] < b["value"]).all() and (b["value_corrected"] > 0).all()


def test_spatial_indices_are_refused():
    c = grid_city(4, 4)
    with pytest.raises(ConfigError, match="morans_i"):
        random_allocation_panel(c.population, [c.group_definition], indices=["morans_i"])
    with pytest.raises(ConfigError, match="n_sim"):
        random_allocation_panel(c.population, [c.group_definition], n_sim=0)
