"""Exceptions raised at the boundary where bad data or configuration enters the workbench.

Every error names *where* the problem is (file, row or area id, column or key) and *what was
expected*, so that a researcher can fix the input without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CompareError", "DataError", "ConfigError", "ChecksumError"]


class CompareError(Exception):
    """Base class of every error the workbench raises on purpose."""


class DataError(CompareError, ValueError):
    """A data file or table does not have the expected content.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    file : str or Path, optional
        The file the bad value came from.
    row : object, optional
        Row number (1-based, as a spreadsheet shows it) or area id.
    column : str, optional
        Column (or key) holding the bad value.

    Examples
    --------
    >>> err = DataError("count is negative; expected >= 0", file="t1.csv", row=12, column="count")
    >>> str(err)
    't1.csv, row 12, column count: count is negative; expected >= 0'
    """

    _column_label = "column"

    def __init__(self, message: str, *, file=None, row=None, column=None):
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.reason = message
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"{self._column_label} {column}")
        super().__init__(", ".join(where) + ": " + message if where else message)


class ConfigError(DataError):
    """A configuration file (network, catalog, governance profile, rubric) is invalid.

    ``column`` holds the dotted key path (e.g. ``cities.vantaa.sources[0].importer``).

    Examples
    --------
    Messages read ``file: key.path: message``.

    >>> str(ConfigError("expected one of ['berlin'], got 'oslo'", file="net.yml", key="lead_city"))
    "net.yml: lead_city: expected one of ['berlin'], got 'oslo'"
    """

    _column_label = "key"

    def __init__(self, message: str, *, file=None, key=None, row=None, column=None):
        key = key if key is not None else column
        super().__init__(message, file=file, row=row, column=key)
        self.key = key
        where = [str(file)] if file is not None else []
        if row is not None:
            where.append(f"row {row}")
        if key is not None:
            where.append(str(key))
        Exception.__init__(self, ": ".join([*where, message]))


class ChecksumError(DataError):
    """A downloaded or mirrored file does not have the sha256 recorded in the catalog."""

    def __init__(self, path: str | Path, expected: str, actual: str):
        super().__init__(
            f"sha256 mismatch: expected {expected}, got {actual}; the file is not the one the "
            "catalog records (corrupted copy or changed upstream). It was not installed.",
            file=path,
        )
        self.expected = expected
        self.actual = actual
