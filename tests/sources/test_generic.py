import geopandas as gpd
import pytest
from shapely.geometry import box

from compare.errors import DataError
from compare.sources.generic import read_generic_areas, read_generic_population, read_table


def test_wide_csv_becomes_long_counts_with_suppression(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("code,pop,foreign\n001,100,10\n002,50,x\n")
    df = read_generic_population(
        p,
        "code",
        {"population": "pop", "foreigners": "foreign"},
        period="2020",
        missing_values=["x"],
    )
    assert df.area_id.tolist()[:2] == ["001", "002"]  # leading zeros kept
    assert df.set_index(["area_id", "variable"])["count"][("001", "foreigners")] == 10
    assert df["count"].isna().sum() == 1


def test_period_column(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("code,year,pop\nA,2019,1\nA,2020,2\n")
    df = read_generic_population(p, "code", {"population": "pop"}, period_column="year")
    assert df.period.tolist() == ["2019", "2020"]


def test_missing_mapped_column_is_named(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("code,pop\nA,1\n")
    with pytest.raises(DataError, match="missing mapped column") as exc:
        read_generic_population(p, "code", {"foreigners": "foreign"}, period="2020")
    assert exc.value.column == "foreign"


def test_non_numeric_count_names_row_and_column(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("code,pop\nA,1\nB,many\n")
    with pytest.raises(DataError, match="'many' is not a number") as exc:
        read_generic_population(p, "code", {"population": "pop"}, period="2020")
    assert exc.value.row == "3 (area B)" and exc.value.column == "pop"


def test_negative_count_is_refused(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("code,pop\nA,-5\n")
    with pytest.raises(DataError, match="negative"):
        read_generic_population(p, "code", {"population": "pop"}, period="2020")


def test_duplicate_area_id_is_refused(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("code,pop\nA,1\nA,2\n")
    with pytest.raises(DataError, match=r"duplicate area id\(s\) \['A'\]"):
        read_generic_population(p, "code", {"population": "pop"}, period="2020")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_table(tmp_path / "nothing.csv")


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet"])
def test_areas_from_vector_formats(tmp_path, suffix):
    g = gpd.GeoDataFrame(
        {"k": ["A", "B"], "n": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=3035
    )
    p = tmp_path / f"areas{suffix}"
    g.to_parquet(p) if suffix == ".parquet" else g.to_file(p)
    out = read_generic_areas(p, "k", "n")
    assert out.area_id.tolist() == ["A", "B"] and out.crs.to_epsg() == 3035


def test_areas_without_crs_need_one_declared(tmp_path):
    p = tmp_path / "a.parquet"
    gpd.GeoDataFrame({"k": ["A"]}, geometry=[box(0, 0, 1, 1)]).to_parquet(p)
    with pytest.raises(DataError, match="no CRS"):
        read_generic_areas(p, "k")
    assert read_generic_areas(p, "k", crs="EPSG:3035").crs.to_epsg() == 3035


def test_areas_from_a_table_without_geometry_are_refused(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("k\nA\n")
    with pytest.raises(DataError, match="no geometry"):
        read_generic_areas(p, "k")
