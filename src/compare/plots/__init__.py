"""Figures of the workbench (matplotlib/seaborn), one module per family of results.

Every figure has a title, labelled axes with units and a source line (:func:`add_source`).
"""

from compare.plots._style import add_source

__all__ = ["add_source"]
