import textwrap

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from compare.errors import ConfigError, DataError
from compare.sources import load_network


@pytest.fixture
def own_city(tmp_path):
    """A user's own city through the generic importer: 3 districts, 2 periods."""
    g = gpd.GeoDataFrame(
        {"code": ["D1", "D2", "D3"], "name": ["North", "Centre", "South"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2000, 0, 3000, 1000)],
        crs="EPSG:2180",
    )
    g.to_file(tmp_path / "districts.gpkg")
    (tmp_path / "pop.csv").write_text(
        "code,year,pop,foreign,nationals\nD1,2020,100,10,90\nD2,2020,200,50,150\nD3,2020,50,..,..\n"
        "D1,2021,110,12,98\nD2,2021,210,60,150\nD3,2021,55,5,50\n"
    )
    return tmp_path


def _write(tmp_path, body):
    p = tmp_path / "net.yml"
    p.write_text(textwrap.dedent(body))
    return p


CITY = """
name: mine
cities:
  mycity:
    name: My City
    sources:
      - importer: generic
        path: {d}/pop.csv
        id_column: code
        period_column: year
        variables: {{population: pop, foreigners: foreign, nationals: nationals}}
    areas:
      importer: generic
      path: {d}/districts.gpkg
      id_column: code
      name_column: name
    group_definitions: [foreigners]
"""


def test_users_own_city_without_code(own_city):
    net = load_network(_write(own_city, CITY.format(d=own_city)))
    assert net.areas.crs.to_epsg() == 3035
    assert set(net.population.period) == {"2020", "2021"}
    s = net.summary().iloc[0]
    assert s["areas"] == 3 and s["suppressed_cells"] == 2 and s["periods"] == 2
    assert net.definitions_for("mycity")[0].name == "foreigners"


def test_example_network_imports_every_city_from_real_data(example_network):
    s = example_network.summary().set_index("city")
    assert list(s.index) == ["vantaa", "helsinki", "espoo", "berlin"]
    assert (
        s.loc["vantaa", "areas"] == 36 and s.loc["helsinki", "areas"] == 84 and s.loc["espoo", "areas"] == 46
    )
    assert s.loc["berlin", "periods"] == 20 and s.loc["vantaa", "periods"] == 6
    assert 3.5e6 < s.loc["berlin", "population_last"] < 4.0e6
    assert example_network.areas.crs.to_epsg() == 3035
    assert example_network.lead_city == "vantaa"


def test_example_network_keeps_unmatched_ids_aside(example_network):
    um = example_network.unmatched
    assert set(um.area_id) == {"01490"}  # Vantaa postal area merged away before the 2019 boundaries
    assert "01490" not in set(example_network.population.area_id)
    assert any("01490" in n for n in example_network.notes())


def test_example_network_records_the_files_and_their_checksums(example_network):
    f = example_network.files
    assert len(f) > 100 and f.sha256.str.len().eq(64).all()
    assert any("Statistics Finland" in a for a in example_network.attribution())
    assert any("Berlin-Brandenburg" in a for a in example_network.attribution())


def test_example_network_group_definitions_are_consistent(example_network):
    pop = example_network.population
    berlin = pop[(pop.city == "berlin") & (pop.period == "2016-H2")].pivot(
        index="area_id", columns="variable", values="count"
    )
    np.testing.assert_array_equal(berlin["foreigners"] + berlin["nationals"], berlin["population"])


def test_unknown_city_is_refused(own_city):
    with pytest.raises(ConfigError, match="unknown city 'oslo'"):
        load_network(_write(own_city, CITY.format(d=own_city)), cities=["oslo"])


def test_unknown_importer_is_refused(own_city):
    body = CITY.format(d=own_city).replace(
        "importer: generic\n        path", "importer: excel\n        path", 1
    )
    with pytest.raises(ConfigError, match="unknown importer 'excel'") as exc:
        load_network(_write(own_city, body))
    assert exc.value.key == "cities.mycity.sources[0].importer"


def test_unknown_dataset_is_refused(own_city):
    body = CITY.format(d=own_city).replace(f"path: {own_city}/pop.csv", "dataset: no-such-data")
    with pytest.raises(ConfigError, match="unknown data set 'no-such-data'") as exc:
        load_network(_write(own_city, body))
    assert exc.value.key == "cities.mycity.sources[0].dataset"


def test_malformed_yaml_names_the_line(own_city):
    p = own_city / "net.yml"
    p.write_text("name: x\ncities:\n  a: [1, 2\n  b: 3\n")
    with pytest.raises(ConfigError, match="malformed YAML at line"):
        load_network(p)


def test_unknown_key_is_refused(own_city):
    body = CITY.format(d=own_city).replace("    name: My City", "    name: My City\n    colour: red")
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        load_network(_write(own_city, body))


def test_unknown_group_definition_is_refused(own_city):
    body = CITY.format(d=own_city).replace("[foreigners]", "[foreigners, left_handed]")
    with pytest.raises(ConfigError, match="unknown group definition 'left_handed'"):
        load_network(_write(own_city, body))


def test_group_definition_needing_absent_variables_is_refused(own_city):
    body = CITY.format(d=own_city).replace("[foreigners]", "[unemployment]")
    with pytest.raises(ConfigError, match="needs variable"):
        load_network(_write(own_city, body))


def test_missing_file_is_named(own_city):
    (own_city / "pop.csv").unlink()
    with pytest.raises(DataError, match="file not found"):
        load_network(_write(own_city, CITY.format(d=own_city)))


def test_count_for_unknown_area_is_kept_aside_and_reported(own_city):
    with open(own_city / "pop.csv", "a") as fh:
        fh.write("D9,2021,5,1,4\n")
    with pytest.warns(UserWarning, match="D9"):
        net = load_network(_write(own_city, CITY.format(d=own_city)))
    assert net.unmatched.area_id.tolist() == ["D9"]
    assert "D9" not in set(net.population.area_id)


def test_group_larger_than_total_in_a_file_is_refused(own_city):
    (own_city / "pop.csv").write_text("code,year,pop,foreign,nationals\nD1,2020,100,120,0\n")
    with pytest.raises(DataError, match="larger than its total") as exc:
        load_network(_write(own_city, CITY.format(d=own_city)))
    assert exc.value.row == "D1"


def test_invalid_geometry_in_a_file_is_refused(own_city):
    from shapely.geometry import Polygon

    g = gpd.read_file(own_city / "districts.gpkg")
    g.loc[1, "geometry"] = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    g.to_file(own_city / "districts.gpkg")
    with pytest.raises(DataError, match="invalid geometry") as exc:
        load_network(_write(own_city, CITY.format(d=own_city)))
    assert exc.value.row == "D2"


def test_missing_crs_in_a_file_is_refused(own_city):
    g = gpd.read_file(own_city / "districts.gpkg").set_crs(None, allow_override=True)
    (own_city / "districts.gpkg").unlink()
    g.to_parquet(own_city / "districts.parquet")
    body = CITY.format(d=own_city).replace("districts.gpkg", "districts.parquet")
    with pytest.raises(DataError, match="no CRS"):
        load_network(_write(own_city, body))


def test_requested_period_missing_from_data_is_refused(own_city):
    body = CITY.format(d=own_city).replace("    name: My City", "    name: My City\n    periods: ['2019']")
    with pytest.raises(ConfigError, match="2019"):
        load_network(_write(own_city, body))


def test_paavo_2019_network_reads_the_wfs_table_on_postal_polygons():
    net = load_network("capital-region-2019")
    s = net.summary().set_index("city")
    assert s.loc["kauniainen", "areas"] == 1 and s.loc["vantaa", "areas"] == 36
    pop = net.population
    vantaa_2016 = pop[(pop.city == "vantaa") & (pop.period == "2016") & (pop.variable == "unemployed")]
    assert vantaa_2016["count"].sum() > 5000
    assert set(pop.loc[pop.variable == "population", "period"]) == {"2017"}


def test_loaded_network_is_cached_and_a_changed_file_invalidates_the_cache(own_city):
    import os

    cfg = _write(own_city, CITY.format(d=own_city))
    first = load_network(cfg)
    again = load_network(cfg)
    assert again.population.equals(first.population)
    csv = own_city / "pop.csv"
    csv.write_text(csv.read_text().replace("D1,2020,100,10,90", "D1,2020,100,20,80"))
    st = csv.stat()
    os.utime(csv, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    changed = load_network(cfg)
    row = changed.population.query("area_id == 'D1' and period == '2020' and variable == 'foreigners'")
    assert row["count"].item() == 20
    assert load_network(cfg, cache=False).population.equals(changed.population)


def test_the_order_cities_are_asked_in_changes_neither_the_tables_nor_the_cache_entry(own_city):
    body = CITY.replace("  mycity:\n    name: My City", "  second:\n    name: Second") + CITY.split(
        "cities:\n", 1
    )[1].replace("  mycity:\n    name: My City", "  first:\n    name: First")
    cfg = _write(own_city, body.format(d=own_city))
    raw = own_city / "raw"
    fresh = load_network(cfg, cities=["first", "second"], raw=raw, cache=False)
    assert list(dict.fromkeys(fresh.population["city"])) == ["second", "first"]  # the file's order
    via_all = load_network(cfg, raw=raw)
    assert len(list((raw / ".cache").glob("network-*"))) == 1
    cached = load_network(cfg, cities=["first", "second", "first"], raw=raw)
    assert len(list((raw / ".cache").glob("network-*"))) == 1  # the same entry served both
    for net in (via_all, cached):
        assert net.population.equals(fresh.population)
        assert net.areas.equals(fresh.areas)
    assert set(load_network(cfg, cities=["first"], raw=raw).population["city"]) == {"first"}


def test_processes_loading_a_network_at_once_import_it_once(own_city):
    """The first reports of a run start together on a cold cache: one imports, the other reads its entry."""
    import subprocess
    import sys

    cfg = _write(own_city, CITY.format(d=own_city))
    raw, log, gate = own_city / "raw", own_city / "imports.log", own_city / "gate"
    gate.mkdir()
    script = textwrap.dedent(
        f"""
        import os, time
        import compare.sources.network as N
        original = N._load
        def slow(*a, **k):
            with open({str(log)!r}, "a") as f:
                f.write("import\\n")
            time.sleep(1.5)  # a window in which the other process would miss the cache too
            return original(*a, **k)
        N._load = slow
        open(os.path.join({str(gate)!r}, str(os.getpid())), "w").close()
        while len(os.listdir({str(gate)!r})) < 2:  # both ask at the same moment
            time.sleep(0.01)
        net = N.load_network({str(cfg)!r}, raw={str(raw)!r})
        print(len(net.population), int(net.population["count"].sum()))
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outs[0] == outs[1] != ""
    assert log.read_text().splitlines() == ["import"]
    fresh = load_network(cfg, raw=raw, cache=False)
    assert outs[0] == f"{len(fresh.population)} {int(fresh.population['count'].sum())}"
