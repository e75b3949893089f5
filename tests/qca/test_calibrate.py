from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.qca import Calibrator, calibrate_crisp, calibrate_direct, calibrate_indirect
from compare.qca.calibrate import calibrate_direct as cd

DATA = Path(__file__).parent / "data"

# Ragin's (2009) anchors for the fuzzy Lipset data (see tests/qca/data/README.md)
RAGIN_LIPSET = {
    "DEV": (400, 550, 900),
    "URB": (25, 50, 65),
    "LIT": (50, 75, 90),
    "IND": (20, 30, 40),
    "STB": (15, 9.5, 5),
    "SURV": (-9, 0, 10),
}
# head(LF) as printed by R (QCA package data set LF), rows AU..FR
HEAD_LF = pd.DataFrame(
    [
        [0.81, 0.12, 0.99, 0.73, 0.43, 0.05],
        [0.99, 0.89, 0.98, 1.00, 0.98, 0.95],
        [0.58, 0.98, 0.98, 0.90, 0.91, 0.89],
        [0.16, 0.07, 0.98, 0.01, 0.91, 0.12],
        [0.58, 0.03, 0.99, 0.08, 0.58, 0.77],
        [0.98, 0.03, 0.99, 0.81, 0.95, 0.95],
    ],
    index=["AU", "BE", "CZ", "EE", "FI", "FR"],
    columns=list(RAGIN_LIPSET),
)


def test_direct_method_anchors_map_to_ragin_log_odds():
    m = calibrate_direct([2500, 5000, 20000], 2500, 5000, 20000)
    assert m == pytest.approx([1 / (1 + np.exp(3)), 0.5, 1 / (1 + np.exp(-3))])


def test_direct_method_ragin_income_example():
    inc = pd.read_csv(DATA / "ragin_income.csv")["income"].to_numpy()
    m = calibrate_direct(inc, 2500, 5000, 20000)
    # Ragin (2008) Table 5.2 logic: 25200 is 20200 above the crossover, scalar 3/15000
    assert m[2] == pytest.approx(1 / (1 + np.exp(-20200 * 3 / 15000)))
    # 4670 is 330 below the crossover, scalar 3/2500
    assert m[13] == pytest.approx(1 / (1 + np.exp(330 * 3 / 2500)))
    assert np.all(np.diff(m) <= 0)  # incomes are sorted decreasing
    assert (m > 0.5).sum() == 13


def test_direct_calibration_of_lipset_raw_data_reproduces_r_qca_lf(LR):
    got = pd.DataFrame(
        {c: np.round(cd(LR.loc[HEAD_LF.index, c], *a), 2) for c, a in RAGIN_LIPSET.items()},
        index=HEAD_LF.index,
    )
    pd.testing.assert_frame_equal(got, HEAD_LF, check_names=False, atol=1e-9)


def test_crisp_thresholds_reproduce_lipset_crisp_data(LR, LC):
    got = pd.DataFrame(
        {
            "DEV": calibrate_crisp(LR["DEV"], 550),
            "URB": calibrate_crisp(LR["URB"], 50),
            "LIT": calibrate_crisp(LR["LIT"], 75),
            "IND": calibrate_crisp(LR["IND"], 30),
            "STB": 1 - calibrate_crisp(LR["STB"], 10),
            "SURV": calibrate_crisp(LR["SURV"], 0.5),
        },
        index=LR.index,
    )
    assert (got.astype(int) == LC).all().all()


def test_multivalue_crisp_uses_several_thresholds():
    assert calibrate_crisp([300, 600, 900, np.nan], [550, 850]).tolist()[:3] == [0, 1, 2]


def test_decreasing_set_when_exclusion_above_inclusion():
    m = calibrate_direct([4, 9.5, 15], 15, 9.5, 5)
    assert m[0] > 0.95 and m[1] == pytest.approx(0.5) and m[2] < 0.05


def test_r_qca_log_odds_option():
    assert calibrate_direct([20000], 2500, 5000, 20000, log_odds=np.log(19))[0] == pytest.approx(0.95)


def test_anchors_out_of_order_are_refused():
    with pytest.raises(ConfigError, match="exclusion < crossover < inclusion"):
        calibrate_direct([1, 2], 1, 5, 3)


def test_non_numeric_value_is_reported_with_position():
    with pytest.raises(DataError, match="row 2"):
        calibrate_direct([1, "high"], 0, 1, 2)


def test_indirect_method_is_monotone_and_follows_groups():
    x = np.array(
        [
            110,
            450,
            650,
            1000,
            2980,
            3590,
            4070,
            4670,
            7470,
            9800,
            11290,
            13680,
            20060,
            25200,
            34400,
            40110,
        ]
    )
    m = calibrate_indirect(x, [1000, 4000, 5000, 10000, 20000])
    assert np.all(np.diff(m) > 0)
    assert m[0] < 0.2 and m[-1] > 0.8


def test_calibrator_learns_anchors_and_transforms(LR):
    cal = Calibrator({"DEV": (400, 550, 900)}).fit(LR[["DEV", "URB"]])
    assert cal.anchors_["DEV"] == (400, 550, 900)
    q = LR["URB"].quantile([0.05, 0.5, 0.95]).tolist()
    assert cal.anchors_["URB"] == pytest.approx(tuple(q))
    out = cal.transform(LR[["DEV", "URB"]])
    assert out.loc["AU", "DEV"] == pytest.approx(0.81, abs=0.005)
    assert out["URB"].median() == pytest.approx(0.5, abs=0.05)
    assert cal.get_params()["method"] == "direct"


def test_calibrator_must_be_fitted_first(LR):
    with pytest.raises(ConfigError, match="not fitted"):
        Calibrator().transform(LR)
