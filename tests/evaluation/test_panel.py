import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from compare.errors import ConfigError, DataError
from compare.evaluation import (
    EvaluationWarning,
    action_panel,
    as_action,
    evaluate_action,
    evaluate_actions,
    group_share_outcome,
)
from compare.model import GroupDefinition


@dataclass(frozen=True)
class GovernanceLikeAction:
    """Stand-in with the governance helper's attributes (the real class is not imported)."""

    id: str
    name: str
    target_areas: tuple
    start_period: str
    end_period: str | None = None


def _outcome(
    n_areas=12,
    years=range(2012, 2018),
    effect=-0.02,
    targets=("a0", "a1", "a2"),
    start=2015,
    seed=0,
    half_years=False,
):
    rng = np.random.default_rng(seed)
    rows = []
    periods = [f"{y}-H{h}" for y in years for h in (1, 2)] if half_years else [str(y) for y in years]
    for i in range(n_areas):
        base = 0.05 + 0.01 * i
        for k, p in enumerate(periods):
            y = base + 0.002 * k + rng.normal(0, 0.001)
            if f"a{i}" in targets and p >= str(start):
                y += effect
            rows.append(("vantaa", f"a{i}", p, y))
    return pd.DataFrame(rows, columns=["city", "area_id", "period", "value"])


ACTION = {
    "id": "hub",
    "name": "Neighbourhood hub",
    "target_areas": ["a0", "a1", "a2"],
    "start_period": "2015",
    "end_period": "2017",
}


def test_action_panel_marks_targets_post_and_event_time():
    panel = action_panel(_outcome(), ACTION, city="vantaa")
    assert set(panel.columns) >= {"treated", "first_treat", "post", "treat", "event_time"}
    a0 = panel[panel["area_id"] == "a0"].set_index("period")
    assert a0.loc["2014", "treat"] == False  # noqa: E712
    assert a0.loc["2015", "treat"] == True  # noqa: E712
    assert a0["event_time"].tolist() == [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0]
    comp = panel[~panel["treated"]]
    assert comp["first_treat"].isna().all() and not comp["treat"].any()
    assert comp.loc[comp["period"] == "2016", "post"].all()
    assert panel.attrs["caveats"] == []


def test_governance_objects_and_dicts_give_the_same_panel():
    obj = GovernanceLikeAction("hub", "Neighbourhood hub", ("a0", "a1", "a2"), "2015", "2017")
    a = action_panel(_outcome(), obj)
    b = action_panel(_outcome(), ACTION)
    pd.testing.assert_frame_equal(a, b)


def test_half_year_start_with_annual_outcome_treats_from_the_next_year():
    act = {**ACTION, "start_period": "2015-H1"}
    panel = action_panel(_outcome(), act)
    assert panel.loc[panel["treated"], "first_treat"].unique().tolist() == ["2016"]


def test_chosen_comparison_set_and_small_group_warning():
    with pytest.warns(EvaluationWarning, match="comparison group is too small: 3 comparison areas"):
        panel = action_panel(_outcome(), ACTION, comparison=["a5", "a6", "a7"])
    assert sorted(panel["area_id"].unique()) == ["a0", "a1", "a2", "a5", "a6", "a7"]
    assert any("too small" in c for c in panel.attrs["caveats"])


def test_short_pre_period_warns():
    with pytest.warns(EvaluationWarning, match="fewer than two periods"):
        action_panel(_outcome(), {**ACTION, "start_period": "2013"})


def test_unknown_target_area_names_the_action_and_area():
    with pytest.raises(DataError, match="action 'hub': target area"):
        action_panel(_outcome(), {**ACTION, "target_areas": ["a0", "zz"]})


def test_comparison_overlapping_targets_is_a_config_error():
    with pytest.raises(ConfigError, match="also target areas"):
        action_panel(_outcome(), ACTION, comparison=["a0", "a5"])


def test_bad_start_period_and_missing_keys_are_config_errors():
    with pytest.raises(ConfigError, match="not a period label"):
        as_action({**ACTION, "start_period": "spring 2015"})
    with pytest.raises(ConfigError, match="target_areas"):
        as_action({"id": "x", "start_period": "2015"})


def test_several_cities_need_a_city():
    out = pd.concat([_outcome(), _outcome().assign(city="espoo")])
    with pytest.raises(ConfigError, match="pass city="):
        action_panel(out, ACTION)
    assert action_panel(out, ACTION, city="espoo")["city"].eq("espoo").all()


def test_evaluate_action_uses_twfe_and_event_study_for_one_start():
    ev = evaluate_action(_outcome(), ACTION)
    assert ev.method == "twfe"
    assert ev.estimate == pytest.approx(-0.02, abs=0.002)
    lo, hi = ev.conf_int
    assert lo < -0.02 < hi
    es = ev.event_study.set_index("event_time")
    assert es.loc[-1, "estimate"] == 0.0
    assert es.loc[[0, 1, 2], "estimate"].to_numpy() == pytest.approx([-0.02] * 3, abs=0.002)
    assert ev.info["pretrend_p"] > 0.05
    assert ev.caveats == []
    assert "Action 'hub'" in ev.summary()


def test_evaluate_action_uses_the_2x2_did_with_two_periods():
    with pytest.warns(EvaluationWarning, match="fewer than two periods"):
        ev = evaluate_action(_outcome(years=range(2014, 2016)), ACTION)
    assert ev.method == "did_2x2"
    assert ev.estimate == pytest.approx(-0.02, abs=0.002)
    assert ev.result.means.shape == (3, 3)
    assert any("fewer than two periods (1)" in c for c in ev.caveats)


def test_evaluate_action_uses_callaway_santanna_for_staggered_starts():
    out = _outcome(targets=("a0", "a1", "a2", "a3"), start=2014)
    act = {
        "id": "hubs",
        "name": "Hubs",
        "target_areas": ["a0", "a1", "a2", "a3"],
        "start_period": {"a0": "2014", "a1": "2014", "a2": "2016", "a3": "2016"},
    }
    # areas a2, a3 get the effect from 2014 in the data but start in 2016 in the action: their
    # pre-period cells 2014-2015 show the "effect" -> diverging pre-trends
    with pytest.warns(EvaluationWarning, match="Pre-trends differ"):
        ev = evaluate_action(out, act)
    assert ev.method == "callaway_santanna"
    att = ev.result.att_gt.set_index(["group", "time"])["att"]
    assert att.loc[("2014", "2014")] == pytest.approx(-0.02, abs=0.003)
    assert ev.event_study["event_time"].min() < 0


def test_single_target_area_gets_the_single_cluster_caveat_and_synth_runs():
    act = {**ACTION, "target_areas": ["a5"]}  # inside the donors' range (a0 is not)
    out = _outcome(targets=("a5",))
    with pytest.warns(EvaluationWarning, match="Only one target area"):
        ev = evaluate_action(out, act)
    sc = evaluate_action(out, act, method="synth")
    assert sc.method == "synthetic_control"
    assert sc.estimate == pytest.approx(-0.02, abs=0.005)
    assert sc.result.p_value_placebo == pytest.approx(1 / 12)
    assert not any("fits the pre-period poorly" in c for c in sc.caveats)
    assert ev.estimate == pytest.approx(sc.estimate, abs=0.005)


def test_half_year_panels_work_end_to_end():
    out = _outcome(half_years=True, years=range(2014, 2018), start="2016-H1")
    ev = evaluate_action(out, {**ACTION, "start_period": "2016-H1"})
    assert ev.estimate == pytest.approx(-0.02, abs=0.002)
    assert ev.event_study["event_time"].min() == -4


def test_evaluate_actions_returns_one_row_per_action():
    acts = [ACTION, {**ACTION, "id": "other", "target_areas": ["a8", "a9", "a10"]}]
    results, table = evaluate_actions(_outcome(), acts)
    assert list(results) == ["hub", "other"]
    # the other action's targets are left out of each comparison group: no contamination
    assert table["estimate"].to_numpy() == pytest.approx([-0.02, 0.0], abs=0.002)
    assert sorted(results["other"].panel["area_id"].unique()) == sorted({f"a{i}" for i in range(3, 12)})
    assert "targeted by other actions" in results["other"].caveats[-1]
    # with the whole rest of the city as comparison the treated areas a0-a2 bias the estimate
    contaminated = evaluate_action(_outcome(), acts[1])
    assert contaminated.estimate == pytest.approx(0.02 * 3 / 9, abs=0.002)


def test_unknown_method_is_a_config_error():
    with pytest.raises(ConfigError, match="method"):
        evaluate_action(_outcome(), ACTION, method="rdd")


def test_group_share_outcome_divides_group_by_total():
    pop = pd.DataFrame(
        {
            "city": "x",
            "area_id": ["1", "1", "2", "2"],
            "period": "2015",
            "variable": ["u", "lf"] * 2,
            "count": [2.0, 10.0, 1.0, 0.0],
            "vintage": "v",
        }
    )
    out = group_share_outcome(pop, GroupDefinition("u", group="u", total="lf"))
    assert out["value"].iloc[0] == 0.2
    assert np.isnan(out["value"].iloc[1])


# ---- real data ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vantaa_unemployment():
    from compare.model import DEFAULT_GROUP_DEFINITIONS
    from compare.sources import load_network

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = load_network("helsinki-berlin", cities=["vantaa"])
    out = group_share_outcome(net.population, DEFAULT_GROUP_DEFINITIONS["unemployment"])
    return out[out["period"].between("2012", "2016")].dropna(subset=["value"])


#: TEST FIXTURE, NOT A CLAIM: a hypothetical action in three Vantaa postal areas starting in
#: 2014, used only to show that the pipeline runs on a real outcome.
HYPOTHETICAL_ACTION = {
    "id": "test-fixture-hypothetical",
    "name": "Hypothetical test action",
    "target_areas": ["01300", "01350", "01360"],
    "start_period": "2014",
}


@pytest.mark.slow
def test_evaluate_action_runs_on_vantaa_unemployment_shares(vantaa_unemployment):
    out = vantaa_unemployment
    assert out["period"].nunique() == 5 and out["area_id"].nunique() >= 30
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        ev = evaluate_action(out, HYPOTHETICAL_ACTION, city="vantaa")
    assert ev.method == "twfe"
    assert ev.info["n_target_areas"] == 3 and ev.info["n_comparison"] >= 30
    # cross-check against an independent dummy-variable TWFE regression on the same panel
    p = ev.panel.dropna(subset=["value"]).assign(D=lambda d: d["treat"].astype(float))
    lsdv = smf.ols("value ~ D + C(area_id) + C(period)", p).fit()
    assert ev.estimate == pytest.approx(lsdv.params["D"], rel=1e-9)
    es = ev.event_study.set_index("event_time")
    assert list(es.index) == [-2, -1, 0, 1, 2]
    assert np.isfinite(ev.std_error) and ev.conf_int[0] < ev.estimate < ev.conf_int[1]
    assert isinstance(ev.caveats, list)
    # staggered variant of the same hypothetical action
    stag = {**HYPOTHETICAL_ACTION, "start_period": {"01300": "2014", "01350": "2014", "01360": "2015"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        ev2 = evaluate_action(out, stag, city="vantaa", n_bootstrap=99)
    assert ev2.method == "callaway_santanna"
    assert set(ev2.result.att_gt["group"]) == {"2014", "2015"}


def test_synth_flags_a_treated_area_outside_the_donor_range():
    act = {**ACTION, "target_areas": ["a0"]}  # lowest level of all areas
    with pytest.warns(EvaluationWarning, match="fits the pre-period poorly"):
        evaluate_action(_outcome(targets=("a0",)), act, method="synth", synth_options={"placebo": False})


def test_importing_evaluation_pulls_in_neither_governance_nor_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, compare.evaluation; "
        "print([m for m in ('compare.governance', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
