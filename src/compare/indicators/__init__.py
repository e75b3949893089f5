"""Segregation and territorial-equity indicators at city and neighbourhood level.

City level (one value per city x period x group definition): two-group indices
(:mod:`~compare.indicators.twogroup`), multigroup indices
(:mod:`~compare.indicators.multigroup`), spatial indices (:mod:`~compare.indicators.spatial`),
decomposition of the mutual information (:mod:`~compare.indicators.decomposition`), all
collected by :func:`compute_panel` into one tidy table, with bootstrap intervals, difference
tests and change between periods (:mod:`~compare.indicators.inference`).

Why and at which scale (:mod:`~compare.indicators.difference`, :mod:`~compare.indicators.local_scores`,
:mod:`~compare.indicators.bias`, :mod:`~compare.indicators.multiscalar`): :func:`decompose_change`
(Shapley decomposition of a change in M, R ``mutual_difference``), :func:`decompose_index_difference`
(spatial/composition split of a difference in D), :func:`local_segregation` (R ``mutual_local``),
:func:`bias_corrected_panel` and :func:`random_allocation_panel`, :func:`multiscalar_profile`.
Every index is described once (:mod:`~compare.indicators.registry`).

Neighbourhood types and transitions (:mod:`~compare.indicators.types`,
:mod:`~compare.indicators.transitions`): :func:`neighbourhood_types`, :func:`transition_matrices`,
:func:`spatial_markov` (PySAL ``giddy``), :func:`status_change_summary`.

Neighbourhood level (one row per area x period): :func:`local_indicators` (shares, location
quotients, local entropy, gap to the city, LISA clusters) and :func:`disadvantage_index` with
:func:`disadvantage_dynamics` (:mod:`~compare.indicators.local`).
"""

from compare.indicators.bias import bias_corrected_panel, random_allocation_panel
from compare.indicators.change import index_change
from compare.indicators.decomposition import decompose_mutual_information
from compare.indicators.difference import (
    decompose_change,
    decompose_change_network,
    decompose_index_difference,
)
from compare.indicators.inference import (
    DifferenceResult,
    bootstrap_replicates,
    difference_test,
)
from compare.indicators.local import (
    LISA_ENGINES,
    LISA_LABELS,
    disadvantage_dynamics,
    disadvantage_index,
    lisa,
    local_indicators,
)
from compare.indicators.local_scores import local_segregation, local_segregation_network
from compare.indicators.multigroup import (
    multi_dissimilarity,
    multi_gini,
    mutual_information,
    normalized_exposure,
    theil_h,
)
from compare.indicators.multiscalar import kernel_weights, multiscalar_profile, multiscalar_profile_network
from compare.indicators.panel import INDEX_FAMILY, INDICES, compute_panel, panel_from_wide
from compare.indicators.spatial import (
    MoranResult,
    contiguity_weights,
    grid_weights,
    morans_i,
    spatial_dissimilarity,
)
from compare.indicators.transitions import spatial_markov, status_change_summary, transition_matrices
from compare.indicators.twogroup import (
    atkinson,
    correlation_ratio,
    dissimilarity,
    entropy,
    exposure,
    gini,
    isolation,
)
from compare.indicators.types import neighbourhood_types, type_profiles

__all__ = [
    "INDICES",
    "INDEX_FAMILY",
    "compute_panel",
    "panel_from_wide",
    "dissimilarity",
    "isolation",
    "exposure",
    "entropy",
    "gini",
    "atkinson",
    "correlation_ratio",
    "mutual_information",
    "theil_h",
    "multi_dissimilarity",
    "multi_gini",
    "normalized_exposure",
    "spatial_dissimilarity",
    "morans_i",
    "MoranResult",
    "contiguity_weights",
    "grid_weights",
    "decompose_mutual_information",
    "decompose_change",
    "decompose_index_difference",
    "decompose_change_network",
    "bootstrap_replicates",
    "difference_test",
    "DifferenceResult",
    "index_change",
    "bias_corrected_panel",
    "random_allocation_panel",
    "local_indicators",
    "local_segregation",
    "local_segregation_network",
    "multiscalar_profile",
    "multiscalar_profile_network",
    "kernel_weights",
    "lisa",
    "LISA_ENGINES",
    "LISA_LABELS",
    "disadvantage_index",
    "disadvantage_dynamics",
    "neighbourhood_types",
    "type_profiles",
    "transition_matrices",
    "spatial_markov",
    "status_change_summary",
]
