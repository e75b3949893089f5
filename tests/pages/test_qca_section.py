"""The comparison report's QCA section: both paths (run / not run) on synthetic cities."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest

from compare.pages.qca_section import dissimilarity_change, qca_section
from compare.qca import calibrate_direct

matplotlib.use("Agg")

DIMS = ["horizontal", "participation", "knowledge"]


def _synthetic_network(n_extra: int = 6):
    """14 clearly fake cities: every configuration of three crisp-ish conditions, plus repeats.

    Scores are 1 (out) or 4 (in) on the 0-4 scale; the index falls by 0.02 a year exactly where
    horizontal AND participation are high, and rises by 0.02 elsewhere.
    """
    configs = list(itertools.product([0, 1], repeat=3))
    configs += configs[:n_extra]
    rows, out = [], []
    for i, cfg in enumerate(configs):
        city = f"synthetic-city-{i:02d}"
        for d, bit in zip(DIMS, cfg, strict=True):
            rows.append({"city": city, "dimension": d, "score": 4.0 if bit else 1.0})
        out.append({"city": city, "value": -0.02 if cfg[0] and cfg[1] else 0.02})
    return pd.DataFrame(rows), pd.DataFrame(out)


def test_qca_runs_on_enough_synthetic_cities_and_recovers_the_built_in_configuration():
    scores, outcome = _synthetic_network()
    assert outcome["city"].nunique() == 14
    s = qca_section(scores, outcome, DIMS)
    assert s.ran, s.result.message
    assert s.result.message.startswith("QCA run on 14 cities with 3 conditions (minimum 8)")
    assert s.result.solutions["conservative"].formula == "horizontal*participation"
    assert s.result.solutions["parsimonious"].formula == "horizontal*participation"
    sol = s.solutions()
    assert set(sol["solution"]) == {"conservative", "parsimonious"}
    assert (sol["formula"] == "horizontal*participation -> FALLING").all()
    # parameters of fit from the calibrated memberships, computed here independently
    x = np.minimum(calibrate_direct(np.array([4.0]), 1.0, 2.5, 3.5), 1)[0]
    assert s.result.data["horizontal"].max() == pytest.approx(x)
    mem = s.result.data
    xs = np.minimum(mem["horizontal"], mem["participation"])
    ys = mem["FALLING"]
    incl = float(np.minimum(xs, ys).sum() / xs.sum())
    cov = float(np.minimum(xs, ys).sum() / ys.sum())
    assert sol["consistency (inclS)"].iloc[0] == pytest.approx(round(incl, 3))
    assert sol["coverage (covS)"].iloc[0] == pytest.approx(round(cov, 3))
    tt = s.truth_table()
    assert len(tt) == 8 and tt["n"].sum() == 14
    assert set(tt.loc[tt["OUT"] == "1", ["horizontal", "participation"]].itertuples(index=False)) == {(1, 1)}
    fig = s.fig_xy("Source: synthetic test data")
    ax = fig.axes[0]
    assert ax.get_title().startswith("horizontal*participation -> FALLING")
    assert "(0-1)" in ax.get_xlabel() and "(0-1)" in ax.get_ylabel()
    assert any("synthetic test data" in t.get_text() for t in fig.texts)
    assert s.needed() == ""


def test_qca_is_not_run_with_four_cities_and_says_why_and_what_is_needed():
    scores, outcome = _synthetic_network()
    four = sorted(outcome["city"])[:4]
    s = qca_section(
        scores[scores["city"].isin(four)],
        outcome[outcome["city"].isin(four)],
        DIMS + [],
    )
    assert not s.ran
    assert "only 4 cities" in s.result.message
    assert "at least 8 are needed for 3 conditions" in s.result.message
    assert "not even two conditions can be used" in s.needed()
    assert "2 conditions need 6" in s.needed()
    assert s.truth_table().empty and s.solutions().empty and s.fig_xy() is None
    assert s.inputs_table()["city"].tolist() == four


def test_six_dimensions_need_twenty_cities_and_fewer_conditions_are_suggested():
    scores, outcome = _synthetic_network()
    extra = scores.assign(dimension=scores["dimension"].map(lambda d: d + "_b"))
    six = pd.concat([scores, extra])
    s = qca_section(six, outcome)
    assert not s.ran and "at least 20 are needed for 6 conditions" in s.result.message
    assert "at most 4 condition(s) could be used" in s.needed()


def test_dissimilarity_change_uses_the_longest_run_on_one_boundary_vintage():
    periods = ["2019-H1", "2019-H2", "2020-H1", "2020-H2", "2021-H1", "2021-H2"]
    vint = ["old"] * 4 + ["new"] * 2
    values = [0.30, 0.29, 0.28, 0.27, 0.20, 0.10]
    panel = pd.DataFrame(
        {
            "city": "b",
            "period": periods,
            "index": "dissimilarity",
            "group_definition": "foreigners",
            "value": values,
            "vintage": vint,
        }
    )
    annual = panel.assign(city="f", period=["2012", "2013", "2014", "2015", "2016", "2017"], vintage="p")
    out = dissimilarity_change(pd.concat([panel, annual]), {"b": "foreigners", "f": "foreigners"})
    b = out.set_index("city").loc["b"]
    assert (b["first_period"], b["last_period"], b["vintage"]) == ("2019-H1", "2020-H2", "old")
    assert b["years"] == 1.5
    assert b["value"] == pytest.approx((0.27 - 0.30) / 1.5)
    f = out.set_index("city").loc["f"]
    assert f["value"] == pytest.approx((0.10 - 0.30) / 5)
