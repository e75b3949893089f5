"""Private helpers shared by the evaluation estimators: input checks, period ordering, warnings."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError

__all__: list[str] = []


class EvaluationWarning(UserWarning):
    """A caveat about an evaluation design (small comparison group, short pre-period, trends)."""


def warn(caveats: list[str], message: str, *, stacklevel: int = 3) -> None:
    """Emit ``message`` as an :class:`EvaluationWarning` and record it in ``caveats``."""
    if message not in caveats:
        caveats.append(message)
    warnings.warn(message, EvaluationWarning, stacklevel=stacklevel)


def require_columns(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`DataError` naming the first column of ``columns`` missing from ``data``."""
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"{what} expects a pandas DataFrame, got {type(data).__name__}")
    from compare.model import require_columns as _require

    _require(data, columns, what=f"{what}'s")


def numeric_outcome(data: pd.DataFrame, column: str, what: str) -> np.ndarray:
    """Return ``data[column]`` as float, raising :class:`DataError` on non-numeric values."""
    values = pd.to_numeric(data[column], errors="coerce")
    bad = values.isna() & data[column].notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"{what}: value {data[column].iloc[i]!r} is not a number; expected a numeric outcome",
            row=data.index[i],
            column=column,
        )
    return values.to_numpy(dtype=float)


def period_order(values: pd.Series | Sequence) -> list:
    """Sorted distinct periods (numbers, or period labels like ``"2015-H1"`` that sort in time)."""
    distinct = pd.unique(pd.Series(values).dropna())
    return sorted(distinct.tolist())


def period_codes(values: pd.Series, order: Sequence) -> np.ndarray:
    """Position of each value in ``order`` (``-1`` for values not in it)."""
    lookup = {p: i for i, p in enumerate(order)}
    return np.array([lookup.get(v, -1) for v in values], dtype=int)


_NEVER = {"", "0", "nan", "none", "never", "inf"}


def is_never(value) -> bool:
    """Tell whether a cohort value means *never treated* (``NaN``, ``None``, ``0``, ``""``, inf)."""
    if value is None:
        return True
    if isinstance(value, float | np.floating) and (np.isnan(value) or np.isinf(value)):
        return True
    if isinstance(value, int | np.integer) and value == 0:
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return str(value).strip().lower() in _NEVER


def normal_ci(estimate: float, se: float, alpha: float) -> tuple[float, float]:
    """Symmetric normal confidence interval ``estimate +/- z(1 - alpha/2) * se``."""
    from scipy.stats import norm

    z = norm.ppf(1 - alpha / 2)
    return float(estimate - z * se), float(estimate + z * se)


def check_alpha(alpha: float) -> float:
    """Validate a significance level."""
    from compare.errors import ConfigError

    if not 0 < alpha < 1:
        raise ConfigError(f"alpha={alpha!r}; expected a number strictly between 0 and 1", key="alpha")
    return float(alpha)


#: Fewest comparison units below which a warning is raised.
MIN_COMPARISON = 5


def check_design(
    caveats: list[str],
    *,
    n_comparison: int,
    n_pre: int,
    min_comparison: int = MIN_COMPARISON,
    comparison_label: str = "comparison units",
) -> None:
    """Warn (and record) when the comparison group is small or the pre-period is short."""
    if n_comparison < min_comparison:
        warn(
            caveats,
            f"The comparison group is too small: {n_comparison} {comparison_label} (fewer than "
            f"{min_comparison}); the counterfactual trend rests on very few areas and the "
            "standard errors are unreliable.",
            stacklevel=4,
        )
    if n_pre < 2:
        warn(
            caveats,
            f"The pre-period has fewer than two periods ({n_pre}); parallel pre-trends cannot "
            "be checked, so the estimate relies on an untestable assumption.",
            stacklevel=4,
        )


def pretrend_caveat(caveats: list[str], p_value: float, level: float = 0.05) -> None:
    """Warn (and record) when a joint pre-trend test rejects at ``level``."""
    if np.isfinite(p_value) and p_value < level:
        warn(
            caveats,
            f"Pre-trends differ: the joint test that treated and comparison areas moved in "
            f"parallel before the start rejects (p = {p_value:.3f} < {level}); the estimate "
            "may reflect diverging trends rather than the action.",
            stacklevel=4,
        )


def prepare_panel(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    what: str,
) -> tuple[pd.DataFrame, list]:
    """Normalise a long unit x period table for the panel estimators.

    Returns a frame with columns ``unit, t`` (0-based period position), ``y``, ``g`` (position
    of the first treated period, ``-1`` for never treated, ``len(order)`` when treatment starts
    after the last observed period) and the sorted list of periods. Rows with a missing outcome
    are dropped; duplicate ``(unit, time)`` rows raise :class:`DataError`.
    """
    import bisect

    require_columns(data, [outcome, unit, time, cohort], what)
    dup = data.duplicated([unit, time], keep=False)
    if dup.any():
        r = data.loc[dup].iloc[0]
        raise DataError(
            f"{what}: unit {r[unit]!r} has several rows for period {r[time]!r}; expected one row "
            "per unit and period",
            row=r[unit],
            column=time,
        )
    order = period_order(data[time])
    y = numeric_outcome(data, outcome, what)
    g = np.empty(len(data), dtype=int)
    for i, value in enumerate(data[cohort].to_numpy()):
        if is_never(value):
            g[i] = -1
            continue
        try:
            g[i] = bisect.bisect_left(order, value)
        except TypeError:
            raise DataError(
                f"{what}: first treated period {value!r} cannot be compared with the periods "
                f"{order[:3]}...; expected the same kind of period label (or empty for never "
                "treated)",
                row=data[unit].iloc[i],
                column=cohort,
            ) from None
    frame = pd.DataFrame(
        {"unit": data[unit].to_numpy(), "t": period_codes(data[time], order), "y": y, "g": g}
    )
    per_unit = frame.groupby("unit")["g"].nunique()
    if (per_unit > 1).any():
        u = per_unit[per_unit > 1].index[0]
        raise DataError(
            f"{what}: unit {u!r} has different first treated periods in different rows; expected "
            "one value per unit",
            row=u,
            column=cohort,
        )
    return frame.dropna(subset=["y"]).reset_index(drop=True), order


def negligible(estimates: np.ndarray, outcome: np.ndarray) -> bool:
    """Tell whether every estimate is zero up to rounding, relative to the outcome's scale."""
    scale = float(np.nanmax(np.abs(outcome))) if np.size(outcome) else 1.0
    return bool(np.all(np.abs(estimates) <= 1e-9 * max(scale, 1e-300)))
