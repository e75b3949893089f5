import numpy as np
import pandas as pd
import pytest

from compare.errors import DataError
from compare.qca import necessity, necessity_fit, sufficiency_fit


def test_necessity_parameters_by_hand():
    # Y subset of X: inclN = 1; X larger than Y: covN = 2/3; RoN = sum(1-X)/sum(1-min(X,Y))
    x = np.array([1.0, 1, 1, 0])
    y = np.array([1.0, 1, 0, 0])
    f = necessity_fit(x, y)
    assert f == pytest.approx({"inclN": 1.0, "RoN": 1 / 2, "covN": 2 / 3})


def test_necessity_is_sufficiency_with_roles_swapped(LF):
    x, y = LF["LIT"].to_numpy(), LF["SURV"].to_numpy()
    n = necessity_fit(x, y)
    s = sufficiency_fit(x, y)
    assert n["inclN"] == pytest.approx(s["covS"])
    assert n["covN"] == pytest.approx(s["inclS"])


def test_fuzzy_lipset_literacy_and_stability_flagged_necessary(LF):
    res = necessity(LF, "SURV")
    t = res.table.set_index("condition")
    x, y = LF["LIT"], LF["SURV"]
    assert t.loc["LIT", "inclN"] == pytest.approx(np.minimum(x, y).sum() / y.sum())
    assert t.loc["~LIT", "inclN"] == pytest.approx(np.minimum(1 - x, y).sum() / y.sum())
    assert res.necessary == ["LIT", "STB"]
    assert "inclN" in res.summary()
    assert len(res.table) == 10


def test_negated_outcome_and_no_negations(LC):
    res = necessity(LC, "~SURV", ["DEV"], negations=False)
    # every non-surviving case with DEV: AU, DE out of 10 negative cases
    assert res.table["condition"].tolist() == ["DEV"]
    assert res.table.loc[0, "inclN"] == pytest.approx(0.2)


def test_outcome_without_members_is_an_error():
    df = pd.DataFrame({"A": [0.2, 0.7], "Y": [0.0, 0.0]})
    with pytest.raises(DataError, match="no member cases"):
        necessity(df, "Y")
