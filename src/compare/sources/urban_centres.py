"""Urban centres of the Degree of Urbanisation, delineated on the Census 2021 1 km grid.

Method (Eurostat et al. 2021, *Applying the Degree of Urbanisation: a methodological manual to
define cities, towns and rural areas for international comparisons*, 2021 edition, chapter 2
"urban centres"; Eurostat Statistics Explained glossaries "Urban centre" and "Contiguous grid
cells"):

1. **High-density cells**: cells with a density of at least 1,500 inhabitants per km² of
   permanent land (population / the cell's land share).
2. **Clusters**: high-density cells grouped by 4-point contiguity (edges only, no diagonals).
3. **Size**: clusters with at least 50,000 inhabitants are kept.
4. **Gap filling**: holes inside a cluster (cells not in it and enclosed by it, 4-connected)
   smaller than 15 km² are added.
5. **Edge smoothing** (majority rule): a cell not in a centre with at least five of its eight
   neighbours in one centre is added to it, repeated until no cell is added.

Simplifications, stated so that figures are read correctly:

- No built-up layer. The 2021 manual also lets a cell with at least 50% built-up surface join
  a cluster (the GHSL implementation); the Census grid carries no built-up surface, so only the
  density criterion is applied. Centres can therefore be slightly smaller than Eurostat's
  published GHSL-based urban centres, most of all around large non-residential built-up areas.
- The population is the census grid's (2021), not a disaggregated population raster.
- Centres are delineated across borders (cells do not know their country); the ``country`` of a
  centre is that of its population-weighted centroid (Natural Earth 1:110m country polygons when
  available, the nearest country for a centroid on the coast).

The raster is built over the bounding box of the populated cells; labelling, hole filling and
the majority filter are vectorised with :mod:`scipy.ndimage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.model import require_columns

__all__ = [
    "DENSITY_THRESHOLD",
    "SIZE_THRESHOLD",
    "MAX_GAP_KM2",
    "UrbanCentres",
    "delineate_urban_centres",
    "centre_at",
]

DENSITY_THRESHOLD = 1500.0
SIZE_THRESHOLD = 50_000.0
MAX_GAP_KM2 = 15

_CENTRE_COLUMNS = ["centre_id", "country", "population", "cells", "area_km2", "lon", "lat", "x", "y"]
_ROOK = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
_QUEEN8 = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.int32)


@dataclass
class UrbanCentres:
    """Delineated urban centres.

    Attributes
    ----------
    centres : pandas.DataFrame
        One row per centre: ``centre_id`` (``UC0001`` = most populous), ``country``,
        ``population``, ``cells`` (grid cells with population data), ``area_km2`` (cells of the
        centre including unpopulated cells added by gap filling or smoothing), ``lon``, ``lat``
        (population-weighted centroid, WGS84), ``x``, ``y`` (the same in EPSG:3035).
    cells : pandas.Series
        ``centre_id`` per grid cell (index aligned with the cell frame; ``<NA>`` outside centres).
    """

    centres: pd.DataFrame
    cells: pd.Series

    def cells_of(self, grid: pd.DataFrame, centre_id: str) -> pd.DataFrame:
        """The grid cells of one centre."""
        if centre_id not in set(self.centres["centre_id"]):
            raise ConfigError(
                f"unknown urban centre {centre_id!r}; e.g. {self.centres['centre_id'].head(5).tolist()}",
                key="centre",
            )
        return grid[self.cells.to_numpy() == centre_id]


def _raster(cells: pd.DataFrame):
    col = (cells["easting"].to_numpy() // 1000).astype(np.int64)
    row = (cells["northing"].to_numpy() // 1000).astype(np.int64)
    c0, r0 = col.min() - 1, row.min() - 1  # one empty cell of margin all round
    shape = (int(row.max() - r0 + 2), int(col.max() - c0 + 2))
    return row - r0, col - c0, shape


def delineate_urban_centres(
    cells: pd.DataFrame,
    *,
    density: float = DENSITY_THRESHOLD,
    min_population: float = SIZE_THRESHOLD,
    max_gap_km2: int = MAX_GAP_KM2,
    countries: bool = True,
) -> UrbanCentres:
    """Delineate every urban centre of a grid of 1 km cells.

    Parameters
    ----------
    cells : pandas.DataFrame
        Cells with ``easting``, ``northing`` (lower-left corner, EPSG:3035 metres, multiples of
        1000), ``population`` and optionally ``land_share`` (as :func:`read_grid` returns).
        A cell whose total population is confidential (missing) counts as not dense.
    density, min_population, max_gap_km2 :
        Thresholds of the manual (1,500 inhabitants per km² of land, 50,000 inhabitants,
        holes under 15 km²).
    countries : bool
        Attach the country of each centre (Natural Earth, when available).

    Returns
    -------
    UrbanCentres

    Examples
    --------
    A 3 x 3 block of 6,000 inhabitants per cell (54,000 people) is one centre; a lone dense
    cell is not:

    >>> import pandas as pd
    >>> e = [x * 1000 for x in range(3) for _ in range(3)] + [10_000]
    >>> n = [y * 1000 for _ in range(3) for y in range(3)] + [0]
    >>> g = pd.DataFrame({"easting": e, "northing": n, "population": [6000.0] * 9 + [9000.0]})
    >>> uc = delineate_urban_centres(g, countries=False)
    >>> uc.centres[["centre_id", "population", "cells"]].values.tolist()
    [['UC0001', 54000.0, 9]]
    """
    from scipy import ndimage

    require_columns(cells, ["easting", "northing", "population"], what="cell table")
    if len(cells) == 0:
        raise DataError("no cells to delineate", column="population")
    if (cells["easting"] % 1000 != 0).any() or (cells["northing"] % 1000 != 0).any():
        raise DataError("cell corners must be multiples of 1000 m (1 km grid, EPSG:3035)", column="easting")
    r, c, shape = _raster(cells)
    pop = cells["population"].to_numpy(float)
    land = cells["land_share"].to_numpy(float) if "land_share" in cells.columns else np.ones(len(cells))
    land = np.where(land > 0, land, 1.0)  # a cell with population but no land share: per cell km²
    dens = np.where(np.isnan(pop), 0.0, pop) / land
    popr = np.zeros(shape, dtype=np.float64)
    popr[r, c] = np.nan_to_num(pop)

    # 1-3: dense cells, 4-connected clusters, >= 50,000 inhabitants
    dense = np.zeros(shape, dtype=bool)
    dense[r, c] = dens >= density
    lab, n = ndimage.label(dense, structure=_ROOK)
    if n:
        sizes = ndimage.sum_labels(popr, lab, index=np.arange(1, n + 1))
        keep = np.concatenate([[False], sizes >= min_population])
        lab = np.where(keep[lab], lab, 0)
    centre = lab > 0

    # 4-5: gap filling and majority-rule smoothing, iterated until stable, window by window
    # (each window holds centres within a few km of each other, with a margin of empty cells)
    pad = 12
    zones, _ = ndimage.label(ndimage.binary_dilation(centre, iterations=3), structure=np.ones((3, 3), bool))
    for k, sl in enumerate(ndimage.find_objects(zones), start=1):
        r0, r1 = max(sl[0].start - pad, 0), min(sl[0].stop + pad, shape[0])
        c0, c1 = max(sl[1].start - pad, 0), min(sl[1].stop + pad, shape[1])
        win = np.where(zones[r0:r1, c0:c1] == k, lab[r0:r1, c0:c1], 0)  # this zone's centres only
        done = _fill_and_smooth(win, max_gap_km2)
        grew = done != win
        edge = np.concatenate([
            grew[:2].ravel(), grew[-2:].ravel(), grew[:, :2].ravel(), grew[:, -2:].ravel()]
        )
        if edge.any():
            lab = _fill_and_smooth(lab, max_gap_km2)  # grew to the window's edge: do it on the whole raster
            break
        lab[r0:r1, c0:c1] = np.where(grew, done, lab[r0:r1, c0:c1])

    # results: renumber by population (UC0001 = largest)
    cell_lab = lab[r, c]
    labels = np.unique(lab[lab > 0])
    if len(labels) == 0:
        empty = pd.DataFrame(columns=_CENTRE_COLUMNS)
        return UrbanCentres(empty, pd.Series(pd.NA, index=cells.index, dtype="string"))
    df = pd.DataFrame(
        {"label": cell_lab, "pop": np.nan_to_num(pop), "x": cells["easting"].to_numpy() + 500.0,
         "y": cells["northing"].to_numpy() + 500.0}
    )  # fmt: skip
    df = df[df["label"] > 0]
    df["px"], df["py"] = df["pop"] * df["x"], df["pop"] * df["y"]
    agg = df.groupby("label").agg(
        population=("pop", "sum"), cells=("pop", "size"), px=("px", "sum"), py=("py", "sum")
    )
    agg["area_km2"] = pd.Series(np.bincount(lab.ravel())[agg.index.to_numpy()], index=agg.index)
    agg["x"] = agg["px"] / agg["population"]
    agg["y"] = agg["py"] / agg["population"]
    agg = agg.sort_values(["population", "x"], ascending=[False, True])
    width = max(4, len(str(len(agg))))
    agg["centre_id"] = [f"UC{i + 1:0{width}d}" for i in range(len(agg))]
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True).transform(
        agg["x"].to_numpy(), agg["y"].to_numpy()
    )
    agg["lon"], agg["lat"] = np.round(lon, 5), np.round(lat, 5)
    agg["country"] = _countries(agg["lon"].to_numpy(), agg["lat"].to_numpy()) if countries else ""
    centres = agg.reset_index(drop=True)[_CENTRE_COLUMNS]
    ids = pd.Series(agg["centre_id"].to_numpy(), index=agg.index)
    per_cell = pd.Series(pd.array(ids.reindex(cell_lab).to_numpy(), dtype="string"), index=cells.index)
    return UrbanCentres(centres, per_cell)


def _fill_and_smooth(lab: np.ndarray, max_gap_km2: int) -> np.ndarray:
    """Gap filling (holes < ``max_gap_km2`` cells) and majority-rule smoothing until stable."""
    from scipy import ndimage

    lab = lab.copy()
    centre = lab > 0
    for _ in range(10_000):
        before = int(centre.sum())
        holes, nh = ndimage.label(~centre, structure=_ROOK)
        if nh:
            hsize = np.bincount(holes.ravel(), minlength=nh + 1)
            border = np.unique(np.concatenate([holes[0], holes[-1], holes[:, 0], holes[:, -1]]))
            small = hsize < max_gap_km2
            small[0] = False
            small[border] = False
            fill = small[holes]
            if fill.any():
                # a filled hole joins the centre around it (the largest neighbouring label)
                grown = ndimage.grey_dilation(lab, footprint=_ROOK)
                idx = np.flatnonzero(fill)
                hole_lab = np.zeros(nh + 1, dtype=lab.dtype)
                np.maximum.at(hole_lab, holes.ravel()[idx], grown.ravel()[idx])
                lab.ravel()[idx] = hole_lab[holes.ravel()[idx]]
                centre = lab > 0
        nb = ndimage.convolve(centre.astype(np.int32), _QUEEN8, mode="constant")
        add = (~centre) & (nb >= 5)
        if add.any():
            grown = ndimage.grey_dilation(lab, size=(3, 3))
            lab = np.where(add, grown, lab)
            centre = lab > 0
        if int(centre.sum()) == before:
            return lab
    raise RuntimeError("urban-centre smoothing did not converge")  # pragma: no cover


#: Natural Earth country names -> ISO 3166-1 alpha-2 codes (Eurostat uses EL for Greece).
_ISO2 = {
    "Albania": "AL", "Austria": "AT", "Belgium": "BE", "Bosnia and Herz.": "BA", "Bulgaria": "BG",
    "Croatia": "HR", "Cyprus": "CY", "Czechia": "CZ", "Denmark": "DK", "Estonia": "EE", "Finland": "FI",
    "France": "FR", "Germany": "DE", "Greece": "EL", "Hungary": "HU", "Iceland": "IS", "Ireland": "IE",
    "Italy": "IT", "Kosovo": "XK", "Latvia": "LV", "Lithuania": "LT", "Luxembourg": "LU", "Macedonia": "MK",
    "Montenegro": "ME", "Netherlands": "NL", "Norway": "NO", "Poland": "PL", "Portugal": "PT",
    "Romania": "RO", "Serbia": "RS", "Slovakia": "SK", "Slovenia": "SI", "Spain": "ES", "Sweden": "SE",
    "Switzerland": "CH",
}  # fmt: skip
#: the grid covers the EU and EFTA (Liechtenstein and Malta are missing from the 1:110m polygons:
#: their centres take the nearest country)
_GRID_COUNTRIES = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "EL", "HU", "IE", "IT", "LV", "LT",
    "LU", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "NO", "CH",
}  # fmt: skip


def _country_polygons():
    """Natural Earth 1:110m countries shipped with pyogrio's test fixtures (public domain), or None."""
    try:
        import pyogrio
    except ImportError:
        return None
    p = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
    p = p / "naturalearth_lowres.shp"
    if not p.is_file():
        return None
    import geopandas as gpd

    g = gpd.read_file(p)
    g = g.assign(country=g["name"].map(_ISO2))
    g = g[g["country"].isin(_GRID_COUNTRIES)]
    return g[["country", "geometry"]]


def _countries(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    poly = _country_polygons()
    if poly is None:
        return np.array([""] * len(lon), dtype=object)
    import geopandas as gpd

    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs("EPSG:3035")
    poly = poly.to_crs("EPSG:3035")
    j = gpd.sjoin_nearest(pts, poly, how="left")
    j = j[~j.index.duplicated()]
    return j["country"].to_numpy(object)


def centre_at(centres: UrbanCentres, cells: pd.DataFrame, lon: float, lat: float) -> str:
    """Id of the urban centre containing a point (WGS84 lon, lat).

    Raises
    ------
    ConfigError
        The point lies in no urban centre (names the nearest centre and its distance).
    """
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True).transform(lon, lat)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ConfigError(f"point ({lon}, {lat}) is not a WGS84 longitude, latitude", key="lon")
    e, n = np.floor(x / 1000) * 1000, np.floor(y / 1000) * 1000
    hit = (cells["easting"].to_numpy() == e) & (cells["northing"].to_numpy() == n)
    ids = centres.cells[hit].dropna() if hit.any() else pd.Series(dtype="string")
    if len(ids):
        return str(ids.iloc[0])
    d = np.hypot(centres.centres["x"] - x, centres.centres["y"] - y)
    i = int(np.argmin(d.to_numpy()))
    near = centres.centres.iloc[i]
    raise ConfigError(
        f"the point ({lon}, {lat}) lies in no urban centre of the Census 2021 grid; the nearest is "
        f"{near['centre_id']} ({near['country']}, {near['population']:,.0f} inhabitants, centroid "
        f"{d.iloc[i] / 1000:.1f} km away); give a point inside the city's dense core or a boundary file",
        key="lon",
    )
