import warnings

import geopandas as gpd
import numpy as np
import pytest
import scipy.sparse as sp
from shapely.geometry import box

from compare.errors import ConfigError, DataError
from compare.indicators import (
    contiguity_weights,
    dissimilarity,
    grid_weights,
    morans_i,
    spatial_dissimilarity,
)
from compare.indicators.spatial import parse_weights


def _grid_gdf(nr, nc, x, t):
    geoms = [box(c, -r, c + 1, -r + 1) for r in range(nr) for c in range(nc)]
    return gpd.GeoDataFrame({"x": x, "t": t}, geometry=geoms, crs=3035)


def test_grid_weights_equal_contiguity_of_grid_polygons():
    g = _grid_gdf(4, 5, np.ones(20), np.ones(20))
    for kind in ("rook", "queen"):
        diff = grid_weights(4, 5, kind) - contiguity_weights(g, kind)
        assert abs(diff).sum() == 0


def test_grid_weights_are_sparse_with_four_neighbours_inside():
    w = grid_weights(50, 40, "rook")
    assert sp.issparse(w)
    assert w.nnz == 2 * (50 * 39 + 49 * 40)


def test_spatial_dissimilarity_worked_example_on_a_line():
    # D = 1; neighbour pairs (ordered): 6, only the middle one differs (twice): 2/6
    w = grid_weights(1, 4, "rook")
    assert spatial_dissimilarity([10, 10, 0, 0], [10] * 4, w) == pytest.approx(1 - 2 / 6)


def test_spatial_dissimilarity_without_neighbours_term_is_below_aspatial():
    rng = np.random.default_rng(0)
    t = rng.integers(10, 100, 36).astype(float)
    x = rng.binomial(t.astype(int), 0.3).astype(float)
    assert spatial_dissimilarity(x, t, grid_weights(6, 6)) < dissimilarity(x, t)


def test_spatial_dissimilarity_and_morans_i_match_pysal_and_esda():
    import esda
    from libpysal.weights import Queen
    from segregation.singlegroup import SpatialDissim

    rng = np.random.default_rng(1)
    t = rng.integers(50, 500, 80).astype(float)
    x = rng.binomial(t.astype(int), rng.beta(2, 3, 80)).astype(float)
    g = _grid_gdf(8, 10, x, t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wq = Queen.from_dataframe(g, use_index=False)
        ref = SpatialDissim(g, "x", "t", w=wq).statistic
        mor = esda.Moran(x / t, wq, permutations=0)
    assert spatial_dissimilarity(x, t, contiguity_weights(g, "queen")) == pytest.approx(ref, abs=1e-9)
    ours = morans_i(x / t, grid_weights(8, 10, "queen"))
    assert ours.I == pytest.approx(mor.I, abs=1e-9)
    assert ours.z_norm == pytest.approx(mor.z_norm, abs=1e-9)
    assert ours.p_norm == pytest.approx(mor.p_norm, abs=1e-9)


def test_empty_area_is_removed_here_but_kept_as_share_zero_by_pysal():
    from libpysal.weights import Rook
    from segregation.singlegroup import SpatialDissim

    x = np.array([8.0, 6, 0, 2, 1, 0, 5, 3, 1])
    t = np.array([10.0, 10, 0, 10, 10, 10, 10, 10, 10])  # centre-top cell empty
    g = _grid_gdf(3, 3, x, t)
    keep = t > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pysal_all = SpatialDissim(g, "x", "t", w=Rook.from_dataframe(g, use_index=False))
        sub = g[keep].reset_index(drop=True)
        pysal_sub = SpatialDissim(sub, "x", "t", w=Rook.from_dataframe(sub, use_index=False))
    ours = spatial_dissimilarity(x, t, grid_weights(3, 3, "rook"))
    assert ours == pytest.approx(pysal_sub.statistic, abs=1e-12)
    assert abs(ours - pysal_all.statistic) > 1e-3


def test_morans_i_permutation_p_value_is_small_for_a_clustered_grid():
    y = np.r_[np.ones(50), np.zeros(50)]
    res = morans_i(y, grid_weights(10, 10), permutations=199, seed=0)
    assert res.I > 0.8
    assert res.p_sim == pytest.approx(1 / 200)
    assert "Moran's I" in res.summary()
    assert res.to_frame().loc[0, "n"] == 100


def test_morans_i_rejects_nan_values():
    with pytest.raises(DataError, match="NaN"):
        morans_i([1.0, np.nan, 2.0, 3.0], grid_weights(2, 2))


def test_weights_shape_mismatch_is_an_error():
    with pytest.raises(DataError, match="shape"):
        spatial_dissimilarity([1, 2, 3], [5, 5, 5], grid_weights(2, 2))


def test_parse_weights_accepts_knn_and_rejects_nonsense():
    assert parse_weights("KNN:4") == ("knn", 4)
    with pytest.raises(ConfigError, match="rook"):
        parse_weights("bishop")


def test_knn_weights_have_k_neighbours_each():
    g = _grid_gdf(3, 4, np.ones(12), np.ones(12))
    w = contiguity_weights(g, "knn:3")
    assert (np.asarray(w.sum(axis=1)).ravel() == 3).all()
