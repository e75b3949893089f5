import warnings

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.indicators import disadvantage_index, lisa, local_indicators
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


def test_lisa_equals_esda_moran_local():
    import esda
    from libpysal.weights import WSP

    rng = np.random.default_rng(0)
    y = np.r_[rng.normal(1, 0.3, 40), rng.normal(0, 0.3, 41)]
    w = grid_weights(9, 9, "queen")
    ours = lisa(y, w, permutations=199, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = esda.Moran_Local(y, WSP(w).to_W(), transformation="r", permutations=199, seed=3, n_jobs=1)
    assert np.allclose(ours["lisa_i"], ref.Is, atol=1e-12)
    assert np.array_equal(ours["lisa_quadrant"].to_numpy(), ref.q)
    assert np.allclose(ours["lisa_p"], ref.p_sim)
    top_left = ours["lisa_cluster"].iloc[10]  # interior cell of the high half
    assert top_left == "high-high"


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
