"""Figures of compare.plots.evaluation (kept with the evaluation tests)."""

import matplotlib

matplotlib.use("Agg")

import warnings  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from compare.evaluation import EvaluationWarning, SyntheticControl, att_gt  # noqa: E402
from compare.plots.evaluation import (  # noqa: E402
    action_figures,
    plot_event_study,
    plot_placebos,
    plot_synth_gap,
    plot_synth_path,
)

from .test_panel import ACTION, _outcome  # noqa: E402
from .test_synth import BASQUE_FIT, BASQUE_SPEC  # noqa: E402


def _texts(fig):
    return [t.get_text() for t in fig.texts]


@pytest.fixture(scope="module")
def basque_result(basque):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        return SyntheticControl(**BASQUE_SPEC, placebo_v="fixed").fit(basque, **BASQUE_FIT).result_


def test_event_study_plot_of_callaway_santanna_has_labels_source_and_points(mpdta, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EvaluationWarning)
        res = att_gt(
            mpdta, outcome="lemp", unit="countyreal", time="year", cohort="first.treat", random_state=0
        )
    fig = plot_event_study(
        res, ylabel="Effect on log teen employment (log points)", source="Source: mpdta (R package did)"
    )
    ax = fig.axes[0]
    assert "pre-trend test p = 0.168" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel().endswith("(log points)")
    assert "Source: mpdta (R package did)" in _texts(fig)
    assert sorted(ax.get_xticks().tolist()) == [-3, -2, -1, 0, 1, 2, 3]
    fig.savefig(tmp_path / "es.png", dpi=80)
    fig.savefig("/tmp/evaluation_event_study_mpdta.png", dpi=110)
    plt.close(fig)


def test_synth_figures_have_titles_labels_and_sources(basque_result):
    for plot in (plot_synth_path, plot_synth_gap, plot_placebos):
        fig = plot(basque_result, source="Source: Abadie & Gardeazabal (2003), basque.csv")
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        assert any(t.startswith("Source:") for t in _texts(fig))
        fig.savefig(f"/tmp/evaluation_{plot.__name__}.png", dpi=110)
        plt.close(fig)


def test_placebo_plot_drops_badly_fitting_placebos(basque_result):
    fig = plot_placebos(basque_result, max_pre_rmspe_ratio=2.0)
    n_lines = len(fig.axes[0].get_lines())
    stats = basque_result.placebo_stats
    treated_pre = stats.loc[stats["is_treated"], "pre_rmspe"].iloc[0]
    kept = int((stats["pre_rmspe"] <= 2.0 * treated_pre).sum()) - 1
    # placebos + treated + legend proxy + zero line + start line
    assert n_lines == kept + 4
    plt.close(fig)


def test_action_figures_return_a_figure_per_action():
    pairs = action_figures(
        _outcome(), [ACTION], outcome_label="unemployment share (0-1)", source="Source: simulated test data"
    )
    ((ev, fig),) = pairs
    assert ev.action_id == "hub"
    assert "unemployment share" in fig.axes[0].get_ylabel()
    fig.savefig("/tmp/evaluation_action_figure.png", dpi=110)
    plt.close(fig)
