"""Report pages: what a city report, the network comparison and the index show.

Each module is one report section or page and is called by a thin notebook
(``notebooks/city_assessment.ipynb``, ``notebooks/network_comparison.ipynb``):

- :mod:`~compare.pages.assessment`: one city (model, rubric, indices, maps, outcomes, sources);
- :mod:`~compare.pages.europe`, :mod:`~compare.pages.segregation_change`,
  :mod:`~compare.pages.self_assessment`, :mod:`~compare.pages.effects`: sections of the city report;
- :mod:`~compare.pages.comparison`, :mod:`~compare.pages.qca_section`: the network comparison;
- :mod:`~compare.pages.index`: the network's index page; :mod:`~compare.pages.results`: the key
  results each page writes next to itself;
- :mod:`~compare.pages.playbook`: the network's Action Playbook (HTML and PDF), built from the
  library and the key results of the reports (``build_playbook``, ``write_playbook``, imported on
  first use: WeasyPrint is loaded only when a Playbook is written).

This room imports only from the library rooms above it (sources, model, indicators, governance,
evaluation, qca, plots) and never from :mod:`compare.reports`, the pipeline that runs the pages.
"""

from compare.pages.html import esc, provenance_html
from compare.pages.index import RunRecord, render_index, write_index
from compare.pages.results import default_output_folder, read_key_results, to_jsonable, write_key_results


def __getattr__(name):
    """``build_playbook`` and ``write_playbook`` on first use (PEP 562)."""
    if name in ("build_playbook", "write_playbook"):
        from compare.pages import playbook

        return getattr(playbook, name)
    raise AttributeError(f"module 'compare.pages' has no attribute {name!r}")


__all__ = [
    "RunRecord",
    "build_playbook",
    "write_playbook",
    "default_output_folder",
    "esc",
    "provenance_html",
    "read_key_results",
    "render_index",
    "to_jsonable",
    "write_index",
    "write_key_results",
]
