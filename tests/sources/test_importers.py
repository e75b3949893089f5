"""The importer registry and the census_grid importer in network configs."""

import warnings

import pytest

from compare.errors import ConfigError
from compare.schema import SOURCE_SPECS
from compare.sources import load_catalog, load_network
from compare.sources.importers import IMPORTER_REGISTRY, Importer, get_importer, register, spec_files


def _net(tmp_path, body: str):
    p = tmp_path / "net.yml"
    p.write_text(body, encoding="utf-8")
    return p


def test_every_importer_declares_its_specs_in_the_schema():
    for name, imp in IMPORTER_REGISTRY.items():
        assert SOURCE_SPECS[name]["sources"] is imp.sources_spec
        assert SOURCE_SPECS[name]["areas"] is imp.areas_spec
    with pytest.raises(ConfigError, match="unknown importer 'nope'"):
        get_importer("nope")


def test_registering_an_importer_is_one_call():
    from typing import Literal

    from compare.schema import Strict

    class MySpec(Strict):
        importer: Literal["mine"]

    class Mine(Importer):
        name = "mine"
        sources_spec = MySpec

    try:
        register(Mine())
        assert get_importer("mine").reads_population and not get_importer("mine").reads_areas
        assert SOURCE_SPECS["mine"]["sources"] is MySpec
    finally:
        IMPORTER_REGISTRY.pop("mine")
        SOURCE_SPECS.pop("mine")


def test_plan_and_cache_ask_the_importer_for_files(raw_data):
    from compare.reports.plan import _city_files
    from compare.sources.network import read_network_config

    cfg, path = read_network_config("helsinki-berlin")
    cat = load_catalog()
    files = spec_files(cfg["cities"]["vantaa"], cat, raw_data, path)
    # postal areas of one municipality also read the Paavo 2019 table that assigns codes to municipalities
    assert any(k.startswith("paavo-2019:") for k in files)
    plan = _city_files("vantaa", cfg["cities"]["vantaa"], cat, raw_data, raw_data.parent, path)
    assert set(files.values()) <= set(plan.values())
    within = cfg["cities"]["vantaa"]["areas"]
    grid_city = {
        "sources": [{"importer": "census_grid"}],
        "areas": {"importer": "census_grid", "within": within},
    }
    g = spec_files(grid_city, cat, raw_data, path)
    assert sum(k.startswith("europe-census-2021-grid:") for k in g) == 151
    assert any(k.startswith("uusimaa-geometry:") for k in g) and any(k.startswith("paavo-2019:") for k in g)


GRID_NET = """
name: t
cities:
  helsinki:
    name: Helsinki
    sources: [{importer: census_grid}]
    areas: {importer: census_grid, lon: 24.94, lat: 60.17}
    group_definitions: [born_abroad]
  vantaa:
    name: Vantaa
    sources: [{importer: census_grid}]
    areas: {importer: census_grid, lon: 25.04, lat: 60.29}
    group_definitions: [born_abroad]
  amadora:
    name: Amadora
    sources: [{importer: census_grid}]
    areas: {importer: census_grid, lon: -9.2302, lat: 38.7538, part_of: Lisbon}
    group_definitions: [born_abroad, employment_15_64]
"""


def test_grid_cities_sharing_one_urban_centre_are_told(tmp_path, raw_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = load_network(_net(tmp_path, GRID_NET), cache=False)
    notes = net.notes()
    assert any("helsinki and vantaa get the same 330 grid cells" in n for n in notes)
    assert any(n.startswith("amadora:") and "Lisbon is the larger city" in n for n in notes)
    a = net.areas[net.areas["city"] == "amadora"]
    assert (a["area_level"] == "grid_1km").all() and a["area_id"].str.startswith("CRS3035RES1000m").all()
    # confidential values stay missing, never 0
    p = net.population[net.population["city"] == "amadora"]
    from compare.sources.census_grid import GRID_VARIABLES

    raw_vars = p[p["variable"].isin(GRID_VARIABLES.values())]
    assert raw_vars["count"].isna().sum() == sum(
        int(n.split(" suppressed")[0].split()[-1])
        for n in notes
        if n.startswith("amadora:") and "suppressed" in n
    )
    assert not (p["count"] < 0).any()


def test_grid_area_spec_needs_exactly_one_way(tmp_path):
    body = GRID_NET.replace("{importer: census_grid, lon: 24.94, lat: 60.17}",
                            "{importer: census_grid, lon: 24.94, lat: 60.17, centre: UC0028}")  # fmt: skip
    with pytest.raises(ConfigError, match="exactly one of") as e:
        load_network(_net(tmp_path, body), cache=False)
    assert "cities.helsinki.areas" in str(e.value)
    body = GRID_NET.replace("lon: 24.94, lat: 60.17", "lon: 24.94")
    with pytest.raises(ConfigError, match="both `lon` and `lat`"):
        load_network(_net(tmp_path, body), cache=False)


def test_point_outside_every_urban_centre_is_refused_with_the_nearest(tmp_path, raw_data):
    body = GRID_NET.replace("lon: 24.94, lat: 60.17", "lon: 26.5, lat: 61.5")  # Finnish lakeland
    with pytest.raises(ConfigError, match="lies in no urban centre.*nearest is UC"):
        load_network(_net(tmp_path, body), cache=False)
