import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.indicators import INDICES, compute_panel, dissimilarity, panel_from_wide
from compare.model import GroupDefinition
from compare.synthetic import grid_city


def _two_cities():
    return pd.DataFrame(
        {
            "city": ["a"] * 3 + ["b"] * 3,
            "period": ["2020"] * 6,
            "x": [10, 30, 10, 5, 5, 5],
            "t": [20, 40, 40, 10, 10, 10],
            "y": [10, 10, 30, 5, 5, 5],
        }
    )


def test_panel_has_the_tidy_columns_and_one_row_per_key_and_index():
    p = panel_from_wide(_two_cities(), group="x", total="t", groups=["x", "y"])
    assert list(p.columns[:5]) == ["city", "period", "index", "group_definition", "value"]
    assert {"n_areas", "n_dropped", "population", "status", "note"} <= set(p.columns)
    assert len(p) == 2 * 12  # 7 two-group + 5 multigroup, no geometry -> no spatial
    assert not p.duplicated(["city", "period", "index"]).any()


def test_panel_values_equal_the_single_index_functions():
    p = panel_from_wide(_two_cities(), group="x", total="t", indices=["dissimilarity"])
    a = p[p.city == "a"].iloc[0]
    assert a["value"] == pytest.approx(dissimilarity([10, 30, 10], [20, 40, 40]))
    assert a["population"] == 100 and a["n_areas"] == 3 and a["status"] == "ok"


def test_even_city_is_zero_not_undefined():
    p = panel_from_wide(_two_cities(), group="x", total="t", indices=["gini"])
    assert p.loc[p.city == "b", "value"].iloc[0] == pytest.approx(0.0, abs=1e-12)


def test_suppressed_and_empty_areas_are_dropped_and_counted():
    df = _two_cities()
    df.loc[0, "x"] = np.nan
    df.loc[4, ["x", "t", "y"]] = 0
    p = panel_from_wide(df, group="x", total="t", indices=["dissimilarity"])
    a = p[p.city == "a"].iloc[0]
    b = p[p.city == "b"].iloc[0]
    assert (a["n_areas"], a["n_dropped"], a["n_empty"]) == (2, 1, 0)
    assert (b["n_areas"], b["n_dropped"], b["n_empty"]) == (2, 0, 1)
    assert "1 area(s) with suppressed counts dropped" in a["note"]
    assert a["status"] == "warning"
    assert a["value"] == pytest.approx(dissimilarity([30, 10], [40, 40]))


def test_group_absent_from_a_city_is_undefined_with_a_note():
    df = _two_cities()
    df.loc[df.city == "b", "x"] = 0
    p = panel_from_wide(df, group="x", total="t", indices=["dissimilarity", "isolation"])
    b = p[p.city == "b"]
    assert b["value"].isna().all()
    assert (b["status"] == "undefined").all()
    assert b["note"].str.contains("focus group absent").all()


def test_single_area_city_is_undefined_with_a_note():
    df = pd.concat([_two_cities(), pd.DataFrame([{"city": "c", "period": "2020", "x": 3, "t": 9}])])
    p = panel_from_wide(df, group="x", total="t", indices=["entropy"])
    c = p[p.city == "c"].iloc[0]
    assert np.isnan(c["value"]) and c["n_areas"] == 1
    assert "fewer than 2 usable areas" in c["note"]


def test_city_with_only_suppressed_areas_gets_an_undefined_row():
    df = _two_cities()
    df.loc[df.city == "b", "x"] = np.nan
    p = panel_from_wide(df, group="x", total="t", indices=["dissimilarity"])
    b = p[p.city == "b"].iloc[0]
    assert b["n_areas"] == 0 and b["n_dropped"] == 3
    assert b["status"] == "undefined" and "no usable area" in b["note"]


def test_no_nan_value_without_a_note():
    c = grid_city(6, 6, seed=1, empty_share=0.2, suppressed_share=0.2, periods=["1", "2"])
    p = panel_from_wide(c.wide, group="group", total="total", groups=["group", "other"])
    undefined = p["value"].isna()
    assert (p.loc[undefined, "note"].str.len() > 0).all()
    assert (p.loc[undefined, "status"] == "undefined").all()


def test_unknown_index_name_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown index"):
        panel_from_wide(_two_cities(), group="x", total="t", indices="dissimilarity,segx")


def test_spatial_index_without_geometry_is_an_error():
    with pytest.raises(DataError, match="geometry"):
        panel_from_wide(_two_cities(), group="x", total="t", indices=["morans_i"])


def test_compute_panel_on_canonical_tables_covers_periods_and_spatial_indices():
    c = grid_city(8, 8, seed=5, periods=["2019", "2020"])
    p = compute_panel(c.population, [c.group_definition], c.areas)
    assert set(p["index"]) == set(INDICES)
    assert set(p["period"]) == {"2019", "2020"}
    assert p["p_value"].notna().sum() == 2  # Moran's I per period


def test_compute_panel_equals_panel_from_wide():
    c = grid_city(6, 7, seed=2, periods=["2019", "2020"])
    a = compute_panel(c.population, [c.group_definition], indices=["theil_h", "gini"])
    b = panel_from_wide(
        c.wide,
        group="group",
        total="total",
        groups=["group", "other"],
        indices=["theil_h", "gini"],
        group_definition="synthetic",
    )
    assert np.allclose(a["value"].to_numpy(), b["value"].to_numpy(), atol=1e-12)


def test_compute_panel_skips_cities_that_do_not_publish_the_variables():
    c1 = grid_city(4, 4, seed=1, name="one")
    c2 = grid_city(4, 4, seed=2, name="two", groups=("migrants", "natives"))
    pop = pd.concat([c1.population, c2.population])
    gds = [c1.group_definition, GroupDefinition("mig", group="migrants", total="total")]
    p = compute_panel(pop, gds, indices=["dissimilarity"])
    assert sorted(zip(p.city, p.group_definition, strict=True)) == [
        ("synthetic-one", "synthetic"),
        ("synthetic-two", "mig"),
    ]


def test_compute_panel_with_bootstrap_intervals_brackets_the_value():
    c = grid_city(10, 10, seed=3, mean_population=400)
    p = compute_panel(
        c.population,
        [c.group_definition],
        c.areas,
        indices=["dissimilarity", "theil_h", "spatial_dissimilarity"],
        ci=True,
        n_boot=60,
    )
    assert (p["ci_low"] < p["ci_high"]).all()
    assert ((p["ci_low"] <= p["value"] + 0.05) & (p["value"] - 0.05 <= p["ci_high"])).all()


def test_importing_the_indicators_does_not_import_pysal_segregation():
    import subprocess
    import sys

    code = (
        "import sys, compare.indicators, compare.plots.indicators, compare.synthetic;"
        "print('segregation' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_table_with_every_area_suppressed_gives_undefined_rows_also_with_ci():
    df = pd.DataFrame({"city": ["a", "a"], "x": [np.nan, np.nan], "t": [20, 40], "y": [1, 2]})
    p = panel_from_wide(df, group="x", total="t", groups=["x", "y"], by=["city"], ci=True, n_boot=5)
    assert len(p) == 12
    assert (p["status"] == "undefined").all() and (p["n_dropped"] == 2).all()
    assert p["ci_low"].isna().all()


def test_whole_table_as_one_segment_with_empty_by():
    df = _two_cities()
    p = panel_from_wide(df, group="x", total="t", by=(), indices=["dissimilarity"])
    pooled = dissimilarity(df["x"], df["t"])
    assert len(p) == 1 and p["value"].iloc[0] == pytest.approx(pooled)
