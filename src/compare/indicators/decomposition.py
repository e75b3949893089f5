r"""Between/within decomposition of the mutual information index M.

For areas :math:`i` nested in higher units :math:`c` (cities of a network, or districts of
a city), the mutual information of the pooled population splits exactly
(Theil 1971; Mora & Ruiz-Castillo 2011; Elbers 2023):

.. math:: M_{total} = M_{between} + \sum_c \frac{T_c}{T} M_c

where :math:`M_{between}` is M computed on the units' aggregated counts (segregation between
cities) and :math:`M_c` is M of the areas within unit :math:`c` against the unit's own group
shares. Dividing every term by the pooled entropy :math:`E` gives the same split of Theil's H.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError
from compare.indicators._core import stack
from compare.indicators.multigroup import _entropy_of, _mutual_information, _parts
from compare.model import require_columns

__all__ = ["decompose_mutual_information"]


def decompose_mutual_information(
    data: pd.DataFrame,
    groups: Sequence[str] | None = None,
    *,
    between: str = "city",
    by: Sequence[str] = ("period",),
    group_definition=None,
    unit_of=None,
) -> pd.DataFrame:
    """Split M of a pooled population into between-unit and within-unit parts.

    Parameters
    ----------
    data : pandas.DataFrame
        Wide table (one row per area, one column per group) or, with ``group_definition``,
        the canonical long ``population`` table.
    groups : sequence of str, optional
        Partition columns (taken from ``group_definition`` when given).
    between : str
        Column of the higher unit (``"city"``, or e.g. a district column).
    by : sequence of str
        Keys of separate decompositions (e.g. ``("period",)``).
    group_definition : GroupDefinition or str, optional
        Use with a long ``population`` table.
    unit_of : mapping or callable, optional
        Creates the ``between`` column from ``area_id`` when the table lacks it: a mapping
        area id -> unit, or a function of the ``area_id`` Series (e.g. Berlin districts are
        the first two digits of a LOR id: ``lambda ids: ids.str[:2]``).

    Returns
    -------
    pandas.DataFrame
        Per ``by`` key: one row per ``component`` in ``total``, ``between``, ``within``
        (``unit`` empty) and one ``within_unit`` row per unit (``unit`` = its name), with
        ``value`` (M in nats), ``weight`` (population share of the unit), ``contribution``
        (``weight * value`` for units, else ``value``), ``share`` (contribution / total),
        ``h_contribution`` (contribution / pooled entropy, i.e. the part of Theil's H).
        Areas with suppressed counts or no population are dropped (``n_dropped``).

    Examples
    --------
    >>> df = pd.DataFrame({"city": ["a", "a", "b", "b"], "x": [9, 1, 5, 5], "y": [1, 9, 5, 5]})
    >>> d = decompose_mutual_information(df, ["x", "y"], by=())
    >>> d.set_index("component").loc[["between", "within"], "value"].round(3).tolist()
    [0.0, 0.184]
    """
    by = list(by)
    if group_definition is not None:
        from compare.indicators.panel import definitions_from, wide_counts

        gd = definitions_from(group_definition)[0]
        if not gd.groups:
            raise DataError(
                f"group definition {gd.name!r} has no partition (`groups`) to decompose",
                column="groups",
            )
        groups = list(gd.groups)
        data = wide_counts(data, gd.variables)
    if not groups:
        raise DataError("decomposition needs the partition columns (`groups`)", column="groups")
    if unit_of is not None and between not in data.columns:
        if "area_id" not in data.columns:
            raise DataError("`unit_of` needs an `area_id` column", column="area_id")
        ids = data["area_id"].astype(str)
        units = unit_of(ids) if callable(unit_of) else ids.map(unit_of)
        if pd.isna(units).any():
            bad = ids[pd.isna(units).to_numpy()].iloc[0]
            raise DataError(f"no {between} for area {bad!r} in `unit_of`", row=bad, column=between)
        data = data.assign(**{between: np.asarray(units).astype(str)})
    require_columns(data, [between], what="unit")
    groups = list(groups)
    pooled = stack(data, groups=groups, by=by)
    within = stack(data, groups=groups, by=[*by, between])
    m_total = _mutual_information(pooled)
    _, T, Pk, _ = _parts(pooled)
    E = _entropy_of(Pk)
    m_within_unit = _mutual_information(within)
    _, Tc, _, _ = _parts(within)
    # between: units' aggregated counts as the areas of the pooled segments
    agg = within.keys.copy()
    gsum = np.add.reduceat(within.groups, within.starts, axis=0)
    for k, g in enumerate(groups):
        agg[g] = gsum[:, k]
    betw = stack(agg, groups=groups, by=by)
    m_between = _mutual_information(betw)

    pooled_keys = pooled.keys.copy()
    pooled_keys["_seg"] = np.arange(pooled.n_segments)
    wk = within.keys.merge(pooled_keys, on=by, how="left") if by else within.keys.assign(_seg=0)
    seg_of_unit = wk["_seg"].to_numpy()
    weight = Tc / T[seg_of_unit]
    contrib = weight * m_within_unit
    m_within = np.bincount(seg_of_unit, contrib, pooled.n_segments)

    rows = []
    for k in range(pooled.n_segments):
        key = pooled.keys.iloc[k].to_dict() if by else {}
        for comp, val in (
            ("total", m_total[k]),
            ("between", m_between[k]),
            ("within", m_within[k]),
        ):
            rows.append(
                {
                    **key,
                    "component": comp,
                    "unit": "",
                    "value": val,
                    "weight": 1.0,
                    "contribution": val,
                    "n_areas": int(pooled.n_areas[k]),
                    "n_dropped": int(pooled.n_dropped[k]),
                }
            )
    units = wk[by].to_dict("records") if by else [{}] * len(wk)
    for j in range(len(wk)):
        rows.append(
            {
                **units[j],
                "component": "within_unit",
                "unit": str(within.keys[between].iloc[j]),
                "value": m_within_unit[j],
                "weight": weight[j],
                "contribution": contrib[j],
                "n_areas": int(within.n_areas[j]),
                "n_dropped": int(within.n_dropped[j]),
            }
        )
    out = pd.DataFrame(rows)
    seg_total = dict(enumerate(m_total))
    seg_e = dict(enumerate(E))
    if by:
        kk = out[by].merge(pooled_keys, on=by, how="left")["_seg"].to_numpy()
    else:
        kk = np.zeros(len(out), dtype=int)
    tot = np.array([seg_total[i] for i in kk])
    ent = np.array([seg_e[i] for i in kk])
    with np.errstate(all="ignore"):
        out["share"] = np.where(tot > 0, out["contribution"] / tot, np.nan)
        out["h_contribution"] = np.where(ent > 0, out["contribution"] / ent, np.nan)
    out.insert(len(by) + 1, "between_unit", between)
    return out
