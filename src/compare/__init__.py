"""compare: a comparative research workbench for area-based urban governance."""

__version__ = "0.1.0"
