import warnings

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.evaluation import CallawaySantAnna, EvaluationWarning, att_gt

COLS = {"outcome": "lemp", "unit": "countyreal", "time": "year", "cohort": "first.treat"}

# R `did` 2.x, vignette "Getting started" (mpdta, never-treated comparison, no covariates,
# base_period = "varying"): ATT(g,t) to 4 decimals
R_ATT_GT = {
    (2004, 2004): -0.0105,
    (2004, 2005): -0.0704,
    (2004, 2006): -0.1373,
    (2004, 2007): -0.1008,
    (2006, 2004): 0.0065,
    (2006, 2005): -0.0028,
    (2006, 2006): -0.0046,
    (2006, 2007): -0.0412,
    (2007, 2004): 0.0305,
    (2007, 2005): -0.0027,
    (2007, 2006): -0.0311,
    (2007, 2007): -0.0261,
}
R_DYNAMIC = {-3: 0.0305, -2: -0.0006, -1: -0.0245, 0: -0.0199, 1: -0.0510, 2: -0.1373, 3: -0.1008}


@pytest.fixture(scope="module")
def fitted(mpdta):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        return CallawaySantAnna(random_state=42).fit(mpdta, **COLS)


def test_group_time_atts_match_r_did(fitted):
    table = fitted.att_gt_.set_index(["group", "time"])["att"]
    assert len(table) == 12
    for key, value in R_ATT_GT.items():
        assert round(table.loc[key], 4) == value, key


def test_simple_aggregation_matches_r_did(fitted):
    res = fitted.result_
    assert round(res.estimate, 4) == -0.0400
    assert round(res.std_error, 3) == 0.012
    lo, hi = res.conf_int
    assert lo < res.estimate < hi < 0


def test_dynamic_aggregation_matches_r_did(fitted):
    es = fitted.result_.event_study.set_index("event_time")["estimate"]
    for e, value in R_DYNAMIC.items():
        assert round(es.loc[e], 4) == value, e
    assert round(fitted.result_.info["dynamic_average"], 4) == -0.0772


def test_group_aggregation_matches_r_did(fitted):
    grp = fitted.result_.aggregations["group"].set_index("term")["estimate"].round(4)
    assert grp.to_dict() == {
        "g=2004": -0.0797,
        "g=2006": -0.0229,
        "g=2007": -0.0261,
        "average": -0.031,
    }


def test_pretest_of_parallel_trends_matches_r_did(fitted):
    # R did: "P-value for pre-test of parallel trends assumption: 0.16812"
    assert round(fitted.result_.pretrend["p_value"], 4) == 0.1681
    assert fitted.result_.pretrend["df"] == 5


def test_influence_function_se_of_a_cell_is_the_two_sample_se(mpdta, fitted):
    # ATT(2004, 2004): mean change 2003 -> 2004 of cohort 2004 minus that of never-treated
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    g = mpdta.groupby("countyreal")["first.treat"].first()
    dy = wide[2004] - wide[2003]
    a, b = dy[g == 2004], dy[g == 0]
    se = np.sqrt(a.var(ddof=0) / len(a) + b.var(ddof=0) / len(b))
    row = fitted.att_gt_.query("group == 2004 and time == 2004").iloc[0]
    assert row["att"] == pytest.approx(a.mean() - b.mean(), rel=1e-12)
    assert row["std_error"] == pytest.approx(se, rel=1e-12)


def test_uniform_band_is_wider_than_pointwise_interval(fitted):
    t = fitted.att_gt_
    assert 1.96 < fitted.result_.crit_value < 3.5
    assert (t["band_high"] - t["band_low"] > t["conf_high"] - t["conf_low"]).all()


def test_bootstrap_is_reproducible_with_a_seed(mpdta):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        a = att_gt(mpdta, random_state=7, n_bootstrap=200, **COLS).crit_value
        b = att_gt(mpdta, random_state=7, n_bootstrap=200, **COLS).crit_value
    assert a == b


def test_not_yet_treated_comparison_changes_early_cells_only(mpdta, fitted):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        ny = att_gt(mpdta, control_group="notyet", n_bootstrap=0, **COLS)
    a = ny.att_gt.set_index(["group", "time"])
    b = fitted.att_gt_.set_index(["group", "time"])
    # in 2007 nobody is still untreated except the never-treated: same comparison group
    assert a.loc[(2007, 2007), "att"] == pytest.approx(b.loc[(2007, 2007), "att"], rel=1e-12)
    assert a.loc[(2004, 2004), "n_control"] > b.loc[(2004, 2004), "n_control"]
    assert a.loc[(2004, 2004), "att"] != pytest.approx(b.loc[(2004, 2004), "att"], rel=1e-6)


def test_no_effect_in_parallel_data_gives_zero_att():
    rows = [(u, t, 0.5 * t + u, g) for u, g in enumerate([0] * 6 + [2] * 3 + [3] * 3) for t in range(5)]
    panel = pd.DataFrame(rows, columns=["u", "t", "y", "g"])
    res = att_gt(panel, outcome="y", unit="u", time="t", cohort="g", n_bootstrap=0)
    assert np.allclose(res.att_gt["att"], 0.0)
    assert res.estimate == pytest.approx(0.0, abs=1e-12)


def test_units_with_gaps_and_units_treated_from_the_start_are_dropped_with_warnings(mpdta):
    d = mpdta.copy()
    d.loc[0, "lemp"] = np.nan
    d.loc[d["countyreal"] == d["countyreal"].iloc[10], "first.treat"] = 2003
    with pytest.warns(EvaluationWarning) as rec:
        res = att_gt(d, n_bootstrap=0, **COLS)
    text = " ".join(str(w.message) for w in rec)
    assert "dropped to keep the panel balanced" in text
    assert "already treated in the first period" in text
    assert res.info["n_units"] == 498


def test_never_control_without_never_treated_units_is_an_error():
    rows = [(u, t, float(t), g) for u, g in enumerate([2, 2, 3, 3]) for t in range(4)]
    panel = pd.DataFrame(rows, columns=["u", "t", "y", "g"])
    with pytest.raises(DataError, match="control_group='notyet'"):
        att_gt(panel, outcome="y", unit="u", time="t", cohort="g", n_bootstrap=0)


def test_unknown_control_group_is_a_config_error(mpdta):
    with pytest.raises(ConfigError, match="control_group"):
        att_gt(mpdta, control_group="all", **COLS)
