import itertools

import numpy as np
import pandas as pd
import pytest

from compare.errors import ConfigError, DataError
from compare.qca import minimum_cases, qca_from_workbench

DIMS = ["participation", "mandate", "data_use", "budget"]


def _network(n_cities=16, seed=0):
    """Cities whose segregation falls exactly when participation AND budget are mature."""
    rng = np.random.default_rng(seed)
    combos = list(itertools.product((1, 4), repeat=4))
    rows, out = [], []
    for j in range(n_cities):
        levels = dict(zip(DIMS, combos[j % len(combos)], strict=True))
        city = f"city{j:02d}"
        for d, lvl in levels.items():
            # two criteria per dimension, averaged by the workbench
            for crit in ("a", "b"):
                rows.append({"city": city, "dimension": d, "criterion": crit, "score": lvl})
        falls = levels["participation"] == 4 and levels["budget"] == 4
        out.append({"city": city, "value": (-0.03 if falls else 0.02) + rng.normal(0, 0.002)})
    return pd.DataFrame(rows), pd.DataFrame(out)


def test_runs_and_finds_participation_and_budget():
    scores, outcome = _network()
    res = qca_from_workbench(scores, outcome, conditions=DIMS, outcome_direction="decrease")
    assert res.ran, res.message
    assert res.min_cases == 12
    assert res.solutions["parsimonious"].formula == "participation*budget"
    cons = res.solutions["conservative"]
    assert all(
        t.split("*")[0] == "participation" and "budget" in t.split("*")
        for f in cons.formulas
        for t in f.split(" + ")
    )
    fit = res.solutions["parsimonious"].fit().iloc[0]
    assert fit["inclS"] > 0.9 and fit["covS"] > 0.9
    assert res.data.loc["city15", "FALLING"] > 0.9  # all four dimensions mature
    assert "QCA run on 16 cities with 4 conditions (minimum 12)" in res.message
    assert set(res.solutions_table()["solution"]) == {"conservative", "parsimonious"}
    assert "participation" in res.necessity.table["condition"].tolist()


def test_intermediate_solution_with_expectations():
    scores, outcome = _network()
    res = qca_from_workbench(scores, outcome, conditions=DIMS, dir_exp="participation, budget")
    assert res.solutions["intermediate"].formula == "participation*budget"


def test_refuses_with_too_few_cases_and_says_why():
    scores, outcome = _network()
    keep = [f"city{j:02d}" for j in range(5)]
    res = qca_from_workbench(scores, outcome[outcome["city"].isin(keep)], conditions=DIMS)
    assert not res.ran
    assert res.truth_table is None and res.solutions == {}
    assert "only 5 cities have both rubric scores" in res.message
    assert "at least 12 are needed for 4 conditions" in res.message
    assert "Marx & Dusa 2011" in res.message
    assert len(res.excluded) == 11
    assert set(res.excluded["reason"]) == {"no outcome value"}


def test_refuses_when_a_condition_does_not_vary():
    scores, outcome = _network()
    scores.loc[scores["dimension"] == "mandate", "score"] = 1
    res = qca_from_workbench(scores, outcome, conditions=DIMS)
    assert not res.ran
    assert "no variation in condition 'mandate'" in res.message
    assert "out of the set" in res.message


def test_refuses_when_no_city_has_the_outcome():
    scores, outcome = _network()
    outcome["value"] = outcome["value"].abs()  # segregation rose everywhere
    res = qca_from_workbench(scores, outcome, conditions=DIMS, outcome_anchors=(0.02, 0.0, -0.03))
    assert not res.ran
    assert "no city is a member of the outcome set FALLING" in res.message


def test_missing_scores_exclude_cities_with_reason():
    scores, outcome = _network()
    scores = scores[~((scores["city"] == "city03") & (scores["dimension"] == "budget"))]
    res = qca_from_workbench(scores, outcome, conditions=DIMS)
    assert res.ran
    assert res.excluded.to_dict("records") == [{"city": "city03", "reason": "no rubric score for budget"}]
    assert len(res.data) == 15


def test_min_cases_override_and_rule_of_thumb():
    scores, outcome = _network(n_cities=10)
    assert not qca_from_workbench(scores, outcome, conditions=DIMS).ran
    assert qca_from_workbench(scores, outcome, conditions=DIMS, min_cases=8).ran
    assert [minimum_cases(k) for k in (1, 3, 4, 6)] == [6, 8, 12, 20]


def test_bad_inputs_raise_actionable_errors():
    scores, outcome = _network()
    with pytest.raises(ConfigError, match="have no rubric scores"):
        qca_from_workbench(scores, outcome, conditions=["housing"])
    bad = scores.copy()
    bad.loc[0, "score"] = 7
    with pytest.raises(DataError, match="outside the 0-4 maturity scale"):
        qca_from_workbench(bad, outcome)
    with pytest.raises(DataError, match="several values for city"):
        qca_from_workbench(scores, pd.concat([outcome, outcome.head(1)]))
    with pytest.raises(ConfigError, match="outcome_direction"):
        qca_from_workbench(scores, outcome, outcome_direction="down")
