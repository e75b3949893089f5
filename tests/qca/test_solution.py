import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.errors import ConfigError
from compare.qca import minimize, truth_table
from compare.qca.minimize import covers


def _check_against_r(sol, exp):
    assert [set(m) for m in map(lambda f: f.split(" + "), sol.formulas)] == [set(m) for m in exp["models"]]
    if "terms" not in exp:
        return
    t = sol.terms()
    terms = t[t["role"] == "term"].set_index("term")
    for term, (incl, pri, cov, covu) in exp["terms"].items():
        got = terms.loc[term]
        assert got["inclS"] == pytest.approx(incl, abs=5e-4)
        assert got["PRI"] == pytest.approx(pri, abs=5e-4)
        assert got["covS"] == pytest.approx(cov, abs=5e-4)
        if covu is not None and len(exp["terms"]) > 1:
            assert got["covU"] == pytest.approx(covu, abs=5e-4)
    model = t[t["role"] == "model"].iloc[0]
    incl, pri, cov = exp["model"]
    assert (model["inclS"], model["PRI"], model["covS"]) == pytest.approx((incl, pri, cov), abs=5e-4)


@pytest.mark.parametrize(
    "key,outcome,kind",
    [
        ("LC_conservative", "SURV", "conservative"),
        ("LC_parsimonious", "SURV", "parsimonious"),
        ("LC_negated_conservative", "~SURV", "conservative"),
        ("LC_negated_parsimonious", "~SURV", "parsimonious"),
    ],
)
def test_crisp_lipset_solutions_reproduce_r_qca(LC, expected, key, outcome, kind):
    sol = minimize(truth_table(LC, outcome), kind)
    _check_against_r(sol, expected[key])


@pytest.mark.parametrize(
    "key,kind", [("LF_conservative", "conservative"), ("LF_parsimonious", "parsimonious")]
)
def test_fuzzy_lipset_solutions_reproduce_r_qca(LF, expected, key, kind):
    sol = minimize(truth_table(LF, "SURV", incl_cut=0.8), kind)
    _check_against_r(sol, expected[key])


def test_fuzzy_lipset_intermediate_solution_reproduces_r_qca(LF, expected):
    tt = truth_table(LF, "SURV", incl_cut=0.8)
    sol = minimize(tt, "intermediate", dir_exp="DEV, URB, LIT, IND, STB")
    _check_against_r(sol, expected["LF_intermediate"])
    # the only easy counterfactual is row 30 (DEV URB LIT ~IND STB)
    assert sol.simplifying_assumptions[0].index.tolist() == [30]


def test_parsimonious_simplifying_assumptions_match_r_qca(LC, expected):
    sol = minimize(truth_table(LC, "SURV"), "parsimonious")
    assert (
        sol.simplifying_assumptions[0].index.tolist()
        == expected["LC_parsimonious"]["simplifying_assumptions"]
    )


def test_solution_summary_and_pi_chart_are_readable(LC):
    sol = minimize(truth_table(LC, "SURV"), "conservative")
    text = sol.summary()
    assert "M1: DEV*~URB*LIT*STB + DEV*LIT*IND*STB -> SURV" in text
    chart = sol.pi_chart
    assert chart.columns.tolist() == [22, 24, 32]
    assert chart.loc["DEV*LIT*IND*STB"].tolist() == [False, True, True]
    assert sol.essential == ["DEV*~URB*LIT*STB", "DEV*LIT*IND*STB"]
    assert sol.fit()["formula"].tolist() == ["DEV*~URB*LIT*STB + DEV*LIT*IND*STB"]


def test_all_equivalent_minimal_models_are_returned():
    # cyclic chart f = m(0,1,2,5,6,7) (McCluskey 1956): two minimal sums of three terms each
    on = {0, 1, 2, 5, 6, 7}
    rows = [((i >> 2) & 1, (i >> 1) & 1, i & 1, int(i in on)) for i in range(8)]
    df = pd.DataFrame(rows, columns=["A", "B", "C", "Y"])
    sol = minimize(truth_table(df, "Y"), "conservative")
    assert {frozenset(f.split(" + ")) for f in sol.formulas} == {
        frozenset({"~A*~B", "B*~C", "A*C"}),
        frozenset({"~A*~C", "~B*C", "A*B"}),
    }
    assert sol.essential == []
    assert sol.terms()["model"].unique().tolist() == ["M1", "M2"]


def test_intermediate_without_expectations_is_refused(LC):
    with pytest.raises(ConfigError, match="directional expectations"):
        minimize(truth_table(LC, "SURV"), "intermediate")


def test_conjunctural_expectations_are_refused(LF):
    tt = truth_table(LF, "SURV", incl_cut=0.8)
    with pytest.raises(ConfigError, match="conjunctural"):
        minimize(tt, "intermediate", dir_exp="DEV, ~LIT*IND")


def test_no_positive_rows_gives_empty_solution():
    df = pd.DataFrame({"A": [0, 1], "Y": [0, 0]})
    sol = minimize(truth_table(df, "Y"), "parsimonious")
    assert sol.models == [] and "nothing to minimise" in sol.summary()


@st.composite
def crisp_data(draw):
    k = draw(st.integers(2, 4))
    n = draw(st.integers(3, 14))
    x = draw(st.lists(st.tuples(*[st.integers(0, 1)] * k), min_size=n, max_size=n))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    cols = [f"C{i}" for i in range(k)]
    df = pd.DataFrame(x, columns=cols)
    df["Y"] = y
    return df, cols


@settings(max_examples=60, deadline=None)
@given(crisp_data())
def test_conservative_terms_cover_only_positive_rows(data):
    df, cols = data
    tt = truth_table(df, "Y", cols)
    sol = minimize(tt, "conservative")
    pos = set(tt.minterms("1"))
    every = {tuple(int(v) for v in r) for r in tt.table[cols].to_numpy()}
    for model in sol.models:
        for term in model:
            covered = {m for m in every if covers(term, m)}
            assert covered <= pos
        # logically equivalent to the set of positive rows
        assert {m for m in every if any(covers(t, m) for t in model)} == pos


@settings(max_examples=60, deadline=None)
@given(crisp_data())
def test_parsimonious_models_cover_all_positive_and_no_negative_row(data):
    df, cols = data
    tt = truth_table(df, "Y", cols)
    sol = minimize(tt, "parsimonious")
    pos = set(tt.minterms("1"))
    neg = set(tt.minterms(["0", "C"]))
    for model in sol.models:
        assert all(any(covers(t, m) for t in model) for m in pos)
        assert not any(covers(t, m) for t in model for m in neg)
        assert np.isclose(sol.terms().query("role == 'model'")["inclS"].min(), 1.0) or not pos
