"""Malformed configs: network files through ``python -m compare data validate``, governance profiles, rubric,
practices and report parameters through their loaders."""

import copy
from pathlib import Path

import pytest
import yaml

from compare.errors import ConfigError
from tests.hostile.conftest import assert_refused, network_config

ROOT = Path(__file__).resolve().parents[2]


def _net(**kw):
    return network_config(**kw)


def _bomb():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nname: bomb\ncities: {}\n"


# id, the network file (a dict, or text), patterns the message must hold (file + key)
NETWORK_CASES = [
    ("unknown-top-level-key", _net(colour="red"), [r"net\.yml: colour: unknown key 'colour'"]),
    ("unknown-city-key-did-you-mean", _net(city={"group_definition": ["foreigners"]}),
     [r"net\.yml: cities\.mycity\.group_definition: unknown key", r"did you mean 'group_definitions'"]),
    ("unknown-source-key", _net(source={"id_col": "code"}), [r"net\.yml: cities\.mycity\.sources\[0\]\.id_col: unknown key"]),
    ("sources-is-a-number", _net(city={"sources": 5}), [r"net\.yml: cities\.mycity\.sources: expected a list", r"got int 5"]),
    ("periods-is-a-number", _net(city={"periods": 2015}), [r"net\.yml: cities\.mycity\.periods: expected a list"]),
    ("month-13-is-not-a-period", _net(city={"periods": ["2015-13"]}), [r"net\.yml: cities\.mycity\.periods", r"'2015-13'", r"YYYY-MM"]),
    ("group-definitions-is-a-string", _net(city={"group_definitions": "foreigners"}),
     [r"net\.yml: cities\.mycity\.group_definitions: expected a list", r"'foreigners'"]),
    ("missing-values-is-a-string", _net(source={"missing_values": "-"}),
     [r"net\.yml: cities\.mycity\.sources\[0\]\.missing_values: expected a list"]),
    ("variables-is-a-number", _net(source={"variables": 3}),
     [r"net\.yml: cities\.mycity\.sources\[0\]\.variables: expected", r"got int 3"]),
    ("id-column-missing", _net(drop_source=["id_column"]), [r"net\.yml: cities\.mycity\.sources\[0\]\.id_column", r"required|missing"]),
    ("both-period-and-period-column", _net(source={"period": "2020"}), [r"pop\.csv, column period: give exactly one of `period`"]),
    ("unknown-importer", _net(source={"importer": "excel"}), [r"net\.yml: cities\.mycity\.sources\[0\]\.importer: unknown importer 'excel'"]),
    ("unknown-dataset", _net(source={"dataset": "no-such-data", "path": None}),
     [r"net\.yml: cities\.mycity\.sources\[0\]", r"no-such-data"]),
    ("unknown-group-definition", _net(city={"group_definitions": ["left_handed"]}),
     [r"net\.yml: cities\.mycity\.group_definitions", r"unknown group definition 'left_handed'"]),
    ("lead-city-not-in-network", _net(lead_city="oslo"), [r"net\.yml: lead_city", r"'oslo'"]),
    ("cities-empty", _net(cities={}), [r"net\.yml: cities", r"at least one|empty"]),
    ("cities-missing", {"name": "mine"}, [r"net\.yml: cities", r"required|missing"]),
    ("top-level-is-a-list", "- name: mine\n- cities: {}\n", [r"net\.yml: expected a mapping"]),
    ("empty-file", "", [r"net\.yml: expected a mapping at the top level, got nothing"]),
    ("malformed-yaml", "name: x\ncities:\n  a: [1, 2\n  b: 3\n", [r"net\.yml: malformed YAML at line \d+, column \d+"]),
    ("tab-indentation", "name: x\ncities:\n\tmycity: {}\n", [r"net\.yml: malformed YAML at line 3"]),
    ("duplicate-key", "name: x\nname: y\ncities: {}\n", [r"net\.yml: duplicate key 'name' at line 2 \(first at line 1\)"]),
    ("yaml-alias-bomb", _bomb(), [r"net\.yml: .*(aliases|expands)"]),
    ("python-object-tag", "name: !!python/object/apply:os.system [echo hacked]\ncities: {}\n", [r"net\.yml: malformed YAML at line 1"]),
    ("latin1-config", "name: m\xe4ine\ncities: {}\n".encode("latin-1"), [r"net\.yml: not UTF-8 text"]),
    ("unknown-crs-declared", _net(areas={"crs": "EPSG:999999"}), [r"net\.yml: cities\.mycity\.areas\.crs", r"EPSG:999999"]),
    ("min-population-is-text", _net(min_population="lots"), [r"net\.yml: min_population: expected a number", r"'lots'"]),
    ("min-population-is-infinite", _net(min_population=float("inf")), [r"net\.yml: min_population"]),
]


@pytest.mark.parametrize("cfg, patterns", [c[1:] for c in NETWORK_CASES], ids=[c[0] for c in NETWORK_CASES])
def test_malformed_network_file_is_refused_naming_the_key(own_city, cli, cfg, patterns):
    if isinstance(cfg, dict):
        cfg = copy.deepcopy(cfg)
        sources = (cfg.get("cities") or {}).get("mycity", {}).get("sources")
        for src in sources if isinstance(sources, list) else []:
            if src.get("path", "") is None:
                src.pop("path")
    assert_refused(cli("data", "validate", own_city(cfg)), *patterns)


def test_unknown_network_name_lists_the_shipped_ones(cli):
    assert_refused(cli("data", "validate", "helsinki-berlni"),
                   r"helsinki-berlni\.yml: unknown network 'helsinki-berlni'; known networks: \[.*'helsinki-berlin'")


# ---- governance profile, rubric, practices ---------------------------------------------------------------


def _profile():
    return yaml.safe_load((ROOT / "data" / "governance" / "vantaa.yml").read_text())


def _edit(change):
    def make():
        d = _profile()
        change(d)
        return d

    return make


def _set_score(value):
    def change(d):
        d["assessments"][0]["scores"]["cross_sector_group"]["score"] = value

    return change


PROFILE_CASES = [
    ("unknown-key", _edit(lambda d: d.update(colour="red")), r"vantaa\.yml: colour: unknown key 'colour'"),
    ("score-out-of-scale", _edit(_set_score(5)), r"vantaa\.yml: assessments\[0\]\.scores\.cross_sector_group\.score"),
    ("score-negative", _edit(_set_score(-1)), r"vantaa\.yml: assessments\[0\]\.scores\.cross_sector_group\.score"),
    ("score-is-text", _edit(_set_score("high")), r"vantaa\.yml: assessments\[0\]\.scores\.cross_sector_group\.score"),
    ("unknown-criterion", _edit(lambda d: d["assessments"][0]["scores"].update(charisma={"score": 2, "confidence": "low", "rationale": "x"})),
     r"vantaa\.yml: assessments\[0\]\.scores\.charisma"),
    ("unknown-confidence", _edit(lambda d: d["covered_areas"][0].update(confidence="certain")),
     r"vantaa\.yml: covered_areas\[0\]\.confidence"),
    ("evidence-cites-unknown-source", _edit(lambda d: d["covered_areas"][0]["evidence"][0].update(source="no-such-source")),
     r"vantaa\.yml: covered_areas\[0\]\.evidence\[0\]\.source"),
    ("programmes-is-a-string", _edit(lambda d: d.update(programmes="URBACT")), r"vantaa\.yml: programmes"),
    ("actions-is-a-mapping", _edit(lambda d: d.update(actions={"a": 1})), r"vantaa\.yml: actions"),
    ("action-start-not-a-period", _edit(lambda d: d["actions"][0].update(start_period="spring 2013")),
     r"vantaa\.yml: actions\[0\]\.start_period"),
]


@pytest.mark.parametrize("make, pattern", [c[1:] for c in PROFILE_CASES], ids=[c[0] for c in PROFILE_CASES])
def test_malformed_governance_profile_is_refused_naming_the_key(tmp_path, make, pattern):
    from compare.governance import load_profile

    p = tmp_path / "vantaa.yml"
    p.write_text(yaml.safe_dump(make(), allow_unicode=True, sort_keys=False))
    with pytest.raises(ConfigError, match=pattern):
        load_profile(p)


def _rubric():
    return yaml.safe_load((ROOT / "data" / "rubrics" / "area-governance-v1.yml").read_text())


RUBRIC_CASES = [
    ("unknown-key", lambda d: d.update(colour="red"), r"rubric\.yml: colour: unknown key"),
    ("scale-is-a-list", lambda d: d.update(scale=["absent", "ad hoc"]), r"rubric\.yml: scale"),
    ("criterion-cites-unknown-framework", lambda d: d["dimensions"][0]["criteria"][0].update(frameworks=["no-such-framework"]),
     r"rubric\.yml: dimensions\[0\]\.criteria\[0\]\.frameworks"),
]


@pytest.mark.parametrize("change, pattern", [c[1:] for c in RUBRIC_CASES], ids=[c[0] for c in RUBRIC_CASES])
def test_malformed_rubric_is_refused_by_the_questionnaire_command(tmp_path, cli, change, pattern):
    d = _rubric()
    change(d)
    p = tmp_path / "rubric.yml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False))
    assert_refused(cli("assess", "questionnaire", "vantaa", "--rubric", p, "-o", tmp_path / "q.xlsx"), pattern)
    assert not (tmp_path / "q.xlsx").exists()
