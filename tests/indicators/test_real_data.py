"""Every index PySAL `segregation` (and esda) also computes equals it to 1e-9 on the real
data of the example network (all cities, periods and group definitions)."""

import warnings

import numpy as np
import pandas as pd
import pytest

TWO = {
    "dissimilarity": "Dissim",
    "isolation": "Isolation",
    "exposure": "Interaction",
    "entropy": "Entropy",
    "gini": "Gini",
    "atkinson": "Atkinson",
    "correlation_ratio": "CorrelationR",
}
MULTI = {
    "mutual_information": "MultiDivergence",
    "theil_h": "MultiInfoTheory",
    "multi_dissimilarity": "MultiDissim",
    "multi_gini": "MultiGini",
    "normalized_exposure": "MultiNormExposure",
}


def _wide(network, gd):
    pop = network.population[network.population["variable"].isin(gd.variables)]
    w = pop.pivot_table(
        index=["city", "area_id", "period", "vintage"],
        columns="variable",
        values="count",
        aggfunc="first",
    ).reset_index()
    return w


def _usable(frame, cols, total):
    f = frame.dropna(subset=cols)
    return f[f[total] > 0].reset_index(drop=True)


def test_panel_covers_every_city_and_definition_with_values(network_panel):
    p = network_panel
    assert set(p["city"]) == {"berlin", "helsinki", "espoo", "vantaa"}
    assert {"foreigners", "migration_background"} <= set(p.loc[p.city == "berlin", "group_definition"])
    assert {"low_income", "unemployment", "basic_education", "rented_housing"} <= set(
        p.loc[p.city == "helsinki", "group_definition"]
    )
    assert p["value"].notna().all()
    assert p.loc[p.city == "berlin", "period"].nunique() == 20


@pytest.mark.slow
def test_aspatial_indices_equal_pysal_on_every_city_period_and_definition(network, network_panel):
    import segregation.multigroup as smg
    import segregation.singlegroup as ssg

    p = network_panel.set_index(["city", "period", "group_definition", "index"])["value"]
    checked = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for gd in network.group_definitions.values():
            wide = _wide(network, gd)
            if gd.group not in wide or gd.total not in wide:
                continue
            for (city, period), seg in wide.groupby(["city", "period"]):
                if (city, period, gd.name, "dissimilarity") not in p.index:
                    continue
                two = _usable(seg, [gd.group, gd.total], gd.total)
                for ours, cls in TWO.items():
                    ref = getattr(ssg, cls)(two, gd.group, gd.total).statistic
                    assert p[(city, period, gd.name, ours)] == pytest.approx(ref, abs=1e-9)
                    checked += 1
                if not gd.groups:
                    continue
                multi = seg.dropna(subset=list(gd.groups))
                multi = multi[multi[list(gd.groups)].sum(axis=1) > 0].reset_index(drop=True)
                for ours, cls in MULTI.items():
                    ref = getattr(smg, cls)(multi, list(gd.groups)).statistic
                    assert p[(city, period, gd.name, ours)] == pytest.approx(ref, abs=1e-9)
                    checked += 1
    assert checked > 1000


def test_spatial_indices_equal_pysal_and_esda_on_real_polygons(network, network_panel):
    import esda
    from libpysal.weights import Queen
    from segregation.singlegroup import SpatialDissim

    p = network_panel.set_index(["city", "period", "group_definition", "index"])
    areas = network.areas
    cases = [
        ("berlin", "2019-H1", "foreigners"),
        ("berlin", "2016-H2", "migration_background"),
        ("helsinki", "2015", "unemployment"),
        ("espoo", "2014", "low_income"),
        ("vantaa", "2016", "rented_housing"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for city, period, name in cases:
            gd = network.group_definitions[name]
            seg = _wide(network, gd)
            seg = seg[(seg.city == city) & (seg.period == period)]
            seg = _usable(seg, [gd.group, gd.total], gd.total)
            geo = seg.merge(areas, on=["city", "vintage", "area_id"], how="inner")
            assert len(geo) == len(seg)
            import geopandas as gpd

            geo = gpd.GeoDataFrame(geo, geometry="geometry", crs=areas.crs)
            w = Queen.from_dataframe(geo, use_index=False)
            sd = SpatialDissim(geo, gd.group, gd.total, w=w).statistic
            assert p.loc[(city, period, name, "spatial_dissimilarity"), "value"] == pytest.approx(
                sd, abs=1e-9
            )
            share = (geo[gd.group] / geo[gd.total]).to_numpy()
            mor = esda.Moran(share, w, permutations=0)
            row = p.loc[(city, period, name, "morans_i")]
            assert row["value"] == pytest.approx(mor.I, abs=1e-9)
            assert row["p_value"] == pytest.approx(mor.p_norm, abs=1e-9)


def test_real_data_suppressed_areas_are_counted_not_hidden(network_panel):
    p = network_panel
    fin = p[p.city != "berlin"]
    assert (fin["n_dropped"] > 0).any()
    flagged = fin[fin["n_dropped"] > 0]
    assert flagged["note"].str.contains("suppressed counts dropped").all()
    assert (flagged["status"] == "warning").all()


def test_bootstrap_interval_on_real_data_is_narrow_for_berlin(network):
    from compare.indicators import compute_panel

    pop = network.population
    pop = pop[(pop.city == "berlin") & (pop.period == "2019-H1")]
    p = compute_panel(pop, ["foreigners"], indices=["dissimilarity", "theil_h"], ci=True, n_boot=50)
    width = p["ci_high"] - p["ci_low"]
    assert ((width > 0) & (width < 0.02)).all()  # ~ 3.7 million residents
    assert np.all(p["ci_low"] <= p["value"] + 0.005)
    assert isinstance(p, pd.DataFrame)
