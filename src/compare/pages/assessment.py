"""The sections of a city assessment, one call each (used by ``notebooks/city_assessment.ipynb``).

:func:`load_city` gathers everything once (network data of the city and its peers, governance
profiles, rubric, practice catalogue, indicator panel and neighbourhood indicators) into a
:class:`CityAssessment`; every other function takes it and returns one table or one figure.
No analysis happens here that the library does not already do: these are the joins and the
choices (which period to map, which peers share a group definition) of a report.
"""

from __future__ import annotations

import html as _html
import textwrap
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from compare.errors import DataError
from compare.pages._display import _close, show
from compare.plots._style import year_axis
from compare.plots.indicators import period_position, vintage_breaks

__all__ = [
    "TREND_INDICES",
    "FAVOURABLE_GROUPS",
    "CityAssessment",
    "load_city",
    "header",
    "model_overview",
    "rubric_scores",
    "fig_rubric",
    "index_table",
    "fig_index_trends",
    "fig_share_maps",
    "fig_lisa_map",
    "fig_disadvantage_map",
    "disadvantage_table",
    "outcomes_table",
    "fig_outcomes",
    "practices_table",
    "data_sources",
    "provenance",
    "key_results",
    "write_results",
    "show",
    "display_all",
    "import_notes",
    "action_effects_table",
    "fig_action_effects",
    "show_action_effects",
]

#: city-level indices followed over time (cheap, non-spatial; see compare.indicators).
TREND_INDICES = ("dissimilarity", "isolation", "theil_h")
#: group definitions whose higher share means *less* disadvantage (negative weight in the
#: composite status index).
FAVOURABLE_GROUPS = ("high_income",)
INDEX_LABELS = {
    "dissimilarity": "Dissimilarity index D (0-1)",
    "isolation": "Isolation index xPx (0-1)",
    "theil_h": "Theil's information index H (0-1)",
}


@dataclass
class CityAssessment:
    """Everything a city assessment shows, loaded once by :func:`load_city`."""

    network: Any
    city: str
    peers: list[str]
    periods: list[str]
    profiles: dict
    rubric: Any
    catalogue: Any
    panel: pd.DataFrame
    local: pd.DataFrame
    map_period: str | None
    local_map: pd.DataFrame
    disadvantage: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    effects: list = field(default_factory=list)
    id_matches_file: str | None = None
    covered_ids: list | None = None

    @property
    def name(self) -> str:
        """City name."""
        return self.network.cities[self.city].name

    @property
    def profile(self):
        """The city's governance profile (``None`` if it has none)."""
        return self.profiles.get(self.city)

    @property
    def covered(self) -> list[str]:
        """Area ids covered by the city's model (none where the city's areas use another scheme)."""
        if self.covered_ids is not None:
            return list(self.covered_ids)
        return list(self.profile.area_ids) if self.profile else []

    @property
    def source_line(self) -> str:
        """Attribution line of the city's data (for figures)."""
        files = self.network.files
        ids = list(dict.fromkeys(files.loc[files["city"] == self.city, "dataset"].dropna()))
        cites = [self.network.catalog[i].citation for i in ids if i in self.network.catalog.datasets]
        text = " ".join(cites) or "Source: see the data sources section."
        return "\n".join(textwrap.wrap(text, 150))


def _source_rect(fig, text: str, top: float = 0.95) -> tuple[float, float, float, float]:
    """Layout rectangle leaving room at the bottom for a source line of ``text``."""
    lines = text.count("\n") + 1
    bottom = min(0.35, (0.16 * lines + 0.1) / fig.get_figheight())
    return (0, bottom, 1, top)


def _finish_grid(fig, title: str, source: str):
    """Title a panel grid, leave room for its source line, write it and close the figure."""
    from compare.plots import add_source

    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=_source_rect(fig, source))
    add_source(fig, source)
    return _close(fig)


def _mark_breaks(ax, xs: list[float], name: str, colour="0.4") -> None:
    """Dashed line at each boundary break (see :func:`compare.plots.vintage_breaks`), labelled."""
    for x in xs:
        ax.axvline(x, color=colour, ls="--", lw=0.9)
        ax.annotate(
            f"{name}: new area\nboundaries",
            (x, 0.98),
            xycoords=("data", "axes fraction"),
            fontsize=6.5,
            ha="right",
            va="top",
            color="0.3",
        )


def network_profiles(net, rubric=None) -> dict:
    """Governance profiles of a network's cities, read from each city's ``governance_profile:`` key.

    A city without the key has no profile (its report says so). Keys are the network's city ids,
    so one profile can serve two entries of a city (e.g. ``vantaa`` on the grid and
    ``vantaa-paavo`` on postal areas).

    Examples
    --------
    >>> from compare.sources import load_network
    >>> sorted(network_profiles(load_network("helsinki-berlin")))  # doctest: +SKIP
    ['berlin', 'espoo', 'helsinki', 'vantaa']
    """
    from compare.governance import load_profile, validate_profile_areas

    out = {}
    for cid, c in net.cities.items():
        if c.governance_profile is not None:
            profile = load_profile(c.governance_profile, rubric=rubric)
            areas = net.areas[net.areas["city"] == cid]
            if len(areas) and not (areas["area_level"] == "grid_1km").all():
                # covered areas and action targets must exist in the data, exactly as the library checks
                validate_profile_areas(profile, set(areas["area_id"].astype(str)))
            out[cid] = profile
    return out


def _covered_ids(net, city: str, profile) -> tuple[list[str], str]:
    """Covered area ids that are areas of the city's data, and a note when the schemes differ."""
    if profile is None:
        return [], ""
    areas = net.areas[net.areas["city"] == city]
    ids = list(profile.area_ids)
    if (areas["area_level"] == "grid_1km").all() and ids:
        return [], (
            f"the governance profile's {len(ids)} covered areas use the scheme {profile.area_scheme!r}; "
            "this entry is on 1 km grid cells, so covered-vs-rest comparisons and local-action effects are "
            "shown only for the city's entry on its national areas"
        )
    return ids, ""


def _choose_map_period(local: pd.DataFrame, covered: list[str]) -> str | None:
    """Latest period with the covered areas (vintages differ) and the most group definitions."""
    if local.empty:
        return None
    ok = local[local["share"].notna()]
    ids = set(covered)
    best, best_key = None, None
    for p, sub in ok.groupby("period"):
        key = (
            bool(ids & set(sub["area_id"])) if ids else True,
            sub["group_definition"].nunique(),
            p,
        )
        if best_key is None or key > best_key:
            best, best_key = p, key
    return best if best is not None else sorted(local["period"].unique())[-1]


def load_city(
    network: str,
    city: str,
    *,
    peers: list[str] | None = None,
    periods: list[str] | None = None,
    permutations: int = 999,
    seed: int = 0,
) -> CityAssessment:
    """Load and compute everything a city assessment shows.

    Parameters
    ----------
    network : str
        Network id.
    city : str
        City id.
    peers : list of str, optional
        Peer cities (default: every other city of the network).
    periods : list of str, optional
        Periods of the city to show (default: all it has).
    permutations, seed : int
        LISA permutations and random seed (reproducible maps).

    Returns
    -------
    CityAssessment

    Examples
    --------
    >>> a = load_city("helsinki-berlin", "vantaa")  # doctest: +SKIP
    >>> a.map_period  # doctest: +SKIP
    '2017'
    """
    import warnings

    from compare.governance import load_practices, load_rubric
    from compare.indicators import compute_panel, disadvantage_index, local_indicators
    from compare.sources import load_network, read_network_config

    cfg, _ = read_network_config(network)
    if city not in cfg["cities"]:
        raise DataError(f"unknown city {city!r}; the network has {sorted(cfg['cities'])}", column="city")
    peers = [p for p in (peers or [c for c in cfg["cities"] if c != city]) if p != city]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = load_network(network, cities=[city, *peers])
    notes = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    pop = net.population
    city_periods = sorted(pop.loc[pop["city"] == city, "period"].unique())
    chosen = [p for p in city_periods if not periods or p in set(periods)]
    if not chosen:
        raise DataError(
            f"no data for periods {periods} in city {city!r}; available: {city_periods}",
            column="period",
        )
    years = {int(p[:4]) for p in chosen}
    in_range = pop["period"].str.slice(0, 4).astype(int).between(min(years), max(years))
    keep = in_range & ((pop["city"] != city) | pop["period"].isin(chosen))
    # only definitions with data in these years (a grid city of 2021 next to Paavo entries of 2012-2017)
    present = set(pop.loc[keep, "variable"].unique())
    defs_here = {k: g for k, g in net.group_definitions.items() if set(g.variables) & present}
    panel = compute_panel(pop[keep], defs_here, indices=list(TREND_INDICES))
    city_pop = pop[(pop["city"] == city) & pop["period"].isin(chosen)]
    areas = net.areas[net.areas["city"] == city]
    defs = net.definitions_for(city)
    local = local_indicators(
        city_pop, defs, areas, lisa_clusters=False, min_population=net.min_population or 0
    )
    rubric = load_rubric()
    profiles = network_profiles(net, rubric)
    covered, profile_note = _covered_ids(net, city, profiles.get(city))
    if profile_note:
        notes.append(profile_note)
    map_period = _choose_map_period(local, covered)
    local_map = local_indicators(
        city_pop[city_pop["period"] == map_period],
        defs,
        areas,
        permutations=permutations,
        seed=seed,
        min_population=net.min_population or 0,
    )
    present = list(dict.fromkeys(local_map["group_definition"]))
    disadvantage = disadvantage_index(
        local_map, {d: (-1.0 if d in FAVOURABLE_GROUPS else 1.0) for d in present}
    )
    effects, matches_file = [], None
    if city in profiles and profiles[city].actions and covered:
        from compare.pages.effects import evaluate_profile_actions

        matches, matches_file = _id_matches(net, city)
        effects = evaluate_profile_actions(
            pop[pop["city"] == city],
            profiles[city],
            defs,
            min_population=net.min_population or 0,
            id_matches=matches,
        )
    return CityAssessment(
        network=net,
        city=city,
        peers=peers,
        periods=chosen,
        profiles=profiles,
        rubric=rubric,
        catalogue=load_practices(),
        panel=panel,
        local=local,
        map_period=map_period,
        local_map=local_map,
        disadvantage=disadvantage,
        notes=notes + net.notes(),
        covered_ids=covered,
        effects=effects,
        id_matches_file=matches_file,
    )


def _id_matches(net, city: str) -> tuple[dict | None, str | None]:
    """Boundary correspondence table (``*-matches.json``) beside the city's data files, if any."""
    import json
    from pathlib import Path

    files = net.files
    dirs = {Path(p).parent for p in files.loc[files["city"] == city, "path"]}
    for d in sorted(dirs):
        for f in sorted(d.glob("*-matches.json")):
            with open(f, encoding="utf-8") as fh:
                raw = json.load(fh)
            if isinstance(raw, dict):
                return {str(k): [str(x) for x in v] for k, v in raw.items()}, str(f)
    return None, None


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
    peers = ", ".join(esc(a.network.cities[c].name) for c in a.peers)
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


def index_table(a: CityAssessment, index: str = "dissimilarity") -> pd.DataFrame:
    """Latest value of a segregation index per group definition: the city against its peers.

    Returns one row per group definition of the city with a column per city (value in the city's latest
    period within the assessment's years) and the period used.

    Examples
    --------
    >>> index_table(a).columns[0]  # doctest: +SKIP
    'group_definition'
    """
    own = {d.name for d in a.network.definitions_for(a.city)}
    t = a.panel[
        (a.panel["index"] == index) & a.panel["value"].notna() & a.panel["group_definition"].isin(own)
    ]
    if t.empty:
        return pd.DataFrame(columns=["group_definition"])
    t = t.sort_values("period").groupby(["group_definition", "city"]).tail(1)
    wide = t.pivot(index="group_definition", columns="city", values="value")
    order = [c for c in [a.city, *a.peers] if c in wide.columns]
    wide = wide[order].round(3)
    wide.columns = [a.network.cities[c].name for c in order]
    latest = t[t["city"] == a.city].set_index("group_definition")["period"]
    wide[f"period ({a.name})"] = latest
    return wide.reset_index()


def fig_index_trends(a: CityAssessment, index: str = "dissimilarity"):
    """Index over time, one panel per group definition of the city; peers in thin lines.

    Examples
    --------
    >>> fig_index_trends(a)  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from compare.plots import panel_grid

    t = a.panel[(a.panel["index"] == index) & a.panel["value"].notna()].copy()
    defs = [d.name for d in a.network.definitions_for(a.city)]
    defs = [d for d in defs if d in set(t["group_definition"])]
    if not defs:
        raise DataError(f"no {index} values for the city's group definitions", column="index")
    t["x"] = period_position(t["period"])
    fig, axes = panel_grid(len(defs), ncols=3, panel_size=(4.2, 3.3))
    palette = plt.get_cmap("tab10")
    cities = [a.city, *a.peers]
    breaks = [x for c, x in vintage_breaks(t) if c == a.city]
    for ax, d in zip(axes, defs, strict=True):
        sub = t[t["group_definition"] == d]
        for i, c in enumerate(cities):
            s = sub[sub["city"] == c].sort_values("x")
            if s.empty:
                continue
            main = c == a.city
            ax.plot(
                s["x"],
                s["value"],
                marker="o" if main else ".",
                lw=2.4 if main else 1.0,
                color=palette(i),
                label=a.network.cities[c].name,
                zorder=3 if main else 2,
            )
        _mark_breaks(ax, breaks, a.name)
        gd = a.network.group_definitions[d]
        title = f"{d.replace('_', ' ')} ({gd.group} / {gd.total})"
        ax.set_title(textwrap.fill(title, 50), fontsize=9)  # long variable names stay inside the figure
        year_axis(ax)
        if t["x"].nunique() == 1:  # one period (e.g. the 2021 census grid): no empty decades around it
            x0 = float(t["x"].iloc[0])
            ax.set_xlim(x0 - 2, x0 + 2)
            ax.set_xticks([x0], [str(t["period"].iloc[0])])
        ax.set_ylabel(INDEX_LABELS.get(index, index))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    return _finish_grid(fig, f"{INDEX_LABELS.get(index, index)}: {a.name} against its peers", a.source_line)


def _map_areas(a: CityAssessment):
    ids = set(a.local_map["area_id"])
    areas = a.network.areas
    return areas[(areas["city"] == a.city) & areas["area_id"].isin(ids)]


def fig_share_maps(a: CityAssessment) -> list:
    """One choropleth per group definition: the group's share by area in the map period.

    Examples
    --------
    >>> len(fig_share_maps(a))  # doctest: +SKIP
    5
    """
    from compare.plots.maps import plot_choropleth

    areas = _map_areas(a)
    figs = []
    for d, sub in a.local_map.groupby("group_definition", sort=False):
        gd = a.network.group_definitions[d]
        vals = sub.assign(share=sub["share"].where(~sub["small_area"].astype(bool)))
        if not vals["share"].astype(float).notna().any():
            from IPython.display import HTML

            figs.append(
                HTML(
                    f"<p>No map of {_html.escape(gd.label or d)}: no area of {_html.escape(a.name)} has a "
                    f"published value in {_html.escape(str(a.map_period))} (see the import notes).</p>"
                )
            )
            continue
        figs.append(
            _close(
                plot_choropleth(
                    areas,
                    vals[["area_id", "share"]],
                    "share",
                    covered=a.covered,
                    title=f"{a.name}, {a.map_period}: {gd.label or d}",
                    legend_title=f"{gd.group} / {gd.total} (%)",
                    source=a.source_line,
                )
            )
        )
    return figs


def fig_lisa_map(a: CityAssessment, definition: str | None = None):
    """LISA clusters of a group's share (default: the city's first group definition).

    Examples
    --------
    >>> fig_lisa_map(a)  # doctest: +SKIP
    """
    from compare.plots.maps import LISA_COLOURS, plot_categories

    definition = definition or a.network.definitions_for(a.city)[0].name
    sub = a.local_map[a.local_map["group_definition"] == definition]
    col = "lisa_cluster" if "lisa_cluster" in sub.columns else "cluster"
    vals = sub[["area_id", col]].copy()
    vals[col] = vals[col].fillna("not significant")
    return _close(
        plot_categories(
            _map_areas(a),
            vals,
            col,
            colours=LISA_COLOURS,
            covered=a.covered,
            title=f"{a.name}, {a.map_period}: local Moran clusters of the {definition} share (p ≤ 0.05)",
            legend_title="LISA cluster (areas)",
            source=a.source_line,
        )
    )


def disadvantage_table(a: CityAssessment) -> pd.DataFrame:
    """Areas by disadvantage class, covered areas flagged (map period).

    Examples
    --------
    >>> disadvantage_table(a)["status_class"].iloc[0]  # doctest: +SKIP
    'very low'
    """
    d = a.disadvantage.copy()
    d["covered"] = d["area_id"].isin(set(a.covered))
    cols = [c for c in ["area_id", "index", "status_class", "covered", "note"] if c in d.columns]
    return d.sort_values("index", ascending=False)[cols].reset_index(drop=True)


def fig_disadvantage_map(a: CityAssessment):
    """Disadvantage (social status) classes of areas, covered areas outlined.

    Examples
    --------
    >>> fig_disadvantage_map(a)  # doctest: +SKIP
    """
    from compare.plots.maps import DISADVANTAGE_COLOURS, plot_categories

    defs = ", ".join(sorted(a.local_map["group_definition"].unique()))
    return _close(
        plot_categories(
            _map_areas(a),
            a.disadvantage[["area_id", "status_class"]],
            "status_class",
            colours=DISADVANTAGE_COLOURS,
            covered=a.covered,
            title=f"{a.name}, {a.map_period}: social status classes (composite of {defs})",
            legend_title="Status class (areas)",
            source=a.source_line,
        )
    )


def outcomes_table(a: CityAssessment) -> pd.DataFrame:
    """Group shares in the model's covered areas against the rest of the city, per period.

    Shares are population-weighted (sum of group / sum of total); columns of
    :func:`compare.governance.covered_vs_rest`.

    Examples
    --------
    >>> outcomes_table(a)["indicator"].nunique()  # doctest: +SKIP
    5
    """
    from compare.governance import covered_vs_rest

    if a.profile is None or not a.covered:  # no profile, or its covered areas use another area scheme
        return pd.DataFrame()
    loc = a.local[~a.local["small_area"].astype(bool)]
    loc = loc.assign(indicator=loc["group_definition"], value=loc["share"])
    wide = loc.pivot_table(
        index=["city", "area_id", "period"], columns="indicator", values="value"
    ).reset_index()
    wide.columns.name = None
    weights = loc.pivot_table(index=["city", "area_id", "period"], values="total", aggfunc="max")
    wide = wide.merge(weights.reset_index(), on=["city", "area_id", "period"], how="left")
    return covered_vs_rest(wide, {a.city: a.profile}, weight="total")


def fig_outcomes(a: CityAssessment):
    """Covered vs other areas over time, one panel per group definition.

    Examples
    --------
    >>> fig_outcomes(a)  # doctest: +SKIP
    """
    from compare.plots import panel_grid

    t = outcomes_table(a)
    if t.empty:
        from IPython.display import HTML

        why = (
            "it has no governance profile"
            if a.profile is None
            else "the profile's covered areas are not areas of this data entry"
            if not a.covered
            else "no covered area has data"
        )
        return HTML(f"<p>No covered-vs-rest comparison for {_html.escape(a.name)}: {why}.</p>")
    inds = list(dict.fromkeys(t["indicator"]))
    fig, axes = panel_grid(len(inds), ncols=3, panel_size=(4.2, 3.2))
    for ax, ind in zip(axes, inds, strict=True):
        s = t[t["indicator"] == ind].copy()
        s["x"] = period_position(s["period"])
        s = s.sort_values("x")
        ax.plot(s["x"], 100 * s["covered_mean"], marker="o", lw=2, label="covered by the model")
        ax.plot(s["x"], 100 * s["rest_mean"], marker=".", lw=1.2, label="rest of the city")
        ax.set_title(ind.replace("_", " "), fontsize=9)
        year_axis(ax)
        ax.set_ylabel("Share of the reference population (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    return _finish_grid(fig, f"{a.name}: covered areas against the rest of the city", a.source_line)


def practices_table(a: CityAssessment, role: str = "given") -> pd.DataFrame:
    """Practices the city gave to other cities (``role="given"``) or adopted (``"adopted"``).

    Examples
    --------
    >>> practices_table(a, "adopted")["practice"].tolist()  # doctest: +SKIP
    ['tempo-orchestra']
    """
    tr = a.catalogue.transfers_table()
    names = a.catalogue.table().set_index("id")["name"] if a.catalogue.practices else pd.Series()
    if role == "given":
        own = a.catalogue.table()
        own = own[own["origin_city"] == a.city]
        return own[["id", "name", "themes", "start_year", "adopted_by", "confidence", "sources"]]
    if role != "adopted":
        raise DataError(f"role {role!r}; expected 'given' or 'adopted'", column="role")
    t = tr[tr["adopter"] == a.city].copy()
    t.insert(1, "name", t["practice"].map(names))
    return t.reset_index(drop=True)


def data_sources(a: CityAssessment) -> pd.DataFrame:
    """Open data sets (with licence and citation) and the profile's documentary sources.

    Examples
    --------
    >>> data_sources(a)["kind"].unique().tolist()  # doctest: +SKIP
    ['open data', 'governance source']
    """
    rows = []
    files = a.network.files
    for ds_id in dict.fromkeys(files.loc[files["city"] == a.city, "dataset"].dropna()):
        ds = a.network.catalog[ds_id]
        rows.append(
            {
                "kind": "open data",
                "id": ds_id,
                "title": ds.title,
                "publisher": ds.publisher,
                "licence": ds.licence,
                "citation / address": ds.citation,
            }
        )
    if a.profile is not None:
        for sid, s in a.profile.sources.items():
            rows.append(
                {
                    "kind": "governance source",
                    "id": sid,
                    "title": s.title,
                    "publisher": s.publisher,
                    "licence": "",
                    "citation / address": s.url or (str(s.year) if s.year else ""),
                }
            )
    return pd.DataFrame(rows)


def provenance(a: CityAssessment, parameters: dict | None = None) -> pd.DataFrame:
    """Provenance of this execution: data checksums, parameters, package versions, time.

    Data rows give one digest per data set (over the sorted ``path=sha256`` lines of its files);
    the runner writes every file's checksum to ``<city>.provenance.json``.

    Examples
    --------
    >>> provenance(a)["section"].unique().tolist()  # doctest: +SKIP
    ['parameters', 'data', 'packages', 'run']
    """
    from compare.provenance import collect_provenance, provenance_table

    files = a.network.files
    data = {f"{r.dataset}:{r.path}": r.path for r in files[files["city"] == a.city].itertuples()}
    if a.profile is not None and a.profile.path is not None:
        data["governance_profile"] = a.profile.path
    if a.id_matches_file:
        data["boundary_matches"] = a.id_matches_file
    from compare.pages.self_assessment import response_files

    data.update(response_files(a.city))
    nb = a.profile.path if a.profile is not None and a.profile.path else __file__
    rec = collect_provenance(notebook=nb, parameters=parameters or {}, data_files=data)
    rec.pop("notebook", None)
    rec.pop("notebook_sha256", None)
    return provenance_table(rec, per_file=False)


def key_results(a: CityAssessment) -> dict:
    """The figures the network index shows and tests check.

    Examples
    --------
    >>> key_results(a)["city"]  # doctest: +SKIP
    'vantaa'
    """
    p = a.profile
    d = a.panel[(a.panel["city"] == a.city) & (a.panel["index"] == "dissimilarity")]
    d = d[d["value"].notna()].sort_values("period")
    latest = d.groupby("group_definition").tail(1).set_index("group_definition")
    pop_total = a.network.population
    pop_total = pop_total[
        (pop_total["city"] == a.city)
        & (pop_total["variable"] == "population")
        & (pop_total["period"] == a.periods[-1])
    ]["count"].sum()
    scores = rubric_scores(a)
    mean_score = float(scores["score"].mean()) if len(scores) else None
    disadv = a.disadvantage
    very_low = disadv[disadv["status_class"] == "very low"]["area_id"]
    covered = set(a.covered)
    figures = {
        "areas": int(a.local_map["area_id"].nunique()),
        "covered areas": len(covered),
        f"population {a.periods[-1]}": float(pop_total) if pop_total else None,
        "mean rubric score (0-4)": None if mean_score is None else round(mean_score, 2),
    }
    for gd, row in latest.iterrows():
        figures[f"D {gd} ({row['period']})"] = round(float(row["value"]), 3)
    from compare.pages.effects import _pp

    for e in a.effects:
        if e.evaluated:
            lo, hi = e.conf_int
            figures[f"effect of {e.action_id} on {e.outcome} (pp)"] = (
                f"{e.estimate:+.2f} [{_pp(lo)}, {_pp(hi)}]"
            )
    return {
        "city": a.city,
        "name": a.name,
        "model_type": (f"{p.name} [{p.stage}]" if p and p.stage else (p.name if p else None)),
        "stage": p.stage if p else None,
        "start_year": p.start_year if p else None,
        "periods": a.periods,
        "peers": a.peers,
        "map_period": a.map_period,
        "dissimilarity_latest": {gd: float(r["value"]) for gd, r in latest.iterrows()},
        "n_areas_map": int(a.local_map["area_id"].nunique()),
        "n_covered": len(covered),
        "covered_in_very_low_status": int(len(set(very_low) & covered)),
        "n_very_low_status": int(len(very_low)),
        "mean_rubric_score": mean_score,
        "practices_given": practices_table(a, "given")["id"].tolist(),
        "practices_adopted": practices_table(a, "adopted")["practice"].tolist(),
        "action_effects": [e.to_dict() for e in a.effects],
        "key_figures": figures,
    }


def write_results(a: CityAssessment, output_folder: str) -> None:
    """Write :func:`key_results` to ``<output_folder>/<city>.results.json`` (prints its name).

    Examples
    --------
    >>> write_results(a, "reports/helsinki-berlin")  # doctest: +SKIP
    key results written: vantaa.results.json
    """
    from compare.pages.results import write_key_results

    if not output_folder:  # derived from the network, never another network's folder
        from compare.pages.results import default_output_folder

        output_folder = default_output_folder(a.network.name)
    path = write_key_results(output_folder, a.city, key_results(a))
    print(f"key results written: {path.name}")
    return None


def display_all(figures) -> None:
    """Display several figures in order (e.g. the share maps).

    Examples
    --------
    >>> display_all([])
    """
    from IPython.display import display

    for f in figures:
        display(f)


def import_notes(a: CityAssessment) -> pd.DataFrame:
    """What the data import noticed (suppressed cells, ids without geometry, boundary changes).

    Examples
    --------
    >>> import_notes(a).columns.tolist()  # doctest: +SKIP
    ['note']
    """
    notes = list(dict.fromkeys(a.notes))
    from compare.pages.europe import confidential_table

    for r in confidential_table(a.network, a.city).itertuples():
        if r.confidential_cells:
            notes.append(
                f"{r.group_definition}: {r.confidential_cells} of {r.cells} grid cells ({r.share:.0%}, "
                f"{r.population_in_confidential_cells:,.0f} residents) have a confidential count this "
                "definition needs and are left out of its indices"
            )
    return pd.DataFrame({"note": notes})


def action_effects_table(a: CityAssessment) -> pd.DataFrame:
    """One row per local action of the profile: estimate and interval, or why not evaluated.

    See :mod:`compare.pages.effects` for the choices (outcome, boundaries, comparison group).

    Examples
    --------
    >>> action_effects_table(a)["status"].iloc[0]  # doctest: +SKIP
    'evaluated'
    """
    from compare.pages.effects import effects_table

    return effects_table(a.effects)


def fig_action_effects(a: CityAssessment) -> list:
    """Event-study figures of the evaluated actions (one per action that has one).

    Examples
    --------
    >>> len(fig_action_effects(a))  # doctest: +SKIP
    1
    """
    from compare.pages.effects import plot_action_effect

    figs = []
    for e in a.effects:
        fig = plot_action_effect(e, city_name=a.name, source=a.source_line)
        if fig is not None:
            figs.append(_close(fig))
    return figs


def _effect_html(a: CityAssessment, e) -> str:
    from compare.pages.effects import _pp

    esc = _html.escape
    head = f"<h3>{esc(e.name)}</h3>"
    start = esc(str(e.start_period or "no start given"))
    gd = a.network.group_definitions.get(e.outcome)
    label = f" ({esc(gd.label)})" if gd is not None and gd.label else ""
    meta = (
        f"<p><strong>Start:</strong> {start} · <strong>Record confidence:</strong> "
        f"{esc(str(e.confidence))} · <strong>Outcome:</strong> share of {esc(e.outcome)}{label} "
        "in percent of the reference population per area and period, "
        f"chosen as {esc(e.outcome_choice)}.</p>"
    )
    if not e.evaluated:
        return head + meta + f"<p><strong>Not evaluated.</strong> {esc(e.reason)}</p>"
    ev = e.evaluation
    lo, hi = e.conf_int
    level = round(100 * (1 - ev.alpha))
    pre = ev.info.get("n_pre_periods")
    pt = ev.info.get("pretrend_p")
    body = (
        f"<p><strong>Estimate:</strong> {e.estimate:+.2f} percentage points "
        f"({level}% confidence interval {_pp(lo)} to {_pp(hi)}; method: {esc(e.method)}, "
        "unit-clustered standard errors). "
        f"<strong>Treated:</strong> {len(e.target_areas)} target area(s) ({esc(', '.join(e.target_areas))}); "
        f"<strong>comparison:</strong> {len(e.comparison)} other areas of the city; "
        f"<strong>periods:</strong> {esc(e.periods[0])}-{esc(e.periods[-1])} on the {esc(e.vintage)} "
        f"boundaries"
        + (f", {pre} before the start" if pre is not None else "")
        + "."
        + (
            ""
            if pt is None
            else " Pre-trend test p < 0.001."
            if pt < 0.001
            else f" Pre-trend test p = {pt:.3f}."
        )
        + "</p>"
    )
    cav = "".join(f"<li>{esc(c)}</li>" for c in e.caveats)
    return head + meta + body + f"<p><strong>Caveats</strong></p><ul>{cav}</ul>"


def show_action_effects(a: CityAssessment) -> None:
    """Display the effects section: summary table, then per action its text, caveats and figure.

    A city whose profile declares no local action gets one sentence saying so.

    Examples
    --------
    >>> show_action_effects(a)  # doctest: +SKIP
    """
    from IPython.display import HTML, display

    from compare.pages.effects import plot_action_effect

    if a.profile is None or not a.profile.actions:
        display(
            HTML(
                f"<p>The governance profile of {_html.escape(a.name)} declares no local action with "
                "target areas and dates, so no effect is estimated.</p>"
            )
        )
        return None
    display(show(action_effects_table(a)))
    for e in a.effects:
        display(HTML(_effect_html(a, e)))
        fig = plot_action_effect(e, city_name=a.name, source=a.source_line)
        if fig is not None:
            display(_close(fig))
    return None
