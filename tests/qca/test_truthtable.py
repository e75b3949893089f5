import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.qca import truth_table


def test_crisp_lipset_truth_table_matches_r_qca(LC, expected):
    tt = truth_table(LC, "SURV")
    obs = tt.observed()
    got = {str(i): [r.OUT, int(r.n), r.cases] for i, r in obs.iterrows()}
    exp = {
        k: [v[0], v[1], ",".join(sorted(v[2].split(",")))]
        for k, v in expected["LC_truth_table"]["rows"].items()
    }
    got = {k: [v[0], v[1], ",".join(sorted(v[2].split(",")))] for k, v in got.items()}
    assert got == exp
    assert len(tt.remainders()) == 32 - 9
    assert obs["incl"].isin([0.0, 1.0]).all()


def test_fuzzy_lipset_truth_table_counts_match_r_qca(LF, expected):
    tt = truth_table(LF, "SURV", incl_cut=0.8)
    n1, n0, nc = expected["LF_truth_table"]["n_out_1_0_C"]
    assert tt.positive()["n"].sum() == n1
    assert tt.negative()["n"].sum() == n0
    assert tt.rows("C")["n"].sum() == nc
    assert tt.positive().index.tolist() == [22, 32]


def test_row_inclusion_is_fuzzy_subset_consistency(LF):
    tt = truth_table(LF, "SURV", incl_cut=0.8)
    x = np.minimum.reduce([LF["DEV"], LF["URB"], LF["LIT"], LF["IND"], LF["STB"]])
    y = LF["SURV"].to_numpy()
    assert tt.table.loc[32, "incl"] == pytest.approx(np.minimum(x, y).sum() / x.sum())


def test_frequency_cutoff_turns_rare_rows_into_remainders(LC):
    tt = truth_table(LC, "SURV", n_cut=2)
    # rows 6, 23, 31 have a single case each
    assert {6, 23, 31} <= set(tt.remainders().index)
    assert tt.observed().loc[[6, 23, 31], "OUT"].eq("?").all()


def test_contradictions_are_listed_and_coded_with_two_cutoffs():
    df = pd.DataFrame(
        {"A": [1, 1, 1, 0, 0], "B": [0, 0, 0, 1, 1], "Y": [1, 1, 0, 0, 0]},
        index=["a", "b", "c", "d", "e"],
    )
    tt = truth_table(df, "Y", incl_cut=(1.0, 0.5))
    c = tt.contradictions()
    assert c.index.tolist() == [3]  # A=1, B=0
    assert c.loc[3, "OUT"] == "C" and bool(c.loc[3, "contradictory"])
    assert c.loc[3, "incl"] == pytest.approx(2 / 3)
    assert truth_table(df, "Y").table.loc[3, "OUT"] == "0"


def test_cases_at_exactly_half_are_reported():
    df = pd.DataFrame({"A": [0.5, 0.9, 0.1], "Y": [1.0, 1.0, 0.0]}, index=["x", "y", "z"])
    tt = truth_table(df, "Y")
    assert tt.dropped_cases == ["x"]
    assert tt.table["n"].sum() == 2
    assert "exactly 0.5" in tt.summary()


def test_negated_outcome_uses_complement(LC):
    tt = truth_table(LC, "~SURV")
    assert tt.positive().index.tolist() == [1, 2, 5, 6, 23, 31]


def test_bad_membership_names_the_case_and_column():
    df = pd.DataFrame({"A": [0.2, 1.4], "Y": [0, 1]}, index=["oslo", "bergen"])
    with pytest.raises(DataError, match="row bergen, column A"):
        truth_table(df, "Y")


def test_unknown_outcome_and_bad_cutoffs_are_refused(LC):
    with pytest.raises(DataError, match="outcome 'X'"):
        truth_table(LC, "X")
    with pytest.raises(ConfigError, match="incl_cut"):
        truth_table(LC, "SURV", incl_cut=(0.7, 0.9))
