r"""Spatial segregation indices on sparse contiguity weights.

Weights are ``scipy.sparse`` matrices (binary contiguity or k nearest neighbours) built with
libpysal from polygons (:func:`contiguity_weights`) or directly for regular grids
(:func:`grid_weights`, :func:`libpysal.weights.lat2SW`). No function here builds an
:math:`n \times n` dense matrix, so a million areas fit in memory (PySAL's
``SpatialDissim`` densifies the matrix and cannot).

Rules: areas with suppressed counts or zero population are not part of the neighbourhood
structure (their rows and columns are removed from the weights). PySAL ``SpatialDissim``
instead keeps an empty area with share 0, which lowers the neighbour term next to empty
areas (parks, airports); with no empty areas both agree to 1e-9 (tested).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy import stats

from compare.errors import ConfigError, DataError
from compare.indicators._core import IndexSpec, Stacked, from_arrays, seg_sum
from compare.indicators.twogroup import _dissimilarity
from compare.summary import Summary

__all__ = [
    "contiguity_weights",
    "grid_weights",
    "parse_weights",
    "spatial_dissimilarity",
    "morans_i",
    "MoranResult",
    "SPATIAL_INDICES",
    "SPATIAL_SPECS",
]


def parse_weights(spec: str) -> tuple[str, int | None]:
    """Parse a weights specification ``"rook"``, ``"queen"`` or ``"knn:K"``.

    Examples
    --------
    >>> parse_weights("knn:6")
    ('knn', 6)
    """
    spec = str(spec).strip().lower()
    if spec in ("rook", "queen"):
        return spec, None
    if spec.startswith("knn:"):
        try:
            k = int(spec[4:])
        except ValueError:
            k = 0
        if k >= 1:
            return "knn", k
    raise ConfigError(
        f"unknown spatial weights {spec!r}; expected 'rook', 'queen' or 'knn:K' (K >= 1)",
        key="weights",
    )


def contiguity_weights(geometry, kind: str = "queen") -> sp.csr_matrix:
    """Binary spatial weights of polygons as a sparse matrix in row order.

    Parameters
    ----------
    geometry : geopandas.GeoSeries or GeoDataFrame
        Polygons (metric CRS for ``knn``: centroid distances).
    kind : {"queen", "rook", "knn:K"}
        Queen (shared vertex), rook (shared edge) contiguity, or K nearest neighbours.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n, n)`` with 1 where area j neighbours area i. Islands have empty rows.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoSeries([box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 1, 3, 2)])
    >>> contiguity_weights(g, "rook").toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """
    import geopandas as gpd
    from libpysal import weights

    name, k = parse_weights(kind)
    gdf = (
        geometry
        if isinstance(geometry, gpd.GeoDataFrame)
        else gpd.GeoDataFrame(geometry=gpd.GeoSeries(geometry).reset_index(drop=True))
    )
    gdf = gdf[[gdf.geometry.name]].reset_index(drop=True)
    n = len(gdf)
    if n == 0:
        return sp.csr_matrix((0, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "queen":
            w = weights.Queen.from_dataframe(gdf, use_index=False)
        elif name == "rook":
            w = weights.Rook.from_dataframe(gdf, use_index=False)
        else:
            if n <= k:
                raise DataError(f"knn:{k} weights need more than {k} areas, got {n}", column="geometry")
            w = weights.KNN.from_dataframe(gdf, k=k, use_index=False)
    m = w.sparse.tocsr().astype(float)
    m.data[:] = 1.0
    return m


def grid_weights(nrows: int, ncols: int, kind: str = "rook") -> sp.csr_matrix:
    """Binary contiguity of a regular grid (row-major cell order), built sparsely.

    Uses :func:`libpysal.weights.lat2SW`; memory grows with the number of neighbour pairs.

    Examples
    --------
    >>> grid_weights(2, 2, "rook").toarray().astype(int).tolist()
    [[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]]
    """
    from libpysal.weights import lat2SW

    name, _ = parse_weights(kind)
    if name == "knn":
        raise ConfigError("grid_weights supports 'rook' and 'queen'", key="weights")
    return lat2SW(nrows, ncols, criterion=name).tocsr().astype(float)


def _stack_check(w: sp.spmatrix, n: int) -> sp.csr_matrix:
    w = sp.csr_matrix(w, dtype=float)
    if w.shape != (n, n):
        raise DataError(f"weights have shape {w.shape}; expected ({n}, {n}), one row per area")
    return w


def _spatial_dissimilarity(s: Stacked, w: sp.csr_matrix) -> np.ndarray:
    """Kernel: Morrill's D(adj) per segment; ``w`` is block-diagonal in stacked order."""
    d = _dissimilarity(s)
    coo = w.tocoo()
    p = s.x / s.t
    seg_of = s.seg[coo.row]
    num = np.bincount(seg_of, coo.data * np.abs(p[coo.row] - p[coo.col]), s.n_segments)
    den = np.bincount(seg_of, coo.data, s.n_segments)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, d - num / den, np.nan)


def spatial_dissimilarity(group: ArrayLike, total: ArrayLike, w) -> float:
    r"""Spatial (adjacency-adjusted) dissimilarity D(adj) (Morrill 1991).

    .. math:: D(adj) = D - \frac{\sum_i \sum_j c_{ij} |p_i - p_j|}{\sum_i \sum_j c_{ij}}

    with :math:`c_{ij}` binary contiguity (1 if areas i and j are neighbours). Same as PySAL
    ``SpatialDissim`` (``standardize=False``) when no area is empty.

    Parameters
    ----------
    group, total : array-like
        Counts per area, in the order of the weights' rows.
    w : scipy.sparse matrix or libpysal.weights.W
        Binary contiguity weights.

    Examples
    --------
    >>> import numpy as np
    >>> w = grid_weights(1, 4, "rook")
    >>> round(spatial_dissimilarity([10, 10, 0, 0], [10, 10, 10, 10], w), 6)  # 1 - 1/3
    0.666667
    """
    w = getattr(w, "sparse", w)
    x = np.asarray(group, dtype=float)
    t = np.asarray(total, dtype=float)
    w = _stack_check(w, len(x))
    keep = ~(np.isnan(x) | np.isnan(t)) & (t > 0)
    s = from_arrays(x[keep], t[keep], name="spatial_dissimilarity")
    return float(_spatial_dissimilarity(s, w[keep][:, keep])[0])


@dataclass
class MoranResult:
    """Global Moran's I with its normal-approximation and permutation inference.

    Attributes match esda's ``Moran`` (``I``, ``EI``, ``z_norm``, ``p_norm``, ``p_sim``).
    """

    I: float  # noqa: E741
    EI: float
    VI_norm: float
    z_norm: float
    p_norm: float
    p_sim: float | None
    n: int
    permutations: int

    def summary(self) -> Summary:
        """Summary of the statistic (text with ``print``, HTML in Jupyter)."""
        info = [
            ("Moran's I", self.I),
            ("E[I]", self.EI),
            ("z", f"{self.z_norm:.2f}"),
            ("p(normal)", f"{self.p_norm:.4g}"),
            ("n", self.n),
        ]
        if self.p_sim is not None:
            info.append((f"pseudo p ({self.permutations} permutations)", self.p_sim))
        return Summary("Moran's I (global spatial autocorrelation)", info=info)

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def to_frame(self) -> pd.DataFrame:
        """Tidy one-row table of the statistics."""
        return pd.DataFrame([self.__dict__])


def _row_standardize(w: sp.csr_matrix) -> sp.csr_matrix:
    rs = np.asarray(w.sum(axis=1)).ravel()
    inv = np.divide(1.0, rs, out=np.zeros_like(rs), where=rs > 0)
    return sp.diags(inv) @ w


def _moran_parts(s: Stacked, y: np.ndarray, w: sp.csr_matrix):
    """Per segment: I, EI, VI_norm under normality, for values ``y`` in stacked order."""
    n = s.n_areas.astype(float)
    mean = seg_sum(y, s.starts) / n
    z = y - mean[s.seg]
    coo = w.tocoo()
    nseg = s.n_segments
    seg_of = s.seg[coo.row]
    num = np.bincount(seg_of, coo.data * z[coo.row] * z[coo.col], nseg)
    den = seg_sum(z * z, s.starts)
    s0 = np.bincount(seg_of, coo.data, nseg)
    sym = (w + w.T).tocoo()
    s1 = 0.5 * np.bincount(s.seg[sym.row], sym.data**2, nseg)
    rsum = np.asarray(w.sum(axis=1)).ravel()
    csum = np.asarray(w.sum(axis=0)).ravel()
    s2 = seg_sum((rsum + csum) ** 2, s.starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        moran = n / s0 * num / den
        ei = -1.0 / (n - 1)
        vi = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0) - ei * ei
    return moran, ei, vi, z


def _morans_i(s: Stacked, w: sp.csr_matrix, transform: str = "r") -> np.ndarray:
    """Kernel: Moran's I of the group share per segment (``w`` block-diagonal, binary)."""
    w = _row_standardize(w) if transform == "r" else w
    moran, _, _, _ = _moran_parts(s, s.x / s.t, w)
    return moran


def morans_i(
    values: ArrayLike,
    w,
    *,
    transform: str = "r",
    permutations: int = 0,
    seed: int | None = None,
) -> MoranResult:
    r"""Global Moran's I of an area attribute (e.g. the group share) on sparse weights.

    .. math:: I = \frac{n}{S_0}\frac{\sum_i\sum_j w_{ij} z_i z_j}{\sum_i z_i^2},
              \quad z_i = y_i - \bar y

    Moran (1950); inference as in Cliff & Ord (1981) under normality, plus an optional
    permutation test (conditional randomisation of the values). Matches ``esda.Moran``.

    Parameters
    ----------
    values : array-like
        One value per area, in the weights' row order (no NaN).
    w : scipy.sparse matrix or libpysal.weights.W
        Spatial weights (binary; row-standardised here when ``transform="r"``).
    transform : {"r", "b"}
        Row-standardised (esda's default) or binary weights.
    permutations : int
        Number of random permutations for a pseudo p-value (0 = none).
    seed : int, optional

    Returns
    -------
    MoranResult

    Examples
    --------
    >>> w = grid_weights(1, 4, "rook")
    >>> round(morans_i([1.0, 1.0, 0.0, 0.0], w).I, 4)
    0.5
    """
    w = getattr(w, "sparse", w)
    y = np.asarray(values, dtype=float).ravel()
    if np.isnan(y).any():
        raise DataError("morans_i: values contain NaN; drop those areas from values and weights")
    if transform not in ("r", "b"):
        raise ConfigError(f"transform must be 'r' or 'b', got {transform!r}", key="transform")
    w = _stack_check(w, len(y))
    if len(y) < 3:
        raise DataError(f"morans_i needs at least 3 areas, got {len(y)}")
    wt = _row_standardize(w) if transform == "r" else w
    s = Stacked(
        keys=pd.DataFrame(index=[0]),
        starts=np.array([0]),
        seg=np.zeros(len(y), dtype=np.int64),
        x=None,
        t=None,
        groups=None,
        rows=pd.DataFrame(),
        n_dropped=np.zeros(1),
        n_empty=np.zeros(1),
    )
    moran, ei, vi, z = _moran_parts(s, y, wt)
    stat = float(moran[0])
    zn = (stat - float(ei[0])) / np.sqrt(float(vi[0]))
    p_sim = None
    if permutations:
        rng = np.random.default_rng(seed)
        zz = float((z * z).sum())
        s0 = float(wt.sum())
        sims = np.empty(permutations)
        for r in range(permutations):
            zp = rng.permutation(z)
            sims[r] = len(y) / s0 * float(zp @ (wt @ zp)) / zz
        larger = (sims >= stat).sum()
        if permutations - larger < larger:
            larger = permutations - larger
        p_sim = float((larger + 1.0) / (permutations + 1.0))
    return MoranResult(
        I=stat,
        EI=float(ei[0]),
        VI_norm=float(vi[0]),
        z_norm=float(zn),
        p_norm=float(2 * stats.norm.sf(abs(zn))),
        p_sim=p_sim,
        n=len(y),
        permutations=int(permutations),
    )


def _morans_p(s: Stacked, w: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Two-sided normal-approximation p-value of the panel's Moran's I values (NaN stays NaN)."""
    _, ei, vi, _ = _moran_parts(s, s.x / s.t, _row_standardize(w))
    with np.errstate(all="ignore"):
        z = (values - ei) / np.sqrt(vi)
    return 2 * stats.norm.sf(np.abs(z))


#: description of every spatial index, in panel order
SPATIAL_SPECS: tuple[IndexSpec, ...] = (
    IndexSpec("spatial_dissimilarity", "spatial", _spatial_dissimilarity),
    IndexSpec("morans_i", "spatial", _morans_i, p_value=_morans_p),
)
#: kernel of every spatial index, by panel name
SPATIAL_INDICES = {spec.name: spec.kernel for spec in SPATIAL_SPECS}
