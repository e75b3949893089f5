import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from compare.errors import ConfigError, DataError
from compare.evaluation import TWFE, EvaluationWarning, EventStudy, event_study, twfe


def _panel(n_treated=10, n_control=20, periods=8, start=5, effect=(1.0, 2.0, 3.0), pre_trend=0.0, seed=0):
    """Simulated area panel: treated areas start at ``start``; dynamic effects by event time."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_treated + n_control):
        is_t = u < n_treated
        alpha = rng.normal(0, 1)
        for t in range(periods):
            e = t - start
            y = alpha + 0.3 * t + rng.normal(0, 0.05)
            if is_t and e >= 0:
                y += effect[min(e, len(effect) - 1)]
            if is_t:
                y += pre_trend * t
            rows.append((f"u{u}", t, y, start if is_t else np.nan))
    return pd.DataFrame(rows, columns=["unit", "t", "y", "g"])


COLS = {"outcome": "y", "unit": "unit", "time": "t", "cohort": "g"}


def test_twfe_equals_the_2x2_did_on_a_balanced_two_period_panel(card_krueger):
    # Card & Krueger balanced sample (Table 3 row 4): DiD 2.75
    d = card_krueger.dropna(subset=["fte", "fte2"])
    long = pd.concat(
        [
            pd.DataFrame({"store": d["store"], "t": 0, "y": d["fte"], "g": np.where(d["state"], 1, 0)}),
            pd.DataFrame({"store": d["store"], "t": 1, "y": d["fte2"], "g": np.where(d["state"], 1, 0)}),
        ]
    )
    with pytest.warns(EvaluationWarning, match="fewer than two periods"):
        res = twfe(long, outcome="y", unit="store", time="t", cohort="g")
    assert round(res.estimate, 2) == 2.75
    assert res.info["n_treated"] == 309 and res.info["n_comparison"] == 75


def test_twfe_matches_dummy_variable_regression_with_fixest_style_small_sample_correction():
    panel = _panel(seed=3)
    panel["D"] = ((panel["g"].notna()) & (panel["t"] >= panel["g"])).astype(float)
    lsdv = smf.ols("y ~ D + C(unit) + C(t)", panel).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["unit"])[0]}
    )
    res = TWFE().fit(panel, **COLS).result_
    assert res.estimate == pytest.approx(lsdv.params["D"], rel=1e-10)
    # same cluster score; only the (N-1)/(N-K) factor differs: K counts the unit dummies in
    # the LSDV fit, not in ours (they are nested in the clusters)
    n = len(panel)
    k_lsdv, k_within = lsdv.df_model + 1, res.model.df_model
    ratio = np.sqrt((n - k_lsdv) / (n - k_within))
    assert res.std_error == pytest.approx(lsdv.bse["D"] * ratio, rel=1e-8)


def test_event_study_recovers_dynamic_effects_and_flat_leads():
    panel = _panel(effect=(1.0, 2.0, 3.0))
    est = EventStudy().fit(panel, **COLS)
    coef = est.coef_
    assert coef.loc[-1] == 0.0
    assert coef.loc[[-5, -4, -3, -2]].abs().max() < 0.05
    assert coef.loc[0] == pytest.approx(1.0, abs=0.05)
    assert coef.loc[1] == pytest.approx(2.0, abs=0.05)
    assert coef.loc[2] == pytest.approx(3.0, abs=0.05)
    assert est.result_.estimate == pytest.approx(2.0, abs=0.05)  # mean of e = 0, 1, 2
    assert est.result_.pretrend["p_value"] > 0.05
    assert est.result_.caveats == []


def test_diverging_pre_trends_warn_and_are_recorded():
    panel = _panel(pre_trend=0.2)
    with pytest.warns(EvaluationWarning, match="Pre-trends differ"):
        res = event_study(panel, **COLS)
    assert res.pretrend["p_value"] < 0.001
    assert any(c.startswith("Pre-trends differ") for c in res.caveats)


def test_small_comparison_group_and_short_pre_period_warn():
    panel = _panel(n_control=3, periods=4, start=1)
    with pytest.warns(EvaluationWarning) as record:
        res = twfe(panel, **COLS)
    messages = [str(w.message) for w in record]
    assert any("comparison group is too small: 3" in m for m in messages)
    assert any("fewer than two periods (1)" in m for m in messages)
    assert len(res.caveats) == 2


def test_staggered_starts_warn_under_twfe():
    panel = _panel()
    panel.loc[panel["unit"].isin(["u0", "u1"]), "g"] = 3
    with pytest.warns(EvaluationWarning, match="staggered adoption"):
        twfe(panel, **COLS)


def test_window_bins_far_event_times():
    panel = _panel()
    res = event_study(panel, window=(-2, 1), **COLS)
    assert res.event_study["event_time"].tolist() == [-2, -1, 0, 1]
    # the lag end point pools e = 1, 2 (effects 2 and 3)
    assert res.event_study.set_index("event_time").loc[1, "estimate"] == pytest.approx(2.5, abs=0.1)


def test_string_period_labels_are_ordered_in_time():
    panel = _panel(periods=6, start=3)
    labels = {t: f"{2014 + t // 2}-H{t % 2 + 1}" for t in range(6)}
    panel["period"] = panel["t"].map(labels)
    panel["start"] = panel["g"].map(lambda g: labels.get(g) if g == g else None)
    a = twfe(panel, outcome="y", unit="unit", time="period", cohort="start")
    b = twfe(panel, **COLS)
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12)


def test_event_study_without_comparison_units_is_rejected():
    panel = _panel(n_control=0)
    with pytest.raises(DataError, match="no never-treated unit"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            event_study(panel, **COLS)


def test_bad_window_is_a_config_error():
    with pytest.raises(ConfigError, match="window"):
        event_study(_panel(), window=(-1, 2), **COLS)


def test_duplicate_unit_period_rows_are_rejected():
    panel = _panel()
    with pytest.raises(DataError, match="several rows for period"):
        twfe(pd.concat([panel, panel.iloc[[0]]]), **COLS)


def test_exactly_parallel_pre_periods_give_no_spurious_pretrend_warning():
    rows = [
        (u, t, float(u + t - (u < 3 and t >= 4)), 4 if u < 3 else np.nan) for u in range(12) for t in range(7)
    ]
    panel = pd.DataFrame(rows, columns=["unit", "t", "y", "g"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", EvaluationWarning)
        res = event_study(panel, **COLS)
    assert res.pretrend["p_value"] == 1.0
    assert res.estimate == pytest.approx(-1.0)
