"""Figures of the network comparison computed on the real example network."""

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def comparison():
    from compare.pages.comparison import load_comparison

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Vantaa's unmatched postal code, tested elsewhere
        return load_comparison("helsinki-berlin")


def test_berlins_2021_boundary_change_is_found_from_the_area_vintages(comparison):
    from compare.plots import vintage_breaks

    panel = comparison.panel[comparison.panel["index"] == "dissimilarity"]
    # the only change: Berlin between 2020-H2 (planning areas) and 2021-H1 (forecast areas)
    assert vintage_breaks(panel) == [("berlin", pytest.approx(2021 - 0.25))]


def test_index_panel_marks_a_boundary_change_only_where_the_city_is_drawn(comparison):
    from compare.pages.comparison import fig_index_panel

    fig = fig_index_panel(comparison, "dissimilarity")
    panels = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    labels = {t: [a.get_text() for a in ax.texts] for t, ax in panels.items()}
    assert labels["foreigners"] == ["Berlin: new area\nboundaries"]
    assert labels["migration background"] == ["Berlin: new area\nboundaries"]
    assert labels["low income"] == []  # Berlin publishes no income classes
    # the dashed line sits a quarter year before the first period on the new boundaries
    dashed = [ln for ln in panels["foreigners"].lines if ln.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_xdata()[0] == pytest.approx(2021 - 0.25)


def test_rubric_heatmap_reads_the_consensus_and_says_which_cities_are_desk_review_only(comparison):
    from compare.governance import assessment_matrix
    from compare.pages.comparison import fig_rubric_heatmap, score_sources

    src = score_sources(comparison).set_index("city")["source"]
    assert src["Vantaa"] == "self-assessment consensus" and src["Berlin"] == "desk review only"
    fig = fig_rubric_heatmap(comparison)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert "Vantaa · Consensus" in rows and "Berlin · Desk Review" in rows
    text = " ".join(" ".join(t.get_text().split()) for t in fig.texts)
    assert "desk review only: Espoo, Berlin" in text and "FICTITIOUS EXAMPLE RESPONSES" in text
    # the cells are the consensus: Vantaa's row equals the consensus matrix, not the desk scores
    m = assessment_matrix(comparison.assessed, comparison.rubric, level="dimension")
    row = rows.index("Vantaa · Consensus")
    first = float(ax.texts[row * m.shape[1]].get_text())
    assert first == pytest.approx(round(m.loc["vantaa"].iloc[0], 1))
    assert comparison.robustness["clustering"]["n_draws"] == 200


def test_time_axes_are_labelled_in_whole_years(comparison):
    # half-year periods sit at 2015.5 etc.; the ticks must still read 2016, 2018, ... (a two-period
    # city used to print "2022.02022.22022.4")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from compare.pages.comparison import fig_index_panel

    fig = fig_index_panel(comparison, "dissimilarity")
    FigureCanvasAgg(fig).draw()
    for ax in (a for a in fig.axes if a.get_visible() and a.get_xlabel() == "Year"):
        texts = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert texts and all(t.isdigit() and len(t) == 4 for t in texts), (ax.get_title(), texts)


def test_transfer_network_draws_only_the_networks_transfers():
    import matplotlib

    matplotlib.use("Agg")
    from compare.governance import load_practices
    from compare.plots.governance import plot_transfer_network

    cat = load_practices()
    everything = cat.graph()
    fig = plot_transfer_network(cat, cities=["helsinki"])
    title = fig.axes[0].get_title()
    mine = [(u, v) for u, v in everything.edges if "helsinki" in (u, v)]
    assert mine and len(mine) < everything.number_of_edges()
    assert f"({len(mine)} transfers," in title
    fig = plot_transfer_network(cat, cities=["nowhere"])
    assert "(0 transfers, 0 cities)" in fig.axes[0].get_title()
