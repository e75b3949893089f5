r"""Two-group (focus group vs rest of the total) segregation indices.

Notation, for the areas :math:`i` of one city in one period: :math:`x_i` focus-group count,
:math:`t_i` total, :math:`p_i = x_i/t_i`, :math:`X=\sum x_i`, :math:`T=\sum t_i`,
:math:`P = X/T`. Definitions follow Massey & Denton (1988), "The dimensions of residential
segregation", *Social Forces* 67(2): 281-315, and agree with PySAL ``segregation`` 2.5
(checked to 1e-9 in the tests).

Each index has a public function taking plain arrays (one city) and a vectorised kernel
``_<name>(stacked)`` returning one value per segment (many cities and periods at once),
used by :func:`compare.indicators.compute_panel`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from compare.indicators._core import IndexSpec, Stacked, from_arrays, seg_sum

__all__ = [
    "dissimilarity",
    "isolation",
    "exposure",
    "entropy",
    "gini",
    "atkinson",
    "correlation_ratio",
    "TWO_GROUP_INDICES",
    "TWO_GROUP_SPECS",
]


def _shares(s: Stacked):
    X = seg_sum(s.x, s.starts)
    T = seg_sum(s.t, s.starts)
    P = X / T
    p = s.x / s.t
    return X, T, P, p


def _dissimilarity(s: Stacked) -> np.ndarray:
    _, T, P, p = _shares(s)
    num = seg_sum(s.t * np.abs(p - P[s.seg]), s.starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / (2 * T * P * (1 - P))


def _isolation(s: Stacked) -> np.ndarray:
    X, _, _, p = _shares(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        return seg_sum(s.x * p, s.starts) / X


def _exposure(s: Stacked) -> np.ndarray:
    X, _, _, p = _shares(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        return seg_sum(s.x * (1 - p), s.starts) / X


def _h2(p: np.ndarray) -> np.ndarray:
    """Two-group entropy ``p log(1/p) + (1-p) log(1/(1-p))`` with ``0 log 0 = 0``."""
    out = np.zeros_like(p, dtype=float)
    a = (p > 0) & (p < 1)
    out[a] = -p[a] * np.log(p[a]) - (1 - p[a]) * np.log1p(-p[a])
    return out


def _entropy(s: Stacked) -> np.ndarray:
    _, T, P, p = _shares(s)
    E = _h2(P)
    with np.errstate(invalid="ignore", divide="ignore"):
        return seg_sum(s.t * (E[s.seg] - _h2(p)), s.starts) / (E * T)


def _pairwise_abs(s: Stacked, p: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""Per segment, :math:`\sum_{i<j} w_i w_j |p_i - p_j|` in O(n log n).

    Sorting by ``p`` within each segment, the sum is
    :math:`\sum_j w_j (p_j C_j - S_j)` with :math:`C_j=\sum_{i<j} w_i` and
    :math:`S_j=\sum_{i<j} w_i p_i` (cumulative sums restarted at each segment).
    """
    order = np.lexsort((p, s.seg))
    ps, ws, seg = p[order], w[order], s.seg[order]
    c = np.cumsum(ws) - ws
    sp = np.cumsum(ws * ps) - ws * ps
    c -= c[s.starts][seg]
    sp -= sp[s.starts][seg]
    return seg_sum(ws * (ps * c - sp), s.starts)


def _gini(s: Stacked) -> np.ndarray:
    _, T, P, p = _shares(s)
    num = _pairwise_abs(s, p, s.t)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / (T * T * P * (1 - P))


def _atkinson(s: Stacked, b: float = 0.5) -> np.ndarray:
    _, T, P, p = _shares(s)
    inner = seg_sum((1 - p) ** (1 - b) * p**b * s.t, s.starts) / (P * T)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - (P / (1 - P)) * np.abs(inner) ** (1 / (1 - b))


def _correlation_ratio(s: Stacked) -> np.ndarray:
    _, _, P, _ = _shares(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (_isolation(s) - P) / (1 - P)


def dissimilarity(group: ArrayLike, total: ArrayLike) -> float:
    r"""Index of dissimilarity D (Duncan & Duncan 1955; Massey & Denton 1988).

    .. math:: D = \frac{\sum_i t_i |p_i - P|}{2 T P (1-P)}

    The share of the focus group that would have to move for every area to have the city's
    composition. 0 = even, 1 = complete segregation.

    Parameters
    ----------
    group, total : array-like
        Focus-group count and total population of each area.

    Returns
    -------
    float

    Examples
    --------
    >>> dissimilarity([10, 0], [10, 10])
    1.0
    >>> dissimilarity([5, 5], [10, 10])
    0.0
    """
    return float(_dissimilarity(from_arrays(group, total, name="dissimilarity"))[0])


def isolation(group: ArrayLike, total: ArrayLike) -> float:
    r"""Isolation index :math:`{}_xP_x^*` (Bell 1954; Massey & Denton 1988).

    .. math:: {}_xP_x^* = \sum_i \frac{x_i}{X}\frac{x_i}{t_i}

    The focus-group share in the area of the average focus-group member.

    Examples
    --------
    >>> isolation([10, 0], [10, 10])
    1.0
    """
    return float(_isolation(from_arrays(group, total, name="isolation"))[0])


def exposure(group: ArrayLike, total: ArrayLike) -> float:
    r"""Exposure (interaction) index :math:`{}_xP_y^*` (Massey & Denton 1988).

    .. math:: {}_xP_y^* = \sum_i \frac{x_i}{X}\frac{t_i - x_i}{t_i}

    The share of the rest of the population in the area of the average focus-group member;
    equals ``1 - isolation``.

    Examples
    --------
    >>> exposure([5, 5], [10, 10])
    0.5
    """
    return float(_exposure(from_arrays(group, total, name="exposure"))[0])


def entropy(group: ArrayLike, total: ArrayLike) -> float:
    r"""Entropy index H, two groups (Theil & Finizza 1971; Massey & Denton 1988).

    .. math:: H = \sum_i \frac{t_i (E - E_i)}{E\,T}, \quad
              E_{(i)} = p \ln\frac1p + (1-p)\ln\frac1{1-p}

    Examples
    --------
    >>> entropy([10, 0], [10, 10])
    1.0
    """
    return float(_entropy(from_arrays(group, total, name="entropy"))[0])


def gini(group: ArrayLike, total: ArrayLike) -> float:
    r"""Gini segregation index G (Massey & Denton 1988).

    .. math:: G = \frac{\sum_i \sum_j t_i t_j |p_i - p_j|}{2 T^2 P (1-P)}

    Computed in :math:`O(n \log n)` by sorting areas on :math:`p_i`.

    Examples
    --------
    >>> round(gini([10, 0], [10, 10]), 12)
    1.0
    """
    return float(_gini(from_arrays(group, total, name="gini"))[0])


def atkinson(group: ArrayLike, total: ArrayLike, b: float = 0.5) -> float:
    r"""Atkinson index A with shape parameter b (Atkinson 1970; Massey & Denton 1988).

    .. math:: A = 1 - \frac{P}{1-P}\left|\sum_i \frac{(1-p_i)^{1-b} p_i^b t_i}{P T}
              \right|^{1/(1-b)}

    Parameters
    ----------
    group, total : array-like
    b : float, optional
        Shape parameter in (0, 1); 0.5 (default) weighs both groups equally.

    Examples
    --------
    >>> abs(atkinson([5, 5], [10, 10])) < 1e-12
    True
    """
    if not 0 < b < 1:
        from compare.errors import ConfigError

        raise ConfigError(f"atkinson: b must be strictly between 0 and 1, got {b}", key="b")
    return float(_atkinson(from_arrays(group, total, name="atkinson"), b=b)[0])


def correlation_ratio(group: ArrayLike, total: ArrayLike) -> float:
    r"""Correlation ratio :math:`V = \eta^2` (Bell 1954; Massey & Denton 1988).

    .. math:: V = \frac{{}_xP_x^* - P}{1 - P}

    Isolation adjusted for the group's overall share.

    Examples
    --------
    >>> correlation_ratio([10, 0], [10, 10])
    1.0
    """
    return float(_correlation_ratio(from_arrays(group, total, name="correlation_ratio"))[0])


#: description of every two-group index, in panel order
TWO_GROUP_SPECS: tuple[IndexSpec, ...] = (
    IndexSpec("dissimilarity", "two-group", _dissimilarity),
    IndexSpec("isolation", "two-group", _isolation),
    IndexSpec("exposure", "two-group", _exposure),
    IndexSpec("entropy", "two-group", _entropy),
    IndexSpec("gini", "two-group", _gini),
    IndexSpec("atkinson", "two-group", _atkinson, {"atkinson_b": "b"}),
    IndexSpec("correlation_ratio", "two-group", _correlation_ratio),
)
#: kernel of every two-group index, by panel name
TWO_GROUP_INDICES = {spec.name: spec.kernel for spec in TWO_GROUP_SPECS}
