"""What the Action Playbook reads: governance data from the library, figures from the reports.

The reports of the run wrote ``<city>.results.json`` and ``network-comparison.results.json``.

The data-derived figures (indices with intervals, the Europe frame, evaluations of local
actions, the action tables' baselines) are computed once, by the reports; the Playbook reads
them, so its numbers are the reports' numbers. A city whose report failed or never ran appears
with that fact instead of figures.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from compare.files import slugify
from compare.pages.results import read_key_results

__all__ = ["CityEntry", "PlaybookData", "collect_playbook_data", "city_contexts"]


@dataclass
class CityEntry:
    """One city of the network as the Playbook sees it."""

    id: str
    name: str
    country: str
    status: str = "not run"
    error: str = ""
    results: dict | None = None
    profile: Any = None
    self_assessment: Any = None

    @property
    def slug(self) -> str:
        """File stem of the city's report."""
        return slugify(self.id)

    @property
    def anchor(self) -> str:
        """HTML anchor of the city's page in the Playbook."""
        return f"city-{self.slug}"


@dataclass
class PlaybookData:
    """Everything the Playbook's parts show, gathered once (:func:`collect_playbook_data`)."""

    network: dict
    out_dir: Path
    cities: list[CityEntry]
    rubric: Any
    catalogue: Any
    profiles: dict
    assessed: Any
    scores: pd.DataFrame
    desk_scores: pd.DataFrame
    desk_dimensions: pd.DataFrame
    dimensions: pd.DataFrame
    similarity: Any
    recommendations: Any
    comparison: dict | None
    datasets: pd.DataFrame
    group_labels: dict = field(default_factory=dict)
    peer_names: dict = field(default_factory=dict)

    def city(self, city_id: str) -> CityEntry:
        """The entry of a city id."""
        for c in self.cities:
            if c.id == city_id:
                return c
        raise KeyError(city_id)

    def name(self, city_id: str) -> str:
        """Display name of a city id (network cities and catalogue cities such as Amadora)."""
        try:
            return self.city(city_id).name
        except KeyError:
            pass  # a peer outside the network, or a city the catalogue declares
        if city_id in self.peer_names:
            return self.peer_names[city_id]
        declared = self.catalogue.cities.get(city_id) or {}
        return str(declared.get("name") or city_id.replace("-", " ").title())

    @property
    def source_line(self) -> str:
        """Attribution of the network's data (for figures)."""
        items = [a.removeprefix("Source: ").strip() for a in self.network.get("attribution") or []]
        return "Source: " + (" ".join(items) if items else "see Tools and methods.")


def city_contexts(cities: Sequence[CityEntry]) -> pd.DataFrame:
    """Context variables of each city from its report: log10 population and D of each definition.

    Used by :func:`compare.governance.context_similarity` to say how alike two cities are.

    Examples
    --------
    >>> e = CityEntry("x", "X", "FI", results={"key_figures": {"population 2017": 1000.0},
    ...                                        "dissimilarity_latest": {"low_income": 0.2}})
    >>> city_contexts([e]).round(2).to_dict("records")
    [{'log10 population': 3.0, 'D low_income': 0.2}]
    """
    rows = {}
    for c in cities:
        r = c.results or {}
        row = {}
        pops = [v for k, v in (r.get("key_figures") or {}).items() if k.startswith("population") and v]
        if pops:
            row["log10 population"] = math.log10(float(pops[0]))
        for gd, d in (r.get("dissimilarity_latest") or {}).items():
            row[f"D {gd}"] = float(d)
        if row:
            rows[c.id] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def collect_playbook_data(
    network: Mapping[str, Any],
    out_dir: str | Path,
    outcomes: Sequence | None = None,
    *,
    n_clusters: int = 2,
) -> PlaybookData:
    """Gather the Playbook's inputs for a network whose reports were written to ``out_dir``.

    Parameters
    ----------
    network : mapping
        ``id`` (network id or config path), ``name``, optionally ``description`` and
        ``attribution`` (the report plan's network record).
    out_dir : str or Path
        Folder with the reports' ``*.results.json``.
    outcomes : sequence of RunRecord, optional
        The run's outcome per report (``name``, ``status``, ``failed``, ``error``); without it a
        city with a results file counts as reported.
    n_clusters : int
        Model types, as in the comparison report.

    Returns
    -------
    PlaybookData

    Examples
    --------
    >>> import tempfile; tmp_dir = tempfile.mkdtemp()
    >>> d = collect_playbook_data({"id": "helsinki-berlin", "name": "H-B"}, tmp_dir)
    >>> [c.status for c in d.cities]
    ['not run', 'not run', 'not run', 'not run']
    """
    from compare.governance import (
        assessment_matrix,
        load_practices,
        load_rubric,
        recommend_transfers,
        score_matrix,
    )
    from compare.pages.city import network_profiles
    from compare.pages.comparison import network_data_sources, network_governance
    from compare.sources import load_network, read_network_config

    out_dir = Path(out_dir)
    source = network.get("config") or network["id"]
    cfg, _ = read_network_config(source)
    # the city reports show the import's notes; the Playbook does not repeat them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        net = load_network(source)
    rubric = load_rubric()
    order = [c for c in cfg["cities"] if c in net.cities]
    network_wide = network_profiles(net, rubric)  # read and checked against the data once
    profiles, assessed, scores, similarity = network_governance(
        net, order, rubric, n_clusters, all_profiles=network_wide
    )
    all_profiles = {cid: p for cid, p in network_wide.items() if cid in order}
    runs = {slugify(o.name): o for o in outcomes or []}
    entries = []
    for cid in order:
        c = net.cities[cid]
        e = CityEntry(cid, c.name, str(c.country or ""), profile=all_profiles.get(cid))
        e.results = read_key_results(out_dir, slugify(cid))
        o = runs.get(slugify(cid))
        if o is not None and o.failed:
            err = o.error or {}
            e.status, e.error = "failed", f"{err.get('ename', '')}: {err.get('evalue', '')}".strip(": ")
        elif o is not None:
            e.status = "reported" if e.results is not None else o.status
        elif e.results is not None:
            e.status = "reported"
        if cid in profiles:
            e.self_assessment = _self_assessment(cid, profiles[cid], rubric, c.name)
        entries.append(e)
    catalogue = load_practices()
    desk = score_matrix(profiles, rubric) if profiles else pd.DataFrame()
    # peers are every profiled city (the catalogue is shared by all networks): the network's own
    # scores (the local group's consensus where it exists), the desk review of the others
    # (a profile the network already reads, e.g. vantaa.yml behind a `vantaa-paavo` entry, is not an
    # outsider, and is not read again)
    others = _outside_profiles({Path(p.path).resolve() for p in all_profiles.values()}, set(order), rubric)
    peers = scores if len(scores) else desk
    if others:
        outside = score_matrix(others, rubric)
        peers = pd.concat([peers, outside.reindex(columns=peers.columns)]) if len(peers.columns) else outside
    names = _city_names(others, catalogue) | {e.id: e.name for e in entries}
    recs = recommend_transfers(
        peers, catalogue, rubric, cities=order, contexts=city_contexts(entries), names=names, partners=order
    )
    for e in entries:  # a city whose profile is another entry's (vantaa / vantaa-paavo) is not scored twice
        if e.id not in profiles and e.profile is not None:
            recs.reasons[e.id] = "its profile is scored under another entry of the same city"
        elif e.profile is None:
            recs.reasons[e.id] = "no governance profile (data/governance) is declared for it"
    comparison = read_key_results(out_dir, "network-comparison")
    return PlaybookData(
        network=dict(network),
        out_dir=out_dir,
        cities=entries,
        rubric=rubric,
        catalogue=catalogue,
        profiles=profiles,
        assessed=assessed,
        scores=scores,
        desk_scores=desk,
        desk_dimensions=score_matrix(profiles, rubric, level="dimension") if profiles else pd.DataFrame(),
        dimensions=assessment_matrix(assessed, rubric, level="dimension") if profiles else pd.DataFrame(),
        similarity=similarity,
        recommendations=recs,
        comparison=comparison,
        datasets=network_data_sources(net),
        group_labels={k: (g.label or k.replace("_", " ")) for k, g in net.group_definitions.items()},
        peer_names=names,
    )


def _city_names(profiles: dict, catalogue) -> dict[str, str]:
    """Display names of profiled cities outside the network.

    From any network config naming them, else the catalogue's declared cities, else the id.
    """
    from compare.paths import data_dir
    from compare.sources import read_network_config

    known: dict[str, str] = {}
    for f in sorted((data_dir() / "networks").glob("*.yml")):
        try:
            cfg, _ = read_network_config(f)
        except Exception:  # noqa: BLE001 - a broken network file is reported where it is used, not here
            continue
        for cid, c in cfg["cities"].items():
            known.setdefault(cid, str(c.get("name") or cid))
    out = {}
    for k in profiles:
        declared = catalogue.cities.get(k) or {}
        out[k] = known.get(k) or str(declared.get("name") or k.replace("-", " ").title())
    return out


def _outside_profiles(own_paths: set[Path], cities: set[str], rubric) -> dict:
    """The profiles of ``data/governance`` that are neither read by the network nor named like its cities."""
    from compare.governance import load_profiles
    from compare.paths import data_dir

    folder = data_dir() / "governance"
    stems = [
        f.stem
        for f in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))
        if f.resolve() not in own_paths and f.stem not in cities
    ]
    return load_profiles(rubric=rubric, cities=stems) if stems else {}


def _self_assessment(city: str, profile, rubric, name: str):
    """The local group's self-assessment of a city, or ``None`` when it has no responses."""
    from compare.pages.self_assessment import load_self_assessment

    s = load_self_assessment(city, profile, rubric, name=name)
    return s if s.has_responses else None
