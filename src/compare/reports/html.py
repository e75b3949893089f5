"""Executed notebook -> self-contained HTML report (code hidden unless asked for)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from compare.pages.html import esc, provenance_html

__all__ = ["notebook_to_html", "provenance_html", "esc", "NOTEBOOK_ONLY"]

#: cell tag of instructions for whoever runs the notebook itself, left out of the HTML report.
NOTEBOOK_ONLY = "notebook-only"

_REMOTE_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.I)


def notebook_to_html(
    nb,
    *,
    show_code: bool = False,
    title: str | None = None,
    provenance: Mapping[str, Any] | None = None,
    back_link: str | None = "index.html",
) -> str:
    """Convert an executed notebook to a standalone HTML page.

    Code cells' inputs, prompts and stderr streams (warnings) are hidden by default (readers
    of an assessment are not programmers), and so are cells tagged ``notebook-only``
    (instructions for someone running the notebook); ``show_code=True`` keeps them. Remote ``<script>``
    tags that nbconvert adds (require.js, MathJax from a CDN) are dropped, so the page renders
    offline; figures are embedded as data URIs.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    show_code : bool, optional
    title : str, optional
        Page title (escaped).
    provenance : mapping, optional
        Provenance record appended as a section at the end (see :mod:`.provenance`).
    back_link : str, optional
        Relative link to the network's index shown at the top (``None`` for none).

    Returns
    -------
    str

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("secret = 1")])
    >>> "secret" in notebook_to_html(nb)
    False
    >>> howto = nbformat.v4.new_markdown_cell("Change the parameters below.")
    >>> howto.metadata["tags"] = [NOTEBOOK_ONLY]
    >>> nb.cells.append(howto)
    >>> "parameters below" in notebook_to_html(nb), "parameters below" in notebook_to_html(nb, show_code=True)
    (False, True)
    """
    import copy

    from nbconvert import HTMLExporter

    if not show_code:  # readers get results, not the kernel's warnings (kept in the .ipynb)
        nb = copy.deepcopy(nb)
        # cells addressed to someone running the notebook ("change the parameters below")
        nb.cells = [c for c in nb.cells if NOTEBOOK_ONLY not in c.get("metadata", {}).get("tags", [])]
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = not show_code
    exporter.exclude_output_prompt = True
    resources = {"metadata": {"name": title or "report"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _REMOTE_SCRIPT.sub("", body)
    if title is not None:
        new_title = f"<title>{esc(title)}</title>"
        body = re.sub(r"<title>.*?</title>", lambda m: new_title, body, count=1, flags=re.S)
    if back_link:
        nav = (
            '<nav style="margin:0.5em 1em"><a href="' + esc(back_link) + '">'
            "&larr; Network index (reports and Action Playbook)</a></nav>"
        )
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    if provenance is not None:
        body = body.replace("</body>", provenance_html(provenance) + "\n</body>", 1)
    return body
