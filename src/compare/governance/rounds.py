r"""Change between self-assessment rounds (baseline, follow-up), with its uncertainty.

The change of a criterion is the change of the group's median answer,
:math:`\Delta_k = \tilde x_k^{(1)} - \tilde x_k^{(0)}`; of a dimension, the change of the
median of the raters' dimension scores (each rater's mean over the dimension's criteria).
Its interval comes from a bootstrap that resamples the raters of each round with replacement
(independently: the raters of two rounds need not be the same people), so it widens with the
raters' disagreement and shrinks with their number.

A criterion is only said to have **changed** when the interval excludes zero, that is when the
change is larger than the raters' disagreement allows, and both rounds have at least
``min_raters`` raters. Otherwise the table says "no change shown", or "too few raters".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compare.errors import ConfigError, DataError
from compare.governance.consensus import _check, dimension_scores

__all__ = ["rounds_of", "round_change"]


def rounds_of(responses: pd.DataFrame, city: str) -> list[str]:
    """Rounds of a city in time order (earliest answer date first, then name).

    Examples
    --------
    >>> r = pd.DataFrame({"city": "x", "round": ["follow-up", "baseline"],
    ...                   "date": ["2028-05-01", "2027-01-10"]})
    >>> rounds_of(r, "x")
    ['baseline', 'follow-up']
    """
    sub = responses[responses["city"] == city]
    if sub.empty:
        return []
    dates = (
        sub.groupby("round")["date"].min()
        if "date" in sub.columns
        else pd.Series("", index=sub["round"].unique())
    )
    return sorted(dates.index, key=lambda r: (str(dates[r]), str(r)))


def _boot_median_change(a: np.ndarray, b: np.ndarray, n_boot: int, rng) -> np.ndarray:
    ia = rng.integers(0, a.size, size=(n_boot, a.size))
    ib = rng.integers(0, b.size, size=(n_boot, b.size))
    return np.median(b[ib], axis=1) - np.median(a[ia], axis=1)


def round_change(
    responses: pd.DataFrame,
    baseline: str,
    follow_up: str,
    *,
    level: str = "criterion",
    n_boot: int = 2000,
    ci_level: float = 0.95,
    min_raters: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """Change of the median answer per criterion (or dimension) between two rounds.

    Parameters
    ----------
    responses : pandas.DataFrame
        Tidy responses with both rounds.
    baseline, follow_up : str
        Round names.
    level : {"criterion", "dimension"}
    n_boot : int
        Bootstrap resamples of the raters of each round.
    ci_level : float
        Level of the percentile interval.
    min_raters : int
        Fewer raters with an answer in either round: the change is not judged.
    seed : int

    Returns
    -------
    pandas.DataFrame
        ``city, dimension, criterion (criterion level only), n_baseline, n_follow_up,
        median_baseline, median_follow_up, iqr_baseline, iqr_follow_up, change, ci_low,
        ci_high, changed, verdict``.

    Examples
    --------
    >>> r = pd.DataFrame({"city": "x", "round": ["b"] * 5 + ["f"] * 5, "rater": list("abcdeabcde"),
    ...     "dimension": "d", "criterion": "k", "score": [1, 1, 1, 2, 1, 3, 3, 4, 3, 3]})
    >>> t = round_change(r, "b", "f")
    >>> float(t["change"].iloc[0]), bool(t["changed"].iloc[0])
    (2.0, True)
    """
    if level not in ("criterion", "dimension"):
        raise ConfigError(f"level {level!r} is not 'criterion' or 'dimension'", key="level")
    r = _check(responses)
    for name in (baseline, follow_up):
        if name not in set(r["round"]):
            raise DataError(
                f"no responses for round {name!r}; rounds present: {sorted(set(r['round']))}", column="round"
            )
    r = r[r["round"].isin([baseline, follow_up])]
    if level == "dimension":
        per = dimension_scores(r)
        per["criterion"] = ""
        keys = ["city", "dimension"]
    else:
        per = r[r["score"].notna()]
        keys = ["city", "dimension", "criterion"]
    rng = np.random.default_rng(seed)
    q = (1 - ci_level) / 2
    rows = []
    for key, sub in per.groupby(keys, sort=False):
        a = sub.loc[sub["round"] == baseline, "score"].to_numpy(float)
        b = sub.loc[sub["round"] == follow_up, "score"].to_numpy(float)
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        row.update(
            n_baseline=int(a.size),
            n_follow_up=int(b.size),
            median_baseline=float(np.median(a)) if a.size else np.nan,
            median_follow_up=float(np.median(b)) if b.size else np.nan,
            iqr_baseline=float(np.subtract(*np.percentile(a, [75, 25]))) if a.size else np.nan,
            iqr_follow_up=float(np.subtract(*np.percentile(b, [75, 25]))) if b.size else np.nan,
        )
        row["change"] = row["median_follow_up"] - row["median_baseline"]
        if a.size and b.size:
            boot = _boot_median_change(a, b, n_boot, rng)
            row["ci_low"], row["ci_high"] = float(np.quantile(boot, q)), float(np.quantile(boot, 1 - q))
        else:
            row["ci_low"] = row["ci_high"] = np.nan
        if a.size < min_raters or b.size < min_raters:
            row["changed"] = False
            row["verdict"] = f"too few raters (fewer than {min_raters} in a round): not judged"
        elif row["ci_low"] > 0 or row["ci_high"] < 0:
            row["changed"] = True
            word = "rose" if row["change"] > 0 else "fell"
            row["verdict"] = f"{word} by {abs(row['change']):.3g} (more than the raters' disagreement allows)"
        else:
            row["changed"] = False
            row["verdict"] = "no change shown: within the raters' disagreement"
        rows.append(row)
    cols = [
        *keys,
        "n_baseline",
        "n_follow_up",
        "median_baseline",
        "median_follow_up",
        "iqr_baseline",
        "iqr_follow_up",
        "change",
        "ci_low",
        "ci_high",
        "changed",
        "verdict",
    ]
    return pd.DataFrame(rows, columns=cols)
