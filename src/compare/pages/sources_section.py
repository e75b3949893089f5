"""Sections 7 and 8 of a city report: data sources and attribution, import notes, provenance, key results."""

from __future__ import annotations

import pandas as pd

from compare.pages._common import Section, html_of
from compare.pages.action_plan_section import action_plan_table
from compare.pages.city import CityData as CityAssessment
from compare.pages.city import load_city  # noqa: F401  (doctests)
from compare.pages.europe import europe_position
from compare.pages.model_section import rubric_scores
from compare.pages.practices_section import practices_table

__all__ = ["SourcesSection", "data_sources", "provenance", "key_results", "write_results", "import_notes"]


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
        "dissimilarity_interval": latest_intervals(a, latest),
        "action_plan": _records(action_plan_table(a)),
        "europe_position": _records(europe_position(a)),
        "criterion_scores": {
            r.criterion: float(r.score) for r in scores.itertuples() if pd.notna(r.score)
        } if len(scores) else {},
        "key_figures": figures,
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready rows (NaN as ``None``)."""
    from compare.pages.results import to_jsonable

    return [] if frame.empty else to_jsonable(frame.to_dict("records"))


def latest_intervals(a: CityAssessment, latest: pd.DataFrame, n_boot: int = 199) -> dict:
    """95% bootstrap intervals of the city's latest D per group definition (multinomial, seed 0).

    ``latest`` is the city's latest dissimilarity row per group definition (index: definition,
    column ``period``). The Playbook's "what changed" counts a move beyond this interval as a change.

    Examples
    --------
    >>> key_results(a)["dissimilarity_interval"]["low_income"]  # doctest: +SKIP
    [0.21, 0.24]
    """
    from compare.indicators import compute_panel

    out = {}
    pop = a.network.population
    for gd, row in latest.iterrows():
        definition = a.network.group_definitions[gd]
        part = pop[(pop["city"] == a.city) & (pop["period"] == row["period"])]
        t = compute_panel(part, {gd: definition}, indices=["dissimilarity"], ci=True, n_boot=n_boot, seed=0)
        t = t[t["value"].notna()]
        if len(t):
            out[gd] = [round(float(t["ci_low"].iloc[0]), 4), round(float(t["ci_high"].iloc[0]), 4)]
    return out


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


class SourcesSection(Section):
    """Data sets with publisher and licence, the profile's documentary sources, and the import notes.

    Examples
    --------
    >>> s = SourcesSection(load_city("helsinki-berlin", "berlin"))
    >>> "open data" in set(s.table()["kind"])
    True
    """

    empty = "The import noticed nothing to report."

    def table(self) -> pd.DataFrame:
        """Data sources (:func:`data_sources`)."""
        return data_sources(self.a)

    def notes(self):
        """What the import noticed, or the sentence that it noticed nothing (for a notebook cell)."""
        from IPython.display import HTML

        return HTML(html_of(import_notes(self.a), self.empty))

    def parts(self) -> list:
        """Displayables of the section, in order."""
        return [self.table(), import_notes(self.a)]
