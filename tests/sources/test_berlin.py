import pytest

from compare.errors import DataError
from compare.model import ImportReport
from compare.sources.berlin import read_lor_areas, read_lor_population, read_lor_table

POP = "berlin-lor/population"
GEO = "berlin-lor/geometry"


def test_lor_table_reads_counts_not_percentages(raw_data):
    df = read_lor_table(raw_data / POP / "berlin-lor-population-2015-01-t1-planning-areas.csv")
    row = df[df.area_id == "01011101"].set_index("variable")["count"]
    assert row["population"] == 3126 and row["foreigners"] == 1164 and row["migration_background"] == 1700
    assert not any("percentage" in v for v in df.variable)
    assert set(df.period) == {"2015-H1"}


def test_lor_2021_is_aggregated_to_forecast_areas_and_says_so(raw_data):
    report = ImportReport("berlin")
    pop = read_lor_population(raw_data / POP, report=report)
    new = pop[pop.period == "2022-H1"]
    assert set(new.area_level) == {"forecast_area"} and new.area_id.str.len().eq(4).all()
    assert new.area_id.nunique() == 58
    # the aggregation keeps the city total
    raw = read_lor_table(raw_data / POP / "berlin-lor-population-2022-01-t1-planning-areas.csv")
    assert (
        new.loc[new.variable == "population", "count"].sum()
        == raw.loc[raw.variable == "population", "count"].sum()
    )
    assert any("2021" in n and "forecast areas" in n for n in report.notes)
    old = pop[pop.period == "2020-H2"]
    assert set(old.area_level) == {"planning_area"} and old.area_id.nunique() == 448


def test_lor_geometry_erratum_is_corrected_only_with_district_evidence(raw_data):
    report = ImportReport("berlin")
    plr = raw_data / GEO / "berlin-lor-planning-areas-until-2020.geojson"
    fixed = read_lor_areas(plr, districts=raw_data / GEO / "berlin-lor-districts.geojson", report=report)
    assert fixed.area_id.is_unique and "04030417" in set(fixed.area_id)
    assert any("erratum" in n for n in report.notes)
    as_published = read_lor_areas(plr)
    assert as_published.area_id.duplicated().sum() == 1


def test_lor_bad_file_name_is_refused(tmp_path):
    p = tmp_path / "population.csv"
    p.write_text("id,inhabitants\n01011101,3\n")
    with pytest.raises(DataError, match="file name"):
        read_lor_table(p)


def test_lor_non_numeric_count_is_located(tmp_path):
    p = tmp_path / "berlin-lor-population-2015-01-t1-planning-areas.csv"
    p.write_text("id,inhabitants,inhabitants_foreigners\n01011101,3,x\n")
    with pytest.raises(DataError, match="'x' is not a number") as exc:
        read_lor_table(p)
    assert exc.value.row == 2 and exc.value.column == "inhabitants_foreigners"


def test_lor_missing_column(tmp_path):
    p = tmp_path / "berlin-lor-population-2015-01-t1-planning-areas.csv"
    p.write_text("code,inhabitants\n01011101,3\n")
    with pytest.raises(DataError, match="missing column") as exc:
        read_lor_table(p)
    assert exc.value.column == "id"
