import warnings

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.indicators import disadvantage_index, lisa, local_indicators
from compare.indicators.local import LISA_LABELS
from compare.indicators.spatial import grid_weights
from compare.synthetic import grid_city


@pytest.fixture(scope="module")
def city():
    return grid_city(
        10,
        10,
        seed=8,
        mean_population=300,
        clustering=0.9,
        segregation=1.5,
        empty_share=0.03,
        suppressed_share=0.03,
        periods=["2020", "2021"],
    )


def test_location_quotient_and_gap_are_relative_to_the_city_share(city):
    loc = local_indicators(city.population, [city.group_definition], min_population=0)
    ok = loc[loc.status == "ok"]
    assert np.allclose(ok["location_quotient"] * ok["city_share"], ok["share"])
    assert np.allclose(ok["gap"], ok["share"] - ok["city_share"])
    w = city.wide[city.wide.period == "2020"].dropna(subset=["group", "total"])
    first = loc[loc.period == "2020"]["city_share"].iloc[0]
    assert first == pytest.approx(w["group"].sum() / w["total"].sum())


def test_suppressed_empty_and_small_areas_are_flagged_not_used(city):
    loc = local_indicators(
        city.population, [city.group_definition], city.areas, min_population=290, permutations=99
    )
    sup = loc[loc.suppressed]
    assert len(sup) > 0 and sup["share"].isna().all() and (sup.status == "suppressed").all()
    small = loc[loc.small_area]
    assert len(small) > 0 and (small["total"] < 290).all() and small["share"].notna().all()
    assert (small["lisa_cluster"] == "not computed (small area)").all()
    assert (loc.loc[loc.status == "empty", "lisa_cluster"] == "not computed (empty)").all()


def test_local_entropy_is_zero_for_one_group_and_one_for_equal_groups():
    pop = pd.DataFrame(
        {
            "city": "synthetic-x",
            "area_id": ["1", "1", "1", "2", "2", "2"],
            "period": "2020",
            "variable": ["a", "b", "total"] * 2,
            "count": [10, 0, 10, 5, 5, 10],
            "vintage": "synthetic",
        }
    )
    from compare.model import GroupDefinition

    gd = GroupDefinition("ab", group="a", total="total", groups=("a", "b"))
    loc = local_indicators(pop, [gd], min_population=0)
    assert loc["local_entropy"].tolist() == pytest.approx([0.0, 1.0])


def _esda_moran_local(y, w, permutations, seed):
    import esda
    from libpysal.weights import WSP

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.Moran_Local(
            y,
            WSP(w).to_W(silence_warnings=True),
            transformation="r",
            permutations=permutations,
            seed=seed,
            n_jobs=1,
        )


def test_lisa_esda_engine_equals_esda_moran_local():
    rng = np.random.default_rng(0)
    y = np.r_[rng.normal(1, 0.3, 40), rng.normal(0, 0.3, 41)]
    w = grid_weights(9, 9, "queen")
    ours = lisa(y, w, permutations=199, seed=3, engine="esda")
    ref = _esda_moran_local(y, w, 199, 3)
    assert np.allclose(ours["lisa_i"], ref.Is, atol=1e-12)
    assert np.array_equal(ours["lisa_quadrant"].to_numpy(), ref.q)
    assert np.allclose(ours["lisa_p"], ref.p_sim)
    top_left = ours["lisa_cluster"].iloc[10]  # interior cell of the high half
    assert top_left == "high-high"


# ---- numpy engine against esda as the oracle -------------------------------------------

PERMS = 999


@pytest.fixture(scope="module")
def berlin_foreigners():
    """Foreigners' share of the 448 Berlin planning areas (LOR 2006), 2020-H2, queen weights."""
    from compare.indicators.spatial import contiguity_weights
    from compare.sources import load_network

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = load_network("helsinki-berlin", cities=["berlin"])
    pop = net.population[net.population.period == "2020-H2"]
    wide = pop.pivot_table(index="area_id", columns="variable", values="count", aggfunc="first")
    areas = net.areas[net.areas.vintage == pop.vintage.iloc[0]].set_index("area_id").loc[wide.index]
    share = (wide["foreigners"] / wide["population"]).to_numpy()
    return share, contiguity_weights(areas.geometry.reset_index(drop=True), "queen")


@pytest.fixture(scope="module")
def grid_shares():
    c = grid_city(25, 25, seed=3, clustering=0.8, segregation=1.5)
    return (c.wide["group"] / c.wide["total"]).to_numpy(), c.weights("queen")


@pytest.fixture(scope="module", params=["berlin", "grid"])
def oracle(request, berlin_foreigners, grid_shares):
    """(values, weights, numpy-engine result, esda Moran_Local) on real Berlin and on a grid."""
    y, w = berlin_foreigners if request.param == "berlin" else grid_shares
    return y, w, lisa(y, w, permutations=PERMS, seed=11), _esda_moran_local(y, w, PERMS, 11)


def test_berlin_fixture_is_the_real_planning_areas(berlin_foreigners):
    y, w = berlin_foreigners
    assert len(y) == 448 and w.shape == (448, 448)
    assert np.isfinite(y).all() and 0 < y.min() < y.max() <= 1
    assert (np.asarray(w.sum(axis=1)).ravel() > 0).all()


def test_numpy_lisa_statistic_and_quadrants_equal_esda(oracle):
    y, w, ours, ref = oracle
    assert np.abs(ours["lisa_i"].to_numpy() - ref.Is).max() <= 1e-10
    assert np.array_equal(ours["lisa_quadrant"].to_numpy(), ref.q)
    assert {1, 2, 3, 4} <= set(ref.q)


def test_numpy_lisa_p_values_agree_with_esda_within_monte_carlo_error(oracle):
    y, w, ours, ref = oracle
    p, q = ours["lisa_p"].to_numpy(), ref.p_sim
    # two independent estimates of a tail probability pi from 999 draws each: the
    # difference has sd sqrt(2 pi (1 - pi) / 999) (about 0.022 at pi = 0.5); allow 5 sd
    pi = (p + q) / 2
    tol = 5 * np.sqrt(2 * pi * (1 - pi) / PERMS) + 2 / (PERMS + 1)
    assert (np.abs(p - q) <= tol).all()
    assert np.abs(p - q).mean() < 0.02
    assert p.min() >= 1 / (PERMS + 1) and p.max() <= 0.5 + 1 / (PERMS + 1)
    # same cluster label wherever esda's p is clearly (4 sd of the difference) away from alpha
    band = 4 * np.sqrt(2 * 0.05 * 0.95 / PERMS)
    labels_esda = np.where(q <= 0.05, [LISA_LABELS[k] for k in ref.q], "not significant")
    clear = np.abs(q - 0.05) > band
    assert clear.sum() > 0.5 * len(q)  # the check is not vacuous
    assert (ours["lisa_cluster"].to_numpy()[clear] == labels_esda[clear]).all()
    assert (labels_esda[clear] != "not significant").sum() >= 10


def test_numpy_permutation_engine_equals_esda_crand_given_the_same_permuted_ids(oracle):
    from esda.crand import vec_permutations

    from compare.indicators.local import _crand_p, _local_moran

    y, w, _, ref = oracle
    kmax = int(np.diff(w.indptr).max())
    ids = vec_permutations(kmax, len(y), PERMS, 11)  # the matrix esda drew for seed 11
    _, _, z, wr = _local_moran(y, w)
    assert np.array_equal(_crand_p(z, wr, PERMS, ids=ids), ref.p_sim)


def test_numpy_lisa_is_reproducible_with_a_seed(berlin_foreigners):
    y, w = berlin_foreigners
    a = lisa(y, w, permutations=199, seed=5)
    b = lisa(y, w, permutations=199, seed=5)
    c = lisa(y, w, permutations=199, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a["lisa_p"], c["lisa_p"])
    assert np.array_equal(a["lisa_i"], c["lisa_i"])


def test_numpy_lisa_does_not_depend_on_the_block_size(berlin_foreigners, monkeypatch):
    import compare.indicators.local as local

    y, w = berlin_foreigners
    whole = lisa(y, w, permutations=99, seed=2)
    monkeypatch.setattr(local, "_BLOCK", 99 * 7)  # 7 areas per block
    pd.testing.assert_frame_equal(lisa(y, w, permutations=99, seed=2), whole)


def test_numpy_lisa_memory_stays_bounded_on_a_large_grid():
    import tracemalloc

    n_side, perms = 100, 199
    w = grid_weights(n_side, n_side, "queen")
    y = np.random.default_rng(0).random(n_side * n_side)
    tracemalloc.start()
    try:
        out = lisa(y, w, permutations=perms, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    full = n_side * n_side * perms * 8 * 8  # areas x permutations x max neighbours, float64
    assert peak < full / 2
    assert out["lisa_p"].notna().all()


def test_islands_are_left_out_the_same_way_by_both_engines():
    import scipy.sparse as sp

    w = grid_weights(6, 6, "rook").tolil()
    # area 0 becomes an island; areas 35 and 34 only neighbour each other and the island 0
    for i in (0, 34, 35):
        for j in list(w.rows[i]):
            w[i, j] = w[j, i] = 0
    w[34, 35] = w[35, 34] = 1
    w[5, 0] = 1  # a one-way link to the island: 5 keeps a neighbour, 0 is dropped in the 2nd pass
    w = sp.csr_matrix(w)
    y = np.random.default_rng(4).random(36)
    a = lisa(y, w, permutations=199, seed=1)
    b = lisa(y, w, permutations=199, seed=1, engine="esda")
    assert a.loc[[0], "lisa_cluster"].tolist() == ["no neighbours"]
    assert np.isnan(a.loc[0, "lisa_i"]) and a.loc[0, "lisa_quadrant"] == 0
    assert (a["lisa_cluster"] == "no neighbours").sum() == (b["lisa_cluster"] == "no neighbours").sum()
    assert np.allclose(a["lisa_i"], b["lisa_i"], atol=1e-12, equal_nan=True)
    assert np.array_equal(a["lisa_quadrant"], b["lisa_quadrant"])


def test_a_value_at_the_mean_is_never_significant():
    y = np.arange(9.0)  # the centre of the 3 x 3 grid equals the mean: z = 0, every I = 0
    out = lisa(y, grid_weights(3, 3, "queen"), permutations=199, seed=0)
    assert out.loc[4, "lisa_i"] == 0.0 and out.loc[4, "lisa_p"] == 1.0
    assert out.loc[4, "lisa_cluster"] == "not significant"


def test_p_values_are_uniform_under_the_null_on_a_random_field():
    from scipy import stats

    w = grid_weights(20, 20, "queen")
    rng = np.random.default_rng(12)
    p = np.concatenate(
        [lisa(rng.standard_normal(400), w, permutations=PERMS, seed=s)["lisa_p"] for s in range(5)]
    )
    # the folded one-sided p-value is min(tail, 1 - tail): uniform on (0, 1/2] under the null
    assert stats.kstest(2 * p, "uniform").statistic < 0.06
    assert 0.07 < (p <= 0.05).mean() < 0.13


def test_permuted_ids_are_samples_without_replacement():
    from compare.indicators.local import _permuted_ids

    rng = np.random.default_rng(0)
    for n_other, k in ((10, 10), (500, 8), (300, 80)):
        ids = _permuted_ids(n_other, k, 2000, rng)
        assert ids.shape == (2000, k) and ids.min() >= 0 and ids.max() < n_other
        assert all(len(set(r)) == k for r in ids)
        # every id equally likely in the first column (chi-square, 10 bins)
        counts = np.bincount(ids[:, 0] * 10 // n_other, minlength=10)
        assert counts.min() > 140 and counts.max() < 260


def test_lisa_rejects_unknown_engine_and_bad_permutations():
    w = grid_weights(3, 3)
    with pytest.raises(ConfigError, match="engine"):
        lisa(np.arange(9.0), w, engine="numba")
    with pytest.raises(ConfigError, match="permutations"):
        lisa(np.arange(9.0), w, permutations=0)
    with pytest.raises(DataError, match="4 x 4"):
        lisa(np.arange(9.0), grid_weights(2, 2))


def test_lisa_finds_clusters_on_a_clustered_city(city):
    loc = local_indicators(
        city.population, [city.group_definition], city.areas, min_population=0, permutations=199
    )
    counts = loc["lisa_cluster"].value_counts()
    assert counts.get("high-high", 0) > 3 and counts.get("low-low", 0) > 3


def test_disadvantage_index_is_standardised_and_classified_by_thresholds():
    rng = np.random.default_rng(1)
    n = 60
    u = rng.beta(2, 8, n)
    p = np.clip(u + rng.normal(0, 0.05, n), 0.01, 0.99)
    loc = pd.DataFrame(
        {
            "city": "c",
            "period": "2020",
            "area_id": [f"a{i}" for i in range(n)] * 2,
            "group_definition": ["unemployment"] * n + ["low_income"] * n,
            "share": np.r_[u, p],
            "small_area": False,
            "suppressed": False,
        }
    )
    d = disadvantage_index(loc)
    assert d["index"].mean() == pytest.approx(0.0, abs=1e-12)
    assert d["index"].std() == pytest.approx(1.0)
    v = d["index"].to_numpy()
    expect = np.select([v < -1, v <= 1, v <= 1.5], ["high", "medium", "low"], "very low")
    assert (d["status_class"].to_numpy() == expect).all()
    sd = lambda a: (a - a.mean()) / a.std(ddof=1)  # noqa: E731
    assert d.loc[d["index"].idxmax(), "area_id"] == f"a{np.argmax(sd(u) + sd(p))}"


def test_disadvantage_index_direction_and_unreliable_areas():
    loc = pd.DataFrame(
        {
            "city": "c",
            "period": "2020",
            "area_id": list("abcde") * 2,
            "group_definition": ["u"] * 5 + ["hi"] * 5,
            "share": [0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.4, 0.3, 0.2, 0.1],
            "small_area": [False] * 4 + [True] + [False] * 5,
            "suppressed": False,
        }
    )
    d = disadvantage_index(loc, {"u": 1.0, "hi": -1.0}).set_index("area_id")
    assert d.loc["e", "status_class"] == "not classified"
    assert "small area" in d.loc["e", "note"]
    # high unemployment and low high-income share both point to disadvantage
    assert d["index"].idxmax() == "d" and d["index"].idxmin() == "a"


def test_disadvantage_index_rejects_unknown_indicators():
    loc = pd.DataFrame(
        {"city": "c", "period": "1", "area_id": ["a"], "group_definition": ["u"], "share": [0.1]}
    )
    with pytest.raises(ConfigError, match="not in the local table"):
        disadvantage_index(loc, ["x"])
    with pytest.raises(DataError, match="area_id"):
        disadvantage_index(loc.drop(columns="area_id"))


def test_local_indicators_and_disadvantage_on_real_helsinki(network):
    pop = network.population
    pop = pop[(pop.city == "helsinki") & (pop.period == "2015")]
    areas = network.areas[network.areas.city == "helsinki"]
    loc = local_indicators(
        pop, ["unemployment", "low_income", "basic_education"], areas, min_population=100, permutations=99
    )
    assert loc["area_id"].nunique() >= 80
    d = disadvantage_index(loc)
    classified = d[d.status_class != "not classified"]
    assert len(classified) > 70
    assert set(classified.status_class) <= {"high", "medium", "low", "very low"}
    assert (d.loc[d.status_class == "not classified", "note"].str.len() > 0).all()


def test_local_indicators_accept_a_wide_geodataframe_like_the_long_table(city):
    import geopandas as gpd

    wide = city.wide.merge(city.areas[["area_id", "geometry"]], on="area_id")
    wide = gpd.GeoDataFrame(wide, geometry="geometry", crs=3035)
    a = local_indicators(
        city.population, [city.group_definition], city.areas, min_population=290, permutations=49, seed=1
    )
    b = local_indicators(wide, [city.group_definition], min_population=290, permutations=49, seed=1)
    key = ["period", "area_id"]
    a, b = a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    for col in ("share", "location_quotient", "local_entropy", "lisa_i"):
        assert np.allclose(a[col], b[col], equal_nan=True)
    assert (a["lisa_cluster"] == b["lisa_cluster"]).all()


def test_wide_table_missing_a_variable_is_an_error(city):
    with pytest.raises(DataError, match="other"):
        local_indicators(city.wide.drop(columns="other"), [city.group_definition])


def _two_period_local(change_d=0.3):
    return pd.DataFrame(
        {
            "city": "c",
            "area_id": list("abcdefgh") * 2,
            "period": ["1"] * 8 + ["2"] * 8,
            "group_definition": "u",
            "vintage": "v",
            "share": [0.1, 0.2, 0.3, 0.4, 0.5, 0.2, 0.3, 0.1]
            + [0.1, 0.2, 0.3, 0.4 + change_d, 0.5, 0.2, 0.3, 0.1],
            "small_area": False,
            "suppressed": False,
        }
    )


def test_dynamics_flags_the_worsening_area_and_combines_with_status():
    from compare.indicators import disadvantage_dynamics

    d = disadvantage_dynamics(_two_period_local(), "1", "2").set_index("area_id")
    assert d.loc["d", "change_u"] == pytest.approx(0.3)
    assert d.loc["d", "dynamic_class"] == "negative"
    assert (d.drop(index="d")["dynamic_class"] == "stable").all()
    assert d.loc["d", "status_class"] in {"low", "very low"}
    assert bool(d.loc["d", "attention"])
    assert d["dynamic_index"].std() == pytest.approx(1.0)


def test_dynamics_does_not_classify_areas_whose_boundaries_changed():
    from compare.indicators import disadvantage_dynamics

    loc = _two_period_local()
    loc.loc[(loc.period == "2") & (loc.area_id == "a"), "vintage"] = "w"
    loc.loc[(loc.period == "1") & (loc.area_id == "b"), "small_area"] = True
    d = disadvantage_dynamics(loc, "1", "2").set_index("area_id")
    assert d.loc["a", "dynamic_class"] == "not classified"
    assert "vintage" in d.loc["a", "note"]
    assert "small area" in d.loc["b", "note"]
    with pytest.raises(DataError, match="period '9'"):
        disadvantage_dynamics(loc, "1", "9")


def test_dynamics_on_real_helsinki_between_2012_and_2016(network):
    from compare.indicators import disadvantage_dynamics

    pop = network.population
    pop = pop[(pop.city == "helsinki") & pop.period.isin(["2012", "2016"])]
    loc = local_indicators(pop, ["unemployment", "low_income"], min_population=100)
    d = disadvantage_dynamics(loc, "2012", "2016")
    classified = d[d.dynamic_class != "not classified"]
    assert len(classified) > 70
    assert set(classified.dynamic_class) <= {"positive", "stable", "negative"}
    assert d["attention"].sum() >= 1
