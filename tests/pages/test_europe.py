"""Europe frame: ranks among urban centres, rook weights of cells, the cross-source table."""

import warnings

import numpy as np
import pandas as pd
import pytest

from compare.pages import europe as E


def test_rank_among_all_and_similar_size_by_hand():
    p = pd.DataFrame(
        {"centre_id": list("abcde"), "index": "dissimilarity", "group_definition": "g",
         "value": [0.10, 0.20, 0.30, 0.40, np.nan], "centre_population": [1e5, 2e5, 3e5, 4e6, 1e5]}
    )  # fmt: skip
    f = E.europe_frame(0.25, 1.5e5, p, "dissimilarity", "g")
    # all: 0.30 and 0.40 are higher -> rank 3 of 5 (4 defined centres + the city)
    assert (f["rank_all"], f["n_all"]) == (3, 5)
    # similar size 75,000-300,000: a (0.10), b (0.20), c (0.30) -> only c higher -> rank 2 of 4
    assert (f["rank_similar"], f["n_similar"]) == (2, 4)
    assert f["median_similar"] == pytest.approx(0.20)


def test_cell_rook_weights_within_blocks_only():
    w = E.cell_rook_weights([0, 1000, 2000, 0], [0, 0, 0, 1000], block=["x", "x", "y", "x"])
    dense = w.toarray()
    # (0,0)-(1000,0) and (0,0)-(0,1000) are rook neighbours; (1000,0)-(2000,0) are in different blocks
    assert dense.tolist() == [[0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]


@pytest.fixture(scope="module")
def segnet(raw_data):
    from compare.sources import load_network

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_network("segregation-network", cities=["berlin", "berlin-lor", "vantaa", "vantaa-paavo"])


def test_cross_source_table_matches_pysal_on_each_source(segnet):
    import segregation.singlegroup as ssg

    from compare.model import population_wide

    t = E.cross_source_table(segnet).set_index("city")
    # grid D: PySAL's Dissim over Berlin's cells (born abroad vs the population by country of birth)
    pop = segnet.population[segnet.population["city"] == "berlin"]
    w = population_wide(pop, ["born_abroad", "population_by_birth"]).dropna()
    w = w[w["population_by_birth"] > 0].reset_index()
    ref = ssg.Dissim(w, "born_abroad", "population_by_birth").statistic
    assert t.loc["Berlin", "grid D (born abroad, 2021, 1 km cells)"] == pytest.approx(ref, abs=5e-4)
    # national D: foreigners on LOR planning areas, 31 Dec 2020
    sp = segnet.population
    lor = sp[(sp["city"] == "berlin-lor") & (sp["period"] == "2020-H2")]
    lw = population_wide(lor, ["foreigners", "population"]).dropna()
    lw = lw[lw["population"] > 0].reset_index()
    assert t.loc["Berlin", "national D"] == pytest.approx(
        ssg.Dissim(lw, "foreigners", "population").statistic, abs=5e-4
    )
    assert t.loc["Berlin", "national areas"] == len(lw)
    # different definitions and units: reported, not forced equal; the reason is given
    assert t.loc["Berlin", "grid D (born abroad, 2021, 1 km cells)"] != t.loc["Berlin", "national D"]
    assert "citizenship" in t.loc["Berlin", "why they differ"]
    assert np.isnan(t.loc["Vantaa", "national D"]) and "Paavo" in t.loc["Vantaa", "why they differ"]


def test_confidential_table_counts_cells_a_definition_loses(segnet):
    c = E.confidential_table(segnet, "vantaa").set_index("group_definition")
    pop = segnet.population[segnet.population["city"] == "vantaa"]
    w = population_wide_(pop)
    need = ["born_abroad", "population_by_birth", "born_in_country"]
    assert c.loc["born_abroad", "confidential_cells"] == int(w[need].isna().any(axis=1).sum())
    assert c.loc["born_abroad", "cells"] == len(w)


def population_wide_(pop):
    from compare.model import population_wide

    return population_wide(pop)


def test_partner_labels_do_not_overlap_when_cities_are_close():
    # Lille, Brussels and Eindhoven lie within ~150 km: their names used to print over each other
    points = pd.DataFrame(
        [
            {"name": "Lille", "x": 3.82e6, "y": 3.10e6, "value": 0.2},
            {"name": "Brussels", "x": 3.92e6, "y": 3.09e6, "value": 0.18},
            {"name": "Eindhoven", "x": 3.98e6, "y": 3.17e6, "value": 0.18},
        ]
    )
    centres = pd.DataFrame({"x": [4.0e6], "y": [3.0e6], "population": [1e5]})
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = E.fig_partner_map(points, centres, "partners")
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert sorted(t.get_text() for t in ax.texts) == ["Brussels", "Eindhoven", "Lille"]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
