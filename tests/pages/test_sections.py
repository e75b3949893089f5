"""City report sections: built lazily from one CityData, each rendering itself."""

from __future__ import annotations

import warnings

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def berlin():
    from compare.pages.city import load_city

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_city("helsinki-berlin", "berlin")


def _fresh():
    from compare.pages.city import load_city

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_city("helsinki-berlin", "vantaa")


def test_load_city_computes_nothing_a_section_does_not_ask_for():
    from compare.pages.model_section import ModelSection

    a = _fresh()
    # profiles are read and checked against the data at load (inputs checked where they enter); nothing else
    assert "profiles" in vars(a)
    assert not {"panel", "local", "local_map", "disadvantage", "_effects"} & set(vars(a))
    ModelSection(a).table()
    done = set(vars(a))
    assert "profiles" in done and not {"panel", "local", "local_map", "disadvantage", "_effects"} & done
    first = a.panel
    assert a.panel is first  # computed once
    assert "local_map" not in vars(a)


def test_every_section_renders_itself_with_tables_and_figures(berlin):
    from compare.pages import assessment as A

    sections = [
        A.ModelSection(berlin),
        A.IndexSection(berlin, "dissimilarity"),
        A.MapsSection(berlin),
        A.OutcomesSection(berlin),
        A.PracticesSection(berlin, "given"),
        A.EffectsSection(berlin),
        A.SourcesSection(berlin),
    ]
    for s in sections:
        html = s._repr_html_()
        assert html and "<script" not in html, type(s).__name__
        assert repr(s) == f"<{type(s).__name__} of Berlin>"
    assert A.IndexSection(berlin).table().equals(A.index_table(berlin, "dissimilarity"))
    assert "data:image/png;base64," in A.IndexSection(berlin)._repr_html_()
    assert A.MapsSection(berlin)._repr_html_().count("data:image/png;base64,") >= 3


def test_a_city_without_a_profile_gets_sentences_not_empty_tables(berlin):
    from compare.pages.city import CityData
    from compare.pages.model_section import ModelSection
    from compare.pages.outcomes_section import OutcomesSection

    a = CityData(berlin.network, "berlin", berlin.peers, berlin.periods)
    a.__dict__["profiles"] = {}  # as if the network file named no governance_profile
    html = ModelSection(a).overview().data
    assert "No governance profile exists for Berlin" in html and "<table" not in html
    assert "<table" not in ModelSection(a).score_table().data
    out = OutcomesSection(a).show_table().data
    assert "No covered-vs-rest comparison for Berlin: it has no governance profile." in out


def test_practices_section_says_when_the_catalogue_has_none(berlin):
    from compare.pages.practices_section import PracticesSection

    s = PracticesSection(berlin, "adopted")
    if s.table().empty:
        assert "records no practice Berlin adopted" in s._repr_html_()
    assert isinstance(s.table(), pd.DataFrame)


def test_sections_equal_the_functions_the_notebook_used(berlin):
    from compare.pages import assessment as A

    assert A.ModelSection(berlin).table().equals(A.model_overview(berlin))
    assert A.OutcomesSection(berlin).table().equals(A.outcomes_table(berlin))
    assert A.SourcesSection(berlin).table().equals(A.data_sources(berlin))


def test_the_action_table_baseline_is_the_pooled_share_before_the_start():
    from compare.model import group_table
    from compare.pages.action_plan_section import action_plan_table

    a = _fresh()
    t = action_plan_table(a).set_index("action_id")
    row = t.loc["lansimaki-development"]  # starts 2013, targets 01280, outcome low_income
    assert row["baseline_period"] == "2012"
    tab = group_table(a._city_pop, a.network.group_definitions["low_income"]).reset_index()
    base = tab[(tab["period"] == "2012") & (tab["area_id"] == "01280")]
    assert row["baseline_target_areas"] == round(100 * base["group"].sum() / base["total"].sum(), 2)
    city = tab[tab["period"] == "2012"].dropna(subset=["group", "total"])
    assert row["baseline_city"] == round(100 * city["group"].sum() / city["total"].sum(), 2)
    assert row["target"] == "not declared in the profile"
    # an action that starts before the data has no baseline, and says so
    assert t.loc["tempo-orchestras", "baseline_period"].startswith("none before the start (2009-H2)")


def test_the_action_tables_latest_value_stays_on_the_baselines_boundaries(berlin):
    from compare.pages.action_plan_section import action_plan_table

    t = action_plan_table(berlin)
    vintage = berlin._city_pop.drop_duplicates("period").set_index("period")["vintage"]
    for r in t.itertuples():
        if r.baseline_period in vintage.index:
            assert vintage[r.latest_period] == vintage[r.baseline_period], r.action_id
            assert r.latest_target_areas == r.latest_target_areas  # not NaN: the targets have counts there
