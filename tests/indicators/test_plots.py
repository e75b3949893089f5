"""Figures of compare.plots.indicators (one per index family)."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from compare.errors import DataError  # noqa: E402
from compare.indicators import (  # noqa: E402
    compute_panel,
    decompose_mutual_information,
    disadvantage_index,
    local_indicators,
)
from compare.plots.indicators import (  # noqa: E402
    period_position,
    plot_decomposition,
    plot_index_family,
    plot_local_family,
)
from compare.synthetic import grid_city  # noqa: E402


@pytest.fixture(scope="module")
def two_cities():
    a = grid_city(6, 6, seed=1, name="a", periods=["2019-H1", "2019-H2", "2020-H1"])
    b = grid_city(6, 6, seed=2, name="b", periods=["2019-H1", "2019-H2", "2020-H1"], segregation=2.0)
    pop = pd.concat([a.population, b.population])
    areas = pd.concat([a.areas, b.areas])
    return pop, areas, a.group_definition


def test_period_position_orders_half_years_and_months():
    assert list(period_position(["2015", "2015-H2", "2016-04"])) == pytest.approx([2015.0, 2015.5, 2016.25])


@pytest.mark.parametrize("family,n_axes", [("two-group", 7), ("multigroup", 5), ("spatial", 2)])
def test_one_figure_per_family_with_title_labels_and_source(two_cities, family, n_axes):
    pop, areas, gd = two_cities
    panel = compute_panel(pop, [gd], areas, ci=True, n_boot=20)
    fig = plot_index_family(panel, family, source="Source: synthetic")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == n_axes
    assert all(ax.get_xlabel() == "year" and ax.get_ylabel() for ax in visible)
    assert fig._suptitle.get_text()
    assert any("Source: synthetic" in t.get_text() for t in fig.texts)


def test_family_without_values_is_an_error(two_cities):
    pop, _, gd = two_cities
    panel = compute_panel(pop, [gd], indices=["gini"])
    with pytest.raises(DataError, match="no spatial"):
        plot_index_family(panel, "spatial", source="s")


def test_decomposition_figure_shows_between_share(two_cities):
    pop, _, gd = two_cities
    dec = decompose_mutual_information(pop, group_definition=gd)
    fig = plot_decomposition(dec, source="Source: synthetic")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "mutual information M (nats)"
    assert len([t for t in ax.texts if t.get_text().endswith("%")]) == 3


def test_local_family_draws_two_maps(two_cities):
    pop, areas, gd = two_cities
    loc = local_indicators(pop, [gd], areas, min_population=0, permutations=49)
    dis = disadvantage_index(loc)
    fig = plot_local_family(
        loc,
        dis,
        areas,
        city="synthetic-a",
        period="2019-H1",
        group_definition="synthetic",
        source="Source: synthetic",
    )
    titles = [ax.get_title() for ax in fig.axes]
    assert any("LISA" in t for t in titles) and any("status class" in t for t in titles)
