"""Robustness of a QCA solution when the condition scores move within their uncertainty.

The governance conditions of a network QCA can be a local group's consensus scores, each with a
spread (the raters' interquartile range). :func:`qca_robustness` reruns
:func:`~compare.qca.qca_from_workbench` on score tables drawn within that spread (e.g.
:func:`compare.governance.perturbed_scores`) and reports how often the solution formula stays
the same: a solution that changes when scores move within the raters' disagreement should not
be read as a finding.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

__all__ = ["qca_robustness"]


def _formula(res, kind: str) -> str | None:
    if not res.ran or kind not in res.solutions:
        return None
    return res.solutions[kind].formula


def qca_robustness(
    score_draws: Iterable[pd.DataFrame],
    outcome: pd.DataFrame,
    base,
    *,
    kind: str = "parsimonious",
    **kwargs,
) -> dict:
    """Share of perturbed score tables that give the same solution as ``base``.

    Parameters
    ----------
    score_draws : iterable of DataFrame
        Tidy score tables (``city, dimension, score``) drawn within the scores' spread.
    outcome : DataFrame
        ``city, value`` as for :func:`~compare.qca.qca_from_workbench`.
    base : WorkbenchQCAResult
        The result on the unperturbed scores.
    kind : str
        Solution compared (``"parsimonious"``, ``"conservative"``).
    **kwargs
        Passed to :func:`~compare.qca.qca_from_workbench` (conditions, anchors, ...).

    Returns
    -------
    dict
        ``checked`` (False when the base QCA did not run), ``n_draws``, ``n_ran``,
        ``share_same`` (share of draws with the same formula), ``formulas`` (formula -> count)
        and ``message``.

    Examples
    --------
    >>> from compare.qca import qca_from_workbench
    >>> s = pd.DataFrame({"city": ["a", "b"], "dimension": "P", "score": [1, 4]})
    >>> o = pd.DataFrame({"city": ["a", "b"], "value": [0.01, -0.02]})
    >>> qca_robustness([s], o, qca_from_workbench(s, o))["checked"]
    False
    """
    from compare.qca.workbench import qca_from_workbench

    if not base.ran:
        return {
            "checked": False,
            "n_draws": 0,
            "n_ran": 0,
            "share_same": float("nan"),
            "formulas": {},
            "message": "the QCA did not run, so there is no solution to check against the raters' spread",
        }
    ref = _formula(base, kind)
    counts: dict[str, int] = {}
    n = ran = same = 0
    for draw in score_draws:
        n += 1
        res = qca_from_workbench(draw, outcome, **kwargs)
        f = _formula(res, kind)
        key = f if f is not None else "(QCA not run)"
        counts[key] = counts.get(key, 0) + 1
        if res.ran:
            ran += 1
        same += f == ref
    share = same / n if n else float("nan")
    msg = (
        f"the {kind} solution {ref} is unchanged in {same} of {n} draws ({share:.0%}) with the consensus "
        "scores moved within their interquartile range"
    )
    return {
        "checked": True,
        "n_draws": n,
        "n_ran": ran,
        "share_same": share,
        "formulas": counts,
        "message": msg,
    }
