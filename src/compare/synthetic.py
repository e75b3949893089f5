r"""Seeded synthetic grid cities for benchmarks, property tests and demonstrations.

A synthetic city is an ``nrows x ncols`` grid of square cells (EPSG:3035). Each cell gets a
total population (Poisson, mean ``mean_population``) split into K groups by a multinomial
draw whose probabilities come from smooth random fields:

.. math:: f_k = \sqrt{c}\,\tilde g_\sigma * \varepsilon_k + \sqrt{1-c}\,\eta_k, \qquad
          \pi_{ik} = \operatorname{softmax}_k(\ln s_k + \lambda f_{ik})

with white noise :math:`\varepsilon, \eta`, a Gaussian smoothing kernel
:math:`\tilde g_\sigma` (standardised to unit variance), the clustering dial
:math:`c \in [0, 1]` (0 = no spatial autocorrelation, 1 = smooth clusters), the
segregation strength :math:`\lambda` (0 = every cell has the city's expected composition)
and expected city-wide shares :math:`s_k`.

Everything produced is marked synthetic: ``city`` starts with ``"synthetic-"`` and
``vintage`` is ``"synthetic"``, so it cannot be mistaken for real data. Same arguments and
seed give the same city.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compare.errors import ConfigError
from compare.model import METRIC_CRS, GroupDefinition

__all__ = ["SyntheticCity", "grid_city"]

_ORIGIN = (4_550_000.0, 3_270_000.0)  # lower-left corner in EPSG:3035 (Central Europe)


@dataclass
class SyntheticCity:
    """A synthetic grid city in the workbench's canonical tables.

    Attributes
    ----------
    areas : geopandas.GeoDataFrame or pandas.DataFrame
        Canonical areas (square cells, EPSG:3035); without ``geometry`` when
        ``geometry=False`` (cell centres in ``x``, ``y`` columns instead).
    population : pandas.DataFrame
        Canonical long table ``city, area_id, period, variable, count, vintage``.
    wide : pandas.DataFrame
        One row per cell and period: ``city, area_id, period, vintage``, one column per group,
        ``total``, and ``row``, ``col`` (grid position).
    group_definition : GroupDefinition
        Focus group = first group, total = ``"total"``, partition = all groups.
    nrows, ncols : int
        Grid shape (cells are in row-major order, as :func:`libpysal.weights.lat2SW`).
    """

    areas: object
    population: pd.DataFrame
    wide: pd.DataFrame
    group_definition: GroupDefinition
    nrows: int
    ncols: int

    def weights(self, kind: str = "rook"):
        """Sparse binary contiguity of the grid (``"rook"`` or ``"queen"``), cell order."""
        from compare.indicators.spatial import grid_weights

        return grid_weights(self.nrows, self.ncols, kind)


def _field(rng, nrows, ncols, clustering, scale):
    from scipy.ndimage import gaussian_filter

    white = rng.standard_normal((nrows, ncols))
    if clustering <= 0:
        return white
    smooth = gaussian_filter(rng.standard_normal((nrows, ncols)), sigma=scale, mode="wrap")
    smooth = smooth - smooth.mean()
    sd = smooth.std()
    smooth = smooth / sd if sd > 0 else smooth
    return np.sqrt(clustering) * smooth + np.sqrt(1 - clustering) * white


def grid_city(
    nrows: int = 20,
    ncols: int = 20,
    *,
    groups: Sequence[str] = ("group", "other"),
    shares: Sequence[float] | None = None,
    segregation: float = 1.0,
    clustering: float = 0.7,
    cluster_scale: float = 3.0,
    mean_population: float = 200.0,
    periods: Sequence[str] = ("2020",),
    trend: float = 0.0,
    empty_share: float = 0.0,
    suppressed_share: float = 0.0,
    cell_size: float = 250.0,
    geometry: bool = True,
    seed: int = 0,
    name: str | None = None,
) -> SyntheticCity:
    r"""Build a deterministic synthetic grid city.

    Parameters
    ----------
    nrows, ncols : int
        Grid size (``nrows * ncols`` areas; a million cells take a few seconds).
    groups : sequence of str
        Group variable names (K >= 2); the first is the focus group.
    shares : sequence of float, optional
        Expected city-wide group shares (default: focus group 0.2, the rest equal).
    segregation : float
        Strength :math:`\lambda` of the group fields (0 = no segregation beyond sampling).
    clustering : float
        Spatial clustering dial in [0, 1] (0 = random pattern, 1 = smooth clusters).
    cluster_scale : float
        Smoothing radius in cells (cluster size).
    mean_population : float
        Mean total population per cell (Poisson).
    periods : sequence of str
        Period labels; each period is a fresh draw from the same fields, the focus group's
        log-odds shifted by ``trend`` per period.
    trend : float
        Change of the focus group's log-odds per period.
    empty_share, suppressed_share : float
        Shares of cells with zero population / with suppressed (``NaN``) counts.
    cell_size : float
        Cell side in metres.
    geometry : bool
        Build square polygons (skip for huge grids).
    seed : int
        Random seed; same arguments and seed give the same city.
    name : str, optional
        City name; always prefixed ``"synthetic-"``.

    Returns
    -------
    SyntheticCity

    Examples
    --------
    >>> city = grid_city(4, 5, seed=1)
    >>> len(city.areas), city.population["city"].iloc[0], city.areas.crs.to_epsg()
    (20, 'synthetic-s1', 3035)
    >>> city.wide[["group", "other"]].sum(axis=1).equals(city.wide["total"])
    True
    """
    groups = list(groups)
    k = len(groups)
    if k < 2 or len(set(groups)) != k or "total" in groups:
        raise ConfigError(
            f"groups must be >= 2 distinct names other than 'total', got {groups}", key="groups"
        )
    if nrows < 1 or ncols < 1:
        raise ConfigError(f"grid must have at least one cell, got {nrows}x{ncols}", key="nrows")
    if not 0 <= clustering <= 1:
        raise ConfigError(f"clustering must be in [0, 1], got {clustering}", key="clustering")
    if shares is None:
        shares = [0.2] + [0.8 / (k - 1)] * (k - 1)
    shares = np.asarray(shares, dtype=float)
    if len(shares) != k or (shares <= 0).any():
        raise ConfigError(f"shares must be {k} positive numbers, got {list(shares)}", key="shares")
    shares = shares / shares.sum()
    city = "synthetic-" + (name if name is not None else f"s{seed}")
    if not city.startswith("synthetic-"):
        city = "synthetic-" + city
    rng = np.random.default_rng(seed)
    n = nrows * ncols
    fields = np.stack(
        [_field(rng, nrows, ncols, clustering, cluster_scale).ravel() for _ in range(k)], axis=1
    )
    base_logits = np.log(shares)[None, :] + segregation * fields
    empty = rng.random(n) < empty_share
    area_id = np.char.zfill(np.arange(n).astype(str), len(str(n - 1)))
    rows_, cols_ = np.divmod(np.arange(n), ncols)

    frames = []
    for step, period in enumerate(periods):
        logits = base_logits.copy()
        logits[:, 0] += trend * step
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        total = rng.poisson(mean_population, n)
        total[empty] = 0
        counts = rng.multinomial(total, probs).astype(float)
        tot = counts.sum(axis=1)
        suppressed = rng.random(n) < suppressed_share
        counts[suppressed] = np.nan
        tot[suppressed] = np.nan
        wide = pd.DataFrame(counts, columns=groups)
        wide["total"] = tot
        wide.insert(0, "city", city)
        wide.insert(1, "area_id", area_id)
        wide.insert(2, "period", str(period))
        wide.insert(3, "vintage", "synthetic")
        wide["row"] = rows_
        wide["col"] = cols_
        frames.append(wide)
    wide = pd.concat(frames, ignore_index=True)

    long = wide.melt(
        id_vars=["city", "area_id", "period", "vintage"],
        value_vars=[*groups, "total"],
        var_name="variable",
        value_name="count",
    )[["city", "area_id", "period", "variable", "count", "vintage"]]

    x0 = _ORIGIN[0] + cols_ * cell_size
    y0 = _ORIGIN[1] + (nrows - 1 - rows_) * cell_size
    base = pd.DataFrame(
        {
            "city": city,
            "area_id": area_id,
            "area_name": [f"cell {r},{c}" for r, c in zip(rows_, cols_, strict=True)]
            if n <= 200_000
            else area_id,
            "area_level": "grid",
            "vintage": "synthetic",
        }
    )
    if geometry:
        import geopandas as gpd
        import shapely

        geom = shapely.box(x0, y0, x0 + cell_size, y0 + cell_size)
        areas = gpd.GeoDataFrame(base, geometry=geom, crs=METRIC_CRS)
    else:
        areas = base.assign(x=x0 + cell_size / 2, y=y0 + cell_size / 2)
    gd = GroupDefinition(
        "synthetic",
        group=groups[0],
        total="total",
        groups=tuple(groups),
        label=f"Synthetic: {groups[0]} vs all ({k} groups)",
    )
    return SyntheticCity(
        areas=areas, population=long, wide=wide, group_definition=gd, nrows=nrows, ncols=ncols
    )
