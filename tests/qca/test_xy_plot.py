# Tests of compare.plots.qca live here because the QCA helper owns tests/qca only.
import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from compare.errors import DataError  # noqa: E402
from compare.plots.qca import xy_plot  # noqa: E402
from compare.qca import minimize, truth_table  # noqa: E402


def test_xy_plot_title_reports_r_qca_fit_of_lipset_parsimonious_solution(LF, tmp_path):
    tt = truth_table(LF, "SURV", incl_cut=0.8)
    sol = minimize(tt, "parsimonious")
    fig = xy_plot(sol.membership(), tt.data["SURV"], source="Source: Lipset fuzzy data")
    ax = fig.axes[0]
    # R QCA: DEV*~IND + URB*STB -> SURV has inclS 0.850, PRI 0.819, covS 0.714
    assert ax.get_title() == ("DEV*~IND + URB*STB -> SURV\nconsistency 0.850, PRI 0.819, coverage 0.714")
    assert ax.get_xlabel() == "membership in DEV*~IND + URB*STB (0-1)"
    assert any(t.get_text() == "Source: Lipset fuzzy data" for t in fig.texts)
    fig.savefig(tmp_path / "xy.png")
    assert (tmp_path / "xy.png").stat().st_size > 0


def test_xy_plot_necessity_marks_cases_above_diagonal_inconsistent():
    x = pd.Series([0.9, 0.2], index=["a", "b"], name="A")
    y = pd.Series([0.8, 0.6], index=["a", "b"], name="Y")
    fig = xy_plot(x, y, relation="necessity")
    consistent, inconsistent = fig.axes[0].collections[:2]
    assert len(consistent.get_offsets()) == 1 and len(inconsistent.get_offsets()) == 1
    # inclN = (0.8 + 0.2) / 1.4, RoN = (0.1 + 0.8) / (0.2 + 0.8), covN = 1.0 / 1.1
    assert fig.axes[0].get_title() == "A <- Y\nconsistency 0.714, RoN 0.900, coverage 0.909"


def test_xy_plot_rejects_values_outside_unit_interval():
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        xy_plot(pd.Series([1.5]), pd.Series([0.2]))
