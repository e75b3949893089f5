import json

import pandas as pd
import pytest

from compare.errors import ConfigError
from compare.governance import (
    CONFIDENCE_LEVELS,
    MEMBER_TYPES,
    STAGES,
    LocalAction,
    all_actions,
    load_profile,
    load_profiles,
    validate_profile_areas,
)
from compare.paths import project_root

ZIP = "helsinki-region/paavo-2012-2017/zip_municipality.tsv"
LOR = "berlin-lor/geometry/berlin-lor-planning-areas-until-2020.geojson"


def test_example_network_and_one_outside_city_are_shipped(profiles):
    assert {"vantaa", "helsinki", "espoo", "berlin"} <= set(profiles)
    assert len(set(profiles) - {"vantaa", "helsinki", "espoo", "berlin"}) >= 1


def test_every_profile_records_stage_start_year_members_and_scores(profiles, rubric):
    for p in profiles.values():
        assert p.stage in STAGES
        assert 1990 <= p.start_year <= 2026
        assert p.members and {m.type for m in p.members} <= set(MEMBER_TYPES)
        assert set(p.scores) == set(rubric.criterion_ids)
        assert "not an official evaluation" in p.assessment.label


def test_every_quote_and_paraphrase_cites_a_declared_source(profiles):
    for p in profiles.values():
        evid = [e for c in p.claims.values() for e in c.evidence]
        evid += [e for s in p.scores.values() for e in s.evidence]
        evid += [e for a in p.actions for e in a.evidence]
        assert evid
        for e in evid:
            assert e.source.id in p.sources
            assert e.quote or e.paraphrase


def test_claims_without_evidence_are_reported_as_unsupported(profile_dir, edit_yaml):
    def drop(raw):
        raw["claims"]["mandate"].pop("evidence")

    edit_yaml(profile_dir / "vantaa.yml", drop)
    p = load_profile(profile_dir / "vantaa.yml")
    assert p.claims["mandate"].supported is False
    assert "mandate" in p.unsupported_claims()
    t = p.claims_table().set_index("key")
    assert not t.loc["mandate", "supported"] and t.loc["resources", "supported"]


def test_actions_are_local_action_objects_with_tuple_target_areas(profiles):
    acts = all_actions(profiles)
    assert all(isinstance(a, LocalAction) for a in acts)
    lansimaki = next(a for a in acts if a.id == "lansimaki-development")
    assert lansimaki.city == "vantaa"
    assert lansimaki.target_areas == ("01280",)
    assert (lansimaki.start_period, lansimaki.end_period) == ("2013", "2015")
    assert lansimaki.confidence in CONFIDENCE_LEVELS


def test_example_network_declares_actions_starting_inside_the_data_windows(profiles):
    paavo = [
        a
        for c in ("vantaa", "helsinki", "espoo")
        for a in profiles[c].actions
        if "2012" <= a.start_period[:4] <= "2017"
    ]
    berlin = [a for a in profiles["berlin"].actions if "2015" <= a.start_period[:4] <= "2024"]
    assert paavo and berlin


def test_actions_table_has_one_row_per_target_area(profiles):
    p = profiles["vantaa"]
    t = p.actions_table()
    assert len(t) == sum(len(a.target_areas) for a in p.actions)
    assert set(t["area_id"]) == {x for a in p.actions for x in a.target_areas}


def test_finnish_profiles_use_postal_codes_of_their_own_city(raw_data):
    z = pd.read_csv(raw_data / ZIP, sep="\t", dtype=str)
    areas = pd.DataFrame({"city": z["Kunnan nimi"].str.lower(), "area_id": z["Postinumeroalue"]})
    profiles = load_profiles(cities=["vantaa", "helsinki", "espoo"], areas=areas)
    assert len(profiles) == 3


def test_berlin_profile_uses_lor_planning_area_ids(raw_data):
    ids = {f["properties"]["id"] for f in json.loads((raw_data / LOR).read_text())["features"]}
    p = load_profiles(cities=["berlin"], areas={"berlin": ids})["berlin"]
    assert all(len(a) == 8 for a in p.area_ids)


def test_area_missing_from_the_city_data_names_file_and_key(profiles):
    p = profiles["vantaa"]
    known = set(p.area_ids) - {"01360"} | {x for a in p.actions for x in a.target_areas}
    known.discard("01360")
    with pytest.raises(ConfigError, match="area id '01360' is not an area of city 'vantaa'") as e:
        validate_profile_areas(p, {"vantaa": known})
    assert e.value.key == "covered_areas[2].area_id"
    assert e.value.file.endswith("vantaa.yml")


def test_action_target_missing_from_the_data_is_reported_with_its_index(profile_dir, edit_yaml):
    edit_yaml(profile_dir / "berlin.yml", lambda r: r["actions"][2]["target_areas"].append("10020999"))
    p = load_profile(profile_dir / "berlin.yml")
    known = pd.DataFrame({"city": "berlin", "area_id": list(p.area_ids)})
    with pytest.raises(ConfigError, match="'10020999'") as e:
        validate_profile_areas(p, known)
    assert e.value.key == "actions[2].target_areas[1]"


def test_areas_of_other_cities_are_not_checked(profiles):
    p = profiles["malmo"]
    assert validate_profile_areas(p, {"vantaa": {"01200"}}) is p


def test_unquoted_area_id_is_rejected_with_a_hint(profile_dir):
    p = profile_dir / "vantaa.yml"
    p.write_text(p.read_text(encoding="utf-8").replace('area_id: "01200"', "area_id: 1200"), encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a quoted string") as e:
        load_profile(p)
    assert e.value.key == "covered_areas[0].area_id"


def test_unknown_criterion_is_rejected(profile_dir, edit_yaml):
    def bad(raw):
        raw["assessments"][0]["scores"]["charisma"] = {"score": 2}

    edit_yaml(profile_dir / "vantaa.yml", bad)
    with pytest.raises(ConfigError, match="unknown criterion 'charisma'") as e:
        load_profile(profile_dir / "vantaa.yml")
    assert e.value.key == "assessments[0].scores.charisma"


def test_unknown_dimension_of_a_score_is_rejected(profile_dir, edit_yaml):
    def bad(raw):
        raw["assessments"][0]["scores"]["cross_sector_group"]["dimension"] = "leadership"

    edit_yaml(profile_dir / "vantaa.yml", bad)
    with pytest.raises(ConfigError, match="unknown dimension 'leadership'") as e:
        load_profile(profile_dir / "vantaa.yml")
    assert e.value.key == "assessments[0].scores.cross_sector_group.dimension"


def test_score_outside_the_scale_is_rejected(profile_dir, edit_yaml):
    def bad(raw):
        raw["assessments"][0]["scores"]["strategy_link"]["score"] = 5

    edit_yaml(profile_dir / "berlin.yml", bad)
    with pytest.raises(ConfigError, match="outside the maturity scale 0-4") as e:
        load_profile(profile_dir / "berlin.yml")
    assert e.value.key == "assessments[0].scores.strategy_link.score"


def test_evidence_citing_an_undeclared_source_is_rejected(profile_dir, edit_yaml):
    def bad(raw):
        raw["claims"]["mandate"]["evidence"][0]["source"] = "nowhere"

    edit_yaml(profile_dir / "vantaa.yml", bad)
    with pytest.raises(ConfigError, match="unknown source 'nowhere'") as e:
        load_profile(profile_dir / "vantaa.yml")
    assert e.value.key == "claims.mandate.evidence[0].source"


@pytest.mark.parametrize(
    ("change", "message", "key"),
    [
        (lambda r: r.update(city="vanda"), "does not match the file name", "city"),
        (lambda r: r["claims"]["stage"].update(value="mature"), "stage 'mature'", "claims.stage.value"),
        (
            lambda r: r["leadership_group"]["members"][0].update(type="mayor"),
            "expected one of 'municipal_sector', .*, got str 'mayor'",
            "leadership_group.members[0].type",
        ),
        (
            lambda r: r["actions"][0].update(start_period="2015-Q1"),
            "expected a period label 'YYYY', .*, got str '2015-Q1'",
            "actions[0].start_period",
        ),
        (lambda r: r["claims"].update(budget={"value": 1}), "unknown claim 'budget'", "claims.budget"),
    ],
)
def test_invalid_profile_content_is_reported_with_its_key(profile_dir, edit_yaml, change, message, key):
    edit_yaml(profile_dir / "vantaa.yml", change)
    with pytest.raises(ConfigError, match=message) as e:
        load_profile(profile_dir / "vantaa.yml")
    assert e.value.key == key


def test_malformed_profile_yaml_names_the_file(profile_dir):
    (profile_dir / "espoo.yml").write_text("city: espoo\nclaims: {stage: [\n")
    with pytest.raises(ConfigError, match="malformed YAML") as e:
        load_profiles(profile_dir)
    assert e.value.file.endswith("espoo.yml")


def test_swapped_rubric_uses_the_matching_assessment(tmp_path, profile_dir, edit_yaml):
    rub = tmp_path / "mine.yml"
    rub.write_text("id: mine\ndimensions:\n  - id: people\n    criteria: [{id: residents}, {id: ngos}]\n")

    def add(raw):
        raw["assessments"].append({"rubric": "mine", "scores": {"residents": 4, "ngos": 1}})

    edit_yaml(profile_dir / "berlin.yml", add)
    with pytest.warns(UserWarning, match="no assessment against rubric 'mine'"):
        ps = load_profiles(profile_dir, rubric=rub)
    assert {k: s.score for k, s in ps["berlin"].scores.items()} == {"residents": 4, "ngos": 1}
    assert ps["vantaa"].scores == {}


def test_requesting_a_city_without_profile_is_an_error():
    with pytest.raises(ConfigError, match="no profile for city 'oslo'"):
        load_profiles(cities=["oslo"])


def test_actions_table_spans_all_cities(profiles):
    from compare.governance import actions_table

    t = actions_table(profiles)
    assert set(t["city"]) == {p.city for p in profiles.values() if p.actions}
    assert len(t) == sum(len(a.target_areas) for a in all_actions(profiles))


def test_area_id_that_does_not_fit_the_declared_scheme_is_rejected(profile_dir):
    p = profile_dir / "berlin.yml"
    p.write_text(p.read_text(encoding="utf-8").replace('"10020412"]', '"1002"]'), encoding="utf-8")
    with pytest.raises(ConfigError, match="does not fit area_scheme") as e:
        load_profile(p)
    assert e.value.key == "actions[2].target_areas[0]"


SEEDS = project_root().parent / "shared" / "seeds"  # the project's source documents, beside the clone


@pytest.mark.skipif(not SEEDS.exists(), reason="project seeds not mounted")
def test_quotes_from_the_vantaa_proposal_are_verbatim(profiles):
    text = " ".join(f.read_text(encoding="utf-8") for f in SEEDS.glob("*.txt"))
    p = profiles["vantaa"]
    quotes = [
        e.quote
        for e in (
            [e for c in p.claims.values() for e in c.evidence]
            + [e for m in p.members for e in m.evidence]
            + [e for s in p.scores.values() for e in s.evidence]
        )
        if e.source.id == "seed-proposal" and e.quote
    ]
    assert quotes
    assert all(q in text for q in quotes)
