"""Governance models as data: profiles, evidence, rubrics, practices, comparison, outcomes.

Quick start::

    from compare.governance import load_profiles, load_rubric, compare_to
    rubric = load_rubric()                      # data/rubrics/area-governance-v1.yml
    profiles = load_profiles(rubric=rubric)     # data/governance/*.yml
    compare_to(profiles, "vantaa")              # Vantaa against every other city

Self-assessment by a city's local group (questionnaire forms, import, Krippendorff's alpha,
consensus, rounds)::

    from compare.governance import questionnaire, write_questionnaire, import_responses, agreement
    write_questionnaire(questionnaire("vantaa"), "vantaa.xlsx")   # or "vantaa.html"
    res = import_responses(["filled.xlsx", "answers.json"], round="baseline")
    agreement(res.table.rename(columns={"criterion": "unit"}))   # ordinal alpha with interval

Paths default to the repository's ``data/`` folder, found by walking up from the installed
``compare`` package or from the working directory (``COMPARE_HOME`` overrides); pass explicit
paths to use other files. Scores are illustrative assessments, not official evaluations.
"""

from compare.governance._io import find_data_dir, read_yaml

# self-assessment by the local group (issue 13): questionnaire, responses, agreement, rounds
from compare.governance.agreement import AgreementResult, agreement, reliability_matrix
from compare.governance.assessed import (
    CONSENSUS,
    DESK,
    assessment_matrix,
    assessment_scores,
    assessment_sources,
    cluster_robustness,
    perturbed_scores,
)
from compare.governance.compare import (
    ModelSimilarity,
    SimilarityResult,
    adjusted_rand_index,
    cluster_stability,
    compare_to,
    differences,
    model_distance,
    score_matrix,
    score_table,
    side_by_side,
)
from compare.governance.consensus import (
    consensus,
    dimension_scores,
    disagreement,
    permutation_test,
    role_counts,
    role_differences,
    with_desk_review,
)
from compare.governance.evidence import (
    CONFIDENCE_LEVELS,
    Claim,
    Evidence,
    Source,
)
from compare.governance.examples import EXAMPLE_NOTE, example_responses
from compare.governance.outcomes import coverage_table, covered_vs_rest, flag_covered
from compare.governance.practices import (
    Practice,
    PracticeCatalogue,
    Transfer,
    TransferStage,
    load_practices,
)
from compare.governance.profile import (
    AREA_SCHEMES,
    CLAIM_KEYS,
    MEMBER_TYPES,
    STAGES,
    ActionTarget,
    Assessment,
    CoveredArea,
    LocalAction,
    Member,
    Profile,
    Score,
    actions_table,
    all_actions,
    known_area_ids,
    load_profile,
    load_profiles,
    validate_profile_areas,
)
from compare.governance.questionnaire import (
    DONT_KNOW,
    ORGANISATION_TYPES,
    ROLES,
    Questionnaire,
    questionnaire,
    write_questionnaire,
)
from compare.governance.recommend import (
    Recommendations,
    context_similarity,
    recommend_transfers,
    weakest_criteria,
)
from compare.governance.responses import (
    RESPONSE_COLUMNS,
    ImportResult,
    import_responses,
    load_responses,
    read_form,
    write_responses,
)
from compare.governance.rounds import round_change, rounds_of
from compare.governance.rubric import MATURITY_SCALE, Criterion, Dimension, Rubric, load_rubric

__all__ = [
    "find_data_dir",
    "read_yaml",
    "CONFIDENCE_LEVELS",
    "Source",
    "Evidence",
    "Claim",
    "MATURITY_SCALE",
    "Criterion",
    "Dimension",
    "Rubric",
    "load_rubric",
    "AREA_SCHEMES",
    "MEMBER_TYPES",
    "STAGES",
    "CLAIM_KEYS",
    "CoveredArea",
    "Member",
    "LocalAction",
    "ActionTarget",
    "Score",
    "Assessment",
    "Profile",
    "load_profile",
    "load_profiles",
    "validate_profile_areas",
    "known_area_ids",
    "all_actions",
    "actions_table",
    "Practice",
    "Transfer",
    "PracticeCatalogue",
    "load_practices",
    "TransferStage",
    "Recommendations",
    "context_similarity",
    "recommend_transfers",
    "weakest_criteria",
    "score_table",
    "score_matrix",
    "side_by_side",
    "differences",
    "compare_to",
    "model_distance",
    "ModelSimilarity",
    "SimilarityResult",
    "adjusted_rand_index",
    "cluster_stability",
    "coverage_table",
    "flag_covered",
    "covered_vs_rest",
    "AgreementResult",
    "agreement",
    "reliability_matrix",
    "CONSENSUS",
    "DESK",
    "assessment_scores",
    "assessment_matrix",
    "assessment_sources",
    "perturbed_scores",
    "cluster_robustness",
    "consensus",
    "dimension_scores",
    "with_desk_review",
    "disagreement",
    "role_counts",
    "role_differences",
    "permutation_test",
    "EXAMPLE_NOTE",
    "example_responses",
    "DONT_KNOW",
    "ORGANISATION_TYPES",
    "ROLES",
    "Questionnaire",
    "questionnaire",
    "write_questionnaire",
    "RESPONSE_COLUMNS",
    "ImportResult",
    "import_responses",
    "load_responses",
    "read_form",
    "write_responses",
    "round_change",
    "rounds_of",
]
