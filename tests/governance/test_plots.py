import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from compare.governance import ModelSimilarity, load_practices, score_matrix  # noqa: E402
from compare.plots.governance import (  # noqa: E402
    plot_dendrogram,
    plot_heatmap,
    plot_radar,
    plot_transfer_network,
)


def _texts(fig):
    return [t.get_text() for t in fig.texts]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_radar_has_one_panel_per_city_on_the_0_4_scale(profiles, rubric):
    m = score_matrix(profiles, rubric, "dimension")
    fig = plot_radar(m, rubric)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(m)
    assert all(ax.get_ylim() == (0, 4) for ax in visible)
    assert any("illustrative" in t for t in _texts(fig))


def test_heatmap_shows_cities_by_dimensions_with_labelled_axes(profiles, rubric):
    m = score_matrix(profiles, rubric, "dimension")
    fig = plot_heatmap(m, rubric)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() == "city"
    assert [t.get_text() for t in ax.get_yticklabels()] == [c.title() for c in m.index]
    assert len(ax.texts) == m.size  # one annotation per cell


def test_transfer_network_draws_every_transfer():
    cat = load_practices()
    fig = plot_transfer_network(cat)
    assert f"{len(cat.transfers)} transfers" in fig.axes[0].get_title()
    assert any(t.startswith("Source:") for t in _texts(fig))


def test_dendrogram_has_a_leaf_per_city(profiles, rubric):
    sim = ModelSimilarity(3).fit(score_matrix(profiles, rubric))
    fig = plot_dendrogram(sim)
    ax = fig.axes[0]
    assert len(ax.get_xticklabels()) == len(profiles)
    assert "RMS score distance" in ax.get_ylabel()


def test_covered_vs_rest_plot_has_a_panel_per_city_with_two_lines():
    import pandas as pd

    from compare.plots.governance import plot_covered_vs_rest

    t = pd.DataFrame(
        {
            "city": ["vantaa", "vantaa", "espoo", "espoo"],
            "period": ["2015", "2016"] * 2,
            "indicator": "u",
            "covered_mean": [0.2, 0.3, 0.1, 0.1],
            "rest_mean": [0.1, 0.1, 0.05, 0.05],
        }
    )
    fig = plot_covered_vs_rest(t, "u", unit="share")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["Vantaa", "Espoo"]
    assert all(len(ax.lines) == 2 for ax in axes)
    assert list(axes[0].lines[0].get_ydata()) == [0.2, 0.3]
    with pytest.raises(ValueError, match="indicator 'x'"):
        plot_covered_vs_rest(t, "x")
