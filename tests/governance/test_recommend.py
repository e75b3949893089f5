"""Transfer recommendations and the transfer stages of the practice catalogue."""

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from compare.errors import ConfigError
from compare.governance import (
    context_similarity,
    load_practices,
    load_rubric,
    recommend_transfers,
    weakest_criteria,
)
from compare.governance.practices import Practice, PracticeCatalogue, Transfer
from compare.paths import data_dir


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def _catalogue(*practices, transfers=()):
    return PracticeCatalogue(practices, transfers, {})


def _scores(rubric, **cities):
    ids = list(rubric.criterion_ids)
    rows = {c: dict(zip(ids, v, strict=False)) for c, v in cities.items()}
    return pd.DataFrame(rows).T.reindex(columns=ids)


def test_weakest_criteria_include_ties_and_ignore_missing_scores():
    s = pd.Series({"a": 2, "b": np.nan, "c": 1, "d": 2, "e": 4})
    assert weakest_criteria(s, 1).index.tolist() == ["c"]
    assert weakest_criteria(s, 2).index.tolist() == ["c", "a", "d"]
    assert weakest_criteria(pd.Series({"a": np.nan})).empty


def test_a_practice_is_recommended_only_from_a_strong_peer_for_a_weak_criterion(rubric):
    k = rubric.criterion_ids
    scores = _scores(rubric, weak=[1] + [3] * 13, strong=[4] * 14, middling=[2] * 14)
    cat = _catalogue(
        Practice("p-strong", "P strong", "strong", addresses=(k[0],), confidence="high"),
        Practice("p-middling", "P middling", "middling", addresses=(k[0],)),  # origin scores 2 < 3
        Practice("p-other", "P other", "strong", addresses=(k[5],)),  # not a weak criterion of `weak`
    )
    rec = recommend_transfers(scores, cat, rubric, cities=["weak"], n_weakest=1)
    t = rec.for_city("weak")
    assert t["practice"].tolist() == ["p-strong"]
    assert t.loc[0, "criterion"] == k[0] and t.loc[0, "gap"] == 3.0 and t.loc[0, "rank"] == 1
    assert "one of its weakest" in t.loc[0, "why"]


def test_an_adopted_practice_is_not_recommended_again_and_the_reason_is_given(rubric):
    k = rubric.criterion_ids
    scores = _scores(rubric, weak=[1] * 14, strong=[4] * 14)
    cat = _catalogue(
        Practice("p", "P", "strong", addresses=(k[0],)),
        transfers=(Transfer("p", "strong", "weak"),),
    )
    rec = recommend_transfers(scores, cat, rubric, cities=["weak", "nobody"])
    assert rec.for_city("weak").empty
    assert "no peer practice in the catalogue addresses its weakest criteria" in rec.reasons["weak"]
    assert rec.reasons["nobody"] == "no governance profile with rubric scores"


def test_candidates_are_ranked_by_gap_then_evidence_then_context(rubric):
    k = rubric.criterion_ids
    scores = _scores(rubric, city=[1] * 14, a=[4] * 14, b=[3] * 14, c=[4] * 14)
    ctx = pd.DataFrame({"x": [0.0, 0.1, 0.5, 1.0], "y": [0.0, 0.1, 0.5, 1.0]}, index=["city", "a", "b", "c"])
    cat = _catalogue(
        Practice("from-c", "C", "c", addresses=(k[0],), confidence="high"),
        Practice("from-a", "A", "a", addresses=(k[0],), confidence="high"),
        Practice("from-b", "B", "b", addresses=(k[0],), confidence="high"),
        Practice("from-a-low", "A low", "a", addresses=(k[0],), confidence="low"),
    )
    rec = recommend_transfers(scores, cat, rubric, cities=["city"], n_weakest=1, contexts=ctx)
    # gap 3 before gap 2; among gap 3: high evidence before low, then the more similar context (a before c)
    assert rec.for_city("city")["practice"].tolist()[:2] == ["from-a", "from-c"]
    assert rec.for_city("city")["practice"].tolist()[2:] == ["from-a-low", "from-b"]


def test_context_similarity_is_a_gower_similarity_over_shared_variables():
    ctx = pd.DataFrame({"p": [3.0, 4.0, 5.0], "d": [0.1, 0.3, np.nan]}, index=["a", "b", "c"])
    # |3-4|/2 and |0.1-0.3|/0.2 -> mean 0.75 -> 0.25
    assert context_similarity(ctx, "a", "b") == pytest.approx(0.25)
    assert np.isnan(context_similarity(ctx, "a", "c"))  # one shared variable only
    assert context_similarity(ctx, "a", "c", min_shared=1) == pytest.approx(0.0)


@pytest.fixture
def practices_dir(tmp_path):
    d = tmp_path / "practices"
    shutil.copytree(data_dir() / "practices", d)
    return d


def test_tempo_orchestra_transfer_goes_through_understand_adapt_reuse():
    t = next(t for t in load_practices().transfers if (t.origin, t.adopter) == ("amadora", "vantaa"))
    assert [s.stage for s in t.stages] == ["understand", "adapt", "re-use"]
    assert t.stage_reached == "re-use"
    assert all(s.evidence for s in t.stages)
    assert t.stages[1].kept and t.stages[1].adapted and not t.stages[1].dropped


def test_stages_out_of_order_are_refused_with_their_location(practices_dir, edit_yaml):
    f = practices_dir / "transfers.yml"
    edit_yaml(f, lambda raw: raw["transfers"][0]["stages"].reverse())
    with pytest.raises(ConfigError) as exc:
        load_practices(practices_dir)
    msg = str(exc.value)
    assert str(f) in msg and "transfers[0].stages[1].stage" in msg and "in that order" in msg


def test_a_stage_without_evidence_is_refused(practices_dir, edit_yaml):
    f = practices_dir / "transfers.yml"
    edit_yaml(f, lambda raw: raw["transfers"][0]["stages"][0].pop("evidence"))
    with pytest.raises(ConfigError) as exc:
        load_practices(practices_dir)
    assert "transfers[0].stages[0].evidence" in str(exc.value)


def test_a_practice_addressing_an_unknown_criterion_is_refused_with_a_suggestion(practices_dir, edit_yaml):
    f = practices_dir / "catalogue.yml"
    edit_yaml(f, lambda raw: raw["practices"][0].update(addresses=["vulnerable_group"]))
    with pytest.raises(ConfigError) as exc:
        load_practices(practices_dir)
    msg = str(exc.value)
    assert "practices[0].addresses[0]" in msg and "did you mean 'vulnerable_groups'" in msg


def test_an_action_declares_its_target_and_responsible_partner(tmp_path):
    from compare.governance import load_profile

    src = data_dir() / "governance" / "vantaa.yml"
    f = tmp_path / "vantaa.yml"
    raw = yaml.safe_load(src.read_text(encoding="utf-8"))
    raw["actions"][0]["responsible"] = "City of Vantaa, urban development"
    raw["actions"][0]["target"] = {"value": 14.0, "unit": "percent", "by_period": "2020"}
    f.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    a = load_profile(f).actions[0]
    assert a.responsible == "City of Vantaa, urban development"
    assert (a.target.value, a.target.unit, a.target.by_period) == (14.0, "percent", "2020")

    raw["actions"][0]["target"] = {"value": "lots"}
    f.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_profile(f)
    assert str(f) in str(exc.value) and "actions[0].target.value" in str(exc.value)
