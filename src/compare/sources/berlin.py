"""Berlin *LOR* (Lebensweltlich orientierte Raeume) population by planning area, 2015-2024.

Source: Amt fuer Statistik Berlin-Brandenburg, Einwohnerregisterstatistik (half-yearly, as of 30 June
and 31 December), prepared per LOR planning area (*Planungsraum*, PLR) by open-data-product.

Tables
    ``t1`` inhabitants, with migration background, Germans with/without migration background,
    foreigners; ``t2`` age groups, female, foreigners; ``t3`` persons with migration background by
    age; ``t4`` persons with migration background by region of origin. Percentage columns are
    derived and not imported.
Periods
    File ``YYYY-01`` (30 June) becomes ``"YYYY-H1"``, ``YYYY-02`` (31 December) ``"YYYY-H2"``.
Areas, and the 2021 break
    Until 2020 the 447-448 planning areas of the 2006 LOR scheme (8-digit ids); their geometry is
    in the snapshot. On 1 January 2021 Berlin introduced new LOR boundaries (542 planning areas,
    new ids). The 2021 planning-area geometry is not in the snapshot, so 2021+ counts are
    **aggregated to the 58 forecast areas** (*Prognoseraeume*, first 4 digits of the new id),
    whose geometry is. The two periods therefore have different area levels
    (``area_level`` = ``planning_area`` vs ``forecast_area``) and vintages (``lor-2006`` vs
    ``lor-2021``); indices computed on them are not directly comparable (coarser areas give lower
    segregation values). The import report says so, and the areas table carries both levels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.model import ImportReport, check_counts, require_columns

__all__ = [
    "LOR_VARIABLES",
    "read_lor_table",
    "read_lor_population",
    "read_lor_areas",
    "VINTAGE_UNTIL_2020",
    "VINTAGE_FROM_2021",
    "LOR_GEOMETRY_ERRATA",
]

VINTAGE_UNTIL_2020 = "lor-2006"
VINTAGE_FROM_2021 = "lor-2021"

#: Canonical variable of each LOR column, by table. ``None`` = not imported (duplicate of another
#: table's column, or a base that differs between tables).
LOR_VARIABLES: dict[str, dict[str, str | None]] = {
    "t1": {
        "inhabitants": "population",
        "inhabitants_with_migration_background": "migration_background",
        "inhabitants_germans": "nationals",
        "inhabitants_germans_without_migration_background": "nationals_without_migration_background",
        "inhabitants_germans_with_migration_background": "nationals_with_migration_background",
        "inhabitants_foreigners": "foreigners",
    },
    "t2": {"inhabitants": None, "inhabitants_foreigners": None, "inhabitants_female": "females"},
    "t3": {"inhabitants": None, "inhabitants_foreigners": None},
    "t4": {"inhabitants": None},
}

#: Known id errors in the published planning-area geometry. Each entry is applied only when the
#: geometry confirms it: the feature carrying ``id`` lies inside district ``district`` (whose id is
#: the first two digits of ``corrected_id``), i.e. outside the district its id names.
LOR_GEOMETRY_ERRATA = [
    {
        "file": "berlin-lor-planning-areas-until-2020.geojson",
        "id": "06010102",
        "name": "Schloßstraße",
        "district": "04",
        "corrected_id": "04030417",
        "why": "two features carry id 06010102 (both named Schloßstraße); the one inside "
        "Charlottenburg-Wilmersdorf (district 04) is planning area 04030417 Schloßstraße, which the "
        "population tables list and which otherwise has no geometry",
    }
]

_FILE = re.compile(
    r"berlin-lor-population-(?P<year>\d{4})-(?P<half>0[12])-(?P<table>t[1-4])-planning-areas\.csv$"
)


def _default_name(table: str, column: str) -> str:
    name = column.removeprefix("inhabitants_")
    if table == "t2":
        return name  # age_below_6, age_6_15, ...
    if table == "t3":
        return name  # with_migration_background_age_..., with_migration_background_female
    if table == "t4":
        return "migration_background_" + name  # migration_background_from_turkey, ...
    return name


def read_lor_table(path: str | Path, report: ImportReport | None = None) -> pd.DataFrame:
    """Read one LOR population file into a long table.

    Parameters
    ----------
    path : str or Path
        ``berlin-lor-population-YYYY-0H-tN-planning-areas.csv``.
    report : ImportReport, optional

    Returns
    -------
    pandas.DataFrame
        ``area_id, period, variable, count`` with 8-digit planning-area ids.

    Examples
    --------
    >>> df = read_lor_table(raw / "berlin-lor/population/berlin-lor-population-2015-01-t1-planning-areas.csv")
    >>> df["period"].iloc[0]
    '2015-H1'
    """
    path = Path(path)
    m = _FILE.search(path.name)
    if not m:
        raise DataError(
            "file name does not follow berlin-lor-population-YYYY-0H-tN-planning-areas.csv",
            file=path,
        )
    if not path.is_file():
        raise DataError("file not found; run `python -m compare data fetch`", file=path)
    table = m.group("table")
    period = f"{m.group('year')}-H{int(m.group('half'))}"
    df = pd.read_csv(path, dtype={"id": str}, encoding="utf-8-sig")
    require_columns(df, ["id", "inhabitants"], source=path)
    mapping = LOR_VARIABLES[table]
    cols = {}
    for c in df.columns:
        if c == "id" or c.endswith("_percentage"):
            continue
        var = mapping.get(c, _default_name(table, c))
        if var is not None:
            cols[c] = var
    values = pd.DataFrame(
        {c: check_counts(df[c], source=path, column=c) for c in cols},  # rows: 1-based line numbers
        index=df.index,
    )
    if report is not None:
        report.suppressed += int(values.isna().to_numpy().sum())
    ids = df["id"].str.zfill(8).to_numpy()
    n, k = values.shape
    return pd.DataFrame(
        {
            "area_id": np.repeat(ids, k),
            "period": period,
            "variable": np.tile([cols[c] for c in values.columns], n),
            "count": values.to_numpy(dtype=float).ravel(),
        }
    )


def read_lor_population(
    folder: str | Path,
    tables: Iterable[str] = ("t1",),
    periods: Iterable[str] | None = None,
    aggregate_from_2021: bool = True,
    report: ImportReport | None = None,
) -> pd.DataFrame:
    """Read the half-yearly LOR population files, aggregating 2021+ to forecast areas.

    Parameters
    ----------
    folder : str or Path
        Folder with the ``berlin-lor-population-*.csv`` files.
    tables : iterable of str, optional
        Which of ``t1``-``t4`` to read (default ``t1``: migration background and foreigners).
    periods : iterable of str, optional
        Period labels to keep (``"2015-H1"`` ...); all when omitted.
    aggregate_from_2021 : bool, optional
        Sum 2021+ planning areas to their forecast area (first 4 id digits). A forecast-area
        count is missing if any of its planning areas is missing.
    report : ImportReport, optional

    Returns
    -------
    pandas.DataFrame
        ``area_id, period, variable, count, vintage, area_level``.

    Examples
    --------
    >>> pop = read_lor_population(raw / "berlin-lor/population")   # raw: the project's data/raw
    >>> pop.groupby("vintage")["area_id"].nunique().to_dict()
    {'lor-2006': 448, 'lor-2021': 58}
    """
    folder = Path(folder)
    tables = tuple(tables)
    unknown = set(tables) - set(LOR_VARIABLES)
    if unknown:
        raise DataError(f"unknown LOR table(s) {sorted(unknown)}; expected t1-t4", column="tables")
    files = sorted(
        f
        for f in folder.glob("berlin-lor-population-*-planning-areas.csv")
        if _FILE.search(f.name) and _FILE.search(f.name).group("table") in tables
    )
    if not files:
        raise DataError(f"no LOR population files for tables {list(tables)}", file=folder)
    wanted = set(periods) if periods is not None else None
    frames = []
    for f in files:
        m = _FILE.search(f.name)
        label = f"{m.group('year')}-H{int(m.group('half'))}"
        if wanted is not None and label not in wanted:
            continue
        frames.append(read_lor_table(f, report=report))
    if not frames:
        raise DataError(f"no LOR file for the periods {sorted(wanted)}", file=folder)
    df = pd.concat(frames, ignore_index=True)
    df = df[~df.duplicated(["area_id", "period", "variable"])]
    year = df["period"].str.slice(0, 4).astype(int)
    old = df[year <= 2020].assign(vintage=VINTAGE_UNTIL_2020, area_level="planning_area")
    new = df[year >= 2021]
    if len(new) and aggregate_from_2021:
        grouped = new.assign(area_id=new["area_id"].str.slice(0, 4), missing=new["count"].isna()).groupby(
            ["area_id", "period", "variable"], sort=False
        )
        sums = grouped.agg(count=("count", "sum"), missing=("missing", "any")).reset_index()
        sums["count"] = sums["count"].mask(sums.pop("missing"))
        new = sums.assign(vintage=VINTAGE_FROM_2021, area_level="forecast_area")
        if report is not None:
            report.notes.append(
                "Berlin 2021+: Berlin re-drew its LOR boundaries on 1 January 2021. The 2021 "
                "planning-area geometry is not in the data snapshot, so the 542 planning areas are "
                "summed to the 58 forecast areas (first 4 id digits). Indices from 2021 on use "
                "these coarser areas and are not directly comparable with 2015-2020."
            )
    elif len(new):
        new = new.assign(vintage="lor-2021-planning-areas", area_level="planning_area")
    return pd.concat([old, new], ignore_index=True)


def _apply_errata(g, path: Path, districts: Path | None, notes: list[str] | None):
    """Correct documented id errors, each only when the district geometry confirms it."""
    import geopandas as gpd

    errata = [e for e in LOR_GEOMETRY_ERRATA if e["file"] == path.name]
    if not errata or districts is None:
        return g
    d = gpd.read_file(districts).to_crs(25833)
    points = g.geometry.to_crs(25833).representative_point()
    for e in errata:
        rows = g.index[(g["id"].astype(str) == e["id"]) & (g["name"] == e["name"])]
        district = d[d["id"].astype(str) == e["district"]]
        for i in rows:
            if len(district) and district.geometry.iloc[0].contains(points.loc[i]):
                g.loc[i, "id"] = e["corrected_id"]
                if notes is not None:
                    notes.append(
                        f"geometry erratum corrected in {path.name}: feature {e['id']} "
                        f"{e['name']} -> {e['corrected_id']} ({e['why']})"
                    )
    return g


def read_lor_areas(
    planning_areas: str | Path | None = None,
    forecast_areas: str | Path | None = None,
    districts: str | Path | None = None,
    report: ImportReport | None = None,
):
    """Read LOR geometries as ``area_id, area_name, area_level, vintage, geometry``.

    Parameters
    ----------
    planning_areas : str or Path, optional
        ``berlin-lor-planning-areas-until-2020.geojson`` (vintage ``lor-2006``).
    forecast_areas : str or Path, optional
        ``berlin-lor-forecast-areas-from-2021.geojson`` (vintage ``lor-2021``).
    districts : str or Path, optional
        ``berlin-lor-districts.geojson``; with it, the documented id errata
        (:data:`LOR_GEOMETRY_ERRATA`) are checked against the district boundaries and corrected.
    report : ImportReport, optional
        Receives a note for every correction.

    Returns
    -------
    geopandas.GeoDataFrame
        In the files' CRS (EPSG:4326); convert with ``to_crs``.

    Examples
    --------
    >>> a = read_lor_areas(raw / "berlin-lor/geometry/berlin-lor-planning-areas-until-2020.geojson")
    >>> len(a), a.crs.to_epsg(), a["vintage"].iloc[0]
    (448, 4326, 'lor-2006')
    """
    import geopandas as gpd

    parts = []
    for path, level, vintage, width in [
        (planning_areas, "planning_area", VINTAGE_UNTIL_2020, 8),
        (forecast_areas, "forecast_area", VINTAGE_FROM_2021, 4),
    ]:
        if path is None:
            continue
        path = Path(path)
        if not path.is_file():
            raise DataError("file not found; run `python -m compare data fetch`", file=path)
        g = gpd.read_file(path)
        require_columns(g, ["id", "name"], source=path)
        if g.crs is None:
            raise DataError("geometry has no CRS; expected EPSG:4326", file=path, column="geometry")
        g = _apply_errata(g, path, Path(districts) if districts else None, report.notes if report else None)
        parts.append(
            gpd.GeoDataFrame(
                {
                    "area_id": g["id"].astype(str).str.zfill(width),
                    "area_name": g["name"].astype(str),
                    "area_level": level,
                    "vintage": vintage,
                },
                geometry=g.geometry,
                crs=g.crs,
            )
        )
    if not parts:
        raise DataError("no geometry file given", column="planning_areas")
    return pd.concat(parts, ignore_index=True)
