"""The config schema: located errors, did-you-mean, safe YAML, JSON Schema."""

import copy
import json
import subprocess
import sys

import pytest
import yaml

from compare.errors import ConfigError
from compare.paths import data_dir
from compare.schema import json_schema, load_yaml, read_network, register_source_spec, source_spec
from compare.sources import read_network_config

BASE = yaml.safe_load((data_dir() / "networks" / "helsinki-berlin.yml").read_text())


def _net(tmp_path, mutate):
    cfg = copy.deepcopy(BASE)
    mutate(cfg)
    p = tmp_path / "net.yml"
    p.write_text(yaml.safe_dump(cfg))
    return p


def _set(path, value):
    def mut(cfg):
        node = cfg
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value

    return mut


@pytest.mark.parametrize(
    "path, value, key, expected",
    [
        (["cities", "vantaa", "sources"], 5, "cities.vantaa.sources", "expected a list, got int 5"),
        (["cities", "vantaa", "periods"], 2015, "cities.vantaa.periods", "expected a list, got int 2015"),
        (["cities", "vantaa", "periods"], ["2015", "15"], "cities.vantaa.periods[1]", "got str '15'"),
        (["min_population"], "lots", "min_population", "expected a number of residents, got str 'lots'"),
        (["min_population"], float("inf"), "min_population", "expected a finite number, got float inf"),
        (["min_population"], -1, "min_population", "expected a number >= 0, got int -1"),
        (["crs"], "EPSG:999999", "crs", "expected a CRS PROJ knows (e.g. 'EPSG:3035'), got 'EPSG:999999'"),
        (["cities", "vantaa", "national_crs"], "EPSG:0", "cities.vantaa.national_crs", "CRS PROJ knows"),
        (["cities", "berlin", "sources", 0, "tables"], "t1", "cities.berlin.sources[0].tables",
         "expected a list, got str 't1'"),
        (["cities", "vantaa", "group_definitions"], "low_income", "cities.vantaa.group_definitions",
         "expected a list, got str 'low_income'"),
        (["cities", "vantaa", "name"], ["V"], "cities.vantaa.name", "expected a string, got list"),
        (["cities"], {}, "cities", "expected a non-empty list"),
        (["lead_city"], "vantta", "lead_city", "did you mean 'vantaa'?"),
    ],
)
def test_network_config_errors_name_file_key_and_expectation(tmp_path, path, value, key, expected):
    p = _net(tmp_path, _set(path, value))
    with pytest.raises(ConfigError) as exc:
        read_network_config(p)
    assert str(exc.value).startswith(f"{p}: {key}: ")
    assert expected in str(exc.value)


@pytest.mark.parametrize(
    "path, key, hint",
    [
        (["citiess"], "citiess", "did you mean 'cities'?"),
        (["cities", "vantaa", "sourcs"], "cities.vantaa.sourcs", "did you mean 'sources'?"),
        (["cities", "vantaa", "sources", 0, "municipalty"], "cities.vantaa.sources[0].municipalty",
         "did you mean 'municipality'?"),
        (["group_definitions"], "group_definitions.x.totl", "did you mean 'total'?"),
    ],
)
def test_unknown_keys_are_refused_with_did_you_mean(tmp_path, path, key, hint):
    value = {"x": {"group": "a", "totl": "b"}} if path == ["group_definitions"] else "x"
    p = _net(tmp_path, _set(path, value))
    with pytest.raises(ConfigError, match="unknown key") as exc:
        read_network_config(p)
    assert str(exc.value).startswith(f"{p}: {key}: ")
    assert hint in str(exc.value)


def test_unknown_importer_suggests_the_closest(tmp_path):
    p = _net(tmp_path, _set(["cities", "vantaa", "sources", 0, "importer"], "paavo_pxwb"))
    with pytest.raises(ConfigError, match=r"sources\[0\]\.importer: unknown importer 'paavo_pxwb'.*"
                       "did you mean 'paavo_pxweb'"):
        read_network_config(p)
    p = _net(tmp_path, _set(["cities", "vantaa", "areas", "importer"], "paavo_pxweb"))
    with pytest.raises(ConfigError, match="reads population sources only"):
        read_network_config(p)


def test_billion_laughs_is_refused_quickly(tmp_path):
    levels = ["a: &a [" + ",".join(["x"] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=False):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    p = tmp_path / "laughs.yml"
    p.write_text("\n".join(levels) + "\n")
    with pytest.raises(ConfigError, match="billion laughs") as exc:
        load_yaml(p)
    assert str(p) in str(exc.value)


def test_duplicate_yaml_keys_are_refused_with_both_lines(tmp_path):
    p = tmp_path / "d.yml"
    p.write_text("name: a\ncrs: EPSG:3035\nname: b\n")
    with pytest.raises(ConfigError, match=r"duplicate key 'name' at line 3 \(first at line 1\)"):
        load_yaml(p)


def test_shipped_networks_validate_and_merge_keys_still_work():
    for p in sorted((data_dir() / "networks").glob("*.yml")):
        model, cfg = read_network(p)
        assert set(model.cities) == set(cfg["cities"])
    model, cfg = read_network(data_dir() / "networks" / "capital-region-2019.yml")
    assert cfg["cities"]["espoo"]["areas"]["municipality"] == "Espoo"
    assert cfg["cities"]["espoo"]["areas"]["id_column"] == "posti_alue"


def test_malformed_yaml_names_line_and_column(tmp_path):
    p = tmp_path / "bad.yml"
    p.write_text("cities:\n  a: [1, 2\n")
    with pytest.raises(ConfigError, match=r"malformed YAML at line \d+, column \d+"):
        load_yaml(p)


def test_register_source_spec_is_the_one_place_an_importer_declares_its_keys(tmp_path):
    from typing import Literal

    from compare.schema import SOURCE_SPECS, Strict

    class Mine(Strict):
        importer: Literal["mine"]
        path: str
        sheet: int = 0

    register_source_spec("mine", sources=Mine)
    try:
        assert source_spec("mine", "sources") is Mine
        spec = [{"importer": "mine", "path": "x", "sheet": "a"}]
        p = _net(tmp_path, _set(["cities", "vantaa", "sources"], spec))
        with pytest.raises(ConfigError, match=r"cities\.vantaa\.sources\[0\]\.sheet: expected an integer"):
            read_network_config(p)
        assert "mine" in json.dumps(json_schema("network"))
    finally:
        SOURCE_SPECS.pop("mine")


def test_schema_command_writes_a_json_schema(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "compare", "schema", "network"], capture_output=True, text=True, check=True
    ).stdout
    schema = json.loads(out)
    assert "cities" in schema["properties"]
    assert "paavo_pxweb" in out


# ------------------------------------------------------------------ governance configs
@pytest.fixture
def gov(tmp_path):
    import shutil

    d = tmp_path / "governance"
    shutil.copytree(data_dir() / "governance", d)
    return d


def _edit(p, change):
    raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    change(raw)
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    "change, key, expected",
    [
        (lambda r: r.update(programmes="URBACT"), "programmes", "expected a list, got str 'URBACT'"),
        (lambda r: r.update(covered_area=[]), "covered_area", "did you mean 'covered_areas'?"),
        (lambda r: r["sources"]["seed-proposal"].update(year="2019"), "sources.seed-proposal.year",
         "expected an integer year, got str '2019'"),
        (lambda r: r["actions"][0].update(target_areas="01200"), "actions[0].target_areas",
         "expected a list, got str '01200'"),
        (lambda r: r["actions"][0].update(target_areas=[]), "actions[0].target_areas", "non-empty list"),
        (lambda r: r["claims"]["mandate"].update(confidnce="high"), "claims.mandate.confidnce",
         "did you mean 'confidence'?"),
        (lambda r: r["assessments"][0]["scores"]["cross_sector_group"].update(score="3"),
         "assessments[0].scores.cross_sector_group.score", "expected an integer, got str '3'"),
    ],
)
def test_profile_schema_errors_are_located(gov, change, key, expected):
    from compare.governance import load_profile

    p = gov / "vantaa.yml"
    _edit(p, change)
    with pytest.raises(ConfigError) as exc:
        load_profile(p)
    assert str(exc.value).startswith(f"{p}: {key}: "), str(exc.value)
    assert expected in str(exc.value)


def test_rubric_and_practice_schema_errors_are_located(tmp_path):
    import shutil

    from compare.governance import load_practices, load_rubric

    r = tmp_path / "r.yml"
    shutil.copy(data_dir() / "rubrics" / "area-governance-v1.yml", r)
    _edit(r, lambda raw: raw["dimensions"][0]["criteria"][0].update(frameworks="uia-itd"))
    with pytest.raises(ConfigError, match=r"dimensions\[0\]\.criteria\[0\]\.frameworks: expected a list"):
        load_rubric(r)
    d = tmp_path / "practices"
    shutil.copytree(data_dir() / "practices", d)
    _edit(d / "transfers.yml", lambda raw: raw["transfers"][0].update(year="2009"))
    with pytest.raises(ConfigError, match=r"transfers\.yml: transfers\[0\]\.year: expected an integer year"):
        load_practices(d)
    _edit(d / "catalogue.yml", lambda raw: raw["practices"][0].update(theme=["x"]))
    with pytest.raises(ConfigError, match=r"practices\[0\]\.theme: unknown key 'theme'; did you mean"):
        load_practices(d)


def test_report_parameters_are_checked_against_their_schema():
    from compare.paths import project_root
    from compare.reports import validate_parameters

    nb = project_root() / "notebooks" / "city_assessment.ipynb"
    with pytest.raises(ConfigError, match=r"periods\[0\]: expected a period label"):
        validate_parameters(nb, {"city": "vantaa", "periods": ["2015-Q1"]})


@pytest.mark.parametrize("kind", ["network", "profile", "rubric", "practices", "transfers",
                                  "city-report-params"])
def test_every_config_kind_has_a_json_schema(kind):
    schema = json_schema(kind)
    assert schema["type"] == "object" and schema["properties"]
    assert schema.get("additionalProperties") is False


def test_the_network_json_schema_lists_every_registered_importer_in_a_fresh_process():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "compare", "schema", "network"], capture_output=True, text=True, check=True
    ).stdout
    for name in ("paavo_pxweb", "berlin_lor", "generic", "census_grid"):
        assert f'"{name}"' in out, name
