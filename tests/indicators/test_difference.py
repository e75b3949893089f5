"""decompose_change (Elbers' Shapley decomposition of a difference in M, R segregation's
mutual_difference) and decompose_index_difference (PySAL's DecomposeSegregation)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.errors import ConfigError, DataError
from compare.indicators import decompose_change, decompose_change_network, decompose_index_difference
from compare.indicators.difference import ipf, mutual_total

# the two tables of R segregation's tests/testthat/test_mutual_difference.R
R1 = pd.DataFrame({"u": list("aaaabbbb"), "g": [1, 2, 3, 4] * 2, "n": [40, 30, 20, 10, 5, 10, 15, 20]})
R2 = R1.assign(n=[20, 20, 20, 15, 5, 10, 10, 15])
COMPONENTS = ["additions", "removals", "group_marginal", "unit_marginal", "structural"]


def _est(d):
    return d.set_index("stat")["est"]


def _hand_m(table):
    p = np.asarray(table, float) / np.sum(table)
    pu, pg = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    m = p > 0
    return float((p[m] * np.log(p[m] / (pu * pg)[m])).sum())


def test_shapley_reproduces_r_identities_on_its_test_tables():
    sh1 = _est(decompose_change(R1, R2, unit="u", group="g", weight="n"))
    sh2 = _est(decompose_change(R1, R2, unit="g", group="u", weight="n"))
    sh3 = _est(decompose_change(R2, R1, unit="u", group="g", weight="n"))
    assert list(sh1.index) == ["M1", "M2", "diff", *COMPONENTS]
    assert sh1["M1"] == pytest.approx(_hand_m([[40, 30, 20, 10], [5, 10, 15, 20]]), abs=1e-14)
    assert sh1["M2"] == pytest.approx(_hand_m([[20, 20, 20, 15], [5, 10, 10, 15]]), abs=1e-14)
    assert sh1["diff"] == pytest.approx(sh1[COMPONENTS].sum(), abs=1e-9)
    assert sh1["additions"] == 0 and sh1["removals"] == 0
    # symmetry by unit/group (the marginal terms swap) and by data inputs (signs flip)
    assert sh1["group_marginal"] == pytest.approx(sh2["unit_marginal"], abs=1e-9)
    assert sh1["unit_marginal"] == pytest.approx(sh2["group_marginal"], abs=1e-9)
    assert sh1["structural"] == pytest.approx(sh2["structural"], abs=1e-9)
    for s in ["diff", *COMPONENTS]:
        assert sh1[s] == pytest.approx(-sh3[s], abs=1e-9)


def test_a_change_of_one_margin_is_all_marginal_and_no_structure():
    # R's "correctly identifies marginal/structural changes": unit c doubled
    t = pd.DataFrame({"u": list("aabbcc"), "g": [1, 2] * 3, "n": [25, 25, 28, 2, 2, 18]})
    cols = t.assign(n=[25, 25, 28, 2, 4, 36])
    d = _est(decompose_change(t, cols, unit="g", group="u", weight="n"))
    assert d["structural"] == pytest.approx(0, abs=1e-9)
    assert abs(d["group_marginal"]) == pytest.approx(d[COMPONENTS].abs().max())
    d = _est(decompose_change(t, cols, unit="u", group="g", weight="n"))
    assert abs(d["unit_marginal"]) == pytest.approx(d[COMPONENTS].abs().max())


def test_units_in_one_table_only_are_additions_and_removals():
    # R's zero-weights example: unit c only before, unit d only after, a zero cell in a
    t1 = pd.DataFrame(
        {"u": list("aaaabbbbcccc"), "g": [1, 2, 3, 4] * 3, "n": [0, 30, 20, 10, 5, 10, 15, 20, 4, 3, 2, 1]}
    )
    t2 = pd.DataFrame(
        {"u": list("aaaabbbbdddd"), "g": [1, 2, 3, 4] * 3, "n": [40, 20, 20, 15, 5, 10, 10, 0, 1, 2, 3, 4]}
    )
    # group 1 of unit b (45 after) cannot fit unit b's total (40): IPF warns, stays approximate
    with pytest.warns(RuntimeWarning, match="ipf did not reach"):
        d = _est(decompose_change(t1, t2, unit="u", group="g", weight="n"))
    assert d["M1"] == pytest.approx(mutual_total(t1, unit="u", group="g", weight="n"))
    assert d["M2"] == pytest.approx(mutual_total(t2, unit="u", group="g", weight="n"))
    # by hand: common support = units a, b
    m1c = _hand_m([[0, 30, 20, 10], [5, 10, 15, 20]])
    m2c = _hand_m([[40, 20, 20, 15], [5, 10, 10, 0]])
    assert d["removals"] == pytest.approx(m1c - d["M1"], abs=1e-14)
    assert d["additions"] == pytest.approx(d["M2"] - m2c, abs=1e-14)
    assert d["diff"] == pytest.approx(d[COMPONENTS].sum(), abs=1e-8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 6),
    st.integers(2, 4),
    st.integers(0, 10_000),
)
def test_components_sum_to_the_difference_and_flip_with_the_periods(n_units, n_groups, seed):
    rng = np.random.default_rng(seed)
    units = [f"u{i}" for i in range(n_units)]
    grid = pd.MultiIndex.from_product([units, range(n_groups)], names=["u", "g"]).to_frame(index=False)
    a = grid.assign(n=rng.integers(1, 60, len(grid)).astype(float))
    b = grid.assign(n=rng.integers(1, 60, len(grid)).astype(float))
    d = _est(decompose_change(a, b, unit="u", group="g", weight="n"))
    r = _est(decompose_change(b, a, unit="u", group="g", weight="n"))
    assert d["diff"] == pytest.approx(d["M2"] - d["M1"], abs=1e-12)
    assert d["diff"] == pytest.approx(d[COMPONENTS].sum(), abs=1e-8)
    for s in ["diff", *COMPONENTS]:
        assert d[s] == pytest.approx(-r[s], abs=1e-8)


def test_km_variant_sums_to_the_difference():
    d = _est(decompose_change(R1, R2, unit="u", group="g", weight="n", method="km"))
    parts = ["additions", "removals", "group_marginal", "unit_marginal", "interaction", "structural"]
    assert d["diff"] == pytest.approx(d[parts].sum(), abs=1e-9)


def test_bootstrap_adds_se_interval_and_bias_and_debiases_the_estimate():
    plain = _est(decompose_change(R1, R2, unit="u", group="g", weight="n"))
    d = decompose_change(R1, R2, unit="u", group="g", weight="n", n_boot=40, seed=1).set_index("stat")
    assert {"se", "ci_low", "ci_high", "bias"} <= set(d.columns)
    assert d.loc["M1", "est"] == pytest.approx(plain["M1"] - d.loc["M1", "bias"])
    assert d.loc["M1", "bias"] > 0  # M is biased upward in small tables
    assert (d.loc[["M1", "M2"], "se"] > 0).all()


def test_ipf_keeps_the_odds_ratio_and_meets_the_margins():
    t = ipf(np.array([[4.0, 1.0], [1.0, 2.0]]), np.array([3.0, 1.0]), np.array([1.0, 1.0]))
    assert t.sum(1) == pytest.approx([0.75, 0.25]) and t.sum(0) == pytest.approx([0.5, 0.5])
    assert t[0, 0] * t[1, 1] / (t[0, 1] * t[1, 0]) == pytest.approx(8.0)


def test_bad_inputs_are_refused_with_the_column_named():
    with pytest.raises(DataError, match="column 'n'"):
        decompose_change(R1.drop(columns="n"), R2, unit="u", group="g", weight="n")
    with pytest.raises(DataError, match="negative"):
        decompose_change(R1.assign(n=-R1["n"]), R2, unit="u", group="g", weight="n")
    with pytest.raises(DataError, match="two counts for unit"):
        decompose_change(pd.concat([R1, R1.head(1)]), R2, unit="u", group="g", weight="n")
    with pytest.raises(ConfigError, match="unknown method"):
        decompose_change(R1, R2, unit="u", group="g", weight="n", method="mrc2")
    other = pd.DataFrame({"u": ["z"], "g": [9], "n": [5]})
    with pytest.raises(DataError, match="share no unit"):
        decompose_change(R1, other, unit="u", group="g", weight="n")


def _pysal_split(a, b, group, total):
    from segregation.decomposition import DecomposeSegregation
    from segregation.singlegroup import Dissim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dec = DecomposeSegregation(Dissim(a, group, total), Dissim(b, group, total))
    return dec


def test_index_split_equals_pysal_on_synthetic_cities():
    rng = np.random.default_rng(4)
    a = pd.DataFrame({"t": rng.integers(50, 500, 40).astype(float)})
    a["x"] = np.floor(a["t"] * rng.beta(1, 4, 40))
    b = pd.DataFrame({"t": rng.integers(50, 800, 55).astype(float)})
    b["x"] = np.floor(b["t"] * rng.beta(2, 3, 55))
    d = _est(decompose_index_difference(a, b, group="x", total="t"))
    ref = _pysal_split(a, b, "x", "t")
    assert d["spatial"] == pytest.approx(-ref.c_s, abs=1e-12)
    assert d["composition"] == pytest.approx(-ref.c_a, abs=1e-12)
    assert d["diff"] == pytest.approx(d["spatial"] + d["composition"], abs=1e-14)


def test_index_split_equals_pysal_on_real_postal_areas_and_lor(network):
    pop = network.population

    def wide(city, period, gd):
        sub = pop[(pop.city == city) & (pop.period == period) & pop.variable.isin(gd.variables)]
        w = sub.pivot_table(index="area_id", columns="variable", values="count", aggfunc="first")
        w = w.dropna()
        return w[w[gd.total] > 0].reset_index()

    pairs = [
        (("helsinki", "2016"), ("vantaa", "2016"), "unemployment"),
        (("berlin", "2016-H2"), ("berlin", "2020-H2"), "foreigners"),
    ]
    for (c1, p1), (c2, p2), name in pairs:
        gd = network.group_definitions[name]
        a, b = wide(c1, p1, gd), wide(c2, p2, gd)
        assert len(a) > 30 and len(b) > 30
        d = _est(decompose_index_difference(a, b, group=gd.group, total=gd.total))
        ref = _pysal_split(a, b, gd.group, gd.total)
        assert d["spatial"] == pytest.approx(-ref.c_s, abs=1e-12), (c1, c2)
        assert d["composition"] == pytest.approx(-ref.c_a, abs=1e-12), (c1, c2)


def test_network_decomposition_never_crosses_a_boundary_change(network):
    pop = network.population[network.population.city.isin(["berlin", "vantaa"])]
    d = decompose_change_network(pop, ["unemployment", "foreigners"])
    spans = d.drop_duplicates(["city", "vintage"]).set_index(["city", "vintage"])
    assert set(spans.index) == {("berlin", "lor-2006"), ("berlin", "lor-2021"), ("vantaa", "paavo-2019")}
    assert tuple(spans.loc[("berlin", "lor-2021"), ["from_period", "to_period"]]) == ("2021-H1", "2024-H2")
    assert tuple(spans.loc[("berlin", "lor-2006"), ["from_period", "to_period"]]) == ("2015-H1", "2020-H2")
    for _, g in d.groupby(["city", "vintage"]):
        e = g.set_index("stat")["est"]
        assert e["diff"] == pytest.approx(e[COMPONENTS].sum(), abs=1e-8)
