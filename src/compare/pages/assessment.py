"""A city assessment: the sections of ``notebooks/city_assessment.ipynb`` in one namespace.

The report is built from one lazily loading :class:`~compare.pages.city.CityData`
(:func:`load_city`), and each section lives in a module of its own that renders itself
(``table()``, ``figure()``, ``_repr_html_()``):

1. the model: :mod:`compare.pages.model_section` (:class:`ModelSection`);
2. indices over time: :mod:`compare.pages.indices_section` (:class:`IndexSection`), the Europe
   frame :mod:`compare.pages.europe`, the local group's view :mod:`compare.pages.self_assessment`;
3. neighbourhood maps: :mod:`compare.pages.maps_section` (:class:`MapsSection`), why segregation
   changed :mod:`compare.pages.segregation_change`;
4. covered vs other areas: :mod:`compare.pages.outcomes_section` (:class:`OutcomesSection`);
5. practices: :mod:`compare.pages.practices_section` (:class:`PracticesSection`);
6. effects of local actions: :mod:`compare.pages.effects_section` (:class:`EffectsSection`);
7-8. data sources, provenance and key results: :mod:`compare.pages.sources_section`.

The functions of each section are re-exported here (``A.fig_index_trends(a)``), so the notebook
and other pages address one module.
"""

from __future__ import annotations

from compare.pages._common import (
    FAVOURABLE_GROUPS,
    INDEX_LABELS,
    TREND_INDICES,
    Section,
    _finish_grid,
    _mark_breaks,
    _source_rect,
    display_all,
    html_of,
)
from compare.pages._display import _close, show
from compare.pages.action_plan_section import ActionPlanSection, action_plan_table
from compare.pages.city import CityAssessment, CityData, load_city, network_profiles
from compare.pages.effects_section import (
    EffectsSection,
    action_effects_table,
    fig_action_effects,
    show_action_effects,
)
from compare.pages.indices_section import IndexSection, fig_index_trends, index_table
from compare.pages.maps_section import (
    MapsSection,
    _map_areas,
    disadvantage_table,
    fig_disadvantage_map,
    fig_lisa_map,
    fig_share_maps,
)
from compare.pages.model_section import ModelSection, fig_rubric, header, model_overview, rubric_scores
from compare.pages.outcomes_section import OutcomesSection, fig_outcomes, outcomes_table
from compare.pages.practices_section import PracticesSection, practices_table
from compare.pages.sources_section import (
    SourcesSection,
    data_sources,
    import_notes,
    key_results,
    provenance,
    write_results,
)

__all__ = [
    "ActionPlanSection",
    "action_plan_table",
    "TREND_INDICES",
    "FAVOURABLE_GROUPS",
    "INDEX_LABELS",
    "CityAssessment",
    "CityData",
    "Section",
    "ModelSection",
    "IndexSection",
    "MapsSection",
    "OutcomesSection",
    "PracticesSection",
    "EffectsSection",
    "SourcesSection",
    "load_city",
    "network_profiles",
    "header",
    "model_overview",
    "rubric_scores",
    "fig_rubric",
    "index_table",
    "fig_index_trends",
    "fig_share_maps",
    "fig_lisa_map",
    "fig_disadvantage_map",
    "disadvantage_table",
    "outcomes_table",
    "fig_outcomes",
    "practices_table",
    "data_sources",
    "provenance",
    "key_results",
    "write_results",
    "show",
    "html_of",
    "display_all",
    "import_notes",
    "action_effects_table",
    "fig_action_effects",
    "show_action_effects",
]

# private helpers other pages use (comparison, segregation_change)
_HELPERS = (_close, _finish_grid, _mark_breaks, _source_rect, _map_areas)
