"""Qualitative Comparative Analysis (crisp- and fuzzy-set QCA).

Calibrate raw data into set memberships, build a truth table, minimise it into conservative,
parsimonious and intermediate solutions with parameters of fit, and test necessity; or run the
whole chain on the workbench's rubric scores and indicator outcomes with
:func:`qca_from_workbench`. Results reproduce R package QCA (Dusa 2019) on the Lipset data.

Examples
--------
>>> import pandas as pd
>>> from compare.qca import truth_table, minimize
>>> df = pd.DataFrame({"A": [1, 1, 0, 0], "B": [1, 0, 1, 0], "Y": [1, 1, 0, 0]})
>>> minimize(truth_table(df, "Y"), "parsimonious").formula
'A'
"""

from compare.qca.calibrate import Calibrator, calibrate_crisp, calibrate_direct, calibrate_indirect
from compare.qca.fit import (
    expression_membership,
    format_expression,
    necessity_fit,
    parameters_of_fit,
    parse_expression,
    sufficiency_fit,
    term_membership,
)
from compare.qca.minimize import minimize_boolean, pi_chart, prime_implicants
from compare.qca.necessity import NecessityResult, necessity
from compare.qca.robustness import qca_robustness
from compare.qca.solution import QCASolution, minimize, parse_directional_expectations
from compare.qca.truthtable import TruthTable, truth_table
from compare.qca.workbench import (
    RUBRIC_ANCHORS,
    WorkbenchQCAResult,
    minimum_cases,
    qca_from_workbench,
)

__all__ = [
    "qca_robustness",
    "Calibrator",
    "calibrate_crisp",
    "calibrate_direct",
    "calibrate_indirect",
    "TruthTable",
    "truth_table",
    "QCASolution",
    "minimize",
    "parse_directional_expectations",
    "prime_implicants",
    "pi_chart",
    "minimize_boolean",
    "term_membership",
    "expression_membership",
    "parse_expression",
    "format_expression",
    "sufficiency_fit",
    "necessity_fit",
    "parameters_of_fit",
    "NecessityResult",
    "necessity",
    "WorkbenchQCAResult",
    "qca_from_workbench",
    "minimum_cases",
    "RUBRIC_ANCHORS",
]
