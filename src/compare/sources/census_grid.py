"""Eurostat Census 2021 population grid (1 km, EU + EFTA): tiles -> a tidy frame of cells.

The grid is published by Eurostat (GEOSTAT census grid 2021) and tiled by J. Gaffuri
(``tiled-census2021``) into parquet tiles of 256 x 256 cells in ETRS89-LAEA (EPSG:3035). A tile
``1000/{tx}/{ty}.parquet`` holds one row per populated (or confidential) cell, with columns ``x``,
``y`` (cell position inside the tile), the counts and one ``*_CI`` flag per count. A cell's
lower-left corner is ``E = (tx * 256 + x) * 1000`` and ``N = (ty * 256 + y) * 1000`` metres.

Confidential values
    Eurostat marks a value confidential or not available with ``-9999``; the tiling writes ``0``
    in the value column and ``1`` in its ``*_CI`` flag. Such a value is **unknown**: this reader
    makes it missing (``NaN``), never 0, whatever the value column says, and counts it
    (:func:`confidential_counts`). A derived variable (``born_abroad`` = other EU + outside the
    EU, the totals by birth and by age) is missing where any of its parts is.

Not published (unflagged zeros)
    France, Germany and Switzerland publish no employed persons (EMP) on the grid: the tiles carry
    0 with flag 0 in almost every cell. A cell with 0 employed persons among 10 or more residents
    aged 15-64 is taken as not published (missing). :func:`mask_sparse` goes further for a city or
    an urban centre: a variable missing for more than half of its residents is treated as missing
    in all its cells, so that a definition is undefined there rather than computed on the few
    cells of a neighbouring country (Lille's urban centre reaches into Belgium).

Additivity
    Several countries protect the census with random perturbation of small counts (cell-key
    method), so the parts of a cell do not always add up to its total even where no value is
    flagged (``NAT + EU_OTH + OTH`` differs from ``T`` in about a fifth of the unflagged cells of
    Europe, mostly by 1-5 persons). The group definitions of the grid therefore use the sum of
    the parts as their total (``population_by_birth``, ``population_by_age``), so that the groups
    always partition the total they are compared with.

Canonical variables (:data:`GRID_VARIABLES`)
    ``population`` (T), ``males``, ``females``, ``age_under_15``, ``age_15_64``, ``age_65_plus``,
    ``employed`` (EMP: employed persons **of all ages**), ``born_in_country`` (NAT),
    ``born_other_eu`` (EU_OTH), ``born_outside_eu`` (OTH), ``residence_same``,
    ``moved_within_country``, ``moved_from_abroad``; derived: ``born_abroad``,
    ``population_by_birth``, ``population_by_age``, ``employed_within_15_64`` and
    ``not_employed_15_64`` (see :data:`GRID_GROUP_DEFINITIONS`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.model import DEFAULT_GROUP_DEFINITIONS, GroupDefinition, ImportReport, require_columns

__all__ = [
    "GRID_VARIABLES",
    "GRID_DERIVED",
    "GRID_GROUP_DEFINITIONS",
    "GRID_CRS",
    "GRID_PERIOD",
    "GRID_VINTAGE",
    "TILE_SIZE",
    "CELL_SIZE",
    "tile_paths",
    "read_tile",
    "read_grid",
    "cell_polygons",
    "grid_population",
    "confidential_counts",
    "cell_id",
    "mask_sparse",
]

GRID_CRS = "EPSG:3035"
GRID_PERIOD = "2021"
GRID_VINTAGE = "census-grid-2021-1km"
TILE_SIZE = 256
CELL_SIZE = 1000
#: zero employed persons among at least this many residents aged 15-64 means "not published"
UNPUBLISHED_MIN_AGE_15_64 = 10
#: a variable missing for more than this share of a city's residents is treated as not published there
SPARSE_SHARE = 0.5

#: tile column -> canonical variable name
GRID_VARIABLES: dict[str, str] = {
    "T": "population",
    "M": "males",
    "F": "females",
    "Y_LT15": "age_under_15",
    "Y_1564": "age_15_64",
    "Y_GE65": "age_65_plus",
    "EMP": "employed",
    "NAT": "born_in_country",
    "EU_OTH": "born_other_eu",
    "OTH": "born_outside_eu",
    "SAME": "residence_same",
    "CHG_IN": "moved_within_country",
    "CHG_OUT": "moved_from_abroad",
}

#: derived variable -> how it is made (documentation; see :func:`_derive`)
GRID_DERIVED: dict[str, str] = {
    "born_abroad": "born_other_eu + born_outside_eu",
    "population_by_birth": "born_in_country + born_other_eu + born_outside_eu",
    "population_by_age": "age_under_15 + age_15_64 + age_65_plus",
    "employed_within_15_64": "employed where employed <= age_15_64, else missing (see employment_15_64)",
    "not_employed_15_64": "age_15_64 - employed_within_15_64",
}

#: Group definitions for the grid (names used in network configs); defined with the other
#: shipped definitions in :data:`compare.model.DEFAULT_GROUP_DEFINITIONS`.
GRID_GROUP_DEFINITIONS: dict[str, GroupDefinition] = {
    k: DEFAULT_GROUP_DEFINITIONS[k]
    for k in (
        "born_outside_eu", "born_abroad", "born_other_eu", "children", "older_people", "employment_15_64"
    )  # fmt: skip
}

_TILE_RE = re.compile(r"^(\d+)$")


def cell_id(easting, northing) -> np.ndarray:
    """Eurostat/GISCO grid cell code of 1 km cells from their lower-left corners (metres).

    Examples
    --------
    >>> list(cell_id([4321000], [3210000]))
    ['CRS3035RES1000mN3210000E4321000']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    e = pc.cast(pa.array(np.asarray(easting, dtype=np.int64)), pa.string())
    n = pc.cast(pa.array(np.asarray(northing, dtype=np.int64)), pa.string())
    ids = pc.binary_join_element_wise("CRS3035RES1000mN", n, "E", e, "")
    return pd.array(ids, dtype="string")


def tile_paths(folder: str | Path) -> list[tuple[int, int, Path]]:
    """The tiles of a grid folder as ``(tx, ty, path)``, sorted.

    ``folder`` is the folder that holds ``{tx}/{ty}.parquet`` (``.../europe-census-2021-grid/1000``)
    or its parent.
    """
    folder = Path(folder)
    if (folder / "1000").is_dir():
        folder = folder / "1000"
    if not folder.is_dir():
        raise DataError("grid folder not found; run `python -m compare data fetch`", file=folder)
    out = []
    for p in folder.glob("*/*.parquet"):
        tx, ty = p.parent.name, p.stem
        if not (_TILE_RE.match(tx) and _TILE_RE.match(ty)):
            raise DataError("unexpected tile name; expected {tx}/{ty}.parquet with integer tx, ty", file=p)
        out.append((int(tx), int(ty), p))
    if not out:
        raise DataError("no tiles ({tx}/{ty}.parquet) in the grid folder", file=folder)
    return sorted(out)


def _tile_of(path: Path) -> tuple[int, int]:
    tx, ty = path.parent.name, path.stem
    if not (_TILE_RE.match(tx) and _TILE_RE.match(ty)):
        raise DataError("cannot tell the tile from the path; expected .../{tx}/{ty}.parquet", file=path)
    return int(tx), int(ty)


def read_tile(path: str | Path, report: ImportReport | None = None) -> pd.DataFrame:
    """Read one grid tile into a tidy frame of cells (one row per cell).

    Parameters
    ----------
    path : str or Path
        ``.../1000/{tx}/{ty}.parquet``; ``tx``, ``ty`` are read from the path.
    report : ImportReport, optional
        Confidential values are added to ``report.suppressed``.

    Returns
    -------
    pandas.DataFrame
        ``cell_id``, ``easting``, ``northing`` (lower-left corner, EPSG:3035 metres),
        ``x_centre``, ``y_centre`` (cell centre), ``land_share``, then one float column per
        canonical variable of :data:`GRID_VARIABLES` (``NaN`` where Eurostat flagged the value
        confidential) and the derived variables of :data:`GRID_DERIVED`.

    Raises
    ------
    DataError
        Missing column, cell position outside the tile, duplicate cell or negative count (naming
        the file, the row and the column). A flag other than 0/1 is taken as confidential and
        noted in ``report.notes``.

    Examples
    --------
    >>> from compare.paths import raw_dir
    >>> t = read_tile(raw_dir() / "europe-census-2021-grid/1000/19/16.parquet")
    >>> t.loc[0, "cell_id"].startswith("CRS3035RES1000m"), bool(t["population"].dropna().ge(0).all())
    (True, True)
    """
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.is_file():
        raise DataError("grid tile not found; run `python -m compare data fetch`", file=path)
    tx, ty = _tile_of(path)
    try:
        table = pq.read_table(path)
        raw = {c: table.column(c).to_numpy() for c in table.column_names}
    except Exception as exc:  # noqa: BLE001 - any parquet failure is a bad input file
        raise DataError(f"cannot read the parquet tile ({exc})", file=path) from None
    need = ["x", "y", *GRID_VARIABLES, *(f"{c}_CI" for c in GRID_VARIABLES)]
    require_columns(raw, need, source=path, what="tile")
    x = raw["x"]
    y = raw["y"]
    bad = (x < 0) | (x >= TILE_SIZE) | (y < 0) | (y >= TILE_SIZE)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"cell position ({x[i]}, {y[i]}) outside the tile; expected 0 <= x, y < {TILE_SIZE}",
            file=path,
            row=i + 1,
            column="x",
        )
    dup = pd.Series(x * TILE_SIZE + y).duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(f"duplicate cell ({x[i]}, {y[i]}); expected one row per cell", file=path, row=i + 1)
    e = (tx * TILE_SIZE + x).astype(np.int64) * CELL_SIZE
    n = (ty * TILE_SIZE + y).astype(np.int64) * CELL_SIZE
    out = {
        "cell_id": cell_id(e, n),
        "easting": e,
        "northing": n,
        "x_centre": e + CELL_SIZE / 2,
        "y_centre": n + CELL_SIZE / 2,
        "land_share": raw["LAND_SURFACE"].astype(float) if "LAND_SURFACE" in raw else np.ones(len(x)),
    }
    n_conf = 0
    for col, var in GRID_VARIABLES.items():
        flag = raw[f"{col}_CI"]
        odd = ~np.isin(flag, (0, 1))
        if odd.any():
            # e.g. tile 20/15 carries one CHG_OUT_CI of -9986: not a known flag, so the value is
            # treated as unknown (missing), and said so, rather than trusted or refused
            i = int(np.flatnonzero(odd)[0])
            msg = (
                f"{path}: {int(odd.sum())} value(s) of {col} carry an unexpected confidentiality flag "
                f"(e.g. {flag[i]!r} at cell {out['cell_id'][i]}; expected 0 or 1); taken as confidential"
            )
            if report is not None:
                report.notes.append(msg)
            flag = np.where(odd, 1, flag)
        v = raw[col].astype(float)
        if (v[flag == 0] < 0).any() or np.isnan(v[flag == 0]).any():
            i = int(np.flatnonzero((flag == 0) & ~(v >= 0))[0])
            raise DataError(f"count {v[i]!r} is not a count >= 0", file=path, row=i + 1, column=col)
        v = np.where(flag == 1, np.nan, v)  # flagged: unknown, never 0
        n_conf += int((flag == 1).sum())
        out[var] = v
    # not published, though not flagged: France, Germany and Switzerland publish no employed persons on
    # the grid (0 in almost every cell, flag 0). Zero employed among 10 or more residents aged 15-64 is
    # taken as "not published" (missing), never as a true 0
    unpub = (out["employed"] == 0) & (out["age_15_64"] >= UNPUBLISHED_MIN_AGE_15_64)
    out["employed"] = np.where(unpub, np.nan, out["employed"])
    n_conf += int(unpub.sum())
    frame = pd.DataFrame(out)
    _derive(frame)
    if report is not None:
        report.suppressed += n_conf
    return frame


def _derive(frame: pd.DataFrame) -> None:
    """Add the derived variables (missing where any part is missing; NaN propagates in sums)."""
    frame["born_abroad"] = frame["born_other_eu"] + frame["born_outside_eu"]
    frame["population_by_birth"] = frame["born_in_country"] + frame["born_abroad"]
    frame["population_by_age"] = frame["age_under_15"] + frame["age_15_64"] + frame["age_65_plus"]
    emp, age = frame["employed"], frame["age_15_64"]
    frame["employed_within_15_64"] = emp.where(emp <= age)  # NaN where either is NaN or emp > age
    frame["not_employed_15_64"] = age - frame["employed_within_15_64"]


def read_grid(
    folder: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    report: ImportReport | None = None,
) -> pd.DataFrame:
    """Read every tile of the grid (or those meeting a box) into one frame of cells.

    Parameters
    ----------
    folder : str or Path
        The grid folder (``data/raw/europe-census-2021-grid`` or its ``1000`` subfolder).
    bbox : (xmin, ymin, xmax, ymax), optional
        EPSG:3035 metres; only tiles meeting the box are read and only cells whose centre lies
        in it are kept.
    report : ImportReport, optional

    Returns
    -------
    pandas.DataFrame
        As :func:`read_tile`, all tiles stacked.

    Examples
    --------
    >>> from compare.paths import raw_dir
    >>> g = read_grid(raw_dir() / "europe-census-2021-grid", bbox=(5070000, 4190000, 5080000, 4200000))
    >>> len(g) <= 100
    True
    """
    tiles = tile_paths(folder)
    span = TILE_SIZE * CELL_SIZE
    if bbox is not None:
        xmin, ymin, xmax, ymax = bbox
        tiles = [
            t for t in tiles
            if t[0] * span <= xmax and (t[0] + 1) * span >= xmin
            and t[1] * span <= ymax and (t[1] + 1) * span >= ymin
        ]  # fmt: skip
    parts = [read_tile(p, report=report) for _, _, p in tiles]
    if not parts:
        return read_tile(tile_paths(folder)[0][2]).iloc[:0]
    cells = pd.concat(parts, ignore_index=True)
    if bbox is not None:
        xmin, ymin, xmax, ymax = bbox
        keep = cells["x_centre"].between(xmin, xmax) & cells["y_centre"].between(ymin, ymax)
        cells = cells[keep].reset_index(drop=True)
    return cells


def cell_polygons(cells: pd.DataFrame):
    """The cells as 1 km square polygons (GeoDataFrame in EPSG:3035), every column kept.

    Examples
    --------
    >>> import pandas as pd
    >>> g = cell_polygons(pd.DataFrame({"easting": [0], "northing": [1000]}))
    >>> g.geometry.iloc[0].bounds, g.crs.to_epsg()
    ((0.0, 1000.0, 1000.0, 2000.0), 3035)
    """
    import geopandas as gpd
    import shapely

    e = cells["easting"].to_numpy(float)
    n = cells["northing"].to_numpy(float)
    geom = shapely.box(e, n, e + CELL_SIZE, n + CELL_SIZE)
    return gpd.GeoDataFrame(cells.reset_index(drop=True).copy(), geometry=geom, crs=GRID_CRS)


def grid_population(
    cells: pd.DataFrame,
    city: str | None = None,
    *,
    variables: list[str] | None = None,
    period: str = GRID_PERIOD,
    vintage: str = GRID_VINTAGE,
) -> pd.DataFrame:
    """Long canonical population table of grid cells (``area_id`` = cell code).

    Confidential values stay missing (``NaN``).

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"cell_id": ["a"], "population": [5.0], "born_abroad": [float("nan")]})
    >>> grid_population(cells, "x", variables=["population", "born_abroad"])["count"].tolist()
    [5.0, nan]
    """
    variables = variables or [*GRID_VARIABLES.values(), *GRID_DERIVED]
    long = cells[["cell_id", *variables]].melt(id_vars="cell_id", var_name="variable", value_name="count")
    long = long.rename(columns={"cell_id": "area_id"})
    long.insert(1, "period", period)
    long["vintage"] = vintage
    if city is not None:
        long.insert(0, "city", city)
    return long


def confidential_counts(cells: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many cells carry a confidential (missing) value, per variable (and per ``by`` key).

    Returns
    -------
    pandas.DataFrame
        ``[by,] variable, cells, confidential, share``: one row per source variable.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"population": [1.0, 2.0], "born_outside_eu": [float("nan"), 1.0]})
    >>> int(confidential_counts(c).set_index("variable").loc["born_outside_eu", "confidential"])
    1
    """
    variables = [v for v in GRID_VARIABLES.values() if v in cells.columns]
    if by is None:
        n = len(cells)
        conf = cells[variables].isna().sum()
        out = pd.DataFrame({"variable": variables, "cells": n, "confidential": conf.to_numpy().astype(int)})
    else:
        g = cells[[by, *variables]].set_index(by).isna().groupby(level=0)
        conf = g.sum().astype(int)
        size = g.size()
        out = conf.stack().rename("confidential").reset_index().rename(columns={"level_1": "variable"})
        out.columns = [by, "variable", "confidential"]
        out.insert(2, "cells", out[by].map(size).to_numpy())
    out["share"] = out["confidential"] / out["cells"].where(out["cells"] > 0)
    return out


def mask_sparse(cells: pd.DataFrame, by: str | None = None, share: float = SPARSE_SHARE):
    """Treat a variable as missing in every cell of a city where it is missing for most residents.

    Parameters
    ----------
    cells : pandas.DataFrame
        Cells as :func:`read_grid` returns (derived variables included).
    by : str, optional
        Column of the city / centre id (default: all cells are one city).
    share : float
        A source variable missing in cells that hold more than this share of the residents is
        masked in all the city's cells; the derived variables are recomputed.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The cells, and ``[by,] variable, missing_share`` of every masked variable.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"population": [100.0, 100.0, 10.0], "employed": [float("nan"), float("nan"), 4.0]})
    >>> out, masked = mask_sparse(c[["population", "employed"]])
    >>> bool(out["employed"].isna().all()), masked["variable"].tolist()
    (True, ['employed'])
    """
    cells = cells.copy()
    variables = [v for v in GRID_VARIABLES.values() if v in cells.columns and v != "population"]
    w = cells["population"].fillna(0).to_numpy()
    key = cells[by].to_numpy() if by else np.zeros(len(cells), dtype=int)
    codes, uniq = pd.factorize(key)
    tot = np.bincount(codes, weights=w, minlength=len(uniq))
    rows = []
    for v in variables:
        miss = np.bincount(codes, weights=w * cells[v].isna().to_numpy(), minlength=len(uniq))
        frac = np.divide(miss, tot, out=np.zeros_like(miss), where=tot > 0)
        bad = frac > share
        if bad.any():
            cells.loc[bad[codes], v] = np.nan
            for k in np.flatnonzero(bad):
                rows.append({**({by: uniq[k]} if by else {}), "variable": v, "missing_share": float(frac[k])})
    if rows and {"born_other_eu", "age_15_64", "employed"} <= set(cells.columns):
        _derive(cells)
    cols = ([by] if by else []) + ["variable", "missing_share"]
    return cells, pd.DataFrame(rows, columns=cols)
