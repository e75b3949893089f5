"""Malformed area geometries read by the generic importer, through ``python -m compare data validate``."""

import json

import pytest
from shapely.geometry import LineString, Point, Polygon, box

from tests.hostile.conftest import assert_refused, network_config, write_areas

SQUARES = [box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000), box(2000, 0, 3000, 1000)]
BOWTIE = Polygon([(1000, 0), (2000, 1000), (2000, 0), (1000, 1000)])


def _geojson(folder, features, crs=None):
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    (folder / "districts.geojson").write_text(json.dumps(doc))


def _square_features(x0=0.0, size=1000.0):
    return [
        {
            "type": "Feature",
            "properties": {"code": c, "name": c},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x0 + i * size, 0], [x0 + (i + 1) * size, 0], [x0 + (i + 1) * size, size], [x0 + i * size, size], [x0 + i * size, 0]]],
            },
        }
        for i, c in enumerate(["D1", "D2", "D3"])
    ]


def _setup(case, folder):
    """Write the malformed areas file of ``case``; return the overrides of the areas entry."""
    if case == "invalid-bowtie":
        write_areas(folder, geometry=[SQUARES[0], BOWTIE, SQUARES[2]])
    elif case == "mixed-point-polygon":
        write_areas(folder, geometry=[SQUARES[0], Point(1500, 500), SQUARES[2]])
    elif case == "lines-not-polygons":
        write_areas(folder, geometry=[LineString([(0, 0), (1, 1)])] * 3)
    elif case == "empty-geometry":
        write_areas(folder, geometry=[SQUARES[0], Polygon(), SQUARES[2]])
    elif case == "null-geometry":
        write_areas(folder, geometry=[SQUARES[0], None, SQUARES[2]])
    elif case == "duplicate-area-ids":
        write_areas(folder, ids=["D1", "D2", "D2"])
    elif case == "missing-layer":
        write_areas(folder, layer="districts")
        return {"layer": "districs"}
    elif case == "no-crs":
        write_areas(folder, crs=None)
    elif case == "unknown-declared-crs":
        write_areas(folder, crs=None)
        return {"crs": "EPSG:999999"}
    elif case == "metric-geojson-without-crs":
        _geojson(folder, _square_features(x0=380000.0))
        return {"path": "districts.geojson"}
    elif case == "declared-crs-contradicts-coordinates":
        write_areas(folder, crs=None)
        return {"crs": "EPSG:4326"}
    elif case == "missing-id-column":
        return {"id_column": "district_id"}
    elif case == "missing-name-column":
        return {"name_column": "nimi"}
    elif case == "csv-has-no-geometry":
        (folder / "districts.csv").write_text("code,name\nD1,North\n")
        return {"path": "districts.csv"}
    elif case == "corrupt-geopackage":
        (folder / "districts.gpkg").write_bytes(b"SQLite format 3\x00" + b"\x00garbage" * 64)
    elif case == "malformed-geojson":
        (folder / "districts.geojson").write_text('{"type": "FeatureCollection", "features": [')
        return {"path": "districts.geojson"}
    elif case == "areas-file-missing":
        return {"path": "nowhere/districts.gpkg"}
    return {}


# id, patterns the message must hold (file + location)
CASES = [
    ("invalid-bowtie", [r"districts\.gpkg.*D2", r"invalid"]),
    ("mixed-point-polygon", [r"districts\.gpkg.*D2", r"Point"]),
    ("lines-not-polygons", [r"districts\.gpkg.*D1", r"LineString"]),
    ("empty-geometry", [r"districts\.gpkg.*D2", r"empty"]),
    ("null-geometry", [r"districts\.gpkg.*D2", r"(no|missing|empty) geometry"]),
    ("duplicate-area-ids", [r"districts\.gpkg", r"D2", r"duplicate"]),
    ("missing-layer", [r"districts\.gpkg, column layer: no layer 'districs'; the file has layers \['districts'\]"]),
    ("no-crs", [r"districts\.gpkg, column geometry: geometry has no CRS", r"crs:"]),
    ("unknown-declared-crs", [r"net\.yml: cities\.mycity\.areas\.crs", r"EPSG:999999"]),
    ("metric-geojson-without-crs", [r"districts\.geojson, column geometry: coordinates .* outside the bounds of EPSG:4326", r"crs: EPSG:XXXX"]),
    ("declared-crs-contradicts-coordinates", [r"districts\.gpkg, column geometry: coordinates .* outside the bounds"]),
    ("missing-id-column", [r"districts\.gpkg, column district_id: missing area column 'district_id'", r"'code'"]),
    ("missing-name-column", [r"districts\.gpkg, column nimi: missing area column 'nimi'"]),
    ("csv-has-no-geometry", [r"districts\.csv, column geometry: the file has no geometry"]),
    ("corrupt-geopackage", [r"districts\.gpkg: cannot read the file"]),
    ("malformed-geojson", [r"districts\.geojson: cannot read the file"]),
    ("areas-file-missing", [r"nowhere/districts\.gpkg", r"not found"]),
]


@pytest.mark.parametrize("case, patterns", CASES, ids=[c[0] for c in CASES])
def test_malformed_areas_are_refused_naming_file_and_area(own_city, cli, case, patterns):
    areas = _setup(case, own_city.folder)
    net = own_city(network_config(areas=areas))
    assert_refused(cli("data", "validate", net), *patterns)


def test_a_multi_layer_geopackage_without_a_layer_is_refused_naming_the_layers(own_city, cli):
    """GDAL would read the first layer with a warning: the wrong areas, silently."""
    write_areas(own_city.folder, layer="districts")
    write_areas(own_city.folder, layer="old_districts", geometry=[box(0, 0, 10, 10)] * 3)
    net = own_city(network_config())
    assert_refused(cli("data", "validate", net), r"districts\.gpkg.*layer", r"old_districts")
