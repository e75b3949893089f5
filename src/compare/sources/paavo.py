"""Statistics Finland *Paavo* postal-code data: PxWeb CSV exports 2012-2017 and the 2019 WFS table.

Paavo publishes counts per postal-code area (``posti_alue``) for all of Finland. Two formats are read:

PxWeb CSV exports (2012-2017)
    One file per theme and data year; first column ``"NNNNN Name   (Municipality )"`` (the
    municipality is cut off in long rows), one column per variable headed
    ``"Label, YYYY (XX)"`` where ``XX`` is the theme code (HE population, KO education,
    HR inhabitants' income, TR households' income, TE households, PT main type of activity,
    RA buildings, TP workplaces). ``..`` marks a suppressed (confidential) cell and ``.`` a
    category that does not apply; both become missing. Files are UTF-8 or Latin-1.
Paavo 2019 attribute table (dBase, WFS layer ``pno_tilasto_2019``)
    Short column codes (``he_vakiy``, ``hr_pi_tul``, ``pt_tyott``, ...); ``-1`` marks a suppressed
    cell. The data years differ by theme (population and education 2017, income and activity 2016).

Both become the canonical long ``population`` table. Only head counts are imported: averages,
medians, rates and purchasing power are not counts and are left out (listed in the import report).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.model import ImportReport, check_counts, require_columns

__all__ = [
    "PXWEB_VARIABLES",
    "PAAVO_2019_VARIABLES",
    "read_pxweb_csv",
    "read_pxweb_dir",
    "read_paavo_2019",
    "read_postal_areas",
    "postal_code_municipalities",
]

#: Canonical variable for each (theme code, label) of the PxWeb exports. Labels are written as in
#: the files (including Statistics Finland's typo "Inhabintants").
PXWEB_VARIABLES: dict[tuple[str, str], str] = {
    ("HE", "Inhabitants, total"): "population",
    ("HE", "Females"): "females",
    ("HE", "Males"): "males",
    ("KO", "Aged 18 or over, total"): "adults_education",
    ("KO", "Basic level studies"): "education_basic",
    ("KO", "With education, total"): "education_post_basic",
    ("KO", "Matriculation examination"): "education_matriculation",
    ("KO", "Vocational diploma"): "education_vocational",
    ("KO", "Academic degree - Lower level university degree"): "education_university_lower",
    ("KO", "Academic degree - Higher level university degree"): "education_university_higher",
    ("HR", "Aged 18 or over, total"): "adults_income",
    ("HR", "Inhabintants belonging to the lowest income category"): "income_low",
    ("HR", "Inhabitants belonging to the lowest income category"): "income_low",
    ("HR", "Inhabitants belonging to the middle income category"): "income_middle",
    ("HR", "Inhabintants belonging to the highest income category"): "income_high",
    ("HR", "Inhabitants belonging to the highest income category"): "income_high",
    ("TR", "Households, total"): "households_income",
    ("TR", "Households belonging to the lowest income category"): "households_income_low",
    ("TR", "Households belonging to the middle income category"): "households_income_middle",
    ("TR", "Households belonging to the highest income category"): "households_income_high",
    ("TE", "Households, total"): "households",
    ("TE", "Households living in owner-occupied dwellings"): "households_owner",
    ("TE", "Households living in rented dwellings"): "households_rented",
    ("TE", "Households living in other dwellings"): "households_other_tenure",
    ("PT", "Inhabitants"): "population_activity",
    ("PT", "Labour force"): "labour_force",
    ("PT", "Employed"): "employed",
    ("PT", "Unemployed"): "unemployed",
    ("PT", "Persons outside the labour force"): "outside_labour_force",
    ("PT", "Children aged 0 to 14"): "children_0_14",
    ("PT", "Students"): "students",
    ("PT", "Pensioners"): "pensioners",
    ("PT", "Others"): "activity_other",
    ("RA", "Buildings, total"): "buildings",
    ("RA", "Dwellings"): "dwellings",
    ("TP", "Workplaces"): "workplaces",
    ("LM", "Inhabitants, total"): "population_labour_market",
    ("LM", "Inhabitants aged 18-64"): "population_18_64",
}

_NOT_COUNTS = re.compile(r"^(average|median|accumulated)|rate|ratio|%", re.IGNORECASE)
_HEADER = re.compile(r"^(?P<label>.*?),\s*(?P<year>\d{4})(?:\s*\((?P<theme>[A-Z]{2})\))?\s*$")
_AREA = re.compile(r"^(?P<code>\d{5})\s+(?P<rest>.*)$")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _variable_for(theme: str, label: str) -> str | None:
    """Canonical variable name of a PxWeb column, ``None`` for non-count columns."""
    if (theme, label) in PXWEB_VARIABLES:
        return PXWEB_VARIABLES[(theme, label)]
    if _NOT_COUNTS.search(label):
        return None
    if theme == "HE" and re.match(r"^\d+(-\d+)? years|^\d+ years or over", label):
        return "age_" + _slug(label.replace(" years", "").replace(" or over", "_plus"))
    prefix = {
        "TE": "households_",
        "RA": "",
        "TP": "workplaces_",
        "HE": "population_",
        "KO": "education_",
        "PT": "activity_",
        "HR": "income_",
        "TR": "households_income_",
        "LM": "labour_market_",
    }.get(theme, theme.lower() + "_")
    slug = _slug(label)
    return slug if prefix and slug.startswith(prefix) else prefix + slug


def _decode(raw: bytes) -> str:
    """Decode a file that may be UTF-8, Latin-1, or a mix of both line by line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        out = []
        for line in raw.split(b"\n"):
            try:
                out.append(line.decode("utf-8"))
            except UnicodeDecodeError:
                out.append(line.decode("latin-1"))
        return "\n".join(out)


def _parse_area_label(label: str, path: Path, row: int) -> tuple[str, str, str]:
    """Split ``'00100 Helsinki Keskusta   (Helsinki )'`` into code, name, municipality."""
    m = _AREA.match(label.strip())
    if not m:
        raise DataError(
            f"first column {label!r} is not a postal-code area; expected 'NNNNN Name (Municipality)'",
            file=path,
            row=row,
            column="Postal code area",
        )
    rest = m.group("rest")
    if "(" in rest:
        name, _, muni = rest.rpartition("(")
        muni = muni.rstrip(")").strip()
    else:
        name, muni = rest, ""
    return m.group("code"), re.sub(r"\s+", " ", name).strip(), muni


#: the national total row, dropped (areas are postal codes)
_NATIONAL = ("Finland", "Whole country", "KOKO MAA")
_INFO_COLUMNS = ("information", "tiedot", "uppgifter")
_LONG_INFO = re.compile(r"^(?P<label>.*?)(?:,\s*\d{4})?\s*(?:\((?P<theme>[A-Z]{2})\))?\s*$")


def _is_long_layout(header: list[str]) -> bool:
    """PxWeb's long export: ``"Postal code area","Information","2020"[,"2021" ...]``."""
    return (
        len(header) >= 3
        and header[1].strip().lower() in _INFO_COLUMNS
        and all(re.fullmatch(r"\d{4}", h.strip()) for h in header[2:])
    )


def _long_to_wide(rows: list[list[str]], path: Path) -> list[list[str]]:
    """Reshape PxWeb's long layout (one row per area and variable, one column per year) to the wide one.

    The wide header reads ``'Label, YYYY (XX)'`` as in the classic export; the label and the
    theme code come from the ``Information`` cell (``'Inhabitants, total (HE)'``). An area with
    the same variable twice is refused, naming both rows.
    """
    header = rows[0]
    years = [h.strip() for h in header[2:]]
    order: list[str] = []  # wide column names in order of first appearance
    areas: dict[str, dict[str, str]] = {}
    seen: dict[tuple[str, str], int] = {}
    for i, r in enumerate(rows[1:], start=2):
        if not r or not r[0].strip():
            continue
        if len(r) != len(header):
            raise DataError(
                f"row has {len(r)} fields; expected {len(header)} as in the header", file=path, row=i
            )
        area, info = r[0].strip(), r[1].strip()
        if area in _NATIONAL:
            continue
        m = _LONG_INFO.match(info)
        label, theme = m.group("label").strip(), m.group("theme")
        if (area, info) in seen:
            raise DataError(
                f"area {area!r} has {info!r} twice (rows {seen[(area, info)]} and {i}); expected one row "
                "per area and variable",
                file=path,
                row=i,
                column=header[1],
            )
        seen[(area, info)] = i
        cells = areas.setdefault(area, {})
        for year, value in zip(years, r[2:], strict=True):
            name = f"{label}, {year}" + (f" ({theme})" if theme else "")
            if name not in cells:
                cells[name] = value
            if name not in order:
                order.append(name)
    wide = [[header[0], *order]]
    for area, cells in areas.items():
        missing = [c for c in order if c not in cells]
        if missing:
            raise DataError(
                f"area {area!r} has no row for {missing[:3]}; expected every variable for every area "
                "(a suppressed value is written '..')",
                file=path,
                column=header[1],
            )
        wide.append([area, *(cells[c] for c in order)])
    return wide


def read_pxweb_csv(path: str | Path, report: ImportReport | None = None) -> pd.DataFrame:
    """Read one Paavo PxWeb CSV export into a long table.

    Both layouts Statistics Finland's PxWeb saves are read: the classic wide one (one column per
    variable and year, ``"Inhabitants, total, 2014 (HE)"``) and the long one (``"Postal code
    area","Information","2020"[,"2021"...]``: one row per area and variable, one column per year).

    Parameters
    ----------
    path : str or Path
        A file such as ``Main_type_of_activity_2014.csv``.
    report : ImportReport, optional
        Receives the number of suppressed cells and the skipped non-count columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``area_id, area_name, municipality, period, variable, count`` (``count`` is
        ``NaN`` where the cell was suppressed). The national total row ("Finland") is dropped.

    Examples
    --------
    >>> df = read_pxweb_csv(raw / "helsinki-region/paavo-2012-2017/paavo_raw/Main_type_of_activity_2014.csv")
    >>> sorted(df["variable"].unique())[:3]
    ['activity_other', 'children_0_14', 'employed']
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; run `python -m compare data fetch`", file=path)
    text = _decode(path.read_bytes())
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or len(rows[0]) < 2:
        raise DataError("empty file or no data columns; expected a PxWeb CSV export", file=path)
    if _is_long_layout(rows[0]):
        rows = _long_to_wide(rows, path)
    header = rows[0]
    columns = []  # (index, variable, period)
    skipped = []
    theme_default = "LM" if header[0].strip() == "Postialue" else None
    for j, h in enumerate(header[1:], start=1):
        m = _HEADER.match(h.strip())
        if not m:
            raise DataError(
                f"header {h!r} has no data year; expected 'Label, YYYY (XX)'",
                file=path,
                row=1,
                column=h,
            )
        theme = m.group("theme") or theme_default or "XX"
        var = _variable_for(theme, m.group("label"))
        if var is None:
            skipped.append(m.group("label"))
            continue
        columns.append((j, var, m.group("year")))
    codes, names, munis, values = [], [], [], []
    for i, r in enumerate(rows[1:], start=2):
        if not r or not r[0].strip():
            continue
        if r[0].strip() in _NATIONAL:
            continue
        if len(r) != len(header):
            raise DataError(
                f"row has {len(r)} fields; expected {len(header)} as in the header",
                file=path,
                row=i,
            )
        code, name, muni = _parse_area_label(r[0], path, i)
        codes.append(code)
        names.append(name)
        munis.append(muni)
        values.append([r[j] for j, _, _ in columns])
    raw = np.array(values, dtype=object).reshape(len(codes), len(columns))
    # ".." = confidential/suppressed, "." = category not applicable (Statistics Finland's codes).
    suppressed = (raw == "..") | (raw == ".")
    raw[suppressed] = np.nan
    counts = np.column_stack(
        [
            check_counts(raw[:, b], source=path, column=header[columns[b][0]], rows=codes,
                         missing_hint="'..' or '.' for suppressed")
            for b in range(raw.shape[1])
        ]
    ) if raw.shape[1] else np.zeros((len(codes), 0))
    if report is not None:
        report.suppressed += int(suppressed.sum())
        if skipped:
            report.notes.append(f"{path.name}: non-count columns not imported: {skipped}")
    n, k = counts.shape
    rows_of = np.repeat(np.arange(n), k)
    cols_of = np.tile(np.arange(k), n)
    # Categoricals built from codes: a few thousand distinct strings instead of 1e6 string objects.
    return pd.DataFrame(
        {
            "area_id": _categorical(codes, rows_of),
            "area_name": _categorical(names, rows_of),
            "municipality": _categorical(munis, rows_of),
            "period": _categorical([p for _, _, p in columns], cols_of),
            "variable": _categorical([v for _, v, _ in columns], cols_of),
            "count": counts.ravel(),
        }
    )


def _categorical(values: list[str], positions: np.ndarray) -> pd.Categorical:
    """``values[positions]`` as a categorical, without materialising the repeated strings."""
    cats, inverse = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    return pd.Categorical.from_codes(inverse[positions], categories=pd.Index(cats, dtype=str))


def _concat_categorical(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate frames, merging categorical columns' categories (pandas would fall back to str)."""
    from pandas.api.types import union_categoricals

    out = {}
    for col in frames[0].columns:
        parts = [f[col] for f in frames]
        if isinstance(parts[0].dtype, pd.CategoricalDtype):
            out[col] = union_categoricals(parts)
        else:
            out[col] = np.concatenate([p.to_numpy() for p in parts])
    return pd.DataFrame(out)


def _resolve_municipalities(frame: pd.DataFrame, lookup: dict[str, str] | None) -> pd.Series:
    """Complete municipality names cut off in long rows (prefix match, then the lookup table).

    Works on the distinct (postal code, name) pairs, then maps back to every row.
    """
    pairs = frame[["area_id", "municipality"]].astype(str).drop_duplicates()
    complete = sorted(set(pairs["municipality"]))
    mapping = {}
    for short in complete:
        longer = [c for c in complete if c != short and c.startswith(short)]
        if len(longer) == 1:
            mapping[short] = longer[0]
    resolved = pairs["municipality"].map(lambda s: mapping.get(s, s))
    if lookup:
        unknown = resolved.eq("") | ~resolved.isin(set(lookup.values()))
        resolved = resolved.where(~unknown, pairs["area_id"].map(lookup).fillna(resolved))
    key = pd.MultiIndex.from_frame(pairs)
    table = pd.Series(resolved.to_numpy(), index=key)
    rows = pd.MultiIndex.from_arrays([frame["area_id"].astype(str), frame["municipality"].astype(str)])
    return pd.Series(pd.Categorical(table.reindex(rows).to_numpy()), index=frame.index)


def read_pxweb_dir(
    folder: str | Path,
    municipalities: Iterable[str] | None = None,
    themes: Iterable[str] | None = None,
    lookup: str | Path | None = None,
    report: ImportReport | None = None,
) -> pd.DataFrame:
    """Read every Paavo PxWeb export in a folder (all of Finland, all years).

    Parameters
    ----------
    folder : str or Path
        Folder with the ``<Theme>_<year>.csv`` files.
    municipalities : iterable of str, optional
        Keep only these municipalities (Finnish names as Statistics Finland writes them,
        e.g. ``"Vantaa"``); all of Finland when omitted.
    themes : iterable of str, optional
        File-name prefixes to read (e.g. ``["Main_type_of_activity"]``); all when omitted.
    lookup : str or Path, optional
        Tab-separated postcode -> municipality table used where a file cuts the name off
        (``zip_municipality.tsv``).
    report : ImportReport, optional

    Returns
    -------
    pandas.DataFrame
        Long table ``area_id, area_name, municipality, period, variable, count``. Where a
        year's activity table lacks ``labour_force`` it is derived as employed + unemployed
        (noted in the report).

    Examples
    --------
    >>> df = read_pxweb_dir(raw / "helsinki-region/paavo-2012-2017/paavo_raw", municipalities=["Vantaa"])
    >>> df["area_id"].nunique(), sorted(df["period"].unique())[0], sorted(df["period"].unique())[-1]
    (37, '2012', '2017')
    """
    folder = Path(folder)
    files = sorted(folder.glob("*.csv"))
    if themes is not None:
        themes = tuple(themes)
        files = [f for f in files if f.name.startswith(themes)]
    if not files:
        raise DataError("no PxWeb CSV files found; expected <Theme>_<year>.csv", file=folder)
    frames = [read_pxweb_csv(f, report=report) for f in files]
    df = _concat_categorical(frames)
    table = None
    if lookup is not None and Path(lookup).is_file():
        lk = pd.read_csv(lookup, sep="\t", dtype=str, encoding="utf-8-sig")
        table = dict(zip(lk.iloc[:, 0].str.zfill(5), lk.iloc[:, 1].str.strip(), strict=False))
    df["municipality"] = _resolve_municipalities(df, table)
    # Duplicate area/period/variable across files (e.g. two exports of one theme) must agree.
    dup = df.duplicated(["area_id", "period", "variable"], keep=False)
    if dup.any():
        clash = df[dup].groupby(["area_id", "period", "variable"])["count"].nunique(dropna=False)
        clash = clash[clash > 1]
        if len(clash):
            a, p, v = clash.index[0]
            raise DataError(
                f"two files give different counts for variable {v!r} in {p}; expected one value",
                file=folder,
                row=a,
                column=v,
            )
        df = df[~df.duplicated(["area_id", "period", "variable"])]
    df = _derive_labour_force(df, report)
    if municipalities is not None:
        wanted = set(municipalities)
        unknown = wanted - set(df["municipality"].unique())
        if unknown:
            raise DataError(
                f"municipality {sorted(unknown)} not found in the Paavo data; expected Finnish "
                "names as Statistics Finland writes them (e.g. 'Vantaa', 'Espoo')",
                file=folder,
                column="municipality",
            )
        df = df[df["municipality"].isin(wanted)]
    return df.reset_index(drop=True)


def _derive_labour_force(df: pd.DataFrame, report: ImportReport | None) -> pd.DataFrame:
    have = df.loc[df["variable"] == "labour_force", "period"].unique()
    parts = df[df["variable"].isin(["employed", "unemployed"]) & ~df["period"].isin(have)]
    if parts.empty:
        return df
    lf = (
        parts.groupby(["area_id", "area_name", "municipality", "period"], sort=False)["count"]
        .sum(min_count=2)
        .reset_index()
    )
    # min_count=2: a suppressed part makes the derived total missing, never a partial sum.
    lf["variable"] = "labour_force"
    if report is not None:
        report.notes.append(
            f"labour_force derived as employed + unemployed for period(s) {sorted(lf['period'].unique())}, "
            "where the activity table does not publish it"
        )
    return pd.concat([df, lf[df.columns]], ignore_index=True)


#: Paavo 2019 short codes -> (canonical variable, data year). Years per Statistics Finland's
#: documentation of the 2019 release: population structure 31.12.2017, education 2017, income 2016,
#: households 2017, main type of activity 2016.
PAAVO_2019_VARIABLES: dict[str, tuple[str, str]] = {
    "he_vakiy": ("population", "2017"),
    "he_naiset": ("females", "2017"),
    "he_miehet": ("males", "2017"),
    "ko_ika18y": ("adults_education", "2017"),
    "ko_perus": ("education_basic", "2017"),
    "ko_koul": ("education_post_basic", "2017"),
    "ko_yliop": ("education_matriculation", "2017"),
    "ko_ammat": ("education_vocational", "2017"),
    "ko_al_kork": ("education_university_lower", "2017"),
    "ko_yl_kork": ("education_university_higher", "2017"),
    "hr_tuy": ("adults_income", "2016"),
    "hr_pi_tul": ("income_low", "2016"),
    "hr_ke_tul": ("income_middle", "2016"),
    "hr_hy_tul": ("income_high", "2016"),
    "te_taly": ("households", "2017"),
    "te_omis_as": ("households_owner", "2017"),
    "te_vuok_as": ("households_rented", "2017"),
    "te_muu_as": ("households_other_tenure", "2017"),
    "tr_kuty": ("households_income", "2016"),
    "tr_pi_tul": ("households_income_low", "2016"),
    "tr_ke_tul": ("households_income_middle", "2016"),
    "tr_hy_tul": ("households_income_high", "2016"),
    "pt_vakiy": ("population_activity", "2016"),
    "pt_tyoll": ("employed", "2016"),
    "pt_tyott": ("unemployed", "2016"),
    "pt_0_14": ("children_0_14", "2016"),
    "pt_opisk": ("students", "2016"),
    "pt_elakel": ("pensioners", "2016"),
    "pt_muut": ("activity_other", "2016"),
    "ra_raky": ("buildings", "2017"),
    "ra_asunn": ("dwellings", "2017"),
    "tp_tyopy": ("workplaces", "2016"),
}

#: Statistics Finland municipality codes of the example network's Finnish cities (and neighbours).
MUNICIPALITY_CODES = {"091": "Helsinki", "049": "Espoo", "092": "Vantaa", "235": "Kauniainen"}


def read_paavo_2019(
    path: str | Path,
    municipalities: Iterable[str] | None = None,
    report: ImportReport | None = None,
) -> pd.DataFrame:
    """Read the Paavo 2019 attribute table (``pno_tilasto_2019.dbf``) into a long table.

    Parameters
    ----------
    path : str or Path
        The dBase file (its ``.cpg`` beside it gives the encoding).
    municipalities : iterable of str, optional
        Municipality names or 3-digit codes (``"092"`` = Vantaa) to keep.
    report : ImportReport, optional
        Receives the number of suppressed (``-1``) cells.

    Returns
    -------
    pandas.DataFrame
        ``area_id, area_name, municipality, period, variable, count``; ``-1`` becomes ``NaN``.
        ``labour_force`` is derived as employed + unemployed (the 2019 table has no column
        for it).

    Examples
    --------
    >>> dbf = raw / "helsinki-region/paavo-2019/pno_tilasto_2019.dbf"
    >>> df = read_paavo_2019(dbf, municipalities=["Vantaa"])
    >>> df["area_id"].nunique()
    36
    """
    import pyogrio

    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; run `python -m compare data fetch`", file=path)
    table = pyogrio.read_dataframe(path, read_geometry=False)
    require_columns(table, ["posti_alue", "nimi", "kunta"], source=path, what="Paavo 2019 attribute table")
    codes = [c for c in PAAVO_2019_VARIABLES if c in table.columns]
    if municipalities is not None:
        wanted = {str(m) for m in municipalities}
        names = table["kunta"].map(MUNICIPALITY_CODES).fillna(table["kunta"])
        keep = table["kunta"].isin(wanted) | names.isin(wanted)
        if not keep.any():
            raise DataError(
                f"no postal area of municipality {sorted(wanted)}; expected a name such as "
                f"'Vantaa' or a 3-digit code such as '092'",
                file=path,
                column="kunta",
            )
        table = table[keep]
    numeric = table[codes].apply(pd.to_numeric, errors="coerce")
    suppressed = numeric.eq(-1)  # Paavo 2019's suppression code
    values = pd.DataFrame(
        {
            c: check_counts(table[c].mask(suppressed[c]), source=path, column=c,
                            rows=table["posti_alue"].to_numpy(), missing_hint="-1 for suppressed")
            for c in codes
        },
        index=table.index,
    )
    values = values.mask(suppressed)
    if report is not None:
        report.suppressed += int(suppressed.to_numpy().sum())
    n, k = values.shape
    long = pd.DataFrame(
        {
            "area_id": np.repeat(table["posti_alue"].astype(str).str.zfill(5).to_numpy(), k),
            "area_name": np.repeat(table["nimi"].astype(str).to_numpy(), k),
            "municipality": np.repeat(
                table["kunta"].map(MUNICIPALITY_CODES).fillna(table["kunta"]).to_numpy(), k
            ),
            "period": np.tile([PAAVO_2019_VARIABLES[c][1] for c in codes], n),
            "variable": np.tile([PAAVO_2019_VARIABLES[c][0] for c in codes], n),
            "count": values.to_numpy(dtype=float).ravel(),
        }
    )
    return _derive_labour_force(long, report)


def read_postal_areas(
    path: str | Path,
    id_column: str = "posti_alue",
    name_column: str | None = None,
    crs: str | None = None,
):
    """Read postal-code polygons (GeoPackage / GeoJSON / shapefile) as ``area_id, area_name, geometry``.

    Parameters
    ----------
    path : str or Path
    id_column : str
        Column with the 5-digit postal code (``posti_alue`` in Paavo files, ``Posno`` in HRI's).
    name_column : str, optional
        Column with the area name (empty names when omitted).
    crs : str, optional
        CRS to assume when the file declares none (an error otherwise).

    Returns
    -------
    geopandas.GeoDataFrame
        In the file's own (national) CRS.

    Examples
    --------
    >>> g = read_postal_areas(raw / "helsinki-region/uusimaa-geometry/uusimaa_postal_code_areas.gpkg")
    >>> len(g), g.crs.to_epsg()
    (370, 3067)
    """
    import geopandas as gpd

    path = Path(path)
    if not path.is_file():
        raise DataError("file not found; run `python -m compare data fetch`", file=path)
    gdf = gpd.read_file(path)
    if id_column not in gdf.columns:
        raise DataError(f"missing id column; found {list(gdf.columns)}", file=path, column=id_column)
    if gdf.crs is None:
        if crs is None:
            raise DataError(
                "geometry has no CRS; expected a declared CRS (or pass crs=...)",
                file=path,
                column="geometry",
            )
        gdf = gdf.set_crs(crs)
    from compare.sources.generic import check_crs_bounds

    check_crs_bounds(gdf, path)
    out = gdf[[id_column, "geometry"]].rename(columns={id_column: "area_id"})
    out["area_id"] = out["area_id"].astype(str).str.zfill(5)
    out["area_name"] = gdf[name_column].astype(str) if name_column else ""
    return out[["area_id", "area_name", "geometry"]]


def postal_code_municipalities(path: str | Path) -> pd.Series:
    """Municipality (Finnish name) of every postal code, from the Paavo 2019 table.

    Parameters
    ----------
    path : str or Path
        ``pno_tilasto_2019.dbf``.

    Returns
    -------
    pandas.Series
        Indexed by 5-digit postal code.

    Examples
    --------
    >>> s = postal_code_municipalities(raw / "helsinki-region/paavo-2019/pno_tilasto_2019.dbf")
    >>> s["01200"]
    'Vantaa'
    """
    import pyogrio

    table = pyogrio.read_dataframe(path, columns=["posti_alue", "kunta"], read_geometry=False)
    codes = table["kunta"].astype(str).str.zfill(3)
    return pd.Series(
        codes.map(MUNICIPALITY_CODES).fillna(codes).to_numpy(),
        index=table["posti_alue"].astype(str).str.zfill(5),
        name="municipality",
    )
