"""The Playbook as one HTML document (contents, anchors, phone-friendly) and as a PDF of the same HTML.

The PDF is made with WeasyPrint: a pip-installable HTML-to-PDF library that implements CSS
paged media, so the same page prints with page numbers (``counter(page)``), a table of contents
with page numbers (``target-counter``) and PDF bookmarks from the headings, with no browser
to install. Print-to-PDF in headless Chromium gives page numbers only through header and footer
templates and no page numbers in the contents.
"""

from __future__ import annotations

from collections.abc import Sequence

from compare.pages.html import esc
from compare.pages.playbook.changes import Version
from compare.pages.playbook.data import PlaybookData
from compare.pages.playbook.parts import Part

__all__ = ["render_html", "render_pdf"]

_CSS = """
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--warn:#9a3412}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--ink);
margin:0 auto;max-width:60em;padding:0 1em 3em;line-height:1.45;overflow-wrap:break-word}
h1{font-size:1.9em;margin:.6em 0 .1em} h2{border-bottom:2px solid var(--line);padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.5em} h4{margin:1.2em 0 .3em} small{color:var(--muted);font-weight:normal}
.sub{color:var(--muted);margin-top:0} .warn{color:var(--warn)}
.tw{overflow-x:auto;margin:.6em 0} table{border-collapse:collapse;width:100%;font-size:.88em}
th,td{border-bottom:1px solid var(--line);padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa;hyphens:manual} td{overflow-wrap:break-word} .nw{white-space:nowrap}
figure{margin:1em 0} figure img{max-width:100%;height:auto} figcaption{font-size:.85em;color:var(--muted)}
nav.toc ol{list-style:none;padding-left:0} nav.toc ol ol{padding-left:1.4em} nav.toc li{margin:.15em 0}
section.city{border-top:1px solid var(--line);margin-top:1.5em}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.6em;font-size:.85em}
ol.stages li{margin-bottom:.6em} details{font-size:.9em}
footer{color:var(--muted);font-size:.85em;margin-top:3em;border-top:1px solid var(--line)}
@media (max-width:40em){body{font-size:15px;padding:0 .6em} table{font-size:.8em} th,td{padding:.25em .3em}}
@page{size:A4;margin:18mm 15mm 20mm;
 @bottom-center{content:"Page " counter(page) " of " counter(pages);font:9pt 'DejaVu Sans',sans-serif;color:#57606a}
 @bottom-right{content:string(version);font:8pt 'DejaVu Sans',sans-serif;color:#57606a}}
@media print{
 body{max-width:none;padding:0;font-size:10pt} p.sub{string-set:version content()}
 h2.part{break-before:page} section.city{break-before:page;border:0}
 nav.toc a::after{content:leader('.') target-counter(attr(href), page)}
 a{color:inherit;text-decoration:none} details>summary{display:none} details{display:block}
 .tw{overflow:visible} figure{break-inside:avoid} tr{break-inside:avoid}
 .screen-only{display:none}}
"""


def _toc(parts: Sequence[Part], d: PlaybookData) -> str:
    items = []
    for p in parts:
        sub = ""
        if p.id == "cities":
            sub = (
                "<ol>"
                + "".join(f'<li><a href="#{esc(c.anchor)}">{esc(c.name)}</a></li>' for c in d.cities)
                + "</ol>"
            )
        items.append(f'<li><a href="#{esc(p.id)}">{esc(p.title)}</a>{sub}</li>')
    items.append('<li><a href="#changes">What changed since the last version</a></li>')
    return f'<nav class="toc"><h2 id="contents">Contents</h2><ol>{"".join(items)}</ol></nav>'


def _changes_html(v: Version) -> str:
    if v.previous is None:
        body = "<p>This is the first version of this Playbook.</p>"
    else:
        items = "".join(f"<li>{esc(c)}</li>" for c in v.changes)
        body = f"<p>Changes since version {v.previous} ({esc(v.previous_date)}):</p><ul>{items}</ul>"
    return f'<h2 class="part" id="changes">What changed since the last version</h2>{body}'


def render_html(d: PlaybookData, parts: Sequence[Part], version: Version) -> str:
    """The whole Playbook as one standalone HTML page (figures embedded).

    Examples
    --------
    >>> from compare.pages.playbook import build_playbook
    >>> "<nav class=\\"toc\\">" in build_playbook("helsinki-berlin", tmp_dir).html  # doctest: +SKIP
    True
    """
    title = f"Action Playbook: {d.network.get('name') or d.network.get('id')}"
    n_rep = sum(c.results is not None for c in d.cities)
    missing = [c.name for c in d.cities if c.results is None]
    warn = (
        f'<p class="warn">{len(missing)} of {len(d.cities)} cities have no report in this run '
        f"({esc(', '.join(missing))}): their figures are missing, never estimated.</p>"
        if missing
        else ""
    )
    links = (
        '<p class="screen-only">Full reports: '
        + " · ".join(
            f'<a href="{esc(c.slug)}.html">{esc(c.name)}</a>' for c in d.cities if c.results is not None
        )
        + (' · <a href="network-comparison.html">network comparison</a>' if d.comparison is not None else "")
        + ' · <a href="index.html">run status</a> · <a href="playbook.pdf">PDF</a></p>'
    )
    body = "".join(f'<h2 class="part" id="{esc(p.id)}">{esc(p.title)}</h2>{p.html}' for p in parts)
    attribution = "".join(f"<li>{esc(a)}</li>" for a in d.network.get("attribution") or [])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_CSS}</style></head>
<body>
<h1>{esc(title)}</h1>
<p class="sub">Action Playbook, version {version.number}, {esc(version.date)}</p>
<p>{len(d.cities)} cities, {n_rep} with a report: the network's shared document of models, tools and lessons learned.</p>
<p>{esc(d.network.get("description", ""))}</p>
{warn}{links}
{_toc(parts, d)}
{body}
{_changes_html(version)}
<footer><p>Generated by <code>python -m compare reports run {esc(d.network.get("id", ""))}</code>
(compare). Data: </p><ul>{attribution}</ul>
<p>Governance profiles and practices: data/governance and data/practices, each claim with its cited source.</p>
</footer>
</body></html>
"""


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """The PDF of a Playbook page (WeasyPrint; print styles give page numbers and the contents' pages).

    Examples
    --------
    >>> render_pdf("<h1>x</h1>")[:5]
    b'%PDF-'
    """
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, base_url=base_url).write_pdf()
