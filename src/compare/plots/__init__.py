"""Figures of the workbench (matplotlib/seaborn), one module per family of results.

Every figure has a title, labelled axes with units and a source line (:func:`add_source`);
:func:`panel_grid` lays out small multiples.

- :mod:`~compare.plots.indicators` -- one figure per index family, neighbourhood maps
- :mod:`~compare.plots.maps` -- choropleth and category maps with covered areas outlined
- :mod:`~compare.plots.governance` -- radar, heatmap, dendrogram, practice-transfer network
- :mod:`~compare.plots.evaluation` -- event study, synthetic-control paths and placebos
- :mod:`~compare.plots.qca` -- XY plot of set memberships
- :mod:`~compare.plots.methods` -- change decomposition, multiscalar profiles, transitions
- :mod:`~compare.plots.self_assessment` -- answers by rater, consensus, desk review vs self, rounds

The plotting functions are re-exported here and imported on first use, so ``import compare.plots``
stays cheap.
"""

from __future__ import annotations

import importlib

from compare.plots._style import add_source, panel_grid, year_axis

_LAZY = {
    "indicators": [
        "plot_index_family",
        "plot_local_family",
        "plot_decomposition",
        "period_position",
        "vintage_breaks",
    ],
    "maps": ["plot_choropleth", "plot_categories", "class_breaks", "add_scale_bar"],
    "governance": [
        "plot_radar",
        "plot_heatmap",
        "plot_transfer_network",
        "plot_dendrogram",
        "plot_covered_vs_rest",
    ],
    "evaluation": [
        "plot_event_study",
        "plot_synth_path",
        "plot_synth_gap",
        "plot_placebos",
        "action_figures",
    ],
    "qca": ["xy_plot"],
    "methods": ["plot_change_decomposition", "plot_profiles", "plot_transitions"],
    "self_assessment": ["plot_rater_heatmap", "plot_consensus", "plot_desk_vs_self", "plot_round_change"],
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = ["add_source", "panel_grid", "year_axis", *_WHERE]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"compare.plots.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'compare.plots' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
