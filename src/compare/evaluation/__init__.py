"""Evaluation of local actions: whether they worked, and how sure we can be.

Four designs, each an estimator with ``fit`` (scikit-learn style: parameters in ``__init__``,
``fit`` returns ``self``, fitted attributes end in ``_``, the statsmodels-like results object is
``result_``) and a function returning the result directly:

* :class:`DiD` / :func:`did_2x2`: two groups x two periods with the 2x2 table of means;
* :class:`TWFE` / :func:`twfe` and :class:`EventStudy` / :func:`event_study`: unit x period
  panels with unit-clustered standard errors, leads and lags, pre-trend test;
* :class:`CallawaySantAnna` / :func:`att_gt`: staggered adoption (Callaway & Sant'Anna 2021);
* :class:`SyntheticControl` / :func:`synthetic_control`: one treated area or city, with
  placebo-in-space inference.

:func:`action_panel` and :func:`evaluate_action` connect them to the workbench: a local action
(target areas, start period) plus an outcome table ``city, area_id, period, value``.
"""

from compare.evaluation._common import EvaluationWarning
from compare.evaluation.did import DiD, did_2x2
from compare.evaluation.panel import (
    OUTCOME_COLUMNS,
    Action,
    action_panel,
    as_action,
    evaluate_action,
    evaluate_actions,
    group_share_outcome,
)
from compare.evaluation.results import (
    ActionEvaluation,
    DiDResult,
    EvaluationResult,
    EventStudyResult,
    StaggeredResult,
    SyntheticControlResult,
    TWFEResult,
)
from compare.evaluation.staggered import CallawaySantAnna, att_gt
from compare.evaluation.synth import SyntheticControl, simplex_weights, synthetic_control
from compare.evaluation.twfe import TWFE, EventStudy, event_study, twfe

__all__ = [
    "EvaluationWarning",
    "DiD",
    "did_2x2",
    "TWFE",
    "twfe",
    "EventStudy",
    "event_study",
    "CallawaySantAnna",
    "att_gt",
    "SyntheticControl",
    "synthetic_control",
    "simplex_weights",
    "OUTCOME_COLUMNS",
    "Action",
    "as_action",
    "action_panel",
    "evaluate_action",
    "evaluate_actions",
    "group_share_outcome",
    "EvaluationResult",
    "DiDResult",
    "TWFEResult",
    "EventStudyResult",
    "StaggeredResult",
    "SyntheticControlResult",
    "ActionEvaluation",
]
