r"""Multigroup segregation indices over a partition of the population into K groups.

Notation, for the areas :math:`i` of one city in one period and groups :math:`k`:
:math:`t_{ik}` counts, :math:`t_i=\sum_k t_{ik}`, :math:`T=\sum_i t_i`,
:math:`\pi_{ik} = t_{ik}/t_i`, :math:`\pi_k = \sum_i t_{ik}/T`,
:math:`E = -\sum_k \pi_k \ln \pi_k` (entropy of the group shares) and
:math:`I = \sum_k \pi_k (1-\pi_k)` (Simpson interaction).

References: Theil & Finizza (1971); Reardon & Firebaugh (2002), "Measures of multigroup
segregation", *Sociological Methodology* 32: 33-67; Mora & Ruiz-Castillo (2011);
Elbers (2023), "A method for studying differences in segregation across time and space",
*Sociological Methods & Research* 52(1): 5-42.

Difference from PySAL ``segregation`` 2.5: a group absent from a city (:math:`\pi_k=0`)
makes PySAL's ``MultiInfoTheory`` (H) return NaN, because its entropy term
:math:`\pi_k \ln(1/\pi_k)` is :math:`0 \cdot \infty`; here the limit
:math:`0 \ln 0 = 0` is used, as in Theil's and Elbers' definitions, so H equals H over the
groups present. (PySAL's ``MultiDivergence``, i.e. M, skips the term with ``nansum`` and
agrees.) With all groups present every index agrees with PySAL to 1e-9 (tested).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from compare.indicators._core import IndexSpec, Stacked, from_arrays, seg_sum, xlogx_ratio
from compare.indicators.twogroup import _pairwise_abs

__all__ = [
    "mutual_information",
    "theil_h",
    "multi_dissimilarity",
    "multi_gini",
    "normalized_exposure",
    "group_entropy",
    "MULTI_GROUP_INDICES",
    "MULTI_GROUP_SPECS",
]


def _parts(s: Stacked):
    g = s.groups
    t = g.sum(axis=1)
    T = seg_sum(t, s.starts)
    Pk = seg_sum(g, s.starts) / T[:, None]
    pik = g / t[:, None]
    return t, T, Pk, pik


def _entropy_of(shares: np.ndarray) -> np.ndarray:
    return -xlogx_ratio(shares, np.ones_like(shares)).sum(axis=-1)


def _mutual_information(s: Stacked) -> np.ndarray:
    t, T, Pk, pik = _parts(s)
    local = xlogx_ratio(pik, Pk[s.seg]).sum(axis=1)
    return seg_sum(t * local, s.starts) / T


def _theil_h(s: Stacked) -> np.ndarray:
    _, _, Pk, _ = _parts(s)
    E = _entropy_of(Pk)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(E > 0, _mutual_information(s) / E, np.nan)


def _simpson(Pk: np.ndarray) -> np.ndarray:
    return (Pk * (1 - Pk)).sum(axis=1)


def _multi_dissimilarity(s: Stacked) -> np.ndarray:
    t, T, Pk, pik = _parts(s)
    num = seg_sum(t * np.abs(pik - Pk[s.seg]).sum(axis=1), s.starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / (2 * T * _simpson(Pk))


def _multi_gini(s: Stacked) -> np.ndarray:
    t, T, Pk, pik = _parts(s)
    num = sum(_pairwise_abs(s, pik[:, k], t) for k in range(pik.shape[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / (T * T * _simpson(Pk))


def _normalized_exposure(s: Stacked) -> np.ndarray:
    t, T, Pk, pik = _parts(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        term = np.where(Pk[s.seg] < 1, (pik - Pk[s.seg]) ** 2 / (1 - Pk[s.seg]), 0.0)
        out = seg_sum(t * term.sum(axis=1), s.starts) / T
    return np.where((Pk > 0).sum(axis=1) >= 2, out, np.nan)


def mutual_information(groups: ArrayLike) -> float:
    r"""Mutual information index M (Theil & Finizza 1971; Mora & Ruiz-Castillo 2011).

    .. math:: M = \sum_i \frac{t_i}{T} \sum_k \pi_{ik} \ln\frac{\pi_{ik}}{\pi_k}

    In nats (natural logarithm). M is additively decomposable into a between- and a
    within-part (:func:`compare.indicators.decompose_mutual_information`). PySAL calls it
    ``MultiDivergence`` (Roberto 2016).

    Parameters
    ----------
    groups : array-like, shape (areas, K)
        Count of every group in every area.

    Returns
    -------
    float

    Examples
    --------
    >>> round(mutual_information([[10, 0], [0, 10]]), 6)  # ln 2
    0.693147
    """
    return float(_mutual_information(from_arrays(groups=groups, name="mutual_information"))[0])


def theil_h(groups: ArrayLike) -> float:
    r"""Theil's information theory index H (Theil 1972; Reardon & Firebaugh 2002).

    .. math:: H = M / E, \quad E = -\sum_k \pi_k \ln \pi_k

    Elbers (2023) definition: the mutual information normalised by the entropy of the
    group shares; 0 = even, 1 = complete segregation. PySAL: ``MultiInfoTheory``.

    Examples
    --------
    >>> round(theil_h([[10, 0, 0], [0, 10, 0], [0, 0, 10]]), 12)
    1.0
    """
    return float(_theil_h(from_arrays(groups=groups, name="theil_h"))[0])


def multi_dissimilarity(groups: ArrayLike) -> float:
    r"""Multigroup dissimilarity D (Sakoda 1981; Reardon & Firebaugh 2002).

    .. math:: D = \frac{\sum_i \sum_k t_i |\pi_{ik} - \pi_k|}{2 T I}

    Examples
    --------
    >>> multi_dissimilarity([[5, 5, 5], [2, 2, 2]])
    0.0
    """
    return float(_multi_dissimilarity(from_arrays(groups=groups, name="multi_dissimilarity"))[0])


def multi_gini(groups: ArrayLike) -> float:
    r"""Multigroup Gini index G (Reardon & Firebaugh 2002).

    .. math:: G = \frac{\sum_k \sum_i \sum_j t_i t_j |\pi_{ik} - \pi_{jk}|}{2 T^2 I}

    Examples
    --------
    >>> round(multi_gini([[10, 0], [0, 10]]), 12)
    1.0
    """
    return float(_multi_gini(from_arrays(groups=groups, name="multi_gini"))[0])


def normalized_exposure(groups: ArrayLike) -> float:
    r"""Normalised exposure index P (James 1986; Reardon & Firebaugh 2002).

    .. math:: P = \sum_k \sum_i \frac{t_i}{T} \frac{(\pi_{ik} - \pi_k)^2}{1 - \pi_k}

    With two groups it equals the correlation ratio V. An absent group adds nothing.

    Examples
    --------
    >>> normalized_exposure([[10, 0], [0, 10]])
    1.0
    """
    return float(_normalized_exposure(from_arrays(groups=groups, name="normalized_exposure"))[0])


def group_entropy(shares: ArrayLike) -> float:
    r"""Entropy of group shares :math:`E = -\sum_k \pi_k \ln \pi_k` (nats).

    Examples
    --------
    >>> round(group_entropy([0.5, 0.5]), 6)
    0.693147
    """
    return float(_entropy_of(np.asarray(shares, dtype=float)))


#: description of every multigroup index, in panel order
MULTI_GROUP_SPECS: tuple[IndexSpec, ...] = (
    IndexSpec("mutual_information", "multigroup", _mutual_information),
    IndexSpec("theil_h", "multigroup", _theil_h),
    IndexSpec("multi_dissimilarity", "multigroup", _multi_dissimilarity),
    IndexSpec("multi_gini", "multigroup", _multi_gini),
    IndexSpec("normalized_exposure", "multigroup", _normalized_exposure),
)
#: kernel of every multigroup index, by panel name
MULTI_GROUP_INDICES = {spec.name: spec.kernel for spec in MULTI_GROUP_SPECS}
