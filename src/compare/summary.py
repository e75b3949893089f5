"""The one summary object of every results class (statsmodels' ``iolib.summary.Summary`` is the model).

A result's ``summary()`` returns a :class:`Summary`: a title, a few headline figures (``info``), sections
(a titled table, a block of preformatted text or a nested summary) and notes (caveats, how to read it).
It prints as text (``print(res.summary())``, ``as_text()``) and displays as HTML in Jupyter
(``_repr_html_``), so notebooks and report pages show the object instead of building result HTML by hand.

The module is library-level (like :mod:`compare.errors`): every room may use it, and it imports pandas
only to render tables.
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["Summary"]

_RULE = 78


def _is_frame(obj) -> bool:
    return hasattr(obj, "to_string") and hasattr(obj, "to_html") and hasattr(obj, "columns")


def _show_index(frame) -> bool:
    import pandas as pd

    return not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None)


class Summary:
    """Result summary with ``as_text``, ``as_html`` and ``_repr_html_`` (like statsmodels').

    Parameters
    ----------
    title : str
    tables : sequence of (caption, content), optional
        Sections in order; ``content`` is a DataFrame (shown with its index unless it is a plain
        range), a string (preformatted text) or another :class:`Summary` (nested). Captions may
        be empty.
    notes : sequence of str, optional
        Extra text (warnings, caveats, how to read), shown after the sections.
    info : sequence of (label, value), optional
        Headline figures shown under the title (``Estimate (ATT): 0.12``).
    float_format : str, optional
        Format of floats in tables (default ``"{:.4f}"``); text sections are shown as given.

    Examples
    --------
    >>> import pandas as pd
    >>> s = Summary("Agreement", [("", pd.DataFrame({"alpha": [0.8]}))], ["few raters"],
    ...             info=[("raters", 3)])
    >>> print(s.as_text())
    Agreement
    ==========
    raters: 3
    <BLANKLINE>
     alpha
    0.8000
    <BLANKLINE>
    Note: few raters
    >>> "&lt;b&gt;" in Summary("<b>").as_html()
    True
    """

    def __init__(
        self,
        title: str,
        tables: Iterable[tuple[str, Any]] | None = None,
        notes: Iterable[str] | None = None,
        *,
        info: Sequence[tuple[str, Any]] | None = None,
        float_format: str = "{:.4f}",
    ):
        self.title = str(title)
        self.tables = [(str(c or ""), t) for c, t in (tables or [])]
        self.notes = [str(n) for n in (notes or [])]
        self.info = [(str(k), v) for k, v in (info or [])]
        self.float_format = float_format

    # -- building ---------------------------------------------------------------------------------------
    def add_note(self, text: str) -> Summary:
        """Append a note (e.g. a warning about few raters); returns the summary."""
        self.notes.append(str(text))
        return self

    def add_table(self, caption: str, content) -> Summary:
        """Append a section (DataFrame, text or nested :class:`Summary`); returns the summary."""
        self.tables.append((str(caption or ""), content))
        return self

    # -- rendering --------------------------------------------------------------------------------------
    def _fmt(self, v) -> str:
        if isinstance(v, float):
            return self.float_format.format(v)
        return str(v)

    def as_text(self) -> str:
        """Plain-text rendering."""
        import pandas as pd

        lines = [self.title, "=" * min(max(len(self.title), 10), _RULE)]
        if self.info:
            lines.append("   ".join(f"{k}: {self._fmt(v)}" for k, v in self.info))
        for caption, content in self.tables:
            lines.append("")
            if caption:
                lines.append(caption)
            if isinstance(content, Summary):
                lines.append(content.as_text().rstrip())
            elif _is_frame(content):
                with pd.option_context("display.max_colwidth", 80, "display.width", 200):
                    lines.append(
                        content.to_string(
                            index=_show_index(content), float_format=lambda v: self.float_format.format(v)
                        )
                    )
            else:
                lines.append(str(content))
        if self.notes:
            lines.append("")
            lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines).rstrip() + "\n"

    def as_html(self) -> str:
        """HTML rendering (every text escaped)."""
        esc = _html.escape
        parts = [f'<div class="compare-summary"><h4>{esc(self.title)}</h4>']
        if self.info:
            cells = "".join(
                f"<tr><th style='text-align:left'>{esc(k)}</th><td>{esc(self._fmt(v))}</td></tr>"
                for k, v in self.info
            )
            parts.append(f"<table class='summary-info' border='0'>{cells}</table>")
        for caption, content in self.tables:
            if caption:
                parts.append(f"<p><strong>{esc(caption)}</strong></p>")
            if isinstance(content, Summary):
                parts.append(content.as_html())
            elif _is_frame(content):
                parts.append(
                    content.to_html(
                        index=_show_index(content),
                        escape=True,
                        na_rep="–",
                        border=0,
                        float_format=lambda v: self.float_format.format(v),
                    )
                )
            else:
                parts.append(f"<pre>{esc(str(content))}</pre>")
        parts += [f"<p><em>Note:</em> {esc(n)}</p>" for n in self.notes]
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def __contains__(self, text: str) -> bool:
        """``"ATT" in res.summary()``: whether the text rendering contains ``text``."""
        return str(text) in self.as_text()
