"""A small statsmodels-like ``Summary``: titled tables and notes, as text and as HTML."""

from __future__ import annotations

import html as _html

import pandas as pd

__all__ = ["Summary"]


class Summary:
    """Result summary with ``as_text``, ``as_html`` and ``_repr_html_`` (like statsmodels').

    Parameters
    ----------
    title : str
    tables : list of (caption, DataFrame)
        Tables shown in order (captions may be empty).
    notes : list of str
        Extra text (warnings, how to read), shown after the tables.

    Examples
    --------
    >>> s = Summary("Agreement", [("", pd.DataFrame({"alpha": [0.8]}))], ["few raters"])
    >>> print(s.as_text().splitlines()[0])
    Agreement
    >>> "&lt;b&gt;" in Summary("<b>").as_html()
    True
    """

    def __init__(self, title: str, tables=None, notes=None):
        self.title = title
        self.tables = list(tables or [])
        self.notes = [str(n) for n in (notes or [])]

    def add_note(self, text: str) -> None:
        """Append a note (e.g. a warning about few raters)."""
        self.notes.append(str(text))

    def as_text(self) -> str:
        """Plain-text rendering."""
        lines = [self.title, "=" * max(len(self.title), 10)]
        for caption, table in self.tables:
            if caption:
                lines.append(caption)
            with pd.option_context("display.max_colwidth", 80, "display.width", 200):
                lines.append(table.to_string(index=False))
            lines.append("")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines).rstrip() + "\n"

    def as_html(self) -> str:
        """HTML rendering (every text escaped)."""
        esc = _html.escape
        parts = [f"<h4>{esc(self.title)}</h4>"]
        for caption, table in self.tables:
            if caption:
                parts.append(f"<p><strong>{esc(caption)}</strong></p>")
            parts.append(table.to_html(index=False, escape=True, na_rep="–", border=0))
        parts += [f"<p><em>Note:</em> {esc(n)}</p>" for n in self.notes]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()

    def __str__(self) -> str:
        return self.as_text()

    __repr__ = __str__
