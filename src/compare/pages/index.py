"""The network's report index: ``reports/<network>/index.html`` (the Action Playbook is ``playbook.html``).

One row per city: name, country, area-based model type, key figures (from the city's
``<city>.results.json``), a link to its report and the status of the last run. A failed city
is marked with its failing cell and error, and links to its previous report when one is kept.
Every piece of user text is HTML-escaped.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from compare.files import atomic_write_text, safe_join, slugify
from compare.pages.html import esc
from compare.pages.results import read_key_results

__all__ = ["RunRecord", "render_index", "write_index"]


class RunRecord(Protocol):
    """What the index reads of one report's last run (the pipeline's ``RunRecord`` is one)."""

    name: str
    title: str
    kind: str
    status: str
    error: Mapping[str, Any] | None
    meta: Mapping[str, Any]
    previous_kept: bool

    @property
    def failed(self) -> bool:
        """Whether the last run of this report failed."""
        ...


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:72em;
color:#222;padding:0 1em}
h1{margin-bottom:0.1em} .sub{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border-bottom:1px solid #ddd;padding:0.45em 0.6em;text-align:left;vertical-align:top}
th{background:#f3f4f6} tr.failed{background:#fdecec} tr.failed td.status{color:#a40000}
.status{font-weight:600;white-space:nowrap} dl{margin:0;display:grid;
grid-template-columns:auto auto;gap:0.1em 0.8em}
dt{color:#555} dd{margin:0;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;font-size:0.8em;background:#f8f8f8;padding:0.4em;margin:0.3em 0 0 0}
footer{color:#666;font-size:0.85em;margin-top:2em}
"""


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _figures(results: Mapping[str, Any] | None) -> str:
    figs = (results or {}).get("key_figures") or {}
    if not figs:
        return "<em>no figures</em>"
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(_fmt(v))}</dd>" for k, v in figs.items())
    return f"<dl>{items}</dl>"


def _status_cell(o: RunRecord, link: str) -> str:
    if not o.failed:
        label = {
            "ran": "updated",
            "cached": "current (unchanged)",
            "earlier": "not in this run (earlier report)",
        }.get(o.status, o.status)
        return f'<td class="status">{esc(label)}</td>'
    e = o.error or {}
    where = f"cell {e.get('cell_index')}" if e.get("cell_index") is not None else "set-up"
    src = (e.get("cell_source") or "").strip()
    kept = (
        f'previous report kept: <a href="{esc(link)}">open it</a>'
        if o.previous_kept
        else "no previous report"
    )
    return (
        f'<td class="status">FAILED in {esc(where)}<br><small>{kept}</small>'
        f"<pre>{esc(e.get('ename'))}: {esc(e.get('evalue'))}</pre>"
        + (f"<details><summary>failing cell</summary><pre>{esc(src)}</pre></details>" * bool(src))
        + "</td>"
    )


def render_index(
    network: Mapping[str, Any],
    outcomes: Sequence[RunRecord],
    out_dir: str | Path,
    *,
    generated: str | None = None,
) -> str:
    """Render the network's report index (links, key figures, last run, the Playbook).

    Parameters
    ----------
    network : mapping
        ``id``, ``name`` and optionally ``description`` and ``attribution`` (list of str).
    outcomes : sequence of RunRecord
        (for example :class:`compare.reports.jobs.JobOutcome`)
        One per report of the run (city reports have ``kind == "city"``; the comparison has
        ``kind == "comparison"``). ``meta`` may hold ``country`` and ``model_type``.
    out_dir : str or Path
        Network report folder, where ``<name>.results.json`` files are read.
    generated : str, optional
        Time stamp shown in the footer (default: now, UTC).

    Returns
    -------
    str
        A standalone HTML page.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> o = SimpleNamespace(name="vantaa", title="Vantaa", kind="city", status="ran", failed=False,
    ...                     error=None, meta={"model_type": "<zone>"}, previous_kept=False)
    >>> _ = (tmp / "vantaa.html").write_text("<html></html>")   # tmp: the network's report folder
    >>> page = render_index({"id": "n", "name": "N"}, [o], tmp)
    >>> "&lt;zone&gt;" in page and 'href="vantaa.html"' in page
    True
    """
    out_dir = Path(out_dir)
    generated = generated or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = []
    cities = [o for o in outcomes if o.kind == "city"]
    others = [o for o in outcomes if o.kind != "city"]
    for o in cities:
        slug = slugify(o.name)
        link = f"{slug}.html"
        results = read_key_results(out_dir, slug)
        meta = dict(o.meta)
        model = (results or {}).get("model_type") or meta.get("model_type") or "not profiled"
        has_report = (out_dir / link).is_file()
        row_class = "failed" if o.failed else "ok" if o.status in ("ran", "cached") else "other"
        name_cell = f'<a href="{esc(link)}">{esc(o.title)}</a>' if has_report else esc(o.title)
        rows.append(
            f'<tr class="{row_class}"><td>{name_cell}</td>'
            f"<td>{esc(meta.get('country', ''))}</td><td>{esc(model)}</td>"
            f"<td>{_figures(results)}</td>{_status_cell(o, link)}</tr>"
        )
    extra = []
    for o in others:
        slug = slugify(o.name)
        has_report = o.status != "failed" or o.previous_kept
        link = f'<a href="{esc(slug)}.html">{esc(o.title)}</a>' if has_report else esc(o.title)
        state = "FAILED: " + esc((o.error or {}).get("evalue", "")) if o.failed else ""
        extra.append(f"<li>{link} {state}</li>")
    n_failed = sum(o.failed for o in outcomes)
    attribution = "".join(f"<li>{esc(a)}</li>" for a in network.get("attribution") or [])
    sources = f"<p>Data sources:</p><ul>{attribution}</ul>" if attribution else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reports: {esc(network.get("name", network.get("id")))}</title>
<style>{_CSS}</style></head>
<body>
<h1>Reports: {esc(network.get("name", network.get("id")))}</h1>
<p class="sub">{esc(network.get("description", ""))}</p>
<p><strong>The network's Action Playbook</strong> (models, where each city stands, lessons learned,
transfers, local action plans, tools and methods): <a href="playbook.html">HTML</a> ·
<a href="playbook.pdf">PDF</a></p>
<p>{len(cities)} cities, {n_failed} report(s) failed in the last run.</p>
<table><thead><tr><th>City</th><th>Country</th><th>Area-based model</th><th>Key figures</th>
<th>Last run</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<h2>Network-wide</h2><ul>{"".join(extra) or "<li>no comparison report</li>"}</ul>
<footer><p>Generated {esc(generated)} by <code>python -m compare reports run
{esc(network.get("id", ""))}</code>. Each report ends with its provenance (data checksums,
parameters, package versions).</p>{sources}
</footer>
</body></html>
"""


def write_index(network: Mapping[str, Any], outcomes: Sequence[RunRecord], out_dir: str | Path) -> Path:
    """Render and atomically write ``<out_dir>/index.html``; return its path.

    Examples
    --------
    >>> write_index({"id": "n", "name": "N"}, [], tmp_dir)  # doctest: +SKIP
    PosixPath('.../index.html')
    """
    path = safe_join(out_dir, "index", suffix=".html")
    atomic_write_text(path, render_index(network, outcomes, out_dir))
    return path
