"""Generic importer: any CSV / GeoPackage / GeoJSON / GeoParquet plus a small column mapping.

A user adds a city without writing code by declaring, in the network config::

    mycity:
      name: My City
      sources:
        - importer: generic
          path: mycity/population.csv        # relative to data/ (or absolute)
          id_column: district_code
          period: "2022"                     # or period_column: year
          variables:                         # canonical name: column in the file
            population: pop_total
            foreigners: foreign_citizens
          missing_values: ["-", "x"]         # optional: codes that mean suppressed
      areas:
        importer: generic
        path: mycity/districts.gpkg
        id_column: district_code
        name_column: district_name
        crs: EPSG:2180                       # only if the file declares no CRS

Wide files (one row per area, one column per count) become the long ``population`` table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.model import ImportReport

__all__ = ["read_table", "read_generic_population", "read_generic_areas"]

_VECTOR = {".gpkg", ".geojson", ".json", ".shp", ".fgb"}


def read_table(path: str | Path, layer: str | None = None):
    """Read a CSV, GeoPackage, GeoJSON, shapefile or (Geo)Parquet file into a (Geo)DataFrame.

    Parameters
    ----------
    path : str or Path
    layer : str, optional
        Layer of a multi-layer GeoPackage.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        CSV columns are read as text so that ids keep their leading zeros.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("id,pop\\n01,5\\n")
    >>> read_table(p)["id"].tolist()
    ['01']
    """
    import geopandas as gpd

    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", file=path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            return pd.read_csv(path, sep="\t" if suffix == ".tsv" else None, engine="python", dtype=str)
        if suffix == ".parquet":
            try:
                return gpd.read_parquet(path)
            except (ValueError, KeyError):
                return pd.read_parquet(path)
        if suffix in _VECTOR:
            return gpd.read_file(path, layer=layer)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the file ({exc})", file=path) from None
    raise DataError(
        f"unsupported file type {suffix!r}; expected .csv, .tsv, .gpkg, .geojson, .json, .shp or .parquet",
        file=path,
    )


def _require(frame, columns: Sequence[str], path, what: str) -> None:
    for c in columns:
        if c not in frame.columns:
            raise DataError(f"missing {what} column; the file has {list(frame.columns)}", file=path, column=c)


def read_generic_population(
    path: str | Path,
    id_column: str,
    variables: Mapping[str, str],
    period: str | None = None,
    period_column: str | None = None,
    missing_values: Sequence[str] = ("", "..", "."),
    layer: str | None = None,
    report: ImportReport | None = None,
) -> pd.DataFrame:
    """Read a wide table of counts into the long ``population`` shape.

    Parameters
    ----------
    path : str or Path
    id_column : str
        Column holding the area id.
    variables : mapping
        Canonical variable name -> column in the file.
    period, period_column : str, optional
        A fixed period label for the whole file, or the column that holds it (one is required).
    missing_values : sequence of str, optional
        Cell values that mean suppressed (become ``NaN``, counted in the report).
    layer : str, optional
    report : ImportReport, optional

    Returns
    -------
    pandas.DataFrame
        ``area_id, period, variable, count``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("code,pop,foreign\\nA,100,10\\nB,50,..\\n")
    >>> df = read_generic_population(p, "code", {"population": "pop", "foreigners": "foreign"},
    ...                              period="2020")
    >>> df["count"].isna().sum()
    1
    """
    if (period is None) == (period_column is None):
        raise DataError(
            "give exactly one of `period` (a label for the whole file) or `period_column`",
            file=path,
            column="period",
        )
    frame = read_table(path, layer=layer)
    _require(frame, [id_column, *variables.values()], path, "mapped")
    if period_column is not None:
        _require(frame, [period_column], path, "period")
    ids = frame[id_column].astype(str).str.strip()
    empty = ids.eq("") | frame[id_column].isna()
    if empty.any():
        i = int(np.flatnonzero(empty.to_numpy())[0])
        raise DataError("empty area id; expected an id in every row", file=path, row=i + 2, column=id_column)
    periods = (
        frame[period_column].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
        if period_column
        else pd.Series(str(period), index=frame.index)
    )
    out = []
    suppressed = 0
    for var, col in variables.items():
        raw = frame[col]
        text = raw.astype(str).str.strip()
        is_missing = raw.isna() | text.isin(list(missing_values))
        num = pd.to_numeric(text.where(~is_missing), errors="coerce")
        bad = num.isna() & ~is_missing
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"value {raw.iloc[i]!r} is not a number; expected a count (or one of the "
                f"missing-value codes {list(missing_values)})",
                file=path,
                row=f"{i + 2} (area {ids.iloc[i]})",
                column=col,
            )
        neg = num < 0
        if neg.any():
            i = int(np.flatnonzero(neg.to_numpy())[0])
            raise DataError(
                f"count {num.iloc[i]:g} is negative; expected a count >= 0",
                file=path,
                row=f"{i + 2} (area {ids.iloc[i]})",
                column=col,
            )
        suppressed += int(is_missing.sum())
        out.append(
            pd.DataFrame({"area_id": ids, "period": periods, "variable": var, "count": num.astype(float)})
        )
    if report is not None:
        report.suppressed += suppressed
    df = pd.concat(out, ignore_index=True)
    dup = df.duplicated(["area_id", "period", "variable"], keep=False)
    if dup.any():
        r = df[dup].iloc[0]
        raise DataError(
            f"duplicate area id {r['area_id']!r} in period {r['period']}; expected one row per area "
            "and period",
            file=path,
            row=r["area_id"],
            column=id_column,
        )
    return df


def read_generic_areas(
    path: str | Path,
    id_column: str,
    name_column: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
):
    """Read area polygons with an id (and optional name) column.

    Parameters
    ----------
    path : str or Path
        GeoPackage, GeoJSON, shapefile or GeoParquet.
    id_column, name_column : str
    crs : str, optional
        CRS to assume when the file declares none; without it a file with no CRS is an error.
    layer : str, optional

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_id, area_name, geometry`` in the file's CRS.

    Examples
    --------
    >>> import geopandas as gpd, tempfile, pathlib
    >>> from shapely.geometry import box
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.geojson"
    >>> gpd.GeoDataFrame({"k": ["A"]}, geometry=[box(0, 0, 1, 1)], crs=3035).to_file(p)
    >>> read_generic_areas(p, "k")["area_id"].tolist()
    ['A']
    """
    import geopandas as gpd

    frame = read_table(path, layer=layer)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise DataError(
            "the file has no geometry; expected a GeoPackage, GeoJSON, shapefile or GeoParquet",
            file=path,
            column="geometry",
        )
    _require(frame, [id_column] + ([name_column] if name_column else []), path, "area")
    if frame.crs is None:
        if crs is None:
            raise DataError(
                "geometry has no CRS; declare it in the file or with `crs:` in the network config",
                file=path,
                column="geometry",
            )
        frame = frame.set_crs(crs)
    out = gpd.GeoDataFrame(
        {
            "area_id": frame[id_column].astype(str).str.strip(),
            "area_name": frame[name_column].astype(str) if name_column else "",
        },
        geometry=frame.geometry,
        crs=frame.crs,
    )
    return out
