import pytest

from compare.errors import ConfigError
from compare.governance import MATURITY_SCALE, load_rubric


def test_shipped_rubric_has_six_dimensions_and_every_criterion_cites_a_framework(rubric):
    assert rubric.id == "area-governance-v1"
    assert len(rubric.dimensions) == 6
    assert all(c.frameworks for c in rubric.criteria)
    cited = {f for c in rubric.criteria for f in c.frameworks}
    assert cited == set(rubric.frameworks)


def test_rubric_draws_on_the_five_named_frameworks(rubric):
    assert set(rubric.frameworks) == {
        "urbact-integrated",
        "oecd-urban-principles",
        "uia-itd",
        "ansell-gash-2008",
        "iap2-spectrum",
    }
    assert rubric.frameworks["ansell-gash-2008"].year == 2008


def test_maturity_scale_runs_from_absent_to_evaluated_and_adaptive(rubric):
    assert dict(rubric.scale) == MATURITY_SCALE
    assert rubric.scale[0] == "absent" and rubric.scale[4] == "evaluated and adaptive"


def test_rubric_table_has_one_row_per_criterion(rubric):
    t = rubric.table()
    assert len(t) == len(rubric.criteria) == 14
    assert t["criterion"].is_unique


def test_unknown_dimension_lookup_names_rubric_file(rubric):
    with pytest.raises(ConfigError, match="unknown dimension 'governance'") as exc:
        rubric.dimension("governance")
    assert exc.value.file.endswith("area-governance-v1.yml")


def test_criterion_citing_undeclared_framework_is_rejected(tmp_path):
    p = tmp_path / "r.yml"
    p.write_text(
        "id: r\nframeworks: {a: {title: A}}\n"
        "dimensions:\n  - id: d\n    criteria:\n      - {id: c1, frameworks: [a, zz]}\n"
    )
    with pytest.raises(ConfigError, match="unknown framework 'zz'") as exc:
        load_rubric(p)
    assert exc.value.key == "dimensions[0].criteria[0].frameworks[1]"


def test_duplicate_criterion_id_is_rejected(tmp_path):
    p = tmp_path / "r.yml"
    p.write_text("id: r\ndimensions:\n  - id: d\n    criteria: [{id: c1}, {id: c1}]\n")
    with pytest.raises(ConfigError, match="duplicate criterion id 'c1'"):
        load_rubric(p)


def test_bare_rubric_file_name_is_looked_up_in_data_rubrics():
    assert load_rubric("area-governance-v1.yml").id == "area-governance-v1"
