"""Effects of local actions as the city report computes them (synthetic cities, fast)."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

from compare.evaluation import EvaluationWarning, evaluate_action
from compare.governance import LocalAction
from compare.model import GroupDefinition
from compare.pages.effects import (
    ASSOCIATION_CAVEAT,
    boundary_segments,
    effects_table,
    evaluate_profile_actions,
    plot_action_effect,
    share_outcome,
)

matplotlib.use("Agg")

UNEMP = GroupDefinition("unemployment", group="unemployed", total="labour_force")
INCOME = GroupDefinition("low_income", group="income_low", total="adults")


def _population(ids, periods, *, effect_areas=(), effect_from="2015", effect=-0.02, vintage="v1", seed=0):
    """Long population table: unemployment and low income shares with a known effect."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, a in enumerate(ids):
        base = 0.05 + 0.004 * i
        for p in periods:
            t = int(p[:4]) - 2012
            share = base + 0.002 * t + rng.normal(0, 0.0005)
            if a in effect_areas and p >= effect_from:
                share += effect
            lf = 1000.0
            rows += [
                ("x", a, p, "unemployed", share * lf, vintage),
                ("x", a, p, "labour_force", lf, vintage),
                ("x", a, p, "income_low", 200.0 + i, vintage),
                ("x", a, p, "adults", 1000.0, vintage),
            ]
    return pd.DataFrame(rows, columns=["city", "area_id", "period", "variable", "count", "vintage"])


def _action(id_, targets, start, *, hint=None, confidence="medium", end=None, note=""):
    return LocalAction(
        id=id_,
        name=id_.replace("-", " ").title(),
        city="x",
        target_areas=tuple(targets),
        start_period=start,
        end_period=end,
        outcome_hint=hint,
        confidence=confidence,
        note=note,
    )


def _profile(*actions, start_year=None, area_ids=()):
    return SimpleNamespace(city="x", actions=tuple(actions), start_year=start_year, area_ids=tuple(area_ids))


IDS = [f"{i:05d}" for i in range(20)]
YEARS = [str(y) for y in range(2012, 2018)]


def test_estimate_equals_evaluate_action_on_the_same_outcome_and_recovers_the_effect():
    pop = _population(IDS, YEARS, effect_areas={"00000", "00001", "00002"})
    act = _action("hub", ["00000", "00001", "00002"], "2015", hint="unemployment")
    (eff,) = evaluate_profile_actions(pop, _profile(act), [INCOME, UNEMP])
    assert eff.evaluated and eff.outcome == "unemployment"
    assert "outcome hint" in eff.outcome_choice
    outcome = share_outcome(pop, UNEMP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        direct = evaluate_action(
            outcome,
            {"id": "hub", "name": "Hub", "target_areas": ["00000", "00001", "00002"], "start_period": "2015"},
            city="x",
            comparison=IDS[3:],
        )
    assert eff.estimate == pytest.approx(direct.estimate, rel=1e-12)
    assert eff.conf_int == pytest.approx(direct.conf_int, rel=1e-12)
    assert eff.estimate == pytest.approx(-2.0, abs=0.05)  # percentage points
    assert eff.method == "twfe" and len(eff.comparison) == 17
    assert eff.caveats[-1] == ASSOCIATION_CAVEAT
    row = effects_table([eff]).iloc[0]
    assert row["estimate (pp)"] == round(eff.estimate, 2) and row["comparison areas"] == "17"


def test_without_a_usable_hint_the_first_group_definition_is_the_outcome():
    pop = _population(IDS, YEARS)
    acts = [_action("a", ["00000"], "2015"), _action("b", ["00001"], "2015", hint="foreigners")]
    effs = evaluate_profile_actions(pop, _profile(*acts), [INCOME, UNEMP])
    assert [e.outcome for e in effs] == ["low_income", "low_income"]
    assert "names no outcome" in effs[0].outcome_choice
    assert "'foreigners', which the city does not publish" in effs[1].outcome_choice


def test_other_actions_targets_leave_the_comparison_only_when_treated_within_the_data():
    pop = _population(IDS, YEARS)
    acts = [
        _action("a", ["00000"], "2015"),
        _action("early", ["00001"], "2010"),
        _action("late", ["00002"], "2019"),
    ]
    a, early, late = evaluate_profile_actions(pop, _profile(*acts), [UNEMP])
    assert "00001" not in a.comparison and "00002" in a.comparison
    assert any("other actions are left out" in c for c in a.caveats)
    assert not early.evaluated
    assert early.reason.startswith("The action starts in 2010, before the first period with data (2012)")
    assert not late.evaluated
    assert "after the last period with data (2017)" in late.reason


def test_unknown_target_area_and_missing_start_are_explained_not_raised():
    pop = _population(IDS, YEARS)
    acts = [_action("gone", ["99999"], "2015"), _action("undated", ["00000"], None)]
    gone, undated = evaluate_profile_actions(pop, _profile(*acts), [UNEMP])
    assert not gone.evaluated and "None of the target areas (99999)" in gone.reason
    assert not undated.evaluated and undated.reason == "The profile gives no start period for this action."
    table = effects_table([gone, undated])
    assert table["status"].str.startswith("not evaluated: ").all()
    assert table["estimate (pp)"].isna().all()


def test_low_confidence_record_and_single_pre_period_are_caveats():
    pop = _population(IDS, YEARS)
    act = _action("hub", ["00000", "00001"], "2013", confidence="low", note="dates approximate")
    (eff,) = evaluate_profile_actions(pop, _profile(act, start_year=2010, area_ids=["00005"]), [UNEMP])
    text = " ".join(eff.caveats)
    assert eff.evaluated
    assert "to be verified" in text and "dates approximate" in text
    assert "fewer than two periods" in text
    assert "1 comparison area(s) are covered by the city's area-based model" in text


def test_city_without_actions_has_no_effects():
    assert evaluate_profile_actions(_population(IDS, YEARS), _profile(), [UNEMP]) == []


def _two_vintages():
    old_ids = [f"1002{i:04d}" for i in range(12)] + [f"0101{i:04d}" for i in range(12)]
    old = _population(old_ids, ["2019-H1", "2019-H2", "2020-H1", "2020-H2"], vintage="lor-2006")
    new = _population(["1020", "0110", "0120", "0130"], ["2021-H1", "2021-H2", "2022-H1"], vintage="lor-2021")
    return pd.concat([old, new], ignore_index=True)


def test_action_before_a_boundary_change_uses_only_the_old_boundaries():
    pop = _two_vintages()
    (eff,) = evaluate_profile_actions(pop, _profile(_action("qm", ["10020003"], "2020")), [UNEMP])
    assert eff.evaluated and eff.vintage == "lor-2006"
    assert eff.periods == ["2019-H1", "2019-H2", "2020-H1", "2020-H2"]
    assert any("boundaries change in 2021-H1 (lor-2006 -> lor-2021)" in c for c in eff.caveats)


def test_action_after_a_boundary_change_maps_to_the_forecast_area_and_explains_no_pre_period():
    pop = _two_vintages()
    matches = {"1002": ["1020"], "1020": ["1002"]}
    act = _action("qm-new", ["10020412"], "2021")
    (eff,) = evaluate_profile_actions(pop, _profile(act), [UNEMP], id_matches=matches)
    assert not eff.evaluated and eff.vintage == "lor-2021"
    assert "first period on the lor-2021 boundaries is 2021-H1" in eff.reason
    assert "no period before the start" in eff.reason
    assert "10020412 -> 1020" in eff.reason and "1002 -> 1020" in eff.reason
    # starting in 2021-H2 leaves one pre-period: evaluated on the forecast areas
    (later,) = evaluate_profile_actions(
        pop, _profile(_action("qm-new", ["10020412"], "2021-H2")), [UNEMP], id_matches=matches
    )
    assert later.evaluated and later.target_areas == ["1020"] and len(later.comparison) == 3
    assert "10020412 -> 1020" in later.mapping_note


def test_share_outcome_is_percent_and_drops_areas_ever_below_the_minimum():
    pop = _population(["a", "b"], ["2015", "2016"])
    lf_b_2016 = (pop["area_id"] == "b") & (pop["period"] == "2016") & (pop["variable"] == "labour_force")
    pop.loc[lf_b_2016, "count"] = 50
    out = share_outcome(pop, UNEMP, min_population=100)
    assert set(out["area_id"]) == {"a"}
    a15 = pop[(pop["area_id"] == "a") & (pop["period"] == "2015")].set_index("variable")["count"]
    expected = 100 * a15["unemployed"] / a15["labour_force"]
    assert out.loc[out["period"] == "2015", "value"].iloc[0] == pytest.approx(expected)


def test_boundary_segments_are_runs_of_one_vintage():
    segs = boundary_segments(_two_vintages())
    assert [(v, len(p)) for v, p in segs] == [("lor-2006", 4), ("lor-2021", 3)]


def test_event_study_figure_has_title_labels_units_and_source():
    pop = _population(IDS, YEARS, effect_areas={"00000", "00001"})
    (eff,) = evaluate_profile_actions(pop, _profile(_action("hub", ["00000", "00001"], "2014")), [UNEMP])
    fig = plot_action_effect(eff, city_name="Testville", source="Source: synthetic test data")
    ax = fig.axes[0]
    assert ax.get_title().startswith("Testville: Hub")
    assert "percentage points" in ax.get_ylabel() and "years" in ax.get_xlabel()
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "synthetic test data" in texts and "compare.evaluation" in texts
    (unknown,) = evaluate_profile_actions(pop, _profile(_action("x", ["99"], "2014")), [UNEMP])
    assert plot_action_effect(unknown) is None
