import numpy as np
import pytest

from compare.errors import ConfigError
from compare.indicators import dissimilarity, morans_i
from compare.model import validate_areas, validate_population
from compare.synthetic import grid_city


def test_same_seed_gives_the_same_city_and_another_seed_does_not():
    a = grid_city(8, 9, seed=4)
    b = grid_city(8, 9, seed=4)
    c = grid_city(8, 9, seed=5)
    assert a.population.equals(b.population)
    assert not a.population.equals(c.population)


def test_tables_are_canonical_and_marked_synthetic():
    c = grid_city(5, 6, seed=1, periods=["2020", "2021"], groups=("a", "b", "c"))
    validate_areas(c.areas)
    validate_population(c.population, c.areas, [c.group_definition])
    assert c.areas.crs.to_epsg() == 3035
    assert c.population["city"].str.startswith("synthetic-").all()
    assert (c.population["vintage"] == "synthetic").all()
    assert grid_city(2, 2, name="berlin").population["city"].iloc[0] == "synthetic-berlin"
    assert len(c.areas) == 30 and len(c.wide) == 60
    assert np.allclose(c.areas.geometry.area, 250.0**2)


def test_group_counts_partition_the_total():
    c = grid_city(10, 10, seed=2, groups=("a", "b", "c"))
    assert np.array_equal(c.wide[["a", "b", "c"]].sum(axis=1), c.wide["total"])


def test_segregation_dial_raises_dissimilarity():
    low = grid_city(20, 20, seed=3, segregation=0.0, mean_population=500).wide
    high = grid_city(20, 20, seed=3, segregation=2.0, mean_population=500).wide
    assert dissimilarity(low["group"], low["total"]) < 0.1
    assert dissimilarity(high["group"], high["total"]) > 0.4


def test_clustering_dial_raises_morans_i():
    def moran(cl):
        c = grid_city(30, 30, seed=1, clustering=cl, mean_population=1000)
        return morans_i(c.wide["group"] / c.wide["total"], c.weights("rook")).I

    assert moran(0.0) < 0.1
    assert moran(1.0) > 0.6


def test_huge_grid_without_geometry_has_cell_centres():
    c = grid_city(300, 400, geometry=False, seed=0)
    assert "geometry" not in c.areas.columns
    assert {"x", "y"} <= set(c.areas.columns)
    assert c.weights("queen").shape == (120_000, 120_000)


def test_empty_and_suppressed_shares():
    c = grid_city(30, 30, seed=2, empty_share=0.1, suppressed_share=0.1)
    assert 40 < (c.wide["total"] == 0).sum() < 140
    assert 40 < c.wide["total"].isna().sum() < 140


def test_bad_arguments_raise_config_errors():
    with pytest.raises(ConfigError, match="groups"):
        grid_city(groups=("only",))
    with pytest.raises(ConfigError, match="clustering"):
        grid_city(clustering=2.0)
