import warnings

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.evaluation import EvaluationWarning, SyntheticControl, simplex_weights

# Abadie & Gardeazabal (2003) as in R Synth's / pysyncon's Basque example
BASQUE_SPEC = {
    "predictors": [
        "school.illit",
        "school.prim",
        "school.med",
        "school.high",
        "school.post.high",
        "invest",
    ],
    "predictors_op": "mean",
    "predictor_periods": range(1964, 1970),
    "special_predictors": [
        ("gdpcap", range(1960, 1970), "mean"),
        ("sec.agriculture", range(1961, 1970, 2), "mean"),
        ("sec.energy", range(1961, 1970, 2), "mean"),
        ("sec.industry", range(1961, 1970, 2), "mean"),
        ("sec.construction", range(1961, 1970, 2), "mean"),
        ("sec.services.venta", range(1961, 1970, 2), "mean"),
        ("sec.services.nonventa", range(1961, 1970, 2), "mean"),
        ("popdens", 1969, "mean"),
    ],
    "optimize_periods": range(1960, 1970),
}
BASQUE_FIT = {
    "treated": 17,
    "start": 1970,
    "outcome": "gdpcap",
    "unit": "regionno",
    "time": "year",
    "donors": [*range(2, 17), 18],
}


@pytest.fixture(scope="module")
def basque_fit(basque):
    return SyntheticControl(**BASQUE_SPEC, placebo=False).fit(basque, **BASQUE_FIT)


def test_basque_weights_match_the_published_synthetic_control(basque_fit, basque):
    names = basque.drop_duplicates("regionno").set_index("regionno")["regionname"]
    w = basque_fit.weights_.rename(names)
    assert round(w["Cataluna"], 4) == 0.8508
    assert round(w["Madrid (Comunidad De)"], 4) == 0.1492
    assert w.drop(["Cataluna", "Madrid (Comunidad De)"]).max() < 1e-4
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert basque_fit.v_.sum() == pytest.approx(1.0)


def test_basque_path_shows_the_gdp_gap_after_1970(basque_fit):
    res = basque_fit.result_
    path = res.path.set_index("time")
    assert res.pre_rmspe < 0.1  # close pre-period fit (GDP per capita in 1986 USD thousands)
    assert res.estimate < -0.4  # the Basque Country falls behind its synthetic control
    assert path.loc[1990, "gap"] < path.loc[1970, "gap"]
    assert res.predictors.loc["special.gdpcap.1960-1969", "synthetic"] == pytest.approx(
        res.predictors.loc["special.gdpcap.1960-1969", "treated"], abs=0.05
    )


def test_basque_placebo_in_space_ranks_the_treated_ratio(basque):
    # V of the treated fit reused for the placebos (fast variant)
    sc = SyntheticControl(**BASQUE_SPEC, placebo_v="fixed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        res = sc.fit(basque, **BASQUE_FIT).result_
    stats = res.placebo_stats
    assert len(stats) == 17 and stats["is_treated"].sum() == 1
    ratio = stats.loc[stats["is_treated"], "ratio"].iloc[0]
    assert res.p_value_placebo == pytest.approx((stats["ratio"] >= ratio).mean())
    assert 0 < res.p_value_placebo <= 1
    assert set(res.placebo["unit"]) == {17, *range(2, 17), 18}


def _toy(effect=2.0, n_pre=8, n_post=4, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_pre + n_post)
    donors = {f"d{j}": 5 + j * 0.5 + (0.2 + 0.05 * j) * t + rng.normal(0, 0.02, len(t)) for j in range(8)}
    treated = 0.3 * donors["d1"] + 0.7 * donors["d6"] + effect * (t >= n_pre)
    series = {**donors, "x": treated}
    rows = [(u, i, v) for u, ys in series.items() for i, v in zip(t, ys, strict=True)]
    return pd.DataFrame(rows, columns=["unit", "t", "y"])


def test_recovers_a_known_convex_combination_and_effect():
    sc = SyntheticControl().fit(_toy(), treated="x", start=8, outcome="y", unit="unit", time="t")
    assert sc.weights_[["d1", "d6"]].sum() > 0.95
    assert sc.result_.estimate == pytest.approx(2.0, abs=0.05)
    # with refitted placebos, nobody has a larger post/pre ratio than a unit with a real effect
    assert sc.result_.p_value_placebo == pytest.approx(1 / 9)


def test_no_effect_gives_a_high_placebo_p_value():
    sc = SyntheticControl().fit(_toy(effect=0.0), treated="x", start=8, outcome="y", unit="unit", time="t")
    assert abs(sc.result_.estimate) < 0.05
    assert sc.result_.p_value_placebo > 0.1


def test_summary_lists_weights_and_rmspe(basque_fit):
    text = basque_fit.result_.summary()
    assert "Donor weights" in text and "0.8508" in text and "RMSPE" in text


def test_simplex_weights_are_a_convex_combination():
    rng = np.random.default_rng(1)
    X0 = rng.normal(size=(5, 12))
    w = simplex_weights(rng.normal(size=5) * 3, X0)
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0, abs=1e-9)


def test_small_donor_pool_and_short_pre_period_warn():
    df = _toy(n_pre=1)
    df = df[df["unit"].isin(["x", "d0", "d1"])]
    with pytest.warns(EvaluationWarning) as rec:
        SyntheticControl(placebo=False).fit(df, treated="x", start=1, outcome="y", unit="unit", time="t")
    text = " ".join(str(w.message) for w in rec)
    assert "comparison group is too small: 2 donor units" in text
    assert "fewer than two periods (1)" in text


def test_treated_unit_with_gaps_is_rejected():
    df = _toy()
    df.loc[(df["unit"] == "x") & (df["t"] == 3), "y"] = np.nan
    with pytest.raises(DataError, match="complete series"):
        SyntheticControl().fit(df, treated="x", start=8, outcome="y", unit="unit", time="t")


def test_unknown_v_option_is_a_config_error():
    with pytest.raises(ConfigError, match="v="):
        SyntheticControl(v="best").fit(_toy(), treated="x", start=8, outcome="y", unit="unit", time="t")
