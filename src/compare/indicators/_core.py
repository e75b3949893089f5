"""Array preparation shared by every index: stacked, segmented counts.

Many cities and periods are computed at once. Rows (areas) of every *segment* (one
``by``-key combination, e.g. one city in one period) are stacked contiguously in flat
numpy arrays; per-segment sums use :func:`numpy.add.reduceat`, never a Python loop per
segment. The index kernels in :mod:`~compare.indicators.twogroup`,
:mod:`~compare.indicators.multigroup` and :mod:`~compare.indicators.spatial` take a
:class:`Stacked` and return one value per segment.

Rules applied here, once, for every index (documented in the panel's ``note`` column):

* an area with a missing (suppressed, ``NaN``) count among the variables an index needs is
  dropped and counted in ``n_dropped``;
* an area with zero total population is dropped and counted in ``n_empty`` (it carries no
  information for aspatial indices; for spatial indices it is treated as absent, which
  differs from PySAL, see :mod:`compare.indicators.spatial`);
* a group count larger than its total raises :class:`~compare.errors.DataError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.model import check_counts, check_unique, closest_columns, require_columns

__all__ = ["Stacked", "stack", "seg_sum", "xlogx_ratio", "IndexSpec", "FAMILIES"]


@dataclass
class Stacked:
    """Counts of many segments stacked into flat arrays.

    Attributes
    ----------
    keys : pandas.DataFrame
        One row per segment with the ``by`` columns (may have no columns: one segment).
    starts : numpy.ndarray
        Offset of each segment's first row in the flat arrays (every segment non-empty).
    seg : numpy.ndarray
        Segment number of every row.
    x, t : numpy.ndarray
        Focus-group count and total of every row (``None`` when not requested).
    groups : numpy.ndarray
        ``(n, K)`` partition counts (``None`` when not requested).
    rows : pandas.DataFrame
        The kept input rows (index and ``by`` columns) in stacked order, for joins (weights,
        local indicators).
    n_dropped, n_empty : numpy.ndarray
        Per segment: areas dropped for a suppressed count, areas dropped for zero population.
    """

    keys: pd.DataFrame
    starts: np.ndarray
    seg: np.ndarray
    x: np.ndarray | None
    t: np.ndarray | None
    groups: np.ndarray | None
    rows: pd.DataFrame
    n_dropped: np.ndarray
    n_empty: np.ndarray
    empty_keys: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n_segments(self) -> int:
        """Number of segments with at least one usable area."""
        return len(self.starts)

    @property
    def n_areas(self) -> np.ndarray:
        """Number of usable areas per segment."""
        return np.diff(np.append(self.starts, len(self.seg)))

    def total(self) -> np.ndarray:
        """Row totals: ``t`` for two-group data, the partition sum for multigroup data."""
        if self.groups is not None:
            return self.groups.sum(axis=1)
        return self.t


#: index families, in panel output order, and the counts each one needs
FAMILIES: dict[str, str] = {"two-group": "pair", "multigroup": "partition", "spatial": "pair"}


@dataclass(frozen=True)
class IndexSpec:
    """Description of one city-level index, the single place the panel learns about it.

    Attributes
    ----------
    name : str
        Panel name (the ``index`` column).
    family : {"two-group", "multigroup", "spatial"}
        Family (:data:`FAMILIES`): which counts the kernel reads (``pair`` = focus group and
        total, ``partition`` = the groups) and whether it needs spatial weights.
    kernel : callable
        Vectorised kernel ``kernel(stacked, **params)`` (spatial: ``kernel(stacked, w, **params)``)
        returning one value per segment.
    parameters : mapping
        Panel option -> kernel keyword (e.g. ``{"atkinson_b": "b"}``).
    p_value : callable, optional
        ``p_value(stacked, w, values) -> p per segment`` when the index has an analytic test
        (Moran's I); the panel then adds a ``p_value`` column.
    """

    name: str
    family: str
    kernel: Callable
    parameters: Mapping[str, str] = field(default_factory=dict)
    p_value: Callable | None = None

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"unknown index family {self.family!r}; expected one of {list(FAMILIES)}")

    @property
    def counts(self) -> str:
        """``"pair"`` (focus group and total) or ``"partition"`` (the groups)."""
        return FAMILIES[self.family]

    @property
    def spatial(self) -> bool:
        """Whether the kernel needs spatial weights."""
        return self.family == "spatial"

    def bind(self, **options) -> Callable:
        """The kernel with its parameters taken from panel ``options``, called as ``f(s[, w])``.

        Examples
        --------
        >>> spec = IndexSpec("x", "two-group", lambda s, b=0.5: b, {"atkinson_b": "b"})
        >>> spec.bind(atkinson_b=0.3)(None)
        0.3
        """
        kw = {k: options[o] for o, k in self.parameters.items() if o in options}
        if not kw:
            return self.kernel
        kern = self.kernel

        def bound(*args):
            return kern(*args, **kw)

        return bound


def seg_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum ``values`` (1-D or 2-D along axis 0) within each segment."""
    if len(starts) == 0:
        return np.zeros((0,) + values.shape[1:])
    return np.add.reduceat(values, starts, axis=0)


def xlogx_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return ``a * log(a / b)`` with the convention ``0 * log(0 / b) = 0``."""
    out = np.zeros(np.broadcast(a, b).shape)
    a_b = np.broadcast_to(a, out.shape)
    b_b = np.broadcast_to(b, out.shape)
    pos = a_b > 0
    out[pos] = a_b[pos] * np.log(a_b[pos] / b_b[pos])
    return out


def _numeric(frame: pd.DataFrame, col: str, source: str | None) -> np.ndarray:
    if col not in frame.columns:
        raise DataError(
            f"column {col!r} not found; expected a count column ({closest_columns(col, frame.columns)})",
            file=source,
            column=col,
        )
    rows = frame["area_id"].to_numpy() if "area_id" in frame.columns else None
    return check_counts(frame[col], source=source, column=col, rows=rows)


def _row_label(frame: pd.DataFrame, i: int):
    if "area_id" in frame.columns:
        return frame["area_id"].iloc[i]
    return i + 2  # 1-based spreadsheet row under a header line


def stack(
    data: pd.DataFrame,
    *,
    group: str | None = None,
    total: str | None = None,
    groups: Sequence[str] | None = None,
    by: Sequence[str] = (),
    source: str | None = None,
) -> Stacked:
    """Validate a wide table and stack its rows by segment.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area (and segment), one column per count.
    group, total : str, optional
        Focus-group and total columns (two-group indices).
    groups : sequence of str, optional
        Partition columns (multigroup indices); the row total is their sum.
    by : sequence of str
        Segment keys (e.g. ``("city", "period")``).
    source : str, optional
        Name of the input used in error messages.

    Returns
    -------
    Stacked

    Examples
    --------
    >>> df = pd.DataFrame({"city": ["a", "a", "b"], "x": [1, 2, 3], "t": [4, 4, 4]})
    >>> s = stack(df, group="x", total="t", by=["city"])
    >>> s.starts.tolist(), s.n_areas.tolist()
    ([0, 2], [2, 1])
    """
    by = list(by)
    require_columns(data, by, source=source, what="grouping")
    if group is None and not groups:
        raise DataError("nothing to compute: give `group` and `total`, or `groups`", file=source)
    if "area_id" in data.columns:  # the importers' rule: one row per area (and segment) of a city
        city = ["city"] if "city" in data.columns and "city" not in by else []
        check_unique(data, [*by, *city, "area_id"], source=source)
    if (group is None) != (total is None):
        raise DataError("two-group indices need both `group` and `total` columns", file=source)
    x = _numeric(data, group, source) if group is not None else None
    t = _numeric(data, total, source) if total is not None else None
    g = None
    if groups:
        if len(groups) < 2:
            raise DataError(
                f"multigroup indices need at least two partition columns, got {list(groups)}",
                file=source,
                column="groups",
            )
        g = np.column_stack([_numeric(data, c, source) for c in groups])
    if x is not None:
        over = x > t + 1e-9
        if over.any():
            i = int(np.flatnonzero(over)[0])
            raise DataError(
                f"group count {x[i]:g} is larger than the total {t[i]:g}; expected group <= total",
                file=source,
                row=_row_label(data, i),
                column=group,
            )

    missing = np.zeros(len(data), dtype=bool)
    for arr in (x, t):
        if arr is not None:
            missing |= np.isnan(arr)
    if g is not None:
        missing |= np.isnan(g).any(axis=1)
    row_total = g.sum(axis=1) if g is not None else t
    if g is not None and t is not None:
        row_total = np.where(np.isnan(t), row_total, t)
        # multigroup totals are the partition sums; the two-group total must be > 0 too
        empty = ~missing & ((g.sum(axis=1) <= 0) | (t <= 0))
    else:
        empty = ~missing & (row_total <= 0)

    keys_all = data[by].astype(str) if by else pd.DataFrame(index=data.index)
    if by:
        codes, uniques = pd.MultiIndex.from_frame(keys_all).factorize(sort=True)
        seg_all = np.asarray(codes)
        keys = uniques.to_frame(index=False) if len(by) else pd.DataFrame()
        keys.columns = by
    else:
        seg_all = np.zeros(len(data), dtype=np.int64)
        keys = pd.DataFrame(index=[0])
    nseg_all = len(keys)
    n_dropped = np.bincount(seg_all[missing], minlength=nseg_all)
    n_empty = np.bincount(seg_all[empty], minlength=nseg_all)
    keep = ~missing & ~empty
    order = np.argsort(seg_all, kind="stable")
    order = order[keep[order]]
    seg_kept = seg_all[order]
    present = np.zeros(nseg_all, dtype=bool)
    present[seg_kept] = True
    renumber = np.cumsum(present) - 1
    seg = renumber[seg_kept]
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]]) if len(seg) else seg
    rows = data.iloc[order][by].reset_index(drop=False) if by else data.iloc[order][[]]
    if not by:
        rows = rows.reset_index(drop=False)
    rows["_row"] = order
    empty_keys = keys.loc[~present].assign(n_dropped=n_dropped[~present], n_empty=n_empty[~present])
    return Stacked(
        keys=keys.loc[present].reset_index(drop=True),
        starts=starts,
        seg=seg,
        x=None if x is None else x[order],
        t=None if t is None else t[order],
        groups=None if g is None else g[order],
        rows=rows,
        n_dropped=n_dropped[present],
        n_empty=n_empty[present],
        empty_keys=empty_keys.reset_index(drop=True),
    )


def from_arrays(group=None, total=None, groups=None, *, name: str = "index", min_areas: int = 2) -> Stacked:
    """Stack plain arrays as a single segment for the single-index functions.

    Raises :class:`DataError` when the index is undefined: fewer than ``min_areas`` usable
    areas, or (two-group) the group absent from / equal to the whole population, or
    (multigroup) fewer than two groups present.
    """
    cols = {}
    if group is not None:
        cols["group"] = np.asarray(group, dtype=float).ravel()
        cols["total"] = np.asarray(total, dtype=float).ravel()
    names = None
    if groups is not None:
        g = np.asarray(groups, dtype=float)
        if g.ndim != 2:
            raise DataError(f"{name}: `groups` must be a 2-D (areas x groups) array")
        names = [f"g{k}" for k in range(g.shape[1])]
        cols.update({n: g[:, k] for k, n in enumerate(names)})
    s = stack(
        pd.DataFrame(cols),
        group="group" if group is not None else None,
        total="total" if group is not None else None,
        groups=names,
        source=name,
    )
    n = int(s.n_areas.sum()) if s.n_segments else 0
    if n < min_areas:
        raise DataError(
            f"{name} needs at least {min_areas} areas with population and no suppressed count; got {n}"
        )
    if s.x is not None:
        share = s.x.sum() / s.t.sum()
        if share <= 0 or share >= 1:
            what = "absent from" if share <= 0 else "the whole of"
            raise DataError(f"{name} is undefined: the group is {what} the population")
    if s.groups is not None and (s.groups.sum(axis=0) > 0).sum() < 2:
        raise DataError(f"{name} is undefined: fewer than two groups are present")
    return s
