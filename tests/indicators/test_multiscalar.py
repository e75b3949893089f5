"""Multiscalar profiles (Reardon et al. 2008) on sparse kernel weights, against PySAL's
compute_multiscalar_profile on the real data and against hand values."""

import warnings

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.indicators import compute_panel, kernel_weights, multiscalar_profile, multiscalar_profile_network
from compare.synthetic import grid_city


def test_kernel_weights_are_sparse_triangular_with_unit_diagonal():
    xy = np.array([[0.0, 0], [300, 400], [5000, 0]])  # 500 m apart, third far away
    w = kernel_weights(xy, 1000)
    assert w.nnz == 5
    assert w[0, 1] == pytest.approx(0.5) and w[1, 0] == pytest.approx(0.5)
    assert w.diagonal().tolist() == [1.0, 1.0, 1.0]
    assert kernel_weights(xy, 0).nnz == 3
    with pytest.raises(ConfigError, match="unknown kernel"):
        kernel_weights(xy, 10, "tricube")


def test_profile_at_bandwidth_zero_equals_the_aspatial_panel():
    c = grid_city(10, 10, seed=5, periods=["2020", "2021"])
    from compare.indicators.panel import wide_counts

    wide = wide_counts(c.population, c.group_definition.variables, c.areas)
    gd = c.group_definition
    prof = multiscalar_profile(
        wide,
        group=gd.group,
        total=gd.total,
        groups=list(gd.groups),
        indices=["dissimilarity", "theil_h", "gini"],
        distances=[0, 600],
        by=["city", "period"],
    )
    panel = compute_panel(c.population, [gd], indices="dissimilarity,theil_h,gini")
    zero = prof[prof.distance == 0].set_index(["city", "period", "index"])["value"]
    ref = panel.set_index(["city", "period", "index"])["value"]
    assert np.allclose(zero.sort_index(), ref.loc[zero.index].sort_index(), atol=1e-14)
    # a clustered city: segregation falls as environments grow
    wider = prof[prof.distance == 600].set_index(["city", "period", "index"])["value"]
    assert (wider.loc[zero.index] < zero).all()


def test_hand_value_of_a_four_area_line():
    df = pd.DataFrame({"x": [0.0, 1000, 2000, 3000], "y": 0.0, "g": [90, 80, 10, 20], "t": [100] * 4})
    v = multiscalar_profile(df, group="g", total="t", distances=[1500])["value"].iloc[0]
    k = 1 - 1000 / 1500  # weight of the neighbour 1 km away
    g = np.array([90 + 80 * k, 80 + (90 + 10) * k, 10 + (80 + 20) * k, 20 + 10 * k])
    t = np.array([100 + 100 * k, 100 + 200 * k, 100 + 200 * k, 100 + 100 * k])
    P = g.sum() / t.sum()
    assert v == pytest.approx((t * np.abs(g / t - P)).sum() / (2 * t.sum() * P * (1 - P)), abs=1e-14)


@pytest.mark.parametrize(
    ("city", "period", "definition"),
    [
        ("helsinki", "2016", "unemployment"),
        ("vantaa", "2015", "low_income"),
        ("berlin", "2016-H2", "foreigners"),
    ],
)
def test_profiles_equal_pysal_on_postal_areas_and_lor(network, city, period, definition):
    from segregation.dynamics import compute_multiscalar_profile
    from segregation.multigroup import MultiInfoTheory
    from segregation.singlegroup import Dissim

    from compare.indicators.panel import wide_counts

    gd = network.group_definitions[definition]
    pop = network.population[(network.population.city == city) & (network.population.period == period)]
    w = wide_counts(pop, gd.variables, network.areas, require=gd.variables)
    w = w[~w.geometry.isna()].dropna(subset=list(gd.variables))
    w = w[w[gd.total] > 0].reset_index(drop=True)
    assert len(w) > 30
    d = [0, 500, 1000, 2000, 4000]
    ours = multiscalar_profile(
        w,
        group=gd.group,
        total=gd.total,
        groups=list(gd.groups),
        indices=["dissimilarity", "theil_h"],
        distances=d,
        round_counts=True,
    ).set_index(["index", "distance"])["value"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_d = compute_multiscalar_profile(
            w, Dissim, group_pop_var=gd.group, total_pop_var=gd.total, distances=d[1:]
        )
        ref_h = compute_multiscalar_profile(w, MultiInfoTheory, groups=list(gd.groups), distances=d[1:])
    assert ours.loc["dissimilarity"].to_numpy() == pytest.approx(ref_d.to_numpy(), abs=1e-12)
    assert ours.loc["theil_h"].to_numpy() == pytest.approx(ref_h.to_numpy(), abs=1e-12)


def test_network_profiles_cover_every_city_and_count_unlocated_areas(network):
    pop = network.population[network.population.period.isin(["2016", "2016-H2"])]
    p = multiscalar_profile_network(pop, ["unemployment"], network.areas, distances=[0, 1000])
    assert set(p.city) == {"helsinki", "espoo", "vantaa"}  # Berlin reports no labour force
    assert (p.groupby(["city", "index"]).size() == 2).all()
    v = p[p.city == "vantaa"]
    assert (v["n_unlocated"] >= 0).all()


def test_geographic_crs_and_missing_locations_are_refused():
    c = grid_city(3, 3)
    from compare.indicators.panel import wide_counts

    wide = wide_counts(c.population, c.group_definition.variables, c.areas)
    with pytest.raises(DataError, match="geographic CRS"):
        multiscalar_profile(wide.to_crs(4326), group="group", total="total", distances=[0, 100])
    with pytest.raises(DataError, match="area locations"):
        multiscalar_profile(pd.DataFrame(wide.drop(columns="geometry")), group="group", total="total")
    with pytest.raises(ConfigError, match="no multiscalar profile"):
        multiscalar_profile(wide, group="group", total="total", indices=["morans_i"])
