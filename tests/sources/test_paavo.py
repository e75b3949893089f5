import numpy as np
import pytest

from compare.errors import DataError
from compare.model import ImportReport
from compare.sources.paavo import (
    postal_code_municipalities,
    read_paavo_2019,
    read_pxweb_csv,
    read_pxweb_dir,
)

PX = "helsinki-region/paavo-2012-2017/paavo_raw"


@pytest.fixture(scope="module")
def finland(raw_data):
    report = ImportReport("paavo")
    df = read_pxweb_dir(
        raw_data / PX,
        lookup=raw_data / "helsinki-region/paavo-2012-2017/zip_municipality.tsv",
        report=report,
    )
    return df, report


def test_pxweb_reads_the_known_value_of_a_postal_area(raw_data):
    df = read_pxweb_csv(raw_data / PX / "Main_type_of_activity_2014.csv")
    row = df[(df.area_id == "00100") & (df.variable == "unemployed")]
    assert row["count"].item() == 775.0
    assert row["period"].item() == "2014"
    assert row["area_name"].item() == "Helsinki Keskusta - Etu-Töölö"  # Latin-1 decoded


def test_pxweb_drops_the_national_total_and_non_count_columns(raw_data):
    report = ImportReport("x")
    df = read_pxweb_csv(raw_data / PX / "Inhabitants_disposable_monetary_income_2014.csv", report=report)
    assert "Finland" not in set(df.area_id)
    assert set(df.variable) == {"adults_income", "income_low", "income_middle", "income_high"}
    assert any("Median income" in n for n in report.notes)


def test_suppressed_cells_are_missing_and_counted(finland):
    df, report = finland
    derived = (df.variable == "labour_force") & (df.period == "2016")  # employed + unemployed
    assert report.suppressed == int(df.loc[~derived, "count"].isna().sum()) > 0
    assert (df["count"].dropna() >= 0).all()


def test_all_of_finland_all_years(finland):
    df, _ = finland
    assert set(df.period) == {"2012", "2013", "2014", "2015", "2016", "2017"}
    assert df.groupby("period").area_id.nunique().min() > 3000
    assert df.municipality.nunique() > 290
    assert not df.duplicated(["area_id", "period", "variable"]).any()


def test_cut_off_municipality_names_are_completed(finland):
    df, _ = finland
    assert set(df.loc[df.area_id == "00100", "municipality"]) == {"Helsinki"}
    assert df.loc[df.municipality == "Vantaa", "area_id"].str.startswith("01").all()


def test_income_classes_partition_adults(finland):
    df, _ = finland
    w = df[df.period == "2015"].pivot_table(index="area_id", columns="variable", values="count")
    w = w[["adults_income", "income_low", "income_middle", "income_high"]].dropna()
    np.testing.assert_allclose(
        w[["income_low", "income_middle", "income_high"]].sum(axis=1), w["adults_income"], atol=1
    )


def test_labour_force_is_derived_when_a_year_lacks_it(finland):
    df, _ = finland
    w = df[(df.period == "2016") & (df.area_id == "01200")].set_index("variable")["count"]
    assert w["labour_force"] == w["employed"] + w["unemployed"]


def test_pxweb_and_paavo_2019_agree_on_shared_years(raw_data, finland):
    df, _ = finland
    px = df[(df.municipality == "Vantaa") & (df.period == "2017") & (df.variable == "population")]
    wfs = read_paavo_2019(
        raw_data / "helsinki-region/paavo-2019/pno_tilasto_2019.dbf", municipalities=["Vantaa"]
    )
    wfs = wfs[(wfs.variable == "population") & (wfs.period == "2017")]
    merged = px.merge(wfs, on="area_id")
    assert len(merged) >= 35
    both = merged.dropna(subset=["count_x", "count_y"])
    np.testing.assert_array_equal(both["count_x"], both["count_y"])
    # the 2019 release suppresses (-1) what the 2017 export shows as 0: never the other way round
    assert (merged.loc[merged.count_y.isna(), "count_x"] == 0).all()


def test_paavo_2019_suppression_code_becomes_missing(raw_data):
    report = ImportReport("x")
    df = read_paavo_2019(raw_data / "helsinki-region/paavo-2019/pno_tilasto_2019.dbf", report=report)
    assert report.suppressed > 0
    assert (df["count"].dropna() >= 0).all()
    assert df["count"].isna().sum() >= report.suppressed


def test_postal_code_municipalities(raw_data):
    s = postal_code_municipalities(raw_data / "helsinki-region/paavo-2019/pno_tilasto_2019.dbf")
    assert s["01200"] == "Vantaa" and s["02100"] == "Espoo" and s["00100"] == "Helsinki"


def test_pxweb_non_numeric_cell_is_located(tmp_path):
    p = tmp_path / "Main_type_of_activity_2014.csv"
    p.write_text('"Postal code area","Employed, 2014 (PT)"\n"Finland",10\n"00100 Keskusta  (Helsinki)",abc\n')
    with pytest.raises(DataError, match="'abc' is not a number") as exc:
        read_pxweb_csv(p)
    assert exc.value.row == "00100" and exc.value.column == "Employed, 2014 (PT)"


def test_pxweb_header_without_year_is_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text('"Postal code area","Employed"\n"00100 K  (Helsinki)",1\n')
    with pytest.raises(DataError, match="no data year"):
        read_pxweb_csv(p)


def test_pxweb_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_pxweb_csv(tmp_path / "nope.csv")


def test_unknown_municipality_is_refused(raw_data):
    with pytest.raises(DataError, match="Atlantis"):
        read_pxweb_dir(raw_data / PX, municipalities=["Atlantis"], themes=["Main_type_of_activity"])


# ---- PxWeb's long layout ("Postal code area","Information","2020"[,"2021"]): newer Paavo exports


def _to_long(wide_path, long_path):
    """Rewrite a classic wide Paavo export as PxWeb's long layout, the way the StatFin table saves it."""
    import csv
    import re

    from compare.sources.paavo import _decode

    rows = list(csv.reader(_decode(wide_path.read_bytes()).splitlines()))
    header = rows[0]
    parts = [re.match(r"^(.*?),\s*(\d{4})\s*\(([A-Z]{2})\)$", h) for h in header[1:]]
    years = sorted({m.group(2) for m in parts})
    with open(long_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(["Postal code area", "Information", *years])
        for r in rows[1:]:
            for m, value in zip(parts, r[1:], strict=True):
                w.writerow([r[0], f"{m.group(1)} ({m.group(3)})", value])


def test_long_layout_reads_the_same_table_as_the_wide_export(raw_data, tmp_path):
    wide = raw_data / PX / "Main_type_of_activity_2014.csv"
    long_path = tmp_path / "paavo_long.csv"
    _to_long(wide, long_path)
    a = read_pxweb_csv(wide)
    b = read_pxweb_csv(long_path)
    cols = ["area_id", "area_name", "municipality", "period", "variable", "count"]
    key = ["area_id", "variable"]
    a = a[cols].astype({c: str for c in cols[:-1]}).sort_values(key).reset_index(drop=True)
    b = b[cols].astype({c: str for c in cols[:-1]}).sort_values(key).reset_index(drop=True)
    assert len(b) == len(a) > 1000
    assert a.equals(b)


def test_long_layout_hand_written_with_two_years_and_a_suppressed_cell(tmp_path):
    p = tmp_path / "paavo_2020_2021.csv"
    p.write_text(
        '"Postal code area","Information","2020","2021"\n'
        '"Finland","Inhabitants, total (HE)",5533793,5548241\n'
        '"00100 Helsinki keskusta - Etu-Töölö (Helsinki)","Inhabitants, total (HE)",18284,18430\n'
        '"00100 Helsinki keskusta - Etu-Töölö (Helsinki)","Unemployed (PT)",812,".."\n'
        '"00120 Punavuori - Bulevardi (Helsinki)","Inhabitants, total (HE)",7302,7330\n'
        '"00120 Punavuori - Bulevardi (Helsinki)","Unemployed (PT)",251,240\n',
        encoding="utf-8",
    )
    df = read_pxweb_csv(p).astype({"area_id": str, "variable": str, "period": str})
    got = df.set_index(["area_id", "variable", "period"])["count"]
    assert got[("00100", "population", "2020")] == 18284
    assert got[("00120", "unemployed", "2021")] == 240
    assert np.isnan(got[("00100", "unemployed", "2021")])
    assert set(df["area_name"].astype(str)) == {"Helsinki keskusta - Etu-Töölö", "Punavuori - Bulevardi"}
    assert len(df) == 8  # 2 areas x 2 variables x 2 years, the national row dropped


def test_long_layout_duplicate_variable_of_an_area_is_refused(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text(
        '"Postal code area","Information","2020"\n'
        '"00100 Keskusta (Helsinki)","Unemployed (PT)",812\n'
        '"00100 Keskusta (Helsinki)","Unemployed (PT)",813\n'
    )
    with pytest.raises(DataError, match=r"'Unemployed \(PT\)' twice \(rows 2 and 3\)") as exc:
        read_pxweb_csv(p)
    assert exc.value.row == 3


def test_long_layout_area_missing_a_variable_is_refused(tmp_path):
    p = tmp_path / "gap.csv"
    p.write_text(
        '"Postal code area","Information","2020"\n'
        '"00100 Keskusta (Helsinki)","Unemployed (PT)",812\n'
        '"00100 Keskusta (Helsinki)","Employed (PT)",9000\n'
        '"00120 Punavuori (Helsinki)","Unemployed (PT)",251\n'
    )
    msg = r"area '00120 Punavuori \(Helsinki\)' has no row for \['Employed, 2020"
    with pytest.raises(DataError, match=msg):
        read_pxweb_csv(p)
