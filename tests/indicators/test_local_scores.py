"""Local segregation scores (R segregation's mutual_local): ls and p with sum(p * ls) == M."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.errors import ConfigError, DataError
from compare.indicators import compute_panel, local_segregation, local_segregation_network, mutual_information

# R segregation's tests/testthat/test_mutual_local.R table
R = pd.DataFrame({"u": list("aaaabbbb"), "g": [1, 2, 3, 4] * 2, "n": [40, 20, 5, 1, 20, 40, 60, 80]})


def test_unit_scores_equal_the_hand_formula_on_r_test_table():
    loc = local_segregation(R, unit="u", group="g", weight="n").set_index("u")
    t = np.array([[40, 20, 5, 1], [20, 40, 60, 80]], float)
    pg = t.sum(0) / t.sum()
    for i, u in enumerate("ab"):
        pgu = t[i] / t[i].sum()
        assert loc.loc[u, "ls"] == pytest.approx((pgu * np.log(pgu / pg)).sum(), abs=1e-15)
        assert loc.loc[u, "p"] == pytest.approx(t[i].sum() / t.sum(), abs=1e-15)
    m = mutual_information(t)
    assert (loc["p"] * loc["ls"]).sum() == pytest.approx(m, abs=1e-15)


def test_group_scores_also_sum_to_m_as_in_r():
    # R: sum of M_group over groups equals sum over units equals mutual_total
    loc_g = local_segregation(R, unit="u", group="g", weight="n", of="group")
    loc_u = local_segregation(R, unit="u", group="g", weight="n")
    assert len(loc_g) == 4 and loc_g["p"].sum() == pytest.approx(1)
    assert (loc_g["p"] * loc_g["ls"]).sum() == pytest.approx((loc_u["p"] * loc_u["ls"]).sum(), abs=1e-14)
    # group scores of (u, g) equal unit scores with the roles swapped
    swapped = local_segregation(R, unit="g", group="u", weight="n").set_index("g")["ls"]
    assert loc_g.set_index("g")["ls"].to_numpy() == pytest.approx(swapped.to_numpy(), abs=1e-14)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 12), st.integers(2, 5), st.integers(0, 10**6))
def test_weighted_sum_of_local_scores_is_m(n_units, n_groups, seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 50, (n_units, n_groups)).astype(float)
    t[0] += 1
    t[:, 0] += 1
    df = pd.DataFrame(
        [(f"u{i}", k, t[i, k]) for i in range(n_units) for k in range(n_groups)], columns=["u", "g", "n"]
    )
    loc = local_segregation(df, unit="u", group="g", weight="n")
    assert (loc["p"] * loc["ls"]).sum() == pytest.approx(mutual_information(t), abs=1e-12)
    assert (loc["ls"] >= -1e-15).all()


def test_bootstrap_interval_covers_the_score_and_is_wider_for_small_areas():
    df = pd.DataFrame(
        {"u": ["big"] * 2 + ["small"] * 2 + ["mid"] * 2, "g": ["x", "y"] * 3, "n": [800, 200, 8, 2, 100, 400]}
    )
    loc = local_segregation(df, unit="u", group="g", weight="n", n_boot=300, seed=2).set_index("u")
    assert {"ls_se", "ls_ci_low", "ls_ci_high", "ls_bias"} <= set(loc.columns)
    assert (loc["ls_ci_low"] <= loc["ls"] + 1e-12).all() and (loc["ls"] <= loc["ls_ci_high"] + 1e-12).all()
    width = loc["ls_ci_high"] - loc["ls_ci_low"]
    assert width["small"] > 5 * width["big"]


def test_network_scores_per_city_and_period_sum_to_the_panel_m(network):
    pop = network.population[network.population["period"].isin(["2016", "2016-H2"])]
    loc = local_segregation_network(pop, ["unemployment", "foreigners"])
    panel = compute_panel(pop, ["unemployment", "foreigners"], indices="mutual_information")
    m = loc.assign(w=loc.p * loc.ls).groupby(["group_definition", "city", "period"])["w"].sum()
    ref = panel.set_index(["group_definition", "city", "period"])["value"]
    joined = pd.concat([m, ref], axis=1, join="inner")
    assert len(joined) >= 4
    assert np.allclose(joined["w"], joined["value"], atol=1e-12)


def test_bad_inputs_name_the_problem():
    with pytest.raises(DataError, match="column 'n'"):
        local_segregation(R.drop(columns="n"), unit="u", group="g", weight="n")
    with pytest.raises(DataError, match="two counts"):
        local_segregation(pd.concat([R, R.head(1)]), unit="u", group="g", weight="n")
    with pytest.raises(DataError, match="at least two groups"):
        local_segregation(R[R.g == 1], unit="u", group="g", weight="n")
    with pytest.raises(ConfigError, match="'unit' or 'group'"):
        local_segregation(R, unit="u", group="g", weight="n", of="area")
