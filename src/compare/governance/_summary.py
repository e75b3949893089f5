"""The statsmodels-like ``Summary`` now lives in :mod:`compare.summary` (shared by every results class)."""

from compare.summary import Summary

__all__ = ["Summary"]
