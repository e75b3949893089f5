"""Linking governance models to outcomes: covered areas against the rest of the city.

Takes a generic tidy indicator table, either wide (``city, area_id, period, <indicator
columns>``) or long (``city, area_id, period, indicator, value``), as produced by
:mod:`compare.indicators` or by hand; nothing is imported from the indicator modules.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.governance.compare import _as_dict
from compare.governance.evidence import CONFIDENCE_LEVELS

__all__ = ["coverage_table", "flag_covered", "covered_vs_rest"]

_KEYS = ["city", "area_id", "period"]


def coverage_table(profiles, min_confidence: str = "low") -> pd.DataFrame:
    """One row per covered area: ``city, area_id, area_name, confidence, start_year, model``.

    Parameters
    ----------
    profiles : mapping or iterable of Profile
    min_confidence : {"low", "medium", "high"}
        Keep areas whose mapping confidence is at least this level.

    Examples
    --------
    >>> from compare.governance import load_profiles
    >>> t = coverage_table(load_profiles(), min_confidence="medium")
    >>> set(t["confidence"]) <= {"medium", "high"}
    True
    """
    if min_confidence not in CONFIDENCE_LEVELS:
        raise DataError(
            f"min_confidence {min_confidence!r} is not one of {list(CONFIDENCE_LEVELS)}",
            column="min_confidence",
        )
    rank = CONFIDENCE_LEVELS.index(min_confidence)
    rows = []
    for city, p in _as_dict(profiles).items():
        for a in p.covered_areas:
            if CONFIDENCE_LEVELS.index(a.confidence) >= rank:
                rows.append(
                    {
                        "city": city,
                        "area_id": a.area_id,
                        "area_name": a.name,
                        "confidence": a.confidence,
                        "start_year": p.start_year,
                        "model": p.name,
                    }
                )
    cols = ["city", "area_id", "area_name", "confidence", "start_year", "model"]
    return pd.DataFrame(rows, columns=cols)


def _check_frame(frame: pd.DataFrame, long: bool) -> None:
    need = _KEYS + (["indicator", "value"] if long else [])
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise DataError(
            f"indicator table lacks column(s) {missing}; expected {need} "
            f"{'' if long else '+ indicator columns'}",
            column=missing[0],
        )


def flag_covered(frame: pd.DataFrame, profiles, min_confidence: str = "low") -> pd.DataFrame:
    """Add ``covered`` (area under a model) and ``model_active`` (covered, year >= start).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with ``city`` and ``area_id`` (and ``period`` for ``model_active``).
    profiles : mapping or iterable of Profile
    min_confidence : str
        Minimum confidence of the area mapping.

    Returns
    -------
    pandas.DataFrame
        A copy with the two boolean columns.

    Examples
    --------
    >>> from compare.governance import load_profiles
    >>> f = pd.DataFrame({"city": ["vantaa", "vantaa"], "area_id": ["01200", "01300"],
    ...                   "period": ["2015", "2015"]})
    >>> flag_covered(f, load_profiles())["covered"].tolist()
    [True, False]
    """
    for col in ("city", "area_id"):
        if col not in frame.columns:
            raise DataError(f"table lacks column {col!r}", column=col)
    cov = coverage_table(profiles, min_confidence)
    key = set(zip(cov["city"], cov["area_id"], strict=True))
    out = frame.copy()
    out["covered"] = [(c, str(a)) in key for c, a in zip(out["city"], out["area_id"], strict=True)]
    starts = {c: p.start_year for c, p in _as_dict(profiles).items()}
    if "period" in out.columns:
        year = out["period"].astype(str).str.slice(0, 4).astype(int)
        start = out["city"].map(starts)
        out["model_active"] = out["covered"] & start.notna() & (year >= start.fillna(10**6))
    return out


def covered_vs_rest(
    indicators: pd.DataFrame,
    profiles,
    indicator_columns: Sequence[str] | None = None,
    weight: str | None = None,
    min_confidence: str = "low",
) -> pd.DataFrame:
    r"""Compare indicators in the areas under each model with the rest of the same city.

    For each city, period and indicator, the (optionally weighted) mean over covered areas
    :math:`\bar{x}_C` and over the other areas of the city :math:`\bar{x}_R`, their
    difference :math:`\bar{x}_C - \bar{x}_R` and ratio :math:`\bar{x}_C / \bar{x}_R`.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Wide (``city, area_id, period, <indicator columns>``) or long (``city, area_id,
        period, indicator, value``) table of area-level indicators.
    profiles : mapping or iterable of Profile
    indicator_columns : sequence of str, optional
        Wide input: which columns are indicators (default: every numeric column except the
        keys and ``weight``).
    weight : str, optional
        Column (wide input) with area weights, e.g. population, for weighted means.
    min_confidence : str
        Minimum confidence of the area mapping.

    Returns
    -------
    pandas.DataFrame
        ``city, period, indicator, covered_mean, rest_mean, difference, ratio, n_covered,
        n_rest`` (cities without a profile are left out).

    Raises
    ------
    compare.errors.DataError
        Missing key columns, or a profiled city present in the table none of whose covered
        areas appear in it (area ids of another scheme or vintage).

    Examples
    --------
    >>> from compare.governance import load_profiles
    >>> t = pd.DataFrame({"city": ["vantaa"] * 3, "area_id": ["01200", "01300", "01400"],
    ...                   "period": ["2015"] * 3, "unemployment_rate": [0.2, 0.1, 0.1]})
    >>> r = covered_vs_rest(t, load_profiles())
    >>> round(float(r["difference"].iloc[0]), 3)
    0.1
    """
    long = "indicator" in indicators.columns and "value" in indicators.columns
    _check_frame(indicators, long)
    frame = indicators.copy()
    frame["area_id"] = frame["area_id"].astype(str)
    frame["period"] = frame["period"].astype(str)
    if not long:
        if indicator_columns is None:
            skip = set(_KEYS) | ({weight} if weight else set())
            indicator_columns = [
                c for c in frame.columns if c not in skip and pd.api.types.is_numeric_dtype(frame[c])
            ]
        missing = [c for c in indicator_columns if c not in frame.columns]
        if missing:
            raise DataError(f"indicator column(s) {missing} not in the table", column=missing[0])
        id_vars = _KEYS + ([weight] if weight else [])
        frame = frame.melt(
            id_vars=id_vars,
            value_vars=list(indicator_columns),
            var_name="indicator",
            value_name="value",
        )
    elif weight is not None and weight not in frame.columns:
        raise DataError(f"weight column {weight!r} not in the table", column=weight)

    profs = _as_dict(profiles)
    frame = frame[frame["city"].isin(list(profs))]
    frame = flag_covered(frame, profs, min_confidence)
    for city in frame["city"].unique():
        if not frame.loc[frame["city"] == city, "covered"].any():
            raise DataError(
                f"none of the covered areas of city {city!r} ({list(profs[city].area_ids)[:5]}"
                "...) appear in the indicator table; check the area-id scheme and vintage",
                row=city,
                column="area_id",
            )
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame.dropna(subset=["value"])
    w = frame[weight].astype(float) if weight else pd.Series(1.0, index=frame.index)
    frame = frame.assign(_w=w, _wx=w * frame["value"])
    g = frame.groupby(["city", "period", "indicator", "covered"], sort=True)
    agg = g.agg(wsum=("_w", "sum"), wxsum=("_wx", "sum"), n=("value", "size")).reset_index()
    agg["mean"] = agg["wxsum"] / agg["wsum"].replace(0, np.nan)
    wide = agg.pivot_table(
        index=["city", "period", "indicator"],
        columns="covered",
        values=["mean", "n"],
        aggfunc="first",
    )
    out = pd.DataFrame(index=wide.index)
    out["covered_mean"] = wide.get(("mean", True))
    out["rest_mean"] = wide.get(("mean", False))
    out["difference"] = out["covered_mean"] - out["rest_mean"]
    out["ratio"] = out["covered_mean"] / out["rest_mean"].replace(0, np.nan)
    out["n_covered"] = wide.get(("n", True), pd.Series(0, index=wide.index)).fillna(0).astype(int)
    out["n_rest"] = wide.get(("n", False), pd.Series(0, index=wide.index)).fillna(0).astype(int)
    return out.reset_index()
