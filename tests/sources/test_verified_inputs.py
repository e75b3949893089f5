"""Inputs that used to give a silent wrong answer: each is refused (or handled) now, with its location."""

import json
import os
import shutil
import textwrap

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from compare.cli import main
from compare.errors import ChecksumError, DataError
from compare.paths import raw_dir
from compare.sources import load_catalog, load_network
from compare.sources.catalog import sha256_of, verify_file
from compare.sources.generic import read_generic_areas, read_generic_population


# ------------------------------------------------------------------ sha256 at read time
@pytest.fixture
def paavo_2019_raw(tmp_path):
    """A private data/raw holding the two data sets capital-region-2019 reads."""
    raw = tmp_path / "raw"
    cat = load_catalog()
    for ds in ("paavo-2019", "uusimaa-geometry"):
        for f in cat[ds].files:
            (raw / f.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(raw_dir() / f.path, raw / f.path)
    return raw


def test_a_changed_data_file_is_refused_when_read_naming_both_digests(paavo_2019_raw):
    net = load_network("capital-region-2019", cities=["kauniainen"], raw=paavo_2019_raw, auto_fetch=False)
    assert len(net.areas) == 1
    f = next((paavo_2019_raw).rglob("pno_tilasto_2019.prj"))
    expected = next(e.sha256 for e in load_catalog()["paavo-2019"].files if e.path.endswith(".prj"))
    text = f.read_bytes()
    f.write_bytes(text[: len(text) // 2])  # cut short
    with pytest.raises(ChecksumError) as exc:
        load_network("capital-region-2019", cities=["kauniainen"], raw=paavo_2019_raw, auto_fetch=False)
    msg = str(exc.value)
    assert str(f.resolve()) in msg and expected in msg and sha256_of(f) in msg
    assert "python -m compare data fetch" in msg


def test_verification_is_remembered_but_a_changed_file_is_never_trusted(tmp_path, monkeypatch):
    import compare.sources.catalog as catalog

    p = tmp_path / "t.csv"
    p.write_bytes(b"a,b\n1,2\n")
    good = sha256_of(p)
    calls = []
    real = catalog.sha256_of
    monkeypatch.setattr(catalog, "sha256_of", lambda q: calls.append(q) or real(q))
    catalog._VERIFIED.clear()
    verify_file(p, good, cache_dir=tmp_path)
    verify_file(p, good, cache_dir=tmp_path)
    catalog._VERIFIED.clear()  # a new process: the on-disk record is used
    verify_file(p, good, cache_dir=tmp_path)
    assert len(calls) == 1
    st = p.stat()
    p.write_bytes(b"a,b\n1,9\n")  # same size, same modification time restored
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        verify_file(p, good, cache_dir=tmp_path)


# ------------------------------------------------------------------ the import cache holds data, not code
@pytest.fixture
def own_city(tmp_path):
    g = gpd.GeoDataFrame(
        {"code": ["D1", "D2", "D3"], "name": ["North", "Centre", "South"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2000, 0, 3000, 1000)],
        crs="EPSG:3067",
    ).translate(380000, 6670000)
    gpd.GeoDataFrame(
        {"code": ["D1", "D2", "D3"], "name": ["North", "Centre", "South"]}, geometry=g, crs="EPSG:3067"
    ).to_file(tmp_path / "districts.gpkg")
    (tmp_path / "pop.csv").write_text(
        "code,year,pop,foreign,nationals\nD1,2020,100,10,90\nD2,2020,200,50,150\nD3,2020,50,..,..\n"
    )
    return tmp_path


CITY = """
name: mine
cities:
  mycity:
    name: My City
    sources:
      - importer: generic
        path: pop.csv
        citation: "City of Mine Statistics (2021). Residents by district, 2020."
        licence: CC BY 4.0
        id_column: code
        period_column: year
        variables: {{population: pop, foreigners: foreign, nationals: nationals}}
    areas:
      importer: generic
      path: {areas}
      id_column: code
      name_column: name
    group_definitions: [foreigners]
"""


def _net(d, areas="districts.gpkg", body=CITY):
    p = d / "net.yml"
    p.write_text(textwrap.dedent(body.format(areas=areas)))
    return p


def test_the_cache_is_parquet_and_json_and_an_unreadable_entry_is_rebuilt(own_city):
    raw = own_city / "raw"
    cfg = _net(own_city)
    fresh = load_network(cfg, raw=raw)
    (entry,) = list((raw / ".cache").glob("network-*"))
    assert sorted(p.suffix for p in entry.iterdir()) == [".json"] + [".parquet"] * 4
    assert not list(raw.rglob("*.pkl"))
    cached = load_network(cfg, raw=raw)
    pd.testing.assert_frame_equal(cached.population, fresh.population)
    pd.testing.assert_frame_equal(cached.areas, fresh.areas)
    assert cached.attribution() == fresh.attribution()
    (entry / "population.parquet").write_bytes(b"not parquet")
    again = load_network(cfg, raw=raw)
    pd.testing.assert_frame_equal(again.population, fresh.population)


def test_relative_paths_resolve_against_the_network_file_folder(own_city, monkeypatch):
    monkeypatch.chdir("/")
    net = load_network(_net(own_city), cache=False)
    assert net.files["path"].str.startswith(str(own_city)).all()


def test_own_source_citation_and_licence_appear_like_catalog_data(own_city):
    net = load_network(_net(own_city), cache=False)
    assert "City of Mine Statistics (2021). Residents by district, 2020." in net.attribution()
    ds_id = net.files.loc[net.files["path"].str.endswith("pop.csv"), "dataset"].item()
    assert net.catalog[ds_id].licence == "CC BY 4.0"
    assert "mycity:districts.gpkg" in set(net.files["dataset"])  # no citation given: says so
    assert "no citation declared" in net.catalog["mycity:districts.gpkg"].citation


# ------------------------------------------------------------------ CSV text: BOM, NA codes, inf
def _indices(tmp_path, text, *extra):
    p = tmp_path / "in.csv"
    p.write_bytes(text)
    out = tmp_path / "out.csv"
    rc = main(["indices", str(p), "--group", "g", "--total", "t", "--index", "dissimilarity",
               "-o", str(out), *extra])
    return rc, out


def test_a_byte_order_mark_does_not_pool_the_cities(tmp_path):
    body = "city,area_id,g,t\na,1,10,20\na,2,0,20\nb,1,5,10\nb,2,5,10\n"
    rc, out = _indices(tmp_path, "\ufeff".encode() + body.encode(), "--by", "city")
    assert rc == 0
    panel = pd.read_csv(out).set_index("city")["value"]
    # a: D = 1/2 (|10/10 - 10/30| + |0/10 - 20/30|) = 2/3 ; b: identical shares -> 0
    assert panel["a"] == pytest.approx(2 / 3) and panel["b"] == pytest.approx(0)


def test_duplicate_area_ids_are_refused_by_indices_and_importer_with_one_rule(tmp_path, capsys):
    rc, _ = _indices(tmp_path, b"city,area_id,g,t\na,1,10,20\na,1,0,20\na,2,5,10\n", "--by", "city")
    err = capsys.readouterr().err
    assert rc == 2 and "in.csv, row 1, column area_id: duplicate area id(s) ['1']" in err
    p = tmp_path / "pop.csv"
    p.write_text("code,pop\n1,3\n1,4\n")
    with pytest.raises(DataError, match=r"duplicate area id\(s\) \['1'\]"):
        read_generic_population(p, "code", {"population": "pop"}, period="2020")


@pytest.mark.parametrize("code", ["NA", "n/a", "null", "NaN"])
def test_undeclared_na_codes_are_errors_and_declared_ones_are_suppressed(tmp_path, code):
    p = tmp_path / "pop.csv"
    p.write_text(f"code,pop\nA,5\nB,{code}\n")
    with pytest.raises(DataError, match=f"value '{code}' is not a number") as exc:
        read_generic_population(p, "code", {"population": "pop"}, period="2020")
    assert exc.value.row == "3 (area B)" and exc.value.column == "pop"
    df = read_generic_population(p, "code", {"population": "pop"}, period="2020", missing_values=[code])
    assert df["count"].isna().tolist() == [False, True]


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity", "1e999"])
def test_infinite_counts_are_refused_everywhere(tmp_path, value, capsys):
    p = tmp_path / "pop.csv"
    p.write_text(f"code,pop\nA,{value}\n")
    with pytest.raises(DataError, match="not finite|negative"):
        read_generic_population(p, "code", {"population": "pop"}, period="2020")
    rc, _ = _indices(tmp_path, f"area_id,g,t\n1,{value},5\n2,1,5\n".encode())
    assert rc == 2 and "column g" in capsys.readouterr().err


# ------------------------------------------------------------------ CRS bounds
def test_geojson_without_crs_but_metric_coordinates_is_refused_with_how_to_declare(own_city):
    g = gpd.read_file(own_city / "districts.gpkg")
    doc = json.loads(g.to_json())
    doc.pop("crs", None)
    (own_city / "districts.geojson").write_text(json.dumps(doc))
    with pytest.raises(DataError) as exc:
        read_generic_areas(own_city / "districts.geojson", "code")
    msg = str(exc.value)
    assert "districts.geojson" in msg and "outside the bounds of EPSG:4326" in msg
    assert "`crs: EPSG:XXXX` on the areas entry" in msg
    declared = read_generic_areas(own_city / "districts.geojson", "code", crs="EPSG:3067")
    assert declared.crs.to_epsg() == 3067
    assert declared.total_bounds == pytest.approx(g.total_bounds)


def test_degrees_declared_as_a_metric_crs_are_refused(tmp_path):
    g = gpd.GeoDataFrame({"k": ["A"]}, geometry=[box(24.9, 60.1, 25.0, 60.2)], crs="EPSG:3067")
    g.to_file(tmp_path / "a.gpkg")
    with pytest.raises(DataError, match="outside the bounds of EPSG:3067"):
        read_generic_areas(tmp_path / "a.gpkg", "k")


def test_long_table_with_derived_variable_round_trips(tmp_path):
    p = tmp_path / "long.csv"
    p.write_text(
        "area,variable,year,n\nA,emp,2020,50\nA,unemp,2020,5\nB,emp,2020,40\nB,unemp,2020,..\n"
        "A,other,2020,1\n"
    )
    df = read_generic_population(
        p, "area", {"employed": "emp", "unemployed": "unemp"}, period_column="year", layout="long",
        variable_column="variable", count_column="n", derived={"labour_force": "employed + unemployed"},
    )
    lf = df[df.variable == "labour_force"].set_index("area_id")["count"]
    assert lf["A"] == 55 and np.isnan(lf["B"])  # a suppressed part -> missing, never a partial sum
    assert set(df.variable) == {"employed", "unemployed", "labour_force"}
