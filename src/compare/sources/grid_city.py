"""Which 1 km cells are "the city": urban centre at a point, a boundary, or a centre id.

The Europe-wide delineation (:func:`europe_centres`) is computed once from the fetched grid and
kept under ``data/raw/.cache`` as parquet (a data format; an unreadable or stale cache is rebuilt),
keyed by the size and modification time of every tile and by the code of the reader and the
delineation.

Cells are assigned to a boundary by their **centre** (a cell belongs to the polygon that contains
its centre point), so every cell belongs to at most one of several non-overlapping boundaries.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from compare.errors import DataError
from compare.paths import raw_dir

__all__ = [
    "grid_folder",
    "europe_grid",
    "europe_centres",
    "centre_containing",
    "cells_of_centre",
    "cells_in_boundary",
    "centre_share",
]

_DATASET_FOLDER = "europe-census-2021-grid"


def grid_folder(raw: str | Path | None = None) -> Path:
    """``data/raw/europe-census-2021-grid/1000`` (fetched from the catalog if missing)."""
    raw = Path(raw) if raw is not None else raw_dir()
    folder = raw / _DATASET_FOLDER / "1000"
    if not folder.is_dir():
        from compare.sources.catalog import fetch

        fetch(["europe-census-2021-grid"], mirror="default", dest=raw)
    if not folder.is_dir():
        raise DataError(
            "the Census 2021 grid is not fetched; run `python -m compare data fetch`", file=folder
        )
    return folder


def _key(folder: Path) -> str:
    h = hashlib.sha256()
    here = Path(__file__).parent
    for f in ("census_grid.py", "urban_centres.py", "grid_city.py"):
        h.update((here / f).read_bytes())
    for p in sorted(folder.glob("*/*.parquet")):
        st = p.stat()
        h.update(f"{p.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


_MEMO: dict = {}


def europe_grid(raw: str | Path | None = None) -> pd.DataFrame:
    """Every cell of the grid with its ``centre_id`` (``<NA>`` outside urban centres)."""
    return europe_centres(raw)[1]


def europe_centres(raw: str | Path | None = None):
    """Delineate (or read from the cache) every urban centre of the grid.

    Returns
    -------
    (UrbanCentres, pandas.DataFrame)
        The centres, and every cell of the grid with a ``centre_id`` column.

    Examples
    --------
    >>> uc, cells = europe_centres()
    >>> uc.centres.iloc[0]["country"]
    'FR'
    """
    from compare.sources.census_grid import read_grid
    from compare.sources.urban_centres import UrbanCentres, delineate_urban_centres

    raw = Path(raw) if raw is not None else raw_dir()
    folder = grid_folder(raw)
    key = _key(folder)
    if key in _MEMO:
        return _MEMO[key]
    cache = raw / ".cache"
    fc, fu = cache / f"grid-cells-{key}.parquet", cache / f"grid-centres-{key}.parquet"
    cells = centres = None
    if fc.is_file() and fu.is_file():
        try:
            cells, centres = pd.read_parquet(fc), pd.read_parquet(fu)
        except Exception:  # noqa: BLE001 - an unreadable cache is absent
            cells = centres = None
    if cells is None:
        cells = read_grid(folder)
        uc = delineate_urban_centres(cells)
        cells["centre_id"] = uc.cells.to_numpy()
        centres = uc.centres
        cache.mkdir(parents=True, exist_ok=True)
        for frame, f in ((cells, fc), (centres, fu)):
            fd, tmp = tempfile.mkstemp(dir=cache, suffix=".part")
            os.close(fd)
            try:
                frame.to_parquet(tmp, index=False)
                os.replace(tmp, f)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        for old in cache.glob("grid-c*-*.parquet"):
            if key not in old.name:
                old.unlink(missing_ok=True)
    uc = UrbanCentres(centres, cells["centre_id"])
    _MEMO.clear()
    _MEMO[key] = (uc, cells)
    return uc, cells


def centre_containing(lon: float, lat: float, raw=None) -> str:
    """Id of the urban centre containing a WGS84 point (``ConfigError`` naming the nearest otherwise).

    Finding it reads every cell of the grid (about 1.5 s); the answer is kept beside the cells
    cache in ``data/raw/.cache/centre-of-point-<key>.json``, under the same key (the grid files
    and the code that reads and delineates them), so every report of a grid city asking which
    centre it is reads a small file instead. A point in no centre is not kept (it raises).

    Examples
    --------
    >>> centre_containing(2.3522, 48.8566)  # Paris  # doctest: +SKIP
    'FR...'
    """
    import json

    from compare.files import atomic_write_text
    from compare.sources.urban_centres import centre_at

    raw = Path(raw) if raw is not None else raw_dir()
    key = _key(grid_folder(raw))
    memo = raw / ".cache" / f"centre-of-point-{key}.json"
    point = f"{float(lon)!r},{float(lat)!r}"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # absent or unreadable: found again
        known = {}
    if isinstance(known, dict) and isinstance(known.get(point), str):
        return known[point]
    uc, cells = europe_centres(raw)
    centre = centre_at(uc, cells, lon, lat)
    known = known if isinstance(known, dict) else {}
    known[point] = centre
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(memo, json.dumps(known, indent=0, sort_keys=True))
        for old in memo.parent.glob("centre-of-point-*.json"):
            if old != memo:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only data folder: found again next time
        pass
    return centre


def cells_of_centre(centre_id: str, raw=None) -> tuple[pd.DataFrame, str]:
    """The cells of one urban centre and a one-line description."""
    uc, cells = europe_centres(raw)
    sub = uc.cells_of(cells, centre_id).drop(columns="centre_id").reset_index(drop=True)
    row = uc.centres.set_index("centre_id").loc[centre_id]
    return sub, (
        f"urban centre {centre_id} ({row['country']}), {row['population']:,.0f} inhabitants, "
        f"{int(row['area_km2'])} km2 (Degree of Urbanisation on the Census 2021 grid)"
    )


def _boundary(boundary, crs=None):
    import geopandas as gpd

    if isinstance(boundary, gpd.GeoDataFrame | gpd.GeoSeries):
        g = boundary
        src = "the boundary"
    else:
        from compare.sources.generic import read_table

        g = read_table(boundary)
        src = str(boundary)
        if not isinstance(g, gpd.GeoDataFrame):
            raise DataError(
                "a boundary file needs polygon geometry; got a table without geometry", file=boundary
            )
    if g.crs is None:
        if crs is None:
            raise DataError("the boundary has no CRS; give `crs:` (e.g. EPSG:3067)", file=src)
        g = g.set_crs(crs)
    if len(g) == 0:
        raise DataError("the boundary has no features", file=src)
    types = set(g.geometry.geom_type.dropna())
    if not types <= {"Polygon", "MultiPolygon"}:
        raise DataError(f"the boundary must be polygons; found {sorted(types)}", file=src)
    return g.to_crs("EPSG:3035"), src


def cells_in_boundary(boundary, raw=None, crs=None) -> tuple[pd.DataFrame, str]:
    """The grid cells whose centre lies inside a polygon boundary (file or GeoDataFrame).

    Returns
    -------
    (pandas.DataFrame, str)
        The cells (as :func:`~compare.sources.census_grid.read_grid`, plus ``centre_id``: the
        urban centre each cell belongs to, if any) and a description.
    """
    import shapely

    g, src = _boundary(boundary, crs)
    shape = shapely.union_all(g.geometry.to_numpy())
    xmin, ymin, xmax, ymax = shape.bounds
    _, cells = europe_centres(raw)
    box = cells["x_centre"].between(xmin, xmax) & cells["y_centre"].between(ymin, ymax)
    cand = cells[box]
    inside = shapely.contains_xy(shape, cand["x_centre"].to_numpy(), cand["y_centre"].to_numpy())
    sub = cand[inside].reset_index(drop=True)
    if sub.empty:
        raise DataError(
            "no populated grid cell has its centre inside the boundary (is it in the EU/EFTA, "
            "and is its CRS right?)",
            file=src,
        )
    return sub, (
        f"{len(sub)} cells whose centre lies inside {Path(src).name if src != 'the boundary' else src} "
        f"({shape.area / 1e6:,.0f} km2)"
    )


def centre_share(cells: pd.DataFrame) -> pd.DataFrame:
    """How the population of some cells splits over urban centres (``centre_id, population, share``)."""
    pop = cells["population"].fillna(0)
    t = pop.groupby(cells["centre_id"].fillna("outside")).sum()
    share = t.to_numpy() / max(pop.sum(), 1)
    return pd.DataFrame({"centre_id": t.index, "population": t.to_numpy(), "share": share})

