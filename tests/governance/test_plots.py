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
