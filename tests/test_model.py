import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from compare.errors import DataError
from compare.model import (
    DEFAULT_GROUP_DEFINITIONS,
    GroupDefinition,
    group_table,
    period_year,
    population_wide,
    validate_areas,
    validate_population,
)


def _areas(n=2, crs=3035):
    return gpd.GeoDataFrame(
        {
            "city": ["c"] * n,
            "area_id": [str(i) for i in range(n)],
            "area_name": [f"A{i}" for i in range(n)],
            "area_level": "grid",
            "vintage": "v",
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(n)],
        crs=crs,
    )


def _pop(rows):
    return pd.DataFrame(rows, columns=["city", "area_id", "period", "variable", "count", "vintage"])


UNEMP = GroupDefinition(
    "unemployment", group="unemployed", total="labour_force", groups=("employed", "unemployed")
)


def test_valid_tables_pass_and_counts_become_float():
    pop = _pop([("c", "0", "2015", "population", 10, "v"), ("c", "1", "2015", "population", 5, "v")])
    out = validate_population(pop, areas=validate_areas(_areas()))
    assert out["count"].dtype == float
    assert out["count"].tolist() == [10.0, 5.0]


def test_missing_column_is_named():
    with pytest.raises(DataError, match="missing column.*count"):
        validate_population(_pop([]).drop(columns="count"), source="x.csv")


def test_non_numeric_count_names_area_and_column():
    pop = _pop([("c", "7", "2015", "population", "12a", "v")])
    with pytest.raises(DataError) as exc:
        validate_population(pop, source="x.csv")
    assert exc.value.row == "7" and exc.value.column == "count" and "'12a'" in str(exc.value)


def test_negative_count_is_refused():
    pop = _pop([("c", "3", "2015", "population", -1, "v")])
    with pytest.raises(DataError, match="negative") as exc:
        validate_population(pop)
    assert exc.value.row == "3"


def test_suppressed_count_is_missing_not_zero():
    pop = _pop([("c", "0", "2015", "population", np.nan, "v")])
    assert np.isnan(validate_population(pop)["count"].iloc[0])


def test_group_larger_than_total_is_refused():
    pop = _pop(
        [
            ("c", "0", "2015", "unemployed", 12, "v"),
            ("c", "0", "2015", "employed", 3, "v"),
            ("c", "0", "2015", "labour_force", 10, "v"),
        ]
    )
    with pytest.raises(DataError, match="larger than its total") as exc:
        validate_population(pop, group_definitions=[UNEMP])
    assert exc.value.column == "unemployed" and exc.value.row == "0"


def test_duplicate_population_row_is_refused():
    pop = _pop([("c", "0", "2015", "population", 1, "v"), ("c", "0", "2015", "population", 2, "v")])
    with pytest.raises(DataError, match=r"duplicate area id\(s\) \['0'\]"):
        validate_population(pop)


def test_count_for_unknown_area_is_refused():
    pop = _pop([("c", "99", "2015", "population", 1, "v")])
    with pytest.raises(DataError, match="unknown area '99'"):
        validate_population(pop, areas=_areas())


def test_bad_period_label_is_refused():
    with pytest.raises(DataError, match="period"):
        validate_population(_pop([("c", "0", "15/16", "population", 1, "v")]))


def test_duplicate_area_id_is_refused():
    a = _areas()
    a.loc[1, "area_id"] = "0"
    with pytest.raises(DataError, match="duplicate area id '0'"):
        validate_areas(a, source="areas.gpkg")


def test_empty_geometry_is_refused():
    a = _areas()
    a.loc[1, "geometry"] = Polygon()
    with pytest.raises(DataError, match="empty or missing geometry") as exc:
        validate_areas(a)
    assert exc.value.row == "1"


def test_invalid_geometry_is_refused_with_reason():
    a = _areas()
    a.loc[0, "geometry"] = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])  # bow-tie
    with pytest.raises(DataError, match="invalid geometry.*Self-intersection"):
        validate_areas(a)


def test_missing_crs_is_refused():
    a = _areas().set_crs(None, allow_override=True)
    with pytest.raises(DataError, match="no CRS"):
        validate_areas(a)


def test_geographic_crs_is_refused():
    with pytest.raises(DataError, match="geographic"):
        validate_areas(_areas(crs=4326))


def test_population_wide_and_group_table():
    pop = _pop(
        [
            ("c", "0", "2015", "unemployed", 2, "v"),
            ("c", "0", "2015", "employed", 8, "v"),
            ("c", "0", "2015", "labour_force", 10, "v"),
        ]
    )
    wide = population_wide(pop, ["labour_force", "unemployed", "missing_var"])
    assert wide.columns.tolist() == ["labour_force", "unemployed", "missing_var"]
    assert wide["missing_var"].isna().all()
    gt = group_table(pop, UNEMP)
    assert gt.loc[("c", "0", "2015")].tolist() == [2.0, 10.0, 8.0, 2.0]


def test_group_table_names_missing_variables():
    pop = _pop([("c", "0", "2015", "population", 2, "v")])
    with pytest.raises(DataError, match="needs variable"):
        group_table(pop, UNEMP)


def test_period_year():
    assert period_year("2016-H2") == 2016
    assert period_year(pd.Series(["2015", "2021-H1"])).tolist() == [2015, 2021]


def test_default_education_partition_sums_to_total_on_real_data(example_network):
    gd = DEFAULT_GROUP_DEFINITIONS["basic_education"]
    pop = example_network.population
    wide = population_wide(pop[pop["city"] == "vantaa"], gd.variables).dropna()
    assert len(wide) > 150
    parts = wide[list(gd.groups)].sum(axis=1)
    np.testing.assert_allclose(parts, wide[gd.total])


def test_missing_column_names_the_closest_ones():
    import pandas as pd
    import pytest

    from compare.errors import DataError
    from compare.model import require_columns

    frame = pd.DataFrame(columns=["area_id", "populaton", "foreign"])
    msg = r"missing population column 'population'; closest: \['populaton'\]"
    with pytest.raises(DataError, match=msg) as e:
        require_columns(frame, ["area_id", "population"], source="pop.csv", what="population")
    assert e.value.column == "population" and "pop.csv" in str(e.value)
    msg = r"the file has 3 columns, e\.g\. \['area_id', 'populaton', 'foreign'\]"
    with pytest.raises(DataError, match=msg):
        require_columns(frame, ["zzz"])
