"""The workbench's canonical tables: ``areas``, ``population`` and group definitions.

Every importer in :mod:`compare.sources` produces these, and every analysis module reads them.

``areas``
    GeoDataFrame, one row per (``city``, ``area_id``, ``vintage``) with columns
    ``city, area_id, area_name, area_level, vintage, geometry`` in a metric CRS
    (EPSG:3035, ETRS89-LAEA, for cross-city work). ``vintage`` names the boundary set
    (e.g. ``"paavo-2019"`` or ``"lor-2021"``); population rows point at it through their
    own ``vintage`` so that areas whose boundaries change over time stay distinct.
``population``
    Long DataFrame ``city, area_id, period, variable, count, vintage`` with one row per
    observation. ``count`` is a head count (float so that suppressed cells can be
    missing: ``NaN`` means *suppressed by the publisher*, never zero). ``period`` is a
    string label that sorts in time order: ``"2015"`` for annual data, ``"2015-H1"`` /
    ``"2015-H2"`` for half-years.
group definitions
    :class:`GroupDefinition`: which variables form the focus group, the reference total and,
    for multigroup indices, the full partition of the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare._patterns import PERIOD_RE as _PERIOD
from compare.errors import DataError

__all__ = [
    "AREA_COLUMNS",
    "POPULATION_COLUMNS",
    "METRIC_CRS",
    "GroupDefinition",
    "DEFAULT_GROUP_DEFINITIONS",
    "GRID_EMPLOYMENT_CAVEAT",
    "validate_areas",
    "check_geometries",
    "AREA_GEOMETRY_TYPES",
    "validate_population",
    "check_group_definitions",
    "population_wide",
    "group_table",
    "period_year",
    "empty_population",
    "ImportReport",
    "check_counts",
    "check_unique",
    "closest_columns",
    "require_columns",
]

AREA_COLUMNS = ["city", "area_id", "area_name", "area_level", "vintage", "geometry"]
POPULATION_COLUMNS = ["city", "area_id", "period", "variable", "count", "vintage"]
METRIC_CRS = "EPSG:3035"


@dataclass(frozen=True)
class GroupDefinition:
    """A declared comparison of population groups.

    Parameters
    ----------
    name : str
        Identifier used in the indicator panel (``group_definition`` column).
    group : str
        Variable holding the focus group's count (e.g. ``"income_low"``).
    total : str
        Variable holding the reference population the group is a part of
        (e.g. ``"adults_income"``). The focus group must never exceed it.
    groups : tuple of str, optional
        Variables that partition ``total`` (mutually exclusive, together exhaustive), used by
        multigroup indices. Empty when no partition is available.
    label : str, optional
        Human-readable description for reports.

    Examples
    --------
    >>> gd = GroupDefinition("unemployment", group="unemployed", total="labour_force",
    ...                      groups=("employed", "unemployed"))
    >>> gd.variables
    ('unemployed', 'labour_force', 'employed')
    """

    name: str
    group: str
    total: str
    groups: tuple[str, ...] = ()
    label: str = ""

    @property
    def variables(self) -> tuple[str, ...]:
        """All variables the definition needs, focus group and total first."""
        out = [self.group, self.total]
        out += [g for g in self.groups if g not in out]
        return tuple(out)

    @classmethod
    def from_dict(cls, name: str, spec: dict) -> GroupDefinition:
        """Build a definition from its YAML mapping (keys ``group``, ``total``, ``groups``, ``label``)."""
        return cls(
            name=name,
            group=spec["group"],
            total=spec["total"],
            groups=tuple(spec.get("groups") or ()),
            label=spec.get("label", ""),
        )


GRID_EMPLOYMENT_CAVEAT = (
    "EMP counts employed persons of all ages (including those over 64), so employed / aged 15-64 "
    "approximates an employment rate; cells where the employed outnumber the residents aged 15-64 "
    "are left out of this definition"
)

#: Group definitions shipped with the workbench. Variable names are the canonical names the
#: importers emit (see ``compare.sources``).
DEFAULT_GROUP_DEFINITIONS: dict[str, GroupDefinition] = {
    gd.name: gd
    for gd in [
        GroupDefinition(
            "low_income",
            group="income_low",
            total="adults_income",
            groups=("income_low", "income_middle", "income_high"),
            label="Adults in the lowest national income class vs all adults",
        ),
        GroupDefinition(
            "high_income",
            group="income_high",
            total="adults_income",
            groups=("income_low", "income_middle", "income_high"),
            label="Adults in the highest national income class vs all adults",
        ),
        GroupDefinition(
            "unemployment",
            group="unemployed",
            total="labour_force",
            groups=("employed", "unemployed"),
            label="Unemployed vs labour force",
        ),
        GroupDefinition(
            "basic_education",
            group="education_basic",
            total="adults_education",
            groups=(
                "education_basic",
                "education_matriculation",
                "education_vocational",
                "education_university_lower",
                "education_university_higher",
            ),
            label="Adults with basic education only vs all adults (education levels as groups)",
        ),
        GroupDefinition(
            "rented_housing",
            group="households_rented",
            total="households",
            groups=("households_owner", "households_rented", "households_other_tenure"),
            label="Households in rented dwellings vs all households",
        ),
        GroupDefinition(
            "foreigners",
            group="foreigners",
            total="population",
            groups=("foreigners", "nationals"),
            label="Foreign nationals vs all residents",
        ),
        GroupDefinition(
            "migration_background",
            group="migration_background",
            total="population",
            groups=(
                "nationals_without_migration_background",
                "nationals_with_migration_background",
                "foreigners",
            ),
            label="Residents with migration background vs all residents",
        ),
        # Eurostat Census 2021 1 km grid (compare.sources.census_grid): totals are the sums of the parts
        GroupDefinition(
            "born_outside_eu",
            group="born_outside_eu",
            total="population_by_birth",
            groups=("born_in_country", "born_other_eu", "born_outside_eu"),
            label="Residents born outside the EU vs all residents by country of birth (Census 2021 grid)",
        ),
        GroupDefinition(
            "born_abroad",
            group="born_abroad",
            total="population_by_birth",
            groups=("born_in_country", "born_abroad"),
            label="Residents born abroad (other EU or outside the EU) vs all residents (Census 2021 grid)",
        ),
        GroupDefinition(
            "born_other_eu",
            group="born_other_eu",
            total="population_by_birth",
            groups=("born_in_country", "born_other_eu", "born_outside_eu"),
            label="Residents born in another EU country vs all residents (Census 2021 grid)",
        ),
        GroupDefinition(
            "children",
            group="age_under_15",
            total="population_by_age",
            groups=("age_under_15", "age_15_64", "age_65_plus"),
            label="Children under 15 vs all residents (Census 2021 grid)",
        ),
        GroupDefinition(
            "older_people",
            group="age_65_plus",
            total="population_by_age",
            groups=("age_under_15", "age_15_64", "age_65_plus"),
            label="Residents aged 65 or over vs all residents (Census 2021 grid)",
        ),
        GroupDefinition(
            "employment_15_64",
            group="employed_within_15_64",
            total="age_15_64",
            groups=("employed_within_15_64", "not_employed_15_64"),
            label="Employed persons vs residents aged 15-64 (approximate: " + GRID_EMPLOYMENT_CAVEAT + ")",
        ),
    ]
}


def period_year(period: str | pd.Series) -> int | pd.Series:
    """Return the calendar year of a period label (``"2015-H2"`` -> ``2015``).

    Examples
    --------
    >>> period_year("2016-H1")
    2016
    """
    if isinstance(period, pd.Series):
        return period.astype(str).str.slice(0, 4).astype(int)
    return int(str(period)[:4])


def empty_population() -> pd.DataFrame:
    """An empty population table with the canonical columns and dtypes."""
    return pd.DataFrame(
        {
            "city": pd.Series(dtype=str),
            "area_id": pd.Series(dtype=str),
            "period": pd.Series(dtype=str),
            "variable": pd.Series(dtype=str),
            "count": pd.Series(dtype=float),
            "vintage": pd.Series(dtype=str),
        }
    )


def require_columns(frame, columns: Sequence[str], *, source=None, what: str = "") -> None:
    """The one missing-column check: refuse naming the file, the column and the closest names.

    Parameters
    ----------
    frame : pandas.DataFrame or mapping
        Anything with column names (``frame.columns``, or the keys of a mapping).
    columns : sequence of str
        Columns that must be present, in the order they are checked.
    source : str or Path, optional
        The file (or input) the frame was read from, for the message.
    what : str, optional
        What the columns are for ("population", "id", ...), for the message.

    Raises
    ------
    DataError
        For the first missing column, with :func:`closest_columns`.

    Examples
    --------
    >>> require_columns(pd.DataFrame(columns=["area_id", "populaton"]), ["area_id", "population"],
    ...                 source="pop.csv")
    Traceback (most recent call last):
    ...
    compare.errors.DataError: pop.csv, column population: missing column 'population'; closest: ['populaton']
    """
    names = list(frame.columns if hasattr(frame, "columns") else frame)
    for c in columns:
        if c not in names:
            label = f"missing {what} column" if what else "missing column"
            raise DataError(f"{label} {c!r}; {closest_columns(c, names)}", file=source, column=c)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], source: str | None) -> None:
    require_columns(frame, columns, source=source)


#: geometry types an area may have
AREA_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def check_geometries(geometry, ids, *, source=None) -> None:
    """The one check of area geometries: present, not empty, a (multi)polygon, valid.

    Parameters
    ----------
    geometry : geopandas.GeoSeries
    ids : sequence
        Area id of each geometry (named in errors).
    source : str or Path, optional
        File named in errors.

    Raises
    ------
    DataError
        Naming the file and the first offending area: a point or a line has no area, so every
        share, density and contiguity weight computed from it would be wrong.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> check_geometries(gpd.GeoSeries([box(0, 0, 1, 1)]), ["A"])
    >>> check_geometries(gpd.GeoSeries([box(0, 0, 1, 1), Point(0, 0)]), ["A", "B"], source="a.gpkg")
    Traceback (most recent call last):
    ...
    compare.errors.DataError: a.gpkg, row B, column geometry: geometry is a Point; expected a Polygon ...
    """
    import numpy as np

    ids = list(ids)
    geom = geometry.reset_index(drop=True)
    bad = geom.isna() | geom.is_empty
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            "empty or missing geometry; expected a polygon", file=source, row=ids[i], column="geometry"
        )
    kind = geom.geom_type
    wrong = ~kind.isin(AREA_GEOMETRY_TYPES)
    if wrong.any():
        i = int(np.flatnonzero(wrong.to_numpy())[0])
        others = sorted(set(kind[wrong]))
        raise DataError(
            f"geometry is a {kind.iloc[i]}; expected a Polygon or MultiPolygon for every area "
            f"({int(wrong.sum())} area(s) are {', '.join(others)}; points and lines have no area)",
            file=source,
            row=ids[i],
            column="geometry",
        )
    invalid = ~geom.is_valid
    if invalid.any():
        i = int(np.flatnonzero(invalid.to_numpy())[0])
        from shapely.validation import explain_validity

        raise DataError(
            f"invalid geometry ({explain_validity(geom.iloc[i])}); expected a valid polygon "
            "(repair it with shapely.make_valid)",
            file=source,
            row=ids[i],
            column="geometry",
        )


def validate_areas(areas, source: str | None = None):
    """Check an ``areas`` GeoDataFrame and return it unchanged.

    Raises :class:`~compare.errors.DataError` naming the area for: a missing column, a
    missing CRS, a geographic (non-metric) CRS, a duplicate ``(city, vintage, area_id)``,
    an empty, missing or invalid geometry.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
    source : str, optional
        File or importer name used in error messages.

    Returns
    -------
    geopandas.GeoDataFrame

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"city": ["x"], "area_id": ["1"], "area_name": ["One"],
    ...     "area_level": ["grid"], "vintage": ["v"]}, geometry=[box(0, 0, 1, 1)], crs=3035)
    >>> len(validate_areas(a))
    1
    """
    _require_columns(areas, AREA_COLUMNS, source)
    if areas.crs is None:
        raise DataError(
            "geometry has no CRS; expected a declared coordinate reference system "
            "(set it in the file or with `crs:` in the network config)",
            file=source,
            column="geometry",
        )
    if not areas.crs.is_projected:
        raise DataError(
            f"CRS {areas.crs.to_string()} is geographic; areas must be in a metric CRS "
            f"(use .to_crs('{METRIC_CRS}'))",
            file=source,
            column="geometry",
        )
    dup = areas.duplicated(["city", "vintage", "area_id"], keep=False)
    if dup.any():
        first = areas.loc[dup].iloc[0]
        raise DataError(
            f"duplicate area id {first['area_id']!r} in city {first['city']!r} "
            f"({int(dup.sum())} rows share an id); expected one row per area",
            file=source,
            row=first["area_id"],
            column="area_id",
        )
    check_geometries(areas.geometry, areas["area_id"], source=source)
    return areas


def check_counts(
    values,
    *,
    source=None,
    column: str | None = None,
    rows=None,
    what: str = "count",
    missing_hint: str = "empty for suppressed",
    context=None,
) -> np.ndarray:
    """The one check of head counts: a number, finite, not negative (``NaN`` = suppressed).

    Every importer and :func:`validate_population` call this, so a count means the same thing
    whichever door it came in by.

    Parameters
    ----------
    values : array-like
        Raw cells (text or numbers); missing cells (``None``/``NaN``) are allowed and stay missing.
    source : str or Path, optional
        File named in errors.
    column : str, optional
        Column (or variable) named in errors.
    rows : sequence, optional
        Row label of each value for errors (area id or 1-based row); default the row number
        under a header line.
    what : str, optional
        Noun used in messages.
    missing_hint : str, optional
        How a suppressed cell should be written, for messages.
    context : sequence of str or callable, optional
        Per value (or ``i -> str``), words naming it in messages (``"for variable 'x' in 2015"``).

    Returns
    -------
    numpy.ndarray of float

    Raises
    ------
    DataError
        Naming the file, row and column of the first bad value.

    Examples
    --------
    >>> check_counts(["3", None, "0"]).tolist()
    [3.0, nan, 0.0]
    >>> check_counts(["3", "inf"], source="t.csv", column="pop")
    Traceback (most recent call last):
    ...
    compare.errors.DataError: t.csv, row 3, column pop: count inf is not finite; expected a count ...
    """
    raw = pd.Series(values).reset_index(drop=True)
    labels = list(rows) if rows is not None else None

    ctx = context if context is None or callable(context) else list(context)

    def row(i):
        return labels[i] if labels is not None else i + 2

    def about(i):
        if ctx is None:
            return ""
        return f" {ctx(i) if callable(ctx) else ctx[i]}"

    text = raw.astype("string").str.strip() if raw.dtype == object or raw.dtype == "string" else None
    num = pd.to_numeric(text if text is not None else raw, errors="coerce")
    present = raw.notna() if text is None else raw.notna() & text.ne("")
    bad = num.isna() & present
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"value {raw.iloc[i]!r}{about(i)} is not a number; expected a {what} ({missing_hint})",
            file=source,
            row=row(i),
            column=column,
        )
    arr = num.to_numpy(dtype=float, na_value=np.nan)
    inf = np.isinf(arr)
    if inf.any():
        i = int(np.flatnonzero(inf)[0])
        raise DataError(
            f"{what} {arr[i]:g}{about(i)} is not finite; expected a {what} (a finite number >= 0)",
            file=source,
            row=row(i),
            column=column,
        )
    neg = arr < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise DataError(
            f"{what} {arr[i]:g}{about(i)} is negative; expected a {what} >= 0 (suppressed cells must be "
            "missing, not negative codes)",
            file=source,
            row=row(i),
            column=column,
        )
    return arr


def closest_columns(name: str, columns) -> str:
    """Text naming the closest column names to ``name`` (for missing-column errors).

    Examples
    --------
    >>> closest_columns("populaton", ["population", "area", "pop_total"])
    "closest: ['population', 'pop_total']"
    """
    import difflib

    cols = [str(c) for c in columns]
    close = difflib.get_close_matches(str(name), cols, n=3, cutoff=0.5)
    if close:
        return f"closest: {close}"
    return f"the file has {len(cols)} columns, e.g. {cols[:6]}"


def check_unique(
    frame: pd.DataFrame, keys: Sequence[str], *, source=None, id_column: str = "area_id"
) -> None:
    """The one rule for duplicates: refuse rows repeating ``keys``, naming the repeated ids.

    Examples
    --------
    >>> check_unique(pd.DataFrame({"area_id": ["a", "b", "a"], "period": ["1", "1", "1"]}),
    ...              ["area_id", "period"], source="t.csv")
    Traceback (most recent call last):
    ...
    compare.errors.DataError: t.csv, row a, column area_id: duplicate area id(s) ['a'] ...
    """
    dup = frame.duplicated(list(keys), keep=False)
    if not dup.any():
        return
    ids = sorted(map(str, frame.loc[dup, id_column].unique()))
    first = frame.loc[dup].iloc[0]
    others = [k for k in keys if k != id_column]
    at = ", ".join(f"{k} {first[k]!r}" for k in others)
    raise DataError(
        f"duplicate area id(s) {ids[:12]}{'...' if len(ids) > 12 else ''}"
        f"{' (first at ' + at + ')' if at else ''}; expected one row per {' and '.join(keys)} "
        "(each id would otherwise be counted twice)",
        file=source,
        row=ids[0],
        column=id_column,
    )


def validate_population(
    population: pd.DataFrame,
    areas=None,
    group_definitions: Iterable[GroupDefinition] = (),
    source: str | None = None,
) -> pd.DataFrame:
    """Check a long ``population`` table and return it with canonical dtypes.

    Checks: required columns; period labels; numeric, non-negative counts (``NaN`` is allowed
    and means suppressed); one row per ``(city, area_id, period, variable)``; every area id
    known in ``areas`` (when given) for the same city and vintage; for every group definition,
    the focus group and each partition group never larger than the total.

    Parameters
    ----------
    population : pandas.DataFrame
    areas : geopandas.GeoDataFrame, optional
    group_definitions : iterable of GroupDefinition
    source : str, optional
        File or importer name used in error messages.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> pop = pd.DataFrame({"city": ["x"], "area_id": ["1"], "period": ["2015"],
    ...     "variable": ["population"], "count": [10], "vintage": ["v"]})
    >>> validate_population(pop)["count"].dtype
    dtype('float64')
    """
    _require_columns(population, POPULATION_COLUMNS, source)
    pop = population.copy()
    for col in ["city", "area_id", "period", "variable", "vintage"]:
        pop[col] = pop[col].astype(str)
    bad_period = ~pop["period"].str.match(_PERIOD)
    if bad_period.any():
        i = int(np.flatnonzero(bad_period.to_numpy())[0])
        raise DataError(
            f"period {pop['period'].iloc[i]!r} is not a period label; expected 'YYYY', "
            "'YYYY-H1'/'YYYY-H2' or 'YYYY-MM'",
            file=source,
            row=pop["area_id"].iloc[i],
            column="period",
        )
    def context(i):
        return f"for variable {pop['variable'].iloc[i]!r} in period {pop['period'].iloc[i]}"

    pop["count"] = check_counts(
        pop["count"], source=source, column="count", rows=pop["area_id"].to_numpy(), context=context
    )
    check_unique(pop, ["city", "area_id", "period", "variable"], source=source)
    if areas is not None:
        known = pd.MultiIndex.from_frame(areas[["city", "vintage", "area_id"]].astype(str))
        probe = pd.MultiIndex.from_frame(pop[["city", "vintage", "area_id"]])
        unknown = ~probe.isin(known)
        if unknown.any():
            r = pop.loc[unknown].iloc[0]
            n = pop.loc[unknown, "area_id"].nunique()
            raise DataError(
                f"count for unknown area {r['area_id']!r} (city {r['city']!r}, boundary vintage "
                f"{r['vintage']!r}); {n} area id(s) have no geometry; expected every area id "
                "to exist in the areas table",
                file=source,
                row=r["area_id"],
                column="area_id",
            )
    check_group_definitions(pop, group_definitions, source=source)
    return pop


def check_group_definitions(
    population: pd.DataFrame, group_definitions: Iterable[GroupDefinition], source=None
) -> None:
    """Raise :class:`DataError` where a group count exceeds its total.

    Only definitions whose variables are all present are checked; use
    :func:`group_table` to require them.
    """
    present = set(population["variable"].unique())
    for gd in group_definitions:
        if not set(gd.variables) <= present:
            continue
        wide = population_wide(population, gd.variables)
        total = wide[gd.total]
        for var in dict.fromkeys((gd.group, *gd.groups)):
            if var == gd.total:
                continue
            over = wide[var] > total + 1e-9
            if over.any():
                idx = over[over].index[0]
                raise DataError(
                    f"group {var!r} ({wide.loc[idx, var]:g}) is larger than its total "
                    f"{gd.total!r} ({total.loc[idx]:g}) in period {idx[2]} of group "
                    f"definition {gd.name!r}; expected group <= total",
                    file=source,
                    row=idx[1],
                    column=var,
                )


def population_wide(population: pd.DataFrame, variables: Sequence[str] | None = None) -> pd.DataFrame:
    """Pivot the long population table to one row per ``(city, area_id, period)``.

    Parameters
    ----------
    population : pandas.DataFrame
        Long table with the canonical columns.
    variables : sequence of str, optional
        Variables to keep, in this column order (all when omitted). A requested variable
        missing from the table becomes an all-``NaN`` column.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(city, area_id, period)``, one float column per variable.

    Examples
    --------
    >>> pop = pd.DataFrame({"city": ["x", "x"], "area_id": ["1", "1"], "period": ["2015"] * 2,
    ...     "variable": ["a", "b"], "count": [1.0, 2.0], "vintage": ["v", "v"]})
    >>> population_wide(pop).columns.tolist()
    ['a', 'b']
    """
    pop = population
    if variables is not None:
        pop = pop[pop["variable"].isin(variables)]
    wide = pop.pivot_table(
        index=["city", "area_id", "period"],
        columns="variable",
        values="count",
        aggfunc="first",
        dropna=False,
    )
    wide.columns.name = None
    if variables is not None:
        wide = wide.reindex(columns=list(variables))
    return wide.astype(float)


def group_table(population: pd.DataFrame, definition: GroupDefinition) -> pd.DataFrame:
    """Counts for one group definition, one row per ``(city, area_id, period)``.

    Returns a wide frame with columns ``group``, ``total`` and one column per partition group
    (prefixed ``g:``), restricted to the rows where the definition's variables exist. Raises
    :class:`DataError` if a variable of the definition is absent from the whole table.

    Examples
    --------
    >>> pop = pd.DataFrame({"city": ["x"] * 2, "area_id": ["1"] * 2, "period": ["2015"] * 2,
    ...     "variable": ["u", "lf"], "count": [1.0, 5.0], "vintage": ["v"] * 2})
    >>> group_table(pop, GroupDefinition("u", group="u", total="lf")).columns.tolist()
    ['group', 'total']
    """
    present = set(population["variable"].unique())
    missing = [v for v in definition.variables if v not in present]
    if missing:
        raise DataError(
            f"group definition {definition.name!r} needs variable(s) {missing}, which the "
            f"population table lacks; available: {sorted(present)}",
            column="variable",
        )
    wide = population_wide(population, definition.variables)
    out = pd.DataFrame({"group": wide[definition.group], "total": wide[definition.total]})
    for g in definition.groups:
        out[f"g:{g}"] = wide[g]
    return out


@dataclass
class ImportReport:
    """What an importer noticed: suppressed cells, unmatched ids, notes on the data."""

    source: str
    suppressed: int = 0
    unmatched_ids: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
