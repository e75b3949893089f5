"""Report section "Why did segregation change, and how does it depend on scale".

The city report's section, and the multiscalar profile figure of the network comparison.

:func:`load_change` computes, once per city report (from a loaded
:class:`~compare.pages.assessment.CityAssessment`): the decomposition of the change in M
between the first and the last period of each boundary vintage
(:func:`compare.indicators.decompose_change_network`; never across a boundary change), the
index next to its random-allocation baseline and bias correction (latest period), local
segregation scores for the map period, the multiscalar profile of the city and its peers, and
the transitions of its areas between social status classes. The other functions return one
table, text or figure each; no analysis happens here beyond choosing periods and definitions.
"""

from __future__ import annotations

import html as _html
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "ChangeAndScale",
    "load_change",
    "change_table",
    "change_sentences",
    "show_change",
    "fig_change",
    "baseline_table",
    "fig_local_scores",
    "fig_profile",
    "transitions_summary",
    "fig_transitions",
    "spatial_markov_table",
    "fig_network_profiles",
    "latest_profiles",
    "network_multiscalar_profiles",
    "types_table",
    "fig_type_transitions",
]

#: bandwidths (m) of the report profiles
PROFILE_DISTANCES = (0.0, 500.0, 1000.0, 2000.0, 4000.0)
#: component -> words for a network expert
WORDS = {
    "structural": "sorting (who lives next to whom, with city-wide shares and area sizes held fixed)",
    "unit_marginal": "changed area sizes (people moving between areas of different composition)",
    "group_marginal": "changed city-wide group shares",
    "additions": "areas or groups present only in the later period",
    "removals": "areas or groups present only in the earlier period",
}


@dataclass
class ChangeAndScale:
    """Everything the section shows, computed once by :func:`load_change`."""

    assessment: Any
    decomposition: pd.DataFrame
    baseline: pd.DataFrame
    local_scores: pd.DataFrame
    local_definition: str | None
    profiles: pd.DataFrame
    classes: pd.DataFrame
    transitions: pd.DataFrame
    spatial_test: pd.DataFrame
    summary: pd.DataFrame
    types: pd.DataFrame = field(default_factory=pd.DataFrame)
    type_profiles: pd.DataFrame = field(default_factory=pd.DataFrame)
    type_transitions: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """City name."""
        return self.assessment.name


def _partitions(a) -> list:
    seen, out = set(), []
    for gd in a.network.definitions_for(a.city):
        if gd.groups and tuple(gd.groups) not in seen:
            seen.add(tuple(gd.groups))
            out.append(gd)
    return out


def load_change(a, *, n_sim: int = 29, n_boot: int = 49, n_types: int = 4, seed: int = 0) -> ChangeAndScale:
    """Compute the section's results for a city assessment.

    Parameters
    ----------
    a : CityAssessment
        From :func:`compare.pages.assessment.load_city`.
    n_sim, n_boot, seed :
        Random allocations and bootstrap replicates of the baseline table (latest period).
    n_types : int
        Number of neighbourhood types.

    Returns
    -------
    ChangeAndScale

    Examples
    --------
    >>> w = load_change(a)  # doctest: +SKIP
    """
    from compare.indicators import (
        bias_corrected_panel,
        decompose_change_network,
        disadvantage_index,
        local_segregation_network,
        neighbourhood_types,
        random_allocation_panel,
        spatial_markov,
        status_change_summary,
        transition_matrices,
        type_profiles,
    )
    from compare.indicators.local import STATUS_CLASSES
    from compare.pages.assessment import FAVOURABLE_GROUPS

    notes: list[str] = []
    net = a.network
    pop = net.population
    city_pop = pop[(pop["city"] == a.city) & pop["period"].isin(a.periods)]
    parts = _partitions(a)
    dec = decompose_change_network(city_pop, parts) if parts else pd.DataFrame()
    if dec.empty:
        notes.append("No partition of groups has two periods on the same area boundaries: no decomposition.")
    rnd_parts, bc_parts = [], []
    for gd in net.definitions_for(a.city):
        # the latest period that reports every variable of the definition
        have = city_pop[city_pop["variable"].isin(gd.variables)].groupby("period")["variable"].nunique()
        full = sorted(have[have == len(set(gd.variables))].index)
        if not full:
            continue
        last_pop = city_pop[city_pop["period"] == full[-1]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            rnd_parts.append(
                random_allocation_panel(
                    last_pop, [gd], indices=["dissimilarity", "mutual_information"], n_sim=n_sim, seed=seed
                )
            )
            bc_parts.append(
                bias_corrected_panel(
                    last_pop, [gd], indices=["dissimilarity", "mutual_information"], n_boot=n_boot, seed=seed
                )
            )
    rnd = pd.concat(rnd_parts, ignore_index=True)
    bc = pd.concat(bc_parts, ignore_index=True)
    keys = ["city", "period", "group_definition", "index"]
    baseline = rnd[[*keys, "value", "expected", "expected_high", "p_random", "n_areas"]].merge(
        bc[[*keys, "bias", "value_corrected"]], on=keys, how="left"
    )
    local_def = None
    local = pd.DataFrame()
    if parts and a.map_period is not None:
        first = a.network.definitions_for(a.city)[0]
        gd = next((g for g in parts if g.name == first.name), parts[0])
        local_def = gd.name
        local = local_segregation_network(
            pop[(pop["city"] == a.city) & (pop["period"] == a.map_period)], [gd], n_boot=n_boot, seed=seed
        )
    # profiles of the city and its peers, each in its latest period reporting the definition
    profiles = _profiles_of(net, [a.city, *a.peers], net.definitions_for(a.city))
    # status classes of every period (the report's local indicators, all periods)
    present = list(dict.fromkeys(a.local["group_definition"]))
    weights = {d: (-1.0 if d in FAVOURABLE_GROUPS else 1.0) for d in present}
    classes = disadvantage_index(a.local, weights) if present else pd.DataFrame()
    if not classes.empty:
        vint = city_pop.drop_duplicates(["area_id", "period"])[["area_id", "period", "vintage"]]
        classes = classes.merge(vint, on=["area_id", "period"], how="left")
        trans = transition_matrices(classes, states=STATUS_CLASSES)
        mats, test = spatial_markov(classes, net.areas[net.areas["city"] == a.city], states=STATUS_CLASSES)
        summary = status_change_summary(classes)
    else:
        trans = test = summary = pd.DataFrame()
    types = profs = ttrans = pd.DataFrame()
    if present:
        # neighbourhood types from the same indicators, scaling pooled over all periods
        types = neighbourhood_types(a.local, weights, n_types=n_types, seed=seed)
        vint = city_pop.drop_duplicates(["area_id", "period"])[["area_id", "period", "vintage"]]
        types = types.drop(columns="vintage", errors="ignore").merge(
            vint, on=["area_id", "period"], how="left"
        )
        profs = type_profiles(types, a.local)
        ttrans = transition_matrices(types, column="type", states=list(range(1, n_types + 1)))
    return ChangeAndScale(
        assessment=a,
        decomposition=dec,
        baseline=baseline,
        local_scores=local,
        local_definition=local_def,
        profiles=profiles,
        classes=classes,
        transitions=trans,
        spatial_test=test,
        summary=summary,
        types=types,
        type_profiles=profs,
        type_transitions=ttrans,
        notes=notes,
    )


def latest_profiles(
    population: pd.DataFrame, definitions, areas, *, distances=PROFILE_DISTANCES
) -> pd.DataFrame:
    """Multiscalar profile of D per definition, every city in its latest period reporting it.

    Examples
    --------
    >>> latest_profiles(net.population, net.group_definitions, net.areas)  # doctest: +SKIP
    """
    from compare.indicators import multiscalar_profile_network
    from compare.indicators.panel import definitions_from

    frames = []
    for gd in definitions_from(definitions):
        sub = population[population["variable"].isin(gd.variables)]
        n = sub.groupby(["city", "period"])["variable"].nunique()
        full = n[n == len(set(gd.variables))].reset_index()
        if full.empty:
            continue
        last = full.groupby("city")["period"].max()
        sub = sub[sub["period"] == sub["city"].map(last)]
        frames.append(
            multiscalar_profile_network(sub, [gd], areas, indices=["dissimilarity"], distances=distances)
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def network_multiscalar_profiles(net, distances=PROFILE_DISTANCES) -> pd.DataFrame:
    """:func:`latest_profiles` of every city of a network, for all its definitions, shared by its reports.

    Computed once per run (:func:`compare.pages.shared.shared_table`); a city's report selects its
    own and its peers' rows for its definitions (:func:`_profiles_of`). A city's profile depends on
    its own areas and counts only, so the rows are those a report computing them alone gets (tested).

    Parameters
    ----------
    net : Network
    distances : sequence of float
        Radii of the local environments in metres.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> p = network_multiscalar_profiles(a.network, [0.0, 1000.0])  # doctest: +SKIP
    >>> sorted(p["city"].unique())  # doctest: +SKIP
    ['berlin', 'espoo', 'helsinki', 'vantaa']
    """
    from compare.pages.shared import _code_digest, shared_table, table_key

    pop, defs, areas = net.population, net.group_definitions, net.areas
    key = table_key(
        pop,
        sorted(defs.items()),
        areas,
        [float(d) for d in distances],
        _code_digest("indicators", "model", "pages/segregation_change"),
    )
    return shared_table("profiles", key, lambda: latest_profiles(pop, defs, areas, distances=distances))


def _profiles_of(net, cities, definitions, distances=PROFILE_DISTANCES) -> pd.DataFrame:
    """:func:`latest_profiles` of ``cities`` for ``definitions``: rows of the network's shared table.

    The network's table (:func:`network_multiscalar_profiles`) is computed once for all
    its reports; the rows come in the order :func:`latest_profiles` gives them (definitions in
    the order given, cities sorted).
    """
    from compare.indicators.panel import definitions_from

    full = network_multiscalar_profiles(net, distances)
    if full.empty:
        return pd.DataFrame()
    keep = full["city"].isin(list(cities))
    parts = [full[keep & (full["group_definition"] == gd.name)] for gd in definitions_from(definitions)]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def change_table(w: ChangeAndScale) -> pd.DataFrame:
    """One row per partition and boundary vintage: M at both ends, its change and the components.

    Examples
    --------
    >>> change_table(w)  # doctest: +SKIP
    """
    d = w.decomposition
    if d.empty:
        return pd.DataFrame()
    keys = ["group_definition", "vintage", "from_period", "to_period"]
    wide = d.pivot_table(index=keys, columns="stat", values="est", aggfunc="first").reset_index()
    wide.columns.name = None
    cols = [
        *keys,
        "M1",
        "M2",
        "diff",
        "structural",
        "unit_marginal",
        "group_marginal",
        "additions",
        "removals",
    ]
    wide = wide[[c for c in cols if c in wide.columns]]
    wide = wide.rename(
        columns={
            "M1": "M first",
            "M2": "M last",
            "diff": "change",
            "structural": "sorting",
            "unit_marginal": "area sizes",
            "group_marginal": "group shares",
        }
    )
    numeric = wide.select_dtypes("number").columns
    # rounding a tiny negative component (-1e-9) prints "-0.0": show it as the zero it is
    wide[numeric] = wide[numeric].round(5) + 0.0
    return wide


def _groups_label(groups: str) -> str:
    return " / ".join(g.replace("_", " ") for g in groups.split("+"))


def change_sentences(w: ChangeAndScale) -> list[str]:
    """The decomposition in words, one sentence per partition and boundary vintage.

    Examples
    --------
    >>> change_sentences(w)[0]  # doctest: +SKIP
    "Vantaa's M for income low / middle / high rose by 0.0042 between 2012 and 2017 ..."
    """
    d = w.decomposition
    out = []
    if d.empty:
        return list(w.notes)
    for (_gd, vin), g in d.groupby(["group_definition", "vintage"], sort=False):
        e = g.set_index("stat")["est"]
        r = g.iloc[0]
        verb = "rose" if e["diff"] > 0 else "fell" if e["diff"] < 0 else "did not change"
        parts = sorted((k for k in WORDS if k in e and abs(e[k]) >= 5e-5), key=lambda k: -abs(e[k]))
        comp = "; ".join(f"{e[k]:+.4f} from {WORDS[k]}" for k in parts) or "no component above 0.00005"
        out.append(
            f"{w.name}'s M for {_groups_label(r['groups'])} {verb} by {abs(e['diff']):.4f} between "
            f"{r['from_period']} and {r['to_period']} (from {e['M1']:.4f} to {e['M2']:.4f}, on the "
            f"{vin} boundaries, {r['n_areas_to']} areas): {comp}."
        )
    return out


def show_change(w: ChangeAndScale):
    """The decomposition as escaped HTML: the sentences, then the table.

    Examples
    --------
    >>> show_change(w)  # doctest: +SKIP
    """
    from IPython.display import HTML

    from compare.pages.assessment import show

    items = "".join(f"<li>{_html.escape(s)}</li>" for s in change_sentences(w))
    table = change_table(w)
    return HTML(f"<ul>{items}</ul>" + (show(table).data if not table.empty else ""))


def fig_change(w: ChangeAndScale):
    """Bars of the components of every change in M (one panel per partition and vintage).

    Examples
    --------
    >>> fig_change(w)  # doctest: +SKIP
    """
    from compare.plots.methods import plot_change_decomposition

    if w.decomposition.empty:
        return None
    return plot_change_decomposition(
        w.decomposition,
        title=f"{w.name}: why the mutual information index M changed (Shapley decomposition, Elbers 2023)",
        source=w.assessment.source_line,
    )


def baseline_table(w: ChangeAndScale) -> pd.DataFrame:
    """Latest D and M next to their random-allocation baseline and bias-corrected value.

    Examples
    --------
    >>> baseline_table(w)  # doctest: +SKIP
    """
    b = w.baseline.copy()
    if b.empty:
        return b
    b = b.rename(
        columns={
            "expected": "expected if random",
            "expected_high": "random 95th pct",
            "value_corrected": "bias-corrected",
            "p_random": "p (random)",
        }
    )
    cols = [
        "period",
        "group_definition",
        "index",
        "value",
        "expected if random",
        "random 95th pct",
        "bias-corrected",
        "p (random)",
        "n_areas",
    ]
    return b[cols].round(4)


def fig_local_scores(w: ChangeAndScale):
    """Map of the local segregation scores ``ls`` of the areas (map period), covered areas outlined.

    Examples
    --------
    >>> fig_local_scores(w)  # doctest: +SKIP
    """
    from compare.pages.assessment import _close, _map_areas
    from compare.plots.maps import plot_choropleth

    if w.local_scores.empty:
        return None
    a = w.assessment
    gd = a.network.group_definitions[w.local_definition]
    return _close(
        plot_choropleth(
            _map_areas(a),
            w.local_scores[["area_id", "ls"]].assign(ls=1000 * w.local_scores["ls"]),
            "ls",
            covered=a.covered,
            percent=False,
            cmap="PuRd",
            title=f"{a.name}, {a.map_period}: local segregation score of each area "
            f"({_groups_label('+'.join(gd.groups))})",
            legend_title="ls x 1000 (nats; p-weighted sum = M)",
            source=a.source_line,
        )
    )


def fig_profile(w: ChangeAndScale):
    """Multiscalar profile of D for the city and its peers (each city's latest period).

    Examples
    --------
    >>> fig_profile(w)  # doctest: +SKIP
    """
    from compare.plots.methods import plot_profiles

    p = w.profiles
    if p.empty:
        return None
    a = w.assessment
    return plot_profiles(
        p,
        title=f"{a.name} against its peers: dissimilarity D on local environments of growing size "
        "(triangular kernel; 0 km = the areas themselves)",
        source=a.source_line,
        highlight=a.city,
        names={c: a.network.cities[c].name for c in a.network.cities},
    )


def transitions_summary(w: ChangeAndScale) -> pd.DataFrame:
    """Areas that stayed disadvantaged, improved or declined, per boundary vintage.

    Examples
    --------
    >>> transitions_summary(w)  # doctest: +SKIP
    """
    s = w.summary
    if s.empty:
        return s
    return s.drop(columns=[c for c in ("city",) if c in s.columns])


def spatial_markov_table(w: ChangeAndScale) -> pd.DataFrame:
    """Homogeneity test of the spatial Markov chain (do the neighbours' classes matter).

    Examples
    --------
    >>> spatial_markov_table(w)  # doctest: +SKIP
    """
    t = w.spatial_test
    if t.empty:
        return t
    return t.drop(columns=[c for c in ("city",) if c in t.columns]).round(4)


def fig_transitions(w: ChangeAndScale) -> list:
    """One transition matrix of status classes per boundary vintage.

    Examples
    --------
    >>> fig_transitions(w)  # doctest: +SKIP
    """
    from compare.indicators.local import STATUS_CLASSES
    from compare.plots.methods import plot_transitions

    figs = []
    for vin, m in w.transitions.groupby("vintage", sort=True) if not w.transitions.empty else []:
        r = m.iloc[0]
        figs.append(
            plot_transitions(
                m,
                title=f"{w.name}: transitions of areas between social status classes, {r['from_period']}-"
                f"{r['to_period']} ({vin} boundaries, {r['n_areas']} areas, consecutive periods pooled)",
                source=w.assessment.source_line,
                states=STATUS_CLASSES,
            )
        )
    return figs


def types_table(w: ChangeAndScale) -> pd.DataFrame:
    """Neighbourhood types: number of area-periods and mean share of every indicator (in %).

    Examples
    --------
    >>> types_table(w)  # doctest: +SKIP
    """
    p = w.type_profiles
    if p.empty:
        return p
    p = p.drop(columns=[c for c in ("city",) if c in p.columns]).copy()
    shares = [c for c in p.columns if c not in ("type", "n")]
    p[shares] = (100 * p[shares]).round(1)
    p = p.rename(columns={c: f"{c} (%)" for c in shares} | {"n": "area-periods"})
    p.insert(0, "type", [f"type {t}" for t in p.pop("type")])
    return p


def fig_type_transitions(w: ChangeAndScale) -> list:
    """One transition matrix of neighbourhood types per boundary vintage.

    Examples
    --------
    >>> fig_type_transitions(w)  # doctest: +SKIP
    """
    from compare.plots.methods import plot_transitions

    figs = []
    t = w.type_transitions
    for vin, m in t.groupby("vintage", sort=True) if not t.empty else []:
        r = m.iloc[0]
        m = m.assign(
            from_state=[f"type {x}" for x in m["from_state"]], to_state=[f"type {x}" for x in m["to_state"]]
        )
        figs.append(
            plot_transitions(
                m,
                title=f"{w.name}: transitions of areas between neighbourhood types, {r['from_period']}-"
                f"{r['to_period']} ({vin} boundaries, {r['n_areas']} areas; type 1 = least disadvantaged)",
                source=w.assessment.source_line,
                states=[f"type {k}" for k in sorted(set(t["from_state"]))],
            )
        )
    return figs


def fig_network_profiles(v, *, distances=PROFILE_DISTANCES):
    """Multiscalar profile of D for every city of a network comparison (latest period each).

    Examples
    --------
    >>> fig_network_profiles(v)  # doctest: +SKIP
    """
    from compare.plots.methods import plot_profiles

    net = v.network
    prof = _profiles_of(net, v.cities, net.group_definitions, distances=distances)
    return plot_profiles(
        prof,
        title="Dissimilarity D on local environments of growing size, every city in its latest period "
        "with the data (multiscalar profiles, Reardon et al. 2008; 0 km = the city's own areas)",
        source=v.source_line,
        names={c: v.name(c) for c in v.cities},
    )
