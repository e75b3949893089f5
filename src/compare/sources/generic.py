"""Generic importer: any CSV / GeoPackage / GeoJSON / GeoParquet plus a small column mapping.

A user adds a city without writing code by declaring, in the network config::

    mycity:
      name: My City
      sources:
        - importer: generic
          path: mycity/population.csv        # relative to the network file's folder
          citation: "City of X, Statistics Office (2023). Population by district."
          licence: CC BY 4.0
          id_column: district_code
          period: "2022"                     # or period_column: year
          variables:                         # canonical name: column in the file
            population: pop_total
            foreigners: foreign_citizens
            employed: employed
            unemployed: unemployed
          derived:                           # optional: sums of canonical variables
            labour_force: employed + unemployed
          missing_values: ["-", "x"]         # codes that mean suppressed (default "", "..", ".")
      areas:
        importer: generic
        path: mycity/districts.gpkg
        id_column: district_code
        name_column: district_name
        crs: EPSG:2180                       # only if the file declares no CRS

Wide files (one row per area, one column per count) and long files (one row per area, variable
and period: ``layout: long`` with ``variable_column`` and ``count_column``; ``variables`` then
maps canonical names to the values of the variable column) both become the long ``population``
table. Text is read as UTF-8 (a byte-order mark, as Excel's "CSV UTF-8" writes it, is removed);
give ``encoding: latin-1`` for other files. Only the declared ``missing_values`` mean suppressed:
``NA``, ``n/a`` or ``null`` in a count column are errors unless declared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.files import check_csv_rows
from compare.model import ImportReport, check_counts, check_geometries, check_unique, closest_columns

__all__ = [
    "read_table",
    "read_generic_population",
    "read_generic_areas",
    "parse_derived",
    "check_crs_bounds",
    "closest_columns",
]

_VECTOR = {".gpkg", ".geojson", ".json", ".shp", ".fgb"}
_DERIVED = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(\s*\+\s*[A-Za-z_][A-Za-z0-9_]*)*\s*$")


def read_table(path: str | Path, layer: str | None = None, encoding: str = "utf-8"):
    """Read a CSV, GeoPackage, GeoJSON, shapefile or (Geo)Parquet file into a (Geo)DataFrame.

    Parameters
    ----------
    path : str or Path
    layer : str, optional
        Layer of a multi-layer GeoPackage (a missing layer is an error naming the layers).
    encoding : str, optional
        Text encoding of a CSV (default UTF-8, with or without a byte-order mark).

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        CSV cells are read as text, exactly as written (ids keep their leading zeros; no cell
        is turned into a missing value here -- the importer decides with the declared codes).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes("\\ufeffid;pop\\n01;NA\\n".encode("utf-8"))
    >>> read_table(p).to_dict("records")
    [{'id': '01', 'pop': 'NA'}]
    """
    import geopandas as gpd

    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", file=path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(path, encoding, "\t" if suffix == ".tsv" else None)
    try:
        if suffix == ".parquet":
            try:
                return gpd.read_parquet(path)
            except (ValueError, KeyError):
                return pd.read_parquet(path)
        if suffix in _VECTOR:
            import pyogrio

            layers = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
            if layer is not None and layer not in layers:
                raise DataError(
                    f"no layer {layer!r}; the file has layers {layers}", file=path, column="layer"
                )
            if layer is None and len(layers) > 1:  # GDAL would take the first one, with only a warning
                raise DataError(
                    f"the file has {len(layers)} layers {layers}; name the one to read with `layer:`",
                    file=path,
                    column="layer",
                )
            return gpd.read_file(path, layer=layer)
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL/Arrow raise many types; all mean "cannot read"
        raise DataError(f"cannot read the file ({type(exc).__name__}: {exc})", file=path) from None
    raise DataError(
        f"unsupported file type {suffix!r}; expected .csv, .tsv, .gpkg, .geojson, .json, .shp or .parquet",
        file=path,
    )


def _read_csv(path: Path, encoding: str, sep: str | None) -> pd.DataFrame:
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError("empty file; expected a header line and data rows", file=path)
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not {encoding} text (byte 0x{raw[exc.start]:02x} at line {line}); save the file as "
            "UTF-8 (Excel: 'CSV UTF-8') or declare its encoding (e.g. `encoding: latin-1`)",
            file=path,
            row=line,
        ) from None
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}", file=path, column="encoding") from None
    import csv
    import io

    if sep is None:
        first = text.split("\n", 1)[0]
        try:
            sep = csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
    check_csv_rows(text, sep, file=path)
    try:
        return pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False, engine="c"
        )
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise DataError(
                f"row has {m.group(3)} fields; expected {m.group(1)} as in the header (separator {sep!r})",
                file=path,
                row=int(m.group(2)),
            ) from None
        raise DataError(f"cannot parse the CSV ({exc})", file=path) from None


def _require(frame, columns: Sequence[str], path, what: str) -> None:
    for c in columns:
        if c not in frame.columns:
            raise DataError(
                f"missing {what} column {c!r}; {closest_columns(c, frame.columns)}", file=path, column=c
            )


def parse_derived(derived: Mapping[str, str] | None, known: Sequence[str], file=None) -> dict[str, list[str]]:
    """Parse ``{"labour_force": "employed + unemployed"}`` into ``{name: [parts]}``.

    Examples
    --------
    >>> parse_derived({"labour_force": "employed + unemployed"}, ["employed", "unemployed"])
    {'labour_force': ['employed', 'unemployed']}
    """
    out: dict[str, list[str]] = {}
    for name, expr in (derived or {}).items():
        if not isinstance(expr, str) or not _DERIVED.match(expr):
            raise DataError(
                f"derived variable {name!r} = {expr!r}; expected a sum of variables such as "
                "'employed + unemployed'",
                file=file,
                column=f"derived.{name}",
            )
        parts = [p.strip() for p in expr.split("+")]
        have = list(known) + list(out)
        for p in parts:
            if p not in have:
                raise DataError(
                    f"derived variable {name!r} uses {p!r}, which is not a mapped variable; "
                    f"expected one of {sorted(have)}",
                    file=file,
                    column=f"derived.{name}",
                )
        if name in have:
            raise DataError(f"derived variable {name!r} is also mapped from a column", file=file,
                            column=f"derived.{name}")
        out[str(name)] = parts
    return out


def read_generic_population(
    path: str | Path,
    id_column: str,
    variables: Mapping[str, str],
    period: str | None = None,
    period_column: str | None = None,
    missing_values: Sequence[str] = ("", "..", "."),
    layer: str | None = None,
    report: ImportReport | None = None,
    *,
    layout: str = "wide",
    variable_column: str | None = None,
    count_column: str | None = None,
    derived: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """Read a table of counts (wide or long) into the long ``population`` shape.

    Parameters
    ----------
    path : str or Path
    id_column : str
        Column holding the area id.
    variables : mapping
        Canonical variable name -> column in the file (wide), or -> value of
        ``variable_column`` (long).
    period, period_column : str, optional
        A fixed period label for the whole file, or the column that holds it (one is required).
    missing_values : sequence of str, optional
        Cell values that mean suppressed (become ``NaN``, counted in the report). Only these:
        any other text in a count cell is an error.
    layer : str, optional
    report : ImportReport, optional
    layout : {"wide", "long"}, optional
        ``long``: one row per area, variable (and period), with ``variable_column`` and
        ``count_column``.
    variable_column, count_column : str, optional
        Columns of a long table.
    derived : mapping, optional
        New variable -> sum of variables (``"employed + unemployed"``); missing if any part is.
    encoding : str, optional
        Text encoding of a CSV (default UTF-8, byte-order mark allowed).

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
    >>> int(df["count"].isna().sum())
    1
    >>> _ = p.write_text("area,variable,year,n\\nA,emp,2020,5\\nA,unemp,2020,1\\n")
    >>> read_generic_population(p, "area", {"employed": "emp", "unemployed": "unemp"},
    ...     period_column="year", layout="long", variable_column="variable", count_column="n",
    ...     derived={"labour_force": "employed + unemployed"})["count"].tolist()
    [5.0, 1.0, 6.0]
    """
    if (period is None) == (period_column is None):
        raise DataError(
            "give exactly one of `period` (a label for the whole file) or `period_column`",
            file=path,
            column="period",
        )
    if isinstance(missing_values, str):
        raise DataError(
            f"missing_values {missing_values!r} is a string; expected a list of codes",
            column="missing_values",
        )
    if layout not in ("wide", "long"):
        raise DataError(f"layout {layout!r}; expected 'wide' or 'long'", file=path, column="layout")
    frame = read_table(path, layer=layer, encoding=encoding)
    if len(frame) == 0:
        raise DataError("no data rows (only a header); expected one row per area", file=path, row=2)
    if layout == "long":
        if not variable_column or not count_column:
            raise DataError(
                "a long table needs `variable_column` and `count_column`", file=path, column="variable_column"
            )
        _require(frame, [id_column, variable_column, count_column], path, "long-table")
    else:
        _require(frame, [id_column, *variables.values()], path, "mapped")
    if period_column is not None:
        _require(frame, [period_column], path, "period")
    codes = [str(m) for m in missing_values]
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
    from compare._patterns import PERIOD_EXPECTED, PERIOD_RE

    bad_period = ~periods.str.match(PERIOD_RE)
    if bad_period.any():
        i = int(np.flatnonzero(bad_period.to_numpy())[0])
        raise DataError(
            f"period {periods.iloc[i]!r} is not a period label; expected {PERIOD_EXPECTED}",
            file=path,
            row=i + 2,
            column=period_column or "period",
        )

    def counts(raw: pd.Series, col: str, rows: np.ndarray):
        text = raw.astype(str).str.strip()
        is_missing = raw.isna() | text.isin(codes)
        num = check_counts(
            text.where(~is_missing),
            source=path,
            column=col,
            rows=[f"{r + 2} (area {a})" for r, a in zip(rows, ids.iloc[rows], strict=True)],
            missing_hint=f"or one of the missing-value codes {codes} declared with `missing_values:`",
        )
        return num, int(is_missing.sum())

    out = []
    suppressed = 0
    if layout == "wide":
        for var, col in variables.items():
            num, n_missing = counts(frame[col], col, np.arange(len(frame)))
            suppressed += n_missing
            out.append(pd.DataFrame({"area_id": ids, "period": periods, "variable": var, "count": num}))
        df = pd.concat(out, ignore_index=True)
    else:
        names = frame[variable_column].astype(str).str.strip()
        to_canonical = {str(v): k for k, v in variables.items()}
        keep = names.isin(list(to_canonical))
        unmapped = sorted(set(names[~keep]))
        if not keep.any():
            raise DataError(
                f"no row has a mapped variable {sorted(to_canonical)}; the column holds {unmapped[:8]}",
                file=path,
                column=variable_column,
            )
        rows = np.flatnonzero(keep.to_numpy())
        num, suppressed = counts(frame[count_column].iloc[rows].reset_index(drop=True), count_column, rows)
        df = pd.DataFrame(
            {
                "area_id": ids.iloc[rows].to_numpy(),
                "period": periods.iloc[rows].to_numpy(),
                "variable": names.iloc[rows].map(to_canonical).to_numpy(),
                "count": num,
            }
        )
        if unmapped and report is not None:
            report.notes.append(f"{Path(path).name}: variables not mapped, not imported: {unmapped[:12]}")
    check_unique(df, ["area_id", "period", "variable"], source=path, id_column="area_id")
    rules = parse_derived(derived, list(variables), file=path)
    for name, parts in rules.items():
        wide = df[df["variable"].isin(parts)].pivot(index=["area_id", "period"], columns="variable",
                                                     values="count")
        wide = wide.reindex(columns=parts)
        total = wide.sum(axis=1, min_count=len(parts))  # a missing part -> missing, never a partial sum
        total[wide.isna().any(axis=1)] = np.nan
        add = total.rename("count").reset_index()
        add["variable"] = name
        df = pd.concat([df, add[df.columns]], ignore_index=True)
        if report is not None:
            report.notes.append(f"{name} derived as {' + '.join(parts)}")
    if report is not None:
        report.suppressed += suppressed
    return df


def check_crs_bounds(frame, path, *, assumed: str | None = None) -> None:
    """Refuse coordinates that cannot be in the frame's CRS (e.g. metres read as degrees).

    A GeoJSON without a ``crs`` member is WGS84 by its specification; a file written in a
    national metric CRS without declaring it would otherwise be taken as degrees and reprojected
    into nonsense. The check compares the coordinates' bounds with the CRS's bounds (longitude
    -180..180 and latitude -90..90 for a geographic CRS; the CRS's area of use, widened by half
    its size, for a projected one).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
    path : str or Path
        Named in the error.
    assumed : str, optional
        Why the CRS is what it is when the file did not declare it (for the message).
    """
    if frame.crs is None or frame.empty:
        return
    crs = frame.crs
    x0, y0, x1, y1 = (float(v) for v in frame.total_bounds)
    if not np.isfinite([x0, y0, x1, y1]).all():
        return
    if crs.is_geographic:
        bx0, by0, bx1, by1 = -180.0, -90.0, 180.0, 90.0
    else:
        aou = crs.area_of_use
        if aou is None:
            return
        from pyproj import Transformer

        t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        bx0, by0, bx1, by1 = t.transform_bounds(aou.west, aou.south, aou.east, aou.north)
        w, h = (bx1 - bx0) / 2, (by1 - by0) / 2
        bx0, by0, bx1, by1 = bx0 - w, by0 - h, bx1 + w, by1 + h
    if x0 >= bx0 and x1 <= bx1 and y0 >= by0 and y1 <= by1:
        return
    name = crs.to_string()
    why = f", {assumed}" if assumed else ""
    raise DataError(
        f"coordinates (x {x0:.6g}..{x1:.6g}, y {y0:.6g}..{y1:.6g}) are outside the bounds of "
        f"{name} ({crs.name}{why}: x {bx0:.6g}..{bx1:.6g}, y {by0:.6g}..{by1:.6g}); the file is in "
        "another CRS. Declare it: `crs: EPSG:XXXX` on the areas entry of the network file "
        "(e.g. EPSG:3067 for Finland's ETRS-TM35FIN, EPSG:25833 for Berlin), or write the CRS "
        "into the file",
        file=path,
        column="geometry",
    )


def _geojson_declares_crs(path: Path) -> bool:
    import json

    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return True  # let the reader's own result stand
    return isinstance(doc, dict) and "crs" in doc


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
        A GeoJSON without a ``crs`` member counts as declaring none here (its coordinates are
        then checked against WGS84's bounds).
    layer : str, optional

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_id, area_name, geometry`` in the file's CRS.

    Raises
    ------
    DataError
        Missing columns, no geometry, no CRS, coordinates outside the CRS's bounds, empty,
        invalid or non-polygon geometries, duplicate ids.

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

    path = Path(path)
    frame = read_table(path, layer=layer)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise DataError(
            "the file has no geometry; expected a GeoPackage, GeoJSON, shapefile or GeoParquet",
            file=path,
            column="geometry",
        )
    _require(frame, [id_column] + ([name_column] if name_column else []), path, "area")
    assumed = None
    is_geojson = path.suffix.lower() in (".geojson", ".json")
    if is_geojson and not _geojson_declares_crs(path):
        if crs is not None:
            frame = frame.set_crs(crs, allow_override=True)
            assumed = "declared with `crs:`"
        else:
            assumed = "assumed for a GeoJSON without a `crs` member (RFC 7946)"
    elif frame.crs is None:
        if crs is None:
            raise DataError(
                "geometry has no CRS; declare it in the file or with `crs:` in the network config",
                file=path,
                column="geometry",
            )
        frame = frame.set_crs(crs)
        assumed = "declared with `crs:`"
    check_crs_bounds(frame, path, assumed=assumed)
    out = gpd.GeoDataFrame(
        {
            "area_id": frame[id_column].astype(str).str.strip(),
            "area_name": frame[name_column].astype(str) if name_column else "",
        },
        geometry=frame.geometry,
        crs=frame.crs,
    )
    check_unique(out, ["area_id"], source=path)
    check_geometries(out.geometry, out["area_id"], source=path)
    return out
