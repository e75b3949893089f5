"""Patterns shared by every room (kept free of heavy imports; :mod:`compare.schema` re-exports them)."""

from __future__ import annotations

import re

__all__ = ["PERIOD_PATTERN", "PERIOD_RE", "PERIOD_EXPECTED"]

#: The one period label pattern: ``YYYY``, ``YYYY-H1``/``YYYY-H2`` (half-years), ``YYYY-MM`` (months 01-12;
#: ``2015-13`` would sort and plot as January 2016).
PERIOD_PATTERN = r"^\d{4}(-H[12]|-(0[1-9]|1[0-2]))?$"
PERIOD_RE = re.compile(PERIOD_PATTERN)
#: How error messages describe a period label.
PERIOD_EXPECTED = "a period label 'YYYY', 'YYYY-H1'/'YYYY-H2' or 'YYYY-MM'"
