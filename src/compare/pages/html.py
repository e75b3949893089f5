"""HTML building blocks of the report pages: escaping and the provenance section."""

from __future__ import annotations

import html as _html
from collections.abc import Mapping
from typing import Any

__all__ = ["esc", "provenance_html"]


def esc(value: Any) -> str:
    """Escape any value for HTML text and attribute context.

    Examples
    --------
    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return _html.escape("" if value is None else str(value), quote=True)


def provenance_html(record: Mapping[str, Any]) -> str:
    """Render a provenance record as an escaped HTML ``<section>``.

    Examples
    --------
    >>> "<td>city</td>" in provenance_html({"parameters": {"city": "<b>x</b>"}})
    True
    """
    from compare.provenance import provenance_table

    table = provenance_table(record, per_file=False)
    rows = "\n".join(
        f"<tr><td>{esc(r.section)}</td><td>{esc(r.item)}</td><td><code>{esc(r.value)}</code></td></tr>"
        for r in table.itertuples()
    )
    return (
        '<section id="provenance" style="margin:2em 1em;font-size:0.85em">'
        "<h2>Provenance of this report</h2>"
        f"<p>Fingerprint <code>{esc(record.get('fingerprint', ''))}</code>. Re-running the "
        "notebook with these parameters on files with these checksums and these package "
        "versions reproduces it. Data rows give one digest per data set; the checksum of every "
        "file is in the report's <code>.provenance.json</code> and the notebook's metadata.</p>"
        '<table class="provenance"><thead><tr><th>section</th><th>item</th><th>value</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></section>"
    )
