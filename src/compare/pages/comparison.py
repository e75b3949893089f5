"""The sections of the network comparison (used by ``notebooks/network_comparison.ipynb``).

:func:`load_comparison` gathers all cities of a network side by side; each other function
returns one table or one figure: the rubric heatmap, the index panel, the model clustering and
the practice-transfer network.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from compare.errors import DataError
from compare.pages._display import show
from compare.pages.assessment import (
    INDEX_LABELS,
    TREND_INDICES,
    _close,
    _finish_grid,
    _mark_breaks,
)
from compare.plots._style import LEGEND_ROW_IN, city_colours, city_legend, legend_rows, year_axis
from compare.plots.indicators import period_position, vintage_breaks

__all__ = [
    "NetworkComparison",
    "load_comparison",
    "network_governance",
    "header",
    "fig_rubric_heatmap",
    "index_panel_table",
    "fig_index_panel",
    "model_types",
    "fig_dendrogram",
    "fig_transfer_network",
    "transfers_table",
    "show_transfers",
    "data_sources",
    "network_data_sources",
    "key_results",
    "write_results",
    "qca_scores",
    "qca_outcome",
    "show_qca",
    "score_sources",
]


@dataclass
class NetworkComparison:
    """Everything the comparison notebook shows, loaded once."""

    network: Any
    cities: list[str]
    profiles: dict
    rubric: Any
    catalogue: Any
    panel: pd.DataFrame
    scores: pd.DataFrame
    similarity: Any
    qca: Any = None
    #: tidy scores used for the comparison: consensus of the local group where it exists, else desk
    #: review (compare.governance.assessment_scores); ``robustness``: how clustering and QCA fare
    #: when consensus scores move within their spread
    assessed: Any = None
    robustness: dict | None = None

    @property
    def source_line(self) -> str:
        """Attribution of every data set of the network (wrapped for figures)."""
        import textwrap

        return "\n".join(textwrap.wrap(" ".join(self.network.attribution()), 150))

    def name(self, city: str) -> str:
        """Display name of a city."""
        c = self.network.cities.get(city)
        return c.name if c is not None else city


def load_comparison(network: str, cities: list[str] | None = None, n_clusters: int = 2) -> NetworkComparison:
    """Load every city of a network, its profiles, scores, panel and model clustering.

    Parameters
    ----------
    network : str
        Network id.
    cities : list of str, optional
        Cities to compare (default: all).
    n_clusters : int
        Number of model types for the clustering of governance profiles.

    Returns
    -------
    NetworkComparison

    Examples
    --------
    >>> v = load_comparison("helsinki-berlin")  # doctest: +SKIP
    >>> sorted(v.similarity.clusters_.index)  # doctest: +SKIP
    ['berlin', 'espoo', 'helsinki', 'vantaa']
    """
    from compare.governance import load_practices, load_rubric
    from compare.pages.shared import network_panel
    from compare.sources import load_network, read_network_config

    net = load_network(network, cities=cities or None)
    order = list(read_network_config(network)[0]["cities"])
    chosen = [c for c in (cities or order) if c in net.cities]
    panel = network_panel(net, TREND_INDICES)  # shared with the city reports of the run
    rubric = load_rubric()
    profiles, assessed, scores, similarity = network_governance(net, chosen, rubric, n_clusters)
    v = NetworkComparison(
        network=net,
        cities=chosen,
        profiles=profiles,
        rubric=rubric,
        catalogue=load_practices(),
        panel=panel,
        scores=scores,
        similarity=similarity,
        assessed=assessed,
    )
    from compare.pages.qca_section import qca_section

    if not profiles:
        return v  # no rubric scores, no conditions: show_qca says so
    sc = qca_scores(v)
    conditions = [d for d in rubric.dimension_ids if d in set(sc["dimension"])] or None
    v.qca = qca_section(sc, qca_outcome(v), conditions, names={c: v.name(c) for c in chosen})
    v.robustness = _spread_robustness(v, n_clusters, conditions)
    return v


def network_governance(net, cities, rubric, n_clusters: int = 2, *, all_profiles: dict | None = None):
    """Profiles, assessed scores, score matrix and model clustering of a network's cities.

    One profile per city (a city with two data entries is counted once); scores are the local
    group's consensus of the latest round where it exists, else the desk review
    (:func:`compare.governance.assessment_scores`); the clustering (:class:`ModelSimilarity`)
    runs only with more profiles than clusters.

    ``all_profiles`` are the network's profiles when the caller has read them already
    (:func:`compare.pages.city.network_profiles`); they are read here otherwise.

    Returns
    -------
    tuple
        ``(profiles, assessed, scores, similarity)``; ``assessed`` and ``similarity`` may be ``None``.

    Examples
    --------
    >>> from compare.governance import load_rubric
    >>> from compare.sources import load_network
    >>> net = load_network("helsinki-berlin")
    >>> profiles, assessed, scores, sim = network_governance(net, list(net.cities), load_rubric())
    >>> sorted(sim.clusters_.index) == sorted(profiles)
    True
    """
    from compare.governance import ModelSimilarity, assessment_matrix, assessment_scores, load_responses
    from compare.pages.city import network_profiles

    profiles, seen = {}, set()
    if all_profiles is None:
        all_profiles = network_profiles(net, rubric)
    for k, v in all_profiles.items():
        if k in cities and v.path not in seen:  # one row per profile (a city may have two data entries)
            profiles[k] = v
            seen.add(v.path)
    responses = load_responses(cities=list(profiles), rubric=rubric)
    assessed = assessment_scores(profiles, responses, rubric) if profiles else None
    scores = assessment_matrix(assessed, rubric) if profiles else pd.DataFrame()
    similarity = None
    if len(profiles) > n_clusters:
        similarity = ModelSimilarity(n_clusters=n_clusters).fit(scores)
    return profiles, assessed, scores, similarity


def _spread_robustness(v: NetworkComparison, n_clusters: int, conditions) -> dict | None:
    """Clustering and QCA rerun with consensus scores moved within their spread (200 draws)."""
    from compare.governance import CONSENSUS, cluster_robustness, perturbed_scores
    from compare.qca import qca_robustness

    if v.assessed is None or not (v.assessed["source"] == CONSENSUS).any():
        return None
    out = {}
    if v.similarity is not None:
        out["clustering"] = cluster_robustness(
            v.assessed, v.rubric, n_clusters=n_clusters, n_draws=200, seed=0
        )
    cols = ["city", "dimension", "criterion", "score"]
    draws = (d[cols] for d in perturbed_scores(v.assessed, 200, seed=1))
    out["qca"] = qca_robustness(draws, qca_outcome(v), v.qca.result, conditions=conditions)
    return out


def score_sources(v: NetworkComparison) -> pd.DataFrame:
    """Per city: whether the comparison uses the local group's consensus or only a desk review.

    Examples
    --------
    >>> score_sources(v)["source"].tolist()  # doctest: +SKIP
    ['self-assessment consensus', 'self-assessment consensus', 'desk review only', 'desk review only']
    """
    from compare.governance import assessment_sources

    if v.assessed is None:
        return pd.DataFrame(columns=["city", "source", "round", "max_raters", "example"])
    t = assessment_sources(v.assessed)
    t["city"] = [v.name(c) for c in t["city"]]
    return t


def _sources_line(v: NetworkComparison) -> str:
    """One sentence for figures: which cities' scores are consensus, which desk review only."""
    t = score_sources(v)
    if t.empty:
        return ""
    cons = t[t["source"] != "desk review only"]
    desk = t[t["source"] == "desk review only"]
    parts = []
    if len(cons):
        parts.append(
            "Local group's self-assessment consensus (median of the latest round): "
            + ", ".join(f"{r.city} ({r.round}, up to {r.max_raters} raters)" for r in cons.itertuples())
        )
    if len(desk):
        parts.append("desk review only: " + ", ".join(desk["city"]))
    line = "; ".join(parts) + "."
    if t["example"].any():
        from compare.governance import EXAMPLE_NOTE

        line = EXAMPLE_NOTE + " " + line
    return line


def qca_scores(v: NetworkComparison) -> pd.DataFrame:
    """Tidy rubric scores ``city, dimension, criterion, score`` of the network's profiled cities.

    Examples
    --------
    >>> qca_scores(v)["score"].between(0, 4).all()  # doctest: +SKIP
    True
    """
    from compare.governance import score_table

    if not v.profiles:
        return pd.DataFrame(columns=["city", "dimension", "criterion", "score"])
    if v.assessed is not None:  # consensus where the local group assessed, else desk review
        return v.assessed[["city", "dimension", "criterion", "score"]].copy()
    t = score_table(v.profiles, v.rubric)
    return t[["city", "dimension", "criterion", "score"]]


def qca_outcome(v: NetworkComparison) -> pd.DataFrame:
    """Yearly change of D for each city's main (first) group definition (QCA outcome).

    See :func:`compare.pages.qca_section.dissimilarity_change`.

    Examples
    --------
    >>> qca_outcome(v)["city"].tolist()  # doctest: +SKIP
    ['vantaa', 'helsinki', 'espoo', 'berlin']
    """
    from compare.pages.qca_section import dissimilarity_change

    main = {}
    for c in v.cities:
        defs = v.network.definitions_for(c)
        if defs:
            main[c] = defs[0].name
    return dissimilarity_change(v.panel, main)


def show_qca(v: NetworkComparison) -> None:
    """Display the QCA section: inputs, then the analysis or why it was not run.

    Examples
    --------
    >>> show_qca(v)  # doctest: +SKIP
    """
    from IPython.display import HTML, display

    from compare.pages.qca_section import OUTCOME_DESCRIPTION

    esc = _html.escape
    s = v.qca
    if s is None:
        display(
            HTML(
                "<p><strong>QCA not run:</strong> no city of this network has a governance profile, and "
                "the QCA's conditions are the profiles' rubric scores.</p>"
            )
        )
        return None
    res = s.result
    if s.ran:
        head, rest = "QCA run", res.message
    else:
        head, _, rest = res.message.partition(":")
    display(
        HTML(
            f"<p><strong>{esc(head)}:</strong> {esc(rest.strip())}</p>"
            + (f"<p>{esc(s.needed())}</p>" if not s.ran else "")
            + f"<p>{esc(OUTCOME_DESCRIPTION)} Conditions: the rubric dimensions "
            f"({esc(', '.join(s.conditions))}), mean of each dimension's criterion scores on the "
            "0-4 maturity scale, calibrated with anchors 1 (out), 2.5 (crossover) and 3.5 (in).</p>"
        )
    )
    display(
        HTML(
            "<p><strong>Inputs per city</strong> (conditions: mean dimension scores 0-4; outcome: "
            "change of D per year, D on a 0-1 scale)</p>"
        )
    )
    display(show(s.inputs_table()))
    if len(res.excluded):
        display(HTML("<p>Cities left out:</p>"))
        display(show(res.excluded))
    rob = (v.robustness or {}).get("qca")
    if rob is not None:
        display(
            HTML(
                "<p><strong>Robustness to the raters' spread.</strong> Conditions use the local group's "
                f"consensus where it exists ({esc(_sources_line(v))}); {esc(rob['message'])}.</p>"
            )
        )
    if not s.ran:
        return None
    display(HTML("<p><strong>Truth table</strong> (observed configurations)</p>"))
    display(show(s.truth_table()))
    display(HTML("<p><strong>Solutions and parameters of fit</strong></p>"))
    display(show(s.solutions()))
    display(show(s.terms()))
    fig = s.fig_xy(v.source_line)
    if fig is not None:
        display(_close(fig))
    display(
        HTML(
            f"<p><strong>Caveats.</strong> {len(res.raw)} cases only: with few cases, random data "
            "easily produce consistent-looking solutions (Marx & Dusa 2011). The rubric scores are "
            "illustrative desk-review assessments, not official evaluations, and the outcome is "
            "one index change over a few years. Read configurations as hypotheses to examine in "
            "the cases, not as causes.</p>"
        )
    )
    return None


def header(v: NetworkComparison):
    """Title block of the comparison (escaped).

    Examples
    --------
    >>> header(v)  # doctest: +SKIP
    """
    from IPython.display import HTML

    esc = _html.escape
    names = ", ".join(esc(v.name(c)) for c in v.cities)
    return HTML(
        f"<h1>Network comparison: {esc(v.network.title)}</h1>"
        f"<p><strong>Cities:</strong> {names}.</p>"
        f"<p>{esc(' '.join(str(v.network.config.get('description', '')).split()))}</p>"
    )


def fig_rubric_heatmap(v: NetworkComparison):
    """Cities x rubric dimensions heatmap of governance maturity (0-4).

    Examples
    --------
    >>> fig_rubric_heatmap(v)  # doctest: +SKIP
    """
    import textwrap

    from compare.governance import assessment_matrix, score_matrix
    from compare.plots.governance import SCORE_SOURCE, plot_heatmap

    if not v.profiles:
        from IPython.display import HTML

        return HTML("<p>No city of this network has a governance profile yet: no rubric heatmap.</p>")
    if v.assessed is not None:
        m = assessment_matrix(v.assessed, v.rubric, level="dimension")
    else:
        m = score_matrix(v.profiles, v.rubric, level="dimension")
    src = {} if v.assessed is None else dict(score_sources(v)[["city", "source"]].to_numpy())
    m.index = [v.name(c) for c in m.index]
    if src:
        kind = {c: "desk review" if s == "desk review only" else "consensus" for c, s in src.items()}
        m.index = [f"{c} · {kind.get(c, 'desk review')}" for c in m.index]
    line = _sources_line(v)
    source = SCORE_SOURCE + ("\n" + "\n".join(textwrap.wrap(line, 150)) if line else "")
    fig = plot_heatmap(m, v.rubric, source=source)
    if line:
        fig.set_size_inches(fig.get_figwidth(), fig.get_figheight() + 0.15 * (source.count("\n")))
        fig.tight_layout(rect=(0, 0.05 + 0.025 * source.count("\n"), 1, 0.95))
    return _close(fig)


def index_panel_table(v: NetworkComparison, index: str = "dissimilarity") -> pd.DataFrame:
    """Latest value of an index per city (rows) and group definition (columns).

    Examples
    --------
    >>> index_panel_table(v).index.name  # doctest: +SKIP
    'city'
    """
    t = v.panel[(v.panel["index"] == index) & v.panel["value"].notna()]
    t = t.sort_values("period").groupby(["city", "group_definition"]).tail(1)
    wide = t.pivot(index="city", columns="group_definition", values="value").round(3)
    wide.columns.name = None
    periods = t.groupby("city")["period"].max()
    wide["latest period"] = periods
    wide.index = [v.name(c) for c in wide.index]
    wide.index.name = "city"
    return wide.reset_index()


def fig_index_panel(v: NetworkComparison, index: str = "dissimilarity"):
    """Index over time for every city, one panel per group definition.

    A dashed line in a city's colour marks where its areas change boundaries (values on the two
    sides are not comparable).

    Examples
    --------
    >>> fig_index_panel(v)  # doctest: +SKIP
    """
    from compare.plots import panel_grid

    t = v.panel[(v.panel["index"] == index) & v.panel["value"].notna()].copy()
    if t.empty:
        raise DataError(f"no {index} values in the panel", column="index")
    t["x"] = period_position(t["period"])
    defs = list(dict.fromkeys(t["group_definition"]))
    rows = legend_rows(len(v.cities))  # many cities: one legend under the panels
    fig, axes = panel_grid(len(defs), ncols=4, panel_size=(3.8, 3.2), extra_height=0.8 + rows * LEGEND_ROW_IN)
    colour = city_colours(v.cities)
    breaks: dict[str, list[float]] = {}
    for c, x in vintage_breaks(t):
        breaks.setdefault(c, []).append(x)
    for ax, d in zip(axes, defs, strict=True):
        for c, s in t[t["group_definition"] == d].groupby("city"):
            s = s.sort_values("x")
            ax.plot(s["x"], s["value"], marker=".", color=colour.get(c), label=v.name(c))
            _mark_breaks(ax, breaks.get(c, []), v.name(c), colour=colour.get(c))
        ax.set_title(d.replace("_", " "), fontsize=9)
        year_axis(ax)
        if t["x"].nunique() == 1:  # one period (e.g. the 2021 census grid): no empty decades around it
            x0 = float(t["x"].iloc[0])
            ax.set_xlim(x0 - 2, x0 + 2)
            ax.set_xticks([x0], [str(t["period"].iloc[0])])
        ax.set_ylabel(INDEX_LABELS.get(index, index))
        ax.grid(alpha=0.3)
        if not rows:
            ax.legend(fontsize=7)
    legend = (lambda y: city_legend(fig, axes, bottom=y)) if rows else None
    title = f"{INDEX_LABELS.get(index, index)} by city and group definition"
    return _finish_grid(fig, title, v.source_line, legend_rows=rows, legend=legend)


def model_types(v: NetworkComparison) -> pd.DataFrame:
    """Model type (cluster) of each city with its model name, stage and start year.

    Examples
    --------
    >>> model_types(v)["model type"].nunique()  # doctest: +SKIP
    2
    """
    rows = []
    for c, p in v.profiles.items():
        rows.append(
            {
                "city": v.name(c),
                "model type": None if v.similarity is None else int(v.similarity.clusters_[c]),
                "model": p.name,
                "stage": p.stage,
                "start year": p.start_year,
                "covered areas": len(p.covered_areas),
                **_robust_column(v, c),
            }
        )
    cols = ["city", "model type", "model", "stage", "start year", "covered areas"]
    if not rows:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(rows, columns=cols).sort_values(["model type", "city"]).reset_index(drop=True)


def _robust_column(v: NetworkComparison, city: str) -> dict:
    """``type stable within rater spread`` of a city (only when some scores are a consensus)."""
    rob = (v.robustness or {}).get("clustering")
    if rob is None:
        return {}
    key = "type stable within rater spread"
    return {key: "no (moves in >10% of draws)" if city in rob["unstable_cities"] else "yes"}


def fig_dendrogram(v: NetworkComparison):
    """Dendrogram of the model clustering.

    Examples
    --------
    >>> fig_dendrogram(v)  # doctest: +SKIP
    """
    from compare.plots.governance import plot_dendrogram

    if v.similarity is None:
        from IPython.display import HTML

        return HTML(
            f"<p>No model types: {len(v.profiles)} cit{'y has' if len(v.profiles) == 1 else 'ies have'} a "
            "governance profile, too few to cluster.</p>"
        )
    return _close(plot_dendrogram(v.similarity))


def fig_transfer_network(v: NetworkComparison):
    """Directed network of good-practice transfers between cities.

    Examples
    --------
    >>> fig_transfer_network(v)  # doctest: +SKIP
    """
    from compare.plots.governance import plot_transfer_network

    if transfers_table(v).empty:
        from IPython.display import HTML

        return HTML(
            "<p>No transfer in the practice catalogue has a city of this network as origin or adopter "
            "(<code>data/practices/transfers.yml</code>): no transfer network to draw.</p>"
        )
    return _close(plot_transfer_network(v.catalogue, cities=v.cities))


def transfers_table(v: NetworkComparison) -> pd.DataFrame:
    """Transfers that involve a city of the network (as origin or adopter).

    Examples
    --------
    >>> transfers_table(v)["practice"].tolist()  # doctest: +SKIP
    ['tempo-orchestra', ...]
    """
    t = v.catalogue.transfers_table()
    return t[t["origin"].isin(v.cities) | t["adopter"].isin(v.cities)].reset_index(drop=True)


def show_transfers(v: NetworkComparison):
    """The network's transfers as a table, or the sentence that there are none.

    Examples
    --------
    >>> show_transfers(v)  # doctest: +SKIP
    """
    from IPython.display import HTML

    t = transfers_table(v)
    if t.empty:
        return HTML("<p>No recorded transfer involves a city of this network.</p>")
    return show(t)


def network_data_sources(net) -> pd.DataFrame:
    """Open data sets a loaded network reads, with publisher, licence, its cities and the citation.

    Examples
    --------
    >>> from compare.sources import load_network
    >>> bool(network_data_sources(load_network("helsinki-berlin"))["licence"].str.startswith("CC BY").all())
    True
    """
    rows = []
    files = net.files
    for ds_id in dict.fromkeys(files["dataset"].dropna()):
        ds = net.catalog[ds_id]
        cities = sorted(set(files.loc[files["dataset"] == ds_id, "city"]))
        rows.append(
            {
                "data set": ds_id,
                "title": ds.title,
                "publisher": ds.publisher,
                "licence": ds.licence,
                "cities": ", ".join(net.cities[c].name for c in cities if c in net.cities),
                "citation": ds.citation,
            }
        )
    return pd.DataFrame(rows, columns=["data set", "title", "publisher", "licence", "cities", "citation"])


def data_sources(v: NetworkComparison) -> pd.DataFrame:
    """Open data sets of the network with publisher, licence and citation (:func:`network_data_sources`).

    Examples
    --------
    >>> data_sources(v)["licence"].str.startswith("CC BY").all()  # doctest: +SKIP
    True
    """
    return network_data_sources(v.network)


def key_results(v: NetworkComparison) -> dict:
    """Key figures of the comparison (for the index and the tests).

    Examples
    --------
    >>> key_results(v)["cities"]  # doctest: +SKIP
    ['vantaa', 'helsinki', 'espoo', 'berlin']
    """
    d = v.panel[(v.panel["index"] == "dissimilarity") & v.panel["value"].notna()]
    d = d.sort_values("period").groupby(["city", "group_definition"]).tail(1)
    latest = {c: {r.group_definition: float(r.value) for r in s.itertuples()} for c, s in d.groupby("city")}
    clusters = {} if v.similarity is None else {c: int(k) for c, k in v.similarity.clusters_.items()}
    means = v.scores.mean(axis=1).round(3).to_dict() if len(v.scores) else {}
    q = v.qca
    qca = (
        None
        if q is None
        else {
            "ran": q.ran,
            "message": q.result.message,
            "n_cases": int(len(q.result.raw)),
            "min_cases": int(q.result.min_cases),
            "conditions": q.conditions,
            "outcome": {r.city: float(r.value) for r in q.outcome.itertuples()},
            "solutions": {k: s.formula for k, s in q.result.solutions.items()},
        }
    )
    from compare.governance import assessment_sources

    src = assessment_sources(v.assessed) if v.assessed is not None else score_sources(v)
    rob = v.robustness or {}
    return {
        "cities": v.cities,
        "score_sources": {r.city: r.source for r in src.itertuples()},
        "example_raters": bool(src["example"].any()) if len(src) else False,
        "clustering_share_identical_within_spread": (
            rob["clustering"]["share_identical"] if "clustering" in rob else None
        ),
        "model_types": clusters,
        "criterion_scores": {
            c: {k: float(x) for k, x in row.items() if pd.notna(x)} for c, row in v.scores.iterrows()
        } if len(v.scores) else {},
        "mean_rubric_score": {c: float(x) for c, x in means.items()},
        "dissimilarity_latest": latest,
        "n_transfers": int(len(transfers_table(v))),
        "qca": qca,
        "key_figures": {
            "cities": len(v.cities),
            "profiled cities": len(v.profiles),
            "model types": len(set(clusters.values())),
            "practice transfers": int(len(transfers_table(v))),
            "QCA": "run" if q is not None and q.ran else "not run" if q is not None else "-",
        },
    }


def write_results(v: NetworkComparison, output_folder: str) -> None:
    """Write :func:`key_results` to ``<output_folder>/network-comparison.results.json``.

    Examples
    --------
    >>> write_results(v, "reports/helsinki-berlin")  # doctest: +SKIP
    key results written: network-comparison.results.json
    """
    from compare.pages.results import write_key_results

    if not output_folder:  # derived from the network, never another network's folder
        from compare.pages.results import default_output_folder

        output_folder = default_output_folder(v.network.name)
    path = write_key_results(output_folder, "network-comparison", key_results(v))
    print(f"key results written: {path.name}")
    return None
