"""Tests of compare.plots.maps (kept with the reports tests: the maps are the reports')."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from compare.errors import DataError  # noqa: E402
from compare.plots.maps import (  # noqa: E402
    LISA_COLOURS,
    class_breaks,
    plot_categories,
    plot_choropleth,
)
from compare.synthetic import grid_city  # noqa: E402


@pytest.fixture(scope="module")
def city():
    return grid_city(6, 6, seed=3)


def test_class_breaks_adapt_to_the_number_of_areas():
    assert len(class_breaks(np.arange(10.0))) == 3
    assert len(class_breaks(np.arange(30.0))) == 4
    assert len(class_breaks(np.arange(100.0))) == 5
    assert len(class_breaks(np.arange(448.0))) == 6
    assert class_breaks(np.arange(448.0))[-1] == 447.0


def test_class_breaks_merge_ties_and_ignore_nan():
    assert class_breaks([1.0, 1.0, 1.0, np.nan]).tolist() == [1.0]
    with pytest.raises(DataError, match="no finite values"):
        class_breaks([np.nan])


def _texts(fig):
    return [t.get_text() for t in fig.texts]


def test_choropleth_has_title_axis_units_legend_scale_bar_and_source(city):
    ids = city.areas["area_id"].astype(str).reset_index(drop=True)
    vals = pd.DataFrame({"area_id": ids, "share": np.linspace(0.05, 0.5, len(ids))})
    vals.iloc[0, 1] = np.nan
    fig = plot_choropleth(
        city.areas, vals, "share", covered=ids[:3], title="T", legend_title="group (%)", source="Source: test"
    )
    ax = fig.axes[0]
    assert ax.get_title() == "T"
    assert "km" in ax.get_xlabel() and "km" in ax.get_ylabel()
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert legend.get_title().get_text() == "group (%)"
    assert labels[-2:] == ["no data, suppressed or too small", "covered by the model"]
    # percentages, lowest class starting at the minimum
    assert labels[0].startswith(f"{100 * vals['share'].min():.1f} – ")
    assert [type(a).__name__ for a in ax.artists] == ["AnchoredSizeBar"]
    assert _texts(fig) == ["Source: test"]


def test_categories_use_fixed_colours_and_count_areas(city):
    ids = city.areas["area_id"].astype(str).reset_index(drop=True)
    labels = ["high-high"] * 10 + ["not computed (small area)"] * 2 + ["not significant"] * 24
    vals = pd.DataFrame({"area_id": ids, "c": labels})
    fig = plot_categories(
        city.areas, vals, "c", colours=LISA_COLOURS, title="L", legend_title="LISA", source="s"
    )
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == ["high-high (10)", "not significant (24)", "not computed (2)"]


def test_unknown_category_is_refused(city):
    vals = pd.DataFrame({"area_id": city.areas["area_id"].astype(str), "c": "weird"})
    with pytest.raises(DataError, match="have no colour"):
        plot_categories(city.areas, vals, "c", colours=LISA_COLOURS, title="t", legend_title="l", source="s")


def test_several_values_per_area_are_refused(city):
    a = str(city.areas["area_id"].iloc[0])
    vals = pd.DataFrame({"area_id": [a, a], "share": [0.1, 0.2]})
    with pytest.raises(DataError, match="several values"):
        plot_choropleth(city.areas, vals, "share", title="t", legend_title="l", source="s")
