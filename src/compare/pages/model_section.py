"""Section 1 of a city report: the area-based model (header, claims with evidence, rubric scores, radar)."""

from __future__ import annotations

import html as _html

import pandas as pd

from compare.pages._common import Section, html_of
from compare.pages._display import _close
from compare.pages.city import CityData as CityAssessment
from compare.pages.city import load_city  # noqa: F401  (doctests)

__all__ = ["ModelSection", "header", "model_overview", "rubric_scores", "fig_rubric"]


def header(a: CityAssessment):
    """Title block: city, model, summary, periods and peers (all text escaped).

    Examples
    --------
    >>> header(a)  # doctest: +SKIP
    """
    from IPython.display import HTML

    esc = _html.escape
    p = a.profile
    model = (
        esc(p.name)
        if p
        else (
            "no governance profile exists for this city in the workbench (no <code>governance_profile:"
            "</code> in the network file): the sections on the model, the rubric, practices and local "
            "actions are empty; the data sections are complete"
        )
    )
    summary = esc(" ".join(p.summary.split())) if p and p.summary else ""
    peers = ", ".join(esc(a.network.cities[c].name) for c in a.peers) or "none (a network of one city)"
    return HTML(
        f"<h1>City assessment: {esc(a.name)}</h1>"
        f"<p><strong>Area-based model:</strong> {model}</p>"
        f"<p>{summary}</p>"
        f"<p><strong>Periods:</strong> {esc(a.periods[0])} – {esc(a.periods[-1])} · "
        f"<strong>Peers:</strong> {peers} · <strong>Network:</strong> "
        f"{esc(a.network.title)}</p>"
    )


def model_overview(a: CityAssessment) -> pd.DataFrame:
    """The city's model as a table: each recorded claim with its confidence and evidence.

    Examples
    --------
    >>> model_overview(a).columns.tolist()  # doctest: +SKIP
    ['aspect', 'value', 'confidence', 'evidence']
    """
    p = a.profile
    cols = ["aspect", "value", "confidence", "evidence"]
    if p is None:
        return pd.DataFrame(columns=cols)
    rows = [
        {"aspect": "model", "value": p.name, "confidence": "", "evidence": ""},
        {"aspect": "leadership group", "value": p.leadership_group, "confidence": "", "evidence": ""},
        {
            "aspect": "covered areas",
            "value": ", ".join(f"{c.area_id} {c.name}".strip() for c in p.covered_areas),
            "confidence": ", ".join(sorted({c.confidence for c in p.covered_areas})),
            "evidence": "",
        },
        {
            "aspect": "members",
            "value": "; ".join(f"{m.name} ({m.type})" for m in p.members),
            "confidence": "",
            "evidence": "",
        },
    ]
    for key, claim in p.claims.items():
        rows.append(
            {
                "aspect": key.replace("_", " "),
                "value": str(claim.value),
                "confidence": claim.confidence,
                "evidence": " | ".join(e.text() for e in claim.evidence),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def rubric_scores(a: CityAssessment) -> pd.DataFrame:
    """Rubric scores of the city with confidence, rationale and evidence quotes.

    Examples
    --------
    >>> rubric_scores(a)["score"].between(0, 4).all()  # doctest: +SKIP
    True
    """
    from compare.governance import score_table

    if a.profile is None:
        return pd.DataFrame()
    t = score_table({a.city: a.profile}, a.rubric)
    return t.drop(columns=["city"])


def fig_rubric(a: CityAssessment):
    """Radar of dimension scores: the city and its profiled peers.

    Examples
    --------
    >>> fig_rubric(a)  # doctest: +SKIP
    """
    from compare.governance import score_matrix
    from compare.plots.governance import plot_radar

    m = score_matrix(a.profiles, a.rubric, level="dimension") if a.profiles else pd.DataFrame()
    cities = [c for c in [a.city, *a.peers] if c in m.index]
    if not cities:
        from IPython.display import HTML

        return HTML(
            f"<p>No governance profile exists for {_html.escape(a.name)} or its peers in this network, "
            "so there is no rubric radar.</p>"
        )
    title = f"Governance maturity: {a.name} and peers"
    if a.city not in m.index:
        title = f"Governance maturity of the profiled peers ({a.name} has no profile)"
    return _close(plot_radar(m, a.rubric, cities=cities, title=title))


class ModelSection(Section):
    """The model as recorded in the city's governance profile, with its rubric scores and radar.

    Examples
    --------
    >>> s = ModelSection(load_city("helsinki-berlin", "vantaa"))
    >>> s.table().columns.tolist()
    ['aspect', 'value', 'confidence', 'evidence']
    """

    title = ""

    @property
    def empty(self) -> str:
        """The sentence shown instead of an empty table."""
        return (
            f"No governance profile exists for {self.a.name} in the workbench (no governance_profile: in "
            "the network file), so there is no model, evidence or rubric score to show."
        )

    def table(self) -> pd.DataFrame:
        """Claims of the profile with confidence and evidence (:func:`model_overview`)."""
        return model_overview(self.a)

    def scores(self) -> pd.DataFrame:
        """Rubric scores with rationale and evidence (:func:`rubric_scores`)."""
        return rubric_scores(self.a)

    def figure(self):
        """Radar of dimension scores, the city and its profiled peers (:func:`fig_rubric`)."""
        return fig_rubric(self.a)

    def overview(self):
        """The claims table, or the sentence that there is no profile (for a notebook cell)."""
        from IPython.display import HTML

        return HTML(html_of(self.table(), self.empty))

    def score_table(self):
        """The rubric scores, or the sentence that there is no profile (for a notebook cell)."""
        from IPython.display import HTML

        return HTML(html_of(self.scores(), self.empty))

    def parts(self) -> list:
        """Displayables of the section, in order."""
        return [self.table(), self.scores(), self.figure()]
